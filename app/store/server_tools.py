"""The PostgreSQL server's own tools (``pg_dump``, ``pg_restore``): finding them, and running them on the
desk's connection without ever putting the password on a command line.

The connection goes to the tool through the environment (``PGHOST``, ``PGPORT``, ``PGUSER``,
``PGDATABASE``); the password only as ``PGPASSWORD`` when the connection string given on this run had one,
otherwise the tool reads the same password file as the program (``PGPASSFILE``, or the program's own
``pgpass``, see :mod:`app.store.server`).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import URL

from app.domain.errors import ClerkError

__all__ = ["ServerToolError", "find_tool", "run_tool", "tool_env"]


class ServerToolError(ClerkError):
    """A server tool is missing or failed; ``str(err)`` is Chinese."""


def find_tool(name: str) -> Path:
    """The path of *name* (``pg_dump``, ``pg_restore``): on PATH, else in Debian's /usr/lib/postgresql/*/bin
    (newest version first). ServerToolError (Chinese) when it is not installed."""
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parts[-3].split(".")],
        reverse=True,
    )
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return Path(candidate)
    raise ServerToolError(
        f"本机没有安装 PostgreSQL 客户端工具 {name}，无法备份或恢复服务器上的数据库。\n"
        "请安装与服务器版本一致的 PostgreSQL 客户端（Windows：PostgreSQL 安装包中的“Command Line Tools”；"
        "Debian/Ubuntu：apt install postgresql-client），并确认其所在文件夹在 PATH 中。未作任何改动。"
    )


def tool_env(url: URL) -> dict[str, str]:
    """The environment for a server tool: connection parameters, never the password on a command line."""
    from app.store.server import PASSFILE_NAME, config_dir

    env = dict(os.environ)
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE", "PGOPTIONS"):
        env.pop(name, None)
    env["PGHOST"] = url.host or "localhost"
    env["PGPORT"] = str(url.port or 5432)
    if url.username:
        env["PGUSER"] = url.username
    env["PGDATABASE"] = url.database or ""
    env["PGCONNECT_TIMEOUT"] = "10"
    env["PGAPPNAME"] = "ogi-desk"
    # a desk holding a row must not make a restore or a backup wait for ever: stop after a minute, saying so
    env["PGOPTIONS"] = "-c lock_timeout=60000"
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    elif not os.environ.get("PGPASSFILE"):
        own = config_dir() / PASSFILE_NAME
        if own.exists():
            env["PGPASSFILE"] = str(own)
    return env


def run_tool(name: str, args: list[str], url: URL, *, what: str) -> subprocess.CompletedProcess[str]:
    """Run the server tool *name* with *args* on *url*'s database; ServerToolError (Chinese, with the tool's
    first lines of error) when it fails. *what* names the work in the message (备份, 恢复 …)."""
    tool = find_tool(name)
    try:
        done = subprocess.run(
            [str(tool), *args],
            env=tool_env(url),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except OSError as exc:
        raise ServerToolError(f"无法运行 {tool}（{exc}），{what}未完成。") from exc
    if done.returncode != 0:
        detail = "\n".join((done.stderr or "").strip().splitlines()[:5])
        raise ServerToolError(f"{what}失败（{name} 报告错误）：\n{detail}")
    return done

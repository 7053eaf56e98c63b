"""The desk's saved choice of database: ``connection.json`` in the user's configuration folder.

The file names a PostgreSQL server (``{"server": "postgresql://用户名@服务器地址:端口/数据库名"}``) or nothing
(``{"server": null}``: the local SQLite file). It never holds a password: the password is kept in the libpq
password file (:func:`app.store.server.save_password`). Written whole and renamed (a crash never leaves half
a file), readable by its owner only. A missing, unreadable or damaged file means "no server" (the local file),
with a line in the log, never a failure to start.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.store.server import config_dir, is_server_url

__all__ = ["CONNECTION_FILE", "connection_path", "load_connection", "save_connection", "without_password"]

log = logging.getLogger(__name__)
CONNECTION_FILE = "connection.json"


def connection_path() -> Path:
    """Where the saved choice is kept (``OGI_DESK_CONFIG_DIR`` overrides the folder)."""
    return config_dir() / CONNECTION_FILE


def without_password(url: str) -> str:
    """*url* with any password removed (the password belongs in the password file, never in this file)."""
    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError):
        return url.strip()
    if parsed.password is None:
        return url.strip()
    bare = URL.create(  # (URL.set(password=None) would keep the password: None there means "unchanged")
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=False)


def load_connection() -> str | None:
    """The saved server connection string, or None (the local database file)."""
    path = connection_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("connection setting %s unreadable (%s); using the local database file", path, exc)
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        log.warning("connection setting %s is not valid JSON; using the local database file", path)
        return None
    server = data.get("server") if isinstance(data, dict) else None
    if server is None:
        return None
    if not isinstance(server, str) or not is_server_url(server):
        log.warning("connection setting %s names no PostgreSQL server; using the local database file", path)
        return None
    return without_password(server)


def save_connection(url: str | None) -> Path:
    """Save *url* (a server, its password stripped) or None (the local file) as the desk's choice."""
    if url is not None and not is_server_url(url):
        raise ValueError("not a PostgreSQL connection string")
    value = without_password(url) if url is not None else None
    path = connection_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"server": value}, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    if os.name == "posix":
        os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path

"""The desk's saved choice of database: ``connection.json`` in the user's configuration folder.

The file names a PostgreSQL server (``{"server": "postgresql://用户名@服务器地址:端口/数据库名"}``) or nothing
(``{"server": null}``: the local SQLite file), and optionally, for a server, the folder shared by the desks for
the attachments, issued documents and backups (``"files": "\\\\服务器\\ogi"``; absent: this desk's own
folder, see :func:`app.store.server.files_anchor`). It never holds a password: the password is kept in the libpq
password file (:func:`app.store.server.save_password`). Written whole and renamed (a crash never leaves half
a file), readable by its owner only. A missing, unreadable or damaged file means "no server" (the local file),
with a line in the log, never a failure to start.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.store.server import config_dir, is_server_url

__all__ = [
    "CONNECTION_FILE",
    "connection_path",
    "load_connection",
    "load_files_folder",
    "save_connection",
    "without_password",
]

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


def _read() -> dict[str, object]:
    """The saved setting as a mapping; empty when missing, unreadable or damaged (logged)."""
    path = connection_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        log.warning("connection setting %s unreadable (%s); using the local database file", path, exc)
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        log.warning("connection setting %s is not valid JSON; using the local database file", path)
        return {}
    return data if isinstance(data, dict) else {}


def load_connection() -> str | None:
    """The saved server connection string, or None (the local database file)."""
    server = _read().get("server")
    if server is None:
        return None
    if not isinstance(server, str) or not is_server_url(server):
        log.warning(
            "connection setting %s names no PostgreSQL server; using the local database file", connection_path()
        )
        return None
    return without_password(server)


def load_files_folder() -> Path | None:
    """The folder shared by the desks for the saved server's files, or None (this desk's own folder).

    Only meaningful with a saved server; a value that is not an absolute path is ignored (logged)."""
    data = _read()
    folder = data.get("files")
    if folder is None or load_connection() is None:
        return None
    if not isinstance(folder, str) or not folder.strip() or not _is_absolute(folder.strip()):
        log.warning(
            "connection setting %s: files folder %r is not an absolute path; ignored", connection_path(), folder
        )
        return None
    return Path(folder.strip())


def _is_absolute(folder: str) -> bool:
    """An absolute path here, or a Windows one (``C:\\…``, ``\\\\server\\share``) written on any system."""
    return Path(folder).is_absolute() or folder.startswith(("\\\\", "//")) or bool(re.match(r"^[A-Za-z]:[\\/]", folder))


def save_connection(url: str | None, files: Path | str | None = None) -> Path:
    """Save *url* (a server, its password stripped) or None (the local file) as the desk's choice; *files*: the
    folder shared by the desks for the server's files (absolute; None: this desk's own folder)."""
    if url is not None and not is_server_url(url):
        raise ValueError("not a PostgreSQL connection string")
    value = without_password(url) if url is not None else None
    data: dict[str, object] = {"server": value}
    if value is not None and files is not None and str(files).strip():
        folder = str(files).strip()
        if not _is_absolute(folder):
            raise ValueError("the files folder must be an absolute path")
        data["files"] = folder
    path = connection_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    if os.name == "posix":
        os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path

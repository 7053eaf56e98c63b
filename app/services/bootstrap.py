"""One way a use case gets its context: open (check, back up, migrate) the database and build the context.

The GUI (``app.ui.application``), the command line (``app.cli``) and the scripts all start here, so neither
screens nor commands open the database themselves. Failures come as :class:`app.services.errors.ClerkError`
subclasses with a Chinese message (:class:`~app.services.errors.DatabaseUnavailable` when the file is
locked, damaged, foreign or newer than the program).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import URL

from app.services.context import ServiceContext
from app.services.errors import ValidationError
from app.services.profile import ensure_defaults
from app.store.backup import default_backup_dir
from app.store.connection import connection_path, load_connection, load_files_folder, save_connection
from app.store.database import (
    DatabaseOpenError,
    default_db_path,
    head_revision,
    inspect_existing,
    known_revisions,
    open_database,
)
from app.store.server import (
    check_files_folder,
    display_url,
    files_folder_problem,
    inspect_server,
    is_server_url,
    make_server_engine,
    save_password,
    server_url,
    shared_files_anchor,
)

__all__ = [
    "ServerSetting",
    "backup_folder",
    "check_file",
    "connection_setting_file",
    "database_path",
    "database_target",
    "default_file",
    "files_anchor_for",
    "files_folder_problem",
    "is_server_target",
    "open_context",
    "save_server_setting",
    "saved_files_folder",
    "saved_server",
    "try_server",
]


def database_path(path: Path | None = None) -> Path:
    """The database file to use: *path*, else ``ogi.sqlite`` in the user data folder (platformdirs)."""
    return Path(path) if path is not None else default_db_path()


def database_target(arg: Path | str | None = None) -> Path | str:
    """What to open: *arg* (a file path or a ``postgresql://`` connection string) when given; else the server
    saved in 设置 → 数据库 (``connection.json``, see app.store.connection); else the default database file."""
    if arg is not None:
        text = str(arg)
        return text.strip() if is_server_url(text) else Path(arg)
    saved = load_connection()
    return saved if saved is not None else default_db_path()


def open_context(
    path: Path | str | None = None,
    *,
    now: Callable[[], datetime] = datetime.now,
    defer_integrity_check: bool = False,
    files: Path | None = None,
) -> ServiceContext:
    """Open the office's database (first run: create it with the office's defaults) and return the context.

    *path*: a database file or a server's connection string; None: the desk's saved choice (database_target).

    *files*: for a server, the folder shared by the desks for its attachments, documents and backups; None:
    the folder saved in 设置 → 数据库 when *path* is the saved server, else this desk's own folder
    (see :func:`files_anchor_for`). A shared folder that cannot be used refuses the start (DatabaseUnavailable,
    kind ``files``).

    *defer_integrity_check*: the GUI opens an up-to-date database without the whole-file check and runs
    ``ctx.db.verify_integrity()`` right after its window is up (see app.store.database.open_database).
    """
    target = database_target(path)
    anchor = files_anchor_for(target, files)
    db = open_database(target, defer_integrity_check=defer_integrity_check, files_at=anchor)
    ctx = ServiceContext(db, now=now)
    ensure_defaults(ctx)
    return ctx


def _same_server(a: str, b: str) -> bool:
    """True when the connection strings *a* and *b* name the same database (host, port and name; the user
    and the password do not matter: the files belong to the database)."""
    first, second = ServerSetting.parse(a), ServerSetting.parse(b)
    if first is None or second is None:
        return False
    return (first.host.lower(), first.port, first.database) == (second.host.lower(), second.port, second.database)


def files_anchor_for(target: Path | str | None, files: Path | None = None) -> Path | None:
    """The local anchor of the server *target*'s files (see app.store.server.files_anchor) in the shared
    folder *files*, or in the folder saved in 设置 → 数据库 when *target* is the saved server; None for a
    database file or a server without a shared folder (this desk's own folder is used).

    DatabaseUnavailable (kind ``files``, Chinese) when the shared folder is missing, not a folder or not
    writable: the desk never falls back to its own folder, which would split the files between desks."""
    if not is_server_target(target):
        return None
    value = str(target).strip()
    folder = Path(files) if files is not None else None
    if folder is None:
        saved = load_connection()
        if saved is not None and _same_server(value, saved):
            folder = load_files_folder()
            value = saved  # the anchor's name as every desk saving this server spells it
    if folder is None:
        return None
    url = server_url(value)
    check_files_folder(folder, url)
    return shared_files_anchor(url, folder)


def check_file(path: Path) -> None:
    """Refuse a file that is not a usable database of this program, without changing it (DatabaseUnavailable)."""
    inspect_existing(path)


def backup_folder(db_path: Path) -> Path:
    """Where the automatic backups of *db_path* are kept (``backups/`` next to it)."""
    return default_backup_dir(db_path)


# ----- the desk's choice of database (设置 → 数据库) ---------------------------------------------------------


@dataclass(frozen=True)
class ServerSetting:
    """A PostgreSQL server as the clerk or IT enters it (never with the password)."""

    host: str
    port: int
    database: str
    user: str

    def url(self) -> str:
        """The connection string ``postgresql://用户名@服务器地址:端口/数据库名`` (ValidationError when incomplete)."""
        problems = []
        if not self.host.strip():
            problems.append("请填写服务器地址")
        if not self.database.strip():
            problems.append("请填写数据库名")
        if not self.user.strip():
            problems.append("请填写用户名")
        if not 0 < self.port < 65536:
            problems.append("端口应为 1 至 65535 之间的数字")
        if problems:
            raise ValidationError(problems)
        url = URL.create(
            "postgresql",
            username=self.user.strip(),
            host=self.host.strip(),
            port=self.port,
            database=self.database.strip(),
        )
        return url.render_as_string(hide_password=False)

    @classmethod
    def parse(cls, value: str) -> ServerSetting | None:
        """The parts of a connection string (None when it is not a usable one)."""
        try:
            url = server_url(value)
        except DatabaseOpenError:
            return None
        return cls(url.host or "localhost", int(url.port or 5432), url.database or "", url.username or "")


def is_server_target(target: Path | str | None) -> bool:
    """True when *target* (a database_target) is a PostgreSQL server."""
    return is_server_url(target)


def default_file() -> Path:
    """The desk's own database file (本机数据库文件)."""
    return default_db_path()


def saved_server() -> ServerSetting | None:
    """The server saved in 设置 → 数据库, or None (the desk uses its own database file)."""
    saved = load_connection()
    return ServerSetting.parse(saved) if saved is not None else None


def saved_files_folder() -> Path | None:
    """The folder shared by the desks for the saved server's files, or None (this desk's own folder)."""
    return load_files_folder()


def save_server_setting(setting: ServerSetting | None, password: str = "", files: Path | None = None) -> Path:
    """Save the desk's choice: *setting* (a server; *password*, when given, into the password file, never
    anywhere else; *files*, the folder shared by the desks for its files, checked first) or None (its own
    database file). Takes effect at the next start. Returns the file.

    ValidationError (Chinese) when *files* is not an absolute path to a folder this desk can write to."""
    if setting is None:
        return save_connection(None)
    url = setting.url()
    if files is not None:
        folder = Path(files)
        if not folder.is_absolute():
            raise ValidationError([f"附件与文书文件夹应填写完整路径（如 \\\\服务器\\共享文件夹）：{folder}"])
        problem = files_folder_problem(folder)
        if problem is not None:
            raise ValidationError([problem])
    if password:
        save_password(server_url(url), password)
    return save_connection(url, files)


def connection_setting_file() -> Path:
    """Where the choice is kept (shown to IT in 设置 → 数据库)."""
    return connection_path()


def try_server(setting: ServerSetting, password: str = "") -> str:
    """Connect to *setting*'s server and look at its database without changing anything; a Chinese sentence
    on success, DatabaseUnavailable (Chinese) when it cannot be used. *password* (when typed) is used for
    this test only; otherwise the password file's."""
    url = server_url(setting.url())
    if password:
        url = url.set(password=password)
    engine = make_server_engine(url)
    try:
        revision = inspect_server(engine, url, known_revisions())
    finally:
        engine.dispose()
    shown = display_url(setting.url())  # as saved: without the password, not even as ***
    if revision is None:
        return f"连接成功：{shown}\n这是一个空数据库，首次启动时将在其中建立本程序的数据表。"
    if revision != head_revision():
        return f"连接成功：{shown}\n这是本程序的数据库（较早版本），启动时将自动升级。"
    return f"连接成功：{shown}\n这是本程序的数据库，可以使用。"

"""Opening the office's SQLite database safely: checks first, then migrations, then the engine.

Before anything writes to an existing file the opener checks, on a read-only connection, that it is a
SQLite database at all, that it is not damaged, that it is not locked by another program, that it is
writable, and that its schema is not newer than this program. Any failure raises
:class:`DatabaseOpenError` with a Chinese message and leaves the file untouched. A non-empty database is
copied aside (SQLite online backup) before any migration.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import ClerkError

if TYPE_CHECKING:
    from alembic.config import Config

APP_DIR_NAME = "ogi-desk"
DB_FILE_NAME = "ogi.sqlite"
SQLITE_HEADER = b"SQLite format 3\x00"

#: Every schema revision in db/versions, oldest first; the last is the head. Kept here so that opening an
#: up-to-date database needs one plain query and no Alembic (a test compares it with the migration scripts).
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
HEAD_REVISION = KNOWN_REVISIONS[-1]

#: Private on POSIX: the data folder for its owner only, the database and its WAL/SHM read and written by
#: its owner only (personal data of applicants).
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class DatabaseOpenError(ClerkError):
    """The database cannot be used; ``str(err)`` is a Chinese message for the clerk."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        # locked | readonly | corrupt | newer | foreign | missing_dir | io; a server's also url | auth | missing |
        # unreachable
        self.kind = kind


def default_db_path() -> Path:
    """The database file in the user's data folder (platformdirs), e.g. %LOCALAPPDATA%\\ogi-desk."""
    return Path(user_data_dir(APP_DIR_NAME, appauthor=False)) / DB_FILE_NAME


def _resource_root() -> Path:
    import sys

    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parents[2]


def alembic_config() -> Config:
    from alembic.config import Config  # only when a migration runs: Alembic takes a while to import

    cfg = Config()
    cfg.set_main_option("script_location", str(_resource_root() / "db"))
    return cfg


def head_revision() -> str:
    """The newest schema revision this program knows (the last of the migration scripts)."""
    return HEAD_REVISION


def known_revisions() -> set[str]:
    return set(KNOWN_REVISIONS)


def make_private(path: Path) -> None:
    """Owner-only permissions on the database file and its WAL/SHM (POSIX; nothing to do on Windows).

    Files of another owner are left alone (chmod would fail; the open itself shows whether they can be used).
    """
    if os.name != "posix":
        return
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            st = candidate.stat()
            if st.st_uid == os.getuid() and st.st_mode & 0o777 != PRIVATE_FILE_MODE:
                candidate.chmod(PRIVATE_FILE_MODE)
        except OSError:
            continue


def make_private_dir(folder: Path) -> None:
    """Owner-only permissions on the program's own data folder (POSIX)."""
    if os.name != "posix":
        return
    try:
        st = folder.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o777 != PRIVATE_DIR_MODE:
            folder.chmod(PRIVATE_DIR_MODE)
    except OSError:
        pass


@dataclass
class Database:
    """An opened database: its path, engine and a session factory."""

    path: Path
    engine: Engine
    session_factory: sessionmaker[Session]
    backup_before_migration: Path | None = None
    integrity_checked: bool = True
    #: the server's connection (PostgreSQL); None for a SQLite file. ``path`` then stands for the server
    #: database on this desk: its documents, attachments and backups folders are kept beside it.
    url: URL | None = None

    @property
    def is_server(self) -> bool:
        """True on a PostgreSQL server (several desks), False on a SQLite file (one desk)."""
        return self.url is not None

    @property
    def location(self) -> str:
        """What the clerk is shown as "where the data is": the file, or the server without the password."""
        if self.url is not None:
            from app.store.server import display_url

            return display_url(self.url)
        return str(self.path)

    def verify_integrity(self) -> None:
        """``PRAGMA quick_check`` on a read-only connection of its own (for an open deferred by the GUI).

        Raises DatabaseOpenError (kind "corrupt") when the file is damaged. Safe to call from another thread.
        A server checks its own storage: nothing to do there.
        """
        if self.url is None:
            quick_check(self.path)
        self.integrity_checked = True

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One session per user action: commit on success, roll back on any error.

        SQLite failures (locked, disk full, read-only, damaged) become :class:`DatabaseRuntimeError` with a
        Chinese message saying the action was not saved; nothing of it is written.
        """
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            _quiet_rollback(session)
            if self.url is not None:
                from app.store.server import runtime_error as server_error

                raise server_error(exc, self.url) from exc
            if isinstance(exc.orig, sqlite3.Error):
                raise runtime_error(exc.orig, self.path) from exc
            raise
        except StaleDataError as exc:
            _quiet_rollback(session)
            raise ConcurrentEdit() from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _quiet_rollback(session: Session) -> None:
    """Roll back; a connection that is already gone (server dropped) has nothing to roll back."""
    with contextlib.suppress(DBAPIError):
        session.rollback()


class DatabaseRuntimeError(ClerkError):
    """A database failure during work; ``str(err)`` is a Chinese message. The action was rolled back."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class ConcurrentEdit(DatabaseRuntimeError):
    """Another desk changed the same application since this desk read it (its version moved on)."""

    MESSAGE = "该申请已被他人修改，请刷新。本次操作未保存。"

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message, kind="conflict")


def runtime_error(exc: sqlite3.Error, path: Path) -> DatabaseRuntimeError:
    """Explain a SQLite failure met while working (the action was not saved)."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseRuntimeError(
            "数据库正被其他程序占用（例如正在导入台账、备份或恢复），本次操作未保存。请稍后重试。", kind="locked"
        )
    if "full" in text:
        return DatabaseRuntimeError(f"磁盘空间已满，本次操作未保存。请清理磁盘后重试。\n{path}", kind="disk_full")
    if "readonly" in text or "read-only" in text:
        return DatabaseRuntimeError(f"数据库文件变为只读，本次操作未保存。请检查文件权限。\n{path}", kind="readonly")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DatabaseRuntimeError(
            f"数据库文件已损坏，本次操作未保存。请停止使用并从备份恢复（设置 → 数据与备份）。\n{path}", kind="corrupt"
        )
    return DatabaseRuntimeError(f"数据库操作失败，本次操作未保存：{exc}\n{path}", kind="io")


def _classify(exc: sqlite3.Error, path: Path) -> DatabaseOpenError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseOpenError(
            f"数据库文件正被其他程序占用（可能本程序已在另一窗口打开，或正在备份）：\n{path}\n"
            "请关闭其他程序后重试。文件未作任何改动。",
            kind="locked",
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return DatabaseOpenError(
            f"无法写入数据库文件（文件或所在文件夹为只读，或没有权限）：\n{path}\n"
            "请检查文件权限，或用 --db 指定其他位置。文件未作任何改动。",
            kind="readonly",
        )
    if "disk" in text and "full" in text:
        return DatabaseOpenError(f"磁盘空间已满，无法写入数据库：\n{path}\n请清理磁盘后重试。", kind="io")
    return DatabaseOpenError(
        f"数据库文件已损坏或不是本程序的数据库：\n{path}\n（{exc}）\n"
        "文件未作任何改动。请从备份恢复（设置 → 备份与恢复，或命令 python -m app restore 备份文件）。",
        kind="corrupt",
    )


def _read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for *path*: ``as_uri`` percent-encodes ``?``, ``#`` and ``%`` in the name."""
    return f"{path.resolve().as_uri()}?mode=ro"


def quick_check(path: Path) -> None:
    """SQLite's ``PRAGMA quick_check`` of the whole file, on a read-only connection; DatabaseOpenError if damaged.

    Every page is read once: about 0.25 s for 100,000 applications (a 190 MB file) on the development machine.
    """
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise _classify(exc, path) from exc
    try:
        result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.Error as exc:
        raise _classify(exc, path) from exc
    finally:
        conn.close()
    if result != "ok":
        raise DatabaseOpenError(
            f"数据库文件已损坏（完整性检查：{result}）：\n{path}\n文件未作任何改动。请从备份恢复。",
            kind="corrupt",
        )


def inspect_existing(path: Path, *, check_integrity: bool = True) -> str | None:
    """Check an existing file without changing it; return its schema revision (None if empty).

    Raises DatabaseOpenError for a foreign, corrupt, locked, read-only or newer-schema file. The integrity
    check (``PRAGMA quick_check``, whatever the size) runs unless *check_integrity* is false — the GUI then
    runs it right after its window is up (:meth:`Database.verify_integrity`).
    """
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except PermissionError as exc:
        raise DatabaseOpenError(f"没有读取数据库文件的权限：\n{path}", kind="readonly") from exc
    if not header:
        return None
    if header != SQLITE_HEADER:
        raise DatabaseOpenError(
            f"该文件不是 SQLite 数据库，或已严重损坏：\n{path}\n文件未作任何改动。请从备份恢复。",
            kind="corrupt",
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseOpenError(
            f"数据库文件或其所在文件夹为只读，无法保存登记：\n{path}\n"
            "请检查文件权限（或将文件复制到可写位置后用 --db 打开）。文件未作任何改动。",
            kind="readonly",
        )
    uri = _read_only_uri(path)
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=1.0)
    except sqlite3.Error as exc:
        raise _classify(exc, path) from exc
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if check_integrity:
            result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if result != "ok":
                raise DatabaseOpenError(
                    f"数据库文件已损坏（完整性检查：{result}）：\n{path}\n文件未作任何改动。请从备份恢复。",
                    kind="corrupt",
                )
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise DatabaseOpenError(
                f"该 SQLite 文件不是本程序的数据库（缺少版本信息）：\n{path}\n文件未作任何改动。",
                kind="foreign",
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
        if revision is not None and revision not in known_revisions():
            raise DatabaseOpenError(
                f"该数据库由更新版本的程序创建（数据库版本 {revision}），本程序无法安全使用：\n{path}\n"
                "请安装最新版本的程序。文件未作任何改动。",
                kind="newer",
            )
        _probe_write_lock(path)
        return revision
    except sqlite3.Error as exc:
        raise _classify(exc, path) from exc
    finally:
        conn.close()


def _probe_write_lock(path: Path) -> None:
    """Fail with "locked" if another process holds the write lock (an import, a restore …).

    BEGIN IMMEDIATE followed by ROLLBACK takes and releases the lock without writing anything.
    """
    probe = sqlite3.connect(path, timeout=1.0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
    finally:
        probe.close()


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy control transactions (pysqlite's own BEGIN handling breaks SAVEPOINTs).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _begin(conn: object) -> None:
    conn.exec_driver_sql("BEGIN")  # type: ignore[attr-defined]


def make_engine(path: Path | str) -> Engine:
    """An engine on a SQLite file with WAL, foreign keys and a busy timeout on every connection.

    The URL is built from its parts, so ``?``, ``%`` or ``#`` in the file name are part of the name (a URL
    string would read them as a query string or an escape and open another file).
    """
    engine = create_engine(URL.create("sqlite", database=str(path)), future=True)
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def copy_database(src: Path, dest: Path) -> None:
    """Consistent copy of a live database with SQLite's online backup API."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    source = sqlite3.connect(_read_only_uri(src), uri=True)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    os.replace(tmp, dest)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (Alembic migrations in db/)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_server_database(value: str, *, files_at: Path | None = None) -> Database:
    """Check, migrate (one transaction) and open the register on a PostgreSQL server (see app.store.server).

    *files_at*: the local path standing for the server database (its documents, attachments and backups
    folders are kept beside it); default: ``servers/<host>-<port>-<database>.pg`` in the user data folder."""
    from app.store.server import files_anchor, inspect_server, make_server_engine, open_error, server_url

    url = server_url(value)
    engine = make_server_engine(url)
    try:
        revision = inspect_server(engine, url, known_revisions())
        if revision != head_revision():
            migrate(engine)
    except DatabaseOpenError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise open_error(exc, url) from exc
    anchor = Path(files_at) if files_at is not None else files_anchor(url, default_db_path().parent)
    try:
        anchor.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        engine.dispose()
        raise DatabaseOpenError(f"无法创建本机文件夹：\n{anchor.parent}\n（{exc}）", kind="missing_dir") from exc
    factory = sessionmaker(engine, expire_on_commit=False)
    return Database(anchor, engine, factory, None, integrity_checked=True, url=url)


def open_database(
    path: Path | str | None = None, *, defer_integrity_check: bool = False, files_at: Path | None = None
) -> Database:
    """Check, back up if needed, migrate and open the database at *path* (default: user data dir).

    With *defer_integrity_check* (the GUI, whose window should be up at once) an up-to-date database is opened
    without ``PRAGMA quick_check``; the caller runs :meth:`Database.verify_integrity` right after (off the UI
    thread). A database that needs a migration is always checked first.
    """
    from app.store.server import is_server_url

    if is_server_url(path):
        return open_server_database(str(path), files_at=files_at)
    db_path = Path(path) if path is not None else default_db_path()
    created_dir = not db_path.parent.exists()
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseOpenError(
            f"无法创建数据库所在的文件夹：\n{db_path.parent}\n（{exc}）", kind="missing_dir"
        ) from exc
    if created_dir or db_path.parent == default_db_path().parent:
        make_private_dir(db_path.parent)  # never a folder the clerk named that holds other things (/tmp …)
    deferred = False
    if db_path.exists():
        revision = inspect_existing(db_path, check_integrity=not defer_integrity_check)
        if defer_integrity_check and revision != head_revision():
            quick_check(db_path)  # a migration writes: check the file first
        else:
            deferred = defer_integrity_check
    else:
        revision = None
    backup_path: Path | None = None
    if db_path.exists() and db_path.stat().st_size > 0 and revision != head_revision():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup_path = db_path.with_name(f"{db_path.stem}.迁移前备份-{revision or '空'}-{stamp}{db_path.suffix}")
        try:
            copy_database(db_path, backup_path)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseOpenError(
                f"升级数据库前无法备份，已停止（未作任何改动）：\n{backup_path}\n（{exc}）", kind="io"
            ) from exc
    engine = make_engine(db_path)
    try:
        if revision != head_revision():
            migrate(engine)
    except Exception as exc:
        engine.dispose()
        inner = getattr(exc, "orig", exc)
        if isinstance(inner, sqlite3.Error):
            raise _classify(inner, db_path) from exc
        raise
    with contextlib.suppress(Exception), engine.connect():
        pass  # the first connection creates the WAL and SHM files
    make_private(db_path)
    if backup_path is not None:
        make_private(backup_path)
    factory = sessionmaker(engine, expire_on_commit=False)
    return Database(db_path, engine, factory, backup_path, integrity_checked=not deferred)

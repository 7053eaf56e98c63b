"""Opening the office's register on a PostgreSQL server (several desks, one register).

A desk names the server with a connection string ``postgresql://用户@主机:端口/数据库`` (``--db`` on the command
line, or 设置 → 数据库 in the window, kept in the user's configuration folder). The password is never part of
what is stored or shown: it is read by the PostgreSQL client library from the standard password file
(``PGPASSFILE``, or this program's own ``pgpass`` beside the connection setting, 0600 on POSIX), so it is in
neither the database, the settings, the logs nor the window title. A password typed into a connection string
on the command line is used for that run and hidden (``***``) wherever the string is shown.

Before anything is written the opener checks that the server answers, that the login works, that the
database is empty or this program's, and that its schema is not newer than the program; each failure is a
:class:`~app.store.database.DatabaseOpenError` with a Chinese message. Migrations run in one transaction (on
PostgreSQL a failed migration leaves the schema as it was). Pooled connections are tested before use
(``pool_pre_ping``), so a desk keeps working once a dropped server is back, without a restart.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir
from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DRIVER = "postgresql+psycopg"
ENV_CONFIG_DIR = "OGI_DESK_CONFIG_DIR"
PASSFILE_NAME = "pgpass"
CONNECT_TIMEOUT_S = 5
#: statements waiting on a lock longer than this are stopped (another desk holding a row for minutes is a fault)
LOCK_TIMEOUT_MS = 30_000


def is_server_url(value: object) -> bool:
    """True when *value* is a PostgreSQL connection string rather than a file path."""
    if value is None:
        return False
    text_value = str(value).strip()
    return any(text_value.lower().startswith(s + "://") for s in SCHEMES)


def server_url(value: str) -> URL:
    """The connection string *value* as a SQLAlchemy URL for psycopg 3; DatabaseOpenError when malformed."""
    from app.store.database import DatabaseOpenError

    raw = str(value).strip()
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseOpenError(
            "数据库连接字符串格式不正确。应为：postgresql://用户名@服务器地址:端口/数据库名\n"
            "（密码不写在连接字符串中，保存在密码文件里）",
            kind="url",
        ) from exc
    if url.drivername not in SCHEMES:
        raise DatabaseOpenError(f"不支持的数据库类型：{url.drivername}（只支持 postgresql）", kind="url")
    if not url.database:
        raise DatabaseOpenError(
            "数据库连接字符串缺少数据库名。应为：postgresql://用户名@服务器地址:端口/数据库名", kind="url"
        )
    try:
        _ = url.port
    except ValueError as exc:
        raise DatabaseOpenError("数据库连接字符串中的端口不是数字。", kind="url") from exc
    return url.set(drivername=DRIVER)


def display_url(url: URL | str) -> str:
    """The connection string as shown to the clerk and written to logs: never the password."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return "（连接字符串无法解析）"
    return url.set(drivername="postgresql").render_as_string(hide_password=True)


def config_dir() -> Path:
    """The per-user folder of the connection setting and the password file (beside the audit key)."""
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        return Path(override)
    return Path(user_config_dir("ogi-desk", appauthor=False, roaming=True))


def passfile_path() -> Path:
    """The password file in use: ``PGPASSFILE`` when set, else this program's own ``pgpass``."""
    env = os.environ.get("PGPASSFILE")
    return Path(env) if env else config_dir() / PASSFILE_NAME


def _pgpass_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def save_password(url: URL, password: str) -> Path:
    """Keep *password* for *url*'s host, port, database and user in the password file (0600, written whole
    and then renamed, so a crash never leaves half a file); other lines are kept. Returns the file."""
    path = passfile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    host = url.host or "localhost"
    port = str(url.port or 5432)
    user = url.username or os.environ.get("PGUSER") or ""
    prefix = ":".join(_pgpass_escape(p) for p in (host, port, url.database or "*", user)) + ":"
    lines: list[str] = []
    if path.exists():
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith(prefix)]
    lines.append(prefix + _pgpass_escape(password))
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    if os.name == "posix":
        os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def _connect_args(url: URL) -> dict[str, Any]:
    args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "ogi-desk"}
    own = config_dir() / PASSFILE_NAME
    if url.password is None and not os.environ.get("PGPASSFILE") and own.exists():
        args["passfile"] = str(own)
    return args


def _on_connect(dbapi_connection: Any, _record: object) -> None:
    with dbapi_connection.cursor() as cur:
        cur.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
        cur.execute("SET TIME ZONE 'Asia/Shanghai'")
    dbapi_connection.commit()


def make_server_engine(url: URL) -> Engine:
    """An engine on the server: connections tested before use (a dropped server is noticed and reconnected),
    a 5-second connect timeout, and a lock wait limit."""
    engine = create_engine(url, connect_args=_connect_args(url), pool_pre_ping=True, pool_size=3, max_overflow=4)
    event.listen(engine, "connect", _on_connect)
    return engine


def files_anchor(url: URL, data_dir: Path) -> Path:
    """A local path standing for the server database, next to which the desk keeps the documents and
    attachments files (``<anchor stem>.documents``, ``.attachments``) and its backups folder."""
    name = f"{url.host or 'localhost'}-{url.port or 5432}-{url.database}"
    name = re.sub(r"[^0-9A-Za-z._-]+", "_", name)
    return data_dir / "servers" / f"{name}.pg"


def shared_files_anchor(url: URL, folder: Path) -> Path:
    """The anchor of the server database in the folder *folder* shared by the desks (设置 → 数据库,
    附件与文书文件夹): ``<folder>/<host>-<port>-<database>.pg``, so every desk naming the folder keeps the
    attachments, documents and backups of that database in the same place."""
    return Path(folder) / files_anchor(url, Path(folder)).name


def files_folder_problem(folder: Path) -> str | None:
    """Why *folder* cannot hold the shared files (a Chinese sentence), or None when it exists, is a folder and
    this desk can write to it (a probe file is written and removed)."""
    folder = Path(folder)
    try:
        if not folder.exists():
            return f"附件与文书文件夹不存在或无法访问：{folder}"
        if not folder.is_dir():
            return f"附件与文书文件夹不是文件夹：{folder}"
    except OSError as exc:
        return f"附件与文书文件夹无法访问：{folder}（{exc}）"
    probe = folder / f".ogi-desk-probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"ogi-desk")
        finally:
            os.close(fd)
        probe.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.unlink()
        return f"附件与文书文件夹无法写入（本机账户没有写入权限，或磁盘已满）：{folder}（{exc.strerror or exc}）"
    return None


def check_files_folder(folder: Path, url: URL | None = None) -> None:
    """Refuse (DatabaseOpenError, kind ``files``) a shared files folder that is missing, not a folder or not
    writable. Nothing falls back to this desk's own folder: that would split the files between desks."""
    from app.store.database import DatabaseOpenError

    problem = files_folder_problem(folder)
    if problem is None:
        return
    shown = f"\n数据库：{display_url(url)}" if url is not None else ""
    raise DatabaseOpenError(
        f"{problem}{shown}\n各窗口共用的附件、文书和备份保存在这个文件夹中，无法访问时不能打开台账"
        "（改存本机会使各窗口的文件不一致）。请检查网络共享是否已连接，或在 设置 → 数据库 中修改文件夹。",
        kind="files",
    )


# ----- errors ----------------------------------------------------------------------------------------------


def _sqlstate(exc: BaseException) -> str:
    inner = getattr(exc, "orig", exc)
    return str(getattr(inner, "sqlstate", "") or "")


def open_error(exc: BaseException, url: URL) -> Exception:
    """A DatabaseOpenError (Chinese) for a failure to connect to or prepare the server database."""
    from app.store.database import DatabaseOpenError

    shown = display_url(url)
    message = str(getattr(exc, "orig", exc))
    low = message.lower()
    state = _sqlstate(exc)
    if state in ("28P01", "28000") or "password authentication failed" in low or "no password supplied" in low:
        return DatabaseOpenError(
            f"数据库服务器拒绝登录（用户名或密码不正确，或本机未获准连接）：\n{shown}\n"
            f"请在 设置 → 数据库 中重新输入密码，或请信息化管理员核对账号。密码文件：{passfile_path()}",
            kind="auth",
        )
    if state == "3D000" or ("database" in low and "does not exist" in low):
        return DatabaseOpenError(
            f"数据库服务器上没有这个数据库：\n{shown}\n请请信息化管理员先建库（见说明文档“多窗口共用数据库”）。",
            kind="missing",
        )
    if state == "42501" or "permission denied" in low:
        return DatabaseOpenError(
            f"该数据库账号没有所需的权限（建表或写入）：\n{shown}\n请请信息化管理员授予权限。未作任何改动。",
            kind="readonly",
        )
    if _is_connection_failure(exc):
        return DatabaseOpenError(
            f"无法连接数据库服务器（服务器未开启、地址或端口不对，或网络不通）：\n{shown}\n"
            "请检查网络，或请信息化管理员确认服务器已启动。恢复后重新打开即可，数据未受影响。",
            kind="unreachable",
        )
    return DatabaseOpenError(f"打开服务器上的数据库失败：\n{shown}\n（{_first_line(message)}）", kind="io")


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def _is_connection_failure(exc: BaseException) -> bool:
    inner = getattr(exc, "orig", exc)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        return True
    low = str(inner).lower()
    return any(
        w in low
        for w in (
            "connection refused",
            "could not connect",
            "connection failed",
            "timeout expired",
            "could not translate host name",
            "name or service not known",
            "server closed the connection",
            "connection is closed",
            "terminating connection",
            "consuming input failed",
            "no route to host",
            "network is unreachable",
            "the connection is lost",
        )
    )


def runtime_error(exc: BaseException, url: URL) -> Exception:
    """A DatabaseRuntimeError (Chinese) for a server failure during work; the action was rolled back."""
    from app.store.database import DatabaseRuntimeError

    state = _sqlstate(exc)
    message = str(getattr(exc, "orig", exc))
    if _is_connection_failure(exc):
        return DatabaseRuntimeError(
            "与数据库服务器的连接中断，本次操作未保存。请检查网络后重试；服务器恢复后可继续工作，无需重启程序。",
            kind="unreachable",
        )
    if state in ("40001", "40P01"):
        return DatabaseRuntimeError("其他窗口正在同时保存，本次操作未保存。请重试。", kind="conflict")
    if state == "55P03" or "lock timeout" in message.lower():
        return DatabaseRuntimeError(
            "其他窗口长时间占用了这件申请（或编号），本次操作未保存。请稍后重试。", kind="locked"
        )
    if state == "53100":
        return DatabaseRuntimeError("数据库服务器磁盘空间已满，本次操作未保存。请通知信息化管理员。", kind="disk_full")
    if state in ("25006", "42501"):
        return DatabaseRuntimeError("该数据库账号没有写入权限，本次操作未保存。请通知信息化管理员。", kind="readonly")
    return DatabaseRuntimeError(f"数据库操作失败，本次操作未保存：{_first_line(message)}", kind="io")


# ----- inspecting -------------------------------------------------------------------------------------------


def inspect_server(engine: Engine, url: URL, known: set[str]) -> str | None:
    """Connect and read the schema revision without changing anything: None for an empty database.

    Raises DatabaseOpenError when the server cannot be reached, the login fails, the database holds another
    program's tables, or its schema is newer than this program."""
    from app.store.database import DatabaseOpenError

    shown = display_url(url)
    try:
        with engine.connect() as conn:
            tables = set(
                conn.execute(
                    text(
                        "SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                    )
                ).scalars()
            )
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise DatabaseOpenError(
                    f"该数据库中已有其他程序的数据表，不是本程序的数据库：\n{shown}\n"
                    "未作任何改动。请使用专门为本程序建立的空数据库。",
                    kind="foreign",
                )
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        raise open_error(exc, url) from exc
    if revision is not None and revision not in known:
        raise DatabaseOpenError(
            f"该数据库由更新版本的程序升级过（数据库版本 {revision}），本程序无法安全使用：\n{shown}\n"
            "请在本机安装最新版本的程序。未作任何改动。",
            kind="newer",
        )
    return revision


def table_counts(engine: Engine, tables: list[str]) -> dict[str, int]:
    """Rows per table (for migrate-to's verification)."""
    out: dict[str, int] = {}
    with engine.connect() as conn:
        for name in tables:
            quoted = engine.dialect.identifier_preparer.quote(name)
            out[name] = int(conn.execute(text(f"SELECT count(*) FROM {quoted}")).scalar() or 0)
    return out

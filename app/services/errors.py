"""Errors the clerk reads (Chinese): one base, :class:`ClerkError`, for screens and the command line to catch.

Services raise :class:`ServiceError` and its kinds; a database that cannot be opened or fails during work
(:class:`DatabaseUnavailable`, :class:`StorageFailure`; :class:`ConcurrentEdit` when another desk changed the
same case first) and a refused backup (:class:`BackupRefused`) come from the store under the same base.
Widgets import these names from here, never from ``app.store``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import traceback
from datetime import datetime
from pathlib import Path

from app.domain.errors import ClerkError
from app.store.backup import BackupError as BackupRefused
from app.store.database import ConcurrentEdit, default_db_path
from app.store.database import DatabaseOpenError as DatabaseUnavailable
from app.store.database import DatabaseRuntimeError as StorageFailure

__all__ = [
    "BackupRefused",
    "ClerkError",
    "ConcurrentEdit",
    "DatabaseUnavailable",
    "NotFound",
    "ServiceError",
    "StorageFailure",
    "ValidationError",
    "error_log_path",
    "os_error_message",
    "write_error_log",
]

LOG_FILE = "错误日志.log"
ENV_LOG_DIR = "OGI_DESK_LOG_DIR"  # another folder for the log (the tests' temporary one)
_LOG_MAX_BYTES = 1 << 20


class ServiceError(ClerkError):
    """A use case could not be carried out; ``str(err)`` is a Chinese message."""


class ValidationError(ServiceError):
    """The input was refused; ``problems`` lists every reason, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class NotFound(ServiceError):
    pass


def os_error_message(exc: OSError) -> str:
    """A Chinese sentence for a failed file operation (the system's own text only as a detail)."""
    name = exc.filename if exc.filename is not None else ""
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件或文件夹：{name}"
    if exc.errno == errno.EROFS:
        return f"磁盘为只读，无法写入：{name}"
    if isinstance(exc, PermissionError):
        return f"没有权限访问文件（文件夹可能为只读，或文件正被其他程序打开）：{name}"
    if isinstance(exc, IsADirectoryError):
        return f"这是一个文件夹，不是文件：{name}"
    if isinstance(exc, NotADirectoryError):
        return f"路径中有一部分不是文件夹：{name}"
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间已满，操作未完成：{name}"
    if exc.errno == errno.EROFS:
        return f"磁盘为只读，无法写入：{name}"
    detail = exc.strerror or str(exc)
    return f"文件操作失败：{name}（{detail}）" if name else f"文件操作失败（{detail}）"


def error_log_path() -> Path:
    """The log of unexpected failures: ``logs/错误日志.log`` in the user data folder (or in the folder
    :data:`ENV_LOG_DIR` names)."""
    override = os.environ.get(ENV_LOG_DIR)
    return (Path(override) if override else default_db_path().parent / "logs") / LOG_FILE


def write_error_log(exc: BaseException) -> Path | None:
    """Append the traceback of *exc* to :func:`error_log_path` (0600, folder 0700; a log over 1 MB starts
    afresh); the path, or None when it cannot be written either (then nothing more can be done)."""
    path = error_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() and path.stat().st_size > _LOG_MAX_BYTES:
            path.unlink()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(f"===== {datetime.now().isoformat(timespec='seconds')} =====\n")
            fh.writelines(traceback.format_exception(exc))
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    except OSError:
        return None
    return path

"""Errors the clerk reads (Chinese): one base, :class:`ClerkError`, for screens and the command line to catch.

Services raise :class:`ServiceError` and its kinds; a database that cannot be opened or fails during work
(:class:`DatabaseUnavailable`, :class:`StorageFailure`) and a refused backup (:class:`BackupRefused`) come from
the store under the same base. Widgets import these names from here, never from ``app.store``.
"""

from __future__ import annotations

import errno

from app.domain.errors import ClerkError
from app.store.backup import BackupError as BackupRefused
from app.store.database import DatabaseOpenError as DatabaseUnavailable
from app.store.database import DatabaseRuntimeError as StorageFailure

__all__ = [
    "BackupRefused",
    "ClerkError",
    "DatabaseUnavailable",
    "NotFound",
    "ServiceError",
    "StorageFailure",
    "ValidationError",
    "os_error_message",
]


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
    if isinstance(exc, PermissionError):
        return f"没有权限访问文件（可能正被其他程序打开）：{name}"
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

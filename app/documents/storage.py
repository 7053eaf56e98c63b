"""Where issued documents are kept: ``<database stem>.documents/<application id>/`` next to the database.

Like the attachments (:mod:`app.store.attachments`), a stored PDF is never changed: it is written once
through a temporary file in the target folder, flushed to disk (``fsync``), moved into place with
``os.replace`` (atomic: a crash leaves either no file or the whole file) and made read-only. Names are
ASCII (``reply-2026-0003.pdf``) so that USB sticks and zip tools of any code page keep them; the database
keeps the SHA-256 of every file. Pure file handling, no database. The folder's suffix is the store's
(:data:`app.store.backup.DOCUMENTS_SUFFIX`), which carries this folder in every backup and restore.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path, PurePosixPath

from app.store.backup import DOCUMENTS_SUFFIX

__all__ = ["ROOT_SUFFIX", "documents_root", "read_file", "remove_file", "resolve", "sha256_of", "write_atomic"]

ROOT_SUFFIX = DOCUMENTS_SUFFIX


def documents_root(db_path: Path) -> Path:
    """``<folder of the database>/<database stem>.documents``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ROOT_SUFFIX)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def resolve(root: Path, relative_path: str) -> Path:
    """The absolute path of a stored file; ValueError for a path that would leave the root."""
    rel = PurePosixPath(relative_path.replace("\\", "/"))
    if rel.is_absolute() or not rel.parts or any(part in ("", ".", "..") for part in rel.parts) or ":" in str(rel):
        raise ValueError(f"文书存储路径无效：{relative_path}")
    return Path(root).joinpath(*rel.parts)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open folders; the rename is durable there already
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(root: Path, application_id: int, name: str, data: bytes) -> str:
    """Store *data* as ``<root>/<application_id>/<name>`` (never overwriting); returns the relative path.

    Temporary file in the same folder, ``fsync``, ``os.replace``, read-only. On any error nothing is left
    behind (the temporary file is removed, an emptied new folder too) and the OSError is re-raised.
    """
    folder = Path(root) / str(int(application_id))
    target = folder / name
    if target.exists():
        raise FileExistsError(17, "文书文件已存在，不能覆盖", str(target))
    created_root = not Path(root).exists()
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".part-", suffix=".tmp", dir=folder)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        tmp = None
        with contextlib.suppress(OSError):
            os.chmod(target, stat.S_IREAD)
        _fsync_dir(folder)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if created_root:
            with contextlib.suppress(OSError):
                Path(root).rmdir()
        raise
    return f"{folder.name}/{name}"


def remove_file(root: Path, relative_path: str) -> None:
    """Delete a stored file (the rollback of :func:`write_atomic`), and its case folder when left empty."""
    path = resolve(root, relative_path)
    with contextlib.suppress(OSError):
        os.chmod(path, stat.S_IREAD | stat.S_IWRITE)
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()


def read_file(root: Path, relative_path: str) -> bytes | None:
    """The stored bytes, or None when the file is missing."""
    try:
        return resolve(root, relative_path).read_bytes()
    except (FileNotFoundError, ValueError):
        return None

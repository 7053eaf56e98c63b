"""The file store of attachments (附件): scans, ID copies, letters, receipts kept with their case.

Files live beside the database, one folder per application::

    <folder of the database>/<database stem>.attachments/<application id>/<sha256 prefix><suffix>

(ASCII on disk, so that USB sticks and zip tools of any code page keep the names; the clerk's original
file name is kept in the database). A stored file is never changed: its name comes from its content, it
is written once through a temporary file in the target folder, flushed to disk (``fsync``), checked
against the SHA-256 computed while copying and moved into place with ``os.replace`` (atomic), then made
read-only for its owner alone (0400 on POSIX: a scan of an ID card is personal data) so that opening it in
a viewer cannot alter the evidence. A failed copy leaves no partial file.

Pure file handling; no SQLAlchemy sessions.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

__all__ = [
    "CHUNK",
    "MISMATCH",
    "MISSING",
    "ROOT_SUFFIX",
    "StoredFile",
    "attachments_root",
    "copy_hashing",
    "file_sha256",
    "remove_stored",
    "remove_tree",
    "resolve",
    "store_file",
    "verify_file",
]

CHUNK = 1 << 20
ROOT_SUFFIX = ".attachments"
NAME_PREFIX_LEN = 16
MISSING = "文件缺失"
MISMATCH = "校验值不符"
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


@dataclass(frozen=True)
class StoredFile:
    relative_path: str  # POSIX form, relative to the attachments root, e.g. "12/3fa9c0d4e1b2a7f8.pdf"
    sha256: str
    size: int


def attachments_root(db_path: Path) -> Path:
    """``<folder of the database>/<database stem>.attachments`` (also used for a backup beside its copy)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ROOT_SUFFIX)


def resolve(root: Path, relative_path: str) -> Path:
    """The absolute path of a stored file; ValueError for a path that would leave the root."""
    rel = PurePosixPath(relative_path.replace("\\", "/"))
    if rel.is_absolute() or not rel.parts or any(part in ("", ".", "..") for part in rel.parts) or ":" in str(rel):
        raise ValueError(f"附件存储路径无效：{relative_path}")
    return Path(root).joinpath(*rel.parts)


def copy_hashing(src: BinaryIO, dst: BinaryIO) -> tuple[str, int]:
    """Copy *src* to *dst* in chunks, returning the SHA-256 (hex) and the number of bytes copied."""
    digest = hashlib.sha256()
    size = 0
    for block in iter(lambda: src.read(CHUNK), b""):
        dst.write(block)
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _safe_suffix(name: str) -> str:
    suffix = Path(name).suffix
    return suffix.lower() if _SAFE_SUFFIX.match(suffix) else ""


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable on POSIX; Windows cannot open folders, where this is skipped."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _make_writable(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(path, stat.S_IREAD | stat.S_IWRITE)


def _make_read_only(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(path, stat.S_IREAD)


def _remove_file(path: Path) -> None:
    """Delete one file, also when it is read-only (Windows refuses to delete read-only files)."""
    try:
        path.unlink(missing_ok=True)
    except PermissionError:
        _make_writable(path)
        path.unlink(missing_ok=True)


def remove_tree(folder: Path) -> None:
    """Delete a folder with everything in it, read-only files included; nothing if it does not exist."""
    folder = Path(folder)
    if not folder.exists():
        return
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        for name in filenames:
            _remove_file(Path(dirpath) / name)
        for name in dirnames:
            sub = Path(dirpath) / name
            if sub.is_symlink():
                sub.unlink()
            else:
                sub.rmdir()
    folder.rmdir()


def _unique_target(folder: Path, stem: str, suffix: str) -> Path:
    target = folder / f"{stem}{suffix}"
    n = 2
    while target.exists() or target.is_symlink():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def store_file(root: Path, application_id: int, source: Path) -> StoredFile:
    """Copy *source* into the store under *application_id*; atomic, verified, never overwriting.

    The copy goes to a temporary file in the target folder (same volume, so the final ``os.replace`` is
    atomic), is flushed with ``fsync``, read back and compared with the SHA-256 computed while copying,
    then moved to ``<sha256 prefix><original suffix>`` (``-2``, ``-3`` … when that name is taken by
    another attachment of the same content). On any OSError the temporary file is removed and the error
    re-raised (ENOSPC for a full disk, EIO for a copy that does not read back identically).
    """
    root, source = Path(root), Path(source)
    folder = root / str(int(application_id))
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # personal data: only the owner (POSIX)
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".part-", suffix=".tmp", dir=folder)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as dst, source.open("rb") as src:
            sha256, size = copy_hashing(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        if file_sha256(tmp) != sha256:
            raise OSError(errno.EIO, "复制后的文件与原文件不一致（校验值不符）", str(source))
        target = _unique_target(folder, sha256[:NAME_PREFIX_LEN], _safe_suffix(source.name))
        os.replace(tmp, target)
        tmp = None
        _make_read_only(target)
        _fsync_dir(folder)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds when empty
        raise
    return StoredFile(f"{folder.name}/{target.name}", sha256, size)


def verify_file(root: Path, relative_path: str, sha256: str) -> str | None:
    """None when the stored file is present and has its recorded SHA-256; else the Chinese reason."""
    try:
        path = resolve(root, relative_path)
    except ValueError:
        return MISSING
    if not path.is_file():
        return MISSING
    try:
        actual = file_sha256(path)
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"
    return None if actual == sha256.lower() else MISMATCH


def remove_stored(root: Path, relative_path: str) -> None:
    """Delete a stored file (the rollback of :func:`store_file`), and its case folder when left empty."""
    path = resolve(root, relative_path)
    _remove_file(path)
    with contextlib.suppress(OSError):
        path.parent.rmdir()

"""Backups of the office's database: consistent copies, rotation, verification and atomic restore.

A government office's register is a legal record (档案法: records must be kept complete and safe). One disk
failure or one bad upgrade must never lose a year of it, so:

- copies are made with SQLite's online backup API, consistent even while the program is writing;
- each copy gets a SHA-256 sidecar (``<file>.sha256``) so that any later change of a byte is detected;
- the automatic daily copies are rotated grandfather-father-son: the newest of each of the last 7 days,
  8 ISO weeks and 12 months that have a backup are kept (the newest copy is never deleted);
- a restore first verifies the copy (checksum, ``PRAGMA integrity_check``, a schema revision this program
  knows) before touching anything, keeps the replaced database beside it, and swaps the files with
  ``os.replace`` (atomic on the same volume), removing the stale ``-wal``/``-shm`` of the old file;
- the files the database refers to travel with it. Each *file store* (:class:`FileStore`, listed in
  :data:`FILE_STORES`) is a folder ``<database stem><suffix>`` beside the database and a query giving
  (relative path, SHA-256) of every file the database records: the attachments (附件,
  :mod:`app.store.attachments`; ``.attachments``, table ``attachment``) and the issued documents' PDFs
  (已出具文书, :mod:`app.documents.storage`; ``.documents``, table ``issued_document``). One mechanism
  serves both: a backup ``X.sqlite`` has the files of each store in ``X.attachments/`` and
  ``X.documents/`` beside it (the same layout as the live database, so a backup is itself a usable
  database with its files) and a manifest ``X.attachments.sha256`` / ``X.documents.sha256``
  (``sha256sum`` format) of the files it holds. Only the files the backed-up database refers to are
  copied, each checked against the SHA-256 recorded when it was stored; a file that is unchanged in another
  backup of the same folder is hard-linked instead of copied when the disk allows it, so that the daily
  copies do not multiply the space the scans take. Rotation deletes a backup's folders and manifests with
  it; a restore verifies them too, and keeps each replaced folder beside the replaced database. A store
  with no recorded files needs no folder (older backups have no ``X.documents/``).
- a backup whose database records files but whose copy of a store (folder and manifest) is missing:
  for the attachments it is refused — a scan of the applicant's letter exists nowhere else; for the
  issued documents it is accepted with a note (:attr:`RestoreResult.notes`) — the database keeps every
  document's number, wording and layout, and a reprint re-renders the PDF from it with the same number
  (:func:`app.services.backup.check_database` lists them as a note, not as a fault), so refusing would
  only make backups made before documents were carried unusable. A file that is in a manifest but does
  not match it is refused for both stores: a copy that was altered is not a copy of the record.

On a PostgreSQL server (several desks, :mod:`app.store.server`) a backup is the server's own
``pg_dump --format=custom`` file ``X.dump`` with the same sidecar, manifests and folders beside it, written
into ``backups/<server database>/`` beside the desk's local anchor; a restore verifies it
(``pg_restore --list``, its revision) and replaces the server database with ``pg_restore --clean
--single-transaction`` after a 恢复前备份 (:func:`make_server_backup`, :func:`restore_server_database`).

Plain ``sqlite3`` and file handling for a file; the server's tools for a server.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.domain.audit import Anchor
from app.domain.errors import ClerkError
from app.store.attachments import ROOT_SUFFIX, attachments_root, copy_hashing, file_sha256, remove_tree, resolve
from app.store.attachments import verify_file as verify_stored_file
from app.store.database import SQLITE_HEADER, known_revisions
from app.store.events import read_anchor, read_chain

if TYPE_CHECKING:
    from app.store.database import Database

__all__ = [
    "ATTACHMENTS",
    "AUTO_PREFIX",
    "DOCUMENTS",
    "DOCUMENTS_SUFFIX",
    "DUMP_SUFFIX",
    "FILE_STORES",
    "BackupError",
    "FileStore",
    "RestoreResult",
    "attachments_manifest",
    "attachments_root",
    "auto_backup",
    "auto_backup_server",
    "backup_name",
    "default_backup_dir",
    "documents_manifest",
    "is_dump",
    "is_live_file",
    "make_backup",
    "make_private_folder",
    "make_server_backup",
    "read_sidecar",
    "restore_database",
    "restore_server_database",
    "rotate",
    "select_to_keep",
    "verify_backup",
]

AUTO_PREFIX = "自动备份"
MANUAL_PREFIX = "备份"
BEFORE_RESTORE_PREFIX = "恢复前备份"
SUFFIX = ".sqlite"
DUMP_SUFFIX = ".dump"  # a PostgreSQL server's backup (pg_dump --format=custom)
_STAMP = "%Y%m%d-%H%M%S"
_NAME_RE = re.compile(r"^(?P<prefix>.+)-(?P<stamp>\d{8}-\d{6})\.(sqlite|dump)$")

KEEP_DAILY = 7
KEEP_WEEKLY = 8
KEEP_MONTHLY = 12

DOCUMENTS_SUFFIX = ".documents"  # the issued documents' folder; app.documents.storage uses this constant


class BackupError(ClerkError):
    """A backup could not be made, or a file cannot be restored; ``str(err)`` is Chinese."""


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path
    replaced_kept_as: Path | None  # the database that was replaced, kept beside it
    revision: str
    attachments_kept_as: Path | None = None  # the attachments folder that was replaced, kept beside it
    documents_kept_as: Path | None = None  # the issued documents' folder that was replaced, kept beside it
    notes: tuple[str, ...] = ()  # Chinese remarks for the clerk (a backup without its documents' copy)


@dataclass(frozen=True)
class FileStore:
    """A folder of files beside the database that its rows refer to, carried by every backup."""

    suffix: str  # the folder is ``<database stem><suffix>``, beside the database and beside each backup
    label: str  # Chinese, in messages: 附件, 文书
    unit: str  # Chinese measure word: 个, 份
    rows_sql: str  # (relative path, sha256) of every file the database records
    required: bool  # recorded files without a copy refuse the backup (else: accepted with a note)

    def root(self, db_path: Path) -> Path:
        """``<folder of db_path>/<stem of db_path><suffix>`` (a live database or a backup)."""
        db_path = Path(db_path)
        return db_path.with_name(db_path.stem + self.suffix)

    def manifest(self, backup: Path) -> Path:
        """``X<suffix>.sha256``: the manifest of the files copied with the backup ``X.sqlite``."""
        root = self.root(backup)
        return root.with_name(root.name + ".sha256")

    def rows(self, conn: sqlite3.Connection) -> list[tuple[str, str]]:
        """(relative path, sha256) of every file *conn* records ([] for a database without the table)."""
        try:
            return [(str(p), str(h).lower()) for p, h in conn.execute(self.rows_sql)]
        except sqlite3.OperationalError:
            return []


ATTACHMENTS = FileStore(ROOT_SUFFIX, "附件", "个", "SELECT stored_path, sha256 FROM attachment", required=True)
DOCUMENTS = FileStore(
    DOCUMENTS_SUFFIX,
    "文书",
    "份",
    "SELECT file_path, sha256 FROM issued_document WHERE file_path IS NOT NULL AND sha256 IS NOT NULL",
    required=False,  # re-rendered from the database on reprint, see the module docstring
)
FILE_STORES: tuple[FileStore, ...] = (ATTACHMENTS, DOCUMENTS)


def default_backup_dir(db_path: Path) -> Path:
    """``<folder of the database>/backups``; for a server database (its local anchor ``X.pg``, see
    :func:`app.store.server.files_anchor`) ``<folder>/backups/X``, one folder per server database."""
    db_path = Path(db_path)
    if db_path.suffix == SERVER_ANCHOR_SUFFIX:
        return db_path.parent / "backups" / db_path.stem
    return db_path.parent / "backups"


SERVER_ANCHOR_SUFFIX = ".pg"


def backup_name(prefix: str, when: datetime, suffix: str = SUFFIX) -> str:
    """``<prefix>-YYYYMMDD-HHMMSS<suffix>`` (``.sqlite``, or ``.dump`` for a server's backup)."""
    return f"{prefix}-{when.strftime(_STAMP)}{suffix}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


ANCHOR_LINE = "# audit-anchor "
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
LIVE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Owner-only permissions on POSIX (a copy of the register is personal data); nothing on Windows."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(path, mode)


def make_private_folder(folder: Path) -> None:
    """Create *folder* (and missing parents) 0700; an existing folder keeps its permissions."""
    folder = Path(folder)
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    _private(folder, PRIVATE_FOLDER)


def is_live_file(dest: Path, db_path: Path) -> bool:
    """True when *dest* is the database *db_path* itself or its -wal/-shm/-journal (also via another spelling
    of the same path)."""
    dest, db_path = Path(dest), Path(db_path)
    try:
        target = dest.resolve()
        live = db_path.resolve()
    except OSError:
        return False
    for extra in LIVE_SUFFIXES:
        other = Path(str(live) + extra)
        if target == other:
            return True
        with contextlib.suppress(OSError):
            if dest.exists() and other.exists() and os.path.samefile(dest, other):
                return True
    return False


def read_sidecar(path: Path) -> tuple[str, dict[str, object] | None]:
    """The SHA-256 recorded in ``<backup>.sha256`` and the audit anchor it recorded (None: an older backup).

    BackupError (Chinese) for an unreadable, empty or malformed sidecar.
    """
    sidecar = _sidecar(path)
    try:
        text = sidecar.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    except OSError as exc:
        raise BackupError(
            f"无法读取备份的校验文件（{exc.strerror or exc}）：\n{sidecar}\n当前数据库未作任何改动。"
        ) from exc
    digest = ""
    anchor: dict[str, object] | None = None
    for line in text.splitlines():
        if line.startswith(ANCHOR_LINE):
            with contextlib.suppress(ValueError):
                value = json.loads(line[len(ANCHOR_LINE) :])
                anchor = value if isinstance(value, dict) else None
            continue
        if line.strip() and not digest:
            digest = line.split()[0].strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise BackupError(
            f"备份的校验文件（.sha256）为空或格式不正确，无法确认备份未被改动：\n{sidecar}\n"
            "请使用备份时一同生成的校验文件，或选择其他备份。当前数据库未作任何改动。"
        )
    return digest, anchor


def _check_sidecar(path: Path) -> bool:
    """Whether the backup *path* has its ``.sha256`` sidecar; BackupError when its content does not match it."""
    if not _sidecar(path).exists():
        return False
    expected, _anchor = read_sidecar(path)
    if _sha256(path) != expected:
        raise BackupError(
            f"备份文件已损坏：内容与备份时记录的校验值（SHA-256）不符，不能用于恢复。\n{path}\n"
            "请选择其他备份文件。当前数据库未作任何改动。"
        )
    return True


def _write_sidecar(dest: Path, digest: str, anchor: Anchor | str | None = None) -> None:
    """``<digest>  <name>`` (sha256sum format) and a comment line with the copy's audit anchor (read from the
    SQLite copy itself, or *anchor* as read in a server backup's snapshot)."""
    lines = [f"{digest}  {dest.name}\n"]
    if anchor is None and dest.suffix != DUMP_SUFFIX:
        conn = sqlite3.connect(f"{dest.resolve().as_uri()}?mode=ro", uri=True)
        try:
            with contextlib.suppress(sqlite3.Error):
                anchor = read_anchor(lambda sql, params: conn.execute(sql, params).fetchall())
        finally:
            conn.close()
    if anchor is not None and not isinstance(anchor, str):
        lines.append(ANCHOR_LINE + json.dumps(anchor.to_json(), ensure_ascii=False) + "\n")
    sidecar = _sidecar(dest)
    tmp = sidecar.with_name(sidecar.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(lines)
        os.replace(tmp, sidecar)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    _private(sidecar)


def attachments_manifest(backup: Path) -> Path:
    """``X.attachments.sha256``: the manifest of the attachments copied with the backup ``X.sqlite``."""
    return ATTACHMENTS.manifest(backup)


def documents_manifest(backup: Path) -> Path:
    """``X.documents.sha256``: the manifest of the issued documents copied with the backup ``X.sqlite``."""
    return DOCUMENTS.manifest(backup)


def _snapshot(db_path: Path, target_path: Path) -> None:
    source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # a standalone file, no -wal needed
        finally:
            target.close()
    finally:
        source.close()


def make_backup(db_path: Path, dest: Path, *, attachments: bool = True, overwrite: bool = True) -> Path:
    """Copy the live database to ``dest`` with the online backup API, then write its SHA-256 sidecar (with
    the copy's audit anchor, see :mod:`app.store.events`).

    The copy is written to ``dest.part`` and renamed, so a half-written backup never carries a valid name;
    a failure removes the ``.part``. With *attachments* (the default) the files of every file store the
    copied database refers to are copied beside it (``X.attachments/``, ``X.documents/`` and their
    manifests, see the module docstring); a failure there fails the backup. Without it, the database file
    alone. Never onto the database itself or its -wal/-shm; onto an existing file only with *overwrite*.
    Copies are 0600 and new folders 0700 on POSIX.
    """
    db_path, dest = Path(db_path), Path(dest)
    if not db_path.is_file() or db_path.stat().st_size == 0:
        raise BackupError(f"找不到要备份的数据库文件：\n{db_path}")
    if is_live_file(dest, db_path):
        raise BackupError(f"备份文件不能是数据库文件本身（或其 -wal/-shm 文件）：\n{dest}\n未作任何改动。")
    if dest.is_dir():
        raise BackupError(f"备份位置是一个文件夹，不是文件：\n{dest}")
    if dest.exists() and not overwrite:
        raise BackupError(f"文件已存在，未覆盖：\n{dest}\n请换一个文件名，或确认后加 --force 覆盖。")
    tmp = dest.with_name(dest.name + ".part")
    try:
        make_private_folder(dest.parent)
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)  # private before any byte
        os.close(fd)
        _snapshot(db_path, tmp)
        _private(tmp)
        digest = _sha256(tmp)
        if attachments:
            for store in FILE_STORES:
                _backup_files(store, tmp, store.root(db_path), dest)
        os.replace(tmp, dest)
        _write_sidecar(dest, digest)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        reason = os_reason(exc)
        raise BackupError(f"备份失败：无法写入\n{dest}\n（{reason}）未生成备份文件。") from exc
    return dest


def os_reason(exc: BaseException) -> str:
    """A short Chinese reason for a failed file operation."""
    import errno

    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC or "full" in str(exc).lower():
        return "磁盘空间已满"
    if code == errno.EROFS or "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
        return "磁盘或文件夹为只读"
    if isinstance(exc, PermissionError) or code == errno.EACCES:
        return "没有写入权限"
    return str(getattr(exc, "strerror", None) or exc)


def _read_manifest(manifest: Path, label: str = ATTACHMENTS.label) -> list[tuple[str, str]]:
    """(relative path, sha256) of each line of a ``sha256sum``-style manifest; BackupError if unreadable."""
    entries: list[tuple[str, str]] = []
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"无法读取备份的{label}清单（{exc}）：\n{manifest}\n当前数据库未作任何改动。") from exc
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split(None, 1)
        digest = parts[0].lower()
        rel = parts[1].strip().lstrip("*") if len(parts) == 2 else ""
        try:
            resolve(Path("."), rel)
            bytes.fromhex(digest)
        except ValueError:
            raise BackupError(f"备份的{label}清单格式不正确：\n{manifest}\n当前数据库未作任何改动。") from None
        if len(digest) != 64:
            raise BackupError(f"备份的{label}清单格式不正确：\n{manifest}\n当前数据库未作任何改动。")
        entries.append((rel, digest))
    return entries


def _reusable(folder: Path, exclude: Path, suffix: str = ROOT_SUFFIX) -> dict[tuple[str, str], list[Path]]:
    """Files of one store (*suffix*) already in other backups of *folder*, by (relative path, sha256), for
    hard-linking."""
    out: dict[tuple[str, str], list[Path]] = {}
    for manifest in sorted(folder.glob(f"*{suffix}.sha256"), reverse=True):
        if manifest == exclude:
            continue
        root = manifest.with_name(manifest.name[: -len(".sha256")])
        try:
            entries = _read_manifest(manifest)
        except BackupError:
            continue
        for rel, digest in entries:
            with contextlib.suppress(ValueError):
                out.setdefault((rel, digest), []).append(resolve(root, rel))
    return out


def _link_verified(candidates: list[Path], out: Path, digest: str) -> bool:
    """Hard-link *out* to a candidate whose content still has *digest*; False when none can be linked."""
    for candidate in candidates[:3]:
        try:
            if not candidate.is_file() or file_sha256(candidate) != digest:
                continue
            os.link(candidate, out)
            return True
        except OSError:
            with contextlib.suppress(OSError):
                out.unlink(missing_ok=True)
    return False


def copy_verified(src: Path, out: Path, digest: str) -> bool:
    """Copy *src* to *out* if its content has *digest* (False, nothing left, when it is missing or altered)."""
    if not src.is_file():
        return False
    try:
        with src.open("rb") as fin, out.open("wb") as fout:
            actual, _size = copy_hashing(fin, fout)
            fout.flush()
            os.fsync(fout.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            out.unlink(missing_ok=True)
        raise
    if actual != digest:
        out.unlink(missing_ok=True)
        return False
    with contextlib.suppress(OSError):
        os.chmod(out, 0o400)  # read-only, and only for the owner (personal data)
    return True


def _backup_files(store: FileStore, snapshot: Path, live_root: Path, dest: Path) -> None:
    """Copy the files of *store* that *snapshot* (the backed-up database) refers to beside *dest*, with a
    manifest.

    Built in ``X<suffix>.part`` and renamed; files missing or altered in the live store are left out
    (the integrity check reports them) rather than copied as if they were the recorded ones. No recorded
    files: no folder and no manifest (a stale one of an overwritten backup is removed).
    """
    conn = sqlite3.connect(snapshot)
    try:
        rows = sorted(set(store.rows(conn)))
    finally:
        conn.close()
    _copy_store(store, rows, live_root, dest)


def _copy_store(store: FileStore, rows: list[tuple[str, str]], live_root: Path, dest: Path) -> None:
    """Copy the files *rows* (relative path, sha256) of *store* from *live_root* beside *dest*, with a
    manifest (see :func:`_backup_files`)."""
    target = store.root(dest)
    manifest = store.manifest(dest)
    staging = target.with_name(target.name + ".part")
    manifest_tmp = manifest.with_name(manifest.name + ".part")
    remove_tree(staging)
    if not rows:
        remove_tree(target)
        manifest.unlink(missing_ok=True)
        return
    reuse = _reusable(dest.parent, manifest, store.suffix)
    lines: list[str] = []
    try:
        make_private_folder(staging.parent)
        staging.mkdir(mode=PRIVATE_FOLDER)
        for rel, digest in rows:
            try:
                src, out = resolve(live_root, rel), resolve(staging, rel)
            except ValueError:
                continue
            out.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
            if _link_verified(reuse.get((rel, digest), []), out, digest) or copy_verified(src, out, digest):
                lines.append(f"{digest}  {rel}\n")
        fd = os.open(manifest_tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(lines)
            fh.flush()
            os.fsync(fh.fileno())
        remove_tree(target)
        os.replace(staging, target)
        os.replace(manifest_tmp, manifest)
    except BaseException:
        with contextlib.suppress(OSError):
            remove_tree(staging)
        with contextlib.suppress(OSError):
            manifest_tmp.unlink(missing_ok=True)
        raise


def _parse_stamp(path: Path) -> datetime | None:
    m = _NAME_RE.match(path.name)
    if m is None:
        return None
    try:
        return datetime.strptime(m.group("stamp"), _STAMP)
    except ValueError:
        return None


def _auto_backups(folder: Path) -> list[tuple[datetime, Path]]:
    if not folder.is_dir():
        return []
    out = []
    for p in [*folder.glob(f"{AUTO_PREFIX}-*{SUFFIX}"), *folder.glob(f"{AUTO_PREFIX}-*{DUMP_SUFFIX}")]:
        stamp = _parse_stamp(p)
        if stamp is not None:
            out.append((stamp, p))
    return sorted(out)


def select_to_keep(stamps: Iterable[datetime]) -> set[datetime]:
    """Grandfather-father-son: the newest backup of each of the 7 most recent days, 8 most recent ISO weeks
    and 12 most recent months that have backups. The newest backup is always kept.

    Counting periods that *have* backups (not calendar periods) means a program left unused for a year
    still keeps its last copies instead of deleting them all.
    """
    ordered = sorted(set(stamps), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    for period, limit in (
        (lambda t: t.date(), KEEP_DAILY),
        (lambda t: tuple(t.isocalendar())[:2], KEEP_WEEKLY),
        (lambda t: (t.year, t.month), KEEP_MONTHLY),
    ):
        seen: list[object] = []
        for t in ordered:  # newest first: the first one met in a period is its newest
            key = period(t)
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(key)
            keep.add(t)
    return keep


def rotate(folder: Path) -> list[Path]:
    """Delete the automatic backups (with their sidecars, attachments and documents) that
    :func:`select_to_keep` does not keep; return them.

    Only files named ``自动备份-YYYYMMDD-HHMMSS.sqlite`` (``.dump`` on a server) are ever touched;
    manual and pre-restore copies stay.
    """
    backups = _auto_backups(Path(folder))
    keep = select_to_keep(t for t, _ in backups)
    removed: list[Path] = []
    for stamp, path in backups:
        if stamp not in keep:
            try:  # folders first: a folder that cannot be deleted (a file open elsewhere) keeps the backup
                for store in FILE_STORES:
                    remove_tree(store.root(path))
            except OSError:
                continue
            for store in FILE_STORES:
                store.manifest(path).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
            _sidecar(path).unlink(missing_ok=True)
            removed.append(path)
    return removed


#: Names of the temporary files and folders the program makes while writing (a backup ``X.sqlite.part``, its
#: files ``X.attachments.part``, a restore's staged copy ``ogi.sqlite.恢复中-…``, an attachment's ``.part-….tmp``).
TEMPORARY_PATTERNS = ("*.part", "*.恢复中-*", ".part-*")
STALE_AFTER_SECONDS = 600


def remove_stale_temporaries(db_path: Path, *, min_age: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete the temporary copies a killed backup, restore or attachment left beside *db_path*, in its backup
    folder and in its attachments' case folders, when older than *min_age* seconds; returns them."""
    db_path = Path(db_path)
    folders = [db_path.parent, default_backup_dir(db_path)]
    root = attachments_root(db_path)
    if root.is_dir():
        folders.extend(p for p in root.iterdir() if p.is_dir())
    now = time.time()
    removed: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for pattern in TEMPORARY_PATTERNS:
            for path in sorted(folder.glob(pattern)):
                if path == db_path or not _is_temporary_of(path, db_path):
                    continue
                try:
                    if now - path.lstat().st_mtime < min_age:
                        continue
                    if path.is_dir() and not path.is_symlink():
                        remove_tree(path)
                    else:
                        path.unlink()
                except OSError:
                    continue
                removed.append(path)
    return removed


def _is_temporary_of(path: Path, db_path: Path) -> bool:
    """Beside the database only those named after it; in the backup folder and the attachments' folders any
    (nothing else is written there)."""
    if path.parent != db_path.parent:
        return True
    return path.name.startswith(db_path.stem)


def auto_backup(db_path: Path, backup_dir: Path | None = None, now: datetime | None = None) -> Path | None:
    """The automatic backup at start: first the stale temporaries of killed backups and restores are removed
    (:func:`remove_stale_temporaries`), then once a day (none if today's exists or there is no data) a backup,
    then rotation.

    Default folder: ``<folder of the database>/backups``. Returns the new backup, or None.
    """
    db_path = Path(db_path)
    with contextlib.suppress(OSError):
        remove_stale_temporaries(db_path)
    folder = Path(backup_dir) if backup_dir is not None else default_backup_dir(db_path)
    now = now or datetime.now()
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    today: date = now.date()
    if any(stamp.date() == today for stamp, _ in _auto_backups(folder)):
        return None
    dest = make_backup(db_path, folder / backup_name(AUTO_PREFIX, now))
    rotate(folder)
    return dest


def verify_backup(path: Path) -> str:
    """Check a backup before it may replace anything; return its schema revision.

    Refused (BackupError, Chinese message): not a SQLite file, a checksum that does not match its
    ``.sha256`` sidecar, a failed ``PRAGMA integrity_check``, no ``alembic_version`` (not our database), a
    revision this program does not know (made by a newer version), or attachments or issued documents that
    do not match the backup's manifests (or attachments missing altogether while the database records some;
    issued documents missing altogether are accepted, see the module docstring).
    """
    revision, rows, _notes = _verify_database(Path(path))
    for store in FILE_STORES:
        _verify_copy(store, Path(path), rows[store])
    return revision


def chain_problems(conn: sqlite3.Connection) -> tuple[list[str], bool]:
    """Chinese lines for every break of the audit chain of a database opened read-only (and its anchor), and
    whether signatures could not be verified for want of the key."""
    conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")  # a bad byte fails its row only
    reading = read_chain(lambda sql, params: conn.execute(sql, params).fetchall())
    problems = [f"记录 #{b.event_id}：{b.reason}" for b in reading.breaks] + reading.unreadable
    return problems + reading.anchor_problems(), reading.key_missing


def _verify_database(
    path: Path, *, chain: bool = True
) -> tuple[str, dict[FileStore, list[tuple[str, str]]], list[str]]:
    """The database part of :func:`verify_backup`: its revision, per file store its (path, sha256), and notes.

    With *chain*, the audit chain is walked too: a broken chain refuses a backup without its ``.sha256``
    (nothing vouches for it); with a matching ``.sha256`` the copy is what was backed up, and the break is
    a note (it was already in the database that was backed up)."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件：\n{path}")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise BackupError(f"该文件不是本程序的数据库备份（不是 SQLite 数据库文件）：\n{path}")
    has_sidecar = _check_sidecar(path)
    notes: list[str] = []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                detail = "；".join(str(r) for r in rows[:3])
                raise BackupError(
                    f"备份文件已损坏（完整性检查未通过：{detail}），不能用于恢复。\n{path}\n"
                    "请选择其他备份文件。当前数据库未作任何改动。"
                )
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables or "application" not in tables:
                raise BackupError(f"该文件不是本程序的数据库备份（缺少版本信息或登记表）：\n{path}")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            files = {store: store.rows(conn) for store in FILE_STORES}
            if chain and "event" in tables:
                problems, key_missing = chain_problems(conn)
                shown = "\n  ".join(problems[:10]) + (f"\n  …… 共 {len(problems)} 处" if len(problems) > 10 else "")
                if problems and not has_sidecar:
                    raise BackupError(
                        f"该备份的办理记录防篡改校验未通过，且没有备份时生成的校验文件（.sha256），不能用于恢复：\n"
                        f"{path}\n  {shown}\n请选择其他备份文件。当前数据库未作任何改动。"
                    )
                if problems:
                    notes.append(f"该备份在备份时办理记录防篡改校验已有异常（校验文件与备份一致）：\n  {shown}")
                if key_missing:
                    notes.append("本机没有该数据库的审计密钥，无法验证签名；可在原电脑导出密钥后在本机导入再检查。")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"备份文件已损坏，无法读取（{exc}），不能用于恢复。\n{path}\n当前数据库未作任何改动。"
        ) from exc
    revision = row[0] if row else None
    if revision is None or revision not in known_revisions():
        raise BackupError(
            f"该备份由更新版本的程序创建（数据库版本 {revision}），本程序无法使用：\n{path}\n"
            "请安装最新版本的程序后再恢复。当前数据库未作任何改动。"
        )
    return revision, files, notes


def _verify_copy(store: FileStore, path: Path, rows: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], str | None]:
    """Check the files of *store* beside the backup *path* against its manifest and the backed-up records.

    Returns the manifest's (relative path, sha256) entries and a Chinese note (or None). Records without a
    manifest entry are files that were already missing or altered when the backup was made; they do not make
    the backup unusable. No manifest at all while the database records files: refused for a required store,
    else accepted with the note.
    """
    root, manifest = store.root(path), store.manifest(path)
    if not manifest.exists():
        if rows and store.required:
            raise BackupError(
                f"该备份记录了 {len(rows)} {store.unit}{store.label}，但旁边没有{store.label}文件夹及其清单：\n{root}\n"
                f"{manifest}\n请把备份文件与同名的“{store.suffix}”文件夹和“{store.suffix}.sha256”文件放在同一"
                "文件夹后再恢复。当前数据库未作任何改动。"
            )
        if rows:
            return [], (
                f"该备份记录了 {len(rows)} {store.unit}{store.label}，但旁边没有{store.label}文件夹（{root.name}）；"
                f"恢复后重新打印这些{store.label}时，将按数据库中保存的内容以原文号重新生成。"
            )
        return [], None
    entries = _read_manifest(manifest, store.label)
    recorded = dict(rows)
    problems: list[str] = []
    for rel, digest in entries:
        if recorded.get(rel) != digest:
            problems.append(f"{rel}：与备份数据库中的{store.label}记录不符")
            continue
        reason = verify_stored_file(root, rel, digest)
        if reason is not None:
            problems.append(f"{rel}：{reason}")
    if problems:
        shown = "\n  ".join(problems[:10]) + (f"\n  …… 共 {len(problems)} 处" if len(problems) > 10 else "")
        raise BackupError(
            f"备份的{store.label}已损坏或缺失，不能用于恢复：\n{root}\n  {shown}\n"
            "请选择其他备份。当前数据库未作任何改动。"
        )
    return entries, None


def _checkpoint_and_close(db_path: Path) -> None:
    """Fold the WAL into the database file and remove -wal/-shm, refusing if another program holds it."""
    conn = sqlite3.connect(db_path, timeout=5, isolation_level=None)
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise BackupError("数据库正被其他程序使用，无法恢复。请关闭所有使用该数据库的程序后重试。")
        conn.execute("PRAGMA journal_mode=DELETE")  # fails with "locked" if anyone else is connected
    except sqlite3.OperationalError as exc:
        raise BackupError(f"数据库正被其他程序使用，无法恢复（{exc}）。请关闭所有使用该数据库的程序后重试。") from exc
    finally:
        conn.close()


def _stage_files(store: FileStore, backup_file: Path, entries: list[tuple[str, str]], staging: Path) -> bool:
    """Copy the backup's files of *store* into *staging* (beside the live folder), checking every SHA-256."""
    if not entries:
        return False
    source_root = store.root(backup_file)
    remove_tree(staging)
    for rel, digest in entries:
        src, out = resolve(source_root, rel), resolve(staging, rel)
        out.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
        if not copy_verified(src, out, digest):
            raise BackupError(
                f"恢复{store.label}时校验不符（复制过程中文件发生变化）：\n{src}\n当前数据库未被替换。请重试。"
            )
    return True


@dataclass
class _Staged:
    """One file store during a restore: its live folder, the verified copy beside it, the replaced folder."""

    store: FileStore
    entries: list[tuple[str, str]]
    live: Path
    staged: Path
    has_files: bool = False
    kept: Path | None = None
    placed: bool = False


def restore_database(
    backup_file: Path, db_path: Path, *, backup_dir: Path | None = None, now: datetime | None = None
) -> RestoreResult:
    """Replace the database (and its attachments and issued documents) with a verified backup; nothing is
    touched unless the backup passes every check.

    Steps: verify the backup (:func:`verify_backup`); copy it and the files of each store next to the
    database and verify the copies; back up the current database with its files into the backup folder
    (恢复前备份) and keep it beside the database as ``<name>.被替换-<time>.sqlite``, its folders moved to
    ``<name>.被替换-<time>.attachments`` and ``<name>.被替换-<time>.documents``; fold and remove its
    ``-wal``/``-shm``; then ``os.replace`` the copies in (folders first; they are moved back if the database
    cannot be replaced). All connections to the database must be closed first.
    """
    backup_file, db_path = Path(backup_file), Path(db_path)
    now = now or datetime.now()
    stamp = now.strftime(_STAMP)
    revision, rows, notes = _verify_database(backup_file)
    stores: list[_Staged] = []
    for store in FILE_STORES:
        entries, note = _verify_copy(store, backup_file, rows[store])
        if note is not None:
            notes.append(note)
        live = store.root(db_path)
        stores.append(_Staged(store, entries, live, live.with_name(f"{live.name}.恢复中-{stamp}")))
    make_private_folder(db_path.parent)
    staged = db_path.with_name(f"{db_path.name}.恢复中-{stamp}")
    kept: Path | None = None
    try:
        make_backup(backup_file, staged, attachments=False)
        _sidecar(staged).unlink(missing_ok=True)
        _verify_database(staged, chain=False)
        for st in stores:
            st.has_files = _stage_files(st.store, backup_file, st.entries, st.staged)
        if db_path.exists() and db_path.stat().st_size > 0:
            _checkpoint_and_close(db_path)
            folder = Path(backup_dir) if backup_dir is not None else default_backup_dir(db_path)
            make_backup(db_path, folder / backup_name(BEFORE_RESTORE_PREFIX, now))
            kept = db_path.with_name(f"{db_path.stem}.被替换-{stamp}{db_path.suffix or SUFFIX}")
            make_backup(db_path, kept, attachments=False)
        for extra in ("-wal", "-shm", "-journal"):
            Path(str(db_path) + extra).unlink(missing_ok=True)
        try:
            for st in stores:
                if st.live.exists():
                    target = db_path.with_name(f"{db_path.stem}.被替换-{stamp}{st.store.suffix}")
                    os.replace(st.live, target)
                    st.kept = target
            for st in stores:
                if st.has_files:
                    os.replace(st.staged, st.live)
                    st.placed = True
            os.replace(staged, db_path)
        except OSError:
            for st in reversed(stores):  # put the old folders back with the old database
                with contextlib.suppress(OSError):
                    if st.placed:
                        os.replace(st.live, st.staged)
                        st.placed = False
                    if st.kept is not None:
                        os.replace(st.kept, st.live)
                        st.kept = None
            raise
    except OSError as exc:
        raise BackupError(f"恢复失败（{exc}）。当前数据库未被替换。") from exc
    finally:
        staged.unlink(missing_ok=True)
        _sidecar(staged).unlink(missing_ok=True)
        for st in stores:
            with contextlib.suppress(OSError):
                remove_tree(st.staged)
    kept_as = {st.store: st.kept for st in stores}
    return RestoreResult(
        backup_file,
        db_path,
        kept,
        revision,
        attachments_kept_as=kept_as[ATTACHMENTS],
        documents_kept_as=kept_as[DOCUMENTS],
        notes=tuple(notes),
    )


# ----- a PostgreSQL server's backups (pg_dump / pg_restore) ------------------------------------------------


def is_dump(path: Path) -> bool:
    """True for a server backup file (``.dump``, pg_dump's custom format)."""
    return Path(path).suffix == DUMP_SUFFIX


def _server_rows(conn: Connection) -> dict[FileStore, list[tuple[str, str]]]:
    return {
        store: sorted({(str(p), str(h).lower()) for p, h in conn.exec_driver_sql(store.rows_sql).all()})
        for store in FILE_STORES
    }


def make_server_backup(db: Database, dest: Path, *, attachments: bool = True, overwrite: bool = True) -> Path:
    """Back up the server database of *db* to ``dest`` with ``pg_dump --format=custom``, then its SHA-256
    sidecar with the audit anchor, and (with *attachments*) the files of every file store beside it, as for a
    SQLite backup.

    The dump and the anchor, file lists and sidecar come from one snapshot (an exported REPEATABLE READ
    snapshot handed to ``pg_dump --snapshot``), so other desks saving meanwhile change nothing of it. The
    dump is written to ``dest.part`` and renamed. The password never appears on a command line
    (:mod:`app.store.server_tools`). BackupError (Chinese) when pg_dump is missing or fails."""
    from sqlalchemy.exc import DBAPIError

    from app.store.events import session_fetch
    from app.store.server_tools import ServerToolError, find_tool, run_tool

    dest = Path(dest)
    assert db.url is not None
    if dest.is_dir():
        raise BackupError(f"备份位置是一个文件夹，不是文件：\n{dest}")
    if dest.exists() and not overwrite:
        raise BackupError(f"文件已存在，未覆盖：\n{dest}\n请换一个文件名，或确认后加 --force 覆盖。")
    try:
        find_tool("pg_dump")
    except ServerToolError as exc:
        raise BackupError(str(exc)) from exc
    tmp = dest.with_name(dest.name + ".part")
    try:
        make_private_folder(dest.parent)
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)  # private before any byte
        os.close(fd)
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            with Session(bind=conn) as session:
                anchor = read_anchor(session_fetch(session))
            rows = _server_rows(conn)
            run_tool(
                "pg_dump",
                ["--format=custom", f"--snapshot={snapshot}", f"--file={tmp}", "--no-password"],
                db.url,
                what="备份",
            )
            conn.rollback()
        _private(tmp)
        digest = _sha256(tmp)
        if attachments:
            for store in FILE_STORES:
                _copy_store(store, rows[store], store.root(db.path), dest)
        os.replace(tmp, dest)
        _write_sidecar(dest, digest, anchor)
    except ServerToolError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise BackupError(f"{exc}\n未生成备份文件。") from exc
    except DBAPIError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise BackupError(
            f"备份失败：无法读取服务器上的数据库（{detail[0] if detail else exc}）。未生成备份文件。"
        ) from exc
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise BackupError(f"备份失败：无法写入\n{dest}\n（{os_reason(exc)}）未生成备份文件。") from exc
    return dest


def _copy_rows(text: str, table: str) -> list[dict[str, str | None]]:
    """The rows of *table* in pg_restore's SQL output (``COPY … FROM stdin`` text format)."""
    out: list[dict[str, str | None]] = []
    lines = iter(text.splitlines())
    pattern = re.compile(rf"^COPY (?:\S+\.)?{re.escape(table)} \((?P<cols>[^)]*)\) FROM stdin;$")
    for line in lines:
        m = pattern.match(line)
        if m is None:
            continue
        cols = [c.strip().strip('"') for c in m.group("cols").split(",")]
        for row in lines:
            if row == "\\.":
                break
            values = [None if v == "\\N" else _unescape_copy(v) for v in row.split("\t")]
            out.append(dict(zip(cols, values, strict=False)))
    return out


def _unescape_copy(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), m.group(1)), value)


def _verify_dump(path: Path) -> tuple[str, dict[FileStore, list[tuple[str, str]]], list[str]]:
    """The database part of verifying a server backup: the file, its ``.sha256``, ``pg_restore --list``, its
    schema revision and the files it records (read from the dump itself, nothing is restored)."""
    from app.store.server_tools import ServerToolError, find_tool

    if not path.is_file():
        raise BackupError(f"找不到备份文件：\n{path}")
    with path.open("rb") as fh:
        if fh.read(5) != b"PGDMP":
            raise BackupError(f"该文件不是本程序的服务器数据库备份（不是 pg_dump 备份文件）：\n{path}")
    _check_sidecar(path)
    try:
        tool = find_tool("pg_restore")
    except ServerToolError as exc:
        raise BackupError(str(exc)) from exc
    import subprocess

    def restore_text(*args: str) -> str:
        done = subprocess.run(
            [str(tool), *args, str(path)], capture_output=True, text=True, encoding="utf-8", errors="replace"
        )
        if done.returncode != 0:
            detail = "\n".join((done.stderr or "").strip().splitlines()[:3])
            raise BackupError(
                f"备份文件已损坏或无法读取，不能用于恢复：\n{path}\n（{detail}）\n当前数据库未作任何改动。"
            )
        return done.stdout

    listing = restore_text("--list")
    if "TABLE DATA" not in listing or " alembic_version " not in listing or " application " not in listing:
        raise BackupError(f"该文件不是本程序的数据库备份（缺少版本信息或登记表）：\n{path}")
    data = restore_text(
        "--data-only", "--file=-", "--table=alembic_version", "--table=attachment", "--table=issued_document"
    )
    versions = _copy_rows(data, "alembic_version")
    revision = versions[0].get("version_num") if versions else None
    if revision is None or revision not in known_revisions():
        raise BackupError(
            f"该备份由更新版本的程序创建（数据库版本 {revision}），本程序无法使用：\n{path}\n"
            "请安装最新版本的程序后再恢复。当前数据库未作任何改动。"
        )
    files = {
        ATTACHMENTS: sorted(
            {(str(r["stored_path"]), str(r["sha256"]).lower()) for r in _copy_rows(data, "attachment")}
        ),
        DOCUMENTS: sorted(
            {
                (str(r["file_path"]), str(r["sha256"]).lower())
                for r in _copy_rows(data, "issued_document")
                if r.get("file_path") is not None and r.get("sha256") is not None
            }
        ),
    }
    return str(revision), files, []


def restore_server_database(
    backup_file: Path, db: Database, *, backup_dir: Path | None = None, now: datetime | None = None
) -> RestoreResult:
    """Replace the server database of *db* (and its local documents and attachments folders) with a verified
    ``.dump`` backup; nothing is touched unless the backup passes every check.

    Steps: verify the dump (checksum, ``pg_restore --list``, a schema revision this program knows, its files
    against its manifests); stage its files beside the live folders; back up the current server database
    with its files (恢复前备份, kept as the "replaced" copy); then ``pg_restore --clean --if-exists
    --single-transaction --no-owner`` (all or nothing: a failure leaves the server database as it was) and
    swap the folders in. Other desks should close the program first (their open transactions would hold the
    tables)."""
    from app.store.server_tools import ServerToolError, run_tool

    backup_file = Path(backup_file)
    assert db.url is not None
    now = now or datetime.now()
    stamp = now.strftime(_STAMP)
    revision, rows, notes = _verify_dump(backup_file)
    stores: list[_Staged] = []
    for store in FILE_STORES:
        entries, note = _verify_copy(store, backup_file, rows[store])
        if note is not None:
            notes.append(note)
        live = store.root(db.path)
        stores.append(_Staged(store, entries, live, live.with_name(f"{live.name}.恢复中-{stamp}")))
    folder = Path(backup_dir) if backup_dir is not None else default_backup_dir(db.path)
    kept: Path | None = None
    try:
        make_private_folder(db.path.parent)
        for st in stores:
            st.has_files = _stage_files(st.store, backup_file, st.entries, st.staged)
        kept = make_server_backup(db, folder / backup_name(BEFORE_RESTORE_PREFIX, now, DUMP_SUFFIX))
        db.engine.dispose()  # the desk's own pooled connections would hold the tables
        try:
            run_tool(
                "pg_restore",
                [
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-owner",
                    "--no-privileges",
                    "--no-password",
                    f"--dbname={db.url.database}",
                    str(backup_file),
                ],
                db.url,
                what="恢复",
            )
        except ServerToolError as exc:
            raise BackupError(f"{exc}\n服务器上的数据库未被替换（恢复在一个事务中进行）。") from exc
        for st in stores:
            if st.live.exists():
                target = db.path.with_name(f"{db.path.stem}.被替换-{stamp}{st.store.suffix}")
                os.replace(st.live, target)
                st.kept = target
        for st in stores:
            if st.has_files:
                os.replace(st.staged, st.live)
                st.placed = True
    except OSError as exc:
        raise BackupError(f"恢复失败（{exc}）。") from exc
    finally:
        for st in stores:
            with contextlib.suppress(OSError):
                remove_tree(st.staged)
    kept_as = {st.store: st.kept for st in stores}
    return RestoreResult(
        backup_file,
        db.path,
        kept,
        revision,
        attachments_kept_as=kept_as[ATTACHMENTS],
        documents_kept_as=kept_as[DOCUMENTS],
        notes=tuple(notes),
    )


def auto_backup_server(db: Database, backup_dir: Path | None = None, now: datetime | None = None) -> Path | None:
    """The automatic daily backup of a server database (``pg_dump``), then rotation; None when today's exists
    or when pg_dump is not installed on this computer (logged: the desk keeps working)."""
    import logging

    from app.store.server_tools import ServerToolError, find_tool

    with contextlib.suppress(OSError):
        remove_stale_temporaries(db.path)
    folder = Path(backup_dir) if backup_dir is not None else default_backup_dir(db.path)
    now = now or datetime.now()
    if any(stamp.date() == now.date() for stamp, _ in _auto_backups(folder)):
        return None
    try:
        find_tool("pg_dump")
    except ServerToolError as exc:
        logging.getLogger(__name__).warning("跳过自动备份：%s", exc)
        return None
    dest = make_server_backup(db, folder / backup_name(AUTO_PREFIX, now, DUMP_SUFFIX))
    rotate(folder)
    return dest

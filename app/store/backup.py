"""Backups of the office's database: consistent copies, rotation, verification and atomic restore.

A government office's register is a legal record (档案法: records must be kept complete and safe). One disk
failure or one bad upgrade must never lose a year of it, so:

- copies are made with SQLite's online backup API, consistent even while the program is writing;
- each copy gets a SHA-256 sidecar (``<file>.sha256``) so that any later change of a byte is detected;
- the automatic daily copies are rotated grandfather-father-son: the newest of each of the last 7 days,
  8 ISO weeks and 12 months that have a backup are kept (the newest copy is never deleted);
- a restore first verifies the copy (checksum, ``PRAGMA integrity_check``, a schema revision this program
  knows) before touching anything, keeps the replaced database beside it, and swaps the files with
  ``os.replace`` (atomic on the same volume), removing the stale ``-wal``/``-shm`` of the old file.

Pure ``sqlite3`` and file handling; no SQLAlchemy sessions.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.store.database import SQLITE_HEADER, known_revisions

__all__ = [
    "AUTO_PREFIX",
    "BackupError",
    "RestoreResult",
    "auto_backup",
    "backup_name",
    "default_backup_dir",
    "make_backup",
    "restore_database",
    "rotate",
    "select_to_keep",
    "verify_backup",
]

AUTO_PREFIX = "自动备份"
MANUAL_PREFIX = "备份"
BEFORE_RESTORE_PREFIX = "恢复前备份"
SUFFIX = ".sqlite"
_STAMP = "%Y%m%d-%H%M%S"
_NAME_RE = re.compile(r"^(?P<prefix>.+)-(?P<stamp>\d{8}-\d{6})\.sqlite$")

KEEP_DAILY = 7
KEEP_WEEKLY = 8
KEEP_MONTHLY = 12


class BackupError(Exception):
    """A backup could not be made, or a file cannot be restored; ``str(err)`` is Chinese."""


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path
    replaced_kept_as: Path | None  # the database that was replaced, kept beside it
    revision: str


def default_backup_dir(db_path: Path) -> Path:
    """``<folder of the database>/backups``."""
    return Path(db_path).parent / "backups"


def backup_name(prefix: str, when: datetime) -> str:
    return f"{prefix}-{when.strftime(_STAMP)}{SUFFIX}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def make_backup(db_path: Path, dest: Path) -> Path:
    """Copy the live database to ``dest`` with the online backup API, then write its SHA-256 sidecar.

    The copy is written to ``dest.part`` and renamed, so a half-written backup never carries a valid name.
    """
    db_path, dest = Path(db_path), Path(dest)
    if not db_path.exists():
        raise BackupError(f"找不到要备份的数据库文件：\n{db_path}")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            target = sqlite3.connect(tmp)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # a standalone file, no -wal needed
            finally:
                target.close()
        finally:
            source.close()
        digest = _sha256(tmp)
        os.replace(tmp, dest)
        _sidecar(dest).write_text(f"{digest}  {dest.name}\n", encoding="utf-8")
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"备份失败：无法写入\n{dest}\n（{exc}）") from exc
    return dest


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
    for p in folder.glob(f"{AUTO_PREFIX}-*{SUFFIX}"):
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
    """Delete the automatic backups (and sidecars) that :func:`select_to_keep` does not keep; return them.

    Only files named ``自动备份-YYYYMMDD-HHMMSS.sqlite`` are ever touched; manual and pre-restore copies stay.
    """
    backups = _auto_backups(Path(folder))
    keep = select_to_keep(t for t, _ in backups)
    removed: list[Path] = []
    for stamp, path in backups:
        if stamp not in keep:
            path.unlink(missing_ok=True)
            _sidecar(path).unlink(missing_ok=True)
            removed.append(path)
    return removed


def auto_backup(db_path: Path, backup_dir: Path | None = None, now: datetime | None = None) -> Path | None:
    """The automatic backup at start: once a day (none if today's exists or there is no data), then rotate.

    Default folder: ``<folder of the database>/backups``. Returns the new backup, or None.
    """
    db_path = Path(db_path)
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
    ``.sha256`` sidecar, a failed ``PRAGMA integrity_check``, no ``alembic_version`` (not our database), or a
    revision this program does not know (made by a newer version).
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：\n{path}")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise BackupError(f"该文件不是本程序的数据库备份（不是 SQLite 数据库文件）：\n{path}")
    sidecar = _sidecar(path)
    if sidecar.exists():
        expected = sidecar.read_text(encoding="utf-8").split()[0].strip().lower()
        if _sha256(path) != expected:
            raise BackupError(
                f"备份文件已损坏：内容与备份时记录的校验值（SHA-256）不符，不能用于恢复。\n{path}\n"
                "请选择其他备份文件。当前数据库未作任何改动。"
            )
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
    return revision


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


def restore_database(
    backup_file: Path, db_path: Path, *, backup_dir: Path | None = None, now: datetime | None = None
) -> RestoreResult:
    """Replace the database with a verified backup; nothing is touched unless the backup passes every check.

    Steps: verify the backup (:func:`verify_backup`); copy it next to the database and verify the copy;
    back up the current database into the backup folder (恢复前备份) and keep it beside the database as
    ``<name>.被替换-<time>.sqlite``; fold and remove its ``-wal``/``-shm``; then ``os.replace`` the copy in.
    All connections to the database must be closed first.
    """
    backup_file, db_path = Path(backup_file), Path(db_path)
    now = now or datetime.now()
    stamp = now.strftime(_STAMP)
    revision = verify_backup(backup_file)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    staged = db_path.with_name(f"{db_path.name}.恢复中-{stamp}")
    kept: Path | None = None
    try:
        make_backup(backup_file, staged)
        _sidecar(staged).unlink(missing_ok=True)
        verify_backup(staged)
        if db_path.exists() and db_path.stat().st_size > 0:
            _checkpoint_and_close(db_path)
            folder = Path(backup_dir) if backup_dir is not None else default_backup_dir(db_path)
            make_backup(db_path, folder / backup_name(BEFORE_RESTORE_PREFIX, now))
            kept = db_path.with_name(f"{db_path.stem}.被替换-{stamp}{db_path.suffix or SUFFIX}")
            make_backup(db_path, kept)
        for extra in ("-wal", "-shm", "-journal"):
            Path(str(db_path) + extra).unlink(missing_ok=True)
        os.replace(staged, db_path)
    except OSError as exc:
        raise BackupError(f"恢复失败（{exc}）。当前数据库未被替换。") from exc
    finally:
        staged.unlink(missing_ok=True)
        _sidecar(staged).unlink(missing_ok=True)
    return RestoreResult(backup_file, db_path, kept, revision)

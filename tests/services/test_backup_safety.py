"""Backups and restores that never write where they must not, leave nothing behind, and keep copies private."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import time
from datetime import datetime
from pathlib import Path

import pytest

from app.services.backup import BackupError, backup_now, restore_database, verify_backup
from app.services.maintenance import cleanup_temporary
from app.store import backup as store_backup
from app.store.backup import make_backup
from tests.factories import register_in_person

NOW = datetime(2026, 2, 13, 10, 30)

#: About the SQLite file itself (its -wal/-shm, file copies, the online backup API); the same guarantees for a
#: server's pg_dump backups are in test_server_backup.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def live(ctx, clock) -> Path:
    register_in_person(ctx, datetime(2026, 2, 2, 9, 0), clock, name="张三")
    register_in_person(ctx, datetime(2026, 2, 3, 9, 0), clock, name="李四")
    return ctx.db.path


def test_a_trailing_slash_or_an_existing_folder_is_a_folder(live, tmp_path):
    new_folder = tmp_path / "U盘"
    made = backup_now(live, str(new_folder) + "/", now=NOW)
    assert made.parent == new_folder and made.name == "ogi-备份-20260213-103000.sqlite"
    existing = tmp_path / "existing"
    existing.mkdir()
    made = backup_now(live, existing, now=NOW)
    assert made.parent == existing and made.is_file()


def test_an_existing_file_is_never_overwritten_without_force(live, tmp_path):
    other = tmp_path / "合同.sqlite"
    other.write_bytes(b"someone else's file")
    with pytest.raises(BackupError, match="文件已存在，未覆盖"):
        backup_now(live, other, now=NOW)
    assert other.read_bytes() == b"someone else's file"
    assert backup_now(live, other, now=NOW, force=True) == other
    verify_backup(other)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_live_database_is_never_a_destination(live, suffix):
    target = Path(str(live) + suffix)
    before = live.read_bytes()
    with pytest.raises(BackupError, match="数据库文件本身"):
        backup_now(live, target, now=NOW, force=True)
    with pytest.raises(BackupError, match="数据库文件本身"):
        make_backup(live, target)
    assert live.read_bytes() == before


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_backups_are_private(live, tmp_path):
    made = backup_now(live, tmp_path / "new" / "folder" / "b.sqlite", now=NOW)
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.with_name(made.name + ".sha256").stat().st_mode) == 0o600
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700


def test_a_failed_backup_leaves_no_part_file_and_says_why(live, tmp_path, monkeypatch):
    def full(_db, target):
        Path(target).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_backup, "_snapshot", full)
    dest = tmp_path / "b.sqlite"
    with pytest.raises(BackupError, match="磁盘空间已满"):
        backup_now(live, dest, now=NOW)
    assert list(tmp_path.glob("b.sqlite*")) == []


def test_cleanup_removes_stale_temporary_copies_only(live):
    folder = live.parent
    backups = folder / "backups"
    backups.mkdir()
    stale = [
        folder / f"{live.name}.part",
        folder / f"{live.name}.恢复中-20260101-000000",
        backups / "备份-20260101-000000.sqlite.part",
    ]
    staged_dir = folder / f"{live.stem}.attachments.恢复中-20260101-000000"
    (staged_dir / "1").mkdir(parents=True)
    (staged_dir / "1" / "a.pdf").write_bytes(b"x")
    for path in stale:
        path.write_bytes(b"x" * 100)
    fresh = backups / "备份-20260213-000000.sqlite.part"
    fresh.write_bytes(b"x")
    unrelated = folder / "别人的文件.part"
    unrelated.write_bytes(b"x")
    old = time.time() - 3600
    for path in [*stale, staged_dir, unrelated]:
        os.utime(path, (old, old))
    removed = cleanup_temporary(live)
    assert set(removed) == {*stale, staged_dir}
    assert fresh.exists() and unrelated.exists() and live.exists()
    assert not staged_dir.exists()


def _tamper_event(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE event SET note = '改过' WHERE id = 1")
    conn.commit()
    conn.close()


def test_a_backup_without_sha256_whose_chain_is_broken_is_refused(live, tmp_path):
    backup = make_backup(live, tmp_path / "b.sqlite")
    backup.with_name(backup.name + ".sha256").unlink()
    _tamper_event(backup)
    before = live.read_bytes()
    with pytest.raises(BackupError, match="防篡改校验未通过") as err:
        restore_database(backup, live)
    assert "记录 #1" in str(err.value) and "当前数据库未作任何改动" in str(err.value)
    assert live.read_bytes() == before
    assert not list(live.parent.glob("*恢复中*")) and not list(live.parent.glob("*.part"))


def test_a_backup_whose_chain_was_already_broken_when_made_is_restored_with_a_note(live, tmp_path, ctx):
    _tamper_event(live)
    backup = make_backup(live, tmp_path / "b.sqlite")
    ctx.db.dispose()
    result = restore_database(backup, live)
    assert any("备份时办理记录防篡改校验已有异常" in note for note in result.notes)


@pytest.mark.parametrize("content", [b"", b"\x00\xff\xfe binary", b"not a checksum\n"])
def test_an_empty_or_binary_sha256_is_a_clear_message(live, tmp_path, content):
    backup = make_backup(live, tmp_path / "b.sqlite")
    backup.with_name(backup.name + ".sha256").write_bytes(content)
    with pytest.raises(BackupError, match=r"校验文件（\.sha256）为空或格式不正确"):
        verify_backup(backup)


def test_the_sidecar_records_the_audit_anchor(live, tmp_path, ctx):
    from app.services.audit import chain_head

    backup = make_backup(live, tmp_path / "b.sqlite")
    digest, anchor = store_backup.read_sidecar(backup)
    head = chain_head(ctx)
    assert len(digest) == 64 and anchor is not None
    assert (anchor["count"], anchor["last_id"], anchor["head"]) == (head.count, head.last_id, head.head)


def test_the_automatic_backup_tidies_up_first(live):
    from app.services.backup import auto_backup

    stale = live.with_name(live.name + ".恢复中-20260101-000000")
    stale.write_bytes(b"x" * 100)
    old = time.time() - 3600
    os.utime(stale, (old, old))
    assert auto_backup(live, now=NOW) is not None
    assert not stale.exists()

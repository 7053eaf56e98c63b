"""Backups, rotation, restore and the integrity check, on real SQLite files."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.services.backup import (
    BackupError,
    auto_backup,
    backup_now,
    check_database,
    restore_database,
    rotate,
    select_to_keep,
    verify_backup,
)
from app.services.context import ServiceContext
from app.services.ledger import import_ledger
from app.services.profile import ensure_defaults
from app.store.backup import make_backup
from app.store.database import head_revision, open_database
from tests.dbdump import dump
from tests.ledger_factory import NOW, generate_ledger, write_csv


@pytest.fixture
def filled(tmp_path: Path):
    db = open_database(tmp_path / "data" / "t.sqlite")
    ctx = ServiceContext(db, now=lambda: NOW)
    ensure_defaults(ctx)
    assert import_ledger(ctx, write_csv(generate_ledger(60, seed=2), tmp_path / "a.csv")).ok
    yield ctx
    db.dispose()


def test_backup_delete_restore_gives_an_identical_database(filled, tmp_path):
    path = filled.db.path
    before = dump(path)
    (tmp_path / "usb").mkdir()
    backup = backup_now(path, tmp_path / "usb", now=NOW)
    assert backup.parent == tmp_path / "usb" and backup.with_name(backup.name + ".sha256").exists()
    filled.db.dispose()
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    assert not path.exists()
    result = restore_database(backup, path, now=NOW)
    assert result.replaced_kept_as is None and result.revision == head_revision()
    assert dump(path) == before
    db = open_database(path)  # and the program opens it again
    ctx = ServiceContext(db, now=lambda: NOW)
    assert check_database(ctx).ok
    db.dispose()


def test_backup_is_consistent_while_a_write_is_in_progress(filled, tmp_path):
    before = dump(filled.db.path)
    writer = sqlite3.connect(filled.db.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE application SET content = 'half-written'")
    try:
        backup = backup_now(filled.db.path, tmp_path / "b.sqlite")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert dump(backup) == before


def test_restore_replaces_atomically_and_keeps_the_replaced_file(filled, tmp_path):
    path = filled.db.path
    old = dump(path)
    empty_db = open_database(tmp_path / "other.sqlite")
    ensure_defaults(ServiceContext(empty_db, now=lambda: NOW))
    empty_db.dispose()
    other = backup_now(tmp_path / "other.sqlite", tmp_path / "other-backup.sqlite")
    filled.db.dispose()
    result = restore_database(other, path, now=NOW)
    assert dump(path) == dump(other)
    assert result.replaced_kept_as is not None and dump(result.replaced_kept_as) == old
    pre = list((path.parent / "backups").glob("恢复前备份-*.sqlite"))
    assert len(pre) == 1 and dump(pre[0]) == old
    assert not Path(str(path) + "-wal").exists() and not Path(str(path) + "-shm").exists()
    assert not list(path.parent.glob("*恢复中*"))


def corrupt_middle(path: Path, length: int = 4096) -> None:
    data = bytearray(path.read_bytes())
    middle = (len(data) // 2) // 4096 * 4096
    data[middle : middle + length] = bytes((i * 7 + 3) % 256 for i in range(length))
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("keep_sidecar", [True, False])
def test_corrupted_backup_is_refused_and_nothing_is_touched(filled, tmp_path, keep_sidecar):
    path = filled.db.path
    backup = backup_now(path, tmp_path / "b.sqlite")
    if not keep_sidecar:
        backup.with_name(backup.name + ".sha256").unlink()
    corrupt_middle(backup)
    filled.db.dispose()
    before = path.read_bytes()
    with pytest.raises(BackupError, match="已损坏") as err:
        restore_database(backup, path, now=NOW)
    assert "未作任何改动" in str(err.value)
    assert path.read_bytes() == before
    assert not (path.parent / "backups").exists()


def test_one_changed_byte_is_caught_by_the_checksum(filled, tmp_path):
    backup = backup_now(filled.db.path, tmp_path / "b.sqlite")
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="SHA-256"):
        verify_backup(backup)


def test_foreign_or_newer_files_are_refused(tmp_path):
    (tmp_path / "text.sqlite").write_text("hello", encoding="utf-8")
    with pytest.raises(BackupError, match="不是 SQLite"):
        verify_backup(tmp_path / "text.sqlite")
    foreign = sqlite3.connect(tmp_path / "foreign.sqlite")
    foreign.execute("CREATE TABLE t(x)")
    foreign.commit()
    foreign.close()
    with pytest.raises(BackupError, match="不是本程序"):
        verify_backup(tmp_path / "foreign.sqlite")
    db = open_database(tmp_path / "newer.sqlite")
    db.dispose()
    conn = sqlite3.connect(tmp_path / "newer.sqlite")
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="更新版本"):
        verify_backup(tmp_path / "newer.sqlite")
    with pytest.raises(BackupError, match="找不到"):
        verify_backup(tmp_path / "missing.sqlite")


def test_auto_backup_once_a_day_in_the_default_folder(filled):
    path = filled.db.path
    first = auto_backup(path, now=datetime(2026, 11, 20, 8, 0))
    assert first is not None and first.parent == path.parent / "backups"
    assert auto_backup(path, now=datetime(2026, 11, 20, 17, 0)) is None
    second = auto_backup(path, now=datetime(2026, 11, 21, 8, 0))
    assert second is not None and second != first
    verify_backup(second)
    assert auto_backup(path.parent / "nothing.sqlite") is None


def test_rotation_grandfather_father_son():
    now = datetime(2026, 11, 20, 9, 0)
    stamps = [now - timedelta(days=d, hours=h) for d in range(0, 500) for h in (0, 5)]
    keep = select_to_keep(stamps)
    days = sorted({t.date() for t in keep}, reverse=True)
    # the newest of each of the last 7 days
    for d in range(7):
        assert (now - timedelta(days=d)) in keep
    assert (now - timedelta(days=0, hours=5)) not in keep  # older copy of the same day
    weeks = {tuple(t.isocalendar())[:2] for t in keep}
    months = {(t.year, t.month) for t in keep}
    assert len(weeks) >= 8 and len(months) == 12
    assert len(keep) <= 7 + 8 + 12
    assert min(keep) >= now - timedelta(days=366)
    assert days[0] == now.date()
    # a program unused for two years still keeps its last copies
    old = [datetime(2020, 1, 1) + timedelta(days=d) for d in range(30)]
    kept_old = select_to_keep(old)
    assert max(old) in kept_old and len(kept_old) >= 7


def test_rotate_deletes_only_automatic_backups_not_kept(filled):
    path = filled.db.path
    folder = path.parent / "backups"
    start = datetime(2026, 1, 1, 8, 0)
    for d in range(0, 120):
        auto_backup(path, now=start + timedelta(days=d))
    manual = backup_now(path, folder / "手工备份-20260101-080000.sqlite")
    files = sorted(folder.glob("自动备份-*.sqlite"))
    assert 7 <= len(files) <= 27
    assert manual.exists()
    assert rotate(folder) == []  # already rotated after each backup
    for f in files:
        assert f.with_name(f.name + ".sha256").exists()
    assert not [p for p in folder.glob("*.sha256") if not p.with_name(p.name[: -len(".sha256")]).exists()]


def test_check_detects_a_tampered_event(filled):
    assert check_database(filled).ok
    assert "结论：数据完好" in check_database(filled).summary()
    conn = sqlite3.connect(filled.db.path)
    conn.execute("UPDATE event SET event_date = '2026-01-01' WHERE id = 5")
    conn.commit()
    conn.close()
    report = check_database(filled)
    assert not report.ok and [b.event_id for b in report.chain] == [5]
    assert "记录 #5" in report.summary() and "数据存在问题" in report.summary()


def test_check_detects_a_broken_reference(filled):
    conn = sqlite3.connect(filled.db.path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("UPDATE remedy_case SET application_id = 99999")
    conn.execute(
        "INSERT INTO remedy_case(application_id, kind, filed_on) VALUES (99999, 'reconsideration', '2026-01-01')"
    )
    conn.commit()
    conn.close()
    report = check_database(filled)
    assert not report.ok and report.chain == []
    assert report.foreign_keys  # every remedy case now points to application 99999, which does not exist
    assert all(line.startswith("表 remedy_case 第 ") for line in report.foreign_keys)
    assert all(line.endswith("行引用的 application 记录不存在") for line in report.foreign_keys)
    assert "数据存在问题" in report.summary()


def test_make_backup_refuses_a_missing_database(tmp_path):
    with pytest.raises(BackupError, match="找不到"):
        make_backup(tmp_path / "none.sqlite", tmp_path / "b.sqlite")

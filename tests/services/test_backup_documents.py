"""Backups carry the issued documents' PDFs the way they carry attachments: copied, verified, rotated, restored."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.documents import storage
from app.domain.letters import DocumentKind
from app.services import documents as D
from app.services.backup import auto_backup, backup_now, check_database, restore_database, verify_backup
from app.services.context import ServiceContext
from app.store.attachments import remove_tree
from app.store.backup import DOCUMENTS, DOCUMENTS_SUFFIX, BackupError, default_backup_dir, documents_manifest
from app.store.database import open_database
from tests.factories import register_in_person

ARRIVED = datetime(2026, 2, 13, 9, 0)


@pytest.fixture
def issued(ctx, clock):
    case = register_in_person(ctx, ARRIVED, clock)
    return D.issue(ctx, case.id, DocumentKind.RECEIPT)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _report(live, clock):
    """``check`` on the database again opened afresh (*live*: the test's Database)."""
    if live.is_server:
        db = open_database(live.url.render_as_string(hide_password=False), files_at=live.path)
    else:
        db = open_database(live.path)
    try:
        return check_database(ServiceContext(db, now=clock))
    finally:
        db.dispose()


def _ext(ctx) -> str:
    """A backup's suffix: a server's backups are pg_dump files."""
    return ".dump" if ctx.db.is_server else ".sqlite"


def _state(db):
    """What must not change when a restore is refused: the file's bytes, or the server's rows per table."""
    if db.is_server:
        from app.store.server import table_counts

        return table_counts(db.engine, ["application", "event", "issued_document", "setting"])
    return db.path.read_bytes()


def test_the_documents_folder_is_the_stores(ctx):
    assert storage.ROOT_SUFFIX == DOCUMENTS_SUFFIX == DOCUMENTS.suffix
    assert storage.documents_root(ctx.db.path) == DOCUMENTS.root(ctx.db.path)


@pytest.mark.sqlite_only  # deletes the database file; on a server see test_server_backup
def test_backup_delete_restore_brings_back_the_pdf_byte_identical(ctx, issued, clock, tmp_path):
    live_root = storage.documents_root(ctx.db.path)
    before = _tree(live_root)
    assert len(before) == 1
    usb = tmp_path / "usb"
    usb.mkdir()
    backup = backup_now(ctx.db.path, usb, now=clock())
    assert _tree(usb / f"{backup.stem}.documents") == before
    (line,) = documents_manifest(backup).read_text(encoding="utf-8").splitlines()
    assert line.split() == [issued.sha256, *before]  # sha256sum format
    verify_backup(backup)

    ctx.db.dispose()
    for p in ctx.db.path.parent.glob(ctx.db.path.name + "*"):
        p.unlink()
    remove_tree(live_root)
    result = restore_database(backup, ctx.db.path, now=clock())
    assert result.documents_kept_as is None and result.replaced_kept_as is None and result.notes == ()
    assert _tree(live_root) == before
    report = _report(ctx.db, clock)
    assert report.ok and report.documents_checked == 1 and report.documents_missing == []
    assert "不在本机" not in report.summary()


def test_an_altered_document_copy_is_refused_in_chinese(ctx, issued, clock, tmp_path):
    backup = backup_now(ctx.db, tmp_path / "bk" / f"b{_ext(ctx)}")
    copy = next((tmp_path / "bk" / "b.documents").rglob("*.pdf"))
    os.chmod(copy, stat.S_IREAD | stat.S_IWRITE)
    copy.write_bytes(copy.read_bytes().replace(b"%PDF", b"%PDX", 1))
    ctx.db.dispose()
    before = (_state(ctx.db), _tree(storage.documents_root(ctx.db.path)))
    with pytest.raises(BackupError, match="备份的文书已损坏或缺失") as err:
        verify_backup(backup)
    assert "校验值不符" in str(err.value) and "未作任何改动" in str(err.value)
    with pytest.raises(BackupError, match="文书已损坏"):
        restore_database(backup, ctx.db, now=clock())
    assert (_state(ctx.db), _tree(storage.documents_root(ctx.db.path))) == before
    assert not list(default_backup_dir(ctx.db.path).glob("恢复前备份-*"))


def test_a_backup_without_its_documents_copy_is_restored_with_a_note(ctx, issued, clock, tmp_path):
    backup = backup_now(ctx.db, tmp_path / "bk" / f"b{_ext(ctx)}")
    remove_tree(tmp_path / "bk" / "b.documents")  # as a backup made before documents were carried
    documents_manifest(backup).unlink()
    verify_backup(backup)
    ctx.db.dispose()
    live_root = storage.documents_root(ctx.db.path)
    before = _tree(live_root)
    result = restore_database(backup, ctx.db, now=clock())
    assert len(result.notes) == 1 and "1 份文书" in result.notes[0] and "重新生成" in result.notes[0]
    assert result.documents_kept_as is not None and _tree(result.documents_kept_as) == before
    assert not live_root.exists()
    report = _report(ctx.db, clock)
    assert report.ok and len(report.documents_missing) == 1  # a note: reprinting re-renders it


def test_a_database_without_documents_needs_no_documents_folder(ctx, clock, tmp_path):
    register_in_person(ctx, ARRIVED, clock)
    backup = backup_now(ctx.db, tmp_path / "bk" / f"b{_ext(ctx)}")
    assert not (tmp_path / "bk" / "b.documents").exists() and not documents_manifest(backup).exists()
    verify_backup(backup)
    ctx.db.dispose()
    assert restore_database(backup, ctx.db, now=clock()).notes == ()


def test_restore_keeps_the_replaced_documents_folder(ctx, issued, clock, tmp_path):
    backup = backup_now(ctx.db, tmp_path / "bk" / f"b{_ext(ctx)}")
    live_root = storage.documents_root(ctx.db.path)
    before = _tree(live_root)
    later = register_in_person(ctx, ARRIVED + timedelta(minutes=5), clock, name="李四")
    D.issue(ctx, later.id, DocumentKind.RECEIPT)
    after = _tree(live_root)
    assert len(after) == 2
    ctx.db.dispose()
    result = restore_database(backup, ctx.db, now=clock())
    assert _tree(live_root) == before
    assert result.replaced_kept_as is not None
    if not ctx.db.is_server:  # on a server the replaced data is the 恢复前备份 dump, its folder beside the anchor
        assert result.documents_kept_as == result.replaced_kept_as.with_suffix(".documents")
    assert result.documents_kept_as is not None and _tree(result.documents_kept_as) == after
    assert not list(ctx.db.path.parent.glob("*恢复中*"))
    assert _report(ctx.db, clock).ok


def test_rotation_removes_the_documents_with_their_backup(ctx, issued, tmp_path):
    folder = default_backup_dir(ctx.db.path)
    start = datetime(2026, 3, 1, 8, 0)
    for d in range(40):
        auto_backup(ctx.db, now=start + timedelta(days=d))
    kept = sorted(folder.glob(f"自动备份-*{_ext(ctx)}"))
    assert 7 <= len(kept) < 40
    for backup in kept:
        assert (folder / f"{backup.stem}.documents").is_dir() and documents_manifest(backup).exists()
        verify_backup(backup)
    stems = {b.stem for b in kept}
    assert [p for p in folder.iterdir() if p.name.split(".")[0] not in stems] == []
    assert len(list(folder.glob("*.documents"))) == len(list(folder.glob("*.documents.sha256"))) == len(kept)
    # the unchanged PDF is hard-linked between the daily copies
    copies = [next((folder / f"{b.stem}.documents").rglob("*.pdf")) for b in kept]
    assert len({c.stat().st_ino for c in copies}) == 1 and copies[0].stat().st_nlink == len(kept)

"""Attachments: stored with their SHA-256, audited, never half-written, checked, backed up and restored."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.codes import EventKind
from app.services import attachments as A
from app.services.attachments import AttachmentCategory, add_attachment, attachment_path, list_attachments
from app.services.backup import auto_backup, backup_now, check_database, restore_database, verify_backup
from app.services.context import ServiceContext
from app.services.errors import NotFound, ServiceError, ValidationError
from app.store import attachments as store
from app.store.backup import BackupError, attachments_manifest, default_backup_dir
from app.store.database import open_database
from app.store.events import check_chain
from app.store.models import Attachment, Event
from tests.factories import register_in_person

ARRIVED = datetime(2026, 2, 13, 9, 0)


@pytest.fixture
def case(ctx, clock):
    return register_in_person(ctx, ARRIVED, clock)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def counts(ctx: ServiceContext) -> tuple[int, int, list[Path]]:
    """(attachment rows, events, files under the attachments folder — temporary files included)."""
    with ctx.db.session_scope() as s:
        rows = s.scalar(select(func.count()).select_from(Attachment))
        events = s.scalar(select(func.count()).select_from(Event))
    root = A.attachments_root(ctx)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return rows, events, files


def make_writable(path: Path) -> None:
    os.chmod(path, stat.S_IREAD | stat.S_IWRITE)


def test_add_list_and_open(ctx, case, tmp_path):
    data = b"%PDF-1.4 scan of the application form\n" * 1000
    src = write(tmp_path / "in" / "申请表 扫描.PDF", data)
    view = add_attachment(ctx, case.id, src, AttachmentCategory.APPLICATION_SCAN, "  首页和签名页 ")
    assert view.sha256 == hashlib.sha256(data).hexdigest() and view.size == len(data)
    assert view.filename == "申请表 扫描.PDF" and view.category_label == "申请表扫描件"
    assert view.description == "首页和签名页" and view.added_by == ctx.clerk() and view.ok
    assert view.media_type == "application/pdf"
    # stored under <db stem>.attachments/<application id>/<sha256 prefix><suffix>, byte-identical, read-only
    assert view.path.parent == ctx.db.path.parent / "ogi.attachments" / str(case.id)
    assert view.path.name == f"{view.sha256[:16]}.pdf" and view.path.read_bytes() == data
    assert not view.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert src.read_bytes() == data  # the original is untouched

    second = add_attachment(ctx, case.id, write(tmp_path / "同一文件.pdf", data), "id_copy")
    assert second.path != view.path and second.path.read_bytes() == data  # same content, its own file
    listed = list_attachments(ctx, case.id)
    assert [a.id for a in listed] == [view.id, second.id]
    assert [a.category for a in listed] == [AttachmentCategory.APPLICATION_SCAN, AttachmentCategory.ID_COPY]
    assert all(a.ok for a in listed) and listed[0] == view
    assert attachment_path(ctx, view.id) == view.path

    with ctx.db.session_scope() as s:
        events = s.scalars(select(Event).where(Event.kind == EventKind.ATTACHMENT_ADDED.value).order_by(Event.id))
        recorded = [(e.application_id, e.actor, e.data, e.note) for e in events]
        assert check_chain(s) == []
    assert recorded[0] == (
        case.id,
        ctx.clerk(),
        {
            "attachment_id": view.id,
            "filename": "申请表 扫描.PDF",
            "sha256": view.sha256,
            "size": len(data),
            "category": "application_scan",
        },
        "首页和签名页",
    )
    assert len(recorded) == 2
    report = check_database(ctx)
    assert report.ok and report.attachments_checked == 2 and "附件文件校验（共 2 个附件）：通过" in report.summary()
    assert not [p for p in view.path.parent.iterdir() if p.name.startswith(".part-")]


def test_every_category_is_chosen_by_its_chinese_label_and_recorded_by_its_code(ctx, case, tmp_path):
    labels = ["申请表扫描件", "身份证明复印件", "授权委托书", "第三方意见", "送达回证", "电子邮件/网页截图", "其他"]
    for i, label in enumerate(labels):
        add_attachment(ctx, case.id, write(tmp_path / f"{i}.pdf", f"第{i}份".encode()), label)
    listed = list_attachments(ctx, case.id)
    assert [a.category_label for a in listed] == labels
    assert [a.category for a in listed] == list(AttachmentCategory)
    with ctx.db.session_scope() as s:
        events = s.scalars(select(Event).where(Event.kind == EventKind.ATTACHMENT_ADDED.value).order_by(Event.id))
        recorded = [e.data["category"] for e in events]
    assert recorded == [
        "application_scan",
        "id_copy",
        "authorisation",
        "third_party",
        "delivery_receipt",
        "email_web",
        "other",
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "不存在.pdf", "找不到所选文件："),
        (lambda d: (d / "文件夹").mkdir() or d / "文件夹", "所选的是文件夹，请选择一个文件："),
        (lambda d: write(d / "空.pdf", b""), "所选文件是空文件（0 字节），不能作为附件："),
        (lambda d: write(d / "大.pdf", b"x" * 2048), "文件过大（2048 字节），单个附件不能超过 0 MB："),
    ],
    ids=["missing", "directory", "empty", "too-large"],
)
def test_bad_sources_are_refused_in_chinese_with_nothing_written(ctx, case, tmp_path, monkeypatch, make, message):
    monkeypatch.setattr(A, "MAX_SIZE", 1024)
    before = counts(ctx)
    source = make(tmp_path)
    with pytest.raises(ValidationError) as err:
        add_attachment(ctx, case.id, source, AttachmentCategory.OTHER)
    assert err.value.problems == [f"{message}\n{source}"]
    assert counts(ctx) == before == (0, before[1], [])


def test_unknown_category_and_application_are_refused(ctx, case, tmp_path):
    src = write(tmp_path / "a.pdf", b"abc")
    with pytest.raises(ValidationError, match="请选择附件类别"):
        add_attachment(ctx, case.id, src, "photo")
    with pytest.raises(NotFound, match="找不到该申请"):
        add_attachment(ctx, case.id + 100, src, AttachmentCategory.OTHER)
    with pytest.raises(NotFound, match=r"^找不到该申请$"):
        list_attachments(ctx, case.id + 100)
    with pytest.raises(NotFound, match="找不到该附件"):
        attachment_path(ctx, 12345)
    assert counts(ctx)[0] == 0 and counts(ctx)[2] == []
    assert add_attachment(ctx, case.id, src, "送达回证").category is AttachmentCategory.DELIVERY_RECEIPT


def test_a_full_disk_during_the_copy_writes_nothing(ctx, case, tmp_path, monkeypatch):
    src = write(tmp_path / "scan.pdf", b"y" * 100_000)
    before = counts(ctx)

    def disk_full(fin, fout):
        fout.write(fin.read(4096))  # a partial temporary file exists when the disk fills up
        fout.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "copy_hashing", disk_full)
    with pytest.raises(ServiceError, match="磁盘空间已满") as err:
        add_attachment(ctx, case.id, src, AttachmentCategory.APPLICATION_SCAN)
    assert "ENOSPC" not in str(err.value) and "No space" not in str(err.value)
    assert counts(ctx) == before and before[0] == 0 and before[2] == []
    assert not (A.attachments_root(ctx) / str(case.id)).exists()


def test_a_database_failure_after_the_copy_removes_the_copied_file(ctx, case, tmp_path, monkeypatch):
    src = write(tmp_path / "scan.pdf", b"z" * 5000)
    add_attachment(ctx, case.id, write(tmp_path / "first.pdf", b"first"), AttachmentCategory.OTHER)
    before = counts(ctx)

    def broken(*_a, **_k):
        raise RuntimeError("database went away")

    monkeypatch.setattr(A, "append_event", broken)
    with pytest.raises(RuntimeError, match=r"^database went away$"):
        add_attachment(ctx, case.id, src, AttachmentCategory.APPLICATION_SCAN)
    assert counts(ctx) == before and len(before[2]) == 1
    monkeypatch.undo()
    with ctx.db.session_scope() as s:
        assert check_chain(s) == []


def test_a_tampered_or_missing_file_is_reported_and_refused(ctx, case, tmp_path):
    first = add_attachment(ctx, case.id, write(tmp_path / "回证.jpg", b"\xff\xd8" + b"1" * 3000), "delivery_receipt")
    second = add_attachment(ctx, case.id, write(tmp_path / "委托书.pdf", b"%PDF" + b"2" * 3000), "authorisation")
    make_writable(first.path)
    first.path.write_bytes(b"\xff\xd8" + b"9" * 3000)  # edited in a viewer, same size
    report = check_database(ctx)
    assert not report.ok and report.attachments == [f"{case.reg_number} 的附件“回证.jpg”：校验值不符"]
    assert "数据存在问题" in report.summary() and case.reg_number in report.summary()
    assert all(a.ok for a in list_attachments(ctx, case.id))  # listing only looks for the file
    with pytest.raises(ValidationError, match="已被改动"):
        attachment_path(ctx, first.id)

    store.remove_stored(A.attachments_root(ctx), second.path.relative_to(A.attachments_root(ctx)).as_posix())
    assert [a.ok for a in list_attachments(ctx, case.id)] == [True, False]
    with pytest.raises(ValidationError, match="文件缺失"):
        attachment_path(ctx, second.id)
    assert A.verify_attachments(ctx) == [
        f"{case.reg_number} 的附件“回证.jpg”：校验值不符",
        f"{case.reg_number} 的附件“委托书.pdf”：文件缺失",
    ]


def test_store_file_never_overwrites_and_rejects_paths_outside_the_root(tmp_path):
    root = tmp_path / "x.attachments"
    a = store.store_file(root, 7, write(tmp_path / "a.TXT", b"same"))
    b = store.store_file(root, 7, write(tmp_path / "b.txt", b"same"))
    assert a.relative_path.endswith(".txt") and b.relative_path.endswith("-2.txt") and a.sha256 == b.sha256
    assert store.verify_file(root, a.relative_path, a.sha256) is None
    assert store.verify_file(root, "7/none.txt", a.sha256) == "文件缺失"
    odd = store.store_file(root, 7, write(tmp_path / "odd.p df", b"other"))
    assert Path(odd.relative_path).suffix == ""
    for bad in ("../outside", "/etc/passwd", "7/../../x", "C:/x"):
        with pytest.raises(ValueError) as err:
            store.resolve(root, bad)
        assert str(err.value) == f"附件存储路径无效：{bad}"
    store.remove_stored(root, a.relative_path)
    store.remove_stored(root, b.relative_path)
    store.remove_stored(root, odd.relative_path)
    assert not (root / "7").exists()


def _reopen(live):
    """The test's database opened afresh (a server's by its connection string, its files where they were)."""
    if live.is_server:
        return open_database(live.url.render_as_string(hide_password=False), files_at=live.path)
    return open_database(live.path)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_backup_and_restore_bring_back_the_attachments_byte_identical(ctx, case, clock, tmp_path):
    other = register_in_person(ctx, ARRIVED + timedelta(minutes=5), clock, name="李四")
    add_attachment(ctx, case.id, write(tmp_path / "a.pdf", os.urandom(300_000)), "application_scan")
    add_attachment(ctx, other.id, write(tmp_path / "b.png", os.urandom(5000)), "email_web")
    add_attachment(ctx, other.id, write(tmp_path / "c", os.urandom(10)), "other")
    live_root = A.attachments_root(ctx)
    before = _tree(live_root)
    assert len(before) == 3

    usb = tmp_path / "usb"
    usb.mkdir()
    backup = backup_now(ctx.db, usb, now=clock())
    copy_root = backup.with_name(backup.stem + ".attachments")
    assert _tree(copy_root) == before
    manifest = attachments_manifest(backup).read_text(encoding="utf-8").splitlines()
    assert sorted(line.split()[1] for line in manifest) == sorted(before)
    for line in manifest:  # sha256sum format, verifiable without the program
        digest, rel = line.split()
        assert hashlib.sha256((copy_root / rel).read_bytes()).hexdigest() == digest
    verify_backup(backup)

    # a change after the backup: one more file, which the restore puts aside with the replaced database
    add_attachment(ctx, case.id, write(tmp_path / "later.pdf", b"later"), "other")
    after = _tree(live_root)
    ctx.db.dispose()
    result = restore_database(backup, ctx.db, now=clock())
    assert _tree(live_root) == before
    assert result.attachments_kept_as is not None and _tree(result.attachments_kept_as) == after
    assert result.replaced_kept_as is not None
    if not ctx.db.is_server:  # on a server the replaced data is the 恢复前备份 dump, its folder beside the anchor
        assert result.attachments_kept_as == result.replaced_kept_as.with_suffix(".attachments")
    assert not list(ctx.db.path.parent.glob("*恢复中*"))

    db = _reopen(ctx.db)
    restored = ServiceContext(db, now=clock)
    try:
        report = check_database(restored)
        assert report.ok and report.attachments_checked == 3
        assert [a.filename for a in list_attachments(restored, other.id)] == ["b.png", "c"]
        opened = attachment_path(restored, list_attachments(restored, case.id)[0].id)
        assert opened.read_bytes() == before[opened.relative_to(live_root).as_posix()]
    finally:
        db.dispose()


@pytest.mark.sqlite_only  # deletes the database file; a server's refusals: test_server_backup
def test_restore_into_an_empty_place_and_refusal_of_incomplete_backups(ctx, case, clock, tmp_path):
    add_attachment(ctx, case.id, write(tmp_path / "a.pdf", b"A" * 4000), "application_scan")
    backup = backup_now(ctx.db.path, tmp_path / "bk" / "b.sqlite")
    copy_root = tmp_path / "bk" / "b.attachments"
    expected = _tree(copy_root)
    ctx.db.dispose()
    live = ctx.db.path
    for p in live.parent.glob(live.name + "*"):
        p.unlink()
    store.remove_tree(A.attachments_root(ctx))
    result = restore_database(backup, live, now=clock())
    assert result.attachments_kept_as is None and _tree(A.attachments_root(ctx)) == expected

    # an altered file in the backup: refused before anything is touched
    stored = next(p for p in copy_root.rglob("*") if p.is_file())
    make_writable(stored)
    stored.write_bytes(b"B" * 4000)
    snapshot = (live.read_bytes(), _tree(A.attachments_root(ctx)))
    with pytest.raises(BackupError, match="附件已损坏或缺失") as err:
        restore_database(backup, live, now=clock())
    assert "校验值不符" in str(err.value) and "未作任何改动" in str(err.value)
    # the backup file alone, without its attachments folder and manifest: refused, with what to do
    store.remove_tree(copy_root)
    attachments_manifest(backup).unlink()
    with pytest.raises(BackupError, match="附件文件夹"):
        verify_backup(backup)
    assert (live.read_bytes(), _tree(A.attachments_root(ctx))) == snapshot
    assert not list((live.parent / "backups").glob("恢复前备份-*"))


def test_rotation_removes_the_attachments_with_their_backup(ctx, case, tmp_path):
    add_attachment(ctx, case.id, write(tmp_path / "a.pdf", b"scan" * 1000), "application_scan")
    folder = default_backup_dir(ctx.db.path)
    start = datetime(2026, 3, 1, 8, 0)
    for d in range(40):
        auto_backup(ctx.db, now=start + timedelta(days=d))
    kept = sorted(folder.glob("自动备份-*.dump" if ctx.db.is_server else "自动备份-*.sqlite"))
    assert 7 <= len(kept) < 40
    for backup in kept:
        assert (folder / f"{backup.stem}.attachments").is_dir() and attachments_manifest(backup).exists()
        verify_backup(backup)
    stems = {b.stem for b in kept}
    leftovers = [p for p in folder.iterdir() if p.name.split(".")[0] not in stems]
    assert leftovers == []
    # unchanged scans are hard-linked between the daily copies instead of taking the space again
    copies = [next((folder / f"{b.stem}.attachments").rglob("*.pdf")) for b in kept]
    assert len({c.stat().st_ino for c in copies}) == 1 and copies[0].stat().st_nlink == len(kept)

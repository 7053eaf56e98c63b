"""Use cases of attachments (附件): add a file to a case, list a case's files, open one, check them all.

The file is copied into the store first (:mod:`app.store.attachments`: atomic, verified by SHA-256), then
one session writes the ``attachment`` row and its ``attachment_added`` event into the audit chain. If the
database part fails the copied file is deleted again; if the copy fails nothing is written. Either way
there is never half a record. The category (申请表扫描件, 送达回证 …) is part of the audited event.
"""

from __future__ import annotations

import contextlib
import errno
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.codes import AttachmentCategory, EventKind
from app.domain.procedure import AttachmentAdded, payload_of
from app.services.applications import load_for_change, mark_changed
from app.services.context import ServiceContext
from app.services.errors import NotFound, ServiceError, ValidationError
from app.store import attachments as store
from app.store.events import append_event
from app.store.models import Application, Attachment, Event

__all__ = [
    "MAX_SIZE",
    "AttachmentCategory",
    "AttachmentView",
    "add_attachment",
    "attachment_path",
    "attachments_root",
    "count_attachments",
    "list_attachments",
    "verify_attachments",
]

MAX_SIZE = 200 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentView:
    id: int
    application_id: int
    filename: str  # the clerk's original file name
    category: AttachmentCategory
    category_label: str
    description: str
    size: int
    sha256: str
    media_type: str
    added_by: str
    added_at: datetime
    path: Path  # absolute path of the stored copy (open it only through :func:`attachment_path`)
    ok: bool  # the stored file is present (listing does not hash; :func:`attachment_path` does)


def attachments_root(ctx: ServiceContext) -> Path:
    """The attachments folder of the opened database."""
    return store.attachments_root(ctx.db.path)


def _category(value: AttachmentCategory | str) -> AttachmentCategory | None:
    try:
        return AttachmentCategory(value)
    except ValueError:
        return next((c for c in AttachmentCategory if c.label == value), None)


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} 字节"


def _check_source(source: Path) -> list[str]:
    """Every reason *source* cannot be attached (missing, a folder, unreadable, empty, too large)."""
    if not source.exists():
        return [f"找不到所选文件：\n{source}"]
    if source.is_dir():
        return [f"所选的是文件夹，请选择一个文件：\n{source}"]
    try:
        size = source.stat().st_size
        with source.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        return [f"无法读取所选文件（{exc.strerror or exc}）：\n{source}"]
    if size == 0:
        return [f"所选文件是空文件（0 字节），不能作为附件：\n{source}"]
    if size > MAX_SIZE:
        return [f"文件过大（{_size_text(size)}），单个附件不能超过 {MAX_SIZE // (1024 * 1024)} MB：\n{source}"]
    return []


def _copy_error(exc: OSError, source: Path, root: Path) -> ServiceError:
    """A Chinese message for a failed copy into the store (nothing was written)."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return ServiceError(f"磁盘空间已满，附件未保存。请清理磁盘后重试。\n{root}")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        if exc.filename is not None and Path(exc.filename) == source:
            return ServiceError(f"没有读取所选文件的权限，附件未保存：\n{source}")
        return ServiceError(f"附件文件夹不可写（只读或没有权限），附件未保存。请检查文件权限。\n{root}")
    if code == errno.EIO:
        return ServiceError(f"复制附件时发生读写错误，附件未保存。请检查磁盘或U盘后重试。\n{source}")
    return ServiceError(f"附件未能保存（{exc.strerror or exc}）。\n{source}")


def add_attachment(
    ctx: ServiceContext,
    application_id: int,
    source: Path,
    category: AttachmentCategory | str,
    description: str = "",
    *,
    expected_version: int | None = None,
) -> AttachmentView:
    """Attach a copy of *source* to the application, with an ``attachment_added`` event in the audit chain.

    Refused (ValidationError) for an unknown category, a missing or unreadable file, a folder, an empty
    file or one over 200 MB; NotFound for an unknown application. A failed copy (full disk, no permission)
    raises ServiceError and writes nothing; a failed database write removes the copied file again.
    ``expected_version``: the version of the case the desk showed (:class:`ConcurrentEdit` when another desk
    changed it since); the attachment moves the case's version on (a new event on its timeline).
    """
    source = Path(source)
    cat = _category(category)
    problems = [] if cat is not None else ["请选择附件类别"]
    problems += _check_source(source)
    with ctx.db.session_scope() as s:
        if s.get(Application, application_id) is None:
            raise NotFound("找不到该申请")
    if problems:
        raise ValidationError(problems)
    assert cat is not None
    actor, now = ctx.clerk(), ctx.now()
    description = (description or "").strip()
    root = attachments_root(ctx)
    try:
        stored = store.store_file(root, application_id, source)
    except OSError as exc:
        raise _copy_error(exc, source, root) from exc
    media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    try:
        with ctx.db.session_scope() as s:
            app = load_for_change(s, application_id, expected_version)
            row = Attachment(
                application_id=application_id,
                filename=source.name,
                stored_path=stored.relative_path,
                sha256=stored.sha256,
                size=stored.size,
                media_type=media_type,
                description=description or None,
                added_by=actor,
                added_at=now.replace(microsecond=0),
            )
            s.add(row)
            s.flush()
            append_event(
                s,
                application_id,
                EventKind.ATTACHMENT_ADDED.value,
                now.date(),
                actor=actor,
                recorded_at=now,
                data={
                    "attachment_id": row.id,
                    "filename": row.filename,
                    "sha256": stored.sha256,
                    "size": stored.size,
                    "category": cat.value,
                },
                note=description or None,
            )
            mark_changed(app, now)
            view = _view(row, cat, root, ok=True)
    except BaseException:
        with contextlib.suppress(OSError):  # the database error is the one the clerk must see
            store.remove_stored(root, stored.relative_path)
        raise
    return view


def _view(row: Attachment, category: AttachmentCategory, root: Path, *, ok: bool | None = None) -> AttachmentView:
    try:
        path = store.resolve(root, row.stored_path)
    except ValueError:
        path, ok = root / "?", False
    return AttachmentView(
        id=row.id,
        application_id=row.application_id,
        filename=row.filename,
        category=category,
        category_label=category.label,
        description=row.description or "",
        size=row.size,
        sha256=row.sha256,
        media_type=row.media_type or "application/octet-stream",
        added_by=row.added_by,
        added_at=row.added_at,
        path=path,
        ok=path.is_file() if ok is None else ok,
    )


def _categories(session: Session, application_id: int) -> dict[int, AttachmentCategory]:
    """attachment id → category, from the ``attachment_added`` events of the application."""
    out: dict[int, AttachmentCategory] = {}
    events = session.scalars(
        select(Event)
        .where(Event.application_id == application_id, Event.kind == EventKind.ATTACHMENT_ADDED.value)
        .order_by(Event.id)
    )
    for ev in events:
        added = payload_of(EventKind.ATTACHMENT_ADDED, ev.data)
        cat = _category(added.category) if isinstance(added, AttachmentAdded) else None
        if isinstance(added, AttachmentAdded) and added.attachment_id is not None and cat is not None:
            out[added.attachment_id] = cat
    return out


def list_attachments(ctx: ServiceContext, application_id: int) -> list[AttachmentView]:
    """The application's attachments, oldest first; ``ok`` says whether each stored file is present."""
    root = attachments_root(ctx)
    with ctx.db.session_scope() as s:
        if s.get(Application, application_id) is None:
            raise NotFound("找不到该申请")
        cats = _categories(s, application_id)
        rows = s.scalars(
            select(Attachment)
            .where(Attachment.application_id == application_id)
            .order_by(Attachment.added_at, Attachment.id)
        ).all()
        return [_view(r, cats.get(r.id, AttachmentCategory.OTHER), root) for r in rows]


def attachment_path(ctx: ServiceContext, attachment_id: int) -> Path:
    """The stored file to open, after checking it is present and unaltered (its SHA-256).

    ValidationError when the file is missing or its content no longer matches what was recorded.
    """
    root = attachments_root(ctx)
    with ctx.db.session_scope() as s:
        row = s.get(Attachment, attachment_id)
        if row is None:
            raise NotFound("找不到该附件")
        filename, stored_path, sha256 = row.filename, row.stored_path, row.sha256
    problem = store.verify_file(root, stored_path, sha256)
    if problem == store.MISSING:
        raise ValidationError([f"附件“{filename}”的文件缺失，无法打开。请从备份恢复，或联系管理员。"])
    if problem is not None:
        raise ValidationError(
            [f"附件“{filename}”已被改动或损坏（{problem}），与添加时记录的不一致，不能打开。请从备份恢复。"]
        )
    return store.resolve(root, stored_path)


def verify_attachments(ctx: ServiceContext) -> list[str]:
    """Hash every stored file against its record; one Chinese line per missing or altered attachment."""
    root = attachments_root(ctx)
    with ctx.db.session_scope() as s:
        rows = s.execute(
            select(Application.reg_number, Attachment.filename, Attachment.stored_path, Attachment.sha256)
            .join(Application, Application.id == Attachment.application_id)
            .order_by(Attachment.id)
        ).all()
    problems: list[str] = []
    for reg_number, filename, stored_path, sha256 in rows:
        reason = store.verify_file(root, stored_path, sha256)
        if reason is not None:
            problems.append(f"{reg_number} 的附件“{filename}”：{reason}")
    return problems


def count_attachments(ctx: ServiceContext) -> int:
    """How many attachments the database records (for the integrity-check summary)."""
    with ctx.db.session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(Attachment)) or 0)

"""Earlier applications of the same applicant asking for similar information (重复申请, 大量反复申请).

Shown at registration and at decision so that the clerk can consider 《政府信息公开条例》第三十六条第（六）项
and 第三十五条; the ranking itself is :func:`app.domain.similarity.rank_repeats`, and the result is a hint.

The same applicant is recognised by the same (normalised) identity-document number, or — when the new or the
earlier application has no number — by the same name and the same telephone number given with it. Two
applications with different document numbers are never taken for the same applicant. Voided applications
are ignored.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from app.domain.codes import Outcome, Status
from app.domain.identity import normalise_number
from app.domain.similarity import DEFAULT_LIMIT, DEFAULT_THRESHOLD, EarlierApplication, RepeatMatch, rank_repeats
from app.services.context import ServiceContext
from app.services.errors import NotFound
from app.store.models import Application
from app.store.sqlfunc import json_text

__all__ = ["MAX_CANDIDATES", "SAME_BY_ID", "SAME_BY_NAME_PHONE", "find_repeats", "find_repeats_for_application"]

MAX_CANDIDATES = 500
SAME_BY_ID = "证件号码"
SAME_BY_NAME_PHONE = "姓名和电话"


def _normalise_phone(phone: str | None) -> str:
    folded = unicodedata.normalize("NFKC", phone or "")
    return "".join(folded.split()).replace("-", "")


def _stored_phone() -> ColumnElement[Any]:
    phone = json_text(Application.applicant_snapshot, "phone")
    return func.replace(func.replace(phone, "-", ""), " ", "")


def _day() -> ColumnElement[Any]:
    """The day an application was received; the arrival day while its receipt is not yet confirmed."""
    return func.coalesce(Application.receipt_date, func.date(Application.arrived_at))


def _label(enum: type[StrEnum], value: str | None) -> str:
    if not value:
        return ""
    try:
        return enum(value).label  # type: ignore[attr-defined]
    except ValueError:
        return value


def _find(
    ctx: ServiceContext,
    *,
    id_number: str | None,
    name: str,
    phone: str,
    content: str,
    exclude_application_id: int | None,
    received_by: date | None,
    threshold: int,
    limit: int,
) -> list[RepeatMatch]:
    number = normalise_number(id_number or "")
    name = (name or "").strip()
    phone = _normalise_phone(phone)
    same: list[ColumnElement[bool]] = []
    if number:
        same.append(Application.applicant_id_number == number)
    if name and phone:
        by_contact = and_(Application.applicant_name == name, _stored_phone() == phone)
        if number:  # a different document number is a different person
            by_contact = and_(
                by_contact, or_(Application.applicant_id_number.is_(None), Application.applicant_id_number == "")
            )
        same.append(by_contact)
    if not same or limit <= 0:
        return []
    query = select(
        Application.id,
        Application.reg_number,
        Application.receipt_date,
        Application.content,
        Application.outcome,
        Application.status,
        Application.applicant_id_number,
    ).where(or_(*same), Application.status != Status.VOIDED.value)
    if exclude_application_id is not None:
        query = query.where(Application.id != exclude_application_id)
    if received_by is not None:
        query = query.where(_day() <= received_by)
    query = query.order_by(_day().desc(), Application.id.desc()).limit(MAX_CANDIDATES)
    with ctx.db.session_scope() as s:
        rows = s.execute(query).all()
    earlier = [
        EarlierApplication(
            id=r.id,
            reg_number=r.reg_number,
            receipt_date=r.receipt_date,
            content=r.content or "",
            outcome_label=_label(Outcome, r.outcome),
            status_label=_label(Status, r.status),
            same_by=SAME_BY_ID if number and r.applicant_id_number == number else SAME_BY_NAME_PHONE,
        )
        for r in rows
    ]
    return rank_repeats(content, earlier, threshold=threshold, limit=limit)


def find_repeats(
    ctx: ServiceContext,
    *,
    id_number: str | None,
    name: str,
    phone: str,
    content: str,
    exclude_application_id: int | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
) -> list[RepeatMatch]:
    """The applicant's earlier applications whose content resembles *content*, most similar first.

    Used while registering (nothing stored yet): the newest :data:`MAX_CANDIDATES` applications of the same
    applicant (see the module docstring), except voided ones and *exclude_application_id*, are ranked by
    :func:`app.domain.similarity.rank_repeats`.
    """
    return _find(
        ctx,
        id_number=id_number,
        name=name,
        phone=phone,
        content=content,
        exclude_application_id=exclude_application_id,
        received_by=None,
        threshold=threshold,
        limit=limit,
    )


def find_repeats_for_application(
    ctx: ServiceContext,
    application_id: int,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
) -> list[RepeatMatch]:
    """:func:`find_repeats` for a stored application: its applicant's applications received on or before it.

    The day compared is the receipt date (the arrival day while a receipt is unconfirmed); the application
    itself is left out. Raises :class:`NotFound` for an unknown id.
    """
    with ctx.db.session_scope() as s:
        app = s.get(Application, application_id)
        if app is None:
            raise NotFound("找不到该申请")
        id_number = app.applicant_id_number
        name = app.applicant_name
        phone = str((app.applicant_snapshot or {}).get("phone") or "")
        content = app.content
        received_by = app.receipt_date or app.arrived_at.date()
    return _find(
        ctx,
        id_number=id_number,
        name=name,
        phone=phone,
        content=content,
        exclude_application_id=application_id,
        received_by=received_by,
        threshold=threshold,
        limit=limit,
    )

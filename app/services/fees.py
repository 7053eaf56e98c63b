"""Use cases of 信息处理费: count an applicant's applications in a month and quote the fee of one application.

The rules themselves live in :mod:`app.domain.fees` (《政府信息公开条例》第四十二条, 国办函〔2020〕109号). This
module only finds the numbers they need in the register: for 按件计收, the application's ordinal among the
same applicant's applications received in the same calendar month.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.domain.codes import Status
from app.domain.fees import DEFAULT_PAYMENT_DAYS, FeeQuote, FeeScheme, quote
from app.domain.identity import normalise_number
from app.services.context import ServiceContext
from app.services.errors import NotFound, ValidationError
from app.store.models import Application
from app.store.sqlfunc import json_text

__all__ = ["applications_in_month", "fee_quote_for_application"]


def _legal_day() -> ColumnElement[date]:
    """The receipt date (Art. 31), or the day it arrived while receipt is not yet confirmed."""
    return func.coalesce(
        Application.receipt_date, func.date(Application.arrived_at), type_=Application.receipt_date.type
    )


def _month_bounds(on: date) -> tuple[date, date]:
    first = on.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def _same_applicant(id_number: str | None, name: str, phone: str) -> ColumnElement[bool]:
    number = normalise_number(id_number or "")
    if number:
        return Application.applicant_id_number == number
    stored_phone = func.coalesce(json_text(Application.applicant_snapshot, "phone"), "")
    return and_(Application.applicant_name == (name or "").strip(), stored_phone == (phone or "").strip())


def _count_in_month(
    s: Session, id_number: str | None, name: str, phone: str, on: date, up_to_application_id: int | None
) -> int:
    day = _legal_day()
    first, following = _month_bounds(on)
    conditions: list[ColumnElement[bool]] = [
        _same_applicant(id_number, name, phone),
        day >= first,
        day < following,
        Application.status != Status.VOIDED.value,
    ]
    if up_to_application_id is not None:
        target_day = s.execute(select(day).where(Application.id == up_to_application_id)).scalar_one_or_none()
        if target_day is None:
            raise NotFound("找不到该申请")
        conditions.append(or_(day < target_day, and_(day == target_day, Application.id <= up_to_application_id)))
    return int(s.scalar(select(func.count(Application.id)).where(*conditions)) or 0)


def applications_in_month(
    ctx: ServiceContext,
    applicant_id_number: str | None,
    applicant_name: str,
    phone: str,
    on: date,
    *,
    up_to_application_id: int | None = None,
) -> int:
    """How many applications the applicant has in the calendar month of *on* (按件计收, 国办函〔2020〕109号).

    An application belongs to the month of its receipt date (《政府信息公开条例》第三十一条), or of the day it
    arrived while receipt is not yet confirmed; voided applications do not count. The applicant is identified
    by the normalised ID number when one is given, else by name plus the phone given with the application.
    With *up_to_application_id*, only applications up to and including that one (by receipt/arrival date, then
    registration id) count, so that the result is that application's stable ordinal in its month.
    """
    with ctx.db.session_scope() as s:
        return _count_in_month(s, applicant_id_number, applicant_name, phone, on, up_to_application_id)


def fee_quote_for_application(
    ctx: ServiceContext,
    application_id: int,
    scheme: FeeScheme,
    pages: int | None = None,
    *,
    waived: bool = False,
    waiver_reason: str = "",
) -> FeeQuote:
    """The fee of one registered application under *scheme* (《政府信息公开条例》第四十二条, 国办函〔2020〕109号).

    按件计收 uses the application's ordinal among the applicant's applications of its calendar month, found in
    the register; 按量计收 uses *pages*. A waiver (减免) needs a reason. Raises :class:`NotFound` for an
    unknown application and :class:`ValidationError` (Chinese) for a voided application, missing or invalid
    pages, or a waiver without a reason.
    """
    try:
        kind = FeeScheme(scheme)
    except ValueError:
        raise ValidationError([f"未知的收费方式：{scheme}"]) from None
    payment_days = int(ctx.setting("fee_payment_days") or DEFAULT_PAYMENT_DAYS)
    with ctx.db.session_scope() as s:
        app = s.get(Application, application_id)
        if app is None:
            raise NotFound("找不到该申请")
        if app.status == Status.VOIDED.value:
            raise ValidationError(["该申请已作废，不计算信息处理费"])
        if kind is FeeScheme.PER_APPLICATION:
            on = app.receipt_date or app.arrived_at.date()
            phone = str((app.applicant_snapshot or {}).get("phone") or "")
            quantity = _count_in_month(s, app.applicant_id_number, app.applicant_name, phone, on, app.id)
        elif pages is None:
            raise ValidationError(["请填写页数"])
        else:
            quantity = pages
    try:
        return quote(kind, quantity, waived=waived, waiver_reason=waiver_reason, payment_days=payment_days)
    except ValueError as exc:
        raise ValidationError([str(exc)]) from None

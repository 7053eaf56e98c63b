"""The register (申请台账): filtering and sorting in SQL, rows fetched on demand.

Built for 100,000 applications: :func:`query_ids` returns only the ordered ids that match (one indexed
query), and :func:`fetch_rows` loads the handful of rows the table is showing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select

from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome, Status
from app.domain.deadlines import days_left as working_days_left
from app.domain.identity import mask_number
from app.domain.procedure import CorrectionRequested, payload_of
from app.services.context import ServiceContext
from app.store.models import Application, Event


class StatusFilter(StrEnum):
    ALL = "all"
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    AWAITING = "awaiting"
    CORRECTION = "correction"
    CLOSED = "closed"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return {
            StatusFilter.ALL: "全部状态",
            StatusFilter.OPEN: "未办结",
            StatusFilter.DUE_SOON: "即将到期",
            StatusFilter.OVERDUE: "已超期",
            StatusFilter.PAUSED: "暂停计时",
            StatusFilter.AWAITING: "待确认收到",
            StatusFilter.CORRECTION: "待补正",
            StatusFilter.CLOSED: "已办结",
            StatusFilter.VOIDED: "已作废",
        }[self]


class SortKey(StrEnum):
    NUMBER = "number"
    RECEIPT = "receipt"
    CHANNEL = "channel"
    APPLICANT = "applicant"
    KIND = "kind"
    CONTENT = "content"
    STATUS = "status"
    DUE = "due"


@dataclass(frozen=True)
class RegisterFilter:
    text: str = ""
    year: int | None = None
    status: StatusFilter = StatusFilter.ALL
    kind: ApplicantKind | None = None


@dataclass(frozen=True)
class RegisterRow:
    id: int
    reg_number: str
    receipt_date: date | None
    arrived_on: date
    channel: Channel
    applicant_name: str
    masked_id: str
    applicant_kind: ApplicantKind
    content: str
    status: Status
    outcome: Outcome | None
    reply_due: date | None
    closed_on: date | None
    days_left: int | None  # working days; negative = overdue by
    provisional: bool
    correction_deadline: date | None = None  # the applicant's deadline while 待补正 (dashboard only)


#: Still to be handled: neither closed nor voided (a voided registration is in no deadline list, docs/rules.md §5).
_OPEN = Application.status.not_in([Status.CLOSED.value, Status.VOIDED.value])


def _sort_column(key: SortKey) -> Sequence[ColumnElement]:
    return {
        SortKey.NUMBER: [Application.year, Application.seq],
        SortKey.RECEIPT: [func.coalesce(Application.receipt_date, func.date(Application.arrived_at))],
        SortKey.CHANNEL: [Application.channel],
        SortKey.APPLICANT: [Application.applicant_name],
        SortKey.KIND: [Application.applicant_kind],
        SortKey.CONTENT: [Application.content],
        SortKey.STATUS: [Application.status],
        SortKey.DUE: [Application.reply_due.is_(None), Application.reply_due],
    }[key]


def due_soon_limit(ctx: ServiceContext, today: date) -> date:
    """The last date that counts as "due soon": the N-th working day after today (setting, default 3)."""
    n = ctx.int_setting("due_soon_days")
    return ctx.calendar().add_working_days(today, n)


def _where(ctx: ServiceContext, f: RegisterFilter, today: date) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if f.year is not None:
        clauses.append(Application.year == f.year)
    if f.kind is not None:
        clauses.append(Application.applicant_kind == f.kind.value)
    match f.status:
        case StatusFilter.OPEN:
            clauses.append(_OPEN)
        case StatusFilter.DUE_SOON:
            clauses.append(
                and_(_OPEN, Application.reply_due >= today, Application.reply_due <= due_soon_limit(ctx, today))
            )
        case StatusFilter.OVERDUE:
            clauses.append(and_(_OPEN, Application.reply_due < today))
        case StatusFilter.PAUSED:
            clauses.append(Application.status == Status.PAUSED.value)
        case StatusFilter.AWAITING:
            clauses.append(Application.status == Status.AWAITING_CONFIRMATION.value)
        case StatusFilter.CORRECTION:
            clauses.append(Application.status == Status.AWAITING_CORRECTION.value)
        case StatusFilter.CLOSED:
            clauses.append(Application.status == Status.CLOSED.value)
        case StatusFilter.VOIDED:
            clauses.append(Application.status == Status.VOIDED.value)
    for word in f.text.split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        clauses.append(
            or_(
                Application.reg_number.like(like, escape="\\"),
                Application.applicant_name.like(like, escape="\\"),
                Application.content.like(like, escape="\\"),
                Application.applicant_id_number.like(like, escape="\\"),
            )
        )
    return clauses


def query_ids(
    ctx: ServiceContext, f: RegisterFilter, sort: SortKey = SortKey.NUMBER, descending: bool = True
) -> list[int]:
    """Ids of the matching applications in display order (ties broken by id, never left to SQLite)."""
    today = ctx.today()
    cols = _sort_column(sort)
    order = [c.desc() if descending and not _is_nulls_flag(c) else c for c in cols]
    if sort is not SortKey.NUMBER:  # (year, seq) is unique: no tie to break, and the index serves the sort
        order.append(Application.id.desc() if descending else Application.id)
    stmt = select(Application.id).where(*_where(ctx, f, today)).order_by(*order)
    with ctx.db.session_scope() as s:
        return list(s.scalars(stmt))


def _is_nulls_flag(col: ColumnElement) -> bool:
    return " IS NULL" in str(col)


def count(ctx: ServiceContext, f: RegisterFilter) -> int:
    with ctx.db.session_scope() as s:
        return s.scalar(select(func.count(Application.id)).where(*_where(ctx, f, ctx.today()))) or 0


def fetch_rows(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, RegisterRow]:
    """The register rows for *ids* (any order), with days left computed on the working-day calendar."""
    if not ids:
        return {}
    cal = ctx.calendar()
    today = ctx.today()
    cols = (
        Application.id,
        Application.reg_number,
        Application.receipt_date,
        Application.arrived_at,
        Application.channel,
        Application.applicant_name,
        Application.applicant_id_number,
        Application.applicant_kind,
        Application.content,
        Application.status,
        Application.outcome,
        Application.reply_due,
        Application.closed_on,
    )
    out: dict[int, RegisterRow] = {}
    left_by_due: dict[date, int] = {}  # many rows share a due date
    with ctx.db.session_scope() as s:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for r in s.execute(select(*cols).where(Application.id.in_(chunk))):
                status = Status(r.status)
                days_left = None
                if r.reply_due is not None and status not in (Status.CLOSED, Status.VOIDED):
                    if r.reply_due not in left_by_due:
                        left_by_due[r.reply_due] = working_days_left(cal, today, r.reply_due)
                    days_left = left_by_due[r.reply_due]
                out[r.id] = RegisterRow(
                    id=r.id,
                    reg_number=r.reg_number,
                    receipt_date=r.receipt_date,
                    arrived_on=r.arrived_at.date(),
                    channel=Channel(r.channel),
                    applicant_name=r.applicant_name,
                    masked_id=mask_number(r.applicant_id_number or ""),
                    applicant_kind=ApplicantKind(r.applicant_kind),
                    content=r.content,
                    status=status,
                    outcome=Outcome(r.outcome) if r.outcome else None,
                    reply_due=r.reply_due,
                    closed_on=r.closed_on,
                    days_left=days_left,
                    provisional=r.reply_due is not None and not cal.is_date_confirmed(r.reply_due),
                )
    return out


def years(ctx: ServiceContext) -> list[int]:
    """Registration years present, newest first (for the year filter)."""
    with ctx.db.session_scope() as s:
        return list(s.scalars(select(Application.year).distinct().order_by(Application.year.desc())))


@dataclass(frozen=True)
class Dashboard:
    open: int
    overdue: int
    due_soon: int
    paused: int
    awaiting: int
    correction: int
    received_this_year: int
    closed_this_year: int
    upcoming: list[RegisterRow]


def dashboard(ctx: ServiceContext) -> Dashboard:
    """The 工作台 figures: what needs the clerk's attention today."""
    today = ctx.today()
    with ctx.db.session_scope() as s:

        def n(*where: ColumnElement[bool]) -> int:
            return s.scalar(select(func.count(Application.id)).where(*where)) or 0

        soon = due_soon_limit(ctx, today)
        first = date(today.year, 1, 1)
        counts = dict(
            open=n(_OPEN),
            overdue=n(_OPEN, Application.reply_due < today),
            due_soon=n(_OPEN, Application.reply_due >= today, Application.reply_due <= soon),
            paused=n(Application.status == Status.PAUSED.value),
            awaiting=n(Application.status == Status.AWAITING_CONFIRMATION.value),
            correction=n(Application.status == Status.AWAITING_CORRECTION.value),
            received_this_year=n(Application.receipt_date >= first, Application.receipt_date <= today),
            closed_this_year=n(Application.closed_on >= first, Application.closed_on < first + timedelta(days=366)),
        )
        upcoming_ids = list(
            s.scalars(
                select(Application.id)
                .where(_OPEN, Application.reply_due.is_not(None))
                .order_by(Application.reply_due, Application.id)
                .limit(15)
            )
        )
        awaiting_ids = list(
            s.scalars(
                select(Application.id)
                .where(
                    Application.status.in_(
                        [
                            Status.AWAITING_CONFIRMATION.value,
                            Status.PAUSED.value,
                            Status.AWAITING_CORRECTION.value,
                        ]
                    )
                )
                .order_by(Application.id)
                .limit(10)
            )
        )
    shown = list(dict.fromkeys(upcoming_ids + awaiting_ids))  # a case can be in both lists: show it once
    rows = fetch_rows(ctx, shown)
    waiting = [i for i in shown if i in rows and rows[i].status is Status.AWAITING_CORRECTION]
    if waiting:
        with ctx.db.session_scope() as s:
            for app_id, data in s.execute(
                select(Event.application_id, Event.data)
                .where(Event.application_id.in_(waiting), Event.kind == EventKind.CORRECTION_REQUESTED.value)
                .order_by(Event.application_id, Event.event_date, Event.id)
            ):
                notice = payload_of(EventKind.CORRECTION_REQUESTED, data)
                if isinstance(notice, CorrectionRequested) and notice.deadline is not None:
                    rows[app_id] = replace(rows[app_id], correction_deadline=notice.deadline)
    return Dashboard(upcoming=[rows[i] for i in shown if i in rows], **counts)

"""The register (申请台账): filtering and sorting in SQL, rows fetched on demand.

Built for 100,000 applications: :func:`query_ids` returns only the ordered ids that match (one indexed
query), and :func:`fetch_rows` loads the handful of rows the table is showing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select

from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome, Status
from app.domain.deadlines import CORRECTION_NOTICE_DAYS
from app.domain.deadlines import days_left as working_days_left
from app.domain.identity import mask_number
from app.domain.procedure import END_OF
from app.services.context import ServiceContext
from app.store.models import Application, Event


class StatusFilter(StrEnum):
    """The register's status filter; the 工作台's tiles and lists open the register on the matching one."""

    ALL = "all"
    OPEN = "open"
    RECEIVED_TODAY = "received_today"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    EXTENSION_WINDOW = "extension_window"
    CORRECTION_NOTICE = "correction_notice"
    CORRECTION = "correction"
    CONSULTING = "consulting"
    FEE_DUE = "fee_due"
    PAUSED = "paused"
    AWAITING = "awaiting"
    UNSERVED = "unserved"
    CLOSED = "closed"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return {
            StatusFilter.ALL: "全部状态",
            StatusFilter.OPEN: "未办结",
            StatusFilter.RECEIVED_TODAY: "今日收到",
            StatusFilter.DUE_TODAY: "今天到期",
            StatusFilter.DUE_SOON: "即将到期",
            StatusFilter.OVERDUE: "已超期",
            StatusFilter.EXTENSION_WINDOW: "临近答复期限、未延期",
            StatusFilter.CORRECTION_NOTICE: "补正告知期限临近",
            StatusFilter.CORRECTION: "待补正",
            StatusFilter.CONSULTING: "征求意见中",
            StatusFilter.FEE_DUE: "待缴费",
            StatusFilter.PAUSED: "暂停计时",
            StatusFilter.AWAITING: "待确认收到",
            StatusFilter.UNSERVED: "答复待送达",
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
    ids: tuple[int, ...] | None = None  # only these applications (the cases behind a cell of the annual report)


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


#: Still to be handled: neither closed nor voided (a voided registration is in no deadline list, docs/rules.md §5).
#: Spelled as IN (…) rather than NOT IN so that SQLite looks the few open cases up in the status index.
OPEN_STATUSES = tuple(s.value for s in Status if s not in (Status.CLOSED, Status.VOIDED))
_OPEN = Application.status.in_(OPEN_STATUSES)
_NOT_VOIDED = Application.status != Status.VOIDED.value
#: Replies made within this many calendar days are listed while their service (送达) is not recorded.
UNSERVED_DAYS = 30
#: How far back a correction-notice limit (Art. 30) is searched for: 7 working days plus the longest holiday
#: and the "passed" window (at most 20 working days) fit easily.
_CORRECTION_LOOKBACK_DAYS = 120


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
    """The last date that counts as "due soon": the N-th working day after today (setting, default 3; 0 = today)."""
    n = ctx.int_setting("due_soon_days")
    return ctx.calendar().add_working_days(today, n) if n > 0 else today


def recently_passed_limit(ctx: ServiceContext, today: date) -> date:
    """The earliest date that counts as "just passed": at most N working days in (date, today] (N as above)."""
    n = ctx.int_setting("due_soon_days")
    cal = ctx.calendar()
    d, counted = today, 0
    while True:
        if cal.is_working_day(d):
            counted += 1  # the working days in (d - 1, today]
        if counted > n:
            return d
        d -= timedelta(days=1)


def correction_notice_receipts(ctx: ServiceContext, today: date) -> tuple[date, date] | None:
    """The receipt dates whose correction-notice limit (the 7th working day after receipt, Art. 30) is near or just
    passed: from :func:`recently_passed_limit` to :func:`due_soon_limit`. None when no receipt date qualifies.

    The limit grows with the receipt date, so the receipt dates that qualify are one range, found on the calendar
    here and then used as an indexed range in SQL.
    """
    cal = ctx.calendar()
    lo, hi = recently_passed_limit(ctx, today), due_soon_limit(ctx, today)
    found = [
        r
        for r in (today - timedelta(days=k) for k in range(_CORRECTION_LOOKBACK_DAYS))
        if lo <= cal.add_working_days(r, CORRECTION_NOTICE_DAYS) <= hi
    ]
    return (min(found), max(found)) if found else None


def _event_count(kind: EventKind) -> ColumnElement[int]:
    """How many events of *kind* the application has (looked up through its events index)."""
    return (
        select(func.count(Event.id))
        .where(Event.application_id == Application.id, Event.kind == kind.value)
        .correlate(Application)
        .scalar_subquery()
    )


def _has_event(kind: EventKind) -> ColumnElement[bool]:
    return exists().where(Event.application_id == Application.id, Event.kind == kind.value)


def _pause_open(start: EventKind) -> ColumnElement[bool]:
    """A pause of this kind is open: more starts than ends (one at a time of each kind, docs/rules.md §13)."""
    return _event_count(start) > _event_count(END_OF[start])


#: Only these statuses can have an open pause (a pause suspends the clock unless a correction is awaited).
_MAY_BE_PAUSED = Application.status.in_([Status.PAUSED.value, Status.AWAITING_CORRECTION.value])


def replied_since(since: date) -> ColumnElement[bool]:
    """Closed by a reply (作出答复) dated *since* or later.

    Driven by the events index on ``recorded_at``: an event is never recorded before its own date (no step may
    be dated after today), so every reply dated *since* or later was recorded since then too. A replied case is
    closed and can no longer be voided; the status test only keeps SQLite on the primary key.
    """
    replies = select(Event.application_id).where(
        Event.recorded_at >= datetime.combine(since, time.min),
        Event.kind == EventKind.DECIDED.value,
        Event.event_date >= since,
    )
    return and_(Application.id.in_(replies), _NOT_VOIDED)


def conditions(ctx: ServiceContext, f: RegisterFilter, today: date) -> list[ColumnElement[bool]]:
    """The WHERE clauses of filter *f* on *today* (the 工作台 counts and lists with the very same ones)."""
    clauses: list[ColumnElement[bool]] = []
    if f.year is not None:
        clauses.append(Application.year == f.year)
    if f.kind is not None:
        clauses.append(Application.applicant_kind == f.kind.value)
    if f.ids is not None:  # one bound JSON array, however many ids (SQLite limits the number of parameters)
        chosen = func.json_each(json.dumps(list(f.ids))).table_valued("value")
        clauses.append(Application.id.in_(select(chosen.c.value)))
    match f.status:
        case StatusFilter.OPEN:
            clauses.append(_OPEN)
        case StatusFilter.RECEIVED_TODAY:
            clauses.append(and_(Application.receipt_date == today, _NOT_VOIDED))
        case StatusFilter.DUE_TODAY:
            clauses.append(and_(_OPEN, Application.reply_due == today))
        case StatusFilter.DUE_SOON:
            clauses.append(
                and_(_OPEN, Application.reply_due >= today, Application.reply_due <= due_soon_limit(ctx, today))
            )
        case StatusFilter.OVERDUE:
            clauses.append(and_(_OPEN, Application.reply_due < today))
        case StatusFilter.EXTENSION_WINDOW:
            # not yet extended (an extended case is 已延期) and the unextended due date near (Art. 33 ¶2)
            clauses.append(
                and_(
                    Application.status == Status.IN_PROGRESS.value,
                    Application.reply_due >= today,
                    Application.reply_due <= due_soon_limit(ctx, today),
                )
            )
        case StatusFilter.CORRECTION_NOTICE:
            window = correction_notice_receipts(ctx, today)
            if window is None:
                clauses.append(false())
            else:
                clauses.append(
                    and_(
                        Application.status.in_([Status.IN_PROGRESS.value, Status.PAUSED.value, Status.EXTENDED.value]),
                        Application.receipt_date >= window[0],
                        Application.receipt_date <= window[1],
                        ~_has_event(EventKind.CORRECTION_REQUESTED),
                    )
                )
        case StatusFilter.CONSULTING:
            clauses.append(
                and_(
                    _MAY_BE_PAUSED,
                    or_(
                        _pause_open(EventKind.THIRD_PARTY_CONSULTATION_STARTED),
                        _pause_open(EventKind.AGENCY_CONSULTATION_STARTED),
                    ),
                )
            )
        case StatusFilter.FEE_DUE:
            clauses.append(and_(_MAY_BE_PAUSED, _pause_open(EventKind.FEE_NOTICE_SENT)))
        case StatusFilter.PAUSED:
            clauses.append(Application.status == Status.PAUSED.value)
        case StatusFilter.AWAITING:
            clauses.append(Application.status == Status.AWAITING_CONFIRMATION.value)
        case StatusFilter.CORRECTION:
            clauses.append(Application.status == Status.AWAITING_CORRECTION.value)
        case StatusFilter.UNSERVED:
            since = today - timedelta(days=UNSERVED_DAYS)
            clauses.append(and_(replied_since(since), ~_has_event(EventKind.SERVED)))
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
    stmt = select(Application.id).where(*conditions(ctx, f, today)).order_by(*order)
    with ctx.db.session_scope() as s:
        return list(s.scalars(stmt))


def _is_nulls_flag(col: ColumnElement) -> bool:
    return " IS NULL" in str(col)


def count(ctx: ServiceContext, f: RegisterFilter) -> int:
    with ctx.db.session_scope() as s:
        return s.scalar(select(func.count(Application.id)).where(*conditions(ctx, f, ctx.today()))) or 0


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

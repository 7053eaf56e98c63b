"""工作台: what the clerk works through each morning, and the year's running totals (docs/rules.md §3–§6, §13).

Every work list is one of the register's filters (:class:`~app.services.register.StatusFilter`) with the very
same WHERE clauses (:func:`~app.services.register.conditions`), so its count is the register's count and
"还有 N 件" opens the register on exactly the rest. Built for 100,000 applications: everything is counted and
ordered in SQL through the indexes on the derived columns (status, reply_due, receipt_date) and on the events
of one application. Only the few cases with a pause or a correction outstanding — which the status index finds —
are worked out one by one from their events (:func:`app.domain.procedure.situation_of`), because the dates that
matter for them (a consultation's 15th working day, the fee payment period, the applicant's correction deadline)
live in the events. Voided registrations are in no list and no figure (docs/rules.md §5).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome, Status
from app.domain.deadlines import CORRECTION_NOTICE_DAYS, PauseKind
from app.domain.deadlines import days_left as working_days_left
from app.domain.procedure import (
    PAUSE_STARTS,
    ConsultationStarted,
    FeeNotice,
    ProcedureError,
    Recorded,
    Situation,
    situation_of,
)
from app.domain.workcalendar import WorkCalendar
from app.services.context import ServiceContext
from app.services.register import RegisterFilter, StatusFilter, conditions
from app.store.models import Application, Event
from app.store.sqlfunc import year_month_of

#: Rows shown per list; the rest are one click away in the register ("还有 N 件").
LIST_LIMIT = 8

#: The lists of the 工作台, most pressing first.
WORK_LISTS: tuple[StatusFilter, ...] = (
    StatusFilter.OVERDUE,
    StatusFilter.DUE_SOON,
    StatusFilter.EXTENSION_WINDOW,
    StatusFilter.CORRECTION_NOTICE,
    StatusFilter.CONSULTING,
    StatusFilter.FEE_DUE,
    StatusFilter.CORRECTION,
    StatusFilter.UNSERVED,
    StatusFilter.AWAITING,
    StatusFilter.RECEIVED_TODAY,
)

#: Lists whose dates come from the events: worked out case by case (few cases, found through the status index).
_FROM_EVENTS = (StatusFilter.CONSULTING, StatusFilter.FEE_DUE, StatusFilter.CORRECTION)

#: Situations worked out from the events, by (application, its events' count and last id, dates, fee period,
#: calendar): a refresh of the 工作台 only works out the cases whose events changed since.
_SITUATIONS: dict[tuple, Situation | None] = {}
_SITUATIONS_KEPT = 5000

#: Counted for a tile only.
_TILE_ONLY = (StatusFilter.DUE_TODAY, StatusFilter.OPEN)

#: The order of the other lists in SQL: by the column the date that matters grows with.
_ORDER: dict[StatusFilter, ColumnElement] = {
    StatusFilter.OVERDUE: Application.reply_due,
    StatusFilter.DUE_SOON: Application.reply_due,
    StatusFilter.EXTENSION_WINDOW: Application.reply_due,
    StatusFilter.CORRECTION_NOTICE: Application.receipt_date,  # the limit is the 7th working day after it
    StatusFilter.UNSERVED: Application.closed_on,
    StatusFilter.AWAITING: Application.arrived_at,
    StatusFilter.RECEIVED_TODAY: Application.id,  # registration order
}


class OutcomeGroup(StrEnum):
    """The six groups of outcomes: the headings 三(一) … 三(六) of annual-report table 三 (docs/rules.md §5)."""

    DISCLOSED = "三(一)"
    PARTIAL = "三(二)"
    WITHHELD = "三(三)"
    UNAVAILABLE = "三(四)"
    NOT_PROCESSED = "三(五)"
    OTHER = "三(六)"

    @property
    def label(self) -> str:
        return {
            OutcomeGroup.DISCLOSED: "予以公开",
            OutcomeGroup.PARTIAL: "部分公开",
            OutcomeGroup.WITHHELD: "不予公开",
            OutcomeGroup.UNAVAILABLE: "无法提供",
            OutcomeGroup.NOT_PROCESSED: "不予处理",
            OutcomeGroup.OTHER: "其他处理",
        }[self]

    @classmethod
    def of(cls, outcome: Outcome) -> OutcomeGroup:
        row = outcome.info.report_row  # "三(三)5"
        return cls(row[: row.index(")") + 1])


@dataclass(frozen=True)
class WorkItem:
    """One row of a work list: the case, the date that matters for this list, and what the wording needs."""

    id: int
    reg_number: str
    applicant_name: str
    content: str
    status: Status
    channel: Channel
    day: date | None  # the date that matters (see the list's key)
    days_left: int | None  # working days in (today, day]; 0 = today; negative = passed by that many (at least 1)
    provisional: bool  # the date falls where the holiday schedule is not yet confirmed
    pause: PauseKind | None = None  # 征求意见: whose opinion
    party: str = ""  # 征求意见: to whom the letter went
    amount_yuan: int | None = None  # 待缴费: the amount of the fee notice
    outcome: Outcome | None = None  # 答复待送达: the reply's outcome


@dataclass(frozen=True)
class WorkList:
    key: StatusFilter
    items: tuple[WorkItem, ...]
    total: int

    @property
    def more(self) -> int:
        """How many are not shown (the register shows them under the same filter)."""
        return self.total - len(self.items)


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    count: int


@dataclass(frozen=True)
class Board:
    today: date
    due_soon_days: int
    received_today: int
    due_today: int
    due_soon: int  # within the N working days, today included
    overdue: int
    awaiting: int
    open: int
    lists: Mapping[StatusFilter, WorkList]  # in the order of WORK_LISTS
    year: int
    received_by_kind: Mapping[ApplicantKind, int]  # received this year (legal receipt date, docs/rules.md §6 一)
    closed_by_group: Mapping[OutcomeGroup, int]  # closed this year (docs/rules.md §6 三)
    months: tuple[MonthCount, ...]  # received per month, the last 12 months, oldest first

    @property
    def received_this_year(self) -> int:
        return sum(self.received_by_kind.values())

    @property
    def closed_this_year(self) -> int:
        return sum(self.closed_by_group.values())


def board(ctx: ServiceContext) -> Board:
    """Everything the 工作台 shows, read in one transaction (one consistent picture)."""
    with ctx.settings_read_once():
        return _board(ctx)


def _board(ctx: ServiceContext) -> Board:
    today = ctx.today()
    cal = ctx.calendar()
    fee_days = ctx.int_setting("fee_payment_days")
    soon_days = ctx.int_setting("due_soon_days")
    where = {key: conditions(ctx, RegisterFilter(status=key), today) for key in (*WORK_LISTS, *_TILE_ONLY)}
    with ctx.db.session_scope() as s:
        lists: dict[StatusFilter, WorkList] = {}
        for key in WORK_LISTS:
            if key not in _FROM_EVENTS:
                lists[key] = _sql_list(s, key, where[key], cal, today)
        lists.update(_event_lists(s, {k: where[k] for k in _FROM_EVENTS}, cal, today, fee_days))
        counts = {key: _count(s, where[key]) for key in _TILE_ONLY}
        year = today.year
        return Board(
            today=today,
            due_soon_days=soon_days,
            received_today=lists[StatusFilter.RECEIVED_TODAY].total,
            due_today=counts[StatusFilter.DUE_TODAY],
            due_soon=lists[StatusFilter.DUE_SOON].total,
            overdue=lists[StatusFilter.OVERDUE].total,
            awaiting=lists[StatusFilter.AWAITING].total,
            open=counts[StatusFilter.OPEN],
            lists={key: lists[key] for key in WORK_LISTS},
            year=year,
            received_by_kind=_received_by_kind(s, year),
            closed_by_group=_closed_by_group(s, year),
            months=_months(s, today),
        )


def _count(s: Session, where: Sequence[ColumnElement[bool]]) -> int:
    return s.scalar(select(func.count(Application.id)).where(*where)) or 0


_ROW_COLUMNS = (
    Application.id,
    Application.reg_number,
    Application.applicant_name,
    Application.content,
    Application.status,
    Application.channel,
    Application.arrived_at,
    Application.receipt_date,
    Application.reply_due,
    Application.closed_on,
    Application.outcome,
)


def _item(r, day: date | None, cal: WorkCalendar, today: date, **extra) -> WorkItem:  # r: a row of _ROW_COLUMNS
    return WorkItem(
        id=r.id,
        reg_number=r.reg_number,
        applicant_name=r.applicant_name,
        content=" ".join(r.content.split()),
        status=Status(r.status),
        channel=Channel(r.channel),
        day=day,
        days_left=None if day is None else working_days_left(cal, today, day),
        provisional=day is not None and not cal.is_date_confirmed(day),
        **extra,
    )


def _sql_list(
    s: Session, key: StatusFilter, where: Sequence[ColumnElement[bool]], cal: WorkCalendar, today: date
) -> WorkList:
    rows = s.execute(select(*_ROW_COLUMNS).where(*where).order_by(_ORDER[key], Application.id).limit(LIST_LIMIT)).all()
    total = len(rows) if len(rows) < LIST_LIMIT else _count(s, where)
    items = []
    for r in rows:
        extra = {}
        match key:
            case StatusFilter.CORRECTION_NOTICE:
                day = cal.add_working_days(r.receipt_date, CORRECTION_NOTICE_DAYS)  # Deadlines.correction_notice_due
            case StatusFilter.UNSERVED:
                day = r.closed_on
                extra["outcome"] = Outcome(r.outcome) if r.outcome else None
            case StatusFilter.AWAITING:
                day = r.arrived_at.date()
            case _:
                day = r.reply_due
        items.append(_item(r, day, cal, today, **extra))
    return WorkList(key, tuple(items), total)


def _event_lists(
    s: Session,
    where: Mapping[StatusFilter, Sequence[ColumnElement[bool]]],
    cal: WorkCalendar,
    today: date,
    fee_days: int,
) -> dict[StatusFilter, WorkList]:
    """征求意见, 待缴费, 待补正: each case's situation from its events; sorted by the date that matters."""
    members = {
        key: list(s.scalars(select(Application.id).where(*w).order_by(Application.id))) for key, w in where.items()
    }
    ids = sorted({i for found in members.values() for i in found})
    rows = {r.id: r for r in s.execute(select(*_ROW_COLUMNS).where(Application.id.in_(ids)))} if ids else {}
    # a case's situation changes only with its events (appended, never edited), dates, calendar or fee period
    versions = (
        dict(
            (app_id, (n, last))
            for app_id, n, last in s.execute(
                select(Event.application_id, func.count(Event.id), func.max(Event.id))
                .where(Event.application_id.in_(ids))
                .group_by(Event.application_id)
                .order_by(Event.application_id)
            )
        )
        if ids
        else {}
    )
    keys = {i: (i, versions.get(i), rows[i].arrived_at, rows[i].receipt_date, fee_days, cal) for i in ids}
    situations: dict[int, Situation | None] = {i: _SITUATIONS[keys[i]] for i in ids if keys[i] in _SITUATIONS}
    missing = [i for i in ids if i not in situations]
    timelines: dict[int, list[Recorded]] = defaultdict(list)
    if missing:
        for app_id, kind, day, data, note in s.execute(
            select(Event.application_id, Event.kind, Event.event_date, Event.data, Event.note)
            .where(Event.application_id.in_(missing))
            .order_by(Event.application_id, Event.event_date, Event.id)
        ):
            timelines[app_id].append(Recorded.of(EventKind(kind), day, data, note or ""))
    for i in missing:
        try:
            situations[i] = situation_of(
                rows[i].arrived_at.date(), rows[i].receipt_date, timelines[i], cal, fee_payment_days=fee_days
            )
        except ProcedureError:  # contradictory events: listed without a date; the case view explains
            situations[i] = None
        _SITUATIONS[keys[i]] = situations[i]
    while len(_SITUATIONS) > _SITUATIONS_KEPT:
        _SITUATIONS.pop(next(iter(_SITUATIONS)))
    out: dict[StatusFilter, WorkList] = {}
    for key, found in members.items():
        items = [_situation_item(key, rows[i], situations[i], cal, today) for i in found]
        items.sort(key=lambda it: (it.day is None, it.day or date.max, it.id))
        out[key] = WorkList(key, tuple(items[:LIST_LIMIT]), len(items))
    return out


def _situation_item(key: StatusFilter, r, sit: Situation | None, cal: WorkCalendar, today: date) -> WorkItem:
    if sit is None:
        return _item(r, None, cal, today)
    if key is StatusFilter.CONSULTING:
        pauses = sorted(
            (p for p in sit.open_pauses if p.kind.is_consultation), key=lambda p: (p.lapses_on or date.max, p.start)
        )
        if not pauses:
            return _item(r, None, cal, today)
        first = pauses[0]
        party = next(
            (
                e.payload.party
                for e in reversed(sit.events)
                if PAUSE_STARTS.get(e.kind) is first.kind
                and e.day == first.start
                and isinstance(e.payload, ConsultationStarted)
            ),
            "",
        )
        return _item(r, first.lapses_on, cal, today, pause=first.kind, party=party)
    if key is StatusFilter.FEE_DUE:
        notice = next(
            (e.payload for e in reversed(sit.events) if isinstance(e.payload, FeeNotice)),
            None,
        )
        amount = None if notice is None else (0 if notice.waived else notice.amount_yuan)
        return _item(r, sit.fee_payment_due, cal, today, pause=PauseKind.FEE, amount_yuan=amount)
    return _item(r, sit.correction_deadline, cal, today)  # 待补正: the applicant's deadline (Art. 30)


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _received_by_kind(s: Session, year: int) -> dict[ApplicantKind, int]:
    """本年新收 by applicant kind (the legal receipt date in the year; not yet confirmed = not yet received)."""
    first, last = _year_bounds(year)
    found = dict(
        s.execute(
            select(Application.applicant_kind, func.count())  # count(*): read from the index alone on a server
            .where(
                Application.receipt_date >= first,
                Application.receipt_date <= last,
                Application.status != Status.VOIDED.value,
            )
            .group_by(Application.applicant_kind)
        ).all()
    )
    return {kind: found.get(kind.value, 0) for kind in ApplicantKind}


def _closed_by_group(s: Session, year: int) -> dict[OutcomeGroup, int]:
    """本年度办理结果 by outcome group (closed in the year; a voided registration has no closing date)."""
    first, last = _year_bounds(year)
    out = dict.fromkeys(OutcomeGroup, 0)
    for outcome, n in s.execute(
        select(Application.outcome, func.count())  # count(*): read from ix_application_closed alone on a server
        .where(Application.closed_on >= first, Application.closed_on <= last, Application.outcome.is_not(None))
        .group_by(Application.outcome)
    ):
        out[OutcomeGroup.of(Outcome(outcome))] += n
    return out


def _months(s: Session, today: date) -> tuple[MonthCount, ...]:
    """Applications received per month (legal receipt date), this month and the eleven before it.

    Counted on the receipt-date index alone; the few voided registrations (status index) are taken off after.
    """
    months = [(today.year + (today.month - 1 - k) // 12, (today.month - 1 - k) % 12 + 1) for k in range(11, -1, -1)]
    first = date(*months[0], 1)
    month = year_month_of(Application.receipt_date)
    in_range = (Application.receipt_date >= first, Application.receipt_date <= today)
    found: dict[str, int] = defaultdict(int)
    for key, n in s.execute(select(month, func.count()).where(*in_range).group_by(month)):
        found[key] += n
    voided = Application.status == Status.VOIDED.value
    for key, n in s.execute(select(month, func.count()).where(voided, *in_range).group_by(month)):
        found[key] -= n
    return tuple(MonthCount(y, m, found.get(f"{y:04d}-{m:02d}", 0)) for y, m in months)

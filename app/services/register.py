"""The register (申请台账): filtering and sorting in SQL, rows fetched on demand.

Built for 100,000 applications: :func:`first_rows` returns the first screenful of a filter and sort at once
(one query with LIMIT, served by an index), :func:`query_ids` the ordered ids of all that match, and
:func:`fetch_rows` the handful of rows the table is showing. Free text is looked up in the search index
(migration 0007, :mod:`app.domain.textsearch`) instead of scanning every row; names sort by pinyin.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    column,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome, Status
from app.domain.deadlines import CORRECTION_NOTICE_DAYS, PauseKind
from app.domain.deadlines import days_left as working_days_left
from app.domain.identity import mask_number
from app.domain.procedure import END_OF, ProcedureError, Recorded, Situation, situation_of
from app.domain.textsearch import SearchTooLong, clean_words, index_text, match_query, name_sort_key, word_grams
from app.services.context import ServiceContext
from app.store.models import Application, Event, SearchPending
from app.store.sqlfunc import ids_in, no_index

__all__ = ["SearchTooLong"]  # re-exported: the register's search-box error


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
    # While the clock stands still (暂停计时, 待补正), worked out from the case's events (situation_of):
    #: 暂停计时: the start of the earliest open pause; 待补正: the date of the pending 补正告知 (第三十条).
    paused_since: date | None = None
    #: 暂停计时: the kind of that pause; None otherwise (a correction is not a pause of the reply period).
    pause_kind: PauseKind | None = None
    #: The date to watch instead of a reply date: a consultation's answer (15th working day after the letter,
    #: 第三十二条、第三十四条), the fee payment due (国办函〔2020〕109号) or the applicant's correction deadline
    #: set in the 补正告知 (第三十条); None when the case names none.
    watch_due: date | None = None


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
        SortKey.APPLICANT: [Application.name_key],
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
        clauses.append(ids_in(Application.id, f.ids))
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
            # nearly every application ends closed: read the table in display order and skip the few open ones
            # rather than sort the whole status index (``+status`` keeps SQLite off that index; 0.5 ms, not 75)
            clauses.append(no_index(Application.status) == Status.CLOSED.value)
        case StatusFilter.VOIDED:
            clauses.append(Application.status == Status.VOIDED.value)
    if ctx.db.is_server:  # no gram index on a server: its scan reads the rows, case-folded as SQLite's LIKE does
        clauses.extend(text_conditions(f.text, use_index=False, fold_case=True))
    else:
        clauses.extend(text_conditions(f.text, common=lambda word: _is_common(ctx, word)))
    return clauses


#: A word held by more than this share of the applications is looked for by reading the rows: the index would
#: hand over most of the table, and a first screen read in display order stops after a few hundred rows.
COMMON_SHARE = 0.3


def _is_common(ctx: ServiceContext, word: str) -> bool:
    """Whether even the rarest gram of *word* is in more than :data:`COMMON_SHARE` of the applications."""
    with ctx.db.session_scope() as s:
        conn = s.connection()
        top = conn.exec_driver_sql("SELECT max(id) FROM application").scalar() or 0
        for gram in word_grams(word):
            n = conn.exec_driver_sql("SELECT doc FROM application_search_terms WHERE term = ?", (gram,)).scalar()
            if (n or 0) <= COMMON_SHARE * top:
                return False
    return True


#: At most this many names are keyed while the clerk waits for a sort by applicant (about 0.2 s).
SYNC_KEY_LIMIT = 2000

#: The search index (FTS5, migration 0007): rowid = application id; not part of the ORM models.
_SEARCH = table("application_search", column("rowid"))
_SEARCH_MATCHES = literal_column("application_search").op("MATCH")  # the table name: detail=none has no columns


def scan_condition(word: str, *, fold_case: bool = False) -> ColumnElement[bool]:
    """*word* in the number, name, ID number or content, by reading the row (``LIKE '%word%'``).

    SQLite's LIKE ignores the case of ASCII letters (an ID number's ``x`` finds ``X``); *fold_case* asks a
    server, whose LIKE does not, for the same (``ILIKE``) — only for a word holding an ASCII letter: for any
    other word the plain LIKE finds the same rows, two and a half times faster (every row is read for a rare
    word)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    cols = (Application.reg_number, Application.applicant_name, Application.content, Application.applicant_id_number)
    if fold_case and any("a" <= ch.lower() <= "z" for ch in word):
        return or_(*(c.ilike(like, escape="\\") for c in cols))
    return or_(*(c.like(like, escape="\\") for c in cols))


def text_conditions(
    text: str,
    *,
    use_index: bool = True,
    common: Callable[[str], bool] | None = None,
    fold_case: bool = False,
) -> list[ColumnElement[bool]]:
    """One clause per word of the search box: exactly the applications :func:`scan_condition` finds.

    Through the index: the applications holding the word's grams (a word of one or two characters is a gram
    itself; a longer one is then checked as a whole), plus the few not yet indexed (``search_pending``),
    which are checked as a whole. A word for which *common* says yes is looked for by reading the rows.
    Raises SearchTooLong for more words or longer words than the box takes.
    """
    clauses: list[ColumnElement[bool]] = []
    for word in clean_words(text):
        if not word:  # only control or zero-width characters: matches nothing (never everything)
            clauses.append(false())
            continue
        if not use_index or (common is not None and common(word)):
            clauses.append(scan_condition(word, fold_case=fold_case))
            continue
        indexed = select(_SEARCH.c.rowid).where(_SEARCH_MATCHES(match_query(word)))
        pending = select(SearchPending.application_id)
        if len(word) <= 2:  # the word is a gram itself: the index answers exactly
            clauses.append(
                or_(
                    and_(Application.id.in_(indexed), Application.id.not_in(pending)),
                    and_(Application.id.in_(pending), scan_condition(word)),
                )
            )
        else:
            clauses.append(and_(Application.id.in_(indexed.union(pending)), scan_condition(word)))
    return clauses


def _ordered_ids(ctx: ServiceContext, f: RegisterFilter, sort: SortKey, descending: bool) -> Select[tuple[int]]:
    cols = _sort_column(sort)
    if descending and sort is SortKey.DUE:  # NULL sorts lowest: last when descending, no flag needed (index order)
        cols = [Application.reply_due]
    order = [c.desc() if descending and not _is_nulls_flag(c) else c for c in cols]
    if sort is not SortKey.NUMBER:  # (year, seq) is unique: no tie to break, and the index serves the sort
        order.append(Application.id.desc() if descending else Application.id)
    if sort is SortKey.APPLICANT:
        # names written since the last background pass get their key first (bounded: right after an upgrade the
        # background upkeep keys the rest within a minute; until then unkeyed names sort at one end)
        key_names(ctx, SYNC_KEY_LIMIT)
    return select(Application.id).where(*conditions(ctx, f, ctx.today())).order_by(*order)


def query_ids(
    ctx: ServiceContext, f: RegisterFilter, sort: SortKey = SortKey.NUMBER, descending: bool = True
) -> list[int]:
    """Ids of the matching applications in display order (ties broken by id, never left to SQLite)."""
    stmt = _ordered_ids(ctx, f, sort, descending)
    with ctx.db.session_scope() as s:
        return [row[0] for row in s.execute(stmt)]


def first_ids(
    ctx: ServiceContext, f: RegisterFilter, sort: SortKey = SortKey.NUMBER, descending: bool = True, limit: int = 200
) -> list[int]:
    """The first *limit* ids of :func:`query_ids` — the screenful to show at once (the rest can follow)."""
    stmt = _ordered_ids(ctx, f, sort, descending).limit(limit)
    with ctx.db.session_scope() as s:
        return [row[0] for row in s.execute(stmt)]


def first_rows(
    ctx: ServiceContext, f: RegisterFilter, sort: SortKey = SortKey.NUMBER, descending: bool = True, limit: int = 200
) -> list[RegisterRow]:
    """The first *limit* rows of the register under filter *f* and *sort*, in display order."""
    ids = first_ids(ctx, f, sort, descending, limit)
    rows = fetch_rows(ctx, ids)
    return [rows[i] for i in ids if i in rows]


def _is_nulls_flag(col: ColumnElement) -> bool:
    return " IS NULL" in str(col)


def count(ctx: ServiceContext, f: RegisterFilter) -> int:
    with ctx.db.session_scope() as s:
        return s.scalar(select(func.count(Application.id)).where(*conditions(ctx, f, ctx.today()))) or 0


#: Statuses whose clock stands still: their row names why, since when and the date to watch (from the events).
_STILL = (Status.PAUSED, Status.AWAITING_CORRECTION)


def fetch_rows(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, RegisterRow]:
    """The register rows for *ids* (any order), with days left computed on the working-day calendar.

    The few cases whose clock stands still (暂停计时, 待补正) are worked out from their events
    (:func:`app.domain.procedure.situation_of`, one query for all of them) to say since when and until when.
    """
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
            found = s.execute(select(*cols).where(Application.id.in_(chunk))).all()
            still = _still_clocks(ctx, s, [r for r in found if Status(r.status) in _STILL])
            for r in found:
                status = Status(r.status)
                days_left = None
                if r.reply_due is not None and status not in (Status.CLOSED, Status.VOIDED):
                    if r.reply_due not in left_by_due:
                        left_by_due[r.reply_due] = working_days_left(cal, today, r.reply_due)
                    days_left = left_by_due[r.reply_due]
                since, kind, watch = still.get(r.id, (None, None, None))
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
                    paused_since=since,
                    pause_kind=kind,
                    watch_due=watch,
                )
    return out


#: What the rows of paused and correcting cases say, by (application, its events' count and last id, dates, fee
#: period, calendar): a case's situation changes only with these (events are appended, never edited), so a
#: screenful fetched again (every new filter or sort) works out only the cases whose events changed since.
_STILL_KEPT: OrderedDict[tuple, tuple[date | None, PauseKind | None, date | None]] = OrderedDict()
_STILL_KEEP = 5000


def _still_clocks(
    ctx: ServiceContext, s: Session, rows: Sequence[Row]
) -> dict[int, tuple[date | None, PauseKind | None, date | None]]:
    """(since, pause kind, date to watch) of each paused or correcting case in *rows*, from its events."""
    if not rows:
        return {}
    cal = ctx.calendar()
    fee_days = ctx.int_setting("fee_payment_days")
    ids = [r.id for r in rows]
    versions = {
        app_id: (n, last)
        for app_id, n, last in s.execute(
            select(Event.application_id, func.count(Event.id), func.max(Event.id))
            .where(Event.application_id.in_(ids))
            .group_by(Event.application_id)
        )
    }
    keys = {r.id: (r.id, versions.get(r.id), r.arrived_at, r.receipt_date, fee_days, cal) for r in rows}
    out: dict[int, tuple[date | None, PauseKind | None, date | None]] = {}
    for i, key in keys.items():
        if key in _STILL_KEPT:
            out[i] = _STILL_KEPT[key]
            _STILL_KEPT.move_to_end(key)
    missing = [r for r in rows if r.id not in out]
    if not missing:
        return out
    timelines: dict[int, list[Recorded]] = defaultdict(list)
    for app_id, kind, day, data, note in s.execute(
        select(Event.application_id, Event.kind, Event.event_date, Event.data, Event.note)
        .where(Event.application_id.in_([r.id for r in missing]))
        .order_by(Event.application_id, Event.event_date, Event.id)
    ):
        timelines[app_id].append(Recorded.of(EventKind(kind), day, data, note or ""))
    for r in missing:
        try:
            sit = situation_of(r.arrived_at.date(), r.receipt_date, timelines[r.id], cal, fee_payment_days=fee_days)
        except ProcedureError:  # contradictory events: the row says only 计时暂停; the case view explains
            out[r.id] = (None, None, None)
        else:
            out[r.id] = _still_clock(sit)
        _STILL_KEPT[keys[r.id]] = out[r.id]
    while len(_STILL_KEPT) > _STILL_KEEP:
        _STILL_KEPT.popitem(last=False)
    return out


def _still_clock(sit: Situation) -> tuple[date | None, PauseKind | None, date | None]:
    """Why and until when a case's clock stands still, as the domain works it out (no period of its own)."""
    if sit.correction_pending:  # 待补正 (第三十条): the pending notice and the deadline it set the applicant
        notice = next((e.day for e in reversed(sit.events) if e.kind is EventKind.CORRECTION_REQUESTED), None)
        return notice, None, sit.correction_deadline
    if not sit.open_pauses:
        return None, None, None
    first = min(sit.open_pauses, key=lambda p: p.start)
    if first.kind is PauseKind.FEE:
        return first.start, first.kind, sit.fee_payment_due
    return first.start, first.kind, first.lapses_on


def years(ctx: ServiceContext) -> list[int]:
    """Registration years present, newest first (for the year filter)."""
    with ctx.db.session_scope() as s:
        return list(s.scalars(select(Application.year).distinct().order_by(Application.year.desc())))


# ----- the search index and the name keys (migration 0007) -----------------------------------------------


def pending_count(ctx: ServiceContext) -> int:
    """Applications not yet (re)indexed or whose name has no sort key yet (0: all up to date)."""
    with ctx.db.session_scope() as s:
        waiting = 0 if ctx.db.is_server else s.scalar(select(func.count()).select_from(SearchPending)) or 0
        unkeyed = s.scalar(select(func.count(Application.id)).where(Application.name_key.is_(None))) or 0
    return waiting + unkeyed


def key_names(ctx: ServiceContext, limit: int | None = None) -> int:
    """Give names without a sort key their key (all of them, or at most *limit*); returns how many were keyed.

    Quietly does nothing while another program holds the write lock: the sort then places the few names
    written meanwhile by their characters, and the next pass keys them.
    """
    sql = "SELECT id, applicant_name FROM application WHERE name_key IS NULL"
    with ctx.db.session_scope() as s:
        rows = s.execute(text(sql + (f" LIMIT {int(limit)}" if limit is not None else ""))).all()
    if not rows:
        return 0
    # keyed outside the write lock (pinyin takes a while); a name changed meanwhile is left for the next pass
    keyed = [(name_sort_key(name or ""), app_id, name) for app_id, name in rows]
    if ctx.db.is_server:  # several desks: row locks, not a file lock; a name changed meanwhile is not keyed
        with ctx.db.session_scope() as s:
            s.execute(
                text("UPDATE application SET name_key = :k WHERE id = :i AND applicant_name IS NOT DISTINCT FROM :n"),
                [{"k": k, "i": i, "n": n} for k, i, n in keyed],
            )
        return len(keyed)
    with _write_now(ctx) as conn:
        if conn is None:
            return 0
        conn.executemany("UPDATE application SET name_key = ? WHERE id = ? AND applicant_name IS ?", keyed)
    return len(keyed)


@contextlib.contextmanager
def _write_now(ctx: ServiceContext) -> Iterator[Any]:
    """A raw connection inside ``BEGIN IMMEDIATE`` (no other writer until it ends), committed when the block
    ends and rolled back if it fails; ``None`` when another program holds the write lock for more than
    200 ms (the background upkeep then tries again later instead of keeping the clerk waiting)."""
    conn = ctx.db.engine.raw_connection()
    try:
        conn.execute("PRAGMA busy_timeout=200")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except Exception:  # locked (or the file went away): not now
            yield None
            return
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA busy_timeout=5000")
        conn.close()


def index_pending(ctx: ServiceContext, limit: int = 2000) -> int:
    """Bring the search index up to date for at most *limit* pending applications; returns how many are left.

    One write transaction (BEGIN IMMEDIATE): no other writer can change an application between reading it
    and indexing it. The values indexed before come from ``search_pending`` (the contentless index can only
    forget what it is told it holds). A server has no such index (its search reads the rows): nothing to do.
    """
    if ctx.db.is_server:
        return 0
    with _write_now(ctx) as conn:
        if conn is None:  # another program is writing: the next pass will do it
            return -1
        pending = conn.execute(
            "SELECT p.application_id, p.indexed, p.reg_number, p.applicant_name, p.applicant_id_number, "
            "p.content, a.id, a.reg_number, a.applicant_name, a.applicant_id_number, a.content "
            "FROM search_pending AS p LEFT JOIN application AS a ON a.id = p.application_id "
            "ORDER BY p.application_id LIMIT ?",
            (limit,),
        ).fetchall()
        forget, add, done = [], [], []
        for app_id, indexed, *rest in pending:
            old, (current_id, *current) = rest[:4], rest[4:]
            if indexed:
                forget.append((app_id, index_text(old)))
            if current_id is not None:
                add.append((app_id, index_text(current)))
            done.append((app_id,))
        conn.executemany(
            "INSERT INTO application_search (application_search, rowid, grams) VALUES ('delete', ?, ?)", forget
        )
        conn.executemany("INSERT INTO application_search (rowid, grams) VALUES (?, ?)", add)
        conn.executemany("DELETE FROM search_pending WHERE application_id = ?", done)
        left = conn.execute("SELECT count(*) FROM search_pending").fetchone()[0]
    return int(left)


def update_search_index(ctx: ServiceContext, limit: int = 2000) -> int:
    """One pass of the background upkeep: index pending applications and key unkeyed names (at most *limit*
    of each). Returns how much is left (0: up to date; -1: the database was busy, try again later)."""
    left = index_pending(ctx, limit)
    key_names(ctx, limit)
    return -1 if left < 0 else pending_count(ctx)

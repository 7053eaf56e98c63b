"""年度报告: the annual report of one year — counted in SQL, entered figures and texts, drill-down, the lock.

The counting rules and the layout of the tables live in :mod:`app.domain.statistics` (docs/rules.md §6); this
module counts the same cells with SQL aggregates over the derived columns of ``application`` (one
``GROUP BY applicant_kind, outcome`` pass for table 三, one ``GROUP BY kind, result`` pass over
``remedy_case`` for table 四), and a test checks the result against the domain's case-by-case reference.

**Lock of a published year.** :func:`lock_year` stores the year's tables as published (``published_table3``,
``published_table4``) and the publication date, and sets ``locked``. From then on any change that would alter
that year's tables three or four — registering or importing an application counted in it, recording a
closing step or a remedy in it, correcting a receipt date or applicant kind, voiding — is refused with a
Chinese :class:`~app.services.errors.ValidationError`: :class:`ReportLock` compares the footprint of the case
(:func:`app.domain.statistics.footprint`: every cell of a locked year it counts in) before and after the
change, inside the same transaction. Table 二 and the texts of a locked year cannot be edited either.
:func:`unlock_year` needs a reason; locking and unlocking are events of the audit chain (``setting_changed``
with the key ``report_lock:<year>``), and the published tables stay stored so that the checks show what
changed since publication.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.domain.codes import EventKind, Status
from app.domain.dates import cn_date
from app.domain.ledger import LedgerProblem, LedgerRow, row_events
from app.domain.procedure import Recorded
from app.domain.statistics import (
    COLUMNS,
    FIRST_REPORT_YEAR,
    GROUP_BY_KEY,
    KIND_ORDER,
    OUTCOME_CODE_ROW,
    OUTCOME_ROW,
    PENDING_COL,
    ROW_BY_KEY,
    T4_TOTAL_COL,
    TABLE4_COLUMNS,
    TEXT_KEYS,
    TOTAL_COL,
    CaseFacts,
    Cell,
    Check,
    FeeSummary,
    RemedyFacts,
    Table2,
    Table3,
    Table4,
    check_tables,
    default_texts,
    draft_overview,
    footprint,
    validate_table2,
    year_bounds,
)
from app.domain.timeline import TimelineError, project
from app.services.context import ServiceContext
from app.services.errors import ValidationError
from app.services.profile import get_profile
from app.store.events import append_event
from app.store.models import AnnualReport, Application, Event, RemedyCase
from app.store.sqlfunc import json_number

__all__ = [
    "LockState",
    "ReportLock",
    "ReportView",
    "build_report",
    "cell_applications",
    "cell_label",
    "compute_tables",
    "ledger_lock_problems",
    "lock_year",
    "report_years",
    "save_table2",
    "save_texts",
    "unlock_year",
    "validate_year",
]

_VOIDED = Status.VOIDED.value
_OUTCOME_OF_ROW: dict[str, str] = {key: outcome.value for outcome, key in OUTCOME_ROW.items()}


# ------------------------------------------------------------------------------------------------ years


def validate_year(ctx: ServiceContext, year: int) -> None:
    """A report year is 2008 (the 条例 took effect on 1 May 2008) to this year; else a Chinese error."""
    this_year = ctx.today().year
    if not FIRST_REPORT_YEAR <= year <= this_year:
        raise ValidationError(
            [
                f"年度应在{FIRST_REPORT_YEAR}年至{this_year}年之间"
                f"（《中华人民共和国政府信息公开条例》自2008年5月1日起施行）：{year}"
            ]
        )


def report_years(ctx: ServiceContext) -> list[int]:
    """The years a report can be made for, newest first (this year back to 2008)."""
    return list(range(ctx.today().year, FIRST_REPORT_YEAR - 1, -1))


# ------------------------------------------------------------------------------------------------ counting


def _conditions(year: int) -> dict[str, ColumnElement[bool]]:
    """The SQL form of the counting rules of docs/rules.md §6 (app.domain.statistics.table3_rows_of).

    Every condition is applied on top of :func:`_counted` (not voided, confirmed, received by 31 December).
    """
    y0, y1 = year_bounds(year)
    r, c = Application.receipt_date, Application.closed_on
    return {
        "一": r >= y0,
        "二": and_(r < y0, or_(c.is_(None), c >= y0)),
        "三.七": and_(c >= y0, c <= y1),
        "四": or_(c.is_(None), c > y1),
    }


def _counted(year: int) -> list[ColumnElement[bool]]:
    _y0, y1 = year_bounds(year)
    return [Application.status != _VOIDED, Application.receipt_date.is_not(None), Application.receipt_date <= y1]


def _n(cond: ColumnElement[bool]) -> Any:
    return func.sum(case((cond, 1), else_=0))


@dataclass(frozen=True)
class _Counts:
    table3: Table3
    late: int  # closed in the year after the legal reply date
    previous_closed: int  # 三(七) of the year before
    previous_seen: bool  # the register holds applications counted in the year before
    previous_carried_out: tuple[int, ...]  # 四 of the year before, counted now


def _count_table3(session: Session, year: int) -> _Counts:
    """Table 三 of *year* and the previous year's figures the checks and the prose need: ONE aggregate pass."""
    cond = _conditions(year)
    prev = _conditions(year - 1)
    c = Application.closed_on
    stmt = (
        select(
            Application.applicant_kind,
            Application.outcome,
            _n(cond["一"]),
            _n(cond["二"]),
            _n(cond["三.七"]),
            _n(cond["四"]),
            _n(and_(cond["三.七"], Application.reply_due.is_not(None), c > Application.reply_due)),
            _n(and_(prev["三.七"], Application.receipt_date <= year_bounds(year - 1)[1])),
            _n(and_(Application.receipt_date <= year_bounds(year - 1)[1], or_(prev["一"], prev["二"]))),
            _n(and_(Application.receipt_date <= year_bounds(year - 1)[1], prev["四"])),
        )
        .where(*_counted(year))
        .group_by(Application.applicant_kind, Application.outcome)
        .order_by(Application.applicant_kind, Application.outcome)
    )
    tallies: list[tuple[str, str | None, int]] = []
    late = prev_closed = prev_seen = 0
    prev_out: list[tuple[str, str | None, int]] = []
    for kind, outcome, new, carried, closed, left, n_late, p_closed, p_seen, p_out in session.execute(stmt):
        tallies += [("一", kind, new), ("二", kind, carried), ("三.七", kind, closed), ("四", kind, left)]
        if outcome in OUTCOME_CODE_ROW and closed:  # an unknown outcome: only in 三(七), which the checks name
            tallies.append((OUTCOME_CODE_ROW[outcome], kind, closed))
        late += n_late
        prev_closed += p_closed
        prev_seen += p_seen
        prev_out.append(("四", kind, p_out))
    return _Counts(
        Table3.from_counts(tallies),
        late,
        prev_closed,
        prev_seen > 0,
        Table3.from_counts(prev_out).rows["四"],
    )


def _count_table4(session: Session, year: int) -> Table4:
    """Table 四 of *year*: remedy cases filed in the year, under their recorded result (docs/rules.md §6)."""
    y0, y1 = year_bounds(year)
    stmt = (
        select(RemedyCase.kind, RemedyCase.result, func.count())
        .join(Application, Application.id == RemedyCase.application_id)
        .where(RemedyCase.filed_on >= y0, RemedyCase.filed_on <= y1, Application.status != _VOIDED)
        .group_by(RemedyCase.kind, RemedyCase.result)
        .order_by(RemedyCase.kind, RemedyCase.result)
    )
    return Table4.from_counts((kind, result, n) for kind, result, n in session.execute(stmt))


def compute_tables(ctx: ServiceContext, year: int) -> tuple[Table3, Table4]:
    """Tables 三 and 四 of *year*, counted from the register with SQL aggregates (docs/rules.md §6)."""
    with ctx.db.session_scope() as s:
        return _count_table3(s, year).table3, _count_table4(s, year)


def _fees(session: Session, year: int) -> FeeSummary:
    """信息处理费 received in *year* (收到缴费 events of applications that are not voided, docs/rules.md §7)."""
    y0, y1 = year_bounds(year)
    amount = json_number(Event.data, "amount_yuan")
    n, total = session.execute(
        select(func.count(Event.id), func.coalesce(func.sum(amount), 0))
        .join(Application, Application.id == Event.application_id)
        .where(
            Event.kind == EventKind.FEE_PAID.value,
            Event.event_date >= y0,
            Event.event_date <= y1,
            Application.status != _VOIDED,
        )
    ).one()
    return FeeSummary(int(n or 0), int(total or 0))


# ------------------------------------------------------------------------------------------------ the report


@dataclass(frozen=True)
class LockState:
    """Whether the year is locked as published, when it was published, and the tables as published."""

    locked: bool = False
    published_on: date | None = None
    table3: Table3 | None = None
    table4: Table4 | None = None

    @property
    def published(self) -> bool:
        return self.table3 is not None


@dataclass(frozen=True)
class ReportView:
    """Everything the 年度报告 page and the exports show for one year."""

    year: int
    agency: str
    title: str
    table2: Table2
    table3: Table3
    table4: Table4
    checks: tuple[Check, ...]
    texts: Mapping[str, str]  # every text: the office's edited one, else the default
    edited: frozenset[str]  # the keys of ``texts`` the office has saved
    drafted_overview: str  # 一 drafted from the figures (the 重新生成 button)
    defaults: Mapping[str, str]
    fees: FeeSummary
    late: int
    previous_closed: int | None
    lock: LockState = field(default_factory=LockState)
    made_on: date = field(default_factory=date.today)  # signature date until the report is published

    @property
    def checks_ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        """The JSON export: ``year``, ``table2``, ``table3`` (columns, rows), ``table4``, ``checks``."""
        return {
            "year": self.year,
            "table2": self.table2.to_json(),
            "table3": self.table3.to_json(),
            "table4": self.table4.to_json(),
            "checks": [c.to_json() for c in self.checks],
        }


def _lock_state(row: AnnualReport | None) -> LockState:
    if row is None:
        return LockState()
    return LockState(
        bool(row.locked),
        row.published_on,
        Table3.from_json(row.published_table3),
        Table4.from_json(row.published_table4),
    )


def build_report(ctx: ServiceContext, year: int) -> ReportView:
    """The report of *year*: tables 二–四, the checks, and the texts (edited, else drafted)."""
    validate_year(ctx, year)
    profile = get_profile(ctx)
    with ctx.db.session_scope() as s:
        counts = _count_table3(s, year)
        t4 = _count_table4(s, year)
        fees = _fees(s, year)
        row = s.get(AnnualReport, year)
        prev_row = s.get(AnnualReport, year - 1)
        lock = _lock_state(row)
        prev_lock = _lock_state(prev_row)
        table2 = Table2.from_json(row.figures if row else None)
        stored = {k: str(v) for k, v in (row.texts or {}).items() if k in TEXT_KEYS} if row else {}
    t3 = counts.table3
    if prev_lock.table3 is not None:
        previous_closed: int | None = prev_lock.table3.total("三.七")
    else:
        previous_closed = counts.previous_closed if counts.previous_seen else None
    checks = check_tables(
        year,
        t3,
        t4,
        previous_carried_out=counts.previous_carried_out,
        previous_published=prev_lock.table3,
        published=(lock.table3, lock.table4) if lock.published else None,
    )
    overview = draft_overview(year, t3, t4, previous_closed=previous_closed, fees=fees, late=counts.late)
    contact = "；".join(
        part
        for part in (
            f"地址：{profile.address}{profile.office_name}" if profile.address else "",
            f"邮编：{profile.postcode}" if profile.postcode else "",
            f"电话：{profile.report_phone or profile.phone}" if (profile.report_phone or profile.phone) else "",
            f"邮箱：{profile.email}" if profile.email else "",
        )
        if part
    )
    defaults = default_texts(year, agency=profile.agency_name, contact=contact, overview=overview, fees=fees)
    texts = {k: stored.get(k) or defaults[k] for k in TEXT_KEYS}
    return ReportView(
        year=year,
        agency=profile.agency_name,
        title=f"{profile.agency_name}{year}年政府信息公开工作年度报告",
        table2=table2,
        table3=t3,
        table4=t4,
        checks=tuple(checks),
        texts=texts,
        edited=frozenset(k for k in stored if stored[k]),
        drafted_overview=overview,
        defaults=defaults,
        fees=fees,
        late=counts.late,
        previous_closed=previous_closed,
        lock=lock,
        made_on=ctx.today(),
    )


def _row_for_edit(s: Session, ctx: ServiceContext, year: int) -> AnnualReport:
    row = s.get(AnnualReport, year)
    if row is not None and row.locked:
        message = _locked_message(year, row.published_on) + "，不能修改。如确需修改，请先解除锁定并说明理由。"
        raise ValidationError([message])
    if row is None:
        row = AnnualReport(year=year, figures={}, texts={}, locked=False, updated_at=ctx.now())
        s.add(row)
    return row


def save_table2(ctx: ServiceContext, year: int, values: Mapping[str, Mapping[str, Any]]) -> Table2:
    """Store table 二 of *year* as entered (docs/rules.md §6); refused for a locked year or invalid figures."""
    validate_year(ctx, year)
    problems = validate_table2(values)
    if problems:
        raise ValidationError(problems)
    table = Table2.from_json(values)
    with ctx.db.session_scope() as s:
        row = _row_for_edit(s, ctx, year)
        row.figures = table.to_json()
        row.updated_at = ctx.now()
    return table


def save_texts(ctx: ServiceContext, year: int, texts: Mapping[str, str]) -> None:
    """Store the office's texts of *year* (报告说明, 一, 五, 六); an empty text falls back to the default."""
    validate_year(ctx, year)
    unknown = sorted(set(texts) - set(TEXT_KEYS))
    if unknown:
        raise ValidationError([f"未知的报告文字部分：{'、'.join(unknown)}"])
    with ctx.db.session_scope() as s:
        row = _row_for_edit(s, ctx, year)
        merged = dict(row.texts or {})
        for key, text in texts.items():
            if text.strip():
                merged[key] = text.strip()
            else:
                merged.pop(key, None)
        row.texts = merged
        row.updated_at = ctx.now()


# ------------------------------------------------------------------------------------------------ drill-down


def cell_label(year: int, table: str, key: str, col: int) -> str:
    """The cell in words, for the register's title: "2023年 表三 三(三)5 属于三类内部事务信息·自然人"."""
    if table == "三":
        row = ROW_BY_KEY[key]
        return f"{year}年 表三 {row.name} {row.label}·{COLUMNS[col]}"
    group = GROUP_BY_KEY[key]
    return f"{year}年 表四 {group.parent + '·' if group.parent else ''}{group.label}·{TABLE4_COLUMNS[col]}"


def cell_applications(ctx: ServiceContext, year: int, table: str, key: str, col: int) -> list[int]:
    """The ids of the applications behind one cell of table 三 or 四 (the page opens them in the register).

    Table 三: exactly the applications the cell counts. Table 四: the applications the counted remedy cases
    were brought against (one application can have several cases, so there may be fewer ids than cases).
    """
    with ctx.db.session_scope() as s:
        if table == "三":
            where = _counted(year)
            if key in ("一", "二", "三.七", "四"):
                where.append(_conditions(year)[key])
            else:
                where += [_conditions(year)["三.七"], Application.outcome == _OUTCOME_OF_ROW[key]]
            if col != TOTAL_COL:
                where.append(Application.applicant_kind == KIND_ORDER[col].value)
            return list(s.scalars(select(Application.id).where(*where).order_by(Application.id)))
        if table == "四":
            y0, y1 = year_bounds(year)
            where = [
                RemedyCase.filed_on >= y0,
                RemedyCase.filed_on <= y1,
                RemedyCase.kind == GROUP_BY_KEY[key].kind.value,
                Application.status != _VOIDED,
            ]
            if col == PENDING_COL:
                where.append(RemedyCase.result.is_(None))
            elif col != T4_TOTAL_COL:
                where.append(RemedyCase.result == ("upheld", "corrected", "other")[col])
            stmt = (
                select(RemedyCase.application_id)
                .join(Application, Application.id == RemedyCase.application_id)
                .where(*where)
                .distinct()
                .order_by(RemedyCase.application_id)
            )
            return list(s.scalars(stmt))
    raise ValueError(table)


# ------------------------------------------------------------------------------------------------ lock


def _locked_message(year: int, published_on: date | None) -> str:
    when = f"，已于{cn_date(published_on)}发布" if published_on else ""
    return f"{year}年年度报告已锁定（{'已发布' if not when else when[1:]}）"


def _locked_years(session: Session) -> dict[int, date | None]:
    stmt = select(AnnualReport.year, AnnualReport.published_on).where(AnnualReport.locked.is_(True))
    rows = session.execute(stmt.order_by(AnnualReport.year))
    return {int(y): d for y, d in rows}


def lock_year(ctx: ServiceContext, year: int, published_on: date, note: str = "") -> LockState:
    """锁定（已发布）: store the year's tables as published and the publication date; audited in the chain."""
    validate_year(ctx, year)
    if published_on > ctx.today():
        raise ValidationError(["发布日期不能晚于今天"])
    if published_on.year < year:
        raise ValidationError([f"{year}年年度报告的发布日期不能早于{year}年"])
    with ctx.db.session_scope() as s:
        row = s.get(AnnualReport, year)
        if row is not None and row.locked:
            raise ValidationError([_locked_message(year, row.published_on) + "，无需再次锁定"])
        t3, t4 = _count_table3(s, year).table3, _count_table4(s, year)
        if row is None:
            row = AnnualReport(year=year, figures={}, texts={}, updated_at=ctx.now())
            s.add(row)
        row.locked = True
        row.published_on = published_on
        row.published_table3 = t3.to_json()
        row.published_table4 = t4.to_json()
        row.updated_at = ctx.now()
        _audit(s, ctx, year, old=False, new=True, note=note.strip() or f"发布日期：{cn_date(published_on)}")
    return LockState(True, published_on, t3, t4)


def unlock_year(ctx: ServiceContext, year: int, reason: str) -> None:
    """解除锁定: needs a reason, which the audit chain keeps; the published tables stay for comparison."""
    if not reason.strip():
        raise ValidationError(["请填写解除锁定的理由（将记入审计日志）"])
    with ctx.db.session_scope() as s:
        row = s.get(AnnualReport, year)
        if row is None or not row.locked:
            raise ValidationError([f"{year}年年度报告未锁定"])
        row.locked = False
        row.updated_at = ctx.now()
        _audit(s, ctx, year, old=True, new=False, note=reason.strip())


def _audit(s: Session, ctx: ServiceContext, year: int, *, old: bool, new: bool, note: str) -> None:
    now = ctx.now()
    append_event(
        s,
        None,
        EventKind.SETTING_CHANGED.value,
        now.date(),
        actor=ctx.clerk(),
        recorded_at=now,
        data={"key": f"report_lock:{year}", "label": f"{year}年年度报告锁定", "old": old, "new": new},
        note=note,
    )


def _case_facts(session: Session, application_id: int) -> tuple[CaseFacts, list[RemedyFacts]] | None:
    row = session.execute(
        select(
            Application.applicant_kind,
            Application.receipt_date,
            Application.closed_on,
            Application.outcome,
            Application.status,
        ).where(Application.id == application_id)
    ).one_or_none()
    if row is None:
        return None
    voided = row.status == _VOIDED
    remedies = [
        RemedyFacts(kind, filed_on, result, voided)
        for kind, filed_on, result in session.execute(
            select(RemedyCase.kind, RemedyCase.filed_on, RemedyCase.result)
            .where(RemedyCase.application_id == application_id)
            .order_by(RemedyCase.id)
        )
    ]
    return CaseFacts(row.applicant_kind, row.receipt_date, row.closed_on, row.outcome, voided), remedies


def _describe(cells: Iterable[Cell]) -> str:
    """The changed cells in words (kind columns only when there are any, at most four)."""
    cells = sorted(set(cells))
    shown = [c for c in cells if not (c[0] == "三" and c[2] == TOTAL_COL)] or cells
    names: list[str] = []
    for table, key, col in shown:
        if table == "三":
            names.append(f"表三 {ROW_BY_KEY[key].name}·{COLUMNS[col]}")
        else:
            group = GROUP_BY_KEY[key.split("#")[0]]
            names.append(f"表四 {group.label}·{TABLE4_COLUMNS[col]}")
    names = list(dict.fromkeys(names))
    return "、".join(names[:4]) + ("等" if len(names) > 4 else "")


def _refusal(year: int, published_on: date | None, changed: Iterable[Cell]) -> str:
    return (
        f"{_locked_message(year, published_on)}，此操作会改变该年已发布的统计数据（{_describe(changed)}），未予保存。"
        "如确需更改，请先在“年度报告”页解除锁定并说明理由。"
    )


class ReportLock:
    """The lock check of one application inside the caller's transaction (see the module docstring).

    Take it before the change (``ReportLock(session, application_id)``; None for a new application), call
    :meth:`check` after it: a change of the case's footprint in any locked year raises ValidationError, and
    the caller's transaction is rolled back. Costs one small query when no year is locked.
    """

    def __init__(self, session: Session, application_id: int | None) -> None:
        self._session = session
        self._years = _locked_years(session)
        self._id = application_id
        self._before = self._footprints() if self._years and application_id is not None else {}

    def _footprints(self) -> dict[int, frozenset[Cell]]:
        facts = _case_facts(self._session, self._id) if self._id is not None else None
        if facts is None:
            return {y: frozenset() for y in self._years}
        case_facts, remedies = facts
        return {y: footprint(case_facts, remedies, y) for y in self._years}

    def check(self, application_id: int | None = None) -> None:
        """Raise ValidationError when the change touched a locked year (*application_id*: of a new case)."""
        if not self._years:
            return
        if application_id is not None:
            self._id = application_id
        self._session.flush()
        after = self._footprints()
        problems = [
            _refusal(year, self._years[year], self._before.get(year, frozenset()) ^ after[year])
            for year in sorted(self._years)
            if self._before.get(year, frozenset()) != after[year]
        ]
        if problems:
            raise ValidationError(problems)


def ledger_lock_problems(ctx: ServiceContext, rows: Sequence[LedgerRow], fee_payment_days: int) -> list[LedgerProblem]:
    """Ledger rows that would count in a locked (published) year: one problem each, nothing is imported."""
    with ctx.db.session_scope() as s:
        years = _locked_years(s)
    if not years:
        return []
    problems: list[LedgerProblem] = []
    for r in rows:
        timeline = [Recorded(e.kind, e.day, e.payload, e.note) for e in row_events(r)]
        try:
            proj = project(r.receipt_date, timeline, fee_payment_days=fee_payment_days)
            closed_on, outcome = proj.closed_on, proj.outcome.value if proj.outcome else None
        except TimelineError:
            closed_on, outcome = r.reply_date, r.outcome.value if r.outcome else None
        facts = CaseFacts(r.applicant_kind.value, r.receipt_date, closed_on, outcome)
        remedies = [RemedyFacts(kind, filed_on, result) for kind, filed_on, result in r.remedies()]
        hit = [y for y in sorted(years) if footprint(facts, remedies, y)]
        if hit:
            problems.append(
                LedgerProblem(
                    r.row,
                    "",
                    f"该行会计入{'、'.join(_locked_message(y, years[y]) for y in hit)}的统计数据，"
                    "不能导入；如确需导入，请先在“年度报告”页解除锁定并说明理由",
                )
            )
    return problems

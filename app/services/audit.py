"""The audit log (审计日志): every event of every application and every settings change, and the chain check.

Built for 500,000 events like the register: :func:`query_event_ids` filters and orders in SQL and returns
only ids, :func:`fetch_audit_rows` loads the handful of rows the table is showing. Settings changes are
events without an application (``application_id`` NULL); they show "（设置）" where a case shows its
registration number.

Dates filter on when an event was *recorded* (``recorded_at``), not on the date it is about
(``event_date``): the log answers "what was entered into the record on that day, and by whom".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select

from app.domain.codes import EventKind
from app.domain.procedure import Edited, SettingChanged, payload_of
from app.services.context import SETTINGS, ServiceContext
from app.store.events import check_chain
from app.store.models import Application, Event

SETTINGS_CASE = "（设置）"
EMPTY_VALUE = "（空）"
SUMMARY_MAX = 300  # characters kept of a summary (the table shows it on one line, the tooltip in full)


@dataclass(frozen=True)
class AuditFilter:
    """What the clerk narrowed the log to; every field left at its default means "all"."""

    date_from: date | None = None  # recorded on or after this day
    date_to: date | None = None  # recorded on or before this day
    actor: str | None = None
    kinds: frozenset[EventKind] | None = None
    case_text: str = ""  # part of a registration number
    settings_only: bool = False


@dataclass(frozen=True)
class AuditRow:
    id: int
    recorded_at: datetime
    event_date: date
    actor: str
    kind: str  # the stored code
    kind_label: str
    reg_number: str  # SETTINGS_CASE for a settings change
    application_id: int | None
    summary: str


@dataclass(frozen=True)
class BreakInfo:
    event_id: int
    reg_number: str  # SETTINGS_CASE for a settings change, "" if the event row is gone
    recorded_at: datetime | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int  # events checked
    first_break: BreakInfo | None
    break_count: int  # every break found (one event can break twice: its link and its content)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(f: AuditFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if f.date_from is not None:
        clauses.append(Event.recorded_at >= datetime.combine(f.date_from, time.min))
    if f.date_to is not None:
        clauses.append(Event.recorded_at < datetime.combine(f.date_to + timedelta(days=1), time.min))
    if f.actor:
        clauses.append(Event.actor == f.actor)
    if f.kinds is not None:
        clauses.append(Event.kind.in_(sorted(k.value for k in f.kinds)))
    if f.settings_only:
        clauses.append(Event.application_id.is_(None))
    text = f.case_text.strip()
    if text:
        # the matching applications first, then their events through ix_event_application: a join would
        # walk all events in date order and look up each one's application (seconds on 500,000 events)
        matching = select(Application.id).where(Application.reg_number.like(f"%{_escape_like(text)}%", escape="\\"))
        clauses.append(Event.application_id.in_(matching))
    return clauses


def query_event_ids(ctx: ServiceContext, f: AuditFilter) -> list[int]:
    """Ids of the matching events, newest first (recorded_at, then id: never left to SQLite)."""
    stmt = select(Event.id).where(*_where(f)).order_by(Event.recorded_at.desc(), Event.id.desc())
    with ctx.db.session_scope() as s:
        return [row[0] for row in s.connection().execute(stmt)]  # plain rows: a third faster than ORM scalars


def fetch_audit_rows(ctx: ServiceContext, ids: Sequence[int]) -> list[AuditRow]:
    """The rows for *ids*, in the order given (ids no longer in the table are left out)."""
    if not ids:
        return []
    cols = (
        Event.id,
        Event.recorded_at,
        Event.event_date,
        Event.actor,
        Event.kind,
        Event.application_id,
        Event.data,
        Event.note,
        Application.reg_number,
    )
    found: dict[int, AuditRow] = {}
    with ctx.db.session_scope() as s:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            stmt = (
                select(*cols)
                .outerjoin(Application, Application.id == Event.application_id)
                .where(Event.id.in_(chunk))
                .order_by(Event.id)
            )
            for r in s.execute(stmt):
                found[r.id] = AuditRow(
                    id=r.id,
                    recorded_at=r.recorded_at,
                    event_date=r.event_date,
                    actor=r.actor,
                    kind=r.kind,
                    kind_label=kind_label(r.kind),
                    reg_number=_case_text(r.application_id, r.reg_number),
                    application_id=r.application_id,
                    summary=summarize(r.kind, r.data, r.note),
                )
    return [found[i] for i in ids if i in found]


def latest_event_id(ctx: ServiceContext) -> int:
    """The newest event's id (0 when none): events are only ever appended, so a new id means new rows."""
    with ctx.db.session_scope() as s:
        return s.scalar(select(func.max(Event.id))) or 0


def actors(ctx: ServiceContext) -> list[str]:
    """Everyone who recorded an event, sorted (for the 经办人 filter)."""
    with ctx.db.session_scope() as s:
        return list(s.scalars(select(Event.actor).distinct().order_by(Event.actor)))


def verify_audit_chain(ctx: ServiceContext) -> ChainReport:
    """Check the whole hash chain (seconds on a large database: call it off the UI thread)."""
    with ctx.db.session_scope() as s:  # one transaction: the count and the check see the same rows
        checked = s.scalar(select(func.count(Event.id))) or 0
        breaks = check_chain(s)
        if not breaks:
            return ChainReport(ok=True, checked=checked, first_break=None, break_count=0)
        first = breaks[0]
        row = s.execute(
            select(Event.recorded_at, Event.application_id, Application.reg_number)
            .outerjoin(Application, Application.id == Event.application_id)
            .where(Event.id == first.event_id)
        ).first()
        info = BreakInfo(
            event_id=first.event_id,
            reg_number=_case_text(row.application_id, row.reg_number) if row is not None else "",
            recorded_at=row.recorded_at if row is not None else None,
            reason=first.reason,
        )
        return ChainReport(ok=False, checked=checked, first_break=info, break_count=len(breaks))


# ----- words for the table ---------------------------------------------------------------------------


def kind_label(code: str) -> str:
    try:
        return EventKind(code).label
    except ValueError:
        return code  # a kind written by a newer version of the program: show the code rather than nothing


def kind_choices() -> list[tuple[str, EventKind]]:
    """Every event kind with its Chinese label, in the order of the enumeration (for the kind filter)."""
    return [(k.label, k) for k in EventKind]


def _case_text(application_id: int | None, reg_number: str | None) -> str:
    if application_id is None:
        return SETTINGS_CASE
    return reg_number or f"#{application_id}"


def value_text(value: Any) -> str:
    """One value of the record in words: empty as （空）, yes/no in Chinese, lists joined, on one line."""
    if value is None or value == "":
        return EMPTY_VALUE
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Mapping):
        return "，".join(f"{k}：{value_text(v)}" for k, v in value.items()) or EMPTY_VALUE
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(value_text(v) for v in value) or EMPTY_VALUE
    return " ".join(str(value).split()) or EMPTY_VALUE


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def summarize(kind: str, data: Any, note: str | None) -> str:
    """One line in Chinese saying what the event recorded: every field of its payload (old → new where there
    are any, app.domain.procedure), then the note (the reason, for corrections)."""
    reason = " ".join((note or "").split())
    try:
        event_kind = EventKind(kind)
    except ValueError:
        return reason
    payload = payload_of(event_kind, data if isinstance(data, Mapping) else {})
    if isinstance(payload, SettingChanged) and payload.old is None:  # never stored before: it had its default
        spec = SETTINGS.get(payload.key)
        if spec is not None and spec.default not in (None, ""):
            payload = dataclasses.replace(payload, old=f"{value_text(spec.default)}（默认）")
    lines = payload.lines(event_kind)
    if event_kind is EventKind.DECIDED:  # the outcome says it; the report row is in the case view
        lines = [line for line in lines if line[0] != "计入年度报告"]
    parts = [f"{label}：{' '.join(value.split())}" for label, value in lines]
    if reason:
        parts.append(f"原因：{reason}" if isinstance(payload, Edited) else reason)
    text = "；".join(parts)
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"

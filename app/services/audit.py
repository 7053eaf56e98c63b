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
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, select, text

from app.domain.codes import EventKind
from app.domain.procedure import Edited, SettingChanged, payload_of
from app.services.context import SETTINGS, ServiceContext
from app.store.auditkey import export_key, import_key
from app.store.events import parse_event, read_anchor, read_chain, session_fetch
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
    first_break: BreakInfo | None  # a break of the chain, else the first anchor problem (event id: the anchored last)
    break_count: int  # every break found (one event can break twice: its link and its content), anchor problems too
    anchor_problems: tuple[str, ...] = ()  # the newest events (or all) deleted, a forged anchor (Chinese)
    key_missing: bool = False  # signed with a key this computer does not have: not verified, not broken
    head: str = ""  # the anchored head in words (共 N 条记录，最后一条 #id，校验值 …)


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
    """The rows for *ids*, in the order given (ids no longer in the table are left out).

    Read as raw stored values: an event whose date or content cannot be read (altered outside the program)
    is still listed, its summary saying what is wrong, instead of failing the whole page."""
    if not ids:
        return []
    found: dict[int, AuditRow] = {}
    with ctx.db.session_scope() as s:
        for start in range(0, len(ids), 500):
            chunk = ",".join(str(int(i)) for i in ids[start : start + 500])
            stmt = text(
                "SELECT e.id, e.application_id, e.kind, e.event_date, e.recorded_at, e.actor, e.data, e.note, "
                "e.prev_hash, e.hash, a.reg_number FROM event e LEFT JOIN application a ON a.id = e.application_id "
                f"WHERE e.id IN ({chunk}) ORDER BY e.id"
            )
            for row in s.execute(stmt):
                ev = parse_event(row[:10])
                summary = summarize(ev.kind, ev.data, ev.note)
                if ev.problem:
                    summary = f"（{ev.problem}）{summary}"
                found[ev.id] = AuditRow(
                    id=ev.id,
                    recorded_at=ev.recorded_at or datetime.min,
                    event_date=ev.event_date or date.min,
                    actor=ev.actor,
                    kind=ev.kind,
                    kind_label=kind_label(ev.kind),
                    reg_number=_case_text(ev.application_id, row[10]),
                    application_id=ev.application_id,
                    summary=summary,
                )
    return [found[i] for i in ids if i in found]


def latest_event_id(ctx: ServiceContext) -> int:
    """The newest event's id (0 when none): events are only ever appended, so a new id means new rows."""
    with ctx.db.session_scope() as s:
        return s.scalar(select(func.max(Event.id))) or 0


@dataclass(frozen=True)
class ChainHead:
    """The audit chain's head as anchored outside the event table (for the audit page and ``check``)."""

    count: int
    last_id: int
    head: str  # the last event's hash (hex)
    keyed: bool  # False: an older database whose chain is not signed yet
    text: str  # in words: 共 N 条记录，最后一条 #id，校验值 xxxx…


def chain_head(ctx: ServiceContext) -> ChainHead:
    """The anchored head of the chain (cheap: one row), to show beside the log so that the clerk can note
    it, or compare it with a backup's ``.sha256`` file. Not a verification: :func:`verify_audit_chain` is."""
    with ctx.db.session_scope() as s:
        anchor = read_anchor(session_fetch(s))
        if anchor is None or isinstance(anchor, str):
            count = int(s.scalar(select(func.count(Event.id))) or 0)
            last = s.execute(select(Event.id, Event.hash).order_by(Event.id.desc()).limit(1)).first()
            last_id, head = (int(last[0]), str(last[1])) if last is not None else (0, "")
            text = f"共 {count} 条记录（尚未启用密钥签名）"
            return ChainHead(count, last_id, head, False, text)
        return ChainHead(anchor.count, anchor.last_id, anchor.head, True, anchor.short())


def export_audit_key(path: Path) -> Path:
    """Save this computer's audit keys to a new file *path* (0600) for another computer or the IT staff."""
    return export_key(Path(path))


def import_audit_key(path: Path) -> list[str]:
    """Add the audit keys of *path* (exported on another computer); the ids of the new ones."""
    return import_key(Path(path))


def actors(ctx: ServiceContext) -> list[str]:
    """Everyone who recorded an event, sorted (for the 经办人 filter)."""
    with ctx.db.session_scope() as s:
        return list(s.scalars(select(Event.actor).distinct().order_by(Event.actor)))


def verify_audit_chain(ctx: ServiceContext) -> ChainReport:
    """Check the whole hash chain and its anchor (seconds on a large database: call it off the UI thread)."""
    with ctx.db.session_scope() as s:  # one transaction: the count and the check see the same rows
        reading = read_chain(session_fetch(s))
        checked = reading.result.count
        breaks = reading.all_breaks()
        anchor = reading.anchor
        problems = reading.anchor_problems()
        head = anchor.short() if anchor is not None else ""

        def report(first_break: BreakInfo | None) -> ChainReport:
            return ChainReport(
                ok=first_break is None,
                checked=checked,
                first_break=first_break,
                break_count=len(breaks) + len(problems),
                anchor_problems=tuple(problems),
                key_missing=reading.key_missing,
                head=head,
            )

        if not breaks and not problems:
            return report(None)
        if not breaks:
            last = anchor.last_id if anchor is not None else 0
            return report(BreakInfo(event_id=last, reg_number="", recorded_at=None, reason=problems[0]))
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
        return report(info)


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

"""The record checks of ``check`` beyond SQLite's own: the audit chain and its anchor, the seals of every
application, the derived columns recomputed from the events, every row of every table readable.

Everything here reads raw stored values through a *fetch* (SQL text → rows) on a read-only connection, so a
garbage date or bad JSON anywhere is reported naming its row instead of stopping the check, and nothing is
written. The words are for the clerk; each finding names the record (登记编号) where there is one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer
from sqlalchemy.types import JSON

from app.domain.audit import Anchor, ChainBreak, seal_matches
from app.domain.codes import EventKind, Status
from app.domain.procedure import Recorded, payload_of
from app.domain.workcalendar import WorkCalendar
from app.services.applications import evaluate
from app.store.backup import read_sidecar
from app.store.events import Fetch, application_rows, parse_event, read_chain, read_seals
from app.store.models import Base

__all__ = ["RecordFindings", "check_records", "stored_head"]

MAX_LINES = 200  # findings kept per kind (the count is always complete)


@dataclass
class RecordFindings:
    """What the record checks found; every list holds Chinese lines (empty = passed)."""

    chain: list[str] = field(default_factory=list)  # breaks of the chain, unreadable events
    breaks: list[ChainBreak] = field(default_factory=list)
    anchor: list[str] = field(default_factory=list)  # the head differs from its anchor (deleted newest events …)
    records: list[str] = field(default_factory=list)  # rows that differ from their seal or from their events
    unreadable: list[str] = field(default_factory=list)  # rows of other tables with unreadable values
    notes: list[str] = field(default_factory=list)  # remarks that are no fault
    events_checked: int = 0
    applications_checked: int = 0
    key_missing: bool = False  # signatures (or seals) made with a key this computer does not have
    keyed: bool = False  # the chain has a keyed part and an anchor
    head: Anchor | None = None  # the stored anchor (shown to the clerk)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, line: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        target: list[str] = getattr(self, kind)
        if len(target) < MAX_LINES:
            target.append(line)

    @property
    def ok(self) -> bool:
        return not (self.chain or self.anchor or self.records or self.unreadable)


def _names(fetch: Fetch) -> dict[int, str]:
    return {
        int(i): str(n) for i, n in fetch("SELECT id, reg_number FROM application ORDER BY id", {}) if isinstance(i, int)
    }


def _case(names: dict[int, str], app_id: Any) -> str:
    return f"登记 {names[app_id]}" if app_id in names else f"申请 #{app_id}"


def check_records(
    fetch: Fetch,
    *,
    calendar: WorkCalendar | None,
    fee_days: int,
    calendar_current: bool,
    backup_dir: Path | None,
    typed: bool = False,
) -> RecordFindings:
    """Run every record check on the database behind *fetch* (see the module docstring).

    *typed*: the database enforces its column types itself (a PostgreSQL server refuses a garbage date or
    bad JSON when it is written), so the row-by-row readability walk is left out."""
    out = RecordFindings()
    names = _names(fetch)
    _check_chain(fetch, out, names)
    if not typed:
        _check_rows(fetch, out, names)
    _check_seals(fetch, out, names)
    if calendar is not None:
        _check_projection(fetch, out, names, calendar, fee_days, calendar_current)
    if backup_dir is not None:
        _check_backup_anchors(fetch, out, backup_dir)
    return out


def _check_chain(fetch: Fetch, out: RecordFindings, names: dict[int, str]) -> None:
    reading = read_chain(fetch)
    out.events_checked = reading.result.count
    out.head = reading.anchor
    out.breaks = reading.all_breaks()
    for b in reading.breaks:
        out.add("chain", f"记录 #{b.event_id}：{b.reason}")
    for line in reading.unreadable:
        out.add("chain", line)
    for line in reading.anchor_problems():
        out.add("anchor", line)
    anchor = reading.anchor
    if anchor is None:
        if reading.result.count:
            out.notes.append(
                "本数据库的办理记录尚未启用密钥签名（由旧版本程序写入）；下次保存任何办理记录时自动启用。"
                "在此之前只能发现意外改动，不能发现有意重算的改写。"
            )
        return
    out.keyed = True
    out.key_missing = reading.key_missing


_CHECKED_TYPES = (Date, DateTime, JSON, Integer, Boolean)


def _bad(col_type: Any, value: Any) -> bool:
    if value is None:
        return False
    try:
        if isinstance(col_type, DateTime):
            datetime.fromisoformat(str(value))
        elif isinstance(col_type, Date):
            if len(str(value)) != 10:
                return True
            date.fromisoformat(str(value))
        elif isinstance(col_type, JSON):  # a JSON column has NUMERIC affinity: 25 is stored as an integer
            if isinstance(value, str):
                json.loads(value)
            return not isinstance(value, str | int | float)
        elif isinstance(col_type, Boolean):
            return value not in (0, 1)
        elif isinstance(col_type, Integer):
            return not isinstance(value, int)
    except (ValueError, TypeError):
        return True
    return False


def _check_rows(fetch: Fetch, out: RecordFindings, names: dict[int, str]) -> None:
    """Every value of every row of every table (the events are read by the chain) of a checked type."""
    for table in Base.metadata.sorted_tables:
        if table.name == "event":
            continue
        cols = [c for c in table.columns if isinstance(c.type, _CHECKED_TYPES)]
        if not cols:
            continue
        has_app = "application_id" in table.columns
        sel = ["rowid", *(["application_id"] if has_app else []), *(c.name for c in cols)]
        last = -(2**63)
        while True:
            try:
                rows = fetch(
                    f"SELECT {', '.join(sel)} FROM {table.name} WHERE rowid > :last ORDER BY rowid LIMIT 5000",
                    {"last": last},
                )
            except Exception as exc:  # a table missing in an old database, or unreadable as a whole
                out.add("unreadable", f"表 {table.name} 无法读取（{type(exc).__name__}）")
                break
            if not rows:
                break
            for row in rows:
                rowid = row[0]
                values = row[2:] if has_app else row[1:]
                for col, value in zip(cols, values, strict=True):
                    if _bad(col.type, value):
                        who = ""
                        if table.name == "application":
                            who = f"（{_case(names, rowid)}）"
                        elif has_app:
                            who = f"（{_case(names, row[1])}）"
                        out.add("unreadable", f"表 {table.name} 第 {rowid} 行{who}“{col.name}”列的值无法读取")
            last = rows[-1][0]


def _check_seals(fetch: Fetch, out: RecordFindings, names: dict[int, str]) -> None:
    """Each application's rows (registration, applicant, remedy cases) against the seal written with its
    events; only databases whose chain is keyed have seals."""
    from app.store.auditkey import load_keys

    ids = sorted(names)
    out.applications_checked = len(ids)
    seals, problems = read_seals(fetch)
    if out.head is None:
        if seals or problems:  # seals are only written with an anchor
            out.add("anchor", f"数据库中有 {len(seals)} 件申请的封存值，却没有审计锚点：锚点可能被删除")
        else:
            return  # an older database: nothing sealed yet
    keys = load_keys()
    for line in problems:
        out.add("records", line)
    for app_id in sorted(set(seals) - set(ids)):
        out.add("records", f"封存的申请 #{app_id} 已不在登记表中（可能被删除）")
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = application_rows(fetch, chunk)
        for app_id in chunk:
            stored = seals.get(app_id)
            if stored is None:
                out.add("records", f"{_case(names, app_id)}：没有封存值（可能在程序之外添加）")
                continue
            kid, digest = stored
            key = keys.get(kid)
            if key is None:
                out.key_missing = True
                continue
            if not seal_matches(key, app_id, rows[app_id], digest):
                out.add(
                    "records",
                    f"{_case(names, app_id)}：登记信息、申请人或复议诉讼记录与办理记录封存时不符"
                    "（可能在程序之外被改动）",
                )


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _check_projection(
    fetch: Fetch,
    out: RecordFindings,
    names: dict[int, str],
    cal: WorkCalendar,
    fee_days: int,
    calendar_current: bool,
) -> None:
    """Status, closing date, outcome and (for open cases, when the calendar is the one they were computed
    with) the reply due date, recomputed from the events as the services do."""
    ids = sorted(names)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join(map(str, chunk))
        apps = fetch(
            f"SELECT id, reg_number, receipt_date, status, reply_due, closed_on, outcome "
            f"FROM application WHERE id IN ({marks}) ORDER BY id",
            {},
        )
        events: dict[int, list[Any]] = {}
        for row in fetch(
            "SELECT id, application_id, kind, event_date, recorded_at, actor, data, note, prev_hash, hash "
            f"FROM event WHERE application_id IN ({marks}) ORDER BY application_id, event_date, id",
            {},
        ):
            ev = parse_event(row)
            events.setdefault(int(ev.application_id or 0), []).append(ev)
        for app_id, reg_number, receipt_raw, status, reply_due, closed_on, outcome in apps:
            case = f"登记 {reg_number}"
            evs = sorted(events.get(app_id, []), key=lambda e: (e.event_date or date.min, e.id))
            if any(e.problem for e in evs):
                continue  # named by the chain check
            registered = [e for e in evs if e.kind == EventKind.REGISTERED.value]
            if not registered:
                out.add("records", f"{case}：没有登记记录（办理记录中找不到该申请的登记）")
                continue
            try:
                number = payload_of(EventKind.REGISTERED, registered[0].data or {}).reg_number  # type: ignore[attr-defined]
                timeline = [Recorded.of(EventKind(e.kind), e.event_date, e.data or {}, e.note or "") for e in evs]
                receipt = date.fromisoformat(str(receipt_raw)) if receipt_raw is not None else None
            except (ValueError, TypeError, KeyError) as exc:
                out.add("records", f"{case}：办理记录无法解读（{type(exc).__name__}）")
                continue
            if number and number != reg_number:
                out.add("records", f"{case}：登记编号与登记记录中的“{number}”不符（可能被改动）")
            try:
                proj, dl, expected = evaluate(receipt, timeline, cal, fee_days)
            except Exception as exc:  # TimelineError and the calendar's own: named, never a crash
                out.add("records", f"{case}：办理记录前后矛盾，无法推算状态（{exc}）")
                continue
            voided = expected is Status.VOIDED
            want = {
                "办理状态": (status, expected.value),
                "办结日期": (_iso(closed_on), None if voided else _iso(proj.closed_on)),
                "办理结果": (outcome, None if voided or proj.outcome is None else proj.outcome.value),
            }
            open_case = expected not in (Status.CLOSED, Status.VOIDED)
            if calendar_current and open_case:
                want["答复期限"] = (_iso(reply_due), _iso(dl.reply_due))
            wrong = [label for label, (got, should) in want.items() if got != should]
            if wrong:
                out.add("records", f"{case}：{'、'.join(wrong)}与办理记录推算的结果不符（可能在程序之外被改动）")


def _check_backup_anchors(fetch: Fetch, out: RecordFindings, backup_dir: Path) -> None:
    """The newest head recorded by the backups beside the database: the live chain should still contain it.

    A difference is a note, not a fault: after a restore from an older backup, newer backups legitimately
    record events the restored database no longer has."""
    if not backup_dir.is_dir():
        return
    head = out.head
    best: tuple[int, str, Anchor] | None = None
    sidecars = [*backup_dir.glob("*.sqlite.sha256"), *backup_dir.glob("*.dump.sha256")]
    for sidecar in sorted(sidecars):
        try:
            _digest, raw = read_sidecar(sidecar.with_name(sidecar.name[: -len(".sha256")]))
        except Exception:
            continue
        anchor = Anchor.from_json(raw) if raw is not None else None
        if anchor is not None and (best is None or anchor.count > best[0]):
            best = (anchor.count, sidecar.name, anchor)
    if best is None:
        return
    _count, name, recorded = best
    if head is None:
        out.add("anchor", f"备份“{name[: -len('.sha256')]}”记录了审计锚点，而本数据库没有（可能被删除）")
        return
    shown = name[: -len(".sha256")]
    if head.count < recorded.count:
        out.notes.append(
            f"备份“{shown}”记录的办理记录（{recorded.count} 条）多于本数据库（{head.count} 条）；"
            "如曾从较早的备份恢复，属正常，否则请核查。"
        )
        return
    rows = fetch("SELECT hash FROM event WHERE id = :i", {"i": recorded.last_id})
    if not rows or rows[0][0] != recorded.head:
        out.notes.append(
            f"备份“{shown}”中的第 #{recorded.last_id} 条办理记录与本数据库中的不同；"
            "如曾从较早的备份恢复后继续办理，属正常，否则此后的记录可能被改写，请与该备份核对。"
        )


def stored_head(fetch: Fetch) -> Anchor | None:
    """The anchor stored with the database (None for an unkeyed legacy database)."""
    from app.store.events import read_anchor

    anchor = read_anchor(fetch)
    return anchor if isinstance(anchor, Anchor) else None

"""From an application's timeline of events to the inputs of the legal clock, its outcome and status.

Status and deadlines are never typed in: they follow from what happened and when (the events). The
pairing rules are:

- 发出补正告知 / 收到补正材料 form a correction (Art. 30); the reply period restarts on the day the
  corrected application arrives.
- 征求第三方意见 (Art. 32), 征求其他机关意见 (Art. 34) and 收费通知 (国办函〔2020〕109号) open a pause; the
  matching end event (answer received / period lapsed, payment received) closes the earliest open pause
  of the same kind.
- 延期答复 (Art. 33 ¶2) adds its working days (total at most 20).
- 作出答复 closes the application with exactly one outcome (one row of annual-report table 三).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.codes import EventKind, Outcome, Status
from app.domain.deadlines import ClockInput, Correction, Deadlines, Pause, PauseKind

MAX_EXTENSION_DAYS = 20

PAUSE_STARTS: dict[EventKind, PauseKind] = {
    EventKind.THIRD_PARTY_CONSULTATION_STARTED: PauseKind.THIRD_PARTY,
    EventKind.AGENCY_CONSULTATION_STARTED: PauseKind.OTHER_AGENCY,
    EventKind.FEE_NOTICE_SENT: PauseKind.FEE,
}
PAUSE_ENDS: dict[EventKind, PauseKind] = {
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: PauseKind.THIRD_PARTY,
    EventKind.AGENCY_CONSULTATION_ENDED: PauseKind.OTHER_AGENCY,
    EventKind.FEE_PAID: PauseKind.FEE,
}


@dataclass(frozen=True)
class TimelineEvent:
    kind: EventKind
    day: date
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Projection:
    clock: ClockInput
    outcome: Outcome | None
    closed_on: date | None


class TimelineError(ValueError):
    """The events do not make sense together (Chinese message)."""


def project(
    receipt_date: date | None, events: Iterable[TimelineEvent], *, fee_payment_days: int = 20
) -> Projection:
    """Turn a timeline into the clock's input, the outcome and the closing date.

    Events are taken in date order (stable for equal dates). Raises TimelineError for an end without a
    start, a correction received without a notice, or extensions over 20 working days in total.
    """
    ordered = sorted(events, key=lambda e: e.day)
    open_pauses: list[Pause] = []
    closed_pauses: list[Pause] = []
    corrections: list[Correction] = []
    extension = 0
    extension_on: date | None = None
    outcome: Outcome | None = None
    closed_on: date | None = None
    for ev in ordered:
        if ev.kind in PAUSE_STARTS:
            open_pauses.append(Pause(PAUSE_STARTS[ev.kind], ev.day))
        elif ev.kind in PAUSE_ENDS:
            kind = PAUSE_ENDS[ev.kind]
            match = next((p for p in open_pauses if p.kind is kind), None)
            if match is None:
                raise TimelineError(f"“{ev.kind.label}”（{ev.day}）之前没有对应的开始记录")
            if ev.day < match.start:
                raise TimelineError(f"“{ev.kind.label}”的日期早于开始日期 {match.start}")
            open_pauses.remove(match)
            closed_pauses.append(Pause(kind, match.start, ev.day))
        elif ev.kind is EventKind.CORRECTION_REQUESTED:
            deadline = ev.data.get("deadline")
            corrections.append(
                Correction(
                    ev.day, None, date.fromisoformat(deadline) if isinstance(deadline, str) else deadline
                )
            )
        elif ev.kind is EventKind.CORRECTION_RECEIVED:
            pending = next((i for i, c in enumerate(corrections) if c.received_date is None), None)
            if pending is None:
                raise TimelineError(f"收到补正材料（{ev.day}）之前没有发出补正告知")
            c = corrections[pending]
            corrections[pending] = Correction(c.notice_date, ev.day, c.deadline)
        elif ev.kind is EventKind.EXTENSION:
            extension += int(ev.data.get("days", 0))
            extension_on = ev.day
            if extension > MAX_EXTENSION_DAYS:
                raise TimelineError(
                    f"延长答复期限合计不得超过 {MAX_EXTENSION_DAYS} 个工作日（第三十三条第二款）"
                )
        elif ev.kind is EventKind.DECIDED:
            outcome = Outcome(ev.data["outcome"])
            closed_on = ev.day
    clock = ClockInput(
        receipt_date=receipt_date,
        corrections=tuple(corrections),
        pauses=tuple(closed_pauses + open_pauses),
        extension_days=extension,
        extension_notified_on=extension_on,
        closed_on=closed_on,
        fee_payment_days=fee_payment_days,
    )
    return Projection(clock, outcome, closed_on)


def derive_status(projection: Projection, deadlines: Deadlines) -> Status:
    """Where the application stands, from its projection and computed deadlines."""
    if projection.closed_on is not None:
        return Status.CLOSED
    if projection.clock.receipt_date is None:
        return Status.AWAITING_CONFIRMATION
    if deadlines.state == "awaiting_correction":
        return Status.AWAITING_CORRECTION
    if deadlines.state == "suspended":
        return Status.PAUSED
    if projection.clock.extension_days > 0:
        return Status.EXTENDED
    return Status.IN_PROGRESS

"""From an application's timeline of events to the inputs of the legal clock, its outcome and status.

Status and deadlines are never typed in: they follow from what happened and when (the events). The
pairing rules are:

- 发出补正告知 / 收到补正材料 form a correction (Art. 30); the reply period restarts on the day the
  corrected application arrives.
- 征求第三方意见 (Art. 32), 征求其他机关意见 (Art. 34) and 收费通知 (国办函〔2020〕109号) open a pause; the
  matching end event (answer received / period lapsed, payment received) closes the earliest open pause
  of the same kind.
- 延期答复 (Art. 33 ¶2) adds its working days (total at most 20).
- 作出答复 closes the application with exactly one outcome (one row of annual-report table 三); 撤回申请
  closes it as 其他处理-其他.

Which step may follow which is ruled in :mod:`app.domain.procedure`; this module only projects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.codes import EventKind, Outcome, Status
from app.domain.dates import cn_date
from app.domain.deadlines import MAX_EXTENSION_DAYS, ClockInput, Correction, Deadlines, Pause
from app.domain.procedure import (
    PAUSE_ENDS,
    PAUSE_STARTS,
    CorrectionRequested,
    Decided,
    Extension,
    Recorded,
    closing_outcome,
)

__all__ = [
    "MAX_EXTENSION_DAYS",
    "PAUSE_ENDS",
    "PAUSE_STARTS",
    "Projection",
    "TimelineError",
    "TimelineEvent",
    "derive_status",
    "project",
]

#: ``TimelineEvent(kind, day, data)``: an event read from stored JSON (see :func:`app.domain.procedure.payload_of`).
TimelineEvent = Recorded.of


@dataclass(frozen=True)
class Projection:
    clock: ClockInput
    outcome: Outcome | None
    closed_on: date | None


class TimelineError(ValueError):
    """The events do not make sense together (Chinese message)."""


def project(receipt_date: date | None, events: Iterable[Recorded], *, fee_payment_days: int = 20) -> Projection:
    """Turn a timeline into the clock's input, the outcome and the closing date (条例 Art. 30–34, 42).

    Events are taken in date order (stable for equal dates). A reply (作出答复) or a withdrawal (撤回申请,
    其他处理-其他) closes the case. Raises TimelineError for an end without a start, a correction received
    without a notice, a second closing step, or extensions over 20 working days in total.
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
        p = ev.payload
        if ev.kind in PAUSE_STARTS:
            open_pauses.append(Pause(PAUSE_STARTS[ev.kind], ev.day))
        elif ev.kind in PAUSE_ENDS:
            kind = PAUSE_ENDS[ev.kind]
            match = next((q for q in open_pauses if q.kind is kind), None)
            if match is None:
                raise TimelineError(f"“{ev.kind.label}”（{cn_date(ev.day)}）之前没有对应的开始记录")
            if ev.day < match.start:
                raise TimelineError(f"“{ev.kind.label}”的日期早于开始日期 {cn_date(match.start)}")
            open_pauses.remove(match)
            closed_pauses.append(Pause(kind, match.start, ev.day))
        elif isinstance(p, CorrectionRequested):
            corrections.append(Correction(ev.day, None, p.deadline))
        elif ev.kind is EventKind.CORRECTION_RECEIVED:
            pending = next((i for i, c in enumerate(corrections) if c.received_date is None), None)
            if pending is None:
                raise TimelineError(f"收到补正材料（{cn_date(ev.day)}）之前没有发出补正告知")
            c = corrections[pending]
            corrections[pending] = Correction(c.notice_date, ev.day, c.deadline)
        elif isinstance(p, Extension):
            extension += p.days
            extension_on = ev.day
            if extension > MAX_EXTENSION_DAYS:
                raise TimelineError(f"延长答复期限合计不得超过 {MAX_EXTENSION_DAYS} 个工作日（第三十三条第二款）")
        elif ev.kind is EventKind.DECIDED or ev.kind is EventKind.WITHDRAWN:
            if closed_on is not None:
                raise TimelineError(f"该申请已于{cn_date(closed_on)}办结，不能再次办结")
            outcome = closing_outcome(ev.kind, p)
            if outcome is None and isinstance(p, Decided):
                raise TimelineError(f"作出答复（{cn_date(ev.day)}）须选择办理结果")
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
    """Where the application stands, from its projection and computed deadlines.

    待确认 until receipt is confirmed (Art. 31); 待补正 while a correction is outstanding (Art. 30); 暂停计时
    during a consultation or fee pause (Art. 32–34, 国办函〔2020〕109号); 已延期 after an extension (Art. 33);
    已办结 once the reply is made (Art. 36–39).
    """
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

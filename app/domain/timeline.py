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
from app.domain.dates import cn_date
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


def project(receipt_date: date | None, events: Iterable[TimelineEvent], *, fee_payment_days: int = 20) -> Projection:
    """Turn a timeline into the clock's input, the outcome and the closing date (条例 Art. 30–34, 42).

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
                raise TimelineError(f"“{ev.kind.label}”（{cn_date(ev.day)}）之前没有对应的开始记录")
            if ev.day < match.start:
                raise TimelineError(f"“{ev.kind.label}”的日期早于开始日期 {cn_date(match.start)}")
            open_pauses.remove(match)
            closed_pauses.append(Pause(kind, match.start, ev.day))
        elif ev.kind is EventKind.CORRECTION_REQUESTED:
            deadline = ev.data.get("deadline")
            corrections.append(
                Correction(ev.day, None, date.fromisoformat(deadline) if isinstance(deadline, str) else deadline)
            )
        elif ev.kind is EventKind.CORRECTION_RECEIVED:
            pending = next((i for i, c in enumerate(corrections) if c.received_date is None), None)
            if pending is None:
                raise TimelineError(f"收到补正材料（{cn_date(ev.day)}）之前没有发出补正告知")
            c = corrections[pending]
            corrections[pending] = Correction(c.notice_date, ev.day, c.deadline)
        elif ev.kind is EventKind.EXTENSION:
            extension += int(ev.data.get("days", 0))
            extension_on = ev.day
            if extension > MAX_EXTENSION_DAYS:
                raise TimelineError(f"延长答复期限合计不得超过 {MAX_EXTENSION_DAYS} 个工作日（第三十三条第二款）")
        elif ev.kind is EventKind.DECIDED:
            try:
                outcome = Outcome(ev.data.get("outcome"))
            except ValueError as exc:
                raise TimelineError(f"作出答复（{cn_date(ev.day)}）须选择办理结果") from exc
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


CLOCK_EVENTS = frozenset(
    {
        EventKind.CORRECTION_REQUESTED,
        EventKind.CORRECTION_RECEIVED,
        EventKind.EXTENSION,
        *PAUSE_STARTS,
        *PAUSE_ENDS,
    }
)
AFTER_CLOSING = frozenset(
    {
        EventKind.SERVED,
        EventKind.NOTE,
        EventKind.EDITED,
        EventKind.RECONSIDERATION_FILED,
        EventKind.RECONSIDERATION_DECIDED,
        EventKind.LITIGATION_FILED,
        EventKind.LITIGATION_DECIDED,
    }
)


def _pending_correction_deadline(events: list[TimelineEvent]) -> date | None:
    """The applicant's deadline of a correction notice not yet answered, if the notice set one."""
    pending: date | None = None
    for ev in sorted(events, key=lambda e: e.day):
        if ev.kind is EventKind.CORRECTION_REQUESTED:
            raw = ev.data.get("deadline")
            pending = date.fromisoformat(raw) if isinstance(raw, str) else raw
        elif ev.kind is EventKind.CORRECTION_RECEIVED:
            pending = None
    return pending


def check_new_event(
    receipt_date: date | None,
    existing: Iterable[TimelineEvent],
    new: TimelineEvent,
    current: Deadlines | None = None,
) -> list[str]:
    """Every reason *new* cannot be added to the timeline (empty list = it fits).

    - Clock events need a receipt date: an unconfirmed application has no clock to pause or extend (Art. 31).
    - A closed application takes no further handling steps, only service, remedies and notes.
    - 延期 is 1–20 working days in total (Art. 33 ¶2); 作出答复 needs exactly one outcome (table 三).
    - The applicant's correction deadline lies after the notice (Art. 30).
    - An extension must be notified before the reply period runs out (Art. 33 ¶2): with the *current*
      deadlines given, an extension dated after the unextended due date is refused, so a late case cannot
      leave 已超期 by a late extension.
    """
    events = list(existing)
    problems: list[str] = []
    if receipt_date is None and new.kind in CLOCK_EVENTS:
        problems.append("尚未确认收到申请，期限未起算，不能记录该事项；请先确认收到")
    if receipt_date is not None and new.day < receipt_date and new.kind is not EventKind.NOTE:
        problems.append(f"事项日期不能早于收到申请之日 {cn_date(receipt_date)}")
    if any(e.kind is EventKind.DECIDED for e in events) and new.kind not in AFTER_CLOSING:
        problems.append("该申请已作出答复（已办结），不能再记录办理事项")
    if new.kind is EventKind.EXTENSION:
        days = new.data.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION_DAYS:
            problems.append(f"延长的工作日数应为 1 至 {MAX_EXTENSION_DAYS} 之间的整数（第三十三条第二款）")
    if (
        new.kind is EventKind.EXTENSION
        and current is not None
        and current.unextended_due is not None
        and new.day > current.unextended_due
    ):
        problems.append(
            "延期须在答复期限届满前告知申请人（第三十三条第二款）；"
            f"原答复期限为 {cn_date(current.unextended_due)}，已届满，不能再延期"
        )
    decided_on = max((e.day for e in events if e.kind is EventKind.DECIDED), default=None)
    if new.kind in AFTER_CLOSING - {EventKind.NOTE, EventKind.EDITED} and (decided_on is None or new.day < decided_on):
        problems.append("送达、行政复议和行政诉讼只能记录在作出答复之后（不早于答复日期）")
    if new.kind in PAUSE_ENDS and new.data.get("how") == "lapsed" and current is not None:
        kind = PAUSE_ENDS[new.kind]
        lapse = next((due for p, due in current.consultation_dues if p.kind is kind and p.end is None), None)
        if lapse is not None and new.day > lapse:
            problems.append(
                f"征求意见期限于 {cn_date(lapse)} 届满，逾期未提出意见的，暂停计时止于该日，不能记为更晚的日期"
                "（第三十二条、第三十四条）"
            )
    if new.kind is EventKind.DECIDED and new.data.get("outcome") not in {o.value for o in Outcome}:
        problems.append("作出答复须选择办理结果")
    if new.kind is EventKind.DECIDED and new.data.get("outcome") == Outcome.OTHER_NO_CORRECTION.value:
        deadline = _pending_correction_deadline(events)
        if deadline is not None and new.day <= deadline:
            problems.append(f"申请人的补正期限（{cn_date(deadline)}）尚未届满，不能按“逾期不补正”处理（第三十条）")
    if (
        new.kind is EventKind.DECIDED
        and new.data.get("outcome") == Outcome.OTHER_NO_FEE.value
        and current is not None
        and current.fee_payment_due is not None
        and new.day <= current.fee_payment_due
    ):
        problems.append(
            f"缴费期限（{cn_date(current.fee_payment_due)}）尚未届满，不能按“逾期未缴费”处理（国办函〔2020〕109号）"
        )
    if new.kind is EventKind.CORRECTION_REQUESTED and new.data.get("deadline"):
        deadline = new.data["deadline"]
        deadline = date.fromisoformat(deadline) if isinstance(deadline, str) else deadline
        if deadline <= new.day:
            problems.append("补正期限应晚于补正告知日期")
    if not problems:
        try:
            project(receipt_date, [*events, new])
        except TimelineError as exc:
            problems.append(str(exc))
    return problems


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

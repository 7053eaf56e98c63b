"""The legal clock of an application: reply, correction, consultation and fee deadlines (docs/rules.md §4).

Everything here follows the project's counting rules, which the clerk must be able to check by hand:

* "N working days from date B" ends on the N-th working day *after* B; B itself is never counted, even when it
  is not a working day (docs/rules.md §4, project rule).
* Reply: 20 working days from receipt (《政府信息公开条例》第三十三条第一款), or from the day the corrected
  application arrives (第三十条), plus an extension of at most 20 working days (第三十三条第二款).
* Pauses: working days in (S, E] of a consultation of a third party (第三十二条) or of another agency
  (第三十四条), and between a fee notice and payment (国办函〔2020〕109号), are not counted
  (第三十三条第三款).
  Overlapping pauses are merged so a day is skipped only once. A pause that is still open suspends the clock.

The result carries a step-by-step Chinese explanation (:func:`explain`). Pure Python: no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.dates import cn_date, cn_weekday
from app.domain.workcalendar import DayKind, WorkCalendar

__all__ = [
    "CONSULTATION_DAYS",
    "CORRECTION_NOTICE_DAYS",
    "MAX_EXTENSION_DAYS",
    "REPLY_DAYS",
    "ClockInput",
    "Correction",
    "Deadlines",
    "Pause",
    "PauseKind",
    "Step",
    "cn_date",
    "cn_weekday",
    "compute_deadlines",
    "explain",
]

REPLY_DAYS = 20  # 第三十三条第一款
MAX_EXTENSION_DAYS = 20  # 第三十三条第二款
CORRECTION_NOTICE_DAYS = 7  # 第三十条
CONSULTATION_DAYS = 15  # 第三十二条、第三十四条

_ONE_DAY = timedelta(days=1)

STEP_KINDS = frozenset({"base", "holiday", "makeup", "pause", "extension", "result", "note", "provisional"})


class PauseKind(StrEnum):
    """Why the reply clock stops (第三十三条第三款; fee: 国办函〔2020〕109号)."""

    THIRD_PARTY = "third_party"  # 第三十二条
    OTHER_AGENCY = "other_agency"  # 第三十四条
    FEE = "fee"  # 国办函〔2020〕109号

    @property
    def label(self) -> str:
        return {
            PauseKind.THIRD_PARTY: "征求第三方意见",
            PauseKind.OTHER_AGENCY: "征求其他机关意见",
            PauseKind.FEE: "收费通知至缴费",
        }[self]

    @property
    def is_consultation(self) -> bool:
        return self is not PauseKind.FEE


@dataclass(frozen=True)
class Pause:
    """A pause from ``start`` (letter or fee notice sent) to ``end`` (answer, lapse or payment).

    The working days in (start, end] are not counted (第三十三条第三款); ``end=None`` means still open.
    """

    kind: PauseKind
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Correction:
    """A correction request (补正告知, 第三十条): sent on ``notice_date``, answered on ``received_date``.

    ``deadline`` is the date the office set for the applicant to correct; after it the application is deemed
    abandoned (视为放弃).
    """

    notice_date: date
    received_date: date | None = None
    deadline: date | None = None


@dataclass(frozen=True)
class ClockInput:
    """The facts the clock needs, taken from the application's events.

    ``receipt_date`` is the legal date of receipt (第三十一条); None while an ordinary letter awaits
    confirmation (待确认), in which case no clock runs.
    """

    receipt_date: date | None
    corrections: tuple[Correction, ...] = ()
    pauses: tuple[Pause, ...] = ()
    extension_days: int = 0
    extension_notified_on: date | None = None
    closed_on: date | None = None
    fee_payment_days: int = 20


@dataclass(frozen=True)
class Step:
    """One line of the explanation. ``kind`` is one of :data:`STEP_KINDS`; ``text`` is Chinese."""

    kind: str
    text: str
    day: date | None = None


@dataclass(frozen=True)
class Deadlines:
    """The computed clock of one application.

    ``state`` is "no_clock" (待确认), "running", "suspended" (an open pause: 计时暂停),
    "awaiting_correction" or "closed". ``used_days``/``remaining_days`` are the reply-period working days
    counted so far and still to run when the clock is suspended (None otherwise).
    """

    reply_due: date | None
    state: str
    base_date: date | None
    base_reason: str
    unextended_due: date | None
    correction_notice_due: date | None
    consultation_dues: tuple[tuple[Pause, date], ...]
    fee_payment_due: date | None
    provisional: bool
    steps: tuple[Step, ...]
    used_days: int | None = None
    remaining_days: int | None = None

    def working_days_left(self, today: date, cal: WorkCalendar) -> int | None:
        """Working days in (today, reply_due]; 0 when due today; None when there is no reply date (Art. 33).

        When overdue the result is negative: minus the working days in (reply_due, today], but at least -1
        (a Saturday after a Friday deadline is already overdue although no working day has passed).
        """
        return None if self.reply_due is None else days_left(cal, today, self.reply_due)


def days_left(cal: WorkCalendar, today: date, due: date) -> int:
    """Working days in (today, due]; once *due* has passed, minus the working days in (due, today], at least -1.

    The one rule for "剩余工作日" everywhere (detail view, register, 工作台); Art. 33 reply period.
    """
    if today <= due:
        return cal.working_days_between(today, due)
    return -max(1, cal.working_days_between(due, today))


# ---------------------------------------------------------------------------------------------- formatting


class _Fmt:
    """Dates in the explanation: the year is left out when it is the base date's year."""

    def __init__(self, ref_year: int) -> None:
        self.ref_year = ref_year

    def d(self, d: date, weekday: bool = False) -> str:
        return cn_date(d, year=d.year != self.ref_year, weekday=weekday)

    def span(self, a: date, b: date) -> str:
        if a == b:
            return self.d(a)
        return f"{self.d(a)}至{cn_date(b, year=b.year != a.year)}"


# ---------------------------------------------------------------------------------------------- computing


def _paused_days(pause: Pause, base: date) -> set[date]:
    """Calendar days in (max(start, base), end] of a closed pause."""
    assert pause.end is not None
    out: set[date] = set()
    d = max(pause.start, base) + _ONE_DAY
    while d <= pause.end:
        out.add(d)
        d += _ONE_DAY
    return out


def _holiday_range(cal: WorkCalendar, d: date) -> tuple[str, date, date]:
    name = cal.holiday_name(d) or ""
    start = end = d
    for _ in range(60):
        if cal.holiday_name(start - _ONE_DAY) != name:
            break
        start -= _ONE_DAY
    for _ in range(60):
        if cal.holiday_name(end + _ONE_DAY) != name:
            break
        end += _ONE_DAY
    return name, start, end


def _validate(inp: ClockInput) -> None:
    if not 0 <= inp.extension_days <= MAX_EXTENSION_DAYS:
        raise ValueError(
            f"延期天数应在 0 至 {MAX_EXTENSION_DAYS} 个工作日之间（第三十三条第二款），实际为 {inp.extension_days}"
        )
    if inp.fee_payment_days < 1:
        raise ValueError(f"缴费期限应至少为 1 个工作日，实际为 {inp.fee_payment_days}")
    for p in inp.pauses:
        if p.end is not None and p.end < p.start:
            raise ValueError(f"{p.kind.label}的结束日期 {cn_date(p.end)} 早于开始日期 {cn_date(p.start)}")
    for c in inp.corrections:
        if c.received_date is not None and c.received_date < c.notice_date:
            raise ValueError(f"收到补正材料日期 {cn_date(c.received_date)} 早于补正告知日期 {cn_date(c.notice_date)}")


def compute_deadlines(inp: ClockInput, cal: WorkCalendar, *, explain: bool = True) -> Deadlines:
    """Compute every deadline of one application and explain the arithmetic.

    Reply due = the (20 + extension)-th working day after the base date, skipping paused working days
    (第三十三条; pauses 第三十二条、第三十四条、国办函〔2020〕109号). The base date is the receipt date
    (第三十一条), or the day the last correction arrived (第三十条), after which earlier pauses no longer
    matter. The correction notice is due on the 7th working day after receipt (第三十条); a consultation's
    answer on the 15th working day after it started (第三十二条、第三十四条); a fee on the
    ``fee_payment_days``-th working day after the last fee notice. Raises ValueError for an extension
    outside 0..20 or inconsistent dates.

    ``explain=False`` (bulk work such as a ledger import of thousands of rows) computes the very same dates,
    state, base reason and day counts without the explanation: ``steps`` is then empty.
    """
    _validate(inp)
    if inp.receipt_date is None:
        text = "申请尚未确认收到（待确认），答复期限不起算（第三十一条）"
        return Deadlines(
            reply_due=None,
            state="closed" if inp.closed_on else "no_clock",
            base_date=None,
            base_reason="尚未确认收到申请",
            unextended_due=None,
            correction_notice_due=None,
            consultation_dues=(),
            fee_payment_due=None,
            provisional=False,
            steps=(Step("note", text),) if explain else (),
        )
    return _Computation(inp, cal, explain).run()


class _Computation:
    def __init__(self, inp: ClockInput, cal: WorkCalendar, explain: bool = True) -> None:
        self.inp = inp
        self.cal = cal
        self.explain = explain  # False: the dates only, no text (steps stay empty)
        assert inp.receipt_date is not None
        self.receipt: date = inp.receipt_date
        self.f = _Fmt(self.receipt.year)
        self.steps: list[Step] = []
        self.timeline: list[Step] = []  # holiday, make-up and pause steps, sorted by day at the end
        self.later: list[Step] = []  # the other deadlines, listed after the result

    # -- helpers
    def note(self, text: str, day: date | None = None) -> None:
        self.steps.append(Step("note", text, day))

    def later_note(self, text: str, day: date | None = None) -> None:
        self.later.append(Step("note", text, day))

    def nth(self, n: int, base: date, day: date, paused: set[date]) -> str:
        """How *day* is reached: "第 20 个工作日", or, with paused working days in between,
        "扣除暂停的 5 个工作日后的第 20 个工作日" (第三十三条第三款: a pause is not counted)."""
        skipped = sum(1 for x in paused if base < x <= day and self.cal.is_working_day(x))
        if not skipped:
            return f"第 {n} 个工作日"
        return f"扣除暂停的 {skipped} 个工作日后的第 {n} 个工作日"

    def which_days(self, own: set[date], overlapping: int) -> str:
        """The working days a pause removes, named: "3月3日至3月10日不计入，扣除 6 个工作日"."""
        f = self.f
        if not own:
            if overlapping:
                return f"与前一暂停完全重叠，扣除 0 个工作日（重叠的 {overlapping} 个工作日只扣除一次）"
            return "其间没有工作日，扣除 0 个工作日"
        first, last = min(own), max(own)
        span = f.d(first) if first == last else f"{f.d(first)}至{cn_date(last, year=last.year != first.year)}"
        text = f"{span}不计入，扣除 {len(own)} 个工作日"
        if overlapping:
            text += f"（另有 {overlapping} 个工作日与前一暂停重叠，只扣除一次）"
        return text

    def run(self) -> Deadlines:
        inp, cal, f = self.inp, self.cal, self.f
        receipt = self.receipt
        correction_notice_due = cal.add_working_days(receipt, CORRECTION_NOTICE_DAYS)

        # ---- base date (第三十一条 / 第三十条)
        corrections = sorted(inp.corrections, key=lambda c: c.notice_date)
        received = [c for c in corrections if c.received_date is not None]
        last_received = max(received, key=lambda c: c.received_date or c.notice_date) if received else None
        pending = [
            c
            for c in corrections
            if c.received_date is None
            and (
                last_received is None
                or last_received.received_date is None
                or c.notice_date >= last_received.received_date
            )
        ]
        explain = self.explain
        if last_received is not None and last_received.received_date is not None:
            base = last_received.received_date
            base_reason = f"收到补正材料之日 {cn_date(base)}（不计入期限）"
            if explain:
                base_text = (
                    f"起算日：收到补正材料之日{cn_date(base, weekday=True)}，不计入期限；答复期限自次日起重新计算"
                    f"（第三十条；原收到申请之日为{f.d(receipt)}）"
                )
        else:
            base = receipt
            base_reason = f"收到申请之日 {cn_date(base)}（不计入期限）"
            if explain:
                base_text = (
                    f"起算日：收到申请之日{cn_date(base, weekday=True)}，不计入期限，自次日起计算"
                    "（第三十一条、第三十三条）"
                )
        self.f = f = _Fmt(base.year)
        if explain:
            self.steps.append(Step("base", base_text, base))
            kind = cal.day_kind(base)
            if not kind.is_working:
                what = "法定节假日" if kind is DayKind.HOLIDAY else "休息日"
                self.note(f"{f.d(base)}为{what}，起算日本身仍不计入，自次日起按工作日计算", base)

            self.later.append(
                Step(
                    "note",
                    f"补正告知期限：{f.d(correction_notice_due, True)}，"
                    f"即收到申请后第 {CORRECTION_NOTICE_DAYS} 个工作日（第三十条）",
                    correction_notice_due,
                )
            )
            if corrections and corrections[0].notice_date > correction_notice_due:
                self.note(
                    f"补正告知于{f.d(corrections[0].notice_date)}发出，晚于第三十条规定的 7 个工作日",
                    corrections[0].notice_date,
                )

        # ---- pauses relevant to this base
        relevant: list[Pause] = []
        for p in sorted(inp.pauses, key=lambda p: (p.start, p.end or date.max)):
            if p.end is not None and p.end <= base:
                if not explain:
                    continue
                if base != receipt and p.start >= receipt:
                    self.note(
                        f"{p.kind.label} {f.span(p.start, p.end)}在收到补正材料之前，"
                        f"答复期限已重新计算，不再扣除（第三十条）",
                        p.start,
                    )
                else:
                    self.note(f"{p.kind.label} {f.span(p.start, p.end)}在起算日之前结束，不影响期限", p.start)
                continue
            relevant.append(p)

        consultation_dues = tuple(
            (p, cal.add_working_days(p.start, CONSULTATION_DAYS)) for p in relevant if p.kind.is_consultation
        )
        if explain:
            for p, due in consultation_dues:
                article = "第三十二条" if p.kind is PauseKind.THIRD_PARTY else "第三十四条"
                self.later_note(
                    f"{p.kind.label}：自{f.d(p.start)}起第 {CONSULTATION_DAYS} 个工作日为{f.d(due, True)}，"
                    f"逾期未提出意见的按{article}处理",
                    due,
                )
        fee_pauses = [p for p in relevant if p.kind is PauseKind.FEE]
        fee_payment_due = None
        if fee_pauses:
            last_fee = fee_pauses[-1]
            fee_payment_due = cal.add_working_days(last_fee.start, inp.fee_payment_days)
            if explain:
                self.later_note(
                    f"缴费期限：自收费通知{f.d(last_fee.start)}起第 {inp.fee_payment_days} 个工作日，"
                    f"即{f.d(fee_payment_due, True)}；逾期未缴费的不再处理（国办函〔2020〕109号）",
                    fee_payment_due,
                )

        # ---- awaiting correction (第三十条)
        if pending:
            c = pending[-1]
            if explain:
                text = (
                    f"已于{f.d(c.notice_date)}发出补正告知，等待申请人补正；"
                    "答复期限自收到补正材料之日起重新计算（第三十条）"
                )
                if c.deadline is not None:
                    text += f"。补正期限：{f.d(c.deadline, True)}，逾期不补正视为放弃申请"
                self.steps.append(Step("result", text, c.deadline))
            return self.finish(
                reply_due=None,
                state="awaiting_correction",
                base=base,
                base_reason=base_reason,
                unextended_due=None,
                correction_notice_due=correction_notice_due,
                consultation_dues=consultation_dues,
                fee_payment_due=fee_payment_due,
            )

        # ---- count (第三十三条)
        total = REPLY_DAYS + inp.extension_days
        closed_pauses = [p for p in relevant if p.end is not None]
        open_pauses = [p for p in relevant if p.end is None]
        open_start = min((max(p.start, base) for p in open_pauses), default=None)
        paused: set[date] = set()
        for p in closed_pauses:
            paused |= _paused_days(p, base)

        used = 0
        unextended_due: date | None = None
        reply_due: date | None = None
        d = base
        if not explain:  # the same count as below, without gathering the holidays and make-up days to name
            is_working_day = cal.is_working_day
            if not paused and open_start is None:  # nothing skipped: the calendar's own count
                unextended_due = cal.add_working_days(base, REPLY_DAYS)
                reply_due = cal.add_working_days(base, total) if total != REPLY_DAYS else unextended_due
                used = total
            while reply_due is None:
                if open_start is not None and d >= open_start:
                    break
                d += _ONE_DAY
                if not is_working_day(d) or d in paused:
                    continue
                used += 1
                if used == REPLY_DAYS:
                    unextended_due = d
                if used == total:
                    reply_due = d
                    break
            return self.finish(
                reply_due=reply_due,
                state="suspended" if open_pauses else "running",
                base=base,
                base_reason=base_reason,
                unextended_due=unextended_due,
                correction_notice_due=correction_notice_due,
                consultation_dues=consultation_dues,
                fee_payment_due=fee_payment_due,
                used=used if open_pauses else None,
                remaining=max(0, total - used) if open_pauses else None,
            )
        counted_makeups: list[tuple[date, bool]] = []
        holidays_seen: list[tuple[str, date, date]] = []
        while True:
            if open_start is not None and d >= open_start:
                break
            d += _ONE_DAY
            kind = cal.day_kind(d)
            if kind is DayKind.HOLIDAY:
                rng = _holiday_range(cal, d)
                if not holidays_seen or holidays_seen[-1] != rng:
                    holidays_seen.append(rng)
            if not kind.is_working:
                continue
            if kind is DayKind.MAKEUP:
                counted_makeups.append((d, d not in paused))
            if d in paused:
                continue
            used += 1
            if used == REPLY_DAYS:
                unextended_due = d
            if used == total:
                reply_due = d
                break
        end_of_count = reply_due if reply_due is not None else (open_start or d)

        for name, start, end in holidays_seen:
            self.timeline.append(Step("holiday", f"{name} {f.span(start, end)}放假，不计入", start))
        for day, counted in counted_makeups:
            if counted:
                self.timeline.append(Step("makeup", f"{f.d(day, True)}为调休工作日，计入", day))
            else:
                self.timeline.append(Step("makeup", f"{f.d(day, True)}为调休工作日，但处于暂停期间，不计入", day))

        # per-pause deductions, each paused working day attributed once (to the earliest pause)
        already: set[date] = set()
        total_paused = 0
        for p in closed_pauses:
            days = {x for x in _paused_days(p, base) if x <= end_of_count and cal.is_working_day(x)}
            own = days - already
            already |= days
            total_paused += len(own)
            label = f"{p.kind.label} {f.span(p.start, p.end)}"  # type: ignore[arg-type]
            if p.start >= end_of_count and reply_due is not None:
                text = f"{label}：在答复期限届满之后开始，不影响期限"
            else:
                text = f"{label}：{self.which_days(own, len(days) - len(own))}"
                if p.start < base:
                    text += f"（{f.d(base)}之前的部分不计）"
            self.timeline.append(Step("pause", text, p.start))
        for p in open_pauses:
            text = (
                f"{p.kind.label} 自{f.d(p.start)}起，尚未结束：自{f.d(max(p.start, base) + _ONE_DAY)}起计时暂停，"
                "暂停期间不计入答复期限（第三十三条第三款）"
            )
            self.timeline.append(Step("pause", text, p.start))

        self.timeline.sort(key=lambda s: (s.day or date.min, s.kind != "holiday"))
        self.steps.extend(self.timeline)

        if inp.extension_days:
            text = f"延期答复 {inp.extension_days} 个工作日（第三十三条第二款，最长不超过 20 个工作日）"
            if inp.extension_notified_on is not None:
                text += f"，已于{f.d(inp.extension_notified_on)}告知申请人"
            self.steps.append(Step("extension", text, inp.extension_notified_on))
            if unextended_due is not None:
                self.note(
                    f"未延期时的答复期限（{self.nth(REPLY_DAYS, base, unextended_due, paused)}）"
                    f"为{f.d(unextended_due, True)}，延期须在此前告知申请人",
                    unextended_due,
                )
                if inp.extension_notified_on is not None and inp.extension_notified_on > unextended_due:
                    self.note(
                        f"注意：延期告知日{f.d(inp.extension_notified_on)}晚于未延期时的答复期限"
                        f"{f.d(unextended_due)}（第三十三条第二款要求在期限内告知）",
                        inp.extension_notified_on,
                    )
            elif inp.extension_notified_on is None:
                self.note("延期告知日期尚未登记")

        parts = [f"{REPLY_DAYS} 个工作日"]
        if inp.extension_days:
            parts.append(f"延期 {inp.extension_days} 个工作日")
        if open_pauses:
            remaining = total - used
            state = "suspended"
            if reply_due is not None:
                text = (
                    f"答复期限已于{cn_date(reply_due, weekday=True)}届满"
                    f"（暂停开始前已满 {' + '.join(parts)}），其后的暂停不能延长期限"
                )
            else:
                assert open_start is not None
                skipped = sum(1 for x in paused if base < x <= open_start and cal.is_working_day(x))
                if open_start > base:
                    counted_span = f"{f.span(base + _ONE_DAY, open_start)}已计 {used} 个工作日"
                    if skipped:
                        counted_span += f"（其中暂停的 {skipped} 个工作日不计入）"
                else:
                    counted_span = f"暂停自起算日开始，已计 {used} 个工作日"
                text = (
                    f"计时暂停：{counted_span}，尚余 {remaining} 个工作日（共 {' + '.join(parts)}）；"
                    "暂停结束后自结束次日起继续计算"
                )
            self.steps.append(Step("result", text, reply_due))
            return self.finish(
                reply_due=reply_due,
                state=state,
                base=base,
                base_reason=base_reason,
                unextended_due=unextended_due,
                correction_notice_due=correction_notice_due,
                consultation_dues=consultation_dues,
                fee_payment_due=fee_payment_due,
                used=used,
                remaining=max(0, remaining),
            )

        assert reply_due is not None
        counted = cal.working_days_between(base, reply_due)
        result = f"答复期限：{cn_date(reply_due, weekday=True)}"
        if len(parts) == 1 and not total_paused:
            text = f"{result}，即{cn_date(base)}之后的第 {REPLY_DAYS} 个工作日（第三十三条）"
        else:
            if total_paused:
                parts.append(f"暂停扣除 {total_paused} 个工作日")
            nth = self.nth(total, base, reply_due, paused)
            text = (
                f"{result}，即{cn_date(base)}之后{nth if nth.startswith('扣除') else '的' + nth}："
                f"{' + '.join(parts)} = {counted} 个工作日（第三十三条）"
            )
        self.steps.append(Step("result", text, reply_due))
        return self.finish(
            reply_due=reply_due,
            state="running",
            base=base,
            base_reason=base_reason,
            unextended_due=unextended_due,
            correction_notice_due=correction_notice_due,
            consultation_dues=consultation_dues,
            fee_payment_due=fee_payment_due,
        )

    def finish(
        self,
        *,
        reply_due: date | None,
        state: str,
        base: date,
        base_reason: str,
        unextended_due: date | None,
        correction_notice_due: date,
        consultation_dues: tuple[tuple[Pause, date], ...],
        fee_payment_due: date | None,
        used: int | None = None,
        remaining: int | None = None,
    ) -> Deadlines:
        inp, cal, f = self.inp, self.cal, self.f
        self.steps.extend(self.later)
        if inp.closed_on is not None:
            state = "closed"
            if not self.explain:
                pass
            elif reply_due is not None:
                if inp.closed_on <= reply_due:
                    self.note(f"已于{f.d(inp.closed_on)}办结，在答复期限内", inp.closed_on)
                else:
                    late = max(1, cal.working_days_between(reply_due, inp.closed_on))
                    self.note(f"已于{f.d(inp.closed_on)}办结，超过答复期限 {late} 个工作日", inp.closed_on)
            else:
                self.note(f"已于{f.d(inp.closed_on)}办结", inp.closed_on)

        dates: list[date] = [correction_notice_due, *(due for _, due in consultation_dues)]
        dates += [x for x in (reply_due, unextended_due, fee_payment_due) if x is not None]
        unconfirmed = sorted({y for x in dates for y in cal.unconfirmed_years_for(x)})
        provisional = bool(unconfirmed)
        if provisional and self.explain:
            years = "、".join(f"{y}年" for y in unconfirmed)
            if reply_due is not None and cal.unconfirmed_years_for(reply_due):
                text = f"（{years}放假安排尚未确认，此日期为预估）"
            else:
                text = f"（{years}放假安排尚未确认，落在该年的日期为预估）"
            self.steps.append(Step("provisional", text))
        return Deadlines(
            reply_due=reply_due,
            state=state,
            base_date=base,
            base_reason=base_reason,
            unextended_due=unextended_due,
            correction_notice_due=correction_notice_due,
            consultation_dues=consultation_dues,
            fee_payment_due=fee_payment_due,
            provisional=provisional,
            steps=tuple(self.steps),
            used_days=used,
            remaining_days=remaining,
        )


def explain(d: Deadlines) -> str:
    """The explanation as Chinese text, one line per step, for the clerk to check by hand."""
    return "\n".join(step.text for step in d.steps)

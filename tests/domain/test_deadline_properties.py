"""Properties of the legal clock that must hold for any receipt date, pauses and extension."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.deadlines import REPLY_DAYS, ClockInput, Pause, PauseKind, compute_deadlines
from app.domain.workcalendar import WorkCalendar

CAL = WorkCalendar()
SETTINGS = settings(max_examples=200, deadline=None)

receipts = st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31))
extensions = st.integers(min_value=0, max_value=20)


@st.composite
def closed_pauses(draw: st.DrawFn, receipt: date, max_count: int = 3) -> tuple[Pause, ...]:
    out = []
    for _ in range(draw(st.integers(0, max_count))):
        start = receipt + timedelta(days=draw(st.integers(0, 60)))
        end = start + timedelta(days=draw(st.integers(0, 30)))
        out.append(Pause(draw(st.sampled_from(list(PauseKind))), start, end))
    return tuple(out)


@st.composite
def cases(draw: st.DrawFn) -> ClockInput:
    receipt = draw(receipts)
    return ClockInput(receipt, pauses=draw(closed_pauses(receipt)), extension_days=draw(extensions))


def paused_working_days(inp: ClockInput, base: date, due: date) -> int:
    days: set[date] = set()
    for p in inp.pauses:
        assert p.end is not None
        d = max(p.start, base) + timedelta(days=1)
        while d <= min(p.end, due):
            if CAL.is_working_day(d):
                days.add(d)
            d += timedelta(days=1)
    return len(days)


@SETTINGS
@given(cases())
def test_due_date_is_a_working_day(inp: ClockInput) -> None:
    d = compute_deadlines(inp, CAL)
    assert d.state == "running"
    assert d.reply_due is not None and CAL.is_working_day(d.reply_due)
    assert d.unextended_due is not None and d.unextended_due <= d.reply_due
    assert d.correction_notice_due is not None and CAL.is_working_day(d.correction_notice_due)
    assert d.working_days_left(d.reply_due, CAL) == 0


@SETTINGS
@given(cases(), st.data())
def test_adding_a_pause_never_makes_the_due_date_earlier(inp: ClockInput, data: st.DataObject) -> None:
    assert inp.receipt_date is not None
    extra = data.draw(closed_pauses(inp.receipt_date, max_count=1).filter(bool))
    before = compute_deadlines(inp, CAL).reply_due
    after = compute_deadlines(
        ClockInput(inp.receipt_date, pauses=inp.pauses + extra, extension_days=inp.extension_days), CAL
    )
    assert before is not None and after.reply_due is not None
    assert after.reply_due >= before


@SETTINGS
@given(receipts, st.integers(1, 20), st.data())
def test_extension_adds_exactly_k_working_days_when_no_pause_follows(
    receipt: date, k: int, data: st.DataObject
) -> None:
    unextended = compute_deadlines(ClockInput(receipt), CAL).reply_due
    assert unextended is not None
    # pauses that all end before the unextended due date
    pauses = tuple(p for p in data.draw(closed_pauses(receipt)) if p.end is not None and p.end < unextended)
    base = compute_deadlines(ClockInput(receipt, pauses=pauses), CAL)
    ext = compute_deadlines(ClockInput(receipt, pauses=pauses, extension_days=k), CAL)
    assert base.reply_due is not None and ext.reply_due is not None
    assert ext.unextended_due == base.reply_due
    assert CAL.working_days_between(base.reply_due, ext.reply_due) == k
    assert ext.reply_due == CAL.add_working_days(base.reply_due, k)


@SETTINGS
@given(cases())
def test_counted_minus_paused_is_twenty_plus_extension(inp: ClockInput) -> None:
    d = compute_deadlines(inp, CAL)
    assert d.base_date is not None and d.reply_due is not None
    counted = CAL.working_days_between(d.base_date, d.reply_due)
    assert counted - paused_working_days(inp, d.base_date, d.reply_due) == REPLY_DAYS + inp.extension_days


@SETTINGS
@given(cases())
def test_explained_pause_lengths_add_up(inp: ClockInput) -> None:
    d = compute_deadlines(inp, CAL)
    assert d.base_date is not None and d.reply_due is not None
    deducted = 0
    for step in d.steps:
        if step.kind == "pause":
            m = re.search(r"扣除 (\d+) 个工作日", step.text)
            if m:
                deducted += int(m.group(1))
            else:
                assert "不影响期限" in step.text
    counted = CAL.working_days_between(d.base_date, d.reply_due)
    assert deducted + REPLY_DAYS + inp.extension_days == counted


@SETTINGS
@given(receipts, st.integers(1, 60))
def test_add_and_between_are_inverse(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1


# --------------------------------------------------------------------- corrections and open pauses


@SETTINGS
@given(cases(), st.integers(1, 40), st.integers(0, 40))
def test_a_received_correction_restarts_the_period_whatever_came_before(inp: ClockInput, notice_after: int, gap: int):
    """Art. 30: counted afresh from the day the corrected application arrives; pauses before it no longer matter."""
    from app.domain.deadlines import Correction

    assert inp.receipt_date is not None
    notice = inp.receipt_date + timedelta(days=notice_after)
    received = notice + timedelta(days=gap)
    # a pause still running on the correction day keeps counting from that day (project convention)
    later_pauses = tuple(
        Pause(p.kind, max(p.start, received), p.end) for p in inp.pauses if p.end is None or p.end > received
    )
    with_correction = ClockInput(
        inp.receipt_date,
        corrections=(Correction(notice, received),),
        pauses=inp.pauses,
        extension_days=inp.extension_days,
    )
    fresh = ClockInput(received, pauses=later_pauses, extension_days=inp.extension_days)
    a, b = compute_deadlines(with_correction, CAL), compute_deadlines(fresh, CAL)
    assert a.base_date == received
    assert a.reply_due == b.reply_due


@SETTINGS
@given(cases(), st.integers(0, 60))
def test_an_open_pause_suspends_the_clock_and_never_shows_a_later_date(inp: ClockInput, start_after: int):
    """An unfinished consultation or fee pause has no end: 计时暂停, with used + remaining = the full period."""
    assert inp.receipt_date is not None
    closed_due = compute_deadlines(inp, CAL).reply_due
    assert closed_due is not None
    start = inp.receipt_date + timedelta(days=start_after)
    d = compute_deadlines(
        ClockInput(
            inp.receipt_date,
            pauses=(*inp.pauses, Pause(PauseKind.THIRD_PARTY, start, None)),
            extension_days=inp.extension_days,
        ),
        CAL,
    )
    assert d.state == "suspended"
    if d.reply_due is None:  # the pause began while days remained
        assert d.used_days is not None and d.remaining_days is not None
        assert d.used_days + d.remaining_days == REPLY_DAYS + inp.extension_days
        assert d.remaining_days > 0
    else:  # the period had already run out before the pause began: the passed date stays visible
        assert d.reply_due <= closed_due and d.reply_due <= start

"""The bulk path of the legal clock (``compute_deadlines(..., explain=False)``) gives exactly the results of
the explained computation, only without the explanation."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.deadlines import ClockInput, Correction, Pause, PauseKind, compute_deadlines
from app.domain.ledger import memo_calendar
from app.domain.workcalendar import WorkCalendar

CAL = WorkCalendar()
MEMO = memo_calendar(WorkCalendar())


@st.composite
def inputs(draw: st.DrawFn) -> ClockInput:
    if draw(st.integers(0, 20)) == 0:
        return ClockInput(None, closed_on=draw(st.none() | st.dates(date(2019, 1, 1), date(2026, 12, 31))))
    receipt = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31)))

    def later(lo: int = 0, hi: int = 60) -> date:
        return receipt + timedelta(days=draw(st.integers(lo, hi)))

    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        start = later()
        end = None if draw(st.integers(0, 4)) == 0 else start + timedelta(days=draw(st.integers(0, 30)))
        pauses.append(Pause(draw(st.sampled_from(list(PauseKind))), start, end))
    corrections = []
    for _ in range(draw(st.integers(0, 2))):
        notice = later(0, 20)
        received = None if draw(st.booleans()) else notice + timedelta(days=draw(st.integers(0, 20)))
        deadline = None if draw(st.booleans()) else notice + timedelta(days=15)
        corrections.append(Correction(notice, received, deadline))
    extension = draw(st.integers(0, 20))
    return ClockInput(
        receipt,
        corrections=tuple(corrections),
        pauses=tuple(pauses),
        extension_days=extension,
        extension_notified_on=later() if extension and draw(st.booleans()) else None,
        closed_on=later(0, 90) if draw(st.booleans()) else None,
        fee_payment_days=draw(st.integers(1, 30)),
    )


@settings(max_examples=400, deadline=None)
@given(inputs())
def test_the_bulk_path_computes_what_the_explained_path_computes(inp: ClockInput) -> None:
    for cal in (CAL, MEMO):
        full = compute_deadlines(inp, cal)
        fast = compute_deadlines(inp, cal, explain=False)
        assert fast.steps == ()
        assert dataclasses.replace(full, steps=()) == fast


def test_the_explained_path_is_the_default() -> None:
    assert compute_deadlines(ClockInput(date(2026, 3, 5)), CAL).steps
    assert compute_deadlines(ClockInput(None), CAL).steps


@settings(max_examples=300, deadline=None)
@given(st.lists(inputs(), min_size=1, max_size=6))
def test_the_ledger_memo_gives_what_the_bulk_path_gives(clocks: list[ClockInput]) -> None:
    from app.domain.ledger import _DeadlineMemo

    memo = _DeadlineMemo(MEMO)
    for clock in clocks + clocks:  # the second round is answered from the memo
        assert memo(clock) == compute_deadlines(clock, CAL, explain=False)
        shared = dataclasses.replace(clock, closed_on=None, extension_notified_on=None)
        assert memo(shared) == compute_deadlines(shared, CAL, explain=False)


def test_the_memo_calendar_answers_as_the_calendar() -> None:
    cal, memo = WorkCalendar(), memo_calendar(WorkCalendar())
    day = date(2018, 1, 1)
    while day < date(2028, 1, 31):
        assert memo.unconfirmed_years_for(day) == cal.unconfirmed_years_for(day), day
        assert memo.is_working_day(day) == cal.is_working_day(day), day
        day += timedelta(days=1)

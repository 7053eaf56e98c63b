from datetime import date

import pytest

from app.domain.codes import EventKind, Outcome, Status
from app.domain.deadlines import PauseKind, compute_deadlines
from app.domain.procedure import check_step, situation_of
from app.domain.timeline import TimelineError, TimelineEvent, derive_status, project
from app.domain.workcalendar import WorkCalendar

CAL = WorkCalendar()
R = date(2026, 2, 13)


def check_new_event(receipt, existing, new, today=date(2026, 3, 16)):
    """The procedure's verdict on one more event (registered 2026-02-01, asked on 2026-03-16)."""
    sit = situation_of(date(2026, 2, 1), receipt, existing, CAL)
    return check_step(sit, new.kind, new.day, new.payload, today, new.note or "备注")


def status_of(receipt, events):
    proj = project(receipt, events)
    return derive_status(proj, compute_deadlines(proj.clock, CAL)), proj


def test_fresh_application_is_in_progress_and_due_on_the_worked_example():
    status, proj = status_of(R, [TimelineEvent(EventKind.REGISTERED, R)])
    assert status is Status.IN_PROGRESS
    assert compute_deadlines(proj.clock, CAL).reply_due == date(2026, 3, 19)


def test_unconfirmed_application_has_no_clock():
    status, _ = status_of(None, [TimelineEvent(EventKind.REGISTERED, R)])
    assert status is Status.AWAITING_CONFIRMATION


def test_open_consultation_pauses_and_its_end_resumes():
    start = TimelineEvent(EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 3, 2))
    status, proj = status_of(R, [start])
    assert status is Status.PAUSED
    assert proj.clock.pauses[0].kind is PauseKind.THIRD_PARTY and proj.clock.pauses[0].end is None
    end = TimelineEvent(EventKind.THIRD_PARTY_CONSULTATION_ENDED, date(2026, 3, 10))
    status, proj = status_of(R, [start, end])
    assert status is Status.IN_PROGRESS
    # 6 working days (3-3 .. 3-10) are not counted: 3-19 moves 6 working days later
    assert compute_deadlines(proj.clock, CAL).reply_due == date(2026, 3, 27)


def test_fee_notice_and_payment_pair_up():
    _, proj = status_of(
        R,
        [
            TimelineEvent(EventKind.FEE_NOTICE_SENT, date(2026, 3, 2)),
            TimelineEvent(EventKind.FEE_PAID, date(2026, 3, 4)),
        ],
    )
    assert proj.clock.pauses[0].kind is PauseKind.FEE and proj.clock.pauses[0].end == date(2026, 3, 4)


def test_correction_requested_waits_then_restarts_the_period():
    req = TimelineEvent(EventKind.CORRECTION_REQUESTED, date(2026, 2, 24), {"deadline": "2026-03-10"})
    status, proj = status_of(R, [req])
    assert status is Status.AWAITING_CORRECTION
    assert proj.clock.corrections[0].deadline == date(2026, 3, 10)
    got = TimelineEvent(EventKind.CORRECTION_RECEIVED, date(2026, 3, 2))
    status, proj = status_of(R, [req, got])
    assert status is Status.IN_PROGRESS
    assert compute_deadlines(proj.clock, CAL).base_date == date(2026, 3, 2)


def test_extension_counts_and_is_capped_at_twenty():
    ext = TimelineEvent(EventKind.EXTENSION, date(2026, 3, 16), {"days": 20})
    status, proj = status_of(R, [ext])
    assert status is Status.EXTENDED and proj.clock.extension_days == 20
    with pytest.raises(TimelineError, match=r"^延长答复期限合计不得超过 20 个工作日（第三十三条第二款）$"):
        project(R, [ext, TimelineEvent(EventKind.EXTENSION, date(2026, 3, 17), {"days": 1})])


def test_decision_closes_with_its_outcome():
    status, proj = status_of(R, [TimelineEvent(EventKind.DECIDED, date(2026, 3, 5), {"outcome": "partial"})])
    assert status is Status.CLOSED
    assert proj.outcome is Outcome.PARTIAL and proj.closed_on == date(2026, 3, 5)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (
            [TimelineEvent(EventKind.FEE_PAID, date(2026, 3, 4))],
            "“收到缴费（恢复计时）”（2026年3月4日）之前没有对应的开始记录",
        ),
        (
            [TimelineEvent(EventKind.CORRECTION_RECEIVED, date(2026, 3, 4))],
            "收到补正材料（2026年3月4日）之前没有发出补正告知",
        ),
        (
            [
                TimelineEvent(EventKind.AGENCY_CONSULTATION_STARTED, date(2026, 3, 4)),
                TimelineEvent(EventKind.THIRD_PARTY_CONSULTATION_ENDED, date(2026, 3, 5)),
            ],
            "“第三方意见征询结束（恢复计时）”（2026年3月5日）之前没有对应的开始记录",
        ),
    ],
)
def test_ends_without_starts_are_refused(events, message):
    with pytest.raises(TimelineError) as err:
        project(R, events)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("receipt", "existing", "new", "fragment"),
    [
        (None, [], TimelineEvent(EventKind.EXTENSION, R, {"days": 5}), "尚未确认收到"),
        (R, [], TimelineEvent(EventKind.FEE_NOTICE_SENT, date(2026, 2, 12)), "不能早于收到申请之日"),
        (
            R,
            [TimelineEvent(EventKind.DECIDED, R, {"outcome": "disclosed"})],
            TimelineEvent(EventKind.EXTENSION, R, {"days": 5}),
            "已办结",
        ),
        (R, [], TimelineEvent(EventKind.EXTENSION, R, {"days": 0}), "1 至 20"),
        (R, [], TimelineEvent(EventKind.EXTENSION, R, {"days": 21}), "1 至 20"),
        (R, [], TimelineEvent(EventKind.DECIDED, R, {}), "办理结果"),
        (R, [], TimelineEvent(EventKind.CORRECTION_REQUESTED, R, {"deadline": "2026-02-13"}), "补正期限"),
        (R, [], TimelineEvent(EventKind.FEE_PAID, R), "没有正在进行的“收费通知至缴费”"),
    ],
)
def test_new_events_that_do_not_fit_are_explained(receipt, existing, new, fragment):
    problems = check_new_event(receipt, existing, new)
    assert any(fragment in p for p in problems), problems


def test_notes_and_remedies_still_fit_after_closing():
    closed = [TimelineEvent(EventKind.DECIDED, R, {"outcome": "disclosed"})]
    assert check_new_event(R, closed, TimelineEvent(EventKind.NOTE, R)) == []
    assert check_new_event(R, closed, TimelineEvent(EventKind.RECONSIDERATION_FILED, date(2026, 3, 1))) == []


def test_decision_without_outcome_is_a_timeline_error_not_a_crash():
    with pytest.raises(TimelineError) as err:
        project(R, [TimelineEvent(EventKind.DECIDED, R, {})])
    assert str(err.value) == "作出答复（2026年2月13日）须选择办理结果"


def test_a_second_closing_step_is_refused():
    decided = TimelineEvent(EventKind.DECIDED, R, {"outcome": "disclosed"})
    with pytest.raises(TimelineError) as err:
        project(R, [decided, TimelineEvent(EventKind.WITHDRAWN, date(2026, 2, 16))])
    assert str(err.value) == "该申请已于2026年2月13日办结，不能再次办结"


def test_no_correction_outcome_only_after_the_applicants_deadline():
    req = TimelineEvent(EventKind.CORRECTION_REQUESTED, date(2026, 2, 24), {"deadline": "2026-03-10"})
    early = TimelineEvent(EventKind.DECIDED, date(2026, 3, 10), {"outcome": Outcome.OTHER_NO_CORRECTION.value})
    problems = check_new_event(R, [req], early)
    assert problems and "尚未届满" in problems[0] and "2026年3月10日" in problems[0]
    late = TimelineEvent(EventKind.DECIDED, date(2026, 3, 11), {"outcome": Outcome.OTHER_NO_CORRECTION.value})
    assert check_new_event(R, [req], late) == []


def test_no_fee_outcome_only_after_the_payment_deadline():
    notice = TimelineEvent(EventKind.FEE_NOTICE_SENT, date(2026, 3, 2), {"amount_yuan": 100})
    proj = project(R, [notice])
    current = compute_deadlines(proj.clock, CAL)
    assert current.fee_payment_due == date(2026, 3, 30)  # 20 working days after the notice
    on_due = TimelineEvent(EventKind.DECIDED, current.fee_payment_due, {"outcome": Outcome.OTHER_NO_FEE.value})
    assert any("缴费期限（2026年3月30日）尚未届满" in p for p in check_new_event(R, [notice], on_due))
    after = TimelineEvent(EventKind.DECIDED, date(2026, 3, 31), {"outcome": Outcome.OTHER_NO_FEE.value})
    assert check_new_event(R, [notice], after, today=date(2026, 4, 1)) == []

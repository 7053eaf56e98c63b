"""The 工作台's lists and figures, on cases built through the services (2026 calendar, docs/rules.md §4).

The morning looked at is Monday 2026-03-16; "due soon" is 3 working days (Thu 03-19), "just passed" is at most
3 working days back (Wed 03-11). Every date below was counted by hand on the 2026 schedule (春节 02-15–23 off,
Sat 02-14 and Sat 02-28 make-up working days; 清明 04-04–06 off).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome, PostKind
from app.domain.deadlines import PauseKind
from app.domain.fees import FeeScheme
from app.services import applications as A
from app.services import dashboard as D
from app.services import register as R
from app.services.register import RegisterFilter
from app.services.register import StatusFilter as F
from tests.factories import register_in_person

MORNING = datetime(2026, 3, 16, 8, 45)


def step(ctx, clock, app_id: int, kind: EventKind, day: date, payload: P.Payload | None = None) -> None:
    clock.value = datetime.combine(day, datetime.min.time()).replace(hour=15)
    A.record_event(ctx, app_id, kind, day, payload)


def void(ctx, clock, app_id: int, day: date) -> None:
    clock.value = datetime.combine(day, datetime.min.time()).replace(hour=16)
    A.void_application(ctx, app_id, P.VoidReason.DUPLICATE, "同一份申请登记了两次")


def arrive_unconfirmed(ctx, clock, when: datetime, channel: Channel, name: str) -> int:
    post = PostKind.ORDINARY if channel is Channel.LETTER else None
    return register_in_person(ctx, when, clock, name=name, channel=channel, post_kind=post).id


@dataclass
class Cases:
    jan20: int
    feb9: int
    feb10: int
    ext: int
    feb13: int
    tp: int
    ag: int
    tp_done: int
    fee: int
    fee_paid: int
    feb27: int
    cn_a: int
    unserved: int
    cn_b: int
    served: int
    withdrawn: int
    cn_c: int
    corr: int
    mar11: int
    letter: int
    email: int
    today: int
    online: int
    voided: tuple[int, ...]


@pytest.fixture
def cases(ctx, clock) -> Cases:
    """A quarter of a small office's work, registered and handled day by day up to the morning of 03-16."""

    def reg(when: datetime, name: str) -> int:
        return register_in_person(ctx, when, clock, name=name).id

    jan20 = reg(datetime(2026, 1, 20, 9, 0), "一月")  # reply due Tue 02-24
    feb9 = reg(datetime(2026, 2, 9, 9, 0), "二月九日")  # reply due Fri 03-13
    dup = reg(datetime(2026, 2, 9, 9, 5), "二月九日")
    void(ctx, clock, dup, date(2026, 2, 9))
    feb10 = reg(datetime(2026, 2, 10, 9, 0), "二月十日")  # reply due Mon 03-16 (today)
    ext = reg(datetime(2026, 2, 10, 10, 0), "延期")  # 20 + 3 working days: due Thu 03-19
    feb13 = reg(datetime(2026, 2, 13, 9, 0), "二月十三日")  # reply due Thu 03-19 (docs/rules.md §4 example)
    tp = reg(datetime(2026, 2, 24, 9, 0), "征求第三方")
    ag = reg(datetime(2026, 2, 24, 9, 10), "征求机关")
    tp_done = reg(datetime(2026, 2, 24, 9, 20), "已收到意见")
    fee = reg(datetime(2026, 2, 24, 9, 30), "待缴费")
    fee_paid = reg(datetime(2026, 2, 24, 9, 40), "已缴费")
    step(ctx, clock, ag, EventKind.AGENCY_CONSULTATION_STARTED, date(2026, 2, 24), P.ConsultationStarted(party="某局"))
    step(ctx, clock, tp_done, EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 2, 25), P.ConsultationStarted())
    third = P.ConsultationStarted(party="淄博鲁中化工股份有限公司")
    step(ctx, clock, tp, EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 2, 26), third)
    notice = P.FeeNotice(amount_yuan=100, quantity=40, scheme=FeeScheme.PER_PAGE)  # 30 pages free + 10 × 10 yuan
    step(ctx, clock, fee, EventKind.FEE_NOTICE_SENT, date(2026, 2, 26), notice)
    step(ctx, clock, fee_paid, EventKind.FEE_NOTICE_SENT, date(2026, 2, 26), notice)
    feb27 = reg(datetime(2026, 2, 27, 9, 0), "二月廿七")  # correction notice due Mon 03-09: passed by 5
    cn_a = reg(datetime(2026, 3, 2, 9, 0), "补正甲")  # correction notice due Wed 03-11: passed by 3
    unserved = reg(datetime(2026, 3, 2, 9, 10), "未送达")
    step(ctx, clock, ext, EventKind.EXTENSION, date(2026, 3, 2), P.Extension(days=3, approved_by="科长"))
    step(ctx, clock, fee_paid, EventKind.FEE_PAID, date(2026, 3, 3), P.FeePaid(amount_yuan=100))
    cn_b = reg(datetime(2026, 3, 4, 9, 0), "补正乙")  # correction notice due Fri 03-13: passed by 1
    served = reg(datetime(2026, 3, 4, 9, 10), "已送达")
    withdrawn = reg(datetime(2026, 3, 4, 9, 20), "撤回")
    answered = P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED)
    step(ctx, clock, tp_done, EventKind.THIRD_PARTY_CONSULTATION_ENDED, date(2026, 3, 5), answered)
    cn_c = reg(datetime(2026, 3, 10, 9, 0), "补正丙")  # correction notice due Thu 03-19: 3 left
    corr = reg(datetime(2026, 3, 10, 9, 10), "待补正")
    dup2 = reg(datetime(2026, 3, 10, 9, 20), "补正丙")
    void(ctx, clock, dup2, date(2026, 3, 10))
    mar11 = reg(datetime(2026, 3, 11, 9, 0), "三月十一日")  # correction notice due Fri 03-20: beyond 03-19
    step(ctx, clock, served, EventKind.DECIDED, date(2026, 3, 11), P.Decided(outcome=Outcome.PARTIAL))
    step(ctx, clock, unserved, EventKind.DECIDED, date(2026, 3, 12), P.Decided(outcome=Outcome.DISCLOSED))
    step(ctx, clock, withdrawn, EventKind.WITHDRAWN, date(2026, 3, 12), P.Withdrawn(how=P.WithdrawalMethod.WRITTEN))
    request = P.CorrectionRequested(deadline=date(2026, 3, 26), items="请写明文件名称")
    step(ctx, clock, corr, EventKind.CORRECTION_REQUESTED, date(2026, 3, 12), request)
    step(ctx, clock, served, EventKind.SERVED, date(2026, 3, 13), P.Served(method=P.ServiceMethod.POST))
    letter = arrive_unconfirmed(ctx, clock, datetime(2026, 3, 13, 11, 0), Channel.LETTER, "平信")
    email = arrive_unconfirmed(ctx, clock, datetime(2026, 3, 13, 18, 30), Channel.EMAIL, "邮件")
    clock.value = MORNING
    A.confirm_receipt(ctx, email, datetime(2026, 3, 16, 8, 40), "电话确认")
    today = reg(datetime(2026, 3, 16, 8, 41), "今天当面")
    online = arrive_unconfirmed(ctx, clock, datetime(2026, 3, 16, 8, 42), Channel.ONLINE, "网上")
    dup3 = reg(datetime(2026, 3, 16, 8, 43), "今天当面")
    void(ctx, clock, dup3, date(2026, 3, 16))
    clock.value = MORNING
    return Cases(
        jan20, feb9, feb10, ext, feb13, tp, ag, tp_done, fee, fee_paid, feb27, cn_a, unserved, cn_b, served,
        withdrawn, cn_c, corr, mar11, letter, email, today, online, (dup, dup2, dup3),
    )  # fmt: skip


def listed(b: D.Board, key: F) -> list[tuple[int, date | None, int | None]]:
    return [(i.id, i.day, i.days_left) for i in b.lists[key].items]


def test_each_list_holds_exactly_its_cases_with_the_date_that_matters(ctx, cases):
    c = cases
    b = D.board(ctx)
    assert b.today == date(2026, 3, 16) and b.due_soon_days == 3
    assert listed(b, F.OVERDUE) == [(c.jan20, date(2026, 2, 24), -15), (c.feb9, date(2026, 3, 13), -1)]
    assert listed(b, F.DUE_SOON) == [
        (c.feb10, date(2026, 3, 16), 0),
        (c.ext, date(2026, 3, 19), 3),
        (c.feb13, date(2026, 3, 19), 3),
    ]
    # the extension must be notified by the unextended due date (Art. 33 ¶2): the extended case is not asked again
    assert listed(b, F.EXTENSION_WINDOW) == [(c.feb10, date(2026, 3, 16), 0), (c.feb13, date(2026, 3, 19), 3)]
    # 7th working day after receipt, from 3 working days ago to 3 ahead; not once a notice went out or it closed
    assert listed(b, F.CORRECTION_NOTICE) == [
        (c.cn_a, date(2026, 3, 11), -3),
        (c.cn_b, date(2026, 3, 13), -1),
        (c.cn_c, date(2026, 3, 19), 3),
    ]
    # 15th working day after the letter (Art. 32, 34), the earliest first; an answered one is gone
    assert listed(b, F.CONSULTING) == [(c.ag, date(2026, 3, 16), 0), (c.tp, date(2026, 3, 18), 2)]
    consult = {i.id: i for i in b.lists[F.CONSULTING].items}
    assert (consult[c.ag].pause, consult[c.ag].party) == (PauseKind.OTHER_AGENCY, "某局")
    assert (consult[c.tp].pause, consult[c.tp].party) == (PauseKind.THIRD_PARTY, "淄博鲁中化工股份有限公司")
    # the 20th working day after the fee notice (setting fee_payment_days); the paid one is gone
    assert listed(b, F.FEE_DUE) == [(c.fee, date(2026, 3, 25), 7)]
    assert b.lists[F.FEE_DUE].items[0].amount_yuan == 100
    assert listed(b, F.CORRECTION) == [(c.corr, date(2026, 3, 26), 8)]
    # replied within 30 days and not served; a withdrawal has nothing to serve
    assert listed(b, F.UNSERVED) == [(c.unserved, date(2026, 3, 12), -2)]
    assert b.lists[F.UNSERVED].items[0].outcome is Outcome.DISCLOSED
    assert [(i.id, i.day, i.channel) for i in b.lists[F.AWAITING].items] == [
        (c.letter, date(2026, 3, 13), Channel.LETTER),
        (c.online, date(2026, 3, 16), Channel.ONLINE),
    ]
    # received today: the email confirmed this morning and the application handed in; reply due Tue 04-14
    assert listed(b, F.RECEIVED_TODAY) == [(c.email, date(2026, 4, 14), 20), (c.today, date(2026, 4, 14), 20)]
    for work in b.lists.values():
        assert work.total == len(work.items) and work.more == 0
    assert (b.overdue, b.due_today, b.due_soon, b.received_today, b.awaiting, b.open) == (2, 1, 3, 2, 2, 20)


def test_every_list_is_the_registers_filter_of_the_same_name(ctx, cases):
    b = D.board(ctx)
    for key, work in b.lists.items():
        ids = R.query_ids(ctx, RegisterFilter(status=key))
        assert sorted(ids) == sorted(i.id for i in work.items), key
        assert R.count(ctx, RegisterFilter(status=key)) == work.total, key
    assert R.count(ctx, RegisterFilter(status=F.DUE_TODAY)) == b.due_today == 1
    assert R.count(ctx, RegisterFilter(status=F.OPEN)) == b.open


def test_voided_registrations_appear_in_no_list_and_no_figure(ctx, cases):
    b = D.board(ctx)
    shown = {i.id for work in b.lists.values() for i in work.items}
    assert not shown & set(cases.voided)
    for key in F:
        ids = set(R.query_ids(ctx, RegisterFilter(status=key)))
        assert bool(ids & set(cases.voided)) == (key in (F.ALL, F.VOIDED)), key
    # 26 registered: 3 voided and 2 not yet confirmed are not received; the voided ones are in no month either
    assert b.received_by_kind[ApplicantKind.NATURAL_PERSON] == b.received_this_year == 21
    assert [(m.year, m.month, m.count) for m in b.months[-3:]] == [(2026, 1, 1), (2026, 2, 10), (2026, 3, 10)]


def test_this_years_totals_by_outcome_group_and_applicant_kind(ctx, clock, cases):
    b = D.board(ctx)
    assert b.year == 2026
    assert b.closed_by_group == {
        D.OutcomeGroup.DISCLOSED: 1,
        D.OutcomeGroup.PARTIAL: 1,
        D.OutcomeGroup.WITHHELD: 0,
        D.OutcomeGroup.UNAVAILABLE: 0,
        D.OutcomeGroup.NOT_PROCESSED: 0,
        D.OutcomeGroup.OTHER: 1,  # the withdrawal: 其他处理-其他 (docs/rules.md §5)
    }
    assert b.closed_this_year == 3
    assert set(b.received_by_kind) == set(ApplicantKind)
    assert sum(b.received_by_kind.values()) == b.received_by_kind[ApplicantKind.NATURAL_PERSON]


def test_outcome_groups_are_the_headings_of_table_three():
    headings = {
        "三(一)": "予以公开",
        "三(二)": "部分公开",
        "三(三)": "不予公开",
        "三(四)": "无法提供",
        "三(五)": "不予处理",
    }
    for o in Outcome:
        assert D.OutcomeGroup.of(o).label == headings.get(o.info.report_row[:4], "其他处理"), o
    assert D.OutcomeGroup.of(Outcome.UNAVAILABLE_STILL_UNCLEAR) is D.OutcomeGroup.UNAVAILABLE
    assert D.OutcomeGroup.of(Outcome.OTHER_NO_FEE) is D.OutcomeGroup.OTHER


def test_twelve_months_of_receipts_across_the_new_year(ctx, clock):
    arrivals = [
        datetime(2025, 2, 27, 9, 0),  # 13 months back: not shown
        datetime(2025, 3, 3, 9, 0),
        datetime(2025, 3, 31, 9, 0),
        datetime(2025, 7, 1, 9, 0),
        datetime(2025, 12, 31, 16, 0),
        datetime(2026, 1, 5, 9, 0),
        datetime(2026, 2, 13, 9, 0),
        datetime(2026, 2, 13, 9, 1),
    ]
    for when in arrivals:
        register_in_person(ctx, when, clock)
    arrive_unconfirmed(ctx, clock, datetime(2026, 2, 14, 9, 0), Channel.EMAIL, "未确认")  # no receipt date yet
    clock.value = datetime(2026, 2, 16, 9, 0)
    months = D.board(ctx).months
    assert [(m.year, m.month) for m in months] == [(2025, m) for m in range(3, 13)] + [(2026, 1), (2026, 2)]
    assert [m.count for m in months] == [2, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 2]


def test_a_long_list_is_cut_with_the_rest_in_the_register(ctx, clock):
    ids = [register_in_person(ctx, datetime(2026, 2, 13, 9, m), clock, name=f"申请人{m}").id for m in range(11)]
    clock.value = datetime(2026, 3, 17, 9, 0)  # all due Thu 03-19: 2 working days left
    b = D.board(ctx)
    work = b.lists[F.DUE_SOON]
    assert (len(work.items), work.total, work.more) == (D.LIST_LIMIT, 11, 3)
    assert [i.id for i in work.items] == ids[:8]  # same date: registration order
    assert b.due_soon == 11 and b.lists[F.EXTENSION_WINDOW].more == 3
    assert R.count(ctx, RegisterFilter(status=F.DUE_SOON)) == 11


def test_an_older_reply_or_an_imported_history_is_not_listed_as_unserved(ctx, clock):
    r = register_in_person(ctx, datetime(2026, 1, 5, 9, 0), clock)
    step(ctx, clock, r.id, EventKind.DECIDED, date(2026, 1, 20), P.Decided(outcome=Outcome.DISCLOSED))
    clock.value = datetime(2026, 2, 19, 9, 0)  # 30 days after the reply: still listed
    assert [i.id for i in D.board(ctx).lists[F.UNSERVED].items] == [r.id]
    clock.value = datetime(2026, 2, 20, 9, 0)
    assert D.board(ctx).lists[F.UNSERVED].total == 0


def test_the_due_soon_setting_moves_every_window(ctx, clock, cases):
    ctx.set_setting("due_soon_days", 0)
    b = D.board(ctx)
    assert listed(b, F.DUE_SOON) == [(cases.feb10, date(2026, 3, 16), 0)]
    assert listed(b, F.CORRECTION_NOTICE) == []  # none due today, none passed today
    ctx.set_setting("due_soon_days", 5)  # Mon 03-16 + 5 = Mon 03-23; 5 back = Mon 03-09
    b = D.board(ctx)
    expected = [cases.feb27, cases.cn_a, cases.cn_b, cases.cn_c, cases.mar11]
    assert [i.id for i in b.lists[F.CORRECTION_NOTICE].items] == expected
    assert b.lists[F.CORRECTION_NOTICE].items[0].days_left == -5

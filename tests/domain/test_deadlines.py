"""The legal clock (docs/rules.md §4): worked examples and every edge the clerk meets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.deadlines import (
    STEP_KINDS,
    ClockInput,
    Correction,
    Deadlines,
    Pause,
    PauseKind,
    Step,
    cn_date,
    compute_deadlines,
    explain,
)
from app.domain.workcalendar import WorkCalendar, YearSchedule

D = date
TP = PauseKind.THIRD_PARTY
AG = PauseKind.OTHER_AGENCY
FEE = PauseKind.FEE


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def run(cal: WorkCalendar, receipt: date | None, **kw: object) -> Deadlines:
    return compute_deadlines(ClockInput(receipt, **kw), cal)  # type: ignore[arg-type]


def texts(d: Deadlines, kind: str | None = None) -> list[str]:
    return [s.text for s in d.steps if kind is None or s.kind == kind]


# ------------------------------------------------------------------------------------------- worked examples


def test_worked_example_spring_festival(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13))
    assert d.state == "running"
    assert d.correction_notice_due == D(2026, 3, 2)
    assert d.reply_due == D(2026, 3, 19)
    assert d.unextended_due == D(2026, 3, 19)
    assert d.base_date == D(2026, 2, 13)
    assert d.base_reason == "收到申请之日 2026年2月13日（不计入期限）"
    assert not d.provisional
    assert "2月14日（星期六）为调休工作日，计入" in texts(d, "makeup")
    assert "2月28日（星期六）为调休工作日，计入" in texts(d, "makeup")
    assert "春节 2月15日至2月23日放假，不计入" in texts(d, "holiday")
    [result] = texts(d, "result")
    assert "2026年3月19日（星期四）" in result
    assert "第 20 个工作日" in result


def test_worked_example_national_day(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 9, 18))
    assert d.reply_due == D(2026, 10, 22)
    assert texts(d, "holiday") == [
        "中秋节 9月25日至9月27日放假，不计入",
        "国庆节 10月1日至10月7日放假，不计入",
    ]
    assert texts(d, "makeup") == [
        "9月20日（星期日）为调休工作日，计入",
        "10月10日（星期六）为调休工作日，计入",
    ]


def test_worked_example_labour_day(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 4, 30))
    assert d.reply_due == D(2026, 6, 1)
    assert texts(d, "holiday") == ["劳动节 5月1日至5月5日放假，不计入"]
    assert texts(d, "makeup") == ["5月9日（星期六）为调休工作日，计入"]


def test_explanation_order_and_kinds(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13))
    assert d.steps[0].kind == "base"
    assert d.steps[0].day == D(2026, 2, 13)
    assert all(s.kind in STEP_KINDS for s in d.steps)
    kinds = [s.kind for s in d.steps]
    assert kinds.index("result") > max(i for i, k in enumerate(kinds) if k in ("holiday", "makeup"))
    lines = explain(d).splitlines()
    assert lines == [s.text for s in d.steps]
    assert lines[0] == "起算日：收到申请之日2026年2月13日（星期五），不计入期限，自次日起计算（第三十一条、第三十三条）"
    assert any("补正告知期限：3月2日（星期一）" in line for line in lines)
    # timeline steps in date order
    days = [s.day for s in d.steps if s.kind in ("holiday", "makeup", "pause")]
    assert days == sorted(days)


# ------------------------------------------------------------------------------------------- receipt day


def test_receipt_on_a_holiday_counts_from_the_next_day(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 17))  # Tuesday inside 春节
    assert d.reply_due == cal.add_working_days(D(2026, 2, 17), 20) == D(2026, 3, 20)
    assert d.correction_notice_due == D(2026, 3, 3)  # 2-24..2-28 (Sat worked), 3-2, 3-3
    assert any("为法定节假日，起算日本身仍不计入" in t for t in texts(d, "note"))
    assert "春节 2月15日至2月23日放假，不计入" in texts(d, "holiday")  # the whole range is shown


def test_receipt_on_a_weekend_counts_from_the_next_day(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 3, 7))  # Saturday
    assert d.reply_due == D(2026, 4, 3)  # Mon 3-9 is day 1; 清明 not crossed (4-4 is after)
    assert any("为休息日，起算日本身仍不计入" in t for t in texts(d, "note"))


def test_receipt_on_a_make_up_saturday_is_still_not_counted(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 14))
    assert d.reply_due == D(2026, 3, 20)
    assert not any("起算日本身仍不计入" in t for t in texts(d, "note"))  # it is a working day
    assert "2月14日（星期六）为调休工作日，计入" not in texts(d, "makeup")


# ------------------------------------------------------------------------------------------- year ends


def test_year_end_2019_to_2020_ends_on_a_make_up_sunday(cal: WorkCalendar) -> None:
    d = run(cal, D(2019, 12, 20))
    assert d.reply_due == D(2020, 1, 19)
    assert "2020年1月19日（星期日）为调休工作日，计入" in texts(d, "makeup")
    assert "元旦 2020年1月1日放假，不计入" in texts(d, "holiday")
    assert "（星期日）" in texts(d, "result")[0]
    assert not d.provisional


def test_year_end_2025_to_2026(cal: WorkCalendar) -> None:
    d = run(cal, D(2025, 12, 15))
    assert d.reply_due == D(2026, 1, 13)
    assert "元旦 2026年1月1日至1月3日放假，不计入" in texts(d, "holiday")
    assert "2026年1月4日（星期日）为调休工作日，计入" in texts(d, "makeup")
    assert not d.provisional


def test_year_end_2026_to_2027_is_provisional(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 12, 15))
    assert d.reply_due == D(2027, 1, 13)
    assert d.provisional
    assert texts(d, "provisional") == ["（2027年放假安排尚未确认，此日期为预估）"]
    assert explain(d).splitlines()[-1] == "（2027年放假安排尚未确认，此日期为预估）"


def test_only_a_side_date_in_an_unconfirmed_year_is_flagged_differently(cal: WorkCalendar) -> None:
    # reply due mid-December 2026 (confirmed), consultation answer due in January 2027 (estimated)
    d = run(cal, D(2026, 11, 16), pauses=(Pause(TP, D(2026, 12, 11), D(2026, 12, 14)),))
    assert d.reply_due == D(2026, 12, 15)
    assert d.consultation_dues[0][1].year == 2027
    assert d.provisional
    assert texts(d, "provisional") == ["（2027年放假安排尚未确认，落在该年的日期为预估）"]


def test_a_late_december_date_waits_for_next_years_notice(cal: WorkCalendar) -> None:
    # Notices have reached back into December (2018-12-29 was a working Saturday under the 2019 notice).
    d = run(cal, D(2026, 11, 30))
    assert d.reply_due == D(2026, 12, 28)
    assert d.provisional
    assert "此日期为预估" in texts(d, "provisional")[0]
    assert not run(cal, D(2026, 11, 13)).provisional  # due 2026-12-11: no notice reaches that far back


def test_entering_the_2027_notice_confirms_and_moves_the_date(cal: WorkCalendar) -> None:
    official = YearSchedule(2027, {D(2027, 1, 1) + timedelta(days=i): "元旦" for i in range(5)}, frozenset(), True)
    d = run(cal.with_schedule(official), D(2026, 12, 15))
    assert not d.provisional
    assert d.reply_due == D(2027, 1, 15)  # 1-4 and 1-5 now off as well
    assert "元旦 2027年1月1日至1月5日放假，不计入" in texts(d, "holiday")


# ------------------------------------------------------------------------------------------- pauses


def test_pause_example_from_the_brief(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), pauses=(Pause(TP, D(2026, 3, 2), D(2026, 3, 10)),))
    assert texts(d, "pause") == ["征求第三方意见 3月2日至3月10日：3月3日至3月10日不计入，扣除 6 个工作日"]
    assert d.reply_due == cal.add_working_days(D(2026, 3, 19), 6) == D(2026, 3, 27)
    assert d.consultation_dues == ((Pause(TP, D(2026, 3, 2), D(2026, 3, 10)), D(2026, 3, 23)),)
    assert "暂停扣除 6 个工作日 = 26 个工作日" in texts(d, "result")[0]


def test_pause_starting_on_a_holiday(cal: WorkCalendar) -> None:
    # (2-16, 2-26]: only 2-24, 2-25, 2-26 are working days
    d = run(cal, D(2026, 2, 13), pauses=(Pause(AG, D(2026, 2, 16), D(2026, 2, 26)),))
    assert texts(d, "pause") == ["征求其他机关意见 2月16日至2月26日：2月24日至2月26日不计入，扣除 3 个工作日"]
    assert d.reply_due == D(2026, 3, 24)


def test_pause_ending_on_a_holiday(cal: WorkCalendar) -> None:
    # (9-28, 10-3]: 9-29 and 9-30 are the working days
    d = run(cal, D(2026, 9, 18), pauses=(Pause(FEE, D(2026, 9, 28), D(2026, 10, 3)),))
    assert texts(d, "pause") == ["收费通知至缴费 9月28日至10月3日：9月29日至9月30日不计入，扣除 2 个工作日"]
    assert d.reply_due == D(2026, 10, 26)
    assert d.fee_payment_due == cal.add_working_days(D(2026, 9, 28), 20)


def test_paused_make_up_day_is_not_counted(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), pauses=(Pause(TP, D(2026, 2, 27), D(2026, 3, 2)),))
    assert "2月28日（星期六）为调休工作日，但处于暂停期间，不计入" in texts(d, "makeup")
    assert texts(d, "pause") == ["征求第三方意见 2月27日至3月2日：2月28日至3月2日不计入，扣除 2 个工作日"]
    assert d.reply_due == D(2026, 3, 23)


def test_overlapping_pauses_are_merged(cal: WorkCalendar) -> None:
    pauses = (Pause(TP, D(2026, 3, 2), D(2026, 3, 10)), Pause(FEE, D(2026, 3, 5), D(2026, 3, 12)))
    d = run(cal, D(2026, 2, 13), pauses=pauses)
    # union (3-2, 3-12] = 8 working days
    assert d.reply_due == cal.add_working_days(D(2026, 3, 19), 8) == D(2026, 3, 31)
    assert texts(d, "pause") == [
        "征求第三方意见 3月2日至3月10日：3月3日至3月10日不计入，扣除 6 个工作日",
        "收费通知至缴费 3月5日至3月12日：3月11日至3月12日不计入，扣除 2 个工作日"
        "（另有 3 个工作日与前一暂停重叠，只扣除一次）",
    ]


def test_identical_pauses_count_once_and_order_does_not_matter(cal: WorkCalendar) -> None:
    p = Pause(TP, D(2026, 3, 2), D(2026, 3, 10))
    q = Pause(AG, D(2026, 3, 9), D(2026, 3, 11))
    one = run(cal, D(2026, 2, 13), pauses=(p,))
    assert run(cal, D(2026, 2, 13), pauses=(p, p)).reply_due == one.reply_due
    assert run(cal, D(2026, 2, 13), pauses=(p, q)).reply_due == run(cal, D(2026, 2, 13), pauses=(q, p)).reply_due


def test_zero_length_pause_deducts_nothing(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), pauses=(Pause(TP, D(2026, 3, 2), D(2026, 3, 2)),))
    assert d.reply_due == D(2026, 3, 19)
    assert texts(d, "pause") == ["征求第三方意见 3月2日：其间没有工作日，扣除 0 个工作日"]


def test_pause_after_the_due_date_does_not_matter(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), pauses=(Pause(TP, D(2026, 3, 19), D(2026, 3, 25)),))
    assert d.reply_due == D(2026, 3, 19)
    assert texts(d, "pause") == ["征求第三方意见 3月19日至3月25日：在答复期限届满之后开始，不影响期限"]


def test_open_pause_suspends_the_clock(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), pauses=(Pause(AG, D(2026, 3, 2)),))
    assert d.state == "suspended"
    assert d.reply_due is None
    assert d.unextended_due is None
    assert d.working_days_left(D(2026, 3, 5), cal) is None
    # (2-13, 3-2]: 2-14, 2-24..2-27, 2-28, 3-2 = 7
    assert (d.used_days, d.remaining_days) == (7, 13)
    [result] = texts(d, "result")
    assert "已计 7 个工作日" in result and "尚余 13 个工作日" in result
    assert texts(d, "pause") == [
        "征求其他机关意见 自3月2日起，尚未结束：自3月3日起计时暂停，暂停期间不计入答复期限（第三十三条第三款）"
    ]
    assert d.consultation_dues[0][1] == D(2026, 3, 23)


def test_open_pause_after_a_closed_one(cal: WorkCalendar) -> None:
    pauses = (Pause(TP, D(2026, 2, 24), D(2026, 2, 26)), Pause(FEE, D(2026, 3, 4)))
    d = run(cal, D(2026, 2, 13), pauses=pauses, fee_payment_days=10)
    assert d.state == "suspended"
    # counted: 2-14, 2-24, 2-27, 2-28, 3-2, 3-3, 3-4 = 7 (2-25, 2-26 paused)
    assert (d.used_days, d.remaining_days) == (7, 13)
    assert d.fee_payment_due == cal.add_working_days(D(2026, 3, 4), 10) == D(2026, 3, 18)


def test_open_pause_started_after_the_period_ran_out(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), pauses=(Pause(TP, D(2026, 3, 30)),))
    assert d.state == "suspended"
    assert d.reply_due == D(2026, 3, 19)  # the clock had already expired; the pause cannot revive it
    assert d.remaining_days == 0
    assert "届满" in texts(d, "result")[0]
    assert d.working_days_left(D(2026, 3, 30), cal) == -7


def test_pause_ending_before_start_is_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="早于开始日期"):
        run(cal, D(2026, 2, 13), pauses=(Pause(TP, D(2026, 3, 10), D(2026, 3, 2)),))


# ------------------------------------------------------------------------------------------- corrections


def test_awaiting_correction(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), corrections=(Correction(D(2026, 2, 24), deadline=D(2026, 3, 10)),))
    assert d.state == "awaiting_correction"
    assert d.reply_due is None
    assert d.correction_notice_due == D(2026, 3, 2)
    [result] = texts(d, "result")
    assert "等待申请人补正" in result
    assert "补正期限：3月10日（星期二）" in result
    assert d.working_days_left(D(2026, 2, 25), cal) is None


def test_correction_received_restarts_the_clock(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), corrections=(Correction(D(2026, 2, 24), D(2026, 3, 3)),))
    assert d.state == "running"
    assert d.base_date == D(2026, 3, 3)
    assert d.base_reason == "收到补正材料之日 2026年3月3日（不计入期限）"
    assert d.reply_due == cal.add_working_days(D(2026, 3, 3), 20) == D(2026, 3, 31)
    assert d.correction_notice_due == D(2026, 3, 2)  # still from the original receipt
    assert texts(d, "base")[0].startswith("起算日：收到补正材料之日2026年3月3日（星期二）")


def test_correction_after_a_pause_ignores_the_pause(cal: WorkCalendar) -> None:
    pause = Pause(AG, D(2026, 2, 24), D(2026, 2, 27))
    d = run(cal, D(2026, 2, 13), pauses=(pause,), corrections=(Correction(D(2026, 2, 24), D(2026, 3, 3)),))
    assert d.reply_due == D(2026, 3, 31)
    assert texts(d, "pause") == []
    assert any("不再扣除（第三十条）" in t for t in texts(d, "note"))
    assert d.consultation_dues == ()


def test_pause_running_across_the_correction_counts_only_after_it(cal: WorkCalendar) -> None:
    pause = Pause(TP, D(2026, 2, 27), D(2026, 3, 6))
    d = run(cal, D(2026, 2, 13), pauses=(pause,), corrections=(Correction(D(2026, 2, 24), D(2026, 3, 3)),))
    # (3-3, 3-6] = 3-4, 3-5, 3-6
    assert d.reply_due == cal.add_working_days(D(2026, 3, 31), 3)
    assert "3月4日至3月6日不计入，扣除 3 个工作日（3月3日之前的部分不计）" in texts(d, "pause")[0]


def test_second_correction_pending_and_then_received(cal: WorkCalendar) -> None:
    first = Correction(D(2026, 2, 24), D(2026, 3, 3))
    second = Correction(D(2026, 3, 10), deadline=D(2026, 3, 20))
    assert run(cal, D(2026, 2, 13), corrections=(first, second)).state == "awaiting_correction"
    second = Correction(D(2026, 3, 10), D(2026, 3, 16))
    d = run(cal, D(2026, 2, 13), corrections=(second, first))
    assert d.base_date == D(2026, 3, 16)
    assert d.reply_due == cal.add_working_days(D(2026, 3, 16), 20)


def test_late_correction_notice_is_flagged(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), corrections=(Correction(D(2026, 3, 3)),))
    assert any("晚于第三十条规定的 7 个工作日" in t for t in texts(d, "note"))


def test_correction_received_before_notice_is_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError) as err:
        run(cal, D(2026, 2, 13), corrections=(Correction(D(2026, 3, 3), D(2026, 3, 2)),))
    assert str(err.value) == "收到补正材料日期 2026年3月2日 早于补正告知日期 2026年3月3日"


# ------------------------------------------------------------------------------------------- extension


def test_maximum_extension(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), extension_days=20, extension_notified_on=D(2026, 3, 16))
    assert d.unextended_due == D(2026, 3, 19)
    assert d.reply_due == cal.add_working_days(D(2026, 2, 13), 40) == D(2026, 4, 17)
    assert cal.working_days_between(D(2026, 3, 19), D(2026, 4, 17)) == 20
    [ext] = texts(d, "extension")
    assert ext.startswith("延期答复 20 个工作日（第三十三条第二款")
    assert "已于3月16日告知申请人" in ext
    assert "清明节 4月4日至4月6日放假，不计入" in texts(d, "holiday")
    assert "20 个工作日 + 延期 20 个工作日 = 40 个工作日" in texts(d, "result")[0]


@pytest.mark.parametrize("days", [21, -1, 40])
def test_extension_out_of_range_is_rejected(cal: WorkCalendar, days: int) -> None:
    with pytest.raises(ValueError, match="第三十三条第二款"):
        run(cal, D(2026, 2, 13), extension_days=days)


def test_extension_notified_too_late_is_flagged(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), extension_days=10, extension_notified_on=D(2026, 3, 20))
    assert any("晚于未延期时的答复期限" in t for t in texts(d, "note"))
    d = run(cal, D(2026, 2, 13), extension_days=10)
    assert texts(d, "extension") == ["延期答复 10 个工作日（第三十三条第二款，最长不超过 20 个工作日）"]


# ----------------------------------------------------------------------------------------- days left, states


def test_working_days_left(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13))  # due Thu 2026-03-19
    assert d.working_days_left(D(2026, 3, 16), cal) == 3
    assert d.working_days_left(D(2026, 2, 13), cal) == 20
    assert d.working_days_left(D(2026, 3, 19), cal) == 0
    assert d.working_days_left(D(2026, 3, 20), cal) == -1
    assert d.working_days_left(D(2026, 3, 24), cal) == -3
    assert d.working_days_left(D(2026, 3, 21), cal) == -1  # the Saturday after is overdue too
    friday = run(cal, D(2026, 2, 14), extension_days=1)  # due Mon 2026-03-23
    assert friday.reply_due == D(2026, 3, 23)
    assert friday.working_days_left(D(2026, 3, 21), cal) == 1


def test_no_clock_while_receipt_unconfirmed(cal: WorkCalendar) -> None:
    d = run(cal, None)
    assert d.state == "no_clock"
    assert d.reply_due is d.base_date is d.correction_notice_due is None
    assert texts(d) == ["申请尚未确认收到（待确认），答复期限不起算（第三十一条）"]
    assert d.working_days_left(D(2026, 3, 1), cal) is None


def test_closed_on_time_and_late(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), closed_on=D(2026, 3, 10))
    assert d.state == "closed"
    assert d.reply_due == D(2026, 3, 19)
    assert "已于3月10日办结，在答复期限内" in texts(d, "note")
    d = run(cal, D(2026, 2, 13), closed_on=D(2026, 3, 24))
    assert "已于3月24日办结，超过答复期限 3 个工作日" in texts(d, "note")
    d = run(cal, D(2026, 2, 13), corrections=(Correction(D(2026, 2, 24)),), closed_on=D(2026, 4, 1))
    assert d.state == "closed" and d.reply_due is None


def test_consultation_and_fee_deadlines(cal: WorkCalendar) -> None:
    pauses = (Pause(TP, D(2026, 3, 2), D(2026, 3, 5)), Pause(AG, D(2026, 3, 3)), Pause(FEE, D(2026, 3, 2)))
    d = run(cal, D(2026, 2, 13), pauses=pauses, fee_payment_days=15)
    assert [due for _, due in d.consultation_dues] == [D(2026, 3, 23), D(2026, 3, 24)]
    assert d.fee_payment_due == D(2026, 3, 23)
    assert d.state == "suspended"
    assert any("按第三十四条处理" in t for t in texts(d, "note"))
    assert any("国办函〔2020〕109号" in t for t in texts(d, "note"))


def test_fee_payment_days_must_be_positive(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError) as err:
        run(cal, D(2026, 2, 13), fee_payment_days=0)
    assert str(err.value) == "缴费期限应至少为 1 个工作日，实际为 0"


def test_cn_date_has_no_leading_zeros() -> None:
    assert cn_date(D(2026, 3, 5)) == "2026年3月5日"
    assert cn_date(D(2026, 3, 5), year=False, weekday=True) == "3月5日（星期四）"


def test_values_are_immutable() -> None:
    step = Step("note", "x")
    with pytest.raises(AttributeError, match="cannot assign to field 'text'"):
        step.text = "y"  # type: ignore[misc]
    assert step.text == "x"
    # clock inputs are values: two built alike are one, a different pause is another
    a = ClockInput(D(2026, 1, 5), pauses=(Pause(TP, D(2026, 1, 6)),))
    b = ClockInput(D(2026, 1, 5), pauses=(Pause(TP, D(2026, 1, 6)),))
    c = ClockInput(D(2026, 1, 5), pauses=(Pause(AG, D(2026, 1, 6)),))
    assert a == b and a != c
    assert len({a, b, c}) == 2


# ------------------------------------------------------------------------------- the explanation reads right


def test_explanation_names_the_paused_days_across_a_holiday(cal: WorkCalendar) -> None:
    # (9-22, 10-9]: 9-23, 9-24, 9-28, 9-29, 9-30, 10-8, 10-9; 中秋节 and 国庆节 lie inside the pause
    d = run(cal, D(2026, 9, 18), pauses=(Pause(TP, D(2026, 9, 22), D(2026, 10, 9)),))
    assert texts(d, "pause") == ["征求第三方意见 9月22日至10月9日：9月23日至10月9日不计入，扣除 7 个工作日"]
    assert d.reply_due == cal.add_working_days(D(2026, 10, 22), 7) == D(2026, 11, 2)
    [result] = texts(d, "result")
    assert "扣除暂停的 7 个工作日后的第 20 个工作日" in result
    assert "之后的第 20 个工作日" not in result


def test_explanation_with_a_fee_pause_and_an_extension(cal: WorkCalendar) -> None:
    # the example of the brief: (11-12, 11-19] = 11-13, 11-16 … 11-19
    d = run(
        cal,
        D(2026, 11, 2),
        pauses=(Pause(FEE, D(2026, 11, 12), D(2026, 11, 19)),),
        extension_days=10,
        extension_notified_on=D(2026, 11, 25),
    )
    assert texts(d, "pause") == ["收费通知至缴费 11月12日至11月19日：11月13日至11月19日不计入，扣除 5 个工作日"]
    assert d.unextended_due == D(2026, 12, 7)
    assert cal.working_days_between(D(2026, 11, 2), D(2026, 12, 7)) == 25  # not the 20th working day
    notes = texts(d, "note")
    assert any(t.startswith("未延期时的答复期限（扣除暂停的 5 个工作日后的第 20 个工作日）为12月7日") for t in notes)
    assert not any("（第 20 个工作日）" in t for t in notes)
    [result] = texts(d, "result")
    assert "扣除暂停的 5 个工作日后的第 30 个工作日" in result
    assert "20 个工作日 + 延期 10 个工作日 + 暂停扣除 5 个工作日 = 35 个工作日" in result


def test_extension_without_pause_still_says_the_twentieth_day(cal: WorkCalendar) -> None:
    d = run(cal, D(2026, 2, 13), extension_days=5, extension_notified_on=D(2026, 3, 10))
    assert any(t.startswith("未延期时的答复期限（第 20 个工作日）为3月19日") for t in texts(d, "note"))
    [result] = texts(d, "result")
    assert "之后的第 25 个工作日" in result


def test_explanation_after_a_correction_counts_from_the_corrected_application(cal: WorkCalendar) -> None:
    pause = Pause(FEE, D(2026, 11, 20), D(2026, 11, 26))
    d = run(cal, D(2026, 11, 2), pauses=(pause,), corrections=(Correction(D(2026, 11, 4), D(2026, 11, 13)),))
    assert d.base_date == D(2026, 11, 13)
    assert texts(d, "pause") == ["收费通知至缴费 11月20日至11月26日：11月23日至11月26日不计入，扣除 4 个工作日"]
    [result] = texts(d, "result")
    assert result.startswith(
        "答复期限：2026年12月17日（星期四），即2026年11月13日之后扣除暂停的 4 个工作日后的第 20 个工作日"
    )


def test_suspended_explanation_names_the_counted_span_and_earlier_pauses(cal: WorkCalendar) -> None:
    pauses = (Pause(TP, D(2026, 2, 24), D(2026, 2, 26)), Pause(FEE, D(2026, 3, 4)))
    d = run(cal, D(2026, 2, 13), pauses=pauses)
    [result] = texts(d, "result")
    assert result.startswith(
        "计时暂停：2月14日至3月4日已计 7 个工作日（其中暂停的 2 个工作日不计入），尚余 13 个工作日"
    )
    assert texts(d, "pause")[-1].startswith("收费通知至缴费 自3月4日起，尚未结束：自3月5日起计时暂停")


def test_no_internal_terms_in_any_explanation(cal: WorkCalendar) -> None:
    cases = [
        run(cal, D(2026, 2, 15)),  # receipt on a holiday
        run(cal, D(2026, 2, 14)),  # receipt on a make-up Saturday
        run(cal, D(2026, 3, 7)),  # receipt on a weekend
        run(cal, D(2026, 2, 13), pauses=(Pause(AG, D(2026, 3, 2)),)),
    ]
    for d in cases:
        assert "项目规则" not in explain(d)
        assert "次日至" not in explain(d)
    assert "2月15日为法定节假日，起算日本身仍不计入，自次日起按工作日计算" in texts(cases[0], "note")

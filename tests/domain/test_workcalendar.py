"""The working-day calendar: bundled State Council schedules, estimates, parsing, arithmetic."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.domain import workcalendar as wc
from app.domain.workcalendar import (
    DayKind,
    ScheduleError,
    WorkCalendar,
    YearSchedule,
    bundled_schedules,
    estimated_schedule,
    parse_schedule_csv,
    parse_schedule_json,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# ------------------------------------------------------------------------------------------- bundled data


def test_bundled_years_are_2019_to_2026_and_confirmed() -> None:
    schedules = bundled_schedules()
    assert sorted(schedules) == list(range(2019, 2027))
    for year, sched in schedules.items():
        assert sched.year == year
        assert sched.confirmed is True
        assert "国务院办公厅" in sched.source


def test_2026_schedule_is_exactly_the_notice() -> None:
    sched = bundled_schedules()[2026]
    expected_off = set()
    for a, b in [
        ("01-01", "01-03"),
        ("02-15", "02-23"),
        ("04-04", "04-06"),
        ("05-01", "05-05"),
        ("06-19", "06-21"),
        ("09-25", "09-27"),
        ("10-01", "10-07"),
    ]:
        expected_off |= set(_days(date.fromisoformat(f"2026-{a}"), date.fromisoformat(f"2026-{b}")))
    assert set(sched.holidays) == expected_off
    assert sched.makeup_days == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert [r[0] for r in sched.ranges()] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    ]


def test_every_day_2019_to_2026_agrees_with_chinese_calendar(cal: WorkCalendar) -> None:
    import chinese_calendar  # a test dependency: missing it must fail, not skip

    disagreements = [
        d
        for d in _days(date(2019, 1, 1), date(2026, 12, 31))
        if cal.is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert disagreements == []


def test_every_bundled_day_off_on_a_weekday_is_known_to_the_holidays_package() -> None:
    import holidays

    for year, sched in bundled_schedules().items():
        pkg = holidays.China(years=year)
        for d in sched.holidays:
            if d.year == year and d.weekday() < 5:
                assert d in pkg, d
        assert {d for d in sched.makeup_days if d.year == year} == {d for d in pkg.weekend_workdays if d.year == year}


def test_bundled_json_files_are_hand_readable_ranges() -> None:
    text = (REPO / "resources" / "calendar" / "2026.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert {"name": "春节", "start": "2026-02-15", "end": "2026-02-23"} in data["holidays"]
    assert data["makeup_days"][0] == "2026-01-04"
    assert '{"name": "春节", "start": "2026-02-15", "end": "2026-02-23"}' in text  # one range per line


def test_2020_covid_extension_of_spring_festival(cal: WorkCalendar) -> None:
    sched = cal.schedule(2020)
    assert ("春节", date(2020, 1, 24), date(2020, 2, 2)) in sched.ranges()
    assert "延长" in sched.source
    assert cal.day_kind(date(2020, 1, 31)) is DayKind.HOLIDAY  # Friday, extension
    assert cal.day_kind(date(2020, 2, 1)) is DayKind.HOLIDAY  # was a make-up Saturday before the extension
    assert cal.day_kind(date(2020, 1, 19)) is DayKind.MAKEUP
    assert cal.next_working_day(date(2020, 1, 23)) == date(2020, 2, 3)


def test_late_december_days_of_the_next_years_notice(cal: WorkCalendar) -> None:
    # 2019 notice: 元旦 2018-12-30 ~ 2019-01-01, 2018-12-29 (Saturday) worked
    assert cal.day_kind(date(2018, 12, 29)) is DayKind.MAKEUP
    assert cal.day_kind(date(2018, 12, 31)) is DayKind.HOLIDAY
    assert cal.holiday_name(date(2018, 12, 31)) == "元旦"
    # 2023 notice: 元旦 2022-12-31 ~ 2023-01-02
    assert cal.holiday_name(date(2022, 12, 31)) == "元旦"
    assert not cal.is_working_day(date(2023, 1, 2))
    # 2024 notice: "1月1日放假，与周末连休" -- the weekend before is an ordinary weekend
    assert cal.day_kind(date(2023, 12, 30)) is DayKind.WEEKEND


def test_combined_mid_autumn_and_national_day_names(cal: WorkCalendar) -> None:
    assert cal.holiday_name(date(2025, 10, 6)) == "国庆节、中秋节"
    assert cal.holiday_name(date(2023, 9, 29)) == "中秋节、国庆节"


# ------------------------------------------------------------------------------------------- day kinds


def test_day_kinds(cal: WorkCalendar) -> None:
    assert cal.day_kind(date(2026, 3, 4)) is DayKind.WORKDAY
    assert cal.day_kind(date(2026, 3, 7)) is DayKind.WEEKEND
    assert cal.day_kind(date(2026, 2, 17)) is DayKind.HOLIDAY
    assert cal.day_kind(date(2026, 2, 15)) is DayKind.HOLIDAY  # Sunday inside the range
    assert cal.day_kind(date(2026, 2, 14)) is DayKind.MAKEUP
    assert cal.holiday_name(date(2026, 2, 17)) == "春节"
    assert cal.holiday_name(date(2026, 10, 7)) == "国庆节"
    assert cal.holiday_name(date(2026, 3, 4)) is None
    assert cal.holiday_name(date(2026, 2, 14)) is None
    assert cal.is_working_day(date(2026, 2, 14))
    assert not cal.is_working_day(date(2026, 2, 23))  # Monday, last day of 春节


# ------------------------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 2, 13), 20, date(2026, 3, 19)),
        (date(2026, 2, 13), 7, date(2026, 3, 2)),
        (date(2026, 9, 18), 20, date(2026, 10, 22)),
        (date(2026, 4, 30), 20, date(2026, 6, 1)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # make-up Saturday is the first working day
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday -> Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # start on a Saturday: not counted
        (date(2026, 3, 9), 1, date(2026, 3, 10)),  # start on a working day: not counted
        (date(2026, 2, 17), 1, date(2026, 2, 24)),  # start inside 春节
        (date(2019, 12, 31), 1, date(2020, 1, 2)),
        (date(2019, 12, 20), 20, date(2020, 1, 19)),  # ends on the make-up Sunday 2020-01-19
        (date(2025, 12, 15), 20, date(2026, 1, 13)),  # crosses 元旦 and the make-up Sunday 2026-01-04
    ],
)
def test_add_working_days(cal: WorkCalendar, start: date, n: int, expected: date) -> None:
    assert cal.add_working_days(start, n) == expected


def test_add_working_days_rejects_zero(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match=r"^n must be at least 1, got 0$"):
        cal.add_working_days(date(2026, 3, 2), 0)


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 3, 19)) == 20
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 10)) == 6
    assert cal.working_days_between(date(2026, 3, 10), date(2026, 3, 10)) == 0
    assert cal.working_days_between(date(2026, 3, 10), date(2026, 3, 2)) == 0
    assert cal.working_days_between(date(2026, 2, 14), date(2026, 2, 23)) == 0  # all of 春节
    # 2025: 261 weekdays - 18 weekday holidays + 5 make-up days
    assert cal.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 248


def test_next_working_day(cal: WorkCalendar) -> None:
    assert cal.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert cal.next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)  # make-up Saturday
    assert cal.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)  # 2027 estimated: Jan 1 off


# ------------------------------------------------------------------------------------------- estimates


def test_unconfirmed_year_falls_back_to_estimate(cal: WorkCalendar) -> None:
    assert cal.is_confirmed(2026)
    assert not cal.is_confirmed(2027)
    sched = cal.schedule(2027)
    assert sched.source == wc.ESTIMATE_SOURCE
    assert cal.schedule(2027) is sched  # cached
    assert cal.holiday_name(date(2027, 2, 8)) == "春节"
    assert not cal.is_working_day(date(2027, 10, 1))


def test_estimated_schedule_names_every_day_with_a_festival() -> None:
    sched = estimated_schedule(2026)
    assert sched.confirmed is False
    assert set(sched.holidays.values()) <= set(wc.FESTIVAL_NAMES)
    assert sched.holidays[date(2026, 2, 23)] == "春节"  # "Day off (substituted from 02/28)" -> 春节
    assert date(2026, 2, 14) in sched.makeup_days
    # the estimate agrees with the official notice on which days are worked
    est = WorkCalendar({})
    off = WorkCalendar()
    for d in _days(date(2026, 1, 1), date(2026, 12, 31)):
        assert est.is_working_day(d) == off.is_working_day(d), d
    assert not est.is_confirmed(2026)


def test_with_schedule_replaces_a_year_and_changes_a_2027_date(cal: WorkCalendar) -> None:
    before = cal.add_working_days(date(2027, 1, 29), 5)
    assert before == date(2027, 2, 11)  # estimate: 2-5..2-10 off
    official = YearSchedule(
        2027,
        {date(2027, 2, 4) + timedelta(days=i): "春节" for i in range(9)},  # 2-4 .. 2-12
        frozenset({date(2027, 1, 30)}),
        confirmed=True,
        source="测试用2027年通知",
    )
    new = cal.with_schedule(official)
    assert new.is_confirmed(2027)
    # 1-30 (make-up Saturday), 2-1, 2-2, 2-3, then 2-4..2-12 off -> 2-15
    assert new.add_working_days(date(2027, 1, 29), 5) == date(2027, 2, 15)
    # the original calendar is untouched
    assert cal.add_working_days(date(2027, 1, 29), 5) == before
    assert not cal.is_confirmed(2027)
    assert new.schedule(2026) is cal.schedule(2026)


def test_estimate_names_a_late_december_substitute_day_after_new_year() -> None:
    assert estimated_schedule(2018).holidays[date(2018, 12, 31)] == "元旦"


def test_explicit_empty_schedules_means_all_estimated() -> None:
    c = WorkCalendar({})
    assert not c.is_confirmed(2026) and not c.is_confirmed(2020)
    assert c.schedule(2026) == estimated_schedule(2026) and c.schedule(2026).source == wc.ESTIMATE_SOURCE
    # without the notice, the weekend inside 春节 is an ordinary weekend, not part of the announced range
    assert (c.day_kind(date(2026, 2, 15)), c.holiday_name(date(2026, 2, 15))) == (DayKind.WEEKEND, None)
    assert WorkCalendar().holiday_name(date(2026, 2, 15)) == "春节"


# ------------------------------------------------------------------------------------------- YearSchedule


def test_schedule_json_round_trip_for_every_bundled_year() -> None:
    for sched in bundled_schedules().values():
        again = YearSchedule.from_json(sched.to_json())
        assert again == sched
        assert hash(again) == hash(sched)


def test_schedule_rejects_inconsistent_data() -> None:
    with pytest.raises(ScheduleError, match="既是放假日又是调休上班日"):
        YearSchedule(2026, {date(2026, 1, 3): "元旦"}, frozenset({date(2026, 1, 3)}), True)
    with pytest.raises(ScheduleError, match="不是星期六或星期日"):
        YearSchedule(2026, {}, frozenset({date(2026, 1, 5)}), True)
    with pytest.raises(ScheduleError, match="不属于2026年"):
        YearSchedule(2026, {date(2027, 1, 1): "元旦"}, frozenset(), True)


def test_parse_schedule_json_minimal() -> None:
    text = json.dumps(
        {
            "year": 2027,
            "holidays": [
                {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
                {"name": "清明节", "start": "2027-04-05"},
            ],
            "makeup_days": ["2027-01-09", {"date": "2027-01-10"}],
        },
        ensure_ascii=False,
    )
    sched = parse_schedule_json(text)
    assert sched.confirmed is True  # an imported notice is official unless it says otherwise
    assert sched.holidays[date(2027, 1, 2)] == "元旦"
    assert sched.holidays[date(2027, 4, 5)] == "清明节"
    assert sched.makeup_days == {date(2027, 1, 9), date(2027, 1, 10)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"year": 2027,\n "holidays": [', "第2行"),
        ("[]", "顶层"),
        ('{"year": "2027"}', "year"),
        ('{"year": 2027, "holidays": {}}', "列表"),
        ('{"year": 2027, "holidays": [{"start": "2027-01-01"}]}', "名称"),
        ('{"year": 2027, "holidays": ["2027-01-01"]}', "holidays 第1项"),
        ('{"year": 2027, "holidays": [{"name": "元旦", "start": "2027-13-01"}]}', "无法识别的日期"),
        (
            '{"year": 2027, "holidays": [{"name": "元旦", "start": "2027-01-03", "end": "2027-01-01"}]}',
            "早于",
        ),
        ('{"year": 2027, "makeup_days": ["2027-01-04"]}', "星期一"),
        ('{"year": 2027, "makeup_days": [20270109]}', "makeup_days 第1项"),
        ('{"year": 2027, "confirmed": "yes"}', "confirmed"),
        (
            '{"year": 2027, "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-02"},'
            ' {"name": "x", "start": "2027-01-02"}]}',
            "重复",
        ),
        ('{"year": 2027, "holidays": [{"name": "元旦", "start": "2025-12-31"}]}', "不属于2027年"),
    ],
)
def test_parse_schedule_json_errors(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_schedule_json(text)


CSV_2027 = """日期或日期范围,类型,名称
2027-01-01~2027-01-03,放假,元旦
2027-02-05 至 2027-02-11,放假,春节

2027-02-14,调休上班,
2027/02/20,上班,春节
"""


def test_parse_schedule_csv() -> None:
    sched = parse_schedule_csv("\ufeff" + CSV_2027, 2027)
    assert sched.year == 2027
    assert sched.confirmed
    assert len(sched.holidays) == 3 + 7
    assert sched.holidays[date(2027, 2, 8)] == "春节"
    assert sched.makeup_days == {date(2027, 2, 14), date(2027, 2, 20)}
    c = WorkCalendar().with_schedule(sched)
    assert c.is_working_day(date(2027, 2, 14))
    assert not c.is_working_day(date(2027, 2, 11))


def test_parse_schedule_csv_without_header() -> None:
    sched = parse_schedule_csv("2027-10-01~2027-10-07,放假,国庆节\n", 2027)
    assert len(sched.holidays) == 7


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("2027-01-01,放假,\n", "第2行：放假行缺少节日名称"),
        ("2027-01-01,请假,元旦\n", "第2行：类型“请假”无法识别"),
        ("2027-01-01\n", "第2行：应有"),
        ("2027-02-30,放假,元旦\n", "第2行：无法识别的日期"),
        ("2027-01-01,放假,元旦\n2027-01-04,调休上班,\n", "第3行：调休上班日2027年1月4日是星期一"),
        ("2027-01-05~2027-01-01,放假,元旦\n", "第2行：结束日期"),
        ("2027-01-01,放假,元旦\n2027-01-01,放假,元旦\n", "第3行：2027年1月1日重复"),
        ("2027-01-02,放假,元旦\n2027-01-02,调休上班,\n", "第3行：2027年1月2日已列为放假日"),
        ("2028-01-01,放假,元旦\n", "第2行：2028年1月1日不属于2027年"),
        ("", "没有任何"),
    ],
)
def test_parse_schedule_csv_errors(body: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_schedule_csv("日期或日期范围,类型,名称\n" + body, 2027)


# ------------------------------------------------------------------------------------------- packaging


def test_bundled_schedules_honour_pyinstaller_meipass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "resources" / "calendar"
    folder.mkdir(parents=True)
    sched = YearSchedule(2030, {date(2030, 1, 1): "元旦"}, frozenset(), True, "测试")
    (folder / "2030.json").write_text(sched.to_json(), encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert bundled_schedules() == {2030: sched}


def test_bundled_schedule_error_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "resources" / "calendar"
    folder.mkdir(parents=True)
    (folder / "2030.json").write_text("{", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with pytest.raises(ScheduleError, match=r"2030\.json"):
        bundled_schedules()

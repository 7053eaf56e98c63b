"""The calendar use cases: viewing a year, entering next year's schedule, the moved deadlines, the reminder."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from app.domain import procedure as P
from app.domain.codes import EventKind, Outcome
from app.domain.workcalendar import DayKind, YearSchedule, parse_schedule_json
from app.services import applications as A
from app.services.calendar import (
    MovedDeadline,
    import_schedule_file,
    needs_confirmation_reminder,
    save_schedule,
    year_view,
)
from app.services.errors import ValidationError
from app.store.models import CalendarYear
from tests.factories import register_in_person

# A made-up 2027 notice (the real one was not published when this was written): 元旦 1–4 January, so that
# the 20th working day after 2026-12-15 moves from Wednesday 13 to Thursday 14 January.
SCHEDULE_2027 = """{
  "year": 2027,
  "confirmed": true,
  "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
  "holidays": [
    {"name": "元旦", "start": "2027-01-01", "end": "2027-01-04"},
    {"name": "春节", "start": "2027-02-05", "end": "2027-02-12"}
  ],
  "makeup_days": ["2027-02-20"]
}
"""


def register(ctx, clock, arrived: datetime) -> A.RegistrationResult:
    return register_in_person(ctx, arrived, clock)


def test_year_view_shows_the_official_2026_schedule(ctx):
    v = year_view(ctx, 2026)
    assert v.confirmed and v.origin == "bundled" and "2026年" in v.source
    assert len(v.days) == 365
    assert v.day(date(2026, 2, 14)).kind is DayKind.MAKEUP
    assert v.day(date(2026, 2, 17)).kind is DayKind.HOLIDAY and v.day(date(2026, 2, 17)).holiday_name == "春节"
    assert v.day(date(2026, 10, 3)).holiday_name == "国庆节"
    assert v.day(date(2026, 3, 7)).kind is DayKind.WEEKEND
    assert v.day(date(2026, 3, 9)).kind is DayKind.WORKDAY
    off = [d.day for d in v.days if d.kind is DayKind.HOLIDAY]
    assert len(off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    makeups = [d.day.isoformat() for d in v.days if d.kind is DayKind.MAKEUP]
    assert makeups == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


def test_year_view_of_an_unentered_year_is_an_unconfirmed_estimate(ctx):
    v = year_view(ctx, 2027)
    assert not v.confirmed and v.origin == "estimate" and v.entered_by == ""


def test_saving_2027_moves_exactly_the_cases_whose_due_date_changes(ctx, clock):
    late = register(ctx, clock, datetime(2026, 12, 15, 9, 0))  # due in January 2027
    early = register(ctx, clock, datetime(2026, 12, 1, 9, 0))  # due 2026-12-29, not affected
    closed = register(ctx, clock, datetime(2026, 12, 15, 10, 0))
    clock.value = datetime(2026, 12, 18, 9, 0)
    A.record_event(ctx, closed.id, EventKind.DECIDED, date(2026, 12, 18), P.Decided(outcome=Outcome.DISCLOSED))

    before = A.get_application(ctx, late.id).deadlines
    assert before is not None and before.reply_due == date(2027, 1, 13) and before.provisional
    assert A.get_application(ctx, early.id).deadlines.reply_due == date(2026, 12, 29)

    moved = save_schedule(ctx, parse_schedule_json(SCHEDULE_2027))

    assert moved == [
        MovedDeadline(late.id, late.reg_number, date(2027, 1, 13), date(2027, 1, 14), True, False),
    ]
    after = A.get_application(ctx, late.id).deadlines
    assert after is not None and after.reply_due == date(2027, 1, 14) and not after.provisional
    assert "元旦 2027年1月1日至1月4日放假" in A.get_application(ctx, late.id).explanation
    with ctx.db.session_scope() as s:
        row = s.get(CalendarYear, 2027)
        assert row is not None and row.confirmed and row.entered_by == ctx.clerk()
        assert YearSchedule.from_json(row.schedule_json) == parse_schedule_json(SCHEDULE_2027)
    v = year_view(ctx, 2027)
    assert v.confirmed and v.origin == "database" and v.day(date(2027, 2, 20)).kind is DayKind.MAKEUP


def test_saving_the_same_schedule_again_moves_nothing_and_replaces_the_row(ctx, clock):
    register(ctx, clock, datetime(2026, 12, 15, 9, 0))
    schedule = parse_schedule_json(SCHEDULE_2027)
    assert len(save_schedule(ctx, schedule)) == 1
    assert save_schedule(ctx, schedule) == []
    with ctx.db.session_scope() as s:
        assert len(s.query(CalendarYear).all()) == 1


def test_a_confirmed_bundled_year_cannot_be_replaced_by_an_unconfirmed_one(ctx):
    draft = YearSchedule(2026, {date(2026, 1, 1): "元旦"}, frozenset(), confirmed=False)
    with pytest.raises(ValidationError) as err:
        save_schedule(ctx, draft)
    assert err.value.problems == ["2026年已有经确认的放假安排，不能以未确认的安排替换"]
    with ctx.db.session_scope() as s:
        assert s.get(CalendarYear, 2026) is None
    v = year_view(ctx, 2026)
    assert v.confirmed and v.origin == "bundled" and v.day(date(2026, 1, 2)).kind is DayKind.HOLIDAY


def test_reminder_from_the_first_of_november_until_next_year_is_confirmed(ctx, clock):
    clock.value = datetime(2026, 10, 31, 17, 0)
    assert needs_confirmation_reminder(ctx) is None
    clock.value = datetime(2026, 11, 1, 8, 0)
    assert needs_confirmation_reminder(ctx) == (
        "2027年的放假安排尚未确认，跨入2027年的期限目前为预估。"
        "国务院办公厅关于2027年部分节假日安排的通知发布后，请在“设置 → 工作日历”中录入或导入并标记为已确认。"
    )
    save_schedule(ctx, parse_schedule_json(SCHEDULE_2027))
    assert needs_confirmation_reminder(ctx) is None


def test_an_unconfirmed_draft_keeps_the_reminder(ctx, clock):
    clock.value = datetime(2026, 11, 20, 8, 0)
    draft = parse_schedule_json(SCHEDULE_2027.replace('"confirmed": true', '"confirmed": false'))
    save_schedule(ctx, draft)
    reminder = needs_confirmation_reminder(ctx)
    assert reminder is not None and reminder.startswith("2027年的放假安排尚未确认，跨入2027年的期限目前为预估。")
    v = year_view(ctx, 2027)
    assert not v.confirmed and v.origin == "database"  # the draft is stored, but not as confirmed


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_csv_in_the_encodings_excel_writes(tmp_path: Path, encoding: str):
    text = "日期,类型,名称\n2027-01-01~2027-01-04,放假,元旦\n2027-02-20,调休上班,\n"
    path = tmp_path / "2027.csv"
    path.write_bytes(text.encode(encoding))
    s = import_schedule_file(path, 2027)
    assert s.confirmed and s.holidays[date(2027, 1, 4)] == "元旦" and s.makeup_days == {date(2027, 2, 20)}


def test_import_json_with_bom(tmp_path: Path):
    path = tmp_path / "2027.json"
    path.write_bytes(SCHEDULE_2027.encode("utf-8-sig"))
    assert import_schedule_file(path, 2027) == parse_schedule_json(SCHEDULE_2027)


def test_import_errors_are_chinese_and_name_the_file(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型,名称\n2027-01-01,放假,\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"bad\.csv：第2行：放假行缺少节日名称"):
        import_schedule_file(bad, 2027)
    wrong_year = tmp_path / "2027.json"
    wrong_year.write_text(SCHEDULE_2027, encoding="utf-8")
    with pytest.raises(ValidationError, match="2027年的放假安排，而当前选择的是2028年"):
        import_schedule_file(wrong_year, 2028)
    other = tmp_path / "a.xlsx"
    other.write_bytes(b"PK")
    with pytest.raises(ValidationError, match=r"只能导入 \.json 或 \.csv"):
        import_schedule_file(other, 2027)
    with pytest.raises(ValidationError, match="无法读取"):
        import_schedule_file(tmp_path / "missing.json", 2027)


def test_a_failure_while_recomputing_leaves_neither_the_schedule_nor_any_due_date_changed(ctx, clock, monkeypatch):
    from app.services import calendar as C
    from app.store.models import Application

    first = register(ctx, clock, datetime(2026, 12, 15, 9, 0))  # due in January 2027: would move
    second = register(ctx, clock, datetime(2026, 12, 15, 10, 0))
    original = C.refresh_derived
    seen: list[int] = []

    def fail_on_second(c, s, app):
        seen.append(app.id)
        assert c.calendar().is_confirmed(2027)  # the recompute runs on the NEW calendar
        if app.id == second.id:
            raise RuntimeError("disk went away")
        return original(c, s, app)

    monkeypatch.setattr(C, "refresh_derived", fail_on_second)
    with pytest.raises(RuntimeError, match=r"^disk went away$"):
        save_schedule(ctx, parse_schedule_json(SCHEDULE_2027))
    assert seen == [first.id, second.id]
    with ctx.db.session_scope() as s:
        assert s.get(CalendarYear, 2027) is None
        assert s.get(Application, first.id).reply_due == date(2027, 1, 13)
    assert not ctx.calendar().is_confirmed(2027)  # the context's calendar is not left on the unsaved one
    monkeypatch.setattr(C, "refresh_derived", original)
    moved = save_schedule(ctx, parse_schedule_json(SCHEDULE_2027))
    assert [m.application_id for m in moved] == [first.id, second.id], moved

"""Use cases of the working calendar: look at a year, enter or import the State Council's schedule, be reminded.

Every legal period of 《政府信息公开条例》 (第三十条至第三十四条) is counted in working days on this calendar
(docs/rules.md §4). A year counts as confirmed only when its schedule (国务院办公厅关于某年部分节假日安排的通知)
has been entered and marked confirmed; until then dates falling in it are provisional (预估). Entering a
schedule changes the calendar, so every open application is recomputed and the clerk is shown whose reply
due date moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.domain.codes import Status
from app.domain.workcalendar import (
    DayKind,
    ScheduleError,
    WorkCalendar,
    YearSchedule,
    bundled_schedules,
    parse_schedule_csv,
    parse_schedule_json,
)
from app.services.applications import refresh_derived
from app.services.context import ServiceContext
from app.services.errors import ValidationError
from app.store.events import lock_writers
from app.store.models import Application, CalendarYear

__all__ = [
    "DayView",
    "MovedDeadline",
    "YearCalendarView",
    "import_schedule_file",
    "needs_confirmation_reminder",
    "save_schedule",
    "year_view",
]

#: From this month on the next year's schedule should be entered (the notice usually comes out in November).
REMINDER_MONTH = 11


@dataclass(frozen=True)
class DayView:
    """One day of the calendar as the clerk sees it."""

    day: date
    kind: DayKind
    holiday_name: str | None

    @property
    def is_working(self) -> bool:
        return self.kind.is_working


@dataclass(frozen=True)
class YearCalendarView:
    """A whole year for the month grid: each day's kind, and where the year's schedule comes from.

    ``origin`` is "database" (entered by the clerk), "bundled" (shipped with the program) or "estimate"
    (the ``holidays`` package's guess, never confirmed).
    """

    year: int
    confirmed: bool
    source: str
    origin: str
    entered_by: str
    entered_at: datetime | None
    schedule: YearSchedule
    days: tuple[DayView, ...]

    def day(self, d: date) -> DayView:
        return self.days[(d - date(self.year, 1, 1)).days]

    @property
    def holiday_count(self) -> int:
        return sum(1 for d in self.days if d.kind is DayKind.HOLIDAY)

    @property
    def working_day_count(self) -> int:
        return sum(1 for d in self.days if d.is_working)


@dataclass(frozen=True)
class MovedDeadline:
    """An open application whose reply due date changed with the calendar (old → new)."""

    application_id: int
    reg_number: str
    old_due: date | None
    new_due: date | None
    old_provisional: bool
    new_provisional: bool


def year_view(ctx: ServiceContext, year: int) -> YearCalendarView:
    """Every day of ``year`` on the calendar in force (bundled schedules overlaid with the clerk's entries)."""
    cal = ctx.calendar()
    schedule = cal.schedule(year)
    with ctx.db.session_scope() as s:
        row = s.get(CalendarYear, year)
        entered_by = row.entered_by if row is not None else ""
        entered_at = row.entered_at if row is not None else None
    if row is not None:
        origin = "database"
    elif year in bundled_schedules():
        origin = "bundled"
    else:
        origin = "estimate"
    days: list[DayView] = []
    d = date(year, 1, 1)
    while d.year == year:
        days.append(DayView(d, cal.day_kind(d), cal.holiday_name(d)))
        d += timedelta(days=1)
    return YearCalendarView(
        year=year,
        confirmed=schedule.confirmed,
        source=schedule.source,
        origin=origin,
        entered_by=entered_by,
        entered_at=entered_at,
        schedule=schedule,
        days=tuple(days),
    )


def save_schedule(ctx: ServiceContext, schedule: YearSchedule) -> list[MovedDeadline]:
    """Store (or replace) the clerk's schedule for its year and recompute every open application.

    Working days decide every period of 第三十条至第三十四条, so a new schedule can move reply due dates; the
    result lists each open application whose reply due date moved, old → new, in registration-number order.
    """
    if not schedule.confirmed and schedule.year in bundled_schedules():
        bundled = bundled_schedules()[schedule.year]
        if bundled.confirmed:
            raise ValidationError([f"{schedule.year}年已有经确认的放假安排，不能以未确认的安排替换"])
    old_cal = ctx.calendar()
    new_cal = WorkCalendar({**old_cal.schedules, schedule.year: schedule})
    moved: list[MovedDeadline] = []
    # ONE transaction: the schedule and every recomputed due date are saved together or not at all. The
    # context's calendar is the new one while recomputing (refresh_derived reads it) and is reloaded from
    # the database afterwards, whatever happened.
    ctx._calendar = new_cal
    try:
        with ctx.db.session_scope() as s:
            lock_writers(s)  # other desks' steps wait: every open case is recomputed against what is committed
            row = s.get(CalendarYear, schedule.year)
            if row is None:
                row = CalendarYear(year=schedule.year)
                s.add(row)
            row.confirmed = schedule.confirmed
            row.source = schedule.source
            row.schedule_json = schedule.to_json()
            row.entered_by = ctx.clerk()
            row.entered_at = ctx.now().replace(microsecond=0)
            s.flush()
            ids = s.scalars(
                select(Application.id)
                .where(Application.status.not_in([Status.CLOSED.value, Status.VOIDED.value]))
                .order_by(Application.id)
            ).all()
            for app_id in ids:
                app = s.get(Application, app_id)
                assert app is not None
                old = app.reply_due
                refresh_derived(ctx, s, app)
                if app.reply_due != old:
                    moved.append(
                        MovedDeadline(
                            application_id=app.id,
                            reg_number=app.reg_number,
                            old_due=old,
                            new_due=app.reply_due,
                            old_provisional=_provisional(old_cal, old),
                            new_provisional=_provisional(new_cal, app.reply_due),
                        )
                    )
    finally:
        ctx.invalidate_calendar()
    return sorted(moved, key=lambda m: m.application_id)


def _provisional(cal: WorkCalendar, d: date | None) -> bool:
    return d is not None and not cal.is_date_confirmed(d)


def _decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, then GBK — what Excel on a Chinese Windows saves."""
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError([f"{name}：无法识别文件编码，请另存为 UTF-8 或 GBK 编码"])


def import_schedule_file(path: str | Path, year: int) -> YearSchedule:
    """Read a schedule for ``year`` from a .json (bundled format) or .csv (日期或日期范围, 类型, 名称) file.

    The file is the clerk's transcription of the State Council notice; raises :class:`ValidationError` with a
    Chinese message naming the file (and the line, when the parser knows it) on any problem.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise ValidationError([f"{p.name}：只能导入 .json 或 .csv 文件"])
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ValidationError([f"{p.name}：无法读取文件（{exc.strerror or exc}）"]) from exc
    text = _decode(raw, p.name)
    try:
        schedule = parse_schedule_json(text) if suffix == ".json" else parse_schedule_csv(text, year)
    except ScheduleError as exc:
        raise ValidationError([f"{p.name}：{exc}"]) from exc
    if schedule.year != year:
        raise ValidationError([f"{p.name}：文件中是{schedule.year}年的放假安排，而当前选择的是{year}年"])
    return schedule


def needs_confirmation_reminder(ctx: ServiceContext) -> str | None:
    """A reminder from 1 November on when next year's schedule is not yet confirmed (else None).

    The State Council usually publishes next year's notice in November; until it is entered, deadlines
    reaching into next year are only estimates. The current year being unconfirmed is reminded all year.
    """
    today = ctx.today()
    cal = ctx.calendar()
    if not cal.is_confirmed(today.year):
        return (
            f"{today.year}年的放假安排尚未确认，落在{today.year}年的期限均为预估。"
            "请在“设置 → 工作日历”中录入国务院办公厅的放假安排通知并标记为已确认。"
        )
    nxt = today.year + 1
    if today.month >= REMINDER_MONTH and not cal.is_confirmed(nxt):
        return (
            f"{nxt}年的放假安排尚未确认，跨入{nxt}年的期限目前为预估。"
            f"国务院办公厅关于{nxt}年部分节假日安排的通知发布后，"
            "请在“设置 → 工作日历”中录入或导入并标记为已确认。"
        )
    return None

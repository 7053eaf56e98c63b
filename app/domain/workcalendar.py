"""The Chinese working-day calendar that every legal clock of the 条例 runs on (docs/rules.md §4).

All periods in 《政府信息公开条例》 are working days (工作日): Monday–Friday, minus the statutory holidays,
plus the weekend make-up working days (调休上班) that the State Council's yearly notice
(国务院办公厅关于某年部分节假日安排的通知) sets.

Confirmed schedules for 2019–2026 are bundled as hand-readable JSON in ``resources/calendar``. A year with no
confirmed schedule falls back to an estimate from the ``holidays`` package and is marked unconfirmed, so that
deadlines falling in it can be shown as provisional until the clerk enters or imports the official notice.

A notice for year Y may also cover the last days of December of Y-1 (e.g. the 2019 notice: 元旦 2018年12月30日
至2019年1月1日, 2018年12月29日上班); the calendar therefore consults the schedules of both Y and Y+1 for a
December date.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from app.domain.dates import cn_date, cn_weekday

__all__ = [
    "DayKind",
    "ScheduleError",
    "WorkCalendar",
    "YearSchedule",
    "bundled_schedules",
    "calendar_dir",
    "estimated_schedule",
    "parse_schedule_csv",
    "parse_schedule_json",
]

_ONE_DAY = timedelta(days=1)
ESTIMATE_SOURCE = "程序内置估算（未经确认）"

#: The festival names as the State Council notices print them.
FESTIVAL_NAMES: tuple[str, ...] = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


class DayKind(StrEnum):
    """What kind of day a date is on the working calendar."""

    WORKDAY = "workday"  # an ordinary Monday–Friday working day
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday"  # a statutory day off in a notice's range (weekend days inside the range included)
    MAKEUP = "makeup"  # a weekend day that is a working day (调休上班)

    @property
    def label(self) -> str:
        return {
            DayKind.WORKDAY: "工作日",
            DayKind.WEEKEND: "休息日",
            DayKind.HOLIDAY: "法定节假日",
            DayKind.MAKEUP: "调休工作日",
        }[self]

    @property
    def is_working(self) -> bool:
        return self in (DayKind.WORKDAY, DayKind.MAKEUP)


class ScheduleError(ValueError):
    """A holiday schedule that cannot be read; the message is Chinese and names the line when it can."""


def _hashable_mapping(m: Mapping[date, str]) -> Mapping[date, str]:
    return MappingProxyType(dict(sorted(m.items())))


@dataclass(frozen=True)
class YearSchedule:
    """One year's holiday arrangement as published by the State Council.

    ``holidays`` holds every day-off date inside the notice's ranges (weekend days inside a range included),
    mapped to the festival's Chinese name; ``makeup_days`` the weekend days that are working days. Dates may
    lie in late December of the previous year when the notice says so.
    """

    year: int
    holidays: Mapping[date, str]
    makeup_days: frozenset[date]
    confirmed: bool
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", _hashable_mapping(self.holidays))
        object.__setattr__(self, "makeup_days", frozenset(self.makeup_days))
        both = set(self.holidays) & self.makeup_days
        if both:
            d = min(both)
            raise ScheduleError(f"{cn_date(d)}既是放假日又是调休上班日")
        for d in self.makeup_days:
            if d.weekday() < 5:
                raise ScheduleError(f"调休上班日{cn_date(d)}不是星期六或星期日")
        for d in (*self.holidays, *self.makeup_days):
            if d.year not in (self.year, self.year - 1):
                raise ScheduleError(f"{cn_date(d)}不属于{self.year}年的放假安排")

    def __hash__(self) -> int:
        return hash((self.year, tuple(self.holidays.items()), self.makeup_days, self.confirmed, self.source))

    def ranges(self) -> list[tuple[str, date, date]]:
        """The holidays as (name, first day, last day) ranges of consecutive days with the same name."""
        out: list[tuple[str, date, date]] = []
        for d, name in sorted(self.holidays.items()):
            if out and out[-1][0] == name and out[-1][2] + _ONE_DAY == d:
                out[-1] = (name, out[-1][1], d)
            else:
                out.append((name, d, d))
        return out

    def to_json(self) -> str:
        """Hand-readable JSON: a list of {"name", "start", "end"} ranges plus the make-up working days."""

        def dump(value: object) -> str:
            return json.dumps(value, ensure_ascii=False)

        lines = [
            "{",
            f'  "year": {self.year},',
            f'  "confirmed": {dump(self.confirmed)},',
            f'  "source": {dump(self.source)},',
            '  "holidays": [',
        ]
        ranges = [
            "    " + dump({"name": name, "start": start.isoformat(), "end": end.isoformat()})
            for name, start, end in self.ranges()
        ]
        if ranges:
            lines.append(",\n".join(ranges))
        lines.append("  ],")
        lines.append(f'  "makeup_days": {dump([d.isoformat() for d in sorted(self.makeup_days)])}')
        lines.append("}")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_json(cls, text: str) -> YearSchedule:
        return parse_schedule_json(text)


def _parse_iso(text: object, where: str) -> date:
    if not isinstance(text, str):
        raise ScheduleError(f"{where}：日期应为 YYYY-MM-DD 格式的文字，实际为 {text!r}")
    t = text.strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(t)
    except ValueError:
        parts = t.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
        raise ScheduleError(f"{where}：无法识别的日期“{text}”（应为 YYYY-MM-DD）") from None


def _date_range(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += _ONE_DAY


def _build(
    year: int,
    ranges: Iterable[tuple[str, date, date, str]],
    makeups: Iterable[tuple[date, str]],
    confirmed: bool,
    source: str,
) -> YearSchedule:
    """Assemble a schedule from (name, start, end, where) ranges and (day, where) make-ups, checking each."""
    holidays: dict[date, str] = {}
    for name, start, end, where in ranges:
        if end < start:
            raise ScheduleError(f"{where}：结束日期{cn_date(end)}早于开始日期{cn_date(start)}")
        if (end - start).days > 31:
            raise ScheduleError(f"{where}：放假范围超过一个月，请检查日期")
        for d in _date_range(start, end):
            if d.year not in (year, year - 1):
                raise ScheduleError(f"{where}：{cn_date(d)}不属于{year}年的放假安排")
            if d in holidays:
                raise ScheduleError(f"{where}：{cn_date(d)}重复列为放假日")
            holidays[d] = name
    makeup_days: set[date] = set()
    for d, where in makeups:
        if d.weekday() < 5:
            raise ScheduleError(f"{where}：调休上班日{cn_date(d)}是{cn_weekday(d)}，应为星期六或星期日")
        if d in holidays:
            raise ScheduleError(f"{where}：{cn_date(d)}已列为放假日，不能同时为调休上班日")
        if d.year not in (year, year - 1):
            raise ScheduleError(f"{where}：{cn_date(d)}不属于{year}年的放假安排")
        makeup_days.add(d)
    return YearSchedule(year, holidays, frozenset(makeup_days), confirmed, source)


def parse_schedule_json(text: str) -> YearSchedule:
    """Read a schedule in the bundled JSON format (see :meth:`YearSchedule.to_json`).

    ``confirmed`` defaults to true (a file the clerk imports is the official notice); ``source`` to "".
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ScheduleError(f"第{e.lineno}行：JSON 格式错误（{e.msg}）") from None
    if not isinstance(data, dict):
        raise ScheduleError("JSON 顶层应为对象，包含 year、holidays、makeup_days")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 2200:
        raise ScheduleError(f"year 应为年份数字，实际为 {year!r}")
    raw_ranges = data.get("holidays", [])
    raw_makeups = data.get("makeup_days", [])
    if not isinstance(raw_ranges, list) or not isinstance(raw_makeups, list):
        raise ScheduleError("holidays 与 makeup_days 应为列表")
    ranges = []
    for i, item in enumerate(raw_ranges, 1):
        where = f"holidays 第{i}项"
        if not isinstance(item, dict) or "start" not in item:
            raise ScheduleError(f"{where}：应为含 name、start、end 的对象")
        name = str(item.get("name", "")).strip()
        if not name:
            raise ScheduleError(f"{where}：缺少节日名称 name")
        start = _parse_iso(item["start"], where)
        end = _parse_iso(item.get("end", item["start"]), where)
        ranges.append((name, start, end, where))
    makeups = []
    for i, item in enumerate(raw_makeups, 1):
        where = f"makeup_days 第{i}项"
        raw = item.get("date") if isinstance(item, dict) else item
        makeups.append((_parse_iso(raw, where), where))
    confirmed = data.get("confirmed", True)
    if not isinstance(confirmed, bool):
        raise ScheduleError("confirmed 应为 true 或 false")
    return _build(year, ranges, makeups, confirmed, str(data.get("source", "")))


_OFF_WORDS = ("放假", "休息", "假日", "节假日", "休", "off", "holiday")
_MAKEUP_WORDS = ("调休上班", "上班", "补班", "调休工作日", "工作日", "makeup", "work")
_RANGE_SEPS = ("~", "～", "至", "—", "–", "－", "到")


def parse_schedule_csv(text: str, year: int) -> YearSchedule:
    """Read a schedule the clerk typed into a spreadsheet: ``日期或日期范围, 类型, 名称`` with a header row.

    A date or range is ``2027-01-01`` or ``2027-01-01~2027-01-03``; the type is 放假 or 调休上班; the name
    (元旦, 春节, …) is required for 放假 rows. Blank lines are skipped. The result is confirmed (it is the
    clerk's transcription of the official notice). Raises :class:`ScheduleError` naming the line on bad input.
    """
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    ranges: list[tuple[str, date, date, str]] = []
    makeups: list[tuple[date, str]] = []
    header_seen = False
    for lineno, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            if not any(ch.isdigit() for ch in cells[0]):
                continue  # the header row
        where = f"第{lineno}行"
        if len(cells) < 2 or not cells[1]:
            raise ScheduleError(f"{where}：应有“日期或日期范围, 类型, 名称”三列")
        span, kind = cells[0], cells[1].replace(" ", "")
        name = cells[2] if len(cells) > 2 else ""
        start_text, end_text = span, span
        for sep in _RANGE_SEPS:
            if sep in span:
                start_text, _, end_text = span.partition(sep)
                break
        start = _parse_iso(start_text, where)
        end = _parse_iso(end_text, where)
        if kind in _MAKEUP_WORDS or "上班" in kind or "补班" in kind:
            if end < start:
                raise ScheduleError(f"{where}：结束日期{cn_date(end)}早于开始日期{cn_date(start)}")
            makeups.extend((d, where) for d in _date_range(start, end))
        elif kind in _OFF_WORDS or "放假" in kind:
            if not name:
                raise ScheduleError(f"{where}：放假行缺少节日名称")
            ranges.append((name, start, end, where))
        else:
            raise ScheduleError(f"{where}：类型“{cells[1]}”无法识别（应为“放假”或“调休上班”）")
    if not ranges and not makeups:
        raise ScheduleError("文件中没有任何放假或调休上班的日期")
    return _build(year, ranges, makeups, True, f"{year}年放假安排（手工录入）")


def calendar_dir() -> Path:
    """Where the bundled ``YYYY.json`` schedules live (the repository, or a PyInstaller bundle)."""
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidate = Path(meipass) / "resources" / "calendar"
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parents[2] / "resources" / "calendar"


def bundled_schedules() -> dict[int, YearSchedule]:
    """The confirmed schedules shipped with the program (2019–2026), by year."""
    out: dict[int, YearSchedule] = {}
    folder = calendar_dir()
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        try:
            sched = parse_schedule_json(path.read_text(encoding="utf-8"))
        except ScheduleError as e:
            raise ScheduleError(f"{path.name}：{e}") from None
        out[sched.year] = sched
    return out


def _festival(name: str) -> str | None:
    for key, full in (
        ("元旦", "元旦"),
        ("除夕", "春节"),
        ("春节", "春节"),
        ("清明", "清明节"),
        ("劳动", "劳动节"),
        ("端午", "端午节"),
        ("中秋", "中秋节"),
        ("国庆", "国庆节"),
    ):
        if key in name:
            return full
    return None


def estimated_schedule(year: int) -> YearSchedule:
    """An unconfirmed estimate for ``year`` from ``holidays.China`` (statutory days, known 调休 days).

    Weekend days inside a holiday run are not listed (the package does not know the notice's ranges); that
    does not change which days are working days. Substitute days off are named after the nearest festival.
    """
    import holidays as holidays_pkg

    cn = holidays_pkg.China(years=year, language="zh_CN")
    named: dict[date, str] = {}
    unnamed: list[date] = []
    for d, raw in cn.items():
        if d.year != year:
            continue
        full = None
        for part in str(raw).split(";"):
            full = _festival(part.strip())
            if full:
                break
        if full:
            named[d] = full
        else:
            unnamed.append(d)
    for d in unnamed:
        if d.month == 12 and d.day >= 25:
            named[d] = "元旦"  # a substitute day off next to the next New Year
        elif named:
            nearest = min(named, key=lambda x: (abs((x - d).days), x))
            named[d] = named[nearest]
        else:
            named[d] = "调休"
    makeups = frozenset(d for d in getattr(cn, "weekend_workdays", ()) if d.year == year and d not in named)
    return YearSchedule(year, named, makeups, confirmed=False, source=ESTIMATE_SOURCE)


LATE_DECEMBER_DAY = 20  # notices have reached back to 29 Dec (2019) and 31 Dec (2023); keep a margin


class WorkCalendar:
    """Working-day arithmetic on the Chinese calendar (docs/rules.md §4).

    ``schedules`` maps years to their schedules; ``None`` means the bundled confirmed ones. A year without a
    schedule falls back to :func:`estimated_schedule` (unconfirmed), computed on first use and cached.
    Instances are treated as immutable: :meth:`with_schedule` returns a new calendar.
    """

    def __init__(self, schedules: Mapping[int, YearSchedule] | None = None) -> None:
        base = bundled_schedules() if schedules is None else schedules
        self._schedules: dict[int, YearSchedule] = dict(base)
        self._estimates: dict[int, YearSchedule] = {}
        self._lock = threading.Lock()
        self._days: dict[date, tuple[DayKind | None, str | None]] = {}  # the calendar never changes in place

    def __repr__(self) -> str:
        years = ", ".join(str(y) for y in sorted(self._schedules))
        return f"WorkCalendar(years=[{years}])"

    def with_schedule(self, schedule: YearSchedule) -> WorkCalendar:
        """A new calendar with ``schedule`` replacing whatever this one had for its year."""
        new = WorkCalendar({**self._schedules, schedule.year: schedule})
        new._estimates = {y: s for y, s in self._estimates.items() if y != schedule.year}
        return new

    @property
    def schedules(self) -> Mapping[int, YearSchedule]:
        """The explicitly given (not estimated) schedules."""
        return MappingProxyType(self._schedules)

    def schedule(self, year: int) -> YearSchedule:
        """The schedule for ``year``: the given one, else a cached estimate."""
        found = self._schedules.get(year)
        if found is not None:
            return found
        with self._lock:
            est = self._estimates.get(year)
            if est is None:
                est = estimated_schedule(year)
                self._estimates[year] = est
            return est

    def is_confirmed(self, year: int) -> bool:
        return self.schedule(year).confirmed

    def unconfirmed_years_for(self, d: date) -> list[int]:
        """The unconfirmed years whose notice could still change ``d``: its own year and, for a late-December
        day, the next one (a notice can reach back into December, as the 2019 and 2023 notices did)."""
        years = [d.year] + ([d.year + 1] if d.month == 12 and d.day >= LATE_DECEMBER_DAY else [])
        return [y for y in years if not self.is_confirmed(y)]

    def is_date_confirmed(self, d: date) -> bool:
        """True when every notice that could change ``d`` has been confirmed (see :meth:`unconfirmed_years_for`)."""
        return not self.unconfirmed_years_for(d)

    def _lookup(self, d: date) -> tuple[DayKind | None, str | None]:
        """(HOLIDAY or MAKEUP, name) when a notice mentions ``d``, else (None, None); memoised per day."""
        found = self._days.get(d)
        if found is None:
            found = self._days[d] = self._lookup_uncached(d)
        return found

    def _lookup_uncached(self, d: date) -> tuple[DayKind | None, str | None]:
        candidates = [self.schedule(d.year)]
        if d.month == 12:
            candidates.append(self.schedule(d.year + 1))
            candidates.sort(key=lambda s: not s.confirmed)  # an official notice beats an estimate
        for sched in candidates:
            name = sched.holidays.get(d)
            if name is not None:
                return DayKind.HOLIDAY, name
            if d in sched.makeup_days:
                return DayKind.MAKEUP, None
        return None, None

    def day_kind(self, d: date) -> DayKind:
        kind, _ = self._lookup(d)
        if kind is not None:
            return kind
        return DayKind.WEEKEND if d.weekday() >= 5 else DayKind.WORKDAY

    def holiday_name(self, d: date) -> str | None:
        """The festival name when ``d`` is a statutory day off, else None."""
        return self._lookup(d)[1]

    def is_working_day(self, d: date) -> bool:
        """工作日 (docs/rules.md §4): Monday–Friday minus statutory days off, plus the 调休 make-up working days
        set by the State Council's yearly notice (《全国年节及纪念日放假办法》, 国务院办公厅放假安排通知)."""
        return self.day_kind(d).is_working

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; ``start`` itself is never counted (docs/rules.md §4)."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        d = start
        left = n
        while True:
            d += _ONE_DAY
            if self.is_working_day(d):
                left -= 1
                if left == 0:
                    return d

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days in (start, end]; 0 when ``end <= start``.

        The same half-open convention as the periods of 条例 Art. 30–34 (the first day is not counted) and as
        the project rule for pauses (S, E] (docs/rules.md §4).
        """
        count = 0
        d = start + _ONE_DAY
        while d <= end:
            if self.is_working_day(d):
                count += 1
            d += _ONE_DAY
        return count

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

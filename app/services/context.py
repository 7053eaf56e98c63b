"""What every service needs: the opened database, the clock of the real world, the clerk, the calendar.

Built once by the composition root (``app/__main__.py``) and passed in; nothing global.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from app.domain.workcalendar import WorkCalendar, YearSchedule, bundled_schedules
from app.store.database import Database
from app.store.models import CalendarYear, Setting

DEFAULT_SETTINGS: dict[str, object] = {
    "clerk_name": "窗口工作人员",
    "fee_payment_days": 20,
    "due_soon_days": 3,
    "correction_period_days": 15,
}


@dataclass
class ServiceContext:
    db: Database
    now: Callable[[], datetime] = datetime.now
    _calendar: WorkCalendar | None = field(default=None, repr=False)

    def today(self) -> date:
        return self.now().date()

    def calendar(self) -> WorkCalendar:
        """Bundled confirmed schedules overlaid with the ones the clerk entered (cached)."""
        if self._calendar is None:
            schedules: dict[int, YearSchedule] = dict(bundled_schedules())
            with self.db.session_scope() as s:
                for row in s.scalars(select(CalendarYear).order_by(CalendarYear.year)):
                    schedules[row.year] = YearSchedule.from_json(row.schedule_json)
            self._calendar = WorkCalendar(schedules)
        return self._calendar

    def invalidate_calendar(self) -> None:
        self._calendar = None

    def setting(self, key: str) -> object:
        with self.db.session_scope() as s:
            row = s.get(Setting, key)
            return row.value if row is not None else DEFAULT_SETTINGS.get(key)

    def set_setting(self, key: str, value: object) -> None:
        json.dumps(value)  # fail early on values SQLite's JSON column cannot hold
        with self.db.session_scope() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value

    def clerk(self) -> str:
        return str(self.setting("clerk_name") or DEFAULT_SETTINGS["clerk_name"])

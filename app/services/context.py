"""What every service needs: the opened database, the clock of the real world, the clerk, the calendar.

Built once by the composition root (``app/__main__.py``) and passed in; nothing global.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app.domain.codes import EventKind
from app.domain.letters import DEFAULT_PATTERNS
from app.domain.workcalendar import WorkCalendar, YearSchedule, bundled_schedules
from app.store.database import Database
from app.store.desk import DESK_KEYS, load_desk_settings, save_desk_setting
from app.store.events import append_event
from app.store.models import CalendarYear, Setting


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its key in the ``setting`` table, its Chinese name, type and default.

    ``audited`` settings are the office's choices (periods, the clerk's name): each change is an event in
    the audit chain with old → new (docs/rules.md §12). Bookkeeping of the program itself is not audited.
    """

    key: str
    label: str
    type: type
    default: Any
    audited: bool = True
    minimum: int | None = None
    maximum: int | None = None


#: Every setting the program reads, declared once (read through :meth:`ServiceContext.setting`).
SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("clerk_name", "经办人", str, "窗口工作人员"),
        SettingSpec("clerk_name_set", "已在首次启动时填写经办人", bool, False, audited=False),
        SettingSpec("fee_payment_days", "缴费期限（工作日）", int, 20, minimum=1, maximum=60),
        SettingSpec("due_soon_days", "即将到期提醒（工作日）", int, 3, minimum=0, maximum=20),
        SettingSpec("correction_period_days", "补正期限（工作日）", int, 15, minimum=1, maximum=60),
        SettingSpec("calendar_fingerprint", "工作日历版本指纹", str, "", audited=False),
        SettingSpec("reasons_period_days", "说明理由期限（工作日）", int, 15, minimum=1, maximum=60),
        # one number pattern per kind of document, each with its own yearly sequence (docs/rules.md §8)
        *(
            SettingSpec(kind.pattern_setting, f"{kind.label}文号格式", str, pattern)
            for kind, pattern in DEFAULT_PATTERNS.items()
        ),
    )
}
DEFAULT_SETTINGS: dict[str, object] = {key: spec.default for key, spec in SETTINGS.items()}


class UnknownSetting(KeyError):
    """A key that is not declared in :data:`SETTINGS` (a programming error, not the clerk's)."""


def _coerce(spec: SettingSpec, value: Any) -> Any:
    """The stored value as the declared type; an unreadable stored value falls back to the default."""
    if value is None:
        return spec.default
    try:
        if spec.type is bool:
            return bool(value)
        if spec.type is int:
            number = int(value)
            if spec.minimum is not None and number < spec.minimum:
                return spec.default
            if spec.maximum is not None and number > spec.maximum:
                return spec.default
            return number
        return spec.type(value)
    except (TypeError, ValueError):
        return spec.default


@dataclass
class ServiceContext:
    db: Database
    now: Callable[[], datetime] = datetime.now
    _calendar: WorkCalendar | None = field(default=None, repr=False)
    _once: threading.local = field(default_factory=threading.local, repr=False)

    @contextlib.contextmanager
    def settings_read_once(self) -> Iterator[None]:
        """Within the block, each setting is read from the database once (on this thread): a view made of
        many queries (the 工作台) asks for the same few settings again and again, and on a server each
        read is a round trip of its own."""
        outer = getattr(self._once, "values", None)
        self._once.values = {} if outer is None else outer
        try:
            yield
        finally:
            self._once.values = outer

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

    def setting(self, key: str) -> Any:
        """The value of a declared setting, of its declared type (the default when never set)."""
        spec = SETTINGS.get(key)
        if spec is None:
            raise UnknownSetting(key)
        if self._desk_owns(key):
            return _coerce(spec, load_desk_settings().get(key))
        remembered = getattr(self._once, "values", None)
        if remembered is not None and key in remembered:
            return remembered[key]
        with self.db.session_scope() as s:
            row = s.get(Setting, key)
            value = _coerce(spec, row.value if row is not None else None)
        if remembered is not None:
            remembered[key] = value
        return value

    def int_setting(self, key: str) -> int:
        return int(self.setting(key))

    def set_setting(self, key: str, value: object) -> bool:
        """Store a declared setting; an audited one writes old → new into the audit chain in the same
        transaction. Returns False (and writes nothing) when the value is unchanged."""
        spec = SETTINGS.get(key)
        if spec is None:
            raise UnknownSetting(key)
        json.dumps(value)  # fail early on values SQLite's JSON column cannot hold
        with self.db.session_scope() as s:
            actor = self._clerk_in(s)  # who was at the desk when the change was made (before a new name)
            if self._desk_owns(key):  # a server's clerks each keep their own name (app.store.desk)
                stored = load_desk_settings()
                old = stored.get(key)
                if key in stored and old == value:
                    return False
                save_desk_setting(key, value)
            else:
                row = s.get(Setting, key)
                old = row.value if row is not None else None
                if row is not None and old == value:
                    return False
                if row is None:
                    s.add(Setting(key=key, value=value))
                else:
                    row.value = value
            if spec.audited:
                now = self.now()
                append_event(
                    s,
                    None,
                    EventKind.SETTING_CHANGED.value,
                    now.date(),
                    actor=actor,
                    recorded_at=now,
                    data={"key": key, "label": spec.label, "old": old, "new": value},
                )
            return True

    def _desk_owns(self, key: str) -> bool:
        """On a server the clerk's name is the desk's, not the register's (app.store.desk)."""
        return key in DESK_KEYS and self.db.is_server

    def _clerk_in(self, session: Any) -> str:
        if self.db.is_server:
            return self.clerk()
        row = session.get(Setting, "clerk_name")
        return str(row.value) if row is not None and row.value else str(SETTINGS["clerk_name"].default)

    def clerk(self) -> str:
        return str(self.setting("clerk_name") or SETTINGS["clerk_name"].default)

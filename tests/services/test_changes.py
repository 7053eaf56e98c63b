"""The change stamp other desks' windows poll: it moves on every change the pages show, and only then."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from app.domain.workcalendar import YearSchedule
from app.services.calendar import save_schedule
from app.services.changes import change_stamp
from app.services.context import ServiceContext
from app.services.profile import get_profile, update_profile
from tests.factories import register_in_person


def test_reading_changes_nothing_and_is_repeatable(ctx):
    assert change_stamp(ctx) == change_stamp(ctx)


def test_a_registration_on_another_desk_moves_the_stamp(ctx, clock):
    other = ServiceContext(ctx.db, now=clock)  # another desk: its own context on the same register
    before = change_stamp(ctx)
    register_in_person(other, datetime(2026, 2, 13, 9, 0), clock)
    after = change_stamp(ctx)
    assert after != before
    assert after.last_event > before.last_event
    assert not after.calendar_changed(before)


def test_an_audited_setting_moves_the_stamp(ctx):
    before = change_stamp(ctx)
    ctx.set_setting("due_soon_days", ctx.int_setting("due_soon_days") + 1)
    assert change_stamp(ctx) != before


def test_the_calendar_and_the_profile_move_the_stamp(ctx, clock):
    before = change_stamp(ctx)
    save_schedule(ctx, YearSchedule(2031, {date(2031, 1, 1): "元旦"}, frozenset(), confirmed=True))
    after = change_stamp(ctx)
    assert after.calendar_changed(before)
    clock.value = datetime(2026, 2, 13, 11, 0)
    update_profile(ctx, replace(get_profile(ctx), office_name="某市某局"))
    assert change_stamp(ctx) != after

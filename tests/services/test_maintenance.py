from datetime import date, datetime

from app.domain.workcalendar import YearSchedule
from app.services import applications as A
from app.services.maintenance import FINGERPRINT_KEY, calendar_fingerprint, recompute_if_calendar_changed
from app.store.models import Application
from tests.factories import register_in_person


def test_stored_due_dates_follow_a_calendar_that_changed_underneath(ctx, clock):
    r = register_in_person(ctx, datetime(2026, 12, 15, 9, 0), clock)
    assert recompute_if_calendar_changed(ctx) == []  # first run: records the calendar, nothing moves
    first = calendar_fingerprint(ctx)
    assert ctx.setting(FINGERPRINT_KEY) == first and len(first) == 64
    assert recompute_if_calendar_changed(ctx) == []
    # a new program version ships the official 2027 notice (here: 元旦 1–4 January)
    official = YearSchedule(2027, {date(2027, 1, d): "元旦" for d in range(1, 5)}, frozenset(), True)
    ctx._calendar = ctx.calendar().with_schedule(official)
    moved = recompute_if_calendar_changed(ctx)
    assert moved == [(r.id, r.reg_number, date(2027, 1, 13), date(2027, 1, 14))]
    assert ctx.setting(FINGERPRINT_KEY) == calendar_fingerprint(ctx) != first  # the new calendar is recorded
    assert recompute_if_calendar_changed(ctx) == []
    with ctx.db.session_scope() as s:
        assert s.get(Application, r.id).reply_due == date(2027, 1, 14)
    assert A.get_application(ctx, r.id).deadlines.reply_due == date(2027, 1, 14)

"""Noticing what other desks changed: a cheap *change stamp* of the register, compared now and then.

Several desks share one register on a PostgreSQL server (and a command-line ledger import can write to the
desk's own SQLite file while the window is open). Each window asks for :func:`change_stamp` every few
seconds and reloads its pages when the stamp differs from the last one.

Why polling rather than PostgreSQL's LISTEN/NOTIFY: polling works the same on both engines (SQLite has no
notifications at all), needs no connection held open for listening, and survives a server restart or a
dropped network by itself — the next poll simply connects again through the pool (``pool_pre_ping``).
LISTEN/NOTIFY would need a dedicated long-lived connection per desk, its own reconnect logic, and a
re-read after every reconnect anyway, since notifications sent while disconnected are lost.

The stamp must be cheap, since every desk asks for it every few seconds: one round trip of a few
index-only look-ups, independent of the size of the register (about a millisecond at 100 000 applications):

* the newest event id — every change of an application (registration, each step, corrections, documents,
  attachments, the ledger import) and every audited setting appends an event, and events are never deleted
  (they form the audit chain), so a change anywhere moves it; ``max`` on the primary key is one index probe;
* the working calendar (count and newest entry of ``calendar_year``, a handful of rows) — saving another
  year's schedule recomputes due dates without an event, and this desk must then drop its cached calendar;
* the office's profile (one row, its ``updated_at``) — the letterhead and number patterns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.services.context import ServiceContext
from app.store.models import AgencyProfile, CalendarYear, Event

__all__ = ["ChangeStamp", "change_stamp"]


@dataclass(frozen=True)
class ChangeStamp:
    """What :func:`change_stamp` read; two stamps differ when anything the pages show was changed."""

    last_event: int
    calendar: tuple[int, datetime | None]
    profile: datetime | None

    def calendar_changed(self, other: ChangeStamp | None) -> bool:
        """The working calendar differs from *other*'s (the desk must re-read it)."""
        return other is not None and self.calendar != other.calendar


def change_stamp(ctx: ServiceContext) -> ChangeStamp:
    """The register's change stamp, read in one cheap query (see the module's docstring).

    Raises :class:`app.services.errors.StorageFailure` (Chinese) when the database cannot be read, e.g. the
    server is unreachable; safe to call from another thread (its own session)."""
    query = select(
        select(func.max(Event.id)).scalar_subquery(),
        select(func.count()).select_from(CalendarYear).scalar_subquery(),
        select(func.max(CalendarYear.entered_at)).scalar_subquery(),
        select(func.max(AgencyProfile.updated_at)).scalar_subquery(),
    )
    with ctx.db.session_scope() as s:
        last_event, years, entered, profile = s.execute(query).one()
    return ChangeStamp(int(last_event or 0), (int(years or 0), entered), profile)

"""Keeping the stored projection honest when the calendar the program counts on changes underneath it.

The register filters on the stored reply due date (for speed at 100,000 rows). A new program version can
ship new confirmed schedules, and a newer ``holidays`` package can estimate later years differently; the
stored dates of open applications must then be recomputed, not left to disagree with the detail view.
"""

from __future__ import annotations

import hashlib
from datetime import date
from importlib.metadata import PackageNotFoundError, version

from app.services.applications import recompute_open
from app.services.context import ServiceContext

FINGERPRINT_KEY = "calendar_fingerprint"


def calendar_fingerprint(ctx: ServiceContext) -> str:
    """A digest of every schedule in force plus the version of the estimator for unconfirmed years."""
    cal = ctx.calendar()
    parts = [schedule.to_json() for _, schedule in sorted(cal.schedules.items())]
    try:
        parts.append("holidays=" + version("holidays"))
    except PackageNotFoundError:  # a frozen build without metadata: the bundled schedules still count
        parts.append("holidays=?")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def recompute_if_calendar_changed(ctx: ServiceContext) -> list[tuple[int, str, date | None, date | None]]:
    """Recompute open applications when the calendar differs from the one their dates were computed on.

    Returns the applications whose reply due date moved (id, number, old, new); empty when nothing changed.
    """
    current = calendar_fingerprint(ctx)
    if ctx.setting(FINGERPRINT_KEY) == current:
        return []
    moved = recompute_open(ctx)
    ctx.set_setting(FINGERPRINT_KEY, current)
    return moved

"""Keeping the stored projection honest when the calendar the program counts on changes underneath it.

The register filters on the stored reply due date (for speed at 100,000 rows). A new program version can
ship new confirmed schedules, and a newer ``holidays`` package can estimate later years differently; the
stored dates of open applications must then be recomputed, not left to disagree with the detail view.

Also the start-up's tidying of temporary copies a killed backup or restore left behind
(:func:`cleanup_temporary`).
"""

from __future__ import annotations

import hashlib
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from app.services.applications import recompute_open
from app.services.context import ServiceContext
from app.store.backup import STALE_AFTER_SECONDS, remove_stale_temporaries

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


def cleanup_temporary(db_path: Path, *, min_age: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete temporary copies left by a backup, restore or attachment that was killed or failed: beside the
    database, in its backup folder and in its attachments' case folders. Only files older than *min_age*
    seconds (a backup running right now in another window keeps its own); returns what was removed.

    Call at start-up (the automatic backup does it too). A temporary copy is never a valid backup: the real
    names are only given by ``os.replace`` once a copy is complete.
    """
    return remove_stale_temporaries(Path(db_path), min_age=min_age)

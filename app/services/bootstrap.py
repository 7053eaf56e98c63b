"""One way a use case gets its context: open (check, back up, migrate) the database and build the context.

The GUI (``app.ui.application``), the command line (``app.cli``) and the scripts all start here, so neither
screens nor commands open the database themselves. Failures come as :class:`app.services.errors.ClerkError`
subclasses with a Chinese message (:class:`~app.services.errors.DatabaseUnavailable` when the file is
locked, damaged, foreign or newer than the program).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.services.context import ServiceContext
from app.services.profile import ensure_defaults
from app.store.backup import default_backup_dir
from app.store.database import default_db_path, inspect_existing, open_database

__all__ = ["backup_folder", "check_file", "database_path", "open_context"]


def database_path(path: Path | None = None) -> Path:
    """The database file to use: *path*, else ``ogi.sqlite`` in the user data folder (platformdirs)."""
    return Path(path) if path is not None else default_db_path()


def open_context(
    path: Path | None = None,
    *,
    now: Callable[[], datetime] = datetime.now,
    defer_integrity_check: bool = False,
) -> ServiceContext:
    """Open the office's database (first run: create it with the office's defaults) and return the context.

    *defer_integrity_check*: the GUI opens an up-to-date database without the whole-file check and runs
    ``ctx.db.verify_integrity()`` right after its window is up (see app.store.database.open_database).
    """
    db = open_database(database_path(path), defer_integrity_check=defer_integrity_check)
    ctx = ServiceContext(db, now=now)
    ensure_defaults(ctx)
    return ctx


def check_file(path: Path) -> None:
    """Refuse a file that is not a usable database of this program, without changing it (DatabaseUnavailable)."""
    inspect_existing(path)


def backup_folder(db_path: Path) -> Path:
    """Where the automatic backups of *db_path* are kept (``backups/`` next to it)."""
    return default_backup_dir(db_path)

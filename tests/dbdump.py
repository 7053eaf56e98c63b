"""A content dump of a database (a SQLite file, or a server's) for "nothing changed" and "identical after
restore" checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from app.store.database import Database


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted, read on a fresh read-only connection (sees committed data only)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def dump_db(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """:func:`dump` of an open database of either engine (a server's through a connection of its own)."""
    if not db.is_server:
        return dump(db.path)
    with db.engine.connect() as conn:
        tables = list(
            conn.execute(
                text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
                )
            ).scalars()
        )
        return {t: sorted((tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr) for t in tables}

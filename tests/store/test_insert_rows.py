"""``insert_rows`` (the ledger import's bulk insert) stores exactly what SQLAlchemy's ``insert(table)`` with
the same rows stores, whether it writes one row or many per statement."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, create_engine, insert
from sqlalchemy.orm import Session

from app.store.events import insert_rows


def _table(metadata: MetaData, name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(50)),
        Column("day", Date),
        Column("at", DateTime),
        Column("data", JSON),
        Column("flag", Boolean),
    )


def _rows(n: int) -> list[dict[str, object]]:
    shared = {"source": "ledger", "days": 3}
    out: list[dict[str, object]] = []
    for i in range(1, n + 1):
        out.append(
            {
                "id": i,
                "name": None if i % 7 == 0 else f"名{i % 5}",
                "day": None if i % 4 == 0 else date(2026, 1, 1 + i % 28),
                "at": datetime(2026, 3, 5, 9, i % 60, 0, 123 * (i % 3)),
                "data": shared if i % 2 else {"n": i, "list": [i, "x"], "none": None},
                "flag": bool(i % 3),
            }
        )
    return out


def test_the_stored_rows_are_those_sqlalchemy_stores(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 't.sqlite'}")
    metadata = MetaData()
    tables = [_table(metadata, name) for name in ("by_sqlalchemy", "one_per_statement", "many_per_statement")]
    metadata.create_all(engine)
    rows = _rows(257)
    with Session(engine) as s:
        s.execute(insert(tables[0]), rows)
        insert_rows(s, tables[1], rows)
        insert_rows(s, tables[2], rows, per_statement=10)
        s.commit()
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        stored = [raw.execute(f"SELECT * FROM {t.name} ORDER BY rowid").fetchall() for t in tables]
    assert stored[0] == stored[1] == stored[2]
    assert len(stored[0]) == 257
    engine.dispose()


def test_a_default_the_rows_leave_out_is_filled_in_by_sqlalchemy(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 't.sqlite'}")
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True), Column("note", String(10), default="x"))
    metadata.create_all(engine)
    with Session(engine) as s:
        insert_rows(s, table, [{"id": 1}, {"id": 2}])
        s.commit()
        assert s.execute(table.select().order_by(table.c.id)).all() == [(1, "x"), (2, "x")]
    engine.dispose()

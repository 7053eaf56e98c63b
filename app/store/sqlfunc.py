"""SQL pieces spelled differently by SQLite (a desk's file) and PostgreSQL (a server shared by several desks).

Each construct compiles to the SQLite spelling the register has always used, and to its PostgreSQL equivalent,
so that the services' filters, counts and the annual report are one query on either engine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Connection, Integer, Numeric, String, Table, bindparam, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

__all__ = ["advance_id_sequences", "ids_in", "json_number", "json_text", "no_index", "year_month_of", "year_text_of"]


def _per_engine(name: str, sqlite: str, postgresql: str, type_: TypeEngine[Any] | None = None) -> type:
    """A SQL function construct written ``sqlite`` on SQLite and ``postgresql`` on a server: each a format
    string whose ``{0}``, ``{1}`` … are the compiled arguments."""
    attrs: dict[str, Any] = {"inherit_cache": True, "name": name}
    if type_ is not None:
        attrs["type"] = type_
    construct = type(name, (FunctionElement,), attrs)
    for dialect, spelling in (("sqlite", sqlite), ("postgresql", postgresql)):

        def render(element: Any, compiler: Any, _spelling: str = spelling, **kw: Any) -> str:
            return _spelling.format(*(compiler.process(arg, **kw) for arg in element.clauses))

        compiles(construct, dialect)(render)
    return construct


_JsonText = _per_engine("ogi_json_text", "json_extract({0}, '$.' || {1})", "(({0})::json ->> {1})", String())
_JsonNumber = _per_engine(
    "ogi_json_number", "json_extract({0}, '$.' || {1})", "((({0})::json ->> {1})::numeric)", Numeric()
)
_YearMonth = _per_engine("ogi_year_month", "substr({0}, 1, 7)", "to_char({0}, 'YYYY-MM')", String())
_YearText = _per_engine("ogi_year_text", "strftime('%Y', {0})", "to_char({0}, 'YYYY')", String())
_NoIndex = _per_engine("ogi_no_index", "+{0}", "{0}")


def json_text(col: ColumnElement[Any], name: str) -> ColumnElement[Any]:
    """The top-level field *name* of JSON column *col* as text (NULL when absent)."""
    return _JsonText(col, name)


def json_number(col: ColumnElement[Any], name: str) -> ColumnElement[Any]:
    """The top-level field *name* of JSON column *col* as a number (NULL when absent)."""
    return _JsonNumber(col, name)


def year_month_of(col: ColumnElement[Any]) -> ColumnElement[str]:
    """``YYYY-MM`` of a date column."""
    return _YearMonth(col)


def year_text_of(col: ColumnElement[Any]) -> ColumnElement[str]:
    """``YYYY`` of a date or timestamp column, as text."""
    return _YearText(col)


def no_index(col: ColumnElement[Any]) -> ColumnElement[Any]:
    """*col*, telling SQLite not to use an index on it (unary ``+``); PostgreSQL plans for itself."""
    element = _NoIndex(col)
    element.type = col.type
    return element


class _IdsIn(ColumnElement[bool]):
    """``col IN (…)`` over one bound JSON array of ids."""

    inherit_cache = True
    type = Boolean()

    def __init__(self, col: ColumnElement[int], array: BindParameter[str]) -> None:
        self.col = col
        self.array = array


@compiles(_IdsIn, "sqlite")
def _ids_sqlite(element: _IdsIn, compiler: Any, **kw: Any) -> str:
    col, array = compiler.process(element.col, **kw), compiler.process(element.array, **kw)
    return f"{col} IN (SELECT value FROM json_each({array}))"


@compiles(_IdsIn, "postgresql")
def _ids_pg(element: _IdsIn, compiler: Any, **kw: Any) -> str:
    col, array = compiler.process(element.col, **kw), compiler.process(element.array, **kw)
    return f"{col} IN (SELECT json_array_elements_text(CAST({array} AS json))::integer)"


def ids_in(col: ColumnElement[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """``col IN (ids)`` with the ids as one bound JSON array, however many (SQLite limits the parameters)."""
    array = bindparam(None, json.dumps([int(i) for i in ids]), type_=String(), unique=True)
    return _IdsIn(col, array)


def advance_id_sequences(conn: Session | Connection, tables: Sequence[Table]) -> None:
    """After rows were inserted with ids given by the program (an import, a copy, the event chain), move each
    table's id sequence on a server past the highest id, so that a row the server numbers itself does not
    collide. SQLite numbers from the highest rowid itself: nothing to do. Runs in the caller's transaction;
    tables without a single integer key (or without a sequence) are left alone."""
    dialect = conn.get_bind().dialect if isinstance(conn, Session) else conn.dialect
    if dialect.name != "postgresql":
        return
    quote = dialect.identifier_preparer.quote
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        conn.execute(
            text(
                "SELECT setval(seq, coalesce(m, 1), m IS NOT NULL) FROM "
                f"(SELECT pg_get_serial_sequence(:t, :c) AS seq, (SELECT max({quote(pk[0].name)}) "
                f"FROM {quote(table.name)}) AS m) s WHERE seq IS NOT NULL"
            ),
            {"t": quote(table.name), "c": pk[0].name},
        )

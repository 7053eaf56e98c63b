"""SQL pieces spelled differently by SQLite (a desk's file) and PostgreSQL (a server shared by several desks).

Each construct compiles to the SQLite spelling the register has always used, and to its PostgreSQL equivalent,
so that the services' filters, counts and the annual report are one query on either engine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Numeric, String, Table, bindparam, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

__all__ = ["advance_id_sequences", "ids_in", "json_number", "json_text", "no_index", "year_month_of", "year_text_of"]


class _JsonField(FunctionElement[Any]):
    inherit_cache = True
    name = "ogi_json_field"


class _JsonText(_JsonField):
    inherit_cache = True
    type: TypeEngine[Any] = String()


class _JsonNumber(_JsonField):
    inherit_cache = True
    type: TypeEngine[Any] = Numeric()


@compiles(_JsonField, "sqlite")
def _json_sqlite(element: _JsonField, compiler: Any, **kw: Any) -> str:
    col, key = list(element.clauses)
    return f"json_extract({compiler.process(col, **kw)}, {compiler.process(key, **kw)})"


@compiles(_JsonText, "postgresql")
def _json_text_pg(element: _JsonField, compiler: Any, **kw: Any) -> str:
    col, key = list(element.clauses)
    return f"(({compiler.process(col, **kw)})::json ->> {compiler.process(key, **kw)})"


@compiles(_JsonNumber, "postgresql")
def _json_number_pg(element: _JsonField, compiler: Any, **kw: Any) -> str:
    col, key = list(element.clauses)
    return f"((({compiler.process(col, **kw)})::json ->> {compiler.process(key, **kw)})::numeric)"


class _Path(FunctionElement[Any]):
    """The key of a top-level JSON field: ``$.name`` for SQLite's json_extract, ``name`` for PostgreSQL's ->>."""

    inherit_cache = True
    name = "ogi_json_key"
    type: TypeEngine[Any] = String()


@compiles(_Path, "sqlite")
def _path_sqlite(element: _Path, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"('$.' || {compiler.process(value, **kw)})"


@compiles(_Path, "postgresql")
def _path_pg(element: _Path, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return compiler.process(value, **kw)


def json_text(col: ColumnElement[Any], name: str) -> ColumnElement[Any]:
    """The top-level field *name* of JSON column *col* as text (NULL when absent)."""
    return _JsonText(col, _Path(name))


def json_number(col: ColumnElement[Any], name: str) -> ColumnElement[Any]:
    """The top-level field *name* of JSON column *col* as a number (NULL when absent)."""
    return _JsonNumber(col, _Path(name))


class _YearMonth(FunctionElement[Any]):
    inherit_cache = True
    name = "ogi_year_month"
    type: TypeEngine[Any] = String()


@compiles(_YearMonth, "sqlite")
def _ym_sqlite(element: _YearMonth, compiler: Any, **kw: Any) -> str:
    (col,) = list(element.clauses)
    return f"substr({compiler.process(col, **kw)}, 1, 7)"


@compiles(_YearMonth, "postgresql")
def _ym_pg(element: _YearMonth, compiler: Any, **kw: Any) -> str:
    (col,) = list(element.clauses)
    return f"to_char({compiler.process(col, **kw)}, 'YYYY-MM')"


def year_month_of(col: ColumnElement[Any]) -> ColumnElement[str]:
    """``YYYY-MM`` of a date column."""
    return _YearMonth(col)


class _YearText(FunctionElement[Any]):
    inherit_cache = True
    name = "ogi_year_text"
    type: TypeEngine[Any] = String()


@compiles(_YearText, "sqlite")
def _year_sqlite(element: _YearText, compiler: Any, **kw: Any) -> str:
    (col,) = list(element.clauses)
    return f"strftime('%Y', {compiler.process(col, **kw)})"


@compiles(_YearText, "postgresql")
def _year_pg(element: _YearText, compiler: Any, **kw: Any) -> str:
    (col,) = list(element.clauses)
    return f"to_char({compiler.process(col, **kw)}, 'YYYY')"


def year_text_of(col: ColumnElement[Any]) -> ColumnElement[str]:
    """``YYYY`` of a date or timestamp column, as text."""
    return _YearText(col)


class _NoIndex(FunctionElement[Any]):
    inherit_cache = True
    name = "ogi_no_index"


@compiles(_NoIndex, "sqlite")
def _no_index_sqlite(element: _NoIndex, compiler: Any, **kw: Any) -> str:
    (col,) = list(element.clauses)
    return f"+{compiler.process(col, **kw)}"


@compiles(_NoIndex, "postgresql")
def _no_index_pg(element: _NoIndex, compiler: Any, **kw: Any) -> str:
    (col,) = list(element.clauses)
    return compiler.process(col, **kw)


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


def advance_id_sequences(session: Session, tables: Sequence[Table]) -> None:
    """After rows were inserted with ids given by the program (an import, a copy), move each table's id
    sequence on a server past the highest id, so the next row it numbers does not collide. SQLite numbers
    from the highest rowid itself: nothing to do. Runs in the caller's transaction."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"greatest((SELECT max(id) FROM {table.name}), 1), (SELECT max(id) FROM {table.name}) IS NOT NULL)"
            )
        )

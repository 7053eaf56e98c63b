"""The one writer of the ``event`` table: every event is appended here and chained by hash.

Registration, every step at the counter, settings changes, attachments, the ledger import and the
synthetic-data script all append through :class:`EventChain` (or :func:`append_event`, one event), so
the hash chain (see :mod:`app.domain.audit`) has one owner and the ``check`` command verifies all of it.

In the same transaction as the events (a ``before_commit`` hook of the session) this module also writes
the chain's *anchor* (``setting`` row :data:`ANCHOR_KEY`: count, last id and hash, signed with the
installation's audit key, :mod:`app.store.auditkey`) and the *seal* of every application the events are
about (``setting`` rows ``seal:<application id>``; the keyed digest of its registration row without the
derived columns, its applicant and its remedy cases). An existing database with an unkeyed chain needs
no migration: the first append on a computer with a key starts a keyed *segment* at the next event id
(events before it keep verifying unkeyed) and seals every application as it stands.

The readers (:func:`read_chain`, :func:`read_anchor`, :func:`read_seals`, :func:`application_rows`) take
a *fetch* function (SQL text and parameters → rows) so that the same code checks the live database through
a session and a backup through a plain read-only ``sqlite3`` connection; they read raw stored values and
name every row they cannot read instead of failing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.domain.audit import (
    GENESIS,
    UNKEYED,
    Anchor,
    ChainBreak,
    ChainResult,
    Gap,
    Segment,
    compare_anchor,
    event_hash,
    verify_chain,
)
from app.domain.audit import _default as audit_default
from app.store.auditkey import load_keys, own_key
from app.store.models import Event, Setting
from app.store.sqlfunc import advance_id_sequences

ANCHOR_KEY = "audit_anchor"
SEAL_PREFIX = "seal:"
#: derived from the events and recomputed by the services (checked by recomputation, not by the seal)
DERIVED_COLUMNS = frozenset({"status", "reply_due", "closed_on", "outcome", "updated_at"})
#: The sealed columns, listed once (a column added later is not sealed until listed here; listing one
#: changes every seal, so it goes with a re-seal). Search keys derived from a sealed column are left out.
SEALED_COLUMNS: dict[str, tuple[str, ...]] = {
    "application": (
        "id", "year", "seq", "reg_number", "channel", "post_kind", "arrived_at", "receipt_date", "receipt_basis",
        "confirmed_at", "confirmed_with", "applicant_id", "applicant_kind", "applicant_name",
        "applicant_id_number", "applicant_snapshot", "agent_name", "agent_id_doc_type", "agent_id_number",
        "agent_authorisation", "content", "document_titles", "purpose", "requested_form", "delivery",
        "fee_waiver_requested", "filled_by_clerk", "notes", "registered_by", "created_at",
    ),
    "applicant": (
        "id", "kind", "name", "id_doc_type", "id_number", "legal_representative", "contact_person", "phone",
        "address", "postcode", "email", "created_at",
    ),
    "remedy_case": ("id", "application_id", "kind", "filed_on", "result", "decided_on", "note"),
}  # fmt: skip
_STATE = "ogi_audit_state"

Fetch = Callable[[str, dict[str, Any]], Sequence[Sequence[Any]]]


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=audit_default, separators=(",", ":"))
"""The encoder :func:`app.domain.audit.canonical` builds for every call (``json.dumps`` with these options),
built once for the thousands of events of an import."""


def _event_hash(prev_hash: str, fields: dict[str, Any], key: bytes | None) -> str:
    """:func:`app.domain.audit.event_hash`, the same digest (tests/store/test_event_hash_fast.py)."""
    if key is None:
        return event_hash(prev_hash, fields, key)
    return hmac.new(key, (prev_hash + "\n" + _CANONICAL.encode(fields)).encode("utf-8"), hashlib.sha256).hexdigest()


def _seal(key: bytes, application_id: int, rows: dict[str, Any]) -> str:
    """:func:`app.domain.audit.seal`, the same digest (tests/store/test_event_hash_fast.py)."""
    message = f"seal:{application_id}\n" + _CANONICAL.encode(rows)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def hashed_fields(
    application_id: int | None,
    kind: str,
    event_date: date,
    recorded_at: datetime,
    actor: str,
    data: Any,
    note: str | None,
) -> dict[str, Any]:
    return {
        "application_id": application_id,
        "kind": kind,
        "event_date": event_date.isoformat(),
        "recorded_at": recorded_at.replace(microsecond=0).isoformat(),
        "actor": actor,
        "data": data or {},
        "note": note or "",
    }


# ----- the writer --------------------------------------------------------------------------------------


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], *, per_statement: int = 1) -> None:
    """Insert *rows* (dicts with the same keys) into *table* in the session's transaction: one ``executemany``
    of one plain INSERT, each value converted by its column type's own bind processor, i.e. exactly the
    values ``session.execute(insert(table), rows)`` stores, without SQLAlchemy's per-row parameter work
    (a ledger import inserts tens of thousands of rows). A table with a column default the rows leave out
    goes through SQLAlchemy, which fills it in.

    ``per_statement`` > 1 writes that many rows with each INSERT (one multi-row VALUES): for a table with a
    trigger (``application`` and its search queue) SQLite then opens one statement journal per statement
    instead of one per row, which makes the insert twice as fast. The rows and their order are the same."""
    if not rows:
        return
    names = list(rows[0])
    given = set(names)
    if any(c.default is not None and c.key not in given for c in table.columns):
        session.execute(insert(table), list(rows))
        return
    conn = session.connection()
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    columns = [table.c[name] for name in names]
    mark = "?" if dialect.name == "sqlite" else "%s"
    one = f"({', '.join(mark for _ in columns)})"
    sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) VALUES "
    processors = [
        (i, _remembering(p))
        for i, c in enumerate(columns)
        if (p := c.type.dialect_impl(dialect).bind_processor(dialect))
    ]
    params: list[tuple[Any, ...]] = []
    pick = itemgetter(*names)
    width = len(names)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"rows for {table.name} must all have the same columns")
        picked = pick(row)
        values = list(picked) if width > 1 else [picked]
        for i, process in processors:
            values[i] = process(values[i])
        params.append(tuple(values))
    per_statement = min(per_statement, _MAX_VARIABLES // len(columns))
    if per_statement <= 1:
        conn.exec_driver_sql(sql + one, params)
        return
    for i in range(0, len(params), per_statement):
        batch = params[i : i + per_statement]
        conn.exec_driver_sql(sql + ", ".join([one] * len(batch)), tuple(v for row in batch for v in row))


# the most parameters one statement may have (SQLITE_MAX_VARIABLE_NUMBER: 999 before SQLite 3.32)
_MAX_VARIABLES = 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999


def _remembering(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """*process* (a column type's bind processor) run once per distinct value of one batch: the same dates,
    times and shared event data recur on thousands of rows. Values are told apart by type and value (a
    dict, which cannot be hashed, by identity: the batch holds it, unchanged, until it is written)."""
    known: dict[Any, Any] = {}

    def run(value: Any) -> Any:
        key = (value.__class__, id(value)) if value.__class__ is dict else (value.__class__, value)
        try:
            return known[key]
        except KeyError:
            out = known[key] = process(value)
            return out
        except TypeError:  # another unhashable value
            return process(value)

    return run


@dataclass
class _Pending:
    """What one transaction appended, for the anchor and the seals written at commit."""

    base_count: int  # events in the table before this transaction, as anchored
    segments: tuple[Segment, ...]
    gaps: tuple[Gap, ...]
    key_id: str
    key: bytes
    introduce: bool  # no anchor before: seal every application as it stands
    appended: int = 0
    last_id: int = 0
    head: str = GENESIS
    applications: set[int] = field(default_factory=set)


def _session_fetch(session: Session) -> Fetch:
    def fetch(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return session.execute(text(sql), params).all()

    return fetch


def _raw_fetch(session: Session) -> Fetch:
    """A *fetch* straight on the session's own DB-API connection (same transaction, same raw stored values
    as :func:`_session_fetch`: plain SQL text has no column types to convert), without building a
    SQLAlchemy row for each of the thousands of rows the seals of an import read."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":  # a server's driver has its own parameter style: through SQLAlchemy
        return _session_fetch(session)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None

    def fetch(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return dbapi.execute(sql, params).fetchall()

    return fetch


#: The one lock every writer that numbers or appends takes first on a server (PostgreSQL advisory lock,
#: transaction-scoped; the number is arbitrary, "OGIDWRIT" in ASCII, and only has to be the same everywhere).
WRITER_LOCK_ID = 0x4F47_4944_5752_4954
_LOCKED = "ogi_writer_locked"


def lock_writers(session: Session) -> None:
    """Queue this transaction behind every other desk that numbers or appends, until it commits.

    Why: the chain (each event hashes the previous one, ids are max+1) and the number counters are
    read-then-written; two desks doing that at once would fork the chain or hand out one number twice. On a
    PostgreSQL server ``pg_advisory_xact_lock`` serialises them (released at commit or rollback, re-entrant);
    every such writer takes this one lock *first*, before any row lock, so no two desks can wait on each
    other in opposite orders (no deadlock). Called at the start of a transaction, everything read after it
    is the committed state of the other desks (READ COMMITTED reads each statement afresh).

    On a SQLite file a no-op UPDATE makes the transaction a writer at once: another process waits here for
    the file's write lock (busy timeout) instead of failing later when it upgrades a stale read
    ("database is locked"). Called after the transaction already read something it still works, but a
    desk that committed in between then makes this one fail with the clear "locked" message; nothing is
    written twice either way.
    """
    if session.info.get(_LOCKED):
        return
    with session.no_autoflush:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITER_LOCK_ID})
        else:
            session.execute(text("UPDATE number_sequence SET last = last WHERE 0"))
    session.info[_LOCKED] = True


def _begin(session: Session) -> _Pending:
    state = session.info.get(_STATE)
    if isinstance(state, _Pending):
        return state
    lock_writers(session)
    fetch = _session_fetch(session)
    stored = read_anchor(fetch)
    anchor = stored if isinstance(stored, Anchor) else None
    last = session.execute(select(Event.id, Event.hash).order_by(Event.id.desc()).limit(1)).first()
    last_id, last_hash = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)
    keys = load_keys()
    own_id, own = own_key()
    keys.setdefault(own_id, own)
    if anchor is not None and anchor.signing_key_id in keys:
        kid, key, segments = anchor.signing_key_id, keys[anchor.signing_key_id], anchor.segments
    else:  # no anchor yet (an unkeyed chain), or a database brought from a computer whose key is not here
        kid, key = own_id, own
        segments = (*(anchor.segments if anchor else ()), Segment(last_id + 1, own_id))
    gaps = anchor.gaps if anchor is not None else ()
    base = anchor.count if anchor is not None else 0
    why = ""
    if stored is not None and anchor is None:
        why = "审计锚点无法读取"
    elif anchor is not None and (anchor.last_id, anchor.head) != (last_id, last_hash):
        why = "审计锚点与表中最后一条记录不符"
    elif anchor is not None and anchor.signing_key_id in keys and not anchor.signature_ok(keys[anchor.signing_key_id]):
        why = "审计锚点的签名不符（可能被改动）"
    if anchor is None or why:
        found = int(session.scalar(select(func.count(Event.id))) or 0)
        if why:  # never heal silently: the discrepancy stays in the anchor and every check reports it
            a = anchor
            gaps = (*gaps, Gap(last_id + 1, a.count if a else 0, a.last_id if a else 0, found, last_id, why))
        base = found
    state = _Pending(base, segments, gaps, kid, key, introduce=stored is None)
    session.info[_STATE] = state
    return state


class EventChain:
    """Appends events at the end of the chain inside the caller's transaction.

    :meth:`append` writes one event at once (an ORM row); :meth:`stage` + :meth:`flush` write many with
    bulk inserts (imports of thousands of rows), the chain computed in memory from the current last hash.
    Both keep ids and hashes in order; the caller's transaction makes the whole batch all-or-nothing, and the
    anchor and the seals are written when it commits.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        lock_writers(session)  # before the flush: the one lock first, then row locks (no deadlock)
        session.flush()
        self._state = _begin(session)
        # read after the lock: the last event and the next id as the other desks committed them
        self._prev = session.scalar(select(Event.hash).order_by(Event.id.desc()).limit(1)) or GENESIS
        self._next_id = (session.scalar(select(func.max(Event.id))) or 0) + 1
        self._pending: list[dict[str, Any]] = []

    def _row(
        self,
        application_id: int | None,
        kind: str,
        event_date: date,
        actor: str,
        recorded_at: datetime,
        data: dict[str, Any] | None,
        note: str | None,
    ) -> dict[str, Any]:
        recorded_at = recorded_at.replace(microsecond=0)
        data = data or {}
        fields = hashed_fields(application_id, kind, event_date, recorded_at, actor, data, note)
        digest = _event_hash(self._prev, fields, self._state.key)
        row = {
            "id": self._next_id,
            "application_id": application_id,
            "kind": kind,
            "event_date": event_date,
            "recorded_at": recorded_at,
            "actor": actor,
            "data": data,
            "note": note,
            "prev_hash": self._prev,
            "hash": digest,
        }
        self._prev = digest
        self._next_id += 1
        return row

    def stage(
        self,
        application_id: int | None,
        kind: str,
        event_date: date,
        *,
        actor: str,
        recorded_at: datetime,
        data: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> int:
        """Queue one event for :meth:`flush`; returns its id."""
        row = self._row(application_id, kind, event_date, actor, recorded_at, data, note)
        self._pending.append(row)
        return int(row["id"])

    def flush(self, chunk: int = 10_000) -> int:
        """Insert every staged event (bulk); returns how many were written."""
        pending, self._pending = self._pending, []
        for i in range(0, len(pending), chunk):
            insert_rows(self._session, Event.__table__, pending[i : i + chunk])
        if pending:
            state = self._state
            state.appended += len(pending)
            state.last_id = int(pending[-1]["id"])
            state.head = str(pending[-1]["hash"])
            state.applications.update(int(r["application_id"]) for r in pending if r["application_id"] is not None)
        return len(pending)


def append_event(
    session: Session,
    application_id: int | None,
    kind: str,
    event_date: date,
    *,
    actor: str,
    recorded_at: datetime,
    data: dict[str, Any] | None = None,
    note: str | None = None,
) -> int:
    """Add one event at the end of the chain now; returns its id (the caller's transaction keeps the chain
    consistent)."""
    chain = EventChain(session)
    event_id = chain.stage(application_id, kind, event_date, actor=actor, recorded_at=recorded_at, data=data, note=note)
    chain.flush()
    return event_id


def _upsert_settings(session: Session, values: dict[str, Any]) -> None:
    """Insert or replace each setting: one statement compiled once and run with executemany (a multi-row
    VALUES statement would be compiled again for every chunk of an import's thousands of seals)."""
    if not values:
        return
    table = Setting.__table__
    upsert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    stmt = upsert(table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.key], set_={"value": stmt.excluded.value})
    items = list(values.items())
    for i in range(0, len(items), 1000):  # in batches: the converted parameters of one batch at a time
        session.execute(stmt, [{"key": k, "value": v} for k, v in items[i : i + 1000]])


@sa_event.listens_for(Session, "before_commit")
def _write_anchor_and_seals(session: Session) -> None:
    state = session.info.get(_STATE)
    if not isinstance(state, _Pending) or state.appended == 0:
        return
    session.flush()
    anchor = Anchor(state.base_count + state.appended, state.last_id, state.head, state.segments, state.gaps)
    _upsert_settings(session, {ANCHOR_KEY: anchor.signed(state.key).to_json()})
    # the chain gives ids itself (max + 1, under lock_writers), which a server's sequence does not see
    advance_id_sequences(session, [Event.__table__])
    fetch = _raw_fetch(session)
    if state.introduce:
        ids = [int(r[0]) for r in fetch("SELECT id FROM application ORDER BY id", {})]
    else:
        ids = sorted(_sharing_applicant(fetch, state.applications))
    for i in range(0, len(ids), 500):  # a batch at a time: memory stays flat with the number of applications
        _upsert_settings(
            session,
            {
                SEAL_PREFIX + str(app_id): [state.key_id, _seal(state.key, app_id, rows)]
                for app_id, rows in application_rows(fetch, ids[i : i + 500]).items()
            },
        )
    session.info.pop(_STATE, None)


@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_STATE, None)
    session.info.pop(_LOCKED, None)


@sa_event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    session.info.pop(_STATE, None)
    session.info.pop(_LOCKED, None)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_lock(session: Session, transaction: Any) -> None:
    # a session closed without commit or rollback ends its transaction too: the lock went with it
    if transaction.parent is None:
        session.info.pop(_LOCKED, None)


def _sharing_applicant(fetch: Fetch, app_ids: set[int]) -> set[int]:
    """*app_ids* and every application that shares an applicant record with one of them."""
    out = set(app_ids)
    ordered = sorted(app_ids)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        marks = ",".join(str(int(x)) for x in chunk)
        out.update(
            int(r[0])
            for r in fetch(
                f"SELECT a.id FROM application a WHERE a.applicant_id IN "
                f"(SELECT applicant_id FROM application WHERE id IN ({marks})) ORDER BY a.id",
                {},
            )
        )
    return out


# ----- the readers -------------------------------------------------------------------------------------


def application_rows(fetch: Fetch, app_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The raw stored rows an application consists of, as sealed: its registration row without the derived
    columns, its applicant, its remedy cases (in id order)."""
    if not app_ids:
        return {}
    marks = ",".join(str(int(x)) for x in app_ids)
    app_cols = list(SEALED_COLUMNS["application"])
    apps = {
        int(r[0]): dict(zip(app_cols, r, strict=True))
        for r in fetch(f"SELECT {', '.join(app_cols)} FROM application WHERE id IN ({marks}) ORDER BY id", {})
    }
    person_cols = list(SEALED_COLUMNS["applicant"])
    wanted = sorted({int(a["applicant_id"]) for a in apps.values() if isinstance(a["applicant_id"], int)})
    people: dict[int, dict[str, Any]] = {}
    if wanted:
        people = {
            int(r[0]): dict(zip(person_cols, r, strict=True))
            for r in fetch(
                f"SELECT {', '.join(person_cols)} FROM applicant "
                f"WHERE id IN ({','.join(map(str, wanted))}) ORDER BY id",
                {},
            )
        }
    remedy_cols = list(SEALED_COLUMNS["remedy_case"])
    remedies: dict[int, list[dict[str, Any]]] = {}
    for r in fetch(
        f"SELECT {', '.join(remedy_cols)} FROM remedy_case WHERE application_id IN ({marks}) ORDER BY id", {}
    ):
        row = dict(zip(remedy_cols, r, strict=True))
        remedies.setdefault(int(row["application_id"]), []).append(row)
    out: dict[int, dict[str, Any]] = {}
    for app_id, app in apps.items():
        person = people.get(app["applicant_id"]) if isinstance(app["applicant_id"], int) else None
        out[app_id] = {
            "application": _plain(app),
            "applicant": _plain(person) if person else None,
            "remedy_case": [_plain(r) for r in remedies.get(app_id, [])],
        }
    return out


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """Raw values as JSON can hold them, in the form a SQLite file stores them, so that a seal is the same on
    either engine (a register moved to a server keeps its seals): a server's dates, times, flags and JSON
    values as SQLite's text and integers; bytes, which no column of ours stores, as hex."""
    for v in row.values():
        if isinstance(v, _CONVERTED):
            return {k: _stored_form(v) for k, v in row.items()}
    return row


_BINARY = (bytes, bytearray)
_CONVERTED = (bytes, bytearray, date, bool, dict, list)


def _stored_form(value: Any) -> Any:
    if isinstance(value, _BINARY):
        return value.hex()
    if isinstance(value, datetime):  # SQLAlchemy's SQLite DateTime storage format
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict | list):  # SQLAlchemy's JSON type stores json.dumps(value)
        return json.dumps(value)
    return value


def read_anchor(fetch: Fetch) -> Anchor | str | None:
    """The stored anchor; None when there is none; the raw text when it is unreadable."""
    rows = fetch("SELECT value FROM setting WHERE key = :k", {"k": ANCHOR_KEY})
    if not rows:
        return None
    raw = rows[0][0]
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return str(raw)[:40]
    anchor = Anchor.from_json(value)
    return anchor if anchor is not None else str(raw)[:40]


def read_seals(fetch: Fetch) -> tuple[dict[int, tuple[str, str]], list[str]]:
    """(key id, seal) by application id, and a Chinese line for each unreadable seal row."""
    seals: dict[int, tuple[str, str]] = {}
    problems: list[str] = []
    for key, raw in fetch("SELECT key, value FROM setting WHERE key LIKE 'seal:%' ORDER BY key", {}):
        try:
            app_id = int(str(key)[len(SEAL_PREFIX) :])
            kid, digest = json.loads(raw) if isinstance(raw, str) else raw  # a server's JSON comes parsed
            seals[app_id] = (str(kid), str(digest))
        except (ValueError, TypeError):
            problems.append(f"封存值 {key} 无法读取（可能被改动）")
    return seals, problems


@dataclass(frozen=True)
class RawEvent:
    """One event as stored, its values parsed; ``problem`` says (Chinese) what could not be read."""

    id: int
    application_id: int | None
    kind: str
    event_date: date | None
    recorded_at: datetime | None
    actor: str
    data: Any
    note: str | None
    prev_hash: str
    hash: str
    problem: str = ""

    def fields(self) -> dict[str, Any] | None:
        if self.problem or self.event_date is None or self.recorded_at is None:
            return None
        return hashed_fields(
            self.application_id, self.kind, self.event_date, self.recorded_at, self.actor, self.data, self.note
        )


def parse_event(row: Sequence[Any]) -> RawEvent:
    """One raw event row (id, application_id, kind, event_date, recorded_at, actor, data, note, prev_hash, hash)."""
    ev_id, app_id, kind, day, recorded, actor, data, note, prev, digest = row
    problems: list[str] = []
    event_date: date | None = None
    recorded_at: datetime | None = None
    try:
        event_date = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        if not isinstance(day, date) and len(str(day)) != 10:
            raise ValueError
    except ValueError:
        problems.append(f"日期无法读取（“{_short(day)}”）")
    try:
        recorded_at = recorded if isinstance(recorded, datetime) else datetime.fromisoformat(str(recorded))
    except ValueError:
        problems.append(f"记录时间无法读取（“{_short(recorded)}”）")
    try:
        parsed = json.loads(data) if isinstance(data, str) else data
        if parsed is not None and not isinstance(parsed, dict):
            raise ValueError
    except ValueError:
        parsed = None
        problems.append("内容（JSON）无法读取")
    if app_id is not None and not isinstance(app_id, int):
        problems.append("所属申请编号无法读取")
        app_id = None
    return RawEvent(
        id=int(ev_id),
        application_id=app_id,
        kind=str(kind),
        event_date=event_date,
        recorded_at=recorded_at,
        actor=str(actor),
        data=parsed,
        note=None if note is None else str(note),
        prev_hash=str(prev),
        hash=str(digest),
        problem="；".join(problems),
    )


def _short(value: Any) -> str:
    """A garbage value shown as far as a date goes (never a whole ID number that landed in the wrong column)."""
    text = str(value)
    return text if len(text) <= 10 else text[:10] + "…"


def iter_events(fetch: Fetch, batch: int = 5000) -> Iterator[RawEvent]:
    """Every event in id order, read as raw stored values in batches (never fails on a bad value)."""
    last_id = -(2**63)
    while True:
        chunk = fetch(
            "SELECT id, application_id, kind, event_date, recorded_at, actor, data, note, prev_hash, hash "
            "FROM event WHERE id > :last ORDER BY id LIMIT :n",
            {"last": last_id, "n": batch},
        )
        if not chunk:
            return
        for row in chunk:
            yield parse_event(row)
        last_id = int(chunk[-1][0])


@dataclass
class ChainReading:
    """Everything one walk of the chain found."""

    anchor: Anchor | None
    anchor_unreadable: str | None
    result: ChainResult
    unreadable: list[str]  # Chinese, naming each event that cannot be read
    keys: dict[str, bytes]
    unreadable_ids: list[int] = field(default_factory=list)

    @property
    def breaks(self) -> list[ChainBreak]:
        return self.result.breaks

    def anchor_problems(self) -> list[str]:
        """Chinese lines for an unreadable or forged anchor and every way the table differs from it."""
        problems: list[str] = []
        if self.anchor_unreadable is not None:
            problems.append("审计锚点无法读取（可能被改动）")
        anchor = self.anchor
        if anchor is not None:
            key = self.keys.get(anchor.signing_key_id)
            if key is not None and not anchor.signature_ok(key):
                problems.append("审计锚点的签名不符（可能被改动）")
            problems.extend(compare_anchor(anchor, self.result))
        return problems

    def all_breaks(self) -> list[ChainBreak]:
        """The breaks and the unreadable events (as breaks), in id order."""
        extra = [
            ChainBreak(i, line.split("：", 1)[1]) for i, line in zip(self.unreadable_ids, self.unreadable, strict=True)
        ]
        return sorted([*self.breaks, *extra], key=lambda b: b.event_id)

    @property
    def key_missing(self) -> bool:
        return self.result.unverified > 0 or (
            self.anchor is not None
            and self.anchor.signing_key_id not in self.keys
            and self.anchor.signing_key_id != UNKEYED
        )


def read_chain(fetch: Fetch) -> ChainReading:
    """Walk the whole chain (keyed where the anchor says so) and read the anchor; nothing is written."""
    stored = read_anchor(fetch)
    anchor = stored if isinstance(stored, Anchor) else None
    keys = load_keys()
    unreadable: list[str] = []
    unreadable_ids: list[int] = []
    result = ChainResult()

    def rows() -> Iterator[tuple[int, str, str, dict[str, Any] | None]]:
        for ev in iter_events(fetch):
            if ev.problem:
                unreadable.append(f"记录 #{ev.id}：{ev.problem}")
                unreadable_ids.append(ev.id)
            yield ev.id, ev.prev_hash, ev.hash, ev.fields()

    verify_chain(rows(), anchor=anchor, keys=keys, result=result)
    return ChainReading(anchor, stored if isinstance(stored, str) else None, result, unreadable, keys, unreadable_ids)


def check_chain(session: Session) -> list[ChainBreak]:
    """Verify the whole audit chain; an empty list means intact (an unreadable event counts as a break)."""
    return read_chain(_session_fetch(session)).all_breaks()


def session_fetch(session: Session) -> Fetch:
    """A *fetch* over *session* (raw values of SQL text)."""
    return _session_fetch(session)

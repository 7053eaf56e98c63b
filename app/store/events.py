"""The one writer of the ``event`` table: every event is appended here and chained by hash.

Registration, every step at the counter, settings changes, attachments, the ledger import and the
synthetic-data script all append through :class:`EventChain` (or :func:`append_event`, one event), so
the hash chain (see :mod:`app.domain.audit`) has one owner and the ``check`` command verifies all of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.domain.audit import GENESIS, ChainBreak, event_hash, verify_chain
from app.store.models import Event


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


class EventChain:
    """Appends events at the end of the chain inside the caller's transaction.

    :meth:`append` writes one event at once (an ORM row); :meth:`stage` + :meth:`flush` write many with
    bulk inserts (imports of thousands of rows), the chain computed in memory from the current last hash.
    Both keep ids and hashes in order; the caller's transaction makes the whole batch all-or-nothing.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        session.flush()
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
        digest = event_hash(self._prev, hashed_fields(application_id, kind, event_date, recorded_at, actor, data, note))
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
            self._session.execute(insert(Event.__table__), pending[i : i + chunk])
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


def _rows(session: Session, batch: int = 5000) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    """Every event in id order as (id, prev_hash, hash, hashed fields), read as plain columns in batches."""
    cols = (
        Event.id,
        Event.application_id,
        Event.kind,
        Event.event_date,
        Event.recorded_at,
        Event.actor,
        Event.data,
        Event.note,
        Event.prev_hash,
        Event.hash,
    )
    last_id = 0
    while True:
        chunk = session.execute(select(*cols).where(Event.id > last_id).order_by(Event.id).limit(batch)).all()
        if not chunk:
            return
        for ev_id, app_id, kind, day, recorded, actor, data, note, prev, digest in chunk:
            yield ev_id, prev, digest, hashed_fields(app_id, kind, day, recorded, actor, data, note)
        last_id = chunk[-1][0]


def check_chain(session: Session) -> list[ChainBreak]:
    """Verify the whole audit chain; an empty list means intact."""
    return verify_chain(_rows(session))

"""Appending to the timeline, chained by hash (see :mod:`app.domain.audit`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.audit import GENESIS, ChainBreak, event_hash, verify_chain
from app.store.models import Event


def hashed_fields(
    application_id: int,
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


def append_event(
    session: Session,
    application_id: int,
    kind: str,
    event_date: date,
    *,
    actor: str,
    recorded_at: datetime,
    data: dict[str, Any] | None = None,
    note: str | None = None,
) -> Event:
    """Add one event at the end of the chain (the caller's transaction keeps the chain consistent)."""
    session.flush()
    prev = session.scalar(select(Event.hash).order_by(Event.id.desc()).limit(1)) or GENESIS
    recorded_at = recorded_at.replace(microsecond=0)
    fields = hashed_fields(application_id, kind, event_date, recorded_at, actor, data, note)
    ev = Event(
        application_id=application_id,
        kind=kind,
        event_date=event_date,
        recorded_at=recorded_at,
        actor=actor,
        data=data or {},
        note=note,
        prev_hash=prev,
        hash=event_hash(prev, fields),
    )
    session.add(ev)
    session.flush()
    return ev


def _rows(session: Session, batch: int = 5000) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    last_id = 0
    while True:
        chunk = session.scalars(select(Event).where(Event.id > last_id).order_by(Event.id).limit(batch)).all()
        if not chunk:
            return
        for ev in chunk:
            yield (
                ev.id,
                ev.prev_hash,
                ev.hash,
                hashed_fields(ev.application_id, ev.kind, ev.event_date, ev.recorded_at, ev.actor, ev.data, ev.note),
            )
        last_id = chunk[-1].id
        session.expunge_all()


def check_chain(session: Session) -> list[ChainBreak]:
    """Verify the whole audit chain; an empty list means intact."""
    return verify_chain(_rows(session))

"""The one allocator of registration numbers: per-year counters (``number_sequence``) that only move forward.

Registration at the counter, the ledger import and the synthetic-data script all take numbers here. A
number is never handed out twice: the allocator skips any (year, seq) or number text already in the
register (a ledger can bring numbers the counter would otherwise give out), and a voided registration
keeps its number (docs/rules.md §5). Counters are written back by :meth:`NumberAllocator.save` inside the
caller's transaction, so a failed save leaves them as they were.

Several desks on one server number at the same time: the allocator first takes the writers' lock
(:func:`app.store.events.lock_writers`, the same one the event chain takes, so both queue in one order) and
then locks the year's counter row (``SELECT … FOR UPDATE``, the row made first if missing) before reading
it; the counter is read-then-written, and two desks reading it at once would hand out one number twice.
A SQLite file has one writer at a time (the lock makes the transaction a writer before it reads).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from app.domain.agency import format_number
from app.store.events import lock_writers
from app.store.models import Application, NumberSequence

REGISTRATION_SEQUENCE = "registration"


class NumbersExhausted(Exception):
    """No free number within the search limit (a pattern that formats every number alike)."""


class NumberAllocator:
    """Hands out ``(seq, text)`` per year for one pattern; load once, allocate many, :meth:`save` once.

    ``preload=True`` reads every number already used in the given years (for batches such as an import);
    otherwise each candidate is checked with one indexed query (the counter registers one at a time).
    ``forecast=True`` only looks (a preview says which number a document would get): no lock, no counter
    row made, and :meth:`save` must not be called. :meth:`_taken` says what "already used" means; the
    documents' numbers (``app.services.documents``) override it to look among the issued documents of their
    own kind instead of the registrations.
    """

    def __init__(
        self,
        session: Session,
        pattern: str,
        years: Iterable[int] = (),
        *,
        kind: str = REGISTRATION_SEQUENCE,
        preload: bool = False,
        forecast: bool = False,
    ) -> None:
        self._s = session
        if not forecast:
            lock_writers(session)  # before anything is read: the counters and the register as committed
        self._lock_rows = not forecast and session.get_bind().dialect.name == "postgresql"
        self._pattern = pattern
        self._kind = kind
        self._preload = preload
        self._last: dict[int, int] = {}
        self._used: set[tuple[int, int]] = set()
        self._texts: set[str] = set()
        self._loaded: set[int] = set()
        if preload:
            self._texts = set(session.scalars(select(Application.reg_number)))
        self._load(years)

    def _load(self, years: Iterable[int]) -> None:
        todo = sorted(set(years) - self._loaded)
        if not todo:
            return
        for y in todo:
            self._last.setdefault(y, 0)
        query = select(NumberSequence.year, NumberSequence.last).where(
            NumberSequence.kind == self._kind, NumberSequence.year.in_(todo)
        )
        if self._lock_rows:  # the rows exist, then are locked until commit: no other desk reads them meanwhile
            self._s.execute(
                pg_insert(NumberSequence)
                .values([{"kind": self._kind, "year": y, "last": 0} for y in todo])
                .on_conflict_do_nothing()
            )
            query = query.order_by(NumberSequence.year).with_for_update()
        for y, last in self._s.execute(query):
            self._last[y] = max(self._last[y], last)
        if self._preload:
            for y, seq in self._s.execute(select(Application.year, Application.seq).where(Application.year.in_(todo))):
                self._used.add((y, seq))
                self._last[y] = max(self._last[y], seq)
        self._loaded.update(todo)

    def _taken(self, year: int, seq: int, text: str) -> bool:
        if (year, seq) in self._used or (text and text in self._texts):
            return True
        if self._preload:
            return False
        found = self._s.scalar(
            select(Application.id)
            .where(or_(Application.reg_number == text, and_(Application.year == year, Application.seq == seq)))
            .limit(1)
        )
        return found is not None

    def claim(self, year: int, seq: int, text: str = "") -> bool:
        """Take a number written elsewhere (a ledger row); False when it is already in use. The year's counter
        moves past it, so the counter never hands it out again. ``text=""``: its text was reserved already."""
        self._load([year])
        if self._taken(year, seq, text):
            return False
        self._used.add((year, seq))
        if text:
            self._texts.add(text)
        self._last[year] = max(self._last[year], seq)
        return True

    def reserve_text(self, text: str) -> None:
        """A number text that must not be produced (kept as written in another style)."""
        self._texts.add(text)

    def next_free(self, year: int, *, limit: int = 100_000) -> tuple[int, str]:
        """The next number of *year* not yet used, as (seq, text)."""
        self._load([year])
        for _ in range(limit):
            self._last[year] += 1
            seq = self._last[year]
            text = format_number(self._pattern, year, seq)
            if not self._taken(year, seq, text):
                self._used.add((year, seq))
                self._texts.add(text)
                return seq, text
        raise NumbersExhausted(year)

    def save(self) -> None:
        """Write the counters back (never lowering one)."""
        for year, last in self._last.items():
            row = self._s.get(NumberSequence, (self._kind, year))
            if row is None:
                self._s.add(NumberSequence(kind=self._kind, year=year, last=last))
            elif last > row.last:
                row.last = last
        self._s.flush()

"""The event chain's writer hashes with an encoder built once; it must give exactly the digest of
:func:`app.domain.audit.event_hash`."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.audit import GENESIS, event_hash
from app.store.events import _event_hash, hashed_fields

texts = st.text(max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | texts | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    st.none() | st.integers(1, 10**6),
    texts,
    st.dates(),
    st.datetimes(min_value=datetime(2000, 1, 1)),
    texts,
    st.dictionaries(texts, json_values, max_size=5),
    st.none() | texts,
    st.none() | st.binary(min_size=1, max_size=40),
)
def test_the_writer_hashes_as_the_audit_module(app_id, kind, day, recorded, actor, data, note, key) -> None:
    fields = hashed_fields(app_id, kind, day, recorded, actor, data, note)
    for prev in (GENESIS, "ab" * 32):
        assert _event_hash(prev, fields, key) == event_hash(prev, fields, key)


def test_a_known_event() -> None:
    fields = hashed_fields(7, "registered", date(2026, 3, 5), datetime(2026, 3, 5, 9, 0), "张三", {"a": "乙"}, None)
    assert _event_hash(GENESIS, fields, b"k" * 32) == event_hash(GENESIS, fields, b"k" * 32)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**6), st.dictionaries(texts, json_values, max_size=6), st.binary(min_size=1, max_size=40))
def test_the_writer_seals_as_the_audit_module(app_id, rows, key) -> None:
    from app.domain.audit import seal
    from app.store.events import _seal

    assert _seal(key, app_id, rows) == seal(key, app_id, rows)

"""The audit chain: every timeline event is hashed together with the hash of the event before it.

A government office's record of when an application arrived and what was done must not be silently
altered (《政府信息公开条例》第四十七条 on supervision; 档案法 on the integrity of records). Any edit or
deletion of a stored event breaks the chain from that point on and is reported by the integrity check.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

GENESIS = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the event's fields."""
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_default, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + payload).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def verify_chain(rows: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> list[ChainBreak]:
    """Check (id, prev_hash, hash, fields) rows in id order; return every break found."""
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS
    for event_id, prev_hash, stored_hash, fields in rows:
        if prev_hash != expected_prev:
            breaks.append(ChainBreak(event_id, "与前一条记录的链接不符（可能有记录被删除或插入）"))
        if event_hash(prev_hash, fields) != stored_hash:
            breaks.append(ChainBreak(event_id, "记录内容与其校验值不符（可能被改动）"))
        expected_prev = stored_hash
    return breaks

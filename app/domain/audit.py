"""The audit chain: every timeline event is hashed together with the hash of the event before it.

A government office's record of when an application arrived and what was done must not be silently
altered (《政府信息公开条例》第四十七条 on supervision; 档案法 on the integrity of records). Any edit or
deletion of a stored event breaks the chain from that point on and is reported by the integrity check.

Two schemes, told apart by the event's id (no column says which):

- *unkeyed* (SHA-256 over the previous hash and the event): every event written before this installation
  had an audit key. Anyone can recompute it, so it detects accidents and careless edits, not a rewrite.
- *keyed* (HMAC-SHA256 with a per-installation key kept outside the database file): every event from the
  *segment* start recorded in the anchor on. Without the key a rewritten chain cannot be given valid
  signatures.

The *anchor* (:class:`Anchor`) is the chain's head — how many events, the last id and hash — with the
segments (from which id which key signs) and any discrepancy met while appending, signed with the key. It is
kept outside the event table (a ``setting`` row, and every backup's sidecar), so deleting the newest events,
or all of them, no longer leaves a chain that verifies. A *seal* is the keyed digest of the rows an
application consists of (its registration row without the derived columns, its applicant, its remedy cases),
written in the same transaction as the events that changed it; a direct edit of those rows breaks the seal.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

GENESIS = "0" * 64
UNKEYED = ""  # the key id of the unkeyed scheme

LINK_BROKEN = "与前一条记录的链接不符（可能有记录被删除或插入）"
CONTENT_CHANGED = "记录内容与其校验值不符（可能被改动）"
NO_KEY = "本机没有该数据库的审计密钥，无法验证签名"


def _default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def canonical(fields: Mapping[str, Any]) -> str:
    """The one JSON text hashed for a mapping (sorted keys, no spaces, dates in ISO form)."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_default, separators=(",", ":"))


def event_hash(prev_hash: str, fields: Mapping[str, Any], key: bytes | None = None) -> str:
    """SHA-256 (no key) or HMAC-SHA256 (with *key*) over the previous hash and a canonical JSON of the event."""
    message = (prev_hash + "\n" + canonical(fields)).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short public name of a key (16 hex digits of its SHA-256): says which key, reveals nothing of it."""
    return hashlib.sha256(b"ogi-desk audit key\n" + key).hexdigest()[:16]


def mac(key: bytes, purpose: str, fields: Mapping[str, Any]) -> str:
    """HMAC-SHA256 of a canonical JSON of *fields*, bound to *purpose* (anchor, seal …)."""
    return hmac.new(key, (purpose + "\n" + canonical(fields)).encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


@dataclass(frozen=True)
class Segment:
    """From event *start* on, events are signed with the key named *key_id*."""

    start: int
    key_id: str


@dataclass(frozen=True)
class Gap:
    """A discrepancy met when appending: the anchor did not describe the table the new events followed."""

    before_id: int  # the first event appended after the discrepancy
    anchored_count: int
    anchored_last_id: int
    found_count: int
    found_last_id: int
    why: str  # Chinese

    def sentence(self) -> str:
        return (
            f"写入记录 #{self.before_id} 时发现：{self.why}（锚点记录共 {self.anchored_count} 条、"
            f"最后一条 #{self.anchored_last_id}；表中实有 {self.found_count} 条、最后一条 #{self.found_last_id}）"
        )


@dataclass(frozen=True)
class Anchor:
    """The chain's head and how it is signed; ``signature`` is the MAC by the last segment's key."""

    count: int
    last_id: int
    head: str
    segments: tuple[Segment, ...] = ()
    gaps: tuple[Gap, ...] = ()
    signature: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "last_id": self.last_id,
            "head": self.head,
            "segments": [[s.start, s.key_id] for s in self.segments],
            "gaps": [
                [g.before_id, g.anchored_count, g.anchored_last_id, g.found_count, g.found_last_id, g.why]
                for g in self.gaps
            ],
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.fields(), "signature": self.signature}

    @classmethod
    def from_json(cls, value: Any) -> Anchor | None:
        """None for anything that is not a well-formed anchor."""
        try:
            return cls(
                count=int(value["count"]),
                last_id=int(value["last_id"]),
                head=str(value["head"]),
                segments=tuple(Segment(int(s[0]), str(s[1])) for s in value.get("segments", [])),
                gaps=tuple(
                    Gap(int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), str(g[5])) for g in value.get("gaps", [])
                ),
                signature=str(value.get("signature", "")),
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    @property
    def signing_key_id(self) -> str:
        return self.segments[-1].key_id if self.segments else UNKEYED

    def signed(self, key: bytes) -> Anchor:
        return Anchor(self.count, self.last_id, self.head, self.segments, self.gaps, mac(key, "anchor", self.fields()))

    def signature_ok(self, key: bytes) -> bool:
        return hmac.compare_digest(self.signature, mac(key, "anchor", self.fields()))

    def key_for(self, event_id: int) -> str:
        """The key id signing *event_id* (UNKEYED before the first segment)."""
        current = UNKEYED
        for seg in self.segments:
            if event_id >= seg.start:
                current = seg.key_id
        return current

    def short(self) -> str:
        """The head in words for the clerk (共 N 条，最后一条 #id，校验值前 16 位)."""
        if self.count == 0:
            return "共 0 条记录"
        return f"共 {self.count} 条记录，最后一条 #{self.last_id}，校验值 {self.head[:16]}…"


@dataclass
class ChainResult:
    """What a walk of the chain found."""

    breaks: list[ChainBreak] = field(default_factory=list)
    count: int = 0
    last_id: int = 0
    head: str = GENESIS
    unverified: int = 0  # keyed events whose key this computer does not have
    keyed: int = 0  # events whose signature was verified with a key


def verify_chain(
    rows: Iterable[tuple[int, str, str, Mapping[str, Any] | None]],
    *,
    anchor: Anchor | None = None,
    keys: Mapping[str, bytes] | None = None,
    result: ChainResult | None = None,
) -> list[ChainBreak]:
    """Check (id, prev_hash, hash, fields) rows in id order; return every break found.

    *fields* None is an event whose stored values cannot be read (its link is still checked; the reader
    reports why). Events from a segment of *anchor* on are checked with that segment's key from *keys*; a key
    this computer does not have leaves the signature unverified (counted in *result*, never a break).
    """
    keys = keys or {}
    result = result if result is not None else ChainResult()
    expected_prev = GENESIS
    for event_id, prev_hash, stored_hash, fields in rows:
        result.count += 1
        result.last_id = event_id
        result.head = stored_hash
        if prev_hash != expected_prev:
            result.breaks.append(ChainBreak(event_id, LINK_BROKEN))
        expected_prev = stored_hash
        if fields is None:
            continue
        kid = anchor.key_for(event_id) if anchor is not None else UNKEYED
        if kid == UNKEYED:
            ok = event_hash(prev_hash, fields) == stored_hash
        elif kid in keys:
            ok = hmac.compare_digest(event_hash(prev_hash, fields, keys[kid]), stored_hash)
            result.keyed += 1
        else:
            result.unverified += 1
            continue
        if not ok:
            result.breaks.append(ChainBreak(event_id, CONTENT_CHANGED))
    return result.breaks


def compare_anchor(anchor: Anchor, found: ChainResult) -> list[str]:
    """Chinese sentences for every way the table differs from its anchor (deleted newest events, all events)."""
    problems: list[str] = []
    if (anchor.count, anchor.last_id, anchor.head) != (found.count, found.last_id, found.head):
        if found.count < anchor.count or found.last_id < anchor.last_id:
            missing = anchor.count - found.count
            what = "全部记录都已不在表中" if found.count == 0 else f"少了 {missing} 条，最新的记录可能被删除"
        else:
            what = "最后一条记录与锚点不符，可能被改写或在程序之外添加"
        problems.append(
            f"审计锚点记录共 {anchor.count} 条、最后一条 #{anchor.last_id}，"
            f"而表中共 {found.count} 条、最后一条 #{found.last_id}：{what}"
        )
    problems.extend(g.sentence() for g in anchor.gaps)
    return problems


def seal(key: bytes, application_id: int, rows: Mapping[str, Any]) -> str:
    """The keyed digest of an application's rows (see the module docstring)."""
    return mac(key, f"seal:{application_id}", rows)


def seal_matches(key: bytes, application_id: int, rows: Mapping[str, Any], stored: str) -> bool:
    return hmac.compare_digest(seal(key, application_id, rows), stored)

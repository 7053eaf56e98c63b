"""Similar earlier applications by the same applicant: a hint for 重复申请 and 大量反复申请.

《中华人民共和国政府信息公开条例》 gives two reasons that depend on what the same applicant asked before:

- 第三十六条第（六）项: an applicant who repeats an application the agency has already answered
  (行政机关已就申请人提出的政府信息公开申请作出答复、申请人重复申请公开相同政府信息的) is told that
  the request is not processed again (告知不予重复处理).
- 第三十五条: an applicant who files an unreasonably large number of applications, or applies repeatedly
  for the same information (申请人申请公开政府信息的数量、频次明显超过合理范围), may be asked to
  state reasons, and the agency may extend the reply period or refuse to handle unreasonable ones.

Whether an application *is* a repeat is a legal judgement of the clerk. This module only measures how alike
two content descriptions are and says why in words the clerk can check against the texts:

1. Both texts are normalised (:func:`normalise_text`): NFKC folds full-width letters and digits to half
   width, Latin letters are case-folded, whitespace, punctuation and symbols are dropped. Formulaic words
   that every application contains (“申请公开”“政府信息”“相关”“的”…, see :data:`BOILERPLATE`) separate the
   text into pieces and do not count.
2. *Word overlap*: most Chinese words are two characters long, so each text is cut into overlapping
   character pairs (bigrams, “行政许可” → “行政”“政许”“许可”) and the Dice coefficient of the two sets is
   taken (2·shared / (pairs in A + pairs in B)).
3. *Wording order*: ``rapidfuzz.fuzz.ratio`` (Indel distance) says how much of the text lines up in the
   same order.
4. *Containment*: when one request is wholly covered by a longer one (“本局2025年行政许可决定书目录”
   inside “…目录及行政处罚决定书目录”), the share of the shorter text's pairs found in the longer text.

The score is ``max(65 % overlap + 35 % order, containment scaled by the length ratio)`` as a percentage,
reduced by a quarter when both texts name years (“2024年”) and none of them is the same — a request for
another year's information is usually another request, so the explanation says so. 100 means the same
text apart from punctuation, spacing, width and formulaic words. Texts with fewer than two meaningful
characters cannot be compared and score 0. The score is symmetric. ``shared_phrases`` are the longest
stretches of text the two have in common, so the clerk sees *what* is repeated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "BOILERPLATE",
    "DEFAULT_LIMIT",
    "DEFAULT_THRESHOLD",
    "EarlierApplication",
    "RepeatMatch",
    "Similarity",
    "content_similarity",
    "normalise_text",
    "rank_repeats",
]

DEFAULT_THRESHOLD = 60
DEFAULT_LIMIT = 10
MAX_PHRASES = 5
MIN_PHRASE = 2

# Formulaic words that nearly every 政府信息公开申请 contains; they neither make two requests alike nor
# different. Matched on normalised text, longest first.
BOILERPLATE: tuple[str, ...] = (
    "依申请公开",
    "申请公开",
    "请求公开",
    "要求公开",
    "请予公开",
    "予以公开",
    "请公开",
    "政府信息",
    "贵单位",
    "贵机关",
    "相关",
    "有关",
    "以下",
    "如下",
    "关于",
    "本人",
    "贵局",
    "的",
)
_BOILERPLATE_RE = re.compile("|".join(re.escape(w) for w in sorted(BOILERPLATE, key=len, reverse=True)))

# Weights of the combined score (see the module docstring).
_W_OVERLAP = 0.65
_W_ORDER = 0.35
_CONTAIN_BASE = 0.6
_CONTAIN_LENGTH = 0.35
_CONTAIN_MIN_PAIRS = 6
_CONTAINED = 0.8  # share of the shorter text's pairs found in the longer one to call it "contained"
_OTHER_YEAR = 0.75
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class Similarity:
    """How alike two content descriptions are.

    ``score`` is 0–100 (100 = same text apart from punctuation, spacing, width and formulaic words);
    ``shared_phrases`` are the longest common stretches of at least two characters, longest first, at
    most five; ``explanation`` is one Chinese sentence for the clerk.
    """

    score: int
    shared_phrases: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class EarlierApplication:
    """An earlier application of the same applicant, as shown next to the new one.

    ``outcome_label`` is "" while the application is still open; ``same_by`` says how the applicant was
    recognised: "证件号码" or "姓名和电话".
    """

    id: int
    reg_number: str
    receipt_date: date | None
    content: str
    outcome_label: str
    status_label: str
    same_by: str


@dataclass(frozen=True)
class RepeatMatch:
    """One earlier application whose content resembles the one being handled."""

    earlier: EarlierApplication
    similarity: Similarity

    @property
    def score(self) -> int:
        return self.similarity.score


def normalise_text(text: str) -> str:
    """NFKC (full width → half width), case-fold Latin letters, keep only letters and digits.

    ``"请公开 ２０２５年《行政许可》决定！"`` becomes ``"请公开2025年行政许可决定"``.
    """
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


@dataclass(frozen=True)
class _Key:
    """A text prepared for comparison: its normalised form and the pieces left after formulaic words."""

    normal: str
    pieces: tuple[str, ...]
    joined: str
    pairs: frozenset[str]
    years: frozenset[str]


def _key(text: str) -> _Key:
    normal = normalise_text(text)
    pieces = tuple(p for p in _BOILERPLATE_RE.split(normal) if p)
    if sum(len(p) for p in pieces) < MIN_PHRASE:
        # nothing but formulaic words: compare the words themselves rather than nothing
        pieces = (normal,) if normal else ()
    pairs = frozenset(p[i : i + 2] for p in pieces for i in range(len(p) - 1))
    return _Key(normal, pieces, "".join(pieces), pairs, frozenset(_YEAR_RE.findall(normal)))


@dataclass(frozen=True)
class _Parts:
    """The measures behind a score, each 0–1."""

    overlap: float  # Dice coefficient of the character pairs
    order: float  # rapidfuzz ratio of the texts
    coverage: float  # share of the shorter text's pairs found in the longer one
    containment: float  # coverage scaled by the length ratio (0 for short texts)
    other_year: bool  # both name years, none in common

    @property
    def blended(self) -> float:
        return _W_OVERLAP * self.overlap + _W_ORDER * self.order

    @property
    def value(self) -> float:
        base = max(self.blended, self.containment)
        return base * _OTHER_YEAR if self.other_year else base


def _parts(a: _Key, b: _Key) -> _Parts:
    shared = len(a.pairs & b.pairs)
    total = len(a.pairs) + len(b.pairs)
    overlap = 2 * shared / total if total else 0.0
    from rapidfuzz import fuzz  # imported when first compared: not at program start

    order = fuzz.ratio(a.joined, b.joined) / 100
    short, long_ = sorted((len(a.pairs), len(b.pairs)))
    coverage = shared / short if short else 0.0
    containment = 0.0
    if short >= _CONTAIN_MIN_PAIRS:
        containment = coverage * (_CONTAIN_BASE + _CONTAIN_LENGTH * short / long_)
    other_year = bool(a.years) and bool(b.years) and not (a.years & b.years)
    return _Parts(overlap, order, coverage, containment, other_year)


def _comparable(a: _Key, b: _Key) -> bool:
    return len(a.normal) >= MIN_PHRASE and len(b.normal) >= MIN_PHRASE and bool(a.pairs) and bool(b.pairs)


def _score(a: _Key, b: _Key) -> int:
    if not _comparable(a, b):
        return 0
    if a.joined == b.joined:
        return 100
    return max(0, min(99, round(_parts(a, b).value * 100)))  # 100 is kept for the same text


def _longest_from_each_start(piece: str, other: Sequence[str], other_pairs: frozenset[str]) -> list[int]:
    """For each position of *piece*, the length of the longest prefix found in one of *other*'s pieces."""
    out = []
    n = len(piece)
    for i in range(n):
        if piece[i : i + 2] not in other_pairs:
            out.append(0)
            continue
        j = i + 2
        while j < n and any(piece[i : j + 1] in o for o in other):
            j += 1
        out.append(j - i)
    return out


def _is_phrase(text: str) -> bool:
    # "202" from "2024" vs "2025" is a coincidence of digits, not a shared phrase
    return len(text) >= MIN_PHRASE and not (text.isascii() and text.isdigit() and len(text) < 4)


def _shared_phrases(a: _Key, b: _Key) -> tuple[str, ...]:
    """Longest common stretches of *a* and *b* (≥ 2 characters), longest first, without overlaps in *a*."""
    found: list[tuple[int, int, str]] = []  # (-length, order of appearance, text)
    seen: set[str] = set()
    position = 0
    for piece in a.pieces:
        runs = _longest_from_each_start(piece, b.pieces, b.pairs)
        covered = [False] * len(piece)
        while True:
            best_len, best_i = 0, -1
            for i, run in enumerate(runs):
                if covered[i] or run <= best_len:
                    continue
                length = 0
                while length < run and not covered[i + length]:
                    length += 1
                if length > best_len:
                    best_len, best_i = length, i
            if best_len < MIN_PHRASE:
                break
            for k in range(best_i, best_i + best_len):
                covered[k] = True
            text = piece[best_i : best_i + best_len]
            if text not in seen and _is_phrase(text):
                seen.add(text)
                found.append((-best_len, position + best_i, text))
        position += len(piece)
    found.sort()
    return tuple(text for _, _, text in found[:MAX_PHRASES])


def _explain(score: int, phrases: Sequence[str], a: _Key, b: _Key) -> str:
    if not _comparable(a, b):
        return "内容过短，无法比较相似度"
    if score == 100:
        return "内容相似度 100%：内容相同（不计标点、空格和“申请公开”“政府信息”等套话）"
    parts = _parts(a, b)
    words = "".join(f"“{p}”" for p in phrases)
    text = f"内容相似度 {score}%：" + (f"共同词语{words}" if phrases else "没有共同词语")
    if parts.containment > parts.blended and parts.coverage >= _CONTAINED:
        text += "，较短一份的内容基本都出现在另一份中"
    if parts.other_year:
        years = "、".join(sorted(a.years)) + " / " + "、".join(sorted(b.years))
        text += f"；但所涉年份不同（{years}）"
    return text


def content_similarity(a: str, b: str) -> Similarity:
    """How alike two content descriptions are (see the module docstring for the method).

    Never raises for empty or very short texts; those score 0.
    """
    ka, kb = _key(a), _key(b)
    return _similarity(ka, kb, _score(ka, kb))


def _similarity(ka: _Key, kb: _Key, score: int) -> Similarity:
    phrases = _shared_phrases(ka, kb) if _comparable(ka, kb) else ()
    return Similarity(score, phrases, _explain(score, phrases, ka, kb))


def _newest_first(match: RepeatMatch) -> tuple[int, int, int]:
    day = match.earlier.receipt_date
    # not yet confirmed (no receipt date) counts as the newest
    return (-match.score, -(day.toordinal() if day else date.max.toordinal()), -match.earlier.id)


def rank_repeats(
    content: str,
    earlier: Sequence[EarlierApplication],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
) -> list[RepeatMatch]:
    """The earlier applications whose content scores at least *threshold*, most similar first.

    Equal scores are ordered newest first (receipt date, then id). At most *limit* are returned. This is a
    hint for 第三十五条 / 第三十六条第（六）项; the clerk decides.
    """
    if limit <= 0:
        return []
    key = _key(content)
    matches: list[RepeatMatch] = []
    for item in earlier:
        other = _key(item.content)
        score = _score(key, other)
        if score >= threshold and score > 0:
            matches.append(RepeatMatch(item, _similarity(key, other, score)))
    matches.sort(key=_newest_first)
    return matches[:limit]

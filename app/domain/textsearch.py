"""Free-text search and name order of the register, as plain text rules (no database, no Qt).

Search: the register finds an application when every word of the search box occurs in its registration
number, applicant name, ID number or content — exactly what ``LIKE '%word%'`` finds (ASCII letters in either
case, every other character as typed). To answer that without reading every row, each application's fields are
cut into their single characters and pairs of neighbouring characters (unigrams and bigrams: Chinese has no
spaces between words, and a one- or two-character word such as 王 or 许可 must be found). A word of one or two
characters is then looked up as one gram; a longer word needs all its bigrams, and the few applications that
have them all are checked against the word itself.

Name order: applicants sort by the pinyin of their names (王 before 张, 曾 as zeng), not by code point.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from app.domain.errors import ClerkError

#: The search box takes at most this many words, each of at most this many characters.
MAX_WORDS = 20
MAX_WORD_CHARS = 100

#: Bumped when :func:`index_text` changes: the stored index must then be rebuilt from the applications.
GRAMS_VERSION = 1

_PUNCT_BASE = 0xF0000  # ASCII punctuation becomes a private-use character: one token character to the index


class SearchTooLong(ClerkError):
    """The search box holds more than the register can look up; ``str(err)`` says so in Chinese."""


def clean_words(text: str) -> list[str]:
    """The words of the search box: split on spaces; control and zero-width characters removed.

    A word made only of such characters stays as an empty word, which matches nothing (a NUL must never
    match every row). Raises :class:`SearchTooLong` beyond :data:`MAX_WORDS` words or :data:`MAX_WORD_CHARS`
    characters in a word.
    """
    words = text.split()
    if len(words) > MAX_WORDS:
        raise SearchTooLong(
            f"搜索内容过多：最多可输入 {MAX_WORDS} 个词（用空格分开），现有 {len(words)} 个。请减少搜索词。"
        )
    out = []
    for word in words:
        cleaned = "".join(ch for ch in word if unicodedata.category(ch) not in ("Cc", "Cf"))
        if len(cleaned) > MAX_WORD_CHARS:
            raise SearchTooLong(
                f"搜索词过长：每个词最多 {MAX_WORD_CHARS} 个字，现有一个词长 {len(cleaned)} 个字。请缩短搜索词。"
            )
        out.append(cleaned)
    return out


def _fold(ch: str) -> str:
    """One character as the index stores it: ASCII letters in lower case (as LIKE compares them)."""
    if ch.isascii():
        if ch.isalnum():
            return ch.lower()
        return chr(_PUNCT_BASE + ord(ch))
    return ch


def _grams(text: str) -> set[str]:
    folded = [_fold(ch) for ch in text]
    spaces = [ch.isspace() for ch in text]
    out = {c for c, sp in zip(folded, spaces, strict=True) if not sp}
    for i in range(len(folded) - 1):
        if not spaces[i] and not spaces[i + 1]:
            out.add(folded[i] + folded[i + 1])
    return out


def index_text(fields: Iterable[str | None]) -> str:
    """The text the search index stores for one application: its grams, space-separated, in a stable order."""
    grams: set[str] = set()
    for field in fields:
        if field:
            grams |= _grams(field)
    return " ".join(sorted(grams))


def word_grams(word: str) -> list[str]:
    """The grams an application must hold to contain *word*: the word itself if it is one or two characters,
    else all its bigrams (necessary, not sufficient: a longer word is then checked as a whole)."""
    folded = [_fold(ch) for ch in word]
    if len(folded) <= 2:
        return ["".join(folded)]
    return sorted({folded[i] + folded[i + 1] for i in range(len(folded) - 1)})


def match_query(word: str) -> str:
    """The full-text MATCH expression for *word* (all its grams, each quoted as one token)."""
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in word_grams(word))


#: Surnames read otherwise than the character's common reading (曾 zeng, not ceng).
SURNAME_READINGS = {
    "曾": "zeng1",
    "单": "shan4",
    "解": "xie4",
    "仇": "qiu2",
    "朴": "piao2",
    "查": "zha1",
    "区": "ou1",
    "盖": "ge3",
    "乐": "yue4",
    "员": "yun4",
    "覃": "qin2",
    "缪": "miao4",
    "任": "ren2",
    "冼": "xian3",
}


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def name_sort_key(name: str) -> str:
    """The sort key of an applicant's name: the pinyin with tone number of each Chinese character (read in
    the context of the whole name; a known surname as a surname), the character itself after it (homophones
    keep a stable order), other characters as they are (letters in lower case). 王五 → "wang2王 wu3五 ";
    every piece ends with a space, so a name sorts before its longer continuations (王 before 王五)."""
    from pypinyin import Style, lazy_pinyin  # loaded when names are first keyed, not at start

    chars = [ch for ch in name if not ch.isspace()]
    readings = lazy_pinyin("".join(chars), style=Style.TONE3, neutral_tone_with_five=True, errors=list)
    if len(readings) != len(chars):  # never expected: one reading per character
        readings = [lazy_pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True, errors=list)[0] for ch in chars]
    pieces: list[str] = []
    for i, (ch, reading) in enumerate(zip(chars, readings, strict=True)):
        if _is_han(ch):
            if i == 0 and ch in SURNAME_READINGS:
                reading = SURNAME_READINGS[ch]
            pieces.append(f"{reading}{ch} ")
        else:
            pieces.append(ch.lower() + " ")
    return "".join(pieces)

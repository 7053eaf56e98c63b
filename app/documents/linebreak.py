"""Chinese line breaking for reportlab: punctuation where Chinese typesetting puts it (GB/T 15834-2011).

reportlab breaks CJK text anywhere and only knows the Japanese list of characters that may not start a
line, so "，" or "；" could open a line and "《" or "（" end one. :func:`break_lines` replaces reportlab's
``textsplit.dumbSplit`` (used for every paragraph of one piece of text, which is what the letters are):

- a closing mark (，。、；：？！”》）…) never starts a line: it hangs at the end of the line before;
- an opening mark (“《（〔【…) never ends a line: it goes over with the character it opens;
- a run of Latin letters or digits (a telephone number, an e-mail address) is not cut when it can start
  the next line instead.

:func:`install` puts it in place (once per process; the annual report's pages benefit as well). Paragraphs
of several pieces (a line break inside a table cell) keep reportlab's own breaking, with the closing marks
added to its list.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CANNOT_END", "CANNOT_START", "break_lines", "install"]

#: may not start a line
CANNOT_START = "，。、；：？！”’》〉）」』】〕］｝…!),.:;?]}"
#: may not end a line
CANNOT_END = "“‘《〈（「『【〔［｛([{"

_FUZZ = 1e-6


def _is_latin(ch: str) -> bool:
    return ord(ch) < 0x3000 and not ch.isspace()


def break_lines(word: str, widths: Sequence[float], max_widths: float | Sequence[float]) -> list[list]:
    """Lines of *word* as ``[[unused width, text], …]`` (reportlab's ``dumbSplit`` contract)."""
    limits = list(max_widths) if isinstance(max_widths, list | tuple) else [float(max_widths)]
    lines: list[list] = []
    start = i = 0
    used = 0.0
    limit = limits[0]
    n = len(word)
    while i < n:
        used += widths[i]
        i += 1
        if used <= limit + _FUZZ or i - start <= 1:
            continue
        end = i - 1  # word[end] does not fit: it starts the next line …
        if word[end] in CANNOT_START:
            end = i  # … unless it is a closing mark, which hangs at the end of this one
        elif _is_latin(word[end]) and _is_latin(word[end - 1]):
            for j in range(end - 1, start, -1):  # do not cut a number or an address
                if not _is_latin(word[j]):
                    end = j + 1
                    break
        while end - start > 1 and word[end - 1] in CANNOT_END:
            end -= 1  # an opening mark goes over with what it opens
        lines.append([limit - sum(widths[start:end]), word[start:end].strip()])
        start = i = end
        used = 0.0
        limit = limits[min(len(lines), len(limits) - 1)]
    if start < n:
        lines.append([limit - sum(widths[start:n]), word[start:n]])
    return lines


_INSTALLED = False


def install() -> None:
    """Use :func:`break_lines` for reportlab's one-piece CJK paragraphs, and teach its own breaking of
    several-piece paragraphs the Chinese closing marks. Idempotent."""
    global _INSTALLED
    if _INSTALLED:
        return
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    textsplit.dumbSplit = break_lines
    for module in (textsplit, paragraph):
        missing = "".join(ch for ch in CANNOT_START if ch not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing
    _INSTALLED = True

"""The page of a Chinese government document (GB/T 9704-2012, docs/rules.md §8), for reportlab.

A4 portrait; the text block is 156 mm × 225 mm with its top edge 37 mm and its left edge 28 mm from the
paper's edges; 22 lines of 28 characters in 3号 (16 pt) 仿宋; title in 2号 (22 pt) 小标宋, centred; first-
level headings 黑体, second-level 楷体; paragraphs indented two characters; page numbers "— 1 —" in 4号
(14 pt) under the text block, odd pages right, even pages left. Everything a letter, notice or the annual
report prints goes through :func:`build_pdf`, which also makes the output byte-for-byte repeatable
(reportlab ``invariant``) so tests can compare it.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from app.documents.fonts import FontSet

PAGE_W, PAGE_H = A4
TOP_MARGIN = 37 * mm
LEFT_MARGIN = 28 * mm
TEXT_W = 156 * mm
TEXT_H = 225 * mm
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NO_PT = 14  # 4号
#: 22 lines in 225 mm: the line pitch GB/T 9704 implies for 3号 text
LINE_PITCH = TEXT_H / 22
#: the page number sits 7 mm below the text block (GB/T 9704 7.5)
PAGE_NO_GAP = 7 * mm


def styles(fonts: FontSet, *, body_pt: float = BODY_PT) -> dict[str, ParagraphStyle]:
    """The paragraph styles of a government document, by role."""
    leading = LINE_PITCH * body_pt / BODY_PT
    body = ParagraphStyle(
        "body",
        fontName=fonts.fangsong,
        fontSize=body_pt,
        leading=leading,
        firstLineIndent=2 * body_pt,  # two characters
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
    )
    return {
        "body": body,
        "plain": ParagraphStyle("plain", parent=body, firstLineIndent=0),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=fonts.title,
            fontSize=TITLE_PT,
            leading=TITLE_PT * 1.5,
            firstLineIndent=0,
            alignment=TA_CENTER,
            spaceAfter=leading * 0.5,
        ),
        "number": ParagraphStyle("number", parent=body, firstLineIndent=0, alignment=TA_CENTER),
        "number_right": ParagraphStyle("number_right", parent=body, firstLineIndent=0, alignment=TA_RIGHT),
        "addressee": ParagraphStyle("addressee", parent=body, firstLineIndent=0, alignment=TA_LEFT),
        "heading1": ParagraphStyle("heading1", parent=body, fontName=fonts.hei),
        "heading2": ParagraphStyle("heading2", parent=body, fontName=fonts.kai),
        "signature": ParagraphStyle(
            "signature", parent=body, firstLineIndent=0, alignment=TA_RIGHT, rightIndent=4 * body_pt
        ),
        "date": ParagraphStyle("date", parent=body, firstLineIndent=0, alignment=TA_RIGHT, rightIndent=4 * body_pt),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=body_pt * 0.75, leading=leading * 0.75, firstLineIndent=0
        ),
        "table": ParagraphStyle(
            "table", parent=body, fontSize=10.5, leading=13, firstLineIndent=0, alignment=TA_CENTER
        ),
        "table_left": ParagraphStyle("table_left", parent=body, fontSize=10.5, leading=13, firstLineIndent=0),
    }


def page_number_text(n: int) -> str:
    return f"— {n} —"


class GovDocTemplate(BaseDocTemplate):
    """One frame of 156 × 225 mm at 28 mm / 37 mm, page numbers "— n —" alternating right and left."""

    def __init__(self, target: str | IO[bytes], *, fonts: FontSet, title: str, author: str, wide: bool = False):
        size = landscape(A4) if wide else A4
        super().__init__(
            target,
            pagesize=size,
            leftMargin=LEFT_MARGIN,
            rightMargin=size[0] - LEFT_MARGIN - TEXT_W if not wide else LEFT_MARGIN,
            topMargin=TOP_MARGIN if not wide else 20 * mm,
            bottomMargin=size[1] - TOP_MARGIN - TEXT_H if not wide else 20 * mm,
            title=title,
            author=author,
            creator="政府信息公开申请办理",
            invariant=1,
        )
        self.fonts = fonts
        self.wide = wide
        width = TEXT_W if not wide else size[0] - 2 * LEFT_MARGIN
        height = TEXT_H if not wide else size[1] - 40 * mm
        bottom = size[1] - (TOP_MARGIN if not wide else 20 * mm) - height
        frame = Frame(
            LEFT_MARGIN, bottom, width, height, id="text", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
        )
        self.text_bottom = bottom
        self.text_width = width
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._page_number)])

    def _page_number(self, canvas: Any, doc: Any) -> None:
        n = canvas.getPageNumber()
        text = page_number_text(n)
        canvas.saveState()
        canvas.setFont(self.fonts.song, PAGE_NO_PT)
        y = self.text_bottom - PAGE_NO_GAP - PAGE_NO_PT * 0.8
        inset = PAGE_NO_PT  # one character in from the text block's edge
        if n % 2:  # odd pages: right
            canvas.drawRightString(LEFT_MARGIN + self.text_width - inset, y, text)
        else:
            canvas.drawString(LEFT_MARGIN + inset, y, text)
        canvas.restoreState()


def build_pdf(
    story: Sequence[Flowable],
    target: str | Path | IO[bytes] | None = None,
    *,
    fonts: FontSet,
    title: str,
    author: str = "",
    wide: bool = False,
) -> tuple[bytes, int]:
    """Lay *story* out on GB/T 9704 pages; return (the PDF's bytes, page count). Writes *target* if given."""
    buffer = BytesIO()
    doc = GovDocTemplate(buffer, fonts=fonts, title=title, author=author, wide=wide)
    doc.build(list(story))
    data = buffer.getvalue()
    if target is not None:
        if isinstance(target, str | Path):
            Path(target).write_bytes(data)
        else:
            target.write(data)
    return data, doc.page

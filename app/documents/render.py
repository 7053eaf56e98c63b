"""From a rendered template to the printed page (GB/T 9704-2012, docs/rules.md §8).

:func:`parse_blocks` reads the rendered text line by line into blocks — one line, one paragraph — by the
mark it starts with (the format is described in ``forms/README.md``):

======================  ===================================================================================
line                    prints as
======================  ===================================================================================
``【标题】…``            title, 2号小标宋, centred (several lines: a title over several lines)
``【文号】…``            the number line, centred under the title
``【称谓】…``            the addressee "×××：", flush left
``【一级标题】…``        a heading "一、…" in 黑体
``【二级标题】…``        a heading "（一）…" in 楷体
``【顶格】…``            a paragraph without indent
``【居右】…``            a line at the right (e.g. a signature line of the applicant)
``【居中】…``            a centred line
``【附注】…``            a note after the date (联系方式 …), indented two characters (GB/T 9704 7.3.6)
``【小字】…``            small print (填表说明 …)
``【落款】…``            the issuing body at the lower right (the seal covers it and the date)
``【日期】…``            the date, four characters from the right edge, the body centred above it
``【空行】``             an empty line
``【分页】``             a new page
``【列宽】20,30,20,30``  the column widths (mm) of the table that follows
``| 甲 | 乙 |``          a table row; a row with fewer cells than the table: its last cell spans the rest
any other line          a body paragraph, 3号仿宋, indented two characters
======================  ===================================================================================

Blocks are plain lists (JSON), so an issued document keeps them and a reprint lays out exactly the same
page without the template. :func:`render_pdf` builds the PDF with :func:`app.documents.layout.build_pdf`'s
page (same margins, page numbers "— n —"); a preview (样稿) gets "（样稿）" on its number line and a light
"样稿" across every page. Output is deterministic: the same blocks give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.documents import linebreak
from app.documents.fonts import FontSet
from app.documents.layout import BODY_PT, LINE_PITCH, GovDocTemplate, styles
from app.documents.templates import BREAK, GUARD

__all__ = ["PREVIEW_MARK", "Block", "parse_blocks", "render_pdf", "story_of"]

Block = list[Any]  # ["body", "text"] · ["table", [[cell, …], …], [width mm, …] | None] · ["space"] · ["pagebreak"]

PREVIEW_MARK = "样稿"

linebreak.install()  # punctuation where Chinese typesetting puts it (GB/T 15834-2011)

MARKS: dict[str, str] = {
    "标题": "title",
    "文号": "number",
    "称谓": "addressee",
    "一级标题": "heading1",
    "二级标题": "heading2",
    "顶格": "plain",
    "居右": "right",
    "居中": "center",
    "附注": "note",
    "小字": "small",
    "落款": "signature",
    "日期": "date",
    "空行": "space",
    "分页": "pagebreak",
    "列宽": "colwidths",
}
_MARK = re.compile(r"^【(" + "|".join(MARKS) + r")】")


def _clean(text: str) -> str:
    return text.replace(GUARD, "")


def parse_blocks(text: str) -> list[Block]:
    """The blocks of a rendered template (see the module docstring); empty lines are dropped."""
    blocks: list[Block] = []
    widths: list[float] | None = None
    table: list[list[str]] | None = None

    def close_table() -> None:
        nonlocal table, widths
        if table:
            blocks.append(["table", table, widths])
        table, widths = None, None

    for raw in text.split("\n"):
        line = raw.rstrip(" \t")
        stripped = line.lstrip(" \t")
        if stripped.startswith("|"):
            cells = stripped.strip().strip("|").split("|")
            row = [_clean(c).strip(" \t").replace(BREAK, "\n") for c in cells]
            table = (table or []) + [row]
            continue
        m = _MARK.match(stripped)
        style = MARKS[m.group(1)] if m else "body"
        body = _clean(stripped[m.end() :] if m else stripped)
        if style == "colwidths":
            close_table()
            try:
                widths = [float(w) for w in re.split(r"[,，\s]+", body.strip()) if w]
            except ValueError:
                widths = None
            continue
        close_table()
        if style in ("space", "pagebreak"):
            blocks.append([style])
            continue
        for part in body.split(BREAK):
            part = part.strip(" \t") if style != "right" else part.rstrip(" \t")
            if style == "body":
                part = part.lstrip("\u3000")  # the style indents by two characters itself
            if part.strip(" \t\u3000"):
                blocks.append([style, part])
    close_table()
    return blocks


# ---------------------------------------------------------------------------------------------- flowables


class SignatureBlock(Flowable):
    """Issuing body and date at the lower right (GB/T 9704-2012 7.3.5.1): the date four characters from
    the right edge, the body centred above it, room above for the seal, which covers both (its top within
    one line of the text). A preview marks where the seal goes with a light dashed circle."""

    SEAL_RADIUS = 21 * mm  # a 42 mm official seal

    def __init__(self, names: Sequence[str], date: str, font: str, size: float = BODY_PT, *, mark_seal: bool):
        super().__init__()
        self.names = list(names)
        self.date = date
        self.font = font
        self.size = size
        self.mark_seal = mark_seal
        self.pitch = LINE_PITCH

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        lines = len(self.names) + (1 if self.date else 0)
        self.height = self.pitch * (1.6 + lines) + self.size * 0.3
        return self.width, self.height

    def _centre_x(self) -> float:
        right = self.width - 4 * self.size  # 右空四字
        if self.date:
            return right - stringWidth(self.date, self.font, self.size) / 2
        widest = max((stringWidth(n, self.font, self.size) for n in self.names), default=0)
        return right - widest / 2

    def draw(self) -> None:
        c = self.canv
        centre = self._centre_x()
        y = self.height - self.pitch * 1.6 - self.size * 0.8
        c.setFont(self.font, self.size)
        baselines: list[float] = []
        for name in self.names:
            w = stringWidth(name, self.font, self.size)
            x = min(centre - w / 2, self.width - w)  # a long name keeps inside the text block
            c.drawString(x, y, name)
            baselines.append(y)
            y -= self.pitch
        if self.date:
            c.drawString(centre - stringWidth(self.date, self.font, self.size) / 2, y, self.date)
            baselines.append(y)
        if self.mark_seal and baselines:
            middle = (baselines[0] + baselines[-1]) / 2 + self.size * 0.6
            c.saveState()
            c.setStrokeColor(colors.Color(0.8, 0.35, 0.35, alpha=0.6))
            c.setDash(3, 3)
            c.setLineWidth(0.6)
            c.circle(centre, middle, self.SEAL_RADIUS)
            c.restoreState()


def _xml(text: str) -> str:
    """Paragraph markup of plain text: escaped, line breaks kept, and a full-width space (which reportlab
    would fold like any white space) kept as two no-break spaces, so that "　　年　　月　　日" stays open."""
    return escape(text).replace("\n", "<br/>").replace("\u3000", "&nbsp;&nbsp;")


class _KeepWithTail(Flowable):
    """The last paragraphs of a letter and its signature block: the block never stands alone on a page.

    When they do not fit on the page, the paragraphs are split so that at least two lines of text go over
    with the block (GB/T 9704-2012 7.3.5.1: no page with a seal alone), instead of moving them all."""

    KEEP_LINES = 2

    def __init__(self, paragraphs: Sequence[Flowable], block: Flowable, after: Sequence[Flowable] = ()) -> None:
        super().__init__()
        self.paragraphs = list(paragraphs)
        self.block = block
        self.after = list(after)  # the notes under the date (附注) stay with it too

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._heights = [p.wrap(avail_width, avail_height)[1] + p.getSpaceBefore() for p in self.paragraphs]
        self._after = [p.wrap(avail_width, avail_height)[1] + p.getSpaceBefore() for p in self.after]
        self._block_h = self.block.wrap(avail_width, avail_height)[1]
        self.width = avail_width
        self.height = sum(self._heights) + self._block_h + sum(self._after)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for p, h in zip(self.paragraphs, self._heights, strict=True):
            y -= h
            p.drawOn(self.canv, 0, y)
        y -= self._block_h
        self.block.drawOn(self.canv, 0, y)
        for p, h in zip(self.after, self._after, strict=True):
            y -= h
            p.drawOn(self.canv, 0, y)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        if self.height <= avail_height:
            return [self]
        text_h = sum(self._heights)
        budget = min(avail_height, text_h - self.KEEP_LINES * LINE_PITCH)
        if budget < 0 and self.height - sum(self._after) <= avail_height:
            return [_KeepWithTail(self.paragraphs, self.block), *self.after]  # the notes may go over alone
        first: list[Flowable] = []
        used = 0.0
        for i, (p, h) in enumerate(zip(self.paragraphs, self._heights, strict=True)):
            if used + h <= budget:
                first.append(p)
                used += h
                continue
            parts = p.split(avail_width, budget - used) if budget - used >= LINE_PITCH else []
            if len(parts) == 2:
                rest = [parts[1], *self.paragraphs[i + 1 :]]
                return [*first, parts[0], _KeepWithTail(rest, self.block, self.after)]
            tail = _KeepWithTail(self.paragraphs[i:], self.block, self.after)
            return [*first, tail] if first else []
        return []


def _table(rows: list[list[str]], widths_mm: list[float] | None, fonts: FontSet, text_width: float) -> Table:
    columns = max(len(r) for r in rows)
    if widths_mm and len(widths_mm) == columns:
        total = sum(widths_mm)
        widths = [text_width * w / total for w in widths_mm]
    elif columns == 4:
        widths = [text_width * f for f in (0.2, 0.3, 0.2, 0.3)]
    elif columns == 2:
        widths = [text_width * f for f in (0.28, 0.72)]
    else:
        widths = [text_width / columns] * columns
    size = 10.5  # 五号 in forms
    label = ParagraphStyle("cell_label", fontName=fonts.hei, fontSize=size, leading=size * 1.45, alignment=TA_CENTER)
    value = ParagraphStyle("cell", fontName=fonts.fangsong, fontSize=size, leading=size * 1.45, alignment=TA_LEFT)
    value.wordWrap = label.wordWrap = "CJK"
    data: list[list[Any]] = []
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    for r, row in enumerate(rows):
        cells: list[Any] = []
        for c, text in enumerate(row):
            is_label = c % 2 == 0 and columns in (2, 4) and len(row) > 1
            cells.append(Paragraph(_xml(text), label if is_label else value))
        if len(row) == 1:
            cells[0] = Paragraph(_xml(row[0]), label)
        if len(row) < columns:
            spans.append(("SPAN", (len(row) - 1, r), (columns - 1, r)))
            cells += [""] * (columns - len(row))
        data.append(cells)
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.75, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                *spans,
            ]
        )
    )
    return table


def story_of(blocks: Sequence[Block], fonts: FontSet, *, preview: bool = False, text_width: float) -> list[Flowable]:
    """The flowables of *blocks*: paragraphs in the GB/T 9704 styles, tables, the signature block."""
    st = styles(fonts)
    extra = {
        "right": ParagraphStyle("right", parent=st["plain"], alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=st["plain"], alignment=TA_CENTER),
        "note": ParagraphStyle("note", parent=st["plain"], leftIndent=2 * BODY_PT),
        "small": ParagraphStyle("small_print", parent=st["small"], leading=BODY_PT * 0.75 * 1.6, spaceBefore=4),
        "addressee": ParagraphStyle("addressee_gap", parent=st["addressee"], spaceBefore=LINE_PITCH * 0.4),
        "number": ParagraphStyle("number_gap", parent=st["number"], spaceAfter=LINE_PITCH * 0.2),
    }
    story: list[Flowable] = []
    numbered = False
    i = 0
    items = list(blocks)
    while i < len(items):
        block = items[i]
        kind = block[0]
        if kind in ("signature", "date"):
            names: list[str] = []
            day = ""
            while i < len(items) and items[i][0] in ("signature", "date"):
                if items[i][0] == "signature":
                    names.append(items[i][1])
                else:
                    day = items[i][1]
                i += 1
            sig = SignatureBlock(names, day, fonts.fangsong, mark_seal=preview)
            tail: list[Flowable] = []
            while story and len(tail) < 2 and isinstance(story[-1], Paragraph) and not _is_title(story[-1], st):
                tail.insert(0, story.pop())
            notes: list[Flowable] = []
            while i < len(items) and items[i][0] == "note":
                notes.append(Paragraph(_xml(items[i][1]), extra["note"]))
                i += 1
            story.append(_KeepWithTail(tail, sig, notes))  # never a lone seal (or lone notes)
            continue
        i += 1
        if kind == "space":
            story.append(Spacer(1, LINE_PITCH))
        elif kind == "pagebreak":
            story.append(PageBreak())
        elif kind == "table":
            story.append(_table(block[1], block[2], fonts, text_width))
            story.append(Spacer(1, LINE_PITCH * 0.3))
        else:
            text = block[1]
            if kind == "number" and preview:
                text = f"{text}（{PREVIEW_MARK}）"
                numbered = True
            if kind in ("heading1", "heading2"):
                story.append(CondPageBreak(LINE_PITCH * 3))  # no heading alone at the foot of a page
            style = extra.get(kind) or st.get(kind) or st["body"]
            story.append(Paragraph(_xml(text), style))
    if preview and not numbered:
        at = next((n for n, b in enumerate(story) if not _is_title(b, st)), len(story))
        story.insert(at, Paragraph(f"（{PREVIEW_MARK}）", extra["number"]))
    return story


def _is_title(flowable: Flowable, st: dict[str, ParagraphStyle]) -> bool:
    return isinstance(flowable, Paragraph) and flowable.style.name == st["title"].name


class _Doc(GovDocTemplate):
    """The GB/T 9704 page; a preview also gets a light "样稿" across every page."""

    def __init__(self, *args: Any, preview: bool = False, **kwargs: Any) -> None:
        self.preview = preview
        super().__init__(*args, **kwargs)

    def _page_number(self, canvas: Any, doc: Any) -> None:
        super()._page_number(canvas, doc)
        if not self.preview:
            return
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.18))
        canvas.setFont(self.fonts.hei, 150)
        canvas.translate(self.pagesize[0] / 2, self.pagesize[1] / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, -50, PREVIEW_MARK)
        canvas.restoreState()


def render_pdf(
    blocks: Sequence[Block], fonts: FontSet, *, title: str, author: str = "", preview: bool = False
) -> tuple[bytes, int]:
    """Lay *blocks* out on GB/T 9704 pages; return (PDF bytes, page count). Deterministic."""
    buffer = BytesIO()
    doc = _Doc(buffer, fonts=fonts, title=title, author=author, preview=preview)
    doc.build(story_of(blocks, fonts, preview=preview, text_width=doc.text_width))
    return buffer.getvalue(), doc.page

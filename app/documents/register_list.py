"""申请台账 on paper: landscape A4, a title line, the count and the date, one row per application, the header
repeated on every page and page numbers "— n —" (the GB/T 9704 page of :mod:`app.documents.layout`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, Spacer, TableStyle

from app.documents.fonts import FontSet
from app.documents.layout import build_pdf, styles
from app.domain.dates import cn_date

__all__ = ["COLUMNS", "register_pdf"]

#: (header, width in mm) — 241 mm of landscape text width in all
COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 10),
    ("登记编号", 27),
    ("收到申请之日", 24),
    ("申请方式", 13),
    ("申请人", 22),
    ("申请人类型", 16),
    ("申请内容", 45),
    ("状态", 13),
    ("答复期限", 24),
    ("办结日期", 24),
    ("办理结果", 23),
)


def _cells(n: int, row: Any) -> list[str]:
    def d(day: date | None) -> str:
        return cn_date(day) if day is not None else ""

    receipt = d(row.receipt_date) if row.receipt_date is not None else f"待确认（{cn_date(row.arrived_on)}到达）"
    due = d(row.reply_due) + ("（预估）" if row.provisional and row.reply_due else "")
    return [
        str(n),
        row.reg_number,
        receipt,
        row.channel.label,
        row.applicant_name,
        row.applicant_kind.label,
        row.content,
        row.status.label,
        due,
        d(row.closed_on),
        row.outcome.label if row.outcome else "",
    ]


def register_pdf(rows: Sequence[Any], *, title: str, today: date, fonts: FontSet) -> bytes:
    """The register rows (``app.services.register.RegisterRow``) as a printable PDF."""
    st = styles(fonts)
    size = 9
    head = ParagraphStyle("reg_head", fontName=fonts.hei, fontSize=size, leading=size * 1.35, alignment=TA_CENTER)
    cell = ParagraphStyle("reg_cell", fontName=fonts.fangsong, fontSize=size, leading=size * 1.35, alignment=TA_LEFT)
    head.wordWrap = cell.wordWrap = "CJK"
    title_style = ParagraphStyle("reg_title", parent=st["title"], fontSize=18, leading=26, spaceAfter=2)
    sub = ParagraphStyle("reg_sub", parent=st["plain"], fontSize=10.5, leading=15, alignment=TA_CENTER)
    data: list[list[Any]] = [[Paragraph(escape(h), head) for h, _w in COLUMNS]]
    for n, row in enumerate(rows, start=1):
        data.append([Paragraph(escape(text), cell) for text in _cells(n, row)])
    if not rows:
        data.append([Paragraph("（无符合条件的申请）", cell)] + [""] * (len(COLUMNS) - 1))
    table = LongTable(data, colWidths=[w * mm for _h, w in COLUMNS], repeatRows=1, hAlign="CENTER")
    commands: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if not rows:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(commands))
    story = [
        Paragraph(escape(title), title_style),
        Paragraph(f"共 {len(rows)} 件　　打印日期：{cn_date(today)}", sub),
        Spacer(1, 3 * mm),
        table,
    ]
    return build_pdf(story, fonts=fonts, title=title, wide=True)[0]

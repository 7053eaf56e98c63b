"""The annual report as files: XLSX (the official tables), PDF and DOCX (the whole report), JSON (the figures).

The tables are laid out once, as :class:`Grid` (cells, merged ranges, roles), exactly as 国办公开办函〔2021〕30号
prints them (docs/rules.md §6): table 二 in its four blocks, table 三 with its three header rows (the
勾稽关系 note, 申请人情况, 自然人 / 法人或其他组织 / 总计) and the merged 三、本年度办理结果 and （三）–（六）
cells, table 四 with 行政复议 and the two groups of 行政诉讼. The three writers only render that grid:

- XLSX (openpyxl): one sheet per table, merged headers, thin borders, column widths, row heights for the
  wrapped labels, print area, A4 (table 四 landscape), fitted to the page width.
- PDF (reportlab): the whole report, sections 一–六 with the tables, on GB/T 9704 pages
  (:func:`app.documents.layout.build_pdf`, docs/rules.md §8).
- DOCX (python-docx): the whole report with the same page (A4, 37/28 mm, 仿宋 3号, 黑体 headings) and tables.
- JSON: :meth:`app.services.report.ReportView.to_json`, key for key.

Files are written to a temporary file next to the target and moved into place, so a failure never leaves a
half-written report.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from app.domain.dates import cn_date
from app.domain.statistics import (
    COLUMNS,
    FEE_MEASURE,
    RESULTS_GROUP,
    SECTION_TITLES,
    TABLE2_ITEMS,
    TABLE2_SECTIONS,
    TABLE2_TITLE,
    TABLE3_HEAD,
    TABLE3_NOTE,
    TABLE3_ORGS,
    TABLE3_ROWS,
    TABLE3_TITLE,
    TABLE4_COLUMNS,
    TABLE4_GROUPS,
    TABLE4_TITLE,
    Table2,
    Table3,
    Table4,
    format_amount,
)
from app.services.context import ServiceContext
from app.services.errors import ValidationError
from app.services.report import ReportView, build_report, validate_year

__all__ = ["FORMATS", "Grid", "export_report", "grid_table2", "grid_table3", "grid_table4", "report_json"]

#: suffix → what the file is (the command line and the page offer exactly these)
FORMATS: dict[str, str] = {
    ".xlsx": "Excel 工作簿",
    ".pdf": "PDF 文档",
    ".docx": "Word 文档",
    ".json": "JSON 数据",
}

# ------------------------------------------------------------------------------------------------ layout

HEAD, LABEL, NUM, SECTION = "head", "label", "num", "section"


@dataclass
class Grid:
    """One table as printed: the cell texts (or numbers), merged ranges (r0, c0, r1, c1) and each cell's role
    (``head``: bold centred header; ``label``: row label, left; ``num``: a figure; ``section``: table 二's
    block heading). ``widths`` are the columns' relative widths (millimetres on the PDF page)."""

    title: str
    cells: list[list[Any]]
    roles: list[list[str]]
    widths: list[float]
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    header_rows: int = 0

    def add(self, values: Sequence[Any], roles: Sequence[str] | str) -> int:
        self.cells.append(list(values))
        self.roles.append([roles] * len(values) if isinstance(roles, str) else list(roles))
        return len(self.cells) - 1

    def span(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r0, c0) != (r1, c1):
            self.spans.append((r0, c0, r1, c1))

    @property
    def n_cols(self) -> int:
        return len(self.widths)

    def covered(self) -> set[tuple[int, int]]:
        """Cells hidden under a merged range (all but its top-left cell)."""
        out: set[tuple[int, int]] = set()
        for r0, c0, r1, c1 in self.spans:
            out |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
        return out


def grid_table3(t3: Table3) -> Grid:
    """Table 三 as 30号 prints it: three header rows, then 一, 二, 三 (merged) with (一)–(七), 四."""
    g = Grid(TABLE3_TITLE, [], [], [16, 17, 50] + [10.4] * 7)
    blank = [""] * 10
    r = g.add([TABLE3_NOTE, "", "", TABLE3_HEAD, *blank[:6]], HEAD)
    g.span(r, 0, r + 2, 2)
    g.span(r, 3, r, 9)
    r = g.add(["", "", "", COLUMNS[0], TABLE3_ORGS, "", "", "", "", COLUMNS[6]], HEAD)
    g.span(r, 3, r + 1, 3)
    g.span(r, 4, r, 8)
    g.span(r, 9, r + 1, 9)
    g.add(["", "", "", "", *COLUMNS[1:6], ""], HEAD)
    g.header_rows = 3
    first_result = last_result = None
    group_start: dict[str, tuple[int, int]] = {}
    for row in TABLE3_ROWS:
        values = list(t3.rows[row.key])
        if not row.in_results:
            r = g.add([row.label, "", "", *values], [LABEL, LABEL, LABEL] + [NUM] * 7)
            g.span(r, 0, r, 2)
            continue
        if row.subgroup:
            r = g.add([RESULTS_GROUP, row.subgroup, row.label, *values], [LABEL] * 3 + [NUM] * 7)
            start, _ = group_start.get(row.subgroup, (r, r))
            group_start[row.subgroup] = (start, r)
        else:
            r = g.add([RESULTS_GROUP, row.label, "", *values], [LABEL] * 3 + [NUM] * 7)
            g.span(r, 1, r, 2)
        first_result = r if first_result is None else first_result
        last_result = r
    assert first_result is not None and last_result is not None
    g.span(first_result, 0, last_result, 0)
    for start, end in group_start.values():
        g.span(start, 1, end, 1)
    g.roles[first_result][0] = HEAD
    return g


def grid_table4(t4: Table4) -> Grid:
    """Table 四: 行政复议 (five columns) and 行政诉讼 (未经复议直接起诉, 复议后起诉: five columns each)."""
    g = Grid(TABLE4_TITLE, [], [], [10.4] * 15)
    recon, direct, after = TABLE4_GROUPS
    r = g.add([recon.label, "", "", "", "", direct.parent, *[""] * 9], HEAD)
    g.span(r, 0, r, 4)
    g.span(r, 5, r, 14)
    r = g.add([*TABLE4_COLUMNS, direct.label, *[""] * 4, after.label, *[""] * 4], HEAD)
    for c in range(5):
        g.span(r, c, r + 1, c)
    g.span(r, 5, r, 9)
    g.span(r, 10, r, 14)
    g.add([*[""] * 5, *TABLE4_COLUMNS, *TABLE4_COLUMNS], HEAD)
    g.header_rows = 3
    g.add([*t4.groups[recon.key], *t4.groups[direct.key], *t4.groups[after.key]], NUM)
    return g


def grid_table2(t2: Table2) -> Grid:
    """Table 二 in its four blocks (第二十条第（一）（五）（六）（八）项), each with its own header row."""
    g = Grid(TABLE2_TITLE, [], [], [46, 36.7, 36.7, 36.6])
    for section in TABLE2_SECTIONS:
        items = [it for it in TABLE2_ITEMS if it.section == section]
        r = g.add([section, "", "", ""], SECTION)
        g.span(r, 0, r, 3)
        measures = items[0].measures
        if len(measures) == 3:
            g.add(["信息内容", *measures], HEAD)
            for it in items:
                g.add([it.item, *(t2.get(it.item, m) for m in measures)], [LABEL, NUM, NUM, NUM])
        else:
            r = g.add(["信息内容", measures[0], "", ""], HEAD)
            g.span(r, 1, r, 3)
            for it in items:
                value = t2.get(it.item, measures[0])
                shown = format_amount(value) if measures[0] == FEE_MEASURE else value
                r = g.add([it.item, shown, "", ""], [LABEL, NUM, NUM, NUM])
                g.span(r, 1, r, 3)
    return g


# ------------------------------------------------------------------------------------------------ JSON


def report_json(view: ReportView) -> str:
    """The JSON export: indented, Chinese unescaped, each row of figures on one line."""
    text = json.dumps(view.to_json(), ensure_ascii=False, indent=2)

    def one_line(m: re.Match[str]) -> str:
        return "[" + ", ".join(x.strip() for x in re.split(r",\s*\n", m.group(1))) + "]"

    return re.sub(r"\[\s*([^\[\]{}]+?)\s*\]", one_line, text)


# ------------------------------------------------------------------------------------------------ XLSX


def _xlsx(view: ReportView, target: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name="宋体", size=11)
    bold = Font(name="宋体", size=11, bold=True)
    title_font = Font(name="黑体", size=14)
    fill = PatternFill("solid", fgColor="F2F2F2")

    def sheet(ws: Worksheet, grid: Grid, widths: Sequence[float], landscape: bool) -> None:
        n = grid.n_cols
        last = get_column_letter(n)
        ws.merge_cells(f"A1:{last}1")
        ws["A1"] = grid.title
        ws["A1"].font = title_font
        ws["A1"].alignment = Alignment(horizontal="left", vertical="center")
        ws.row_dimensions[1].height = 30
        ws.merge_cells(f"A2:{last}2")
        ws["A2"] = f"{view.title}（统计期限：{view.year}年1月1日至{view.year}年12月31日）"
        ws["A2"].font = Font(name="宋体", size=10, color="555555")
        top = 3
        covered = grid.covered()
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        for r, (values, roles) in enumerate(zip(grid.cells, grid.roles, strict=True)):
            for c, (value, role) in enumerate(zip(values, roles, strict=True)):
                cell = ws.cell(row=top + r, column=c + 1)
                cell.border = border
                if (r, c) in covered:
                    continue
                cell.value = value if value != "" else None
                cell.font = bold if role in (HEAD, SECTION) else body_font
                cell.alignment = Alignment(
                    horizontal="left" if role in (LABEL, SECTION) and c < 3 else "center",
                    vertical="center",
                    wrap_text=True,
                )
                if role in (HEAD, SECTION):
                    cell.fill = fill
        for r0, c0, r1, c1 in grid.spans:
            ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
        for r, values in enumerate(grid.cells):  # wrapped labels: rows high enough for every line
            lines = 1
            for c, value in enumerate(values):
                if (r, c) in covered or not isinstance(value, str) or not value:
                    continue
                span = next((s for s in grid.spans if (s[0], s[1]) == (r, c)), (r, c, r, c))
                width = sum(widths[span[1] : span[3] + 1])
                rows = span[2] - span[0] + 1
                lines = max(lines, math.ceil(math.ceil(_text_units(value) / max(width - 1, 1)) / rows))
            ws.row_dimensions[top + r].height = max(20, 15 * lines + 5)
        end = top + len(grid.cells) - 1
        ws.print_area = f"A1:{last}{end}"
        ws.print_title_rows = f"{top}:{top + grid.header_rows - 1}" if grid.header_rows else None
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.6
        ws.page_margins.top = ws.page_margins.bottom = 0.8
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.sheet_view.showGridLines = False
        ws.freeze_panes = ws.cell(row=top + grid.header_rows, column=1) if grid.header_rows else None

    wb = Workbook()
    ws2 = wb.active
    ws2.title = "二、主动公开政府信息情况"
    sheet(ws2, grid_table2(view.table2), [26, 17, 17, 17], landscape=False)
    ws3 = wb.create_sheet("三、收到和处理政府信息公开申请情况")
    sheet(ws3, grid_table3(view.table3), [8, 14, 36, 9, 9, 9, 11, 11, 8, 9], landscape=False)
    ws4 = wb.create_sheet("四、行政复议、行政诉讼情况")
    sheet(ws4, grid_table4(view.table4), [9] * 15, landscape=True)
    wb.properties.title = view.title
    wb.properties.creator = view.agency
    wb.active = 1
    wb.save(target)


def _text_units(text: str) -> float:
    """Width of *text* in Excel column units (a CJK character about two units at 11 pt)."""
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in text)


# ------------------------------------------------------------------------------------------------ PDF


def _pdf(view: ReportView, target: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    from app.documents.fonts import load_fonts
    from app.documents.layout import build_pdf, styles

    fonts = load_fonts()
    st = styles(fonts)
    cell_style = ParagraphStyle("cell", parent=st["table"], fontName=fonts.song, fontSize=9, leading=11.5)
    head_style = ParagraphStyle("head", parent=cell_style, fontName=fonts.hei)
    label_style = ParagraphStyle("lab", parent=cell_style, alignment=0)

    def paragraphs(text: str) -> list[Any]:
        return [Paragraph(escape(line.strip()), st["body"]) for line in text.splitlines() if line.strip()]

    def table(grid: Grid) -> Table:
        covered = grid.covered()
        data = []
        for r, (values, roles) in enumerate(zip(grid.cells, grid.roles, strict=True)):
            row = []
            for c, (value, role) in enumerate(zip(values, roles, strict=True)):
                if (r, c) in covered or value == "":
                    row.append("")
                    continue
                style = head_style if role in (HEAD, SECTION) else label_style if role == LABEL else cell_style
                row.append(Paragraph(escape(str(value)), style))
            data.append(row)
        scale = 156 / sum(grid.widths)
        t = Table(data, colWidths=[w * scale * mm for w in grid.widths], repeatRows=grid.header_rows)
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        commands += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in grid.spans]
        for r, roles in enumerate(grid.roles):
            if roles and roles[0] == SECTION:
                commands.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f2f2f2")))
        t.setStyle(TableStyle(commands))
        return t

    title = escape(view.title)
    if len(view.title) > 20 and view.title.startswith(view.agency):  # break after the agency, not mid-word
        title = escape(view.agency) + "<br/>" + escape(view.title[len(view.agency) :])
    story: list[Any] = [Paragraph(title, st["title"]), *paragraphs(view.texts["intro"])]
    sections = {
        1: grid_table2(view.table2),
        2: grid_table3(view.table3),
        3: grid_table4(view.table4),
    }
    for i, heading in enumerate(SECTION_TITLES):
        head = Paragraph(escape(heading), st["heading1"])
        if i in sections:  # a table starts on the next page rather than leave its header rows alone
            story += [KeepTogether([head, Spacer(1, 2 * mm), table(sections[i])]), Spacer(1, 4 * mm)]
            continue
        text = view.texts["overview" if i == 0 else "problems" if i == 4 else "other"]
        story += [KeepTogether([head, *paragraphs(text)[:1]]), *paragraphs(text)[1:]]
    story += [
        Spacer(1, 12 * mm),
        Paragraph(escape(view.agency), st["signature"]),
        Paragraph(escape(cn_date(view.lock.published_on or view.made_on)), st["date"]),
    ]
    build_pdf(story, target, fonts=fonts, title=view.title, author=view.agency)


# ------------------------------------------------------------------------------------------------ DOCX


def _docx(view: ReportView, target: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(37), Mm(28)
    section.bottom_margin, section.right_margin = Mm(35), Mm(26)
    section.footer_distance = Mm(28)

    def font(run: Any, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor(0, 0, 0)
        rpr = run._element.get_or_add_rPr()
        fonts_el = rpr.find(qn("w:rFonts"))
        if fonts_el is None:
            fonts_el = OxmlElement("w:rFonts")
            rpr.insert(0, fonts_el)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts_el.set(qn(attr), name)

    def para(text: str, name: str = "仿宋_GB2312", size: float = 16, *, indent: bool = True, align: Any = None) -> Any:
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(29)  # 22 lines in 225 mm (GB/T 9704)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(2 * size)
        if align is not None:
            p.alignment = align
        font(p.add_run(text), name, size)
        return p

    def page_number(footer: Any, align: Any) -> None:
        p = footer.paragraphs[0]
        p.alignment = align
        font(p.add_run("— "), "宋体", 14)
        run = p.add_run()
        font(run, "宋体", 14)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            run._element.append(el)
        font(p.add_run(" —"), "宋体", 14)

    doc.settings.odd_and_even_pages_header_footer = True
    page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    def table(grid: Grid) -> None:
        t = doc.add_table(rows=len(grid.cells), cols=grid.n_cols)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        scale = 156 / sum(grid.widths)
        for c, w in enumerate(grid.widths):  # the grid columns (w:gridCol) decide the layout
            t.columns[c].width = Mm(w * scale)
        covered = grid.covered()
        for r, (values, roles) in enumerate(zip(grid.cells, grid.roles, strict=True)):
            for c, (value, role) in enumerate(zip(values, roles, strict=True)):
                cell = t.cell(r, c)
                cell.width = Mm(grid.widths[c] * scale)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                if (r, c) in covered or value == "":
                    continue
                p = cell.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT if role == LABEL else WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
                font(p.add_run(str(value)), "黑体" if role in (HEAD, SECTION) else "宋体", 9)
        for r0, c0, r1, c1 in grid.spans:
            t.cell(r0, c0).merge(t.cell(r1, c1))
        for row in t.rows[:-1]:  # the table stays on one page when it fits (keep with next, rows unsplit)
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True
        for r in range(grid.header_rows):  # header rows repeat on each page
            tr_pr = t.rows[r]._tr.get_or_add_trPr()
            el = OxmlElement("w:tblHeader")
            el.set(qn("w:val"), "true")
            tr_pr.append(el)

    title = para(view.title, "方正小标宋简体", 22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    if len(view.title) > 20 and view.title.startswith(view.agency):  # break after the agency, not mid-word
        title.runs[0].text = view.agency
        title.runs[0].add_break()
        font(title.add_run(view.title[len(view.agency) :]), "方正小标宋简体", 22)
    title.paragraph_format.line_spacing = Pt(36)
    para("")
    for line in view.texts["intro"].splitlines():
        para(line.strip())
    grids: dict[int, Callable[[], Grid]] = {
        1: lambda: grid_table2(view.table2),
        2: lambda: grid_table3(view.table3),
        3: lambda: grid_table4(view.table4),
    }
    for i, heading in enumerate(SECTION_TITLES):
        para(heading, "黑体").paragraph_format.keep_with_next = True
        if i in grids:
            table(grids[i]())
            continue
        text = view.texts["overview" if i == 0 else "problems" if i == 4 else "other"]
        for line in text.splitlines():
            if line.strip():
                para(line.strip())
    para("")
    sig = para(view.agency, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    sig.paragraph_format.right_indent = Pt(64)
    day = para(cn_date(view.lock.published_on or view.made_on), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    day.paragraph_format.right_indent = Pt(64)
    doc.core_properties.title = view.title
    doc.core_properties.author = view.agency
    doc.save(str(target))


# ------------------------------------------------------------------------------------------------ entry


_WRITERS: dict[str, Callable[[ReportView, Path], None]] = {
    ".xlsx": _xlsx,
    ".pdf": _pdf,
    ".docx": _docx,
    ".json": lambda view, target: target.write_text(report_json(view), encoding="utf-8"),
}


def check_target(path: Path | str) -> str:
    """The format of *path* from its suffix; anything but .xlsx/.pdf/.docx/.json is a Chinese error."""
    suffix = Path(path).suffix.lower()
    if suffix not in _WRITERS:
        shown = f"“{Path(path).suffix}”" if Path(path).suffix else "（无扩展名）"
        raise ValidationError([f"不支持的文件类型{shown}：年度报告可导出为 .xlsx、.pdf、.docx 或 .json 文件"])
    return suffix


def ordinary_file_mode() -> int:
    """The permissions a file the clerk saves would get anyway (0666 minus the process's umask)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_report(view: ReportView, path: Path | str) -> Path:
    """Write *view* to *path* in the format its suffix names (via a temporary file, then moved into place)."""
    target = Path(path)
    suffix = check_target(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError([f"保存位置不存在：{folder}"])
    fd, tmp_name = tempfile.mkstemp(prefix=".年度报告-", suffix=suffix, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _WRITERS[suffix](view, tmp)
        os.chmod(tmp, ordinary_file_mode())  # mkstemp makes it private; a saved report is an ordinary file
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def export_report(ctx: ServiceContext, year: int, path: Path | str) -> Path:
    """Export the report of *year* to *path* (.xlsx, .pdf, .docx or .json; docs/rules.md §6)."""
    check_target(path)
    validate_year(ctx, year)
    return write_report(build_report(ctx, year), path)

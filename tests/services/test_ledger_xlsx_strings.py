"""The ledger import reads an .xlsx's shared strings itself (openpyxl's rich-text objects made most of the
time of a 10,000-row import); it must read exactly what openpyxl reads."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.reader.strings import read_string_table

from app.services.ledger import _load_workbook, _string_table

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

SHARED = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{NS}" count="9" uniqueCount="9">
<si><t>申请人</t></si>
<si><t xml:space="preserve">  前后有空格  </t></si>
<si><t/></si>
<si><r><rPr><b/></rPr><t>加粗</t></r><r><t xml:space="preserve"> 与普通</t></r></si>
<si><t>带注音</t><rPh sb="0" eb="1"><t>ダイ</t></rPh><phoneticPr fontId="1"/></si>
<si><t>x005F_x000D_ 转义</t></si>
<si><t>第一</t><t>第二</t></si>
<si><r><t>甲</t></r><r><rPr><i/></rPr></r><t>乙</t></si>
<si><t>=SUM(A1) &amp; &lt;b&gt;</t></si>
</sst>"""


def test_the_string_table_is_read_as_openpyxl_reads_it() -> None:
    ours = _string_table(io.BytesIO(SHARED.encode("utf-8")))
    theirs = read_string_table(io.BytesIO(SHARED.encode("utf-8")))
    assert ours == theirs
    assert len(ours) == 9


def test_a_workbook_reads_the_same_cells(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["登记编号", "收到日期", "申请人", "延期工作日"])
    ws.append(["〔2026〕第1号", date(2026, 3, 5), "张三 ", 5])
    ws.append([None, "2026/3/6", "  李四", 2.5])
    ws2 = wb.create_sheet("第二")
    ws2.append(["申请人", "x005F_x0009_"])
    path = tmp_path / "t.xlsx"
    wb.save(path)

    def cells(book) -> list[list[tuple]]:
        out = [[row for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
        book.close()
        return out

    assert cells(_load_workbook(path)) == cells(load_workbook(path, read_only=True, data_only=True))


def test_inline_strings_are_read_as_openpyxl_reads_them() -> None:
    from xml.etree.ElementTree import fromstring

    from openpyxl.worksheet._reader import WorkSheetParser

    from app.services.ledger import _sheet_parser_class

    sheet = (
        f'<worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>申请人</t></is></c>'
        '<c r="C1" t="inlineStr" s="2"><is><t xml:space="preserve"> 空格 </t></is></c></row>'
        '<row><c t="inlineStr"><is><r><t>甲</t></r><r><rPr><b/></rPr><t>乙</t></r></is></c>'
        '<c t="inlineStr"/><c t="inlineStr"><is/></c></row>'
        '<row r="5"><c r="B5" t="inlineStr"><is><t>带注音</t><rPh sb="0" eb="1"><t>ダイ</t></rPh></is></c>'
        '<c r="C5"><v>42</v></c><c r="D5" t="b"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    ours = _sheet_parser_class()(io.BytesIO(b""), [], data_only=True)
    theirs = WorkSheetParser(io.BytesIO(b""), [], data_only=True)
    for row in fromstring(sheet).iter(f"{{{NS}}}row"):
        assert ours.parse_row(row) == theirs.parse_row(row)

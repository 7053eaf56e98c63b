"""Ledger (台账) import and export: spreadsheet files in, the register out.

Reading files (CSV in UTF-8 with or without BOM, or GBK/GB18030 as Excel on a Chinese Windows saves it;
XLSX through openpyxl) and writing the database live here; the rules for the cells are in
:mod:`app.domain.ledger`.

Import is all or nothing: every row is checked first and, if any is wrong, nothing is written. The write
is ONE transaction (a killed process leaves the database as it was), with bulk inserts and the audit hash
chain computed in memory from the current last hash — the same fields and hash function as
:func:`app.store.events.append_event`, so :func:`app.store.events.check_chain` still verifies.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.codes import ApplicantKind, Channel, EventKind, IdDocType, Outcome, Status
from app.domain.dates import cn_date
from app.domain.ledger import (
    CONSULT_AGENCY,
    CONSULT_THIRD_PARTY,
    EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    LITIGATION_KIND_LABELS,
    RECONSIDERATION,
    REMEDY_RESULT_LABELS,
    LedgerProblem,
    LedgerRow,
    LedgerValidation,
    memo_calendar,
    number_regex,
    row_events,
    template_rows,
    validate_ledger,
)
from app.domain.procedure import Extension, Recorded, to_data
from app.domain.text import XLSX_CELL_LIMIT, for_export
from app.domain.workcalendar import WorkCalendar
from app.services.applications import evaluate
from app.services.context import ServiceContext
from app.services.errors import ServiceError
from app.services.profile import get_profile
from app.services.report import ledger_lock_problems  # report lock
from app.store.events import EventChain, insert_rows
from app.store.models import Applicant, Application, Event, NumberSequence, RemedyCase
from app.store.numbers import REGISTRATION_SEQUENCE, NumberAllocator
from app.store.sqlfunc import advance_id_sequences, year_text_of

__all__ = [
    "ExportReport",
    "ImportInterrupted",
    "ImportReport",
    "LedgerFileError",
    "LedgerTable",
    "SheetChoiceNeeded",
    "export_ledger",
    "export_rows",
    "export_years",
    "import_ledger",
    "iter_export_rows",
    "read_ledger_file",
    "read_table",
    "write_template",
]

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is "read", "validate", "write", "commit" or "export"; total 0 = unknown."""

_CHUNK = 2000


class LedgerFileError(ServiceError):
    """The file cannot be read or written (Chinese message)."""


class SheetChoiceNeeded(LedgerFileError):
    """A workbook whose worksheets with data have different headers: the clerk must choose one (``sheets``)."""

    def __init__(self, message: str, sheets: Sequence[str]) -> None:
        super().__init__(message)
        self.sheets = tuple(sheets)


# ------------------------------------------------------------------------------------------------ files


def _decode_csv(raw: bytes) -> str:
    """UTF-8 (with or without BOM) first, else GB18030 (a superset of GBK, what Excel on Chinese Windows writes)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LedgerFileError("无法识别 CSV 文件的编码（支持 UTF-8 和 GBK/GB18030），请在 Excel 中另存为 .xlsx 后再导入")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Bounds on what a file may make us hold in memory (checked before the memory is spent).
MAX_DATA_ROWS = 200_000
"""More rows than any office's ledger (the register is built for 100,000 applications, docs/rules.md §1)."""
MAX_COLUMNS = 200
"""Columns of a ledger sheet: the 31 of an export and room for an office's own; a cell further right is refused."""
MAX_CELL_CHARS = XLSX_CELL_LIMIT
"""What one Excel cell can hold; a longer cell (only a damaged or crafted file has one) is refused."""
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""The unpacked size of an .xlsx's parts (a zip bomb is refused before it is unpacked)."""
_CSV_FIELD_LIMIT = 131_072  # csv's default limit, kept: no field of ours is longer than 10,000 characters


@dataclass(frozen=True)
class LedgerTable:
    """The rows of a ledger file: the header, the data rows as (row as Excel shows it, cells, sheet), and
    what the reader had to tell (sheets skipped). ``ours``: a CSV this program wrote (see :func:`_is_ours`)."""

    header: list[object]
    rows: list[tuple[int, list[object], str]]
    sheets: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _csv_cell(value: object) -> object:
    """A value as a CSV cell. Text that Excel would run as a formula (starting with = + - @) gets a leading
    single quote, which Excel shows as plain text; :func:`_csv_uncell` removes it again on import, but only
    in files this program wrote (:func:`_is_ours`). Only text is quoted: numbers (延期工作日) are written as
    numbers and are never negative."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_uncell(text: str) -> str:
    """Undo :func:`_csv_cell`: "'=SUM(A1)" reads back as "=SUM(A1)"; other text is unchanged."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def _is_ours(raw: bytes, header: Sequence[str]) -> bool:
    """A CSV this program wrote: UTF-8 with a BOM and a header exactly as the export or the template writes
    it (same names, same order). Only in such a file is a leading ' before = + - @ our own quoting; in any
    other CSV the apostrophe is the office's own text and is kept."""
    return raw.startswith(b"\xef\xbb\xbf") and tuple(header) in (tuple(EXPORT_COLUMNS), tuple(IMPORT_COLUMNS))


def _is_blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_ledger_file(path: Path, *, sheet: str | None = None) -> LedgerTable:
    """Read a ledger file strictly: refuse it (:class:`LedgerFileError`, naming the row) rather than guess.

    CSV: an unterminated quote, a row with more or fewer cells than the header, or an over-long field
    refuses the file. XLSX: every worksheet holding data is imported when all have the same header;
    otherwise the file is refused naming the sheets, unless ``sheet`` chooses one. Cells further right than
    :data:`MAX_COLUMNS`, more than :data:`MAX_DATA_ROWS` rows or a cell longer than an Excel cell refuse the
    file before memory is spent on them.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            if sheet:
                raise LedgerFileError("CSV 文件没有工作表，不能选择工作表")
            return _read_csv(path)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, sheet)
        if suffix == ".xls":
            raise LedgerFileError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx（Excel 工作簿）后再导入")
        raise LedgerFileError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx 或 .csv 文件")
    except FileNotFoundError as exc:
        raise LedgerFileError(f"找不到文件：{path}") from exc
    except PermissionError as exc:
        raise LedgerFileError(f"没有权限读取文件（可能正在 Excel 中打开）：{path}") from exc
    except IsADirectoryError as exc:
        raise LedgerFileError(f"这是一个文件夹，不是台账文件：{path}") from exc


def read_table(path: Path, *, sheet: str | None = None) -> tuple[list[object], list[tuple[int, list[object]]]]:
    """The header and the data rows as (row number as Excel shows it, cells) — see :func:`read_ledger_file`."""
    table = read_ledger_file(Path(path), sheet=sheet)
    return table.header, [(n, cells) for n, cells, _ in table.rows]


def _csv_error(record: int, line: int, exc: csv.Error) -> LedgerFileError:
    text = str(exc)
    if "field larger than field limit" in text:
        why = f"有一个单元格超过 {_CSV_FIELD_LIMIT} 个字符（多半是某处引号没有配对）"
    elif "unexpected end of data" in text or "EOF" in text:
        why = "有一个以引号开始的单元格直到文件末尾都没有结束引号"
    elif "expected after" in text:
        why = '引号的用法不对：单元格中的引号须写成两个连续的引号（""），且结束引号后应紧跟逗号或换行'
    elif "NUL" in text or "null" in text.lower():
        why = "含有空字符（NUL），文件可能已损坏或不是文本文件"
    else:
        why = "格式有误"
    return LedgerFileError(
        f"CSV 文件第 {record} 行（文件第 {line} 行附近）{why}，未导入任何数据。请在 Excel 中检查该行后重新保存。"
    )


def _read_csv(path: Path) -> LedgerTable:
    raw = path.read_bytes()
    text = _decode_csv(raw)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[object], str]] = []
    record = 0
    old_limit = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        while True:
            record += 1
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise _csv_error(record, reader.line_num, exc) from None
            if header is None:
                if not _is_blank(rec):
                    header, header_row = rec, record
                continue
            if _is_blank(rec):
                if rec and len(rec) > len(header):
                    pass  # a row of separators only, e.g. ",,,,": nothing to lose
                continue
            if len(rec) != len(header):
                more = len(rec) > len(header)
                raise LedgerFileError(
                    f"CSV 文件第 {record} 行有 {len(rec)} 个单元格，表头（第 {header_row} 行）有 {len(header)} 个"
                    + ("：多出的单元格没有列名" if more else "")
                    + "，未导入任何数据。多半是某个单元格里的逗号或引号没有用引号括起来；"
                    "请在 Excel 中检查该行后重新保存。"
                )
            rows.append((record, rec, ""))  # type: ignore[arg-type]
            if len(rows) > MAX_DATA_ROWS:
                raise LedgerFileError(f"文件超过 {MAX_DATA_ROWS} 行数据，请分成几个文件导入")
    finally:
        csv.field_size_limit(old_limit)
    if header is None:
        raise LedgerFileError("文件是空的：没有表头行")
    if _is_ours(raw, header):
        for _n, cells, _s in rows:  # only a cell starting with ' can be one of our quoted cells
            if any(c[:1] == "'" for c in cells):  # type: ignore[index]
                cells[:] = [_csv_uncell(c) for c in cells]  # type: ignore[arg-type]
    return LedgerTable(list(header), rows)


def _check_unpacked_size(path: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            size = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        if isinstance(exc, PermissionError | FileNotFoundError):
            raise
        raise LedgerFileError(f"无法读取 Excel 文件（文件可能已损坏或不是 .xlsx 格式）：{path}") from exc
    if size > MAX_UNPACKED_BYTES:
        raise LedgerFileError(
            f"Excel 文件解压后超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB，不像一份台账，未导入任何数据"
        )


def _sheet_rows(wb: Any, ws: Any, title: str) -> Iterator[tuple[int, list[object]]]:
    """The rows of one worksheet as (row as Excel shows it, cells up to the last non-empty one), read
    sparsely: a cell far to the right (column XFD) costs nothing, it is refused by position."""
    from openpyxl.utils import get_column_letter

    src = ws._get_source()
    try:
        parser = _sheet_parser_class()(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        count = 0
        for row_no, cells in parser.parse():
            values: dict[int, object] = {}
            for cell in cells:
                value = cell["value"]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                column = cell["column"]
                if column > MAX_COLUMNS:
                    raise LedgerFileError(
                        f"工作表“{title}”第 {row_no} 行第 {get_column_letter(column)} 列有内容，超出了台账的范围"
                        f"（最多 {MAX_COLUMNS} 列），未导入任何数据。请删除表格右侧多余的内容后重新保存。"
                    )
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise LedgerFileError(
                        f"工作表“{title}”第 {row_no} 行第 {get_column_letter(column)} 列超过 {MAX_CELL_CHARS} "
                        "个字符（一个 Excel 单元格的上限），文件可能已损坏，未导入任何数据"
                    )
                values[column] = value
            if not values:
                continue
            count += 1
            if count > MAX_DATA_ROWS + 1:
                raise LedgerFileError(f"工作表“{title}”超过 {MAX_DATA_ROWS} 行数据，请分成几个文件导入")
            width = max(values)
            row = [None] * width
            for column, value in values.items():
                row[column - 1] = value
            yield row_no, row
    finally:
        src.close()


def _string_table(source: Any) -> list[str]:
    """The shared strings of a workbook, exactly as openpyxl's ``read_string_table`` reads them (the text of
    each ``<si>``: its ``<t>``, then the ``<t>`` of each ``<r>`` run, phonetic runs left out, ``x005F_``
    removed), without building openpyxl's rich-text objects for every string (most of a ledger's read)."""
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse  # defusedxml's when installed, as openpyxl reads

    si_tag = f"{{{SHEET_MAIN_NS}}}si"
    strings: list[str] = []
    for _, node in iterparse(source):
        if node.tag != si_tag:
            continue
        strings.append(_plain_text(node).replace("x005F_", ""))
        node.clear()
    return strings


def _plain_text(node: Any) -> str:
    """The text of a string item (``<si>`` or an inline ``<is>``) as openpyxl's ``Text.from_tree(node).content``
    gives it: its ``<t>`` (the last one, as openpyxl keeps), then the ``<t>`` of each ``<r>`` run; phonetic
    runs (``<rPh>``) left out."""
    plain: str | None = None
    runs: list[str] = []
    for child in node:
        name = child.tag.rpartition("}")[2]
        if name == "t":
            plain = child.text
        elif name == "r":
            run: str | None = None
            for part in child:
                if part.tag.rpartition("}")[2] == "t":
                    run = part.text
            if run is not None:
                runs.append(run)
    if plain is not None:
        runs.insert(0, plain)
    return "".join(runs)


_SHEET_PARSER: list[Any] = []


def _sheet_parser_class() -> Any:
    """openpyxl's worksheet parser, reading inline strings (``t="inlineStr"``, what openpyxl itself writes)
    without building a rich-text object for each cell; every other cell is read by openpyxl as before."""
    if _SHEET_PARSER:
        return _SHEET_PARSER[0]
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser

    class SheetParser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            if element.get("t") != "inlineStr" or self.rich_text:
                return super().parse_cell(element)
            coordinate = element.get("r")
            style_id = element.get("s", 0)
            if style_id:
                style_id = int(style_id)
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            value: str | None = None
            data_type = "inlineStr"
            child = element.find(INLINE_STRING)
            if child is not None:
                data_type = "s"
                value = _plain_text(child)
            return {"row": row, "column": column, "value": value, "data_type": data_type, "style_id": style_id}

    _SHEET_PARSER.append(SheetParser)
    return SheetParser


def _load_workbook(path: Path) -> Any:
    """``openpyxl.load_workbook(path, read_only=True, data_only=True)`` with :func:`_string_table` reading
    the shared strings."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    reader = ExcelReader(path, read_only=True, data_only=True)

    def read_strings() -> None:
        ct = reader.package.find(SHARED_STRINGS)
        if ct is not None:
            with reader.archive.open(ct.PartName[1:]) as src:
                reader.shared_strings = _string_table(src)

    reader.read_strings = read_strings
    reader.read()
    return reader.wb


def _read_xlsx(path: Path, sheet: str | None) -> LedgerTable:
    _check_unpacked_size(path)
    try:
        wb = _load_workbook(path)  # openpyxl imported there: the CLI's --help should not pay for it
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors)
        raise LedgerFileError(f"无法读取 Excel 文件（文件可能已损坏或不是 .xlsx 格式）：{path}") from exc
    try:
        titles = [ws.title for ws in wb.worksheets]
        if sheet is not None:
            if sheet not in titles:
                raise LedgerFileError(f"工作簿中没有名为“{sheet}”的工作表（有：{'、'.join(f'“{t}”' for t in titles)}）")
            chosen = [sheet]
        else:
            chosen = titles
        tables: list[tuple[str, list[object], list[tuple[int, list[object]]]]] = []
        empty: list[str] = []
        try:
            for title in chosen:
                rows = _sheet_rows(wb, wb[title], title)
                first = next(rows, None)
                if first is None:
                    empty.append(title)
                    continue
                data = list(rows)
                if not data and sheet is None:
                    empty.append(title)  # a header without data imports nothing either way
                    continue
                tables.append((title, first[1], data))
        except LedgerFileError:
            raise
        except Exception as exc:  # damaged XML inside the zip
            raise LedgerFileError(f"无法读取 Excel 文件（文件可能已损坏）：{path}") from exc
    finally:
        wb.close()
    notes = tuple(f"工作表“{t}”是空的，未导入" for t in empty if len(titles) > 1)
    if not tables:
        if sheet is not None and empty:
            raise LedgerFileError(f"工作表“{sheet}”是空的：没有表头行")
        raise LedgerFileError("文件是空的：没有表头行")
    if len(tables) > 1:
        first_header = [h for h in (_header_key(x) for x in tables[0][1])]
        differing = [t for t, header, _ in tables[1:] if [_header_key(x) for x in header] != first_header]
        if differing:
            listed = "、".join(f"“{t}”" for t, _, _ in tables)
            raise SheetChoiceNeeded(
                f"工作簿中有 {len(tables)} 个含有内容的工作表（{listed}），其中"
                + "、".join(f"“{t}”" for t in differing)
                + f"的表头与“{tables[0][0]}”不同，不能一起导入，未导入任何数据。"
                "请选择要导入的工作表（命令行：--sheet 工作表名），或把各表整理为相同的表头。",
                [t for t, _, _ in tables],
            )
    header = tables[0][1]
    width = len(header)
    rows_out: list[tuple[int, list[object], str]] = []
    for title, _header, data in tables:
        label = title if len(tables) > 1 else ""
        for row_no, cells in data:
            if len(cells) > width:
                extra = next(i for i in range(width, len(cells)) if cells[i] is not None)
                from openpyxl.utils import get_column_letter

                raise LedgerFileError(
                    f"工作表“{title}”第 {row_no} 行第 {get_column_letter(extra + 1)} 列有内容，但该列没有表头"
                    "（不知道是哪一项），未导入任何数据。请给该列加上列名或删除其中的内容。"
                )
            rows_out.append((row_no, cells, label))
    used = tuple(t for t, _, _ in tables)
    if len(tables) > 1:
        notes += (f"已导入 {len(tables)} 个表头相同的工作表：" + "、".join(f"“{t}”" for t in used),)
    return LedgerTable(header, rows_out, used, notes)


def _header_key(cell: object) -> str:
    return "" if cell is None else "".join(str(cell).split())


def _write_table(path: Path, rows: Iterable[Sequence[object]], date_columns: set[int]) -> None:
    suffix = path.suffix.lower()
    tmp = path.with_name(path.name + ".part")
    try:
        if suffix == ".csv":
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel then reads UTF-8
                writer = csv.writer(fh)
                for row in rows:
                    writer.writerow([_csv_cell(v) for v in row])
        elif suffix == ".xlsx":
            _write_xlsx(tmp, rows, date_columns)
        else:
            raise LedgerFileError(f"不支持的文件类型“{path.suffix}”，请保存为 .xlsx 或 .csv")
        tmp.replace(path)
    except PermissionError as exc:
        raise LedgerFileError(f"无法写入文件（可能正在 Excel 中打开，或没有权限）：{path}") from exc
    except FileNotFoundError as exc:
        raise LedgerFileError(f"找不到要保存到的文件夹：{path.parent}") from exc
    except OSError as exc:
        raise LedgerFileError(f"无法写入文件：{path}（{exc.strerror or exc}）") from exc
    finally:
        tmp.unlink(missing_ok=True)


_XLSX_EPOCH = date(1899, 12, 30)
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    # cell styles: 0 plain, 1 a date (yyyy-mm-dd), 2 the bold header
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def _column_letters(n: int) -> list[str]:
    out: list[str] = []
    for i in range(1, n + 1):
        k, name = i, ""
        while k:
            k, rem = divmod(k - 1, 26)
            name = chr(65 + rem) + name
        out.append(name)
    return out


def _write_xlsx(path: Path, rows: Iterable[Sequence[object]], date_columns: set[int]) -> None:
    """Write one worksheet 台账 as a streamed .xlsx (Office Open XML, ISO/IEC 29500), row by row.

    Text is written in full as inline strings (never as a formula, so ID and phone numbers stay text);
    dates as Excel dates shown yyyy-mm-dd; the header bold and frozen. The parts are the minimum a
    workbook needs; Excel, WPS, LibreOffice and openpyxl read it. Streaming keeps memory flat and is many
    times faster than building cell objects (issue of a 10,000-row export taking seconds)."""
    import zipfile
    from xml.sax.saxutils import escape

    it = iter(rows)
    header = next(it, None)
    letters = _column_letters(len(header or ()))
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="'
        f'{12 if i in date_columns else 30 if name in ("申请内容", "通讯地址") else 16}" customWidth="1"/>'
        for i, name in enumerate(header or ())
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, text in _XLSX_PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
            out.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                "</sheetView></sheetViews>" + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
            )
            buf: list[str] = []
            for r, row in enumerate(itertools.chain([header] if header is not None else [], it), start=1):
                if len(row) > len(letters):
                    letters = _column_letters(len(row))
                buf.append(f'<row r="{r}">')
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    ref = f"{letters[c]}{r}"
                    if isinstance(value, str):
                        text = escape(_XML_UNSAFE.sub("", value))
                        style = ' s="2"' if r == 1 else ""
                        buf.append(f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>')
                    elif isinstance(value, bool):
                        buf.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
                    elif isinstance(value, date):
                        day = value.date() if isinstance(value, datetime) else value
                        buf.append(f'<c r="{ref}" s="1"><v>{(day - _XLSX_EPOCH).days}</v></c>')
                    elif isinstance(value, int | float):
                        buf.append(f'<c r="{ref}"><v>{value!r}</v></c>')
                    else:
                        text = escape(_XML_UNSAFE.sub("", str(value)))
                        buf.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
                buf.append("</row>")
                if len(buf) > 20_000:
                    out.write("".join(buf))
                    buf.clear()
            out.write("".join(buf))
            out.write("</sheetData></worksheet>")


def write_template(path: Path) -> None:
    """Save an import template: the header row and one example row (.xlsx or .csv)."""
    rows = template_rows()
    header = rows[0]
    _write_table(Path(path), rows, {i for i, name in enumerate(header) if "日期" in str(name)})


# ------------------------------------------------------------------------------------------------ import


@dataclass(frozen=True)
class ImportReport:
    """What an import (or a dry run) found and did."""

    path: Path
    total_rows: int
    imported: int
    dry_run: bool
    problems: tuple[LedgerProblem, ...]
    warnings: tuple[LedgerProblem, ...]
    ignored_columns: tuple[str, ...] = ()
    new_numbers: int = 0
    seconds: float = 0.0
    application_ids: tuple[int, ...] = field(default=(), repr=False)
    notes: tuple[str, ...] = ()
    repeats: int = 0  # rows refused (or, when allowed, imported) as probable repeats of registered cases
    number_jumps: int = 0  # rows refused for a registration number far beyond the year's counter

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """A Chinese summary for the clerk (every problem and warning listed)."""
        lines: list[str] = []
        if self.problems:
            lines.append(f"发现 {len(self.problems)} 处问题，未导入任何数据。请修改文件后重新导入：")
            lines += [f"  {p}" for p in self.problems]
            if self.repeats:
                lines.append(
                    f"其中 {self.repeats} 行与已登记的申请相同，多半是同一份台账导入了两次；"
                    "如确实是另外的申请，请选择“允许重复”（命令行：--allow-repeats）后再导入。"
                )
            if self.number_jumps:
                lines.append(
                    f"其中 {self.number_jumps} 行的登记编号跳号过多；如编号确实如此，"
                    "请选择“允许编号跳号”（命令行：--allow-number-jump）后再导入。"
                )
        elif self.dry_run:
            lines.append(f"校验通过：共 {self.total_rows} 行，均可导入（仅校验，未写入数据库）。")
        else:
            lines.append(
                f"已导入 {self.imported} 条申请"
                + (f"（其中 {self.new_numbers} 条新编登记编号）" if self.new_numbers else "")
                + f"，用时 {self.seconds:.1f} 秒。"
            )
        lines += list(self.notes)
        if self.warnings:
            lines.append(f"提示 {len(self.warnings)} 条（不影响导入，请核对）：")
            lines += [f"  {w}" for w in self.warnings]
        if self.ignored_columns:
            lines.append("以下列不属于导入范围，已忽略：" + "、".join(self.ignored_columns))
        return "\n".join(lines)


class ImportInterrupted(KeyboardInterrupt):
    """The import was interrupted (Ctrl+C); ``committed`` says truthfully whether its rows were saved
    (True), not saved (False) or could not be found out (None)."""

    def __init__(self, committed: bool | None, rows: int = 0) -> None:
        super().__init__()
        self.committed = committed
        self.rows = rows

    def __str__(self) -> str:
        if self.committed is True:
            return f"已中断，但导入已经完成并保存：{self.rows} 条申请已导入（再次导入同一文件会被认出是重复导入）。"
        if self.committed is False:
            return "已中断，导入未完成：数据库未作改动。"
        return "已中断。无法确认导入是否已保存，请运行“检查”并在登记簿中查看后再决定是否重新导入。"


def _existing_numbers(ctx: ServiceContext) -> Callable[[set[str]], set[str]]:
    def lookup(numbers: set[str]) -> set[str]:
        found: set[str] = set()
        ordered = sorted(numbers)
        with ctx.db.session_scope() as s:
            for i in range(0, len(ordered), 500):
                chunk = ordered[i : i + 500]
                found.update(s.scalars(select(Application.reg_number).where(Application.reg_number.in_(chunk))))
        return found

    return lookup


def _counters(ctx: ServiceContext) -> Callable[[set[int]], dict[int, int]]:
    """Each year's highest registration number in use: its counter, or a higher number already stored."""

    def lookup(years: set[int]) -> dict[int, int]:
        out = dict.fromkeys(years, 0)
        with ctx.db.session_scope() as s:
            for y, last in s.execute(
                select(NumberSequence.year, NumberSequence.last).where(
                    NumberSequence.kind == REGISTRATION_SEQUENCE, NumberSequence.year.in_(sorted(years))
                )
            ):
                out[y] = max(out[y], last or 0)
            for y, top in s.execute(
                select(Application.year, func.max(Application.seq))
                .where(Application.year.in_(sorted(years)))
                .group_by(Application.year)
            ):
                out[y] = max(out[y], top or 0)
        return out

    return lookup


class _DryRun(Exception):
    """Raised inside the write transaction of a dry run so that everything it wrote is rolled back."""


def import_ledger(
    ctx: ServiceContext,
    path: Path | str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    sheet: str | None = None,
    allow_number_jump: bool = False,
    allow_repeats: bool = False,
) -> ImportReport:
    """Import a ledger file, all or nothing (see :mod:`app.domain.ledger` for the rules of each cell).

    Raises :class:`LedgerFileError` when the file cannot be read (strict reading: :func:`read_ledger_file`;
    ``sheet`` chooses one worksheet of a workbook). Invalid rows never raise: they come back as
    ``problems`` of the report and nothing is written. Refused unless allowed: a registration number far
    beyond its year's counter (``allow_number_jump``, see :data:`app.domain.ledger.NUMBER_JUMP_LIMIT`) and
    rows matching a registered application's applicant, receipt date and content (``allow_repeats``).

    The dry run runs the very same write in a transaction that is then rolled back, so it finds every
    problem the real import would meet (numbers, the database's own limits) and writes nothing. An
    interrupt raises :class:`ImportInterrupted` saying whether the rows were committed.
    """
    started = time.perf_counter()
    path = Path(path)
    committed_first: list[int] = []
    try:
        cal = memo_calendar(ctx.calendar())
        if progress:
            progress("read", 0, 0)
        table = read_ledger_file(path, sheet=sheet)
        total = len(table.rows)
        fee_days = ctx.int_setting("fee_payment_days")
        pattern = get_profile(ctx).registration_pattern
        result: LedgerValidation = validate_ledger(
            table.header,
            table.rows,
            cal=cal,
            today=ctx.today(),
            existing_numbers=_existing_numbers(ctx),
            fee_payment_days=fee_days,
            progress=(lambda done: progress("validate", done, total)) if progress else None,
            number_pattern=pattern,
            counters=_counters(ctx),
            allow_number_jump=allow_number_jump,
        )
        table.rows.clear()  # the raw cells are no longer needed: keep memory flat while writing
        jumps = sum(1 for p in result.problems if p.column == "登记编号" and "跳号" in p.message)
        if result.ok:  # report lock (app.services.report): no row may count in a locked (published) year
            result.problems.extend(ledger_lock_problems(ctx, result.rows, fee_days))
        warnings = list(result.warnings)
        flagged = {(p.sheet, p.row) for p in result.problems}
        repeats = _possible_repeats(ctx, [r for r in result.valid_rows if (r.sheet, r.row) not in flagged])
        if repeats:
            if allow_repeats:
                warnings += repeats
            else:
                result.problems.extend(repeats)
                order = {name: i for i, name in enumerate(dict.fromkeys(p.sheet for p in result.problems))}
                result.problems.sort(key=lambda p: (order[p.sheet], p.row))

        def report(imported: int, ids: tuple[int, ...] = (), new_numbers: int | None = None) -> ImportReport:
            return ImportReport(
                path,
                result.total_rows,
                imported,
                dry_run,
                tuple(result.problems),
                tuple(warnings),
                result.ignored_columns,
                sum(1 for r in result.rows if not r.reg_number) if new_numbers is None else new_numbers,
                time.perf_counter() - started,
                ids,
                table.notes,
                len(repeats),
                jumps,
            )

        if not result.ok:
            return report(0)
        try:
            ids, new_numbers = _write(
                ctx,
                path,
                result.rows,
                cal,
                fee_days,
                progress,
                dry_run=dry_run,
                first_id=committed_first,
                evaluated=result.evaluated,
            )
        except _DryRun:
            return report(0)
        return report(len(ids), tuple(ids), new_numbers)
    except ImportInterrupted:
        raise
    except KeyboardInterrupt:
        committed = False if dry_run else _was_committed(ctx, committed_first)
        rows = committed_first[1] - committed_first[0] + 1 if committed and len(committed_first) == 2 else 0
        raise ImportInterrupted(committed, rows) from None


def _was_committed(ctx: ServiceContext, first_id: list[int]) -> bool | None:
    """After an interrupt: did the write transaction commit? Asked of the database itself (the first
    application id the import was giving out), since the interrupt may fall between the commit and the
    line after it."""
    if len(first_id) < 2:
        return False  # the write had not begun
    try:
        with ctx.db.session_scope() as s:
            return s.get(Application, first_id[0]) is not None and s.get(Application, first_id[1]) is not None
    except Exception:
        return None
    except KeyboardInterrupt:
        return None


def _possible_repeats(ctx: ServiceContext, rows: Sequence[LedgerRow]) -> list[LedgerProblem]:
    """Rows matching a registered application (same receipt date, applicant and content): a probable
    second import of the same ledger, which would register every such row again under new numbers."""
    dated = [r for r in rows if r.receipt_date is not None]
    if not dated:
        return []
    days = sorted({r.receipt_date for r in dated if r.receipt_date is not None})
    known: dict[tuple[date, str, str], str] = {}
    with ctx.db.session_scope() as s:
        for i in range(0, len(days), 500):
            stmt = select(
                Application.receipt_date, Application.applicant_name, Application.content, Application.reg_number
            ).where(Application.receipt_date.in_(days[i : i + 500]))
            for day, name, content, number in s.execute(stmt):
                known.setdefault((day, name, content), number)
    out: list[LedgerProblem] = []
    for r in dated:
        match = known.get((r.receipt_date, r.applicant_name, r.content))  # type: ignore[arg-type]
        if match:
            out.append(
                LedgerProblem(
                    r.row, "", f"与已登记的 {match} 收到日期、申请人和申请内容都相同，可能是重复导入", r.sheet
                )
            )
    return out


def _allocate_numbers(
    s: Session, rows: list[LedgerRow], pattern: str
) -> tuple[dict[tuple[str, int], tuple[int, int, str]], int]:
    """(year, seq, reg_number) for each row (keyed by row number), and how many numbers were new.

    A number written in the ledger is kept. If it follows the office's pattern (e.g. 〔2021〕第3号) it is
    filed under the year written IN THE NUMBER (which may differ from the row's receipt year, e.g. a letter
    that arrived on 31 December) and that year's counter moves past it, so the counter at the desk never
    hands the same number out again. Blank numbers get the next free numbers of their arrival year (the
    same per-year sequence as registration at the counter), in order of arrival; a number whose text is
    already in use (in the register or elsewhere in the file) is skipped.
    """
    rx = number_regex(pattern)
    written: dict[
        tuple[str, int], tuple[int, int]
    ] = {}  # row -> (year, seq) read from a number in the office's pattern
    for r in rows:
        m = rx.match(r.reg_number) if (rx and r.reg_number) else None
        if m:
            written[(r.sheet, r.row)] = (int(m.group("y")), int(m.group("n")))
    years = sorted({r.arrived_on.year for r in rows} | {y for y, _ in written.values()})
    numbers = NumberAllocator(s, pattern, years, preload=True)
    for r in rows:
        if r.reg_number:
            numbers.reserve_text(r.reg_number)  # every number written in the file is spoken for
    out: dict[tuple[str, int], tuple[int, int, str]] = {}
    later: list[LedgerRow] = []
    for r in rows:
        if not r.reg_number:
            continue
        if (r.sheet, r.row) in written:
            y, seq = written[(r.sheet, r.row)]
            if numbers.claim(y, seq):  # its text is reserved above
                out[(r.sheet, r.row)] = (y, seq, r.reg_number)
                continue
        later.append(r)
    new = 0
    for r in sorted((r for r in rows if not r.reg_number), key=lambda r: (r.arrived_on, r.row)):
        y = r.arrived_on.year
        seq, number = numbers.next_free(y)
        out[(r.sheet, r.row)] = (y, seq, number)
        new += 1
    for r in later:  # a number in another style: kept as written, given an internal sequence number
        key = (r.sheet, r.row)
        y = written[key][0] if key in written else r.arrived_on.year
        seq, _ = numbers.next_free(y)
        out[key] = (y, seq, r.reg_number)
    numbers.save()
    return out, new


def _registered_data(
    reg_number: str, channel: str, receipt_date: date | None, basis: str, file: str, row: int
) -> dict[str, Any]:
    """``to_data(Registered(reg_number=…, channel=…, receipt_date=…, receipt_basis=…, source="ledger",
    file=…, row=…))``, the same dict in the same order (tests/services/test_ledger_fast_paths.py), without
    building the payload and walking its fields for each of thousands of rows."""
    data: dict[str, Any] = {"source": "ledger"}
    if reg_number:
        data["reg_number"] = reg_number
    if channel:
        data["channel"] = channel
    if receipt_date is not None:
        data["receipt_date"] = receipt_date.isoformat()
    if basis:
        data["receipt_basis"] = basis
    data["filled_by_clerk"] = False  # stored even when False (app.domain.procedure.to_data)
    if file:
        data["file"] = file
    data["row"] = row
    return data


def _write(
    ctx: ServiceContext,
    path: Path,
    rows: list[LedgerRow],
    cal: WorkCalendar,
    fee_days: int,
    progress: Progress | None,
    *,
    dry_run: bool = False,
    first_id: list[int] | None = None,
    evaluated: dict[tuple[str, int], tuple[Any, list[Any]]] | None = None,
) -> tuple[list[int], int]:
    """Write every row in ONE transaction: applicants, applications, hash-chained events, remedy cases.

    ``dry_run``: everything is written, then :class:`_DryRun` rolls it back. ``first_id`` receives the
    first and last application ids given out, so an interrupt can ask the database what was committed."""
    now = ctx.now().replace(microsecond=0)
    clerk = ctx.clerk()
    pattern = get_profile(ctx).registration_pattern
    total = len(rows)
    with ctx.db.session_scope() as s:
        numbers, new_numbers = _allocate_numbers(s, rows, pattern)
        next_applicant = (s.scalar(select(func.max(Applicant.id))) or 0) + 1
        next_app = (s.scalar(select(func.max(Application.id))) or 0) + 1
        if first_id is not None and not dry_run:
            first_id[:] = [next_app, next_app + total - 1]
        chain = EventChain(s)

        # applicants: one per identity document and set of contact details. A person already registered
        # (or met earlier in the file) is reused only when the row's 联系电话/通讯地址/电子邮箱 are empty or
        # the same; different details get a new applicant record, so no application loses the contact
        # details it was made with.
        keys = {(r.id_doc_type.value, r.id_number) for r in rows if r.id_doc_type is not None and r.id_number}
        applicant_ids: dict[tuple[str, str], list[tuple[int, tuple[str, str, str]]]] = {}
        id_list = sorted({k[1] for k in keys})
        for i in range(0, len(id_list), 500):
            for a_id, doc, num, phone, address, email in s.execute(
                select(
                    Applicant.id,
                    Applicant.id_doc_type,
                    Applicant.id_number,
                    Applicant.phone,
                    Applicant.address,
                    Applicant.email,
                )
                .where(Applicant.id_number.in_(id_list[i : i + 500]))
                .order_by(Applicant.id)
            ):
                applicant_ids.setdefault((doc, num), []).append((a_id, (phone or "", address or "", email or "")))
        applicant_rows: list[dict[str, Any]] = []
        app_rows: list[dict[str, Any]] = []
        remedy_rows: list[dict[str, Any]] = []
        ids: list[int] = []
        stored_data: dict[Any, dict[str, Any]] = {}

        def event_data(payload: Any) -> dict[str, Any]:
            """``to_data(payload)``, once per distinct payload (payloads are immutable and a ledger repeats the
            same few outcomes thousands of times; the stored dicts are only read)."""
            try:
                found = stored_data.get(payload)
            except TypeError:  # a payload holding a mutable value: no sharing
                return to_data(payload)
            if found is None:
                found = stored_data[payload] = to_data(payload)
            return found

        def write_chunk() -> None:
            """Insert what is staged (a chunk of rows at a time keeps memory flat with the file's length)."""
            insert_rows(s, Applicant.__table__, applicant_rows)
            insert_rows(s, Application.__table__, app_rows, per_statement=100)  # its search trigger: see there
            chain.flush(4 * _CHUNK)
            insert_rows(s, RemedyCase.__table__, remedy_rows)
            applicant_rows.clear()
            app_rows.clear()
            remedy_rows.clear()
            if progress:
                progress("write", len(ids), total)

        for r in rows:
            if len(app_rows) >= _CHUNK:
                write_chunk()
            key = (r.id_doc_type.value, r.id_number) if r.id_doc_type is not None and r.id_number else None
            contact = (r.phone, r.address, r.email)
            applicant_id = (
                next(
                    (
                        a_id
                        for a_id, known in applicant_ids.get(key, [])
                        if all(not mine or mine == theirs for mine, theirs in zip(contact, known, strict=True))
                    ),
                    None,
                )
                if key
                else None
            )
            if applicant_id is None:
                applicant_id = next_applicant
                next_applicant += 1
                if key:
                    applicant_ids.setdefault(key, []).append((applicant_id, contact))
                applicant_rows.append(
                    {
                        "id": applicant_id,
                        "kind": r.applicant_kind.value,
                        "name": r.applicant_name,
                        "id_doc_type": r.id_doc_type.value if r.id_doc_type else None,
                        "id_number": r.id_number or None,
                        "legal_representative": None,
                        "contact_person": None,
                        "phone": r.phone or None,
                        "address": r.address or None,
                        "postcode": None,
                        "email": r.email or None,
                        "created_at": now,
                    }
                )
            app_id = next_app
            next_app += 1
            ids.append(app_id)
            year, seq, reg_number = numbers[(r.sheet, r.row)]
            basis = (
                f"由台账导入：以台账记载的收到日期 {cn_date(r.receipt_date)} 为收到申请之日（第三十一条）"
                if r.receipt_date is not None
                else "由台账导入：台账未记载收到日期，待确认收到（第三十一条），期限未起算"
            )
            registered = (
                EventKind.REGISTERED,
                r.arrived_on,
                _registered_data(reg_number, r.channel.value, r.receipt_date, basis, path.name, r.row),
                "由台账导入",
            )
            known = evaluated.get((r.sheet, r.row)) if evaluated else None
            row_evs = known[1] if known is not None else row_events(r)
            events = [registered] + [(e.kind, e.day, event_data(e.payload), e.note) for e in row_evs]
            for kind, day, data, note in events:
                chain.stage(app_id, kind.value, day, actor=clerk, recorded_at=now, data=data, note=note)
            if known is not None:  # computed by validation from the same events (registration aside)
                status, reply_due, closed_on, outcome = known[0]
            else:
                timeline = [Recorded.of(kind, day, data, note) for kind, day, data, note in events]
                proj, dl, status = evaluate(r.receipt_date, timeline, cal, fee_days)
                reply_due, closed_on, outcome = dl.reply_due, proj.closed_on, proj.outcome
            app_rows.append(
                {
                    "id": app_id,
                    "year": year,
                    "seq": seq,
                    "reg_number": reg_number,
                    "channel": r.channel.value,
                    "post_kind": None,
                    "arrived_at": datetime.combine(r.arrived_on, datetime.min.time()),
                    "receipt_date": r.receipt_date,
                    "receipt_basis": basis,
                    "confirmed_at": None,
                    "confirmed_with": None,
                    "applicant_id": applicant_id,
                    "applicant_kind": r.applicant_kind.value,
                    "applicant_name": r.applicant_name,
                    "applicant_id_number": r.id_number or None,
                    # the contact details as this row gives them (as registration at the desk keeps them)
                    "applicant_snapshot": {
                        "legal_representative": "",
                        "contact_person": "",
                        "phone": r.phone,
                        "address": r.address,
                        "postcode": "",
                        "email": r.email,
                    },
                    "agent_name": None,
                    "agent_id_doc_type": None,
                    "agent_id_number": None,
                    "agent_authorisation": None,
                    "content": r.content,
                    "document_titles": None,
                    "purpose": None,
                    "requested_form": None,
                    "delivery": None,
                    "fee_waiver_requested": False,
                    "filled_by_clerk": False,
                    "notes": None,
                    "status": status.value,
                    "reply_due": reply_due,
                    "closed_on": closed_on,
                    "outcome": outcome.value if outcome else None,
                    "registered_by": clerk,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for kind_code, filed_on, result in r.remedies():
                remedy_rows.append(
                    {
                        "application_id": app_id,
                        "kind": kind_code,
                        "filed_on": filed_on,
                        "result": result,
                        "decided_on": None,
                        "note": "由台账导入",
                    }
                )
        write_chunk()
        s.flush()
        advance_id_sequences(s, (Applicant.__table__, Application.__table__))  # ids were given here, not by a server
        if dry_run:
            raise _DryRun
        if progress:
            progress("commit", total, total)
    return ids, new_numbers


# ------------------------------------------------------------------------------------------------ export


def _year_of_case():
    """The year a case belongs to in an export: its receipt year, else (待确认) its arrival year."""
    return year_text_of(func.coalesce(Application.receipt_date, Application.arrived_at))


def export_years(ctx: ServiceContext) -> list[int]:
    """The years present in the register (receipt year, else arrival year), newest first (export dialog)."""
    with ctx.db.session_scope() as s:
        years = s.scalars(select(func.distinct(_year_of_case()))).all()
    return sorted((int(y) for y in years if y), reverse=True)


def _remedy_cells(cases: list[tuple[str, date, str | None]]) -> list[object]:
    recon = next((c for c in cases if c[0] == RECONSIDERATION), None)
    lit = next((c for c in cases if c[0] in LITIGATION_KIND_LABELS), None)
    return [
        recon[1] if recon else None,
        REMEDY_RESULT_LABELS.get(recon[2] or "", "") if recon else "",
        lit[1] if lit else None,
        LITIGATION_KIND_LABELS[lit[0]] if lit else "",
        REMEDY_RESULT_LABELS.get(lit[2] or "", "") if lit else "",
    ]


def _first(events: list[tuple[str, date, dict[str, Any]]], *kinds: EventKind) -> date | None:
    codes = {k.value for k in kinds}
    return next((d for k, d, _ in events if k in codes), None)


_REPEATABLE: tuple[tuple[str, frozenset[str]], ...] = (
    ("补正", frozenset({EventKind.CORRECTION_REQUESTED.value})),
    (
        "征求意见",
        frozenset({EventKind.THIRD_PARTY_CONSULTATION_STARTED.value, EventKind.AGENCY_CONSULTATION_STARTED.value}),
    ),
    ("收费", frozenset({EventKind.FEE_NOTICE_SENT.value})),
)


def _unrepresented(events: list[tuple[str, date, dict[str, Any]]]) -> list[str]:
    """What of a timeline the ledger's one-per-kind columns cannot hold (e.g. ["收费 2 次"])."""
    out: list[str] = []
    for label, codes in _REPEATABLE:
        n = sum(1 for k, _, _ in events if k in codes)
        if n > 1:
            out.append(f"{label} {n} 次")
    return out


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: the number of applications and the cases the columns cannot fully hold."""

    path: Path
    rows: int
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        lines = [f"已导出申请 {self.rows} 条到：{self.path}"]
        if self.warnings:
            lines.append(f"提示 {len(self.warnings)} 条（请核对）：")
            lines += [f"  {w}" for w in self.warnings]
        return "\n".join(lines)


def export_rows(
    ctx: ServiceContext,
    *,
    year: int | None = None,
    progress: Progress | None = None,
    warnings: list[str] | None = None,
) -> list[list[object]]:
    """The register as ledger rows, header first (see :func:`iter_export_rows`)."""
    return list(iter_export_rows(ctx, year=year, progress=progress, warnings=warnings))


def iter_export_rows(
    ctx: ServiceContext,
    *,
    year: int | None = None,
    progress: Progress | None = None,
    warnings: list[str] | None = None,
) -> Iterator[list[object]]:
    """The register as ledger rows, header first, one at a time (memory stays flat with the register's size):
    the import columns plus 答复期限, 补正告知期限, 状态, 是否超期.

    Deadlines are recomputed from each timeline on the current calendar (第三十三条; 第三十条 for the
    correction notice). 答复期限 is empty while no date can be given (计时暂停, 待补正, 待确认);
    补正告知期限 is empty when there is no receipt date. 是否超期: replied after the due date, or still
    open after it.

    到达日期 is written when it differs from 收到日期; a 待确认 case has 收到日期 empty and its arrival day
    in 到达日期. The ledger has one column pair for
    each of 补正, 征求意见 and 收费: a case with more than one of a kind is written with its first one only,
    its 答复期限 still the true date, and a warning naming it is appended to ``warnings``. ``year`` selects by
    receipt year, or arrival year for 待确认 cases.
    """
    cal = memo_calendar(ctx.calendar())
    today = ctx.today()
    fee_days = ctx.int_setting("fee_payment_days")
    yield list(EXPORT_COLUMNS)
    stmt = (
        select(
            Application.id,
            Application.reg_number,
            Application.receipt_date,
            Application.channel,
            Application.applicant_kind,
            Application.applicant_name,
            Application.applicant_id_number,
            Application.applicant_snapshot,
            Application.content,
            Application.arrived_at,
            Applicant.id_doc_type,
            Applicant.phone,
            Applicant.address,
            Applicant.email,
        )
        .join(Applicant, Applicant.id == Application.applicant_id)
        .order_by(Application.receipt_date, Application.year, Application.seq, Application.id)
    )
    if year is not None:
        stmt = stmt.where(_year_of_case() == f"{year:04d}")
    voided_stmt = select(Application.reg_number).where(Application.status == Status.VOIDED.value)
    if year is not None:
        voided_stmt = voided_stmt.where(_year_of_case() == f"{year:04d}")
    stmt = stmt.where(Application.status != Status.VOIDED.value)  # a voided registration would import as a case
    with ctx.db.session_scope() as s:
        voided = s.scalars(voided_stmt.order_by(Application.id)).all() if warnings is not None else []
        if voided and warnings is not None:
            shown = "、".join(voided[:20]) + ("等" if len(voided) > 20 else "")
            warnings.append(f"已作废的登记 {len(voided)} 件不导出（{shown}）：作废的登记不计入台账和统计")
        records = s.execute(stmt).all()
        total = len(records)
        for start in range(0, total, 1000):
            chunk = records[start : start + 1000]
            chunk_ids = [rec.id for rec in chunk]
            events: dict[int, list[tuple[str, date, dict[str, Any]]]] = {i: [] for i in chunk_ids}
            for app_id, kind, day, data in s.execute(
                select(Event.application_id, Event.kind, Event.event_date, Event.data)
                .where(Event.application_id.in_(chunk_ids))
                .order_by(Event.application_id, Event.event_date, Event.id)
            ):
                events[app_id].append((kind, day, data or {}))
            remedies: dict[int, list[tuple[str, date, str | None]]] = {i: [] for i in chunk_ids}
            for app_id, kind, filed_on, result in s.execute(
                select(RemedyCase.application_id, RemedyCase.kind, RemedyCase.filed_on, RemedyCase.result)
                .where(RemedyCase.application_id.in_(chunk_ids))
                .order_by(RemedyCase.application_id, RemedyCase.filed_on, RemedyCase.id)
            ):
                remedies[app_id].append((kind, filed_on, result))
            for app in chunk:
                doc_type, phone, address, email = app.id_doc_type, app.phone, app.address, app.email
                given = app.applicant_snapshot or {}  # the details given with this application, if recorded
                phone = given.get("phone", phone)
                address = given.get("address", address)
                email = given.get("email", email)
                evs = events[app.id]
                timeline = [Recorded.of(EventKind(k), d, data) for k, d, data in evs]
                proj, dl, status = evaluate(app.receipt_date, timeline, cal, fee_days)
                consult_kind = next(
                    (
                        EventKind(k)
                        for k, _, _ in evs
                        if k in (EventKind.THIRD_PARTY_CONSULTATION_STARTED, EventKind.AGENCY_CONSULTATION_STARTED)
                    ),
                    None,
                )
                consult_end_kind = (
                    EventKind.THIRD_PARTY_CONSULTATION_ENDED
                    if consult_kind == EventKind.THIRD_PARTY_CONSULTATION_STARTED
                    else EventKind.AGENCY_CONSULTATION_ENDED
                )
                extension = sum(e.payload.days for e in timeline if isinstance(e.payload, Extension))
                reply_due = dl.reply_due
                if proj.closed_on is not None:
                    overdue = reply_due is not None and proj.closed_on > reply_due
                else:
                    overdue = reply_due is not None and today > reply_due
                outcome: Outcome | None = proj.outcome
                arrival = app.arrived_at.date() if app.arrived_at else None
                consult_party = ""
                if consult_kind == EventKind.AGENCY_CONSULTATION_STARTED:
                    consult_party = CONSULT_AGENCY
                elif consult_kind is not None:
                    consult_party = CONSULT_THIRD_PARTY
                lost = _unrepresented(evs)
                if lost and warnings is not None:
                    warnings.append(
                        f"{app.reg_number}：{'、'.join(lost)}，台账各列只能写第一次；重新导入后答复期限会不同"
                        f"（本表“答复期限”列为系统中的实际期限{' ' + reply_due.isoformat() if reply_due else ''}）"
                    )
                yield (
                    [
                        app.reg_number,
                        app.receipt_date,
                        _channel_label(app.channel),
                        _kind_label(app.applicant_kind),
                        app.applicant_name,
                        IdDocType(doc_type).label if doc_type else "",
                        app.applicant_id_number or "",
                        phone or "",
                        address or "",
                        email or "",
                        app.content,
                        _first(evs, EventKind.CORRECTION_REQUESTED),
                        _first(evs, EventKind.CORRECTION_RECEIVED),
                        _first(evs, consult_kind) if consult_kind else None,
                        _first(evs, consult_end_kind) if consult_kind else None,
                        extension or "",
                        _first(evs, EventKind.FEE_NOTICE_SENT),
                        _first(evs, EventKind.FEE_PAID),
                        proj.closed_on,
                        outcome.label if outcome else "",
                        *_remedy_cells(remedies[app.id]),
                        arrival if arrival != app.receipt_date else None,
                        consult_party,
                        reply_due,
                        dl.correction_notice_due if app.receipt_date is not None else None,
                        status.label,
                        "是" if overdue else "否",
                    ]
                )
            if progress:
                progress("export", min(start + 1000, total), total)


def _channel_label(code: str) -> str:
    return Channel(code).label


def _kind_label(code: str) -> str:
    return ApplicantKind(code).label


_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean_for_export(rows: Iterable[list[object]], *, xlsx: bool, warnings: list[str]) -> Iterator[list[object]]:
    """The rows without control characters, refusing a value too long for an .xlsx cell (never cut)."""
    it = iter(rows)
    header = next(it, None)
    if header is None:
        return
    yield header
    for row in it:
        cleaned: list[str] = []
        for i, value in enumerate(row):
            if not isinstance(value, str):
                continue
            if xlsx and len(value) > XLSX_CELL_LIMIT:
                raise LedgerFileError(
                    f"{row[0]} 的“{header[i]}”有 {len(value)} 个字，超过 Excel 单元格能容纳的 {XLSX_CELL_LIMIT} 个字，"
                    "导出为 .xlsx 会被截断，未导出。请导出为 .csv（完整保留），或先修改该申请的内容。"
                )
            if _NEEDS_CLEANING.search(value):
                row[i], _ = for_export(value)
                cleaned.append(str(header[i]))
        if cleaned:
            warnings.append(f"{row[0]}：“{'”“'.join(cleaned)}”中含有不可见的控制字符，导出时已删除")
        yield row


def export_ledger(
    ctx: ServiceContext, path: Path | str, *, year: int | None = None, progress: Progress | None = None
) -> ExportReport:
    """Write the register to .xlsx or .csv (UTF-8 with BOM so Excel opens it).

    The file can be imported again: the import ignores the computed columns. The report lists the cases
    whose timeline the columns cannot fully hold (see :func:`export_rows`). Text is never cut: a value
    longer than an .xlsx cell holds (stored before the length limits of app.domain.text) refuses the .xlsx
    export naming the application (a .csv holds it in full); control characters stored before the rule for
    free text are left out of both formats and each such application is named in the warnings.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise LedgerFileError(f"不支持的文件类型“{path.suffix}”，请保存为 .xlsx 或 .csv")
    warnings: list[str] = []
    written = [0]

    def counted(rows: Iterable[list[object]]) -> Iterator[list[object]]:
        for row in rows:
            written[0] += 1
            yield row

    rows = iter_export_rows(ctx, year=year, progress=progress, warnings=warnings)
    cleaned = _clean_for_export(rows, xlsx=path.suffix.lower() == ".xlsx", warnings=warnings)
    date_columns = {i for i, name in enumerate(EXPORT_COLUMNS) if "日期" in name or "期限" in name}
    _write_table(path, counted(cleaned), date_columns)
    return ExportReport(path, max(written[0] - 1, 0), tuple(warnings))

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
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.domain.codes import ApplicantKind, Channel, EventKind, IdDocType, Outcome, Status
from app.domain.dates import cn_date
from app.domain.ledger import (
    CONSULT_AGENCY,
    CONSULT_THIRD_PARTY,
    EXPORT_COLUMNS,
    LITIGATION_KIND_LABELS,
    RECONSIDERATION,
    REMEDY_RESULT_LABELS,
    LedgerProblem,
    LedgerRow,
    LedgerValidation,
    memo_calendar,
    row_events,
    template_rows,
    validate_ledger,
)
from app.domain.procedure import Extension, Recorded, Registered, to_data
from app.domain.workcalendar import WorkCalendar
from app.services.applications import evaluate
from app.services.context import ServiceContext
from app.services.errors import ServiceError
from app.services.profile import get_profile
from app.services.report import ledger_lock_problems  # report lock
from app.store.events import EventChain
from app.store.models import Applicant, Application, Event, RemedyCase
from app.store.numbers import NumberAllocator

__all__ = [
    "ExportReport",
    "ImportReport",
    "LedgerFileError",
    "export_ledger",
    "export_years",
    "import_ledger",
    "read_table",
    "write_template",
]

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is "read", "validate", "write", "commit" or "export"; total 0 = unknown."""

_CHUNK = 2000


class LedgerFileError(ServiceError):
    """The file cannot be read or written (Chinese message)."""


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


def _csv_cell(value: object) -> object:
    """A value as a CSV cell. Text that Excel would run as a formula (starting with = + - @) gets a leading
    single quote, which Excel shows as plain text; :func:`_csv_uncell` removes it again on import. Only text
    is quoted: numbers (延期工作日) are written as numbers and are never negative."""
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


def read_table(path: Path) -> tuple[list[object], list[tuple[int, list[object]]]]:
    """The header (first non-empty row) and the data rows as (row number as Excel shows it, cells)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            text = _decode_csv(path.read_bytes())
            records: Iterator[tuple[int, list[object]]] = (
                (i, [_csv_uncell(c) for c in rec])
                for i, rec in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
            )
            all_rows = list(records)
        elif suffix in (".xlsx", ".xlsm"):
            all_rows = _read_xlsx(path)
        elif suffix == ".xls":
            raise LedgerFileError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx（Excel 工作簿）后再导入")
        else:
            raise LedgerFileError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx 或 .csv 文件")
    except FileNotFoundError as exc:
        raise LedgerFileError(f"找不到文件：{path}") from exc
    except PermissionError as exc:
        raise LedgerFileError(f"没有权限读取文件（可能正在 Excel 中打开）：{path}") from exc
    except csv.Error as exc:
        raise LedgerFileError(f"CSV 文件格式有误：{exc}") from exc
    for index, (_row_no, cells) in enumerate(all_rows):
        if any(c is not None and str(c).strip() for c in cells):
            return cells, all_rows[index + 1 :]
    raise LedgerFileError("文件是空的：没有表头行")


def _read_xlsx(path: Path) -> list[tuple[int, list[object]]]:
    from openpyxl import load_workbook  # imported here: the CLI's --help should not pay for it

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors)
        raise LedgerFileError(f"无法读取 Excel 文件（文件可能已损坏或不是 .xlsx 格式）：{path}\n（{exc}）") from exc
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some programs write a wrong <dimension>; read every cell
        return [(i, list(row)) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()


def _write_table(path: Path, rows: Sequence[Sequence[object]], date_columns: set[int]) -> None:
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


def _write_xlsx(path: Path, rows: Sequence[Sequence[object]], date_columns: set[int]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    header = rows[0] if rows else []
    for i, name in enumerate(header, start=1):
        width = 12 if (i - 1) in date_columns else 30 if name in ("申请内容", "通讯地址") else 16
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    for r, row in enumerate(rows):
        out: list[object] = []
        for c, value in enumerate(row):
            if r == 0:
                cell = WriteOnlyCell(ws, value=value)
                cell.font = bold
                out.append(cell)
            elif isinstance(value, date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            elif isinstance(value, str) and c not in date_columns:
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # keep ID and phone numbers as text
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
    wb.save(path)


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

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """A Chinese summary for the clerk (every problem and warning listed)."""
        lines: list[str] = []
        if self.problems:
            lines.append(f"发现 {len(self.problems)} 处问题，未导入任何数据。请修改文件后重新导入：")
            lines += [f"  {p}" for p in self.problems]
        elif self.dry_run:
            lines.append(f"校验通过：共 {self.total_rows} 行，均可导入（仅校验，未写入数据库）。")
        else:
            lines.append(
                f"已导入 {self.imported} 条申请"
                + (f"（其中 {self.new_numbers} 条新编登记编号）" if self.new_numbers else "")
                + f"，用时 {self.seconds:.1f} 秒。"
            )
        if self.warnings:
            lines.append(f"提示 {len(self.warnings)} 条（不影响导入，请核对）：")
            lines += [f"  {w}" for w in self.warnings]
        if self.ignored_columns:
            lines.append("以下列不属于导入范围，已忽略：" + "、".join(self.ignored_columns))
        return "\n".join(lines)


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


def import_ledger(
    ctx: ServiceContext, path: Path | str, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import a ledger file, all or nothing (see :mod:`app.domain.ledger` for the rules of each cell).

    Raises :class:`LedgerFileError` when the file cannot be read. Invalid rows never raise: they come back
    as ``problems`` of the report and nothing is written.
    """
    started = time.perf_counter()
    path = Path(path)
    cal = memo_calendar(ctx.calendar())
    if progress:
        progress("read", 0, 0)
    header, rows = read_table(path)
    total = len(rows)
    fee_days = ctx.int_setting("fee_payment_days")
    result: LedgerValidation = validate_ledger(
        header,
        rows,
        cal=cal,
        today=ctx.today(),
        existing_numbers=_existing_numbers(ctx),
        fee_payment_days=fee_days,
        progress=(lambda done: progress("validate", done, total)) if progress else None,
    )
    if result.ok:  # report lock (app.services.report): no row may count in a locked (published) year
        result.problems.extend(ledger_lock_problems(ctx, result.rows, fee_days))
    warnings = list(result.warnings) + (_possible_repeats(ctx, result.rows) if result.ok else [])
    if not result.ok or dry_run:
        return ImportReport(
            path,
            result.total_rows,
            0,
            dry_run,
            tuple(result.problems),
            tuple(warnings),
            result.ignored_columns,
            sum(1 for r in result.rows if not r.reg_number),
            time.perf_counter() - started,
        )
    ids, new_numbers = _write(ctx, path, result.rows, cal, fee_days, progress)
    return ImportReport(
        path,
        result.total_rows,
        len(ids),
        False,
        (),
        tuple(warnings),
        result.ignored_columns,
        new_numbers,
        time.perf_counter() - started,
        tuple(ids),
    )


def _possible_repeats(ctx: ServiceContext, rows: Sequence[LedgerRow]) -> list[LedgerProblem]:
    """Rows without a number that match a registered application (same receipt date, applicant, content).

    Importing the same ledger twice would otherwise register every such row again under new numbers.
    """
    unnumbered = [r for r in rows if not r.reg_number and r.receipt_date is not None]
    if not unnumbered:
        return []
    days = sorted({r.receipt_date for r in unnumbered if r.receipt_date is not None})
    known: dict[tuple[date, str, str], str] = {}
    with ctx.db.session_scope() as s:
        for i in range(0, len(days), 500):
            stmt = select(
                Application.receipt_date, Application.applicant_name, Application.content, Application.reg_number
            ).where(Application.receipt_date.in_(days[i : i + 500]))
            for day, name, content, number in s.execute(stmt):
                known.setdefault((day, name, content), number)
    out: list[LedgerProblem] = []
    for r in unnumbered:
        match = known.get((r.receipt_date, r.applicant_name, r.content))  # type: ignore[arg-type]
        if match:
            out.append(LedgerProblem(r.row, "", f"与已登记的 {match} 收到日期、申请人和申请内容都相同，可能是重复导入"))
    return out


def _pattern_regex(pattern: str) -> re.Pattern[str] | None:
    """A regex reading (year, seq) back out of a number made with the registration pattern."""
    parts = re.split(r"(\{(?:年|号)(?::[^}]*)?\})", pattern)
    out: list[str] = []
    named: set[str] = set()
    for part in parts:
        if part.startswith("{年"):
            out.append(r"(?P<y>\d{4})" if "y" not in named else r"\d{4}")
            named.add("y")
        elif part.startswith("{号"):
            out.append(r"(?P<n>\d+)" if "n" not in named else r"\d+")
            named.add("n")
        else:
            out.append(re.escape(part))
    if named != {"y", "n"}:
        return None
    return re.compile("^" + "".join(out) + "$")


def _allocate_numbers(s: Session, rows: list[LedgerRow], pattern: str) -> tuple[dict[int, tuple[int, int, str]], int]:
    """(year, seq, reg_number) for each row (keyed by row number), and how many numbers were new.

    A number written in the ledger is kept. If it follows the office's pattern (e.g. 〔2021〕第3号) it is
    filed under the year written IN THE NUMBER (which may differ from the row's receipt year, e.g. a letter
    that arrived on 31 December) and that year's counter moves past it, so the counter at the desk never
    hands the same number out again. Blank numbers get the next free numbers of their arrival year (the
    same per-year sequence as registration at the counter), in order of arrival; a number whose text is
    already in use (in the register or elsewhere in the file) is skipped.
    """
    rx = _pattern_regex(pattern)
    written: dict[int, tuple[int, int]] = {}  # row -> (year, seq) read from a number in the office's pattern
    for r in rows:
        m = rx.match(r.reg_number) if (rx and r.reg_number) else None
        if m:
            written[r.row] = (int(m.group("y")), int(m.group("n")))
    years = sorted({r.arrived_on.year for r in rows} | {y for y, _ in written.values()})
    numbers = NumberAllocator(s, pattern, years, preload=True)
    for r in rows:
        if r.reg_number:
            numbers.reserve_text(r.reg_number)  # every number written in the file is spoken for
    out: dict[int, tuple[int, int, str]] = {}
    later: list[LedgerRow] = []
    for r in rows:
        if not r.reg_number:
            continue
        if r.row in written:
            y, seq = written[r.row]
            if numbers.claim(y, seq):  # its text is reserved above
                out[r.row] = (y, seq, r.reg_number)
                continue
        later.append(r)
    new = 0
    for r in sorted((r for r in rows if not r.reg_number), key=lambda r: (r.arrived_on, r.row)):
        y = r.arrived_on.year
        seq, number = numbers.next_free(y)
        out[r.row] = (y, seq, number)
        new += 1
    for r in later:  # a number in another style: kept as written, given an internal sequence number
        y = written[r.row][0] if r.row in written else r.arrived_on.year
        seq, _ = numbers.next_free(y)
        out[r.row] = (y, seq, r.reg_number)
    numbers.save()
    return out, new


def _write(
    ctx: ServiceContext,
    path: Path,
    rows: list[LedgerRow],
    cal: WorkCalendar,
    fee_days: int,
    progress: Progress | None,
) -> tuple[list[int], int]:
    """Write every row in ONE transaction: applicants, applications, hash-chained events, remedy cases."""
    now = ctx.now().replace(microsecond=0)
    clerk = ctx.clerk()
    pattern = get_profile(ctx).registration_pattern
    total = len(rows)
    with ctx.db.session_scope() as s:
        numbers, new_numbers = _allocate_numbers(s, rows, pattern)
        next_applicant = (s.scalar(select(func.max(Applicant.id))) or 0) + 1
        next_app = (s.scalar(select(func.max(Application.id))) or 0) + 1
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
        for r in rows:
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
            year, seq, reg_number = numbers[r.row]
            basis = (
                f"由台账导入：以台账记载的收到日期 {cn_date(r.receipt_date)} 为收到申请之日（第三十一条）"
                if r.receipt_date is not None
                else "由台账导入：台账未记载收到日期，待确认收到（第三十一条），期限未起算"
            )
            registered = (
                EventKind.REGISTERED,
                r.arrived_on,
                to_data(
                    Registered(
                        reg_number=reg_number,
                        channel=r.channel.value,
                        receipt_date=r.receipt_date,
                        receipt_basis=basis,
                        source="ledger",
                        file=path.name,
                        row=r.row,
                    )
                ),
                "由台账导入",
            )
            events = [registered] + [(e.kind, e.day, to_data(e.payload), e.note) for e in row_events(r)]
            timeline: list[Recorded] = []
            for kind, day, data, note in events:
                chain.stage(app_id, kind.value, day, actor=clerk, recorded_at=now, data=data, note=note)
                timeline.append(Recorded.of(kind, day, data, note))
            proj, dl, status = evaluate(r.receipt_date, timeline, cal, fee_days)
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
                    "reply_due": dl.reply_due,
                    "closed_on": proj.closed_on,
                    "outcome": proj.outcome.value if proj.outcome else None,
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
        if applicant_rows:
            s.execute(insert(Applicant.__table__), applicant_rows)
        for i in range(0, total, _CHUNK):
            s.execute(insert(Application.__table__), app_rows[i : i + _CHUNK])
            if progress:
                progress("write", min(i + _CHUNK, total), total)
        chain.flush(4 * _CHUNK)
        if remedy_rows:
            s.execute(insert(RemedyCase.__table__), remedy_rows)
        if progress:
            progress("commit", total, total)
    return ids, new_numbers


# ------------------------------------------------------------------------------------------------ export


def _year_of_case():
    """The year a case belongs to in an export: its receipt year, else (待确认) its arrival year."""
    return func.strftime("%Y", func.coalesce(Application.receipt_date, Application.arrived_at))


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
    """The register as ledger rows (header first): the import columns plus 答复期限, 补正告知期限, 状态, 是否超期.

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
    out: list[list[object]] = [list(EXPORT_COLUMNS)]
    stmt = (
        select(Application, Applicant.id_doc_type, Applicant.phone, Applicant.address, Applicant.email)
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
            chunk_ids = [rec[0].id for rec in chunk]
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
            for app, doc_type, phone, address, email in chunk:
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
                out.append(
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
    return out


def _channel_label(code: str) -> str:
    return Channel(code).label


def _kind_label(code: str) -> str:
    return ApplicantKind(code).label


def export_ledger(
    ctx: ServiceContext, path: Path | str, *, year: int | None = None, progress: Progress | None = None
) -> ExportReport:
    """Write the register to .xlsx or .csv (UTF-8 with BOM so Excel opens it).

    The file can be imported again: the import ignores the computed columns. The report lists the cases
    whose timeline the columns cannot fully hold (see :func:`export_rows`).
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise LedgerFileError(f"不支持的文件类型“{path.suffix}”，请保存为 .xlsx 或 .csv")
    warnings: list[str] = []
    rows = export_rows(ctx, year=year, progress=progress, warnings=warnings)
    date_columns = {i for i, name in enumerate(EXPORT_COLUMNS) if "日期" in name or "期限" in name}
    _write_table(path, rows, date_columns)
    return ExportReport(path, len(rows) - 1, tuple(warnings))

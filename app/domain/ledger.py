"""The office's ledger (台账) as a spreadsheet: the columns, how each cell is read, and what makes a row wrong.

Offices that adopt the program bring years of applications kept in Excel; the annual report's 上年结转
depends on them (docs/rules.md §6). A ledger row becomes one application with its timeline:

- 收到日期 is the legal date of receipt (第三十一条) recorded in the ledger; it may be left empty only when
  到达日期 (the day the application arrived) is given: the application is then 待确认 (an ordinary letter
  whose receipt could not be confirmed, docs/rules.md §3) and no clock runs, so no other date may be filled in;
- 到达日期 (optional) is the arrival day; without it the arrival is taken as the 收到日期;
- 补正通知日期 / 补正收到日期 become the correction events (第三十条);
- 征求意见开始 / 征求意见结束 a consultation pause (第三十三条第三款); 征求意见对象 (optional) says whom:
  第三方 (the default, 第三十二条) or 其他机关 (第三十四条);
- 收费通知日期 / 缴费日期 a fee pause (国办函〔2020〕109号);
- 延期工作日 an extension of 0–20 working days (第三十三条第二款);
- 答复日期 + 办理结果 the decision (one row of annual-report table 三);
- 行政复议 / 行政诉讼 columns the remedy cases of table 四.

Import is all or nothing: :func:`validate_ledger` checks every row and returns every problem with its row
number as Excel shows it (the header is row 1) and the column name. Suspicious but legal rows (identity
number failing its check, correction notice later than 7 working days, reply later than its due date) are
listed as warnings. Pure Python: no Qt, no database.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from app.domain.codes import ApplicantKind, Channel, EventKind, IdDocType, Outcome
from app.domain.deadlines import ClockInput, Deadlines, compute_deadlines
from app.domain.identity import check_identity, mask_number, normalise_number
from app.domain.procedure import LitigationType, Payload, Recorded, RemedyKind, payload_of
from app.domain.text import TextError, clean_field
from app.domain.timeline import MAX_EXTENSION_DAYS, TimelineError, derive_status, project
from app.domain.workcalendar import LATE_DECEMBER_DAY, DayKind, WorkCalendar, YearSchedule

__all__ = [
    "COMPUTED_COLUMNS",
    "CONSULT_AGENCY",
    "CONSULT_THIRD_PARTY",
    "EXPORT_COLUMNS",
    "IMPORT_COLUMNS",
    "LITIGATION_KIND_LABELS",
    "NUMBER_JUMP_LIMIT",
    "REMEDY_RESULT_LABELS",
    "REQUIRED_COLUMNS",
    "LedgerEvent",
    "LedgerProblem",
    "LedgerRow",
    "LedgerValidation",
    "memo_calendar",
    "number_regex",
    "parse_date",
    "redact",
    "row_events",
    "template_rows",
    "validate_ledger",
]

# ------------------------------------------------------------------------------------------------ columns

C_NUMBER = "登记编号"
C_RECEIPT = "收到日期"
C_ARRIVAL = "到达日期"
C_CHANNEL = "申请方式"
C_KIND = "申请人类型"
C_NAME = "申请人"
C_DOC_TYPE = "证件类型"
C_DOC_NUMBER = "证件号码"
C_PHONE = "联系电话"
C_ADDRESS = "通讯地址"
C_EMAIL = "电子邮箱"
C_CONTENT = "申请内容"
C_CORR_NOTICE = "补正通知日期"
C_CORR_RECEIVED = "补正收到日期"
C_CONSULT_START = "征求意见开始"
C_CONSULT_END = "征求意见结束"
C_CONSULT_PARTY = "征求意见对象"
C_EXTENSION = "延期工作日"
C_FEE_NOTICE = "收费通知日期"
C_FEE_PAID = "缴费日期"
C_REPLY = "答复日期"
C_OUTCOME = "办理结果"
C_RECON_DATE = "行政复议日期"
C_RECON_RESULT = "行政复议结果"
C_LIT_DATE = "行政诉讼日期"
C_LIT_KIND = "行政诉讼类型"
C_LIT_RESULT = "行政诉讼结果"

IMPORT_COLUMNS: tuple[str, ...] = (
    C_NUMBER,
    C_RECEIPT,
    C_CHANNEL,
    C_KIND,
    C_NAME,
    C_DOC_TYPE,
    C_DOC_NUMBER,
    C_PHONE,
    C_ADDRESS,
    C_EMAIL,
    C_CONTENT,
    C_CORR_NOTICE,
    C_CORR_RECEIVED,
    C_CONSULT_START,
    C_CONSULT_END,
    C_EXTENSION,
    C_FEE_NOTICE,
    C_FEE_PAID,
    C_REPLY,
    C_OUTCOME,
    C_RECON_DATE,
    C_RECON_RESULT,
    C_LIT_DATE,
    C_LIT_KIND,
    C_LIT_RESULT,
    C_ARRIVAL,
    C_CONSULT_PARTY,
)
REQUIRED_COLUMNS: tuple[str, ...] = (C_RECEIPT, C_KIND, C_NAME, C_CONTENT)

C_REPLY_DUE = "答复期限"
C_CORR_DUE = "补正告知期限"
C_STATUS = "状态"
C_OVERDUE = "是否超期"
COMPUTED_COLUMNS: tuple[str, ...] = (C_REPLY_DUE, C_CORR_DUE, C_STATUS, C_OVERDUE)
EXPORT_COLUMNS: tuple[str, ...] = IMPORT_COLUMNS + COMPUTED_COLUMNS

DATE_COLUMNS: frozenset[str] = frozenset(
    {
        C_RECEIPT,
        C_ARRIVAL,
        C_CORR_NOTICE,
        C_CORR_RECEIVED,
        C_CONSULT_START,
        C_CONSULT_END,
        C_FEE_NOTICE,
        C_FEE_PAID,
        C_REPLY,
        C_RECON_DATE,
        C_LIT_DATE,
        C_REPLY_DUE,
        C_CORR_DUE,
    }
)

# 行政复议 / 行政诉讼 results as table 四 of the annual report counts them; empty = 尚未审结.
REMEDY_RESULT_LABELS: dict[str, str] = {"upheld": "维持", "corrected": "纠正", "other": "其他"}
_REMEDY_RESULT_ALIASES: dict[str, str | None] = {
    "维持": "upheld",
    "纠正": "corrected",
    "其他": "other",
    "其他结果": "other",
    "尚未审结": None,
    "未审结": None,
    "审理中": None,
    "upheld": "upheld",
    "corrected": "corrected",
    "other": "other",
}
RECONSIDERATION = "reconsideration"
LITIGATION_DIRECT = "litigation_direct"
LITIGATION_AFTER = "litigation_after"
LITIGATION_KIND_LABELS: dict[str, str] = {LITIGATION_DIRECT: "直接起诉", LITIGATION_AFTER: "复议后起诉"}
_LITIGATION_KIND_ALIASES: dict[str, str] = {
    "直接起诉": LITIGATION_DIRECT,
    "未经复议直接起诉": LITIGATION_DIRECT,
    "复议后起诉": LITIGATION_AFTER,
    LITIGATION_DIRECT: LITIGATION_DIRECT,
    LITIGATION_AFTER: LITIGATION_AFTER,
}

CONSULT_THIRD_PARTY = "第三方"
CONSULT_AGENCY = "其他机关"
_CONSULT_PARTY_ALIASES: dict[str, bool] = {
    "第三方": False,
    "第三人": False,
    "其他机关": True,
    "其他行政机关": True,
    "行政机关": True,
    "机关": True,
}

# The 条例 took effect on 2008-05-01 (2007 version); no ledger row can be older.
EARLIEST_DATE = date(2008, 5, 1)
_EXCEL_EPOCH = date(1899, 12, 30)

# ------------------------------------------------------------------------------------------------ speed


class MemoCalendar(WorkCalendar):
    """A working-day calendar that remembers each day's kind: a ledger of 10,000 rows asks about the same
    few thousand days millions of times. Same answers as the calendar it wraps (docs/rules.md §4).

    Counting is done on a running total of working days per day (kept for the span of days asked about,
    grown on demand), so "the n-th working day after" and "working days in (start, end]" cost one lookup."""

    def __init__(self, base: WorkCalendar) -> None:
        super().__init__(base.schedules)
        self._base = base
        self._kinds: dict[date, DayKind] = {}
        self._names: dict[date, str | None] = {}
        self._working: dict[date, bool] = {}
        self._unconfirmed: dict[Any, list[int]] = {}
        self._by_year = type(base).unconfirmed_years_for is WorkCalendar.unconfirmed_years_for
        self._origin = 0  # ordinal of the first day of the running total
        self._cum: list[int] = []  # _cum[i]: working days in [origin, origin + i]

    def is_working_day(self, d: date) -> bool:
        w = self._working.get(d)
        if w is None:
            w = self._working[d] = self.day_kind(d).is_working
        return w

    def _cover(self, first: int, last: int) -> None:
        """Make the running total cover the ordinals ``first``..``last``."""
        if not self._cum:
            self._origin = first - 1
            self._cum = [0]
        if first <= self._origin:  # rebuild from an earlier origin (rare: dates only grow in practice)
            old_end = self._origin + len(self._cum) - 1
            self._origin, self._cum = first - 366, [0]
            last = max(last, old_end)
        end = self._origin + len(self._cum) - 1
        if last > end:
            cum, total = self._cum, self._cum[-1]
            for o in range(end + 1, last + 367):
                total += self.is_working_day(date.fromordinal(o))
                cum.append(total)

    def working_days_between(self, start: date, end: date) -> int:
        if end <= start:
            return 0
        a, b = start.toordinal(), end.toordinal()
        self._cover(a, b)
        return self._cum[b - self._origin] - self._cum[a - self._origin]

    def add_working_days(self, start: date, n: int) -> date:
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        a = start.toordinal()
        self._cover(a, a + 2 * n + 40)
        while True:
            i = a - self._origin
            target = self._cum[i] + n
            j = bisect_left(self._cum, target, lo=i + 1)
            if j < len(self._cum):
                return date.fromordinal(self._origin + j)
            self._cover(a, self._origin + len(self._cum) + 2 * n + 40)

    def schedule(self, year: int) -> YearSchedule:
        return self._base.schedule(year)

    def day_kind(self, d: date) -> DayKind:
        kind = self._kinds.get(d)
        if kind is None:
            kind = self._kinds[d] = self._base.day_kind(d)
        return kind

    def unconfirmed_years_for(self, d: date) -> list[int]:
        # the calendar's answer depends on the year and on whether the day is late in December only
        key: Any = d
        if self._by_year:
            key = (d.year, d.month == 12 and d.day >= LATE_DECEMBER_DAY)
        found = self._unconfirmed.get(key)
        if found is None:
            found = self._unconfirmed[key] = self._base.unconfirmed_years_for(d)
        return list(found)

    def holiday_name(self, d: date) -> str | None:
        if d not in self._names:
            self._names[d] = self._base.holiday_name(d)
        return self._names[d]


def memo_calendar(cal: WorkCalendar) -> WorkCalendar:
    """Wrap ``cal`` in a :class:`MemoCalendar` (once)."""
    return cal if isinstance(cal, MemoCalendar) else MemoCalendar(cal)


_outcome_from_label = functools.lru_cache(maxsize=512)(Outcome.from_label)


# ------------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class LedgerProblem:
    """One problem of the file: ``row`` as Excel shows it (header = 1; 0 = the file as a whole); ``sheet``
    names the worksheet when a workbook's sheets are imported together."""

    row: int
    column: str
    message: str
    sheet: str = ""

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        if self.sheet:
            where = f"工作表“{self.sheet}”" + where
        if self.column:
            where += f"“{self.column}”列"
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class LedgerEvent:
    """A timeline event an imported row produces: the same typed payload the counter records."""

    kind: EventKind
    day: date
    payload: Payload
    note: str = ""


@dataclass(frozen=True)
class LedgerRow:
    """One valid ledger row, typed. ``reg_number`` empty = a new number is given on import."""

    row: int
    reg_number: str
    receipt_date: date | None  # None = 待确认 (arrival_date is then set)
    channel: Channel
    applicant_kind: ApplicantKind
    applicant_name: str
    content: str
    id_doc_type: IdDocType | None = None
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    arrival_date: date | None = None
    consultation_agency: bool = False  # True: another agency (第三十四条); False: a third party (第三十二条)
    correction_notice: date | None = None
    correction_received: date | None = None
    consultation_start: date | None = None
    consultation_end: date | None = None
    extension_days: int = 0
    extension_on: date | None = None  # set by validation: when the extension is taken as notified
    fee_notice: date | None = None
    fee_paid: date | None = None
    reply_date: date | None = None
    outcome: Outcome | None = None
    reconsideration_date: date | None = None
    reconsideration_result: str | None = None
    litigation_date: date | None = None
    litigation_kind: str | None = None
    litigation_result: str | None = None
    sheet: str = ""  # the worksheet, when a workbook's sheets are imported together

    @property
    def arrived_on(self) -> date:
        """The arrival day: 到达日期, else the receipt date."""
        day = self.arrival_date or self.receipt_date
        assert day is not None
        return day

    def remedies(self) -> list[tuple[str, date, str | None]]:
        """(kind, filed_on, result) of the remedy cases: reconsideration, litigation_direct/after."""
        out: list[tuple[str, date, str | None]] = []
        if self.reconsideration_date is not None:
            out.append((RECONSIDERATION, self.reconsideration_date, self.reconsideration_result))
        if self.litigation_date is not None and self.litigation_kind is not None:
            out.append((self.litigation_kind, self.litigation_date, self.litigation_result))
        return out


@dataclass
class LedgerValidation:
    """The outcome of checking a whole file: importable only when ``problems`` is empty."""

    rows: list[LedgerRow]
    problems: list[LedgerProblem]
    warnings: list[LedgerProblem]
    total_rows: int = 0
    ignored_columns: tuple[str, ...] = ()
    # (sheet, row) -> ((status, reply due, closed on, outcome), events) as validation computed them, so the
    # import need not compute them twice (kept small: only what the register stores)
    evaluated: dict[tuple[str, int], tuple[tuple[Any, ...], list[LedgerEvent]]] = field(
        default_factory=dict, repr=False
    )
    # every row that passed its own checks, even when the file as a whole is refused (to name repeats)
    valid_rows: list[LedgerRow] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


# ------------------------------------------------------------------------------------------------ cells


def _text(value: object) -> str:
    """A cell as trimmed text; integral floats (Excel numbers) lose their ".0"."""
    if value.__class__ is str:
        return value.strip()  # type: ignore[union-attr]  # str.strip() also removes the ideographic space
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip().strip("\u3000").strip()


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: object) -> date:
    """Read a ledger date: 2026-03-05, 2026/3/5, 2026年3月5日, 20260305, an Excel date cell or serial number.

    Raises ValueError with a Chinese message.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = int(value)
        if 1 <= serial <= 2958465:
            return _EXCEL_EPOCH + timedelta(days=serial)
        raise ValueError(f"无法识别的日期“{_text(value)}”")
    raw = value if value.__class__ is str else _text(value)
    # a ledger writes the same few thousand dates again and again: short texts are read once
    return _parse_date_memo(raw) if len(raw) <= 40 else _parse_date_text(raw)  # type: ignore[arg-type]


def _parse_date_text(raw: str) -> date:
    """:func:`parse_date` of a text cell."""
    text = unicodedata.normalize("NFKC", _text(raw)).strip()
    m = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if m is None:
        if text.isdigit() and 20000 <= int(text) <= 80000:  # an Excel serial saved as text
            return _EXCEL_EPOCH + timedelta(days=int(text))
        raise ValueError(f"无法识别的日期“{text}”（请写成 2026-03-05、2026/3/5 或 2026年3月5日）")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise ValueError(f"日期“{text}”不存在") from exc


_parse_date_memo = functools.lru_cache(maxsize=8192)(_parse_date_text)  # a refused text raises again each time


def _normalise_header(text: object) -> str:
    t = unicodedata.normalize("NFKC", _text(text))
    t = "".join(t.split()).strip("*＊")
    for suffix in ("(必填)", "（必填）"):
        t = t.removesuffix(suffix)
    return t


# ------------------------------------------------------------------------------------------------ rows


_TEXT_FIELDS: dict[str, str] = {
    C_NUMBER: "reg_number",
    C_NAME: "applicant_name",
    C_DOC_NUMBER: "id_number",
    C_PHONE: "phone",
    C_ADDRESS: "address",
    C_EMAIL: "email",
    C_CONTENT: "content",
}
"""Columns read as free text (app.domain.text); every other column holds a short label, date or number."""

_DIGIT_RUN = re.compile(r"[0-9０-９][0-9０-９]{8,}[0-9０-９Xx]")
_CN_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def redact(text: str, *, limit: int = 40) -> str:
    """``text`` fit to quote in a message: runs of 11 or more digits (identity and phone numbers) masked as
    the register masks a document number (:func:`app.domain.identity.mask_number`), dates written
    1990年1月1日 (a birth date in an identity check) hidden, and at most ``limit`` characters
    (docs/rules.md §9, personal data)."""
    text = _CN_DATE.sub("****年**月**日", text)
    text = _DIGIT_RUN.sub(lambda m: mask_number(m.group()), text)
    return text if len(text) <= limit else text[:limit] + "…"


@functools.lru_cache(maxsize=1024)
def _clean_label(raw: str) -> str:
    """A short label cell (申请方式, 办理结果 …) by the rule for free text; a ledger repeats the same few
    labels on every row, so each is cleaned once (a refused one raises again each time)."""
    return clean_field(_text(raw), "cell")


_NUMERIC_TEXT = re.compile(r"^\s*\d+(\.\d+)?[eE]\+?\d+\s*$")


class _RowReader:
    """Reads the cells of one row, collecting every problem with its column."""

    def __init__(self, row: int, cells: Mapping[str, object], today: date, sheet: str = "") -> None:
        self.row = row
        self.cells = cells
        self.today = today
        self.sheet = sheet
        self.problems: list[LedgerProblem] = []
        self.warnings: list[LedgerProblem] = []
        self.parsed: LedgerRow | None = None
        self._texts: dict[str, str] = {}

    def problem(self, column: str, message: str) -> None:
        self.problems.append(LedgerProblem(self.row, column, message, self.sheet))

    def warn(self, column: str, message: str) -> None:
        self.warnings.append(LedgerProblem(self.row, column, message, self.sheet))

    def text(self, column: str, *, required: bool = False) -> str:
        """The cell as text by the one rule for free text (app.domain.text); a refused cell is empty."""
        value = self._texts.get(column)
        if value is None:
            raw = self.cells.get(column)
            refused = False
            try:
                if raw is None or raw == "":
                    value = ""  # what the rule makes of an empty cell
                elif column in _TEXT_FIELDS:
                    value = clean_field(_text(raw), _TEXT_FIELDS[column])
                elif raw.__class__ is str and len(raw) <= 40:  # type: ignore[arg-type]
                    value = _clean_label(raw)  # type: ignore[arg-type]
                else:
                    value = clean_field(_text(raw), "cell")
            except TextError as exc:
                self.problem(column, str(exc))
                value, refused = "", True
            self._texts[column] = value
            if required and not value and not refused:
                self.problem(column, "必填项为空")
        return value

    def digits_as_text(self, column: str) -> None:
        """An identity or phone number must be a text cell: Excel keeps 15 significant digits of a number
        (370305199401059736 becomes 370305199401059000) and drops leading zeros (0533…)."""
        raw = self.cells.get(column)
        numeric = (isinstance(raw, int | float) and not isinstance(raw, bool)) or (
            isinstance(raw, str) and _NUMERIC_TEXT.match(raw) is not None
        )
        if numeric:
            self.problem(
                column,
                f"{column}是以数字格式保存的（Excel 只保留 15 位有效数字、会去掉开头的 0，号码可能已经变了）。"
                f"请把该列的单元格格式设置为“文本”，重新输入{column}后再导入",
            )
            self._texts[column] = ""

    def date(self, column: str, *, required: bool = False) -> date | None:
        raw = self.cells.get(column)
        if raw is None or raw == "" or _text(raw) == "":
            if required:
                self.problem(column, "必填项为空")
            return None
        try:
            d = parse_date(raw)
        except ValueError as exc:
            self.problem(column, redact(str(exc), limit=120))
            return None
        if d > self.today:
            self.problem(column, f"日期 {d.isoformat()} 晚于今天（{self.today.isoformat()}）")
            return None
        if d < EARLIEST_DATE:
            self.problem(column, f"日期 {d.isoformat()} 早于《政府信息公开条例》施行日期（2008年5月1日）")
            return None
        return d

    def after(self, column: str, value: date | None, earlier_column: str, earlier: date | None) -> None:
        if value is not None and earlier is not None and value < earlier:
            self.problem(column, f"{column} {value.isoformat()} 早于{earlier_column} {earlier.isoformat()}")


def _read_row(row: int, cells: Mapping[str, object], today: date, sheet: str = "") -> _RowReader:
    r = _RowReader(row, cells, today, sheet)
    r.digits_as_text(C_DOC_NUMBER)
    r.digits_as_text(C_PHONE)
    reg_number = r.text(C_NUMBER)
    arrival = r.date(C_ARRIVAL)
    receipt = r.date(C_RECEIPT, required=arrival is None and _text(cells.get(C_ARRIVAL)) == "")
    r.after(C_RECEIPT, receipt, C_ARRIVAL, arrival)
    if receipt is None and arrival is not None:
        for column in (
            C_CORR_NOTICE,
            C_CORR_RECEIVED,
            C_CONSULT_START,
            C_CONSULT_END,
            C_EXTENSION,
            C_FEE_NOTICE,
            C_FEE_PAID,
            C_REPLY,
            C_OUTCOME,
            C_RECON_DATE,
            C_LIT_DATE,
        ):
            if _text(cells.get(column)):
                r.problem(column, "收到日期为空（待确认收到，期限未起算），不能填写办理过程的日期或结果")

    channel_text = r.text(C_CHANNEL)
    channel: Channel | None = Channel.IN_PERSON
    if channel_text:
        try:
            channel = Channel.from_label(channel_text)
        except ValueError:
            channel = None
            r.problem(
                C_CHANNEL, f"未知的申请方式“{redact(channel_text)}”（可填：当面、信函、电子邮件、网上申请、传真）"
            )

    kind_text = r.text(C_KIND, required=True)
    kind: ApplicantKind | None = None
    if kind_text:
        try:
            kind = ApplicantKind.from_label(kind_text)
        except ValueError:
            r.problem(
                C_KIND,
                f"未知的申请人类型“{redact(kind_text)}”（可填：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他）",
            )
    name = r.text(C_NAME, required=True)
    content = r.text(C_CONTENT, required=True)

    doc_text = r.text(C_DOC_TYPE)
    id_number = normalise_number(r.text(C_DOC_NUMBER))
    doc_type: IdDocType | None = None
    if doc_text:
        try:
            doc_type = IdDocType.from_label(doc_text)
        except ValueError:
            r.problem(C_DOC_TYPE, f"未知的证件类型“{redact(doc_text)}”")
    elif id_number and kind is not None:
        # 台账常只记号码：自然人按居民身份证、组织按统一社会信用代码校验（docs/rules.md §9）
        doc_type = IdDocType.CREDIT_CODE if kind.is_organisation else IdDocType.RESIDENT_ID
    if doc_type is not None and id_number:
        check = check_identity(doc_type, id_number, today=today)
        if not check.ok:
            r.warn(
                C_DOC_NUMBER,
                f"{doc_type.label}号码 {mask_number(id_number)} 未通过校验："
                + redact("；".join(check.problems), limit=200),
            )
    elif doc_type is not None and doc_text and not id_number:
        doc_type = None  # a type without a number says nothing

    corr_notice = r.date(C_CORR_NOTICE)
    corr_received = r.date(C_CORR_RECEIVED)
    consult_start = r.date(C_CONSULT_START)
    consult_end = r.date(C_CONSULT_END)
    fee_notice = r.date(C_FEE_NOTICE)
    fee_paid = r.date(C_FEE_PAID)
    reply = r.date(C_REPLY)
    recon_date = r.date(C_RECON_DATE)
    lit_date = r.date(C_LIT_DATE)

    for column, value in (
        (C_CORR_NOTICE, corr_notice),
        (C_CONSULT_START, consult_start),
        (C_FEE_NOTICE, fee_notice),
        (C_REPLY, reply),
        (C_RECON_DATE, recon_date),
        (C_LIT_DATE, lit_date),
    ):
        r.after(column, value, C_RECEIPT, receipt)
    for end_col, end, start_col, start in (
        (C_CORR_RECEIVED, corr_received, C_CORR_NOTICE, corr_notice),
        (C_CONSULT_END, consult_end, C_CONSULT_START, consult_start),
        (C_FEE_PAID, fee_paid, C_FEE_NOTICE, fee_notice),
    ):
        if end is not None and start is None and _text(cells.get(start_col)) == "":
            r.problem(end_col, f"填写了{end_col}，但没有{start_col}")
        r.after(end_col, end, start_col, start)
    if reply is not None:
        for column, value in (
            (C_CORR_NOTICE, corr_notice),
            (C_CORR_RECEIVED, corr_received),
            (C_CONSULT_START, consult_start),
            (C_CONSULT_END, consult_end),
            (C_FEE_NOTICE, fee_notice),
            (C_FEE_PAID, fee_paid),
        ):
            if value is not None and value > reply:
                r.problem(column, f"{column} {value.isoformat()} 晚于答复日期 {reply.isoformat()}（答复即办结）")

    extension = 0
    ext_text = r.text(C_EXTENSION)
    if ext_text:
        try:
            number = float(unicodedata.normalize("NFKC", ext_text).removesuffix("个工作日").removesuffix("天"))
            if not number.is_integer():
                raise ValueError
            extension = int(number)
            if not 0 <= extension <= MAX_EXTENSION_DAYS:
                r.problem(
                    C_EXTENSION,
                    f"延期工作日应在 0 至 {MAX_EXTENSION_DAYS} 之间（第三十三条第二款），实为 {extension}",
                )
                extension = 0
        except ValueError:
            r.problem(C_EXTENSION, f"延期工作日应为 0 至 {MAX_EXTENSION_DAYS} 的整数，实为“{redact(ext_text)}”")

    outcome_text = r.text(C_OUTCOME)
    outcome: Outcome | None = None
    if outcome_text:
        try:
            outcome = _outcome_from_label(outcome_text)
        except ValueError:
            r.problem(
                C_OUTCOME,
                f"未知的办理结果“{redact(outcome_text)}”（请用年报表三的行名，如 予以公开、不予公开-内部事务信息）",
            )
    if outcome_text and _text(cells.get(C_REPLY)) == "":
        r.problem(C_REPLY, "填写了办理结果，但没有答复日期")
    if _text(cells.get(C_REPLY)) and not outcome_text:
        r.problem(C_OUTCOME, "填写了答复日期，但没有办理结果（须为年报表三的一行）")

    recon_result = _remedy_result(r, C_RECON_RESULT)
    if r.text(C_RECON_RESULT) and _text(cells.get(C_RECON_DATE)) == "":
        r.problem(C_RECON_DATE, "填写了行政复议结果，但没有行政复议日期")
    lit_result = _remedy_result(r, C_LIT_RESULT)
    lit_kind_text = r.text(C_LIT_KIND)
    lit_kind: str | None = None
    if lit_kind_text:
        lit_kind = _LITIGATION_KIND_ALIASES.get(lit_kind_text.replace(" ", ""))
        if lit_kind is None:
            r.problem(C_LIT_KIND, f"未知的行政诉讼类型“{redact(lit_kind_text)}”（可填：直接起诉、复议后起诉）")
    has_lit_date = _text(cells.get(C_LIT_DATE)) != ""
    if (lit_kind_text or r.text(C_LIT_RESULT)) and not has_lit_date:
        r.problem(C_LIT_DATE, "填写了行政诉讼类型或结果，但没有行政诉讼日期")
    if has_lit_date and not lit_kind_text:
        r.problem(C_LIT_KIND, "填写了行政诉讼日期，但没有行政诉讼类型（直接起诉 / 复议后起诉）")
    if lit_kind == LITIGATION_AFTER:
        if recon_date is not None:
            r.after(C_LIT_DATE, lit_date, C_RECON_DATE, recon_date)
        elif _text(cells.get(C_RECON_DATE)) == "":
            r.warn(C_RECON_DATE, "行政诉讼类型为复议后起诉，但没有行政复议日期")

    party_text = r.text(C_CONSULT_PARTY)
    consult_agency = False
    if party_text:
        key = party_text.replace(" ", "")
        if key not in _CONSULT_PARTY_ALIASES:
            r.problem(C_CONSULT_PARTY, f"未知的征求意见对象“{redact(party_text)}”（可填：第三方、其他机关）")
        else:
            consult_agency = _CONSULT_PARTY_ALIASES[key]

    if r.problems or (receipt is None and arrival is None) or kind is None or channel is None:
        return r
    r.parsed = LedgerRow(
        row=row,
        reg_number=reg_number,
        receipt_date=receipt,
        channel=channel,
        applicant_kind=kind,
        applicant_name=name,
        content=content,
        id_doc_type=doc_type,
        id_number=id_number,
        phone=r.text(C_PHONE),
        address=r.text(C_ADDRESS),
        email=r.text(C_EMAIL),
        arrival_date=arrival,
        consultation_agency=consult_agency,
        correction_notice=corr_notice,
        correction_received=corr_received,
        consultation_start=consult_start,
        consultation_end=consult_end,
        extension_days=extension,
        fee_notice=fee_notice,
        fee_paid=fee_paid,
        reply_date=reply,
        outcome=outcome,
        reconsideration_date=recon_date,
        reconsideration_result=recon_result,
        litigation_date=lit_date,
        litigation_kind=lit_kind,
        litigation_result=lit_result,
    )
    return r


def _remedy_result(r: _RowReader, column: str) -> str | None:
    text = r.text(column)
    if not text:
        return None
    if text.replace(" ", "") not in _REMEDY_RESULT_ALIASES:
        r.problem(column, f"未知的结果“{redact(text)}”（可填：维持、纠正、其他；尚未审结的留空）")
        return None
    return _REMEDY_RESULT_ALIASES[text.replace(" ", "")]


# ------------------------------------------------------------------------------------------------ timeline


def row_events(row: LedgerRow) -> list[LedgerEvent]:
    """The timeline events of an imported row, in date order (registration itself not included).

    征求意见 becomes a third-party consultation (第三十二条), or another agency's (第三十四条) when
    征求意见对象 says 其他机关; its working days do not count towards the
    reply period (第三十三条第三款), nor do those between a fee notice and payment (国办函〔2020〕109号).
    """
    src = "由台账导入"
    out: list[tuple[int, LedgerEvent]] = []

    def add(order: int, kind: EventKind, day: date | None, data: dict[str, Any] | None = None, note: str = ""):
        if day is not None:
            payload = _ledger_payload(kind, tuple(data.items()) if data else ())
            out.append((order, LedgerEvent(kind, day, payload, note or src)))

    add(1, EventKind.CORRECTION_REQUESTED, row.correction_notice)
    add(2, EventKind.CORRECTION_RECEIVED, row.correction_received)
    if row.consultation_agency:
        add(3, EventKind.AGENCY_CONSULTATION_STARTED, row.consultation_start)
        add(4, EventKind.AGENCY_CONSULTATION_ENDED, row.consultation_end)
    else:
        add(3, EventKind.THIRD_PARTY_CONSULTATION_STARTED, row.consultation_start)
        add(4, EventKind.THIRD_PARTY_CONSULTATION_ENDED, row.consultation_end)
    add(5, EventKind.FEE_NOTICE_SENT, row.fee_notice)
    add(6, EventKind.FEE_PAID, row.fee_paid)
    if row.extension_days:
        add(
            7,
            EventKind.EXTENSION,
            row.extension_on or row.arrived_on,
            {"days": row.extension_days},
            "由台账导入；台账未载明延期告知日期，以未延期时的答复期限（或答复日）记载",
        )
    if row.outcome is not None:
        add(8, EventKind.DECIDED, row.reply_date, {"outcome": row.outcome.value})
    for kind, filed_on, result in row.remedies():
        event = EventKind.RECONSIDERATION_FILED if kind == RECONSIDERATION else EventKind.LITIGATION_FILED
        data: dict[str, object] = {"result": result}
        if event is EventKind.LITIGATION_FILED:  # the same payload the counter records
            data["type"] = (
                LitigationType.DIRECT if kind == RemedyKind.LITIGATION_DIRECT else LitigationType.AFTER_RECONSIDERATION
            )
        add(9, event, filed_on, data)
    out.sort(key=lambda pair: (pair[1].day, pair[0]))
    return [e for _, e in out]


@functools.lru_cache(maxsize=4096)
def _ledger_payload(kind: EventKind, items: tuple[tuple[str, Any], ...]) -> Payload:
    """The payload of an imported event (``source`` "ledger"); payloads are immutable, so rows with the same
    event data share one (a ledger repeats the same few outcomes and results thousands of times)."""
    return payload_of(kind, {**dict(items), "source": "ledger"})


def _timeline(events: Iterable[LedgerEvent]) -> list[Recorded]:
    return [Recorded(e.kind, e.day, e.payload, e.note) for e in events]


class _DeadlineMemo:
    """:func:`app.domain.deadlines.compute_deadlines` with ``explain=False`` (the same dates, without the
    explanation nobody reads during an import), computed once per distinct clock.

    The closing day and the day an extension was notified only ever change the explanation and, for the
    closing day, turn the state into "closed"; they are left out of the key, so the many rows of a ledger
    that share a receipt date (and pauses, corrections, extension) share one computation."""

    def __init__(self, cal: WorkCalendar) -> None:
        self._cal = cal
        self._known: dict[tuple[Any, ...], Deadlines] = {}

    def __call__(self, clock: ClockInput) -> Deadlines:
        closed = clock.closed_on is not None
        key = (clock.receipt_date, clock.corrections, clock.pauses, clock.extension_days, clock.fee_payment_days)
        found = self._known.get((closed, *key))
        if found is None:
            open_ = self._known.get((False, *key))
            if open_ is None:
                shared = ClockInput(key[0], key[1], key[2], extension_days=key[3], fee_payment_days=key[4])
                open_ = self._known[(False, *key)] = compute_deadlines(shared, self._cal, explain=False)
            found = open_
            if closed:
                found = self._known[(True, *key)] = replace(open_, state="closed")
        return found


def _check_timeline(
    row: LedgerRow,
    cal: WorkCalendar,
    today: date,
    fee_payment_days: int,
    deadlines: Callable[[ClockInput], Deadlines] | None = None,
) -> tuple[LedgerRow, list[LedgerProblem], list[LedgerProblem], tuple[tuple[Any, ...], list[LedgerEvent]] | None]:
    """Project the row's events onto the legal clock; date the extension; collect problems and warnings;
    return ((status, reply due, closed on, outcome), events) as the register stores them.

    Warnings: correction notice later than 7 working days after receipt (第三十条); reply later than the
    computed due date (第三十三条).
    """
    problems: list[LedgerProblem] = []
    warnings: list[LedgerProblem] = []
    if deadlines is None:
        deadlines = _DeadlineMemo(cal)
    try:
        if row.extension_days:
            # The ledger has no date for the extension notice: take the last day it could lawfully be
            # given (the unextended due date, 第三十三条第二款), but not after the reply or today.
            plain = replace(row, extension_days=0)
            proj0 = project(row.receipt_date, _timeline(row_events(plain)), fee_payment_days=fee_payment_days)
            dl0 = deadlines(proj0.clock)
            on = dl0.unextended_due or dl0.reply_due or row.arrived_on
            on = min(x for x in (on, row.reply_date, today) if x is not None)
            row = replace(row, extension_on=max(on, row.receipt_date or on))
        events = row_events(row)
        proj = project(row.receipt_date, _timeline(events), fee_payment_days=fee_payment_days)
        dl = deadlines(proj.clock)
    except (TimelineError, ValueError) as exc:
        problems.append(LedgerProblem(row.row, "", f"各日期之间不一致：{exc}", row.sheet))
        return row, problems, warnings, None
    notice, notice_due = row.correction_notice, dl.correction_notice_due
    if notice is not None and notice_due is not None and notice > notice_due:
        warnings.append(
            LedgerProblem(
                row.row,
                C_CORR_NOTICE,
                f"补正告知晚于收到申请后 7 个工作日（应在 {notice_due.isoformat()} 前，第三十条）",
                row.sheet,
            )
        )
    if row.reply_date is not None and dl.reply_due is not None and row.reply_date > dl.reply_due:
        late = cal.working_days_between(dl.reply_due, row.reply_date)
        warnings.append(
            LedgerProblem(
                row.row,
                C_REPLY,
                f"答复晚于答复期限 {dl.reply_due.isoformat()}（超过 {max(1, late)} 个工作日，第三十三条）",
                row.sheet,
            )
        )
    return row, problems, warnings, ((derive_status(proj, dl), dl.reply_due, proj.closed_on, proj.outcome), events)


# ------------------------------------------------------------------------------------------------ file


def map_header(header: Sequence[object]) -> tuple[dict[str, int], list[LedgerProblem], tuple[str, ...]]:
    """Column positions by name (order is free); problems for missing required or repeated columns.

    Computed columns of an export (答复期限, 补正告知期限, 状态, 是否超期) and unknown columns are ignored.
    """
    positions: dict[str, int] = {}
    problems: list[LedgerProblem] = []
    ignored: list[str] = []
    for i, cell in enumerate(header):
        name = _normalise_header(cell)
        if not name:
            continue
        if name in IMPORT_COLUMNS:
            if name in positions:
                problems.append(LedgerProblem(1, name, "表头中该列出现了两次"))
            else:
                positions[name] = i
        else:
            ignored.append(name)
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            problems.append(LedgerProblem(1, name, "表头缺少必需的列"))
    return positions, problems, tuple(ignored)


NUMBER_JUMP_LIMIT = 10_000
"""How far a registration number may lie beyond the year's highest number in use (numbers are never reused
nor renumbered, docs/rules.md §10).

The busiest offices register a few thousand applications a year; a number more than 10,000 beyond the
last one used (the counter, or the previous number of that year in the file) is no real numbering but a
typing slip (an extra digit), and importing it would move the year's counter past it for good. Such a
row is refused unless the import is told the jump is real (``allow_number_jump``)."""
MAX_SEQ = 9_999_999
"""The largest sequence number a registration number may carry (far within SQLite's integers)."""


def number_regex(pattern: str) -> re.Pattern[str] | None:
    """A regex reading (year ``y``, sequence ``n``) back out of a number made with the office's registration
    pattern (e.g. ``〔{年}〕第{号}号``); None when the pattern lacks one of them (docs/rules.md §8)."""
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


def _number_problems(
    numbers: list[tuple[str, int, str]],
    regex: re.Pattern[str] | None,
    counters: Callable[[set[int]], Mapping[int, int]] | Mapping[int, int],
    today: date,
    allow_jump: bool,
) -> list[LedgerProblem]:
    """Registration numbers in the office's pattern: a year from 2008 (the 条例 in force) to next year, a
    sequence from 1 to :data:`MAX_SEQ`, no jump beyond :data:`NUMBER_JUMP_LIMIT` (docs/rules.md §8, §10)."""
    if regex is None:
        return []
    problems: list[LedgerProblem] = []
    by_year: dict[int, list[tuple[int, str, int, str]]] = {}
    last_year = today.year + 1
    for sheet, row_no, number in numbers:
        m = regex.match(number)
        if m is None:
            continue
        y, n = int(m.group("y")), int(m.group("n")[:12])
        if not EARLIEST_DATE.year <= y <= last_year:
            problems.append(
                LedgerProblem(
                    row_no, C_NUMBER, f"登记编号的年份 {y} 不在 {EARLIEST_DATE.year} 至 {last_year} 年之间", sheet
                )
            )
        elif n < 1 or len(m.group("n")) > 7 or n > MAX_SEQ:
            problems.append(
                LedgerProblem(
                    row_no, C_NUMBER, f"登记编号的序号应在 1 至 {MAX_SEQ} 之间，实为 {redact(m.group('n'))}", sheet
                )
            )
        else:
            by_year.setdefault(y, []).append((n, sheet, row_no, number))
    if not by_year or allow_jump:
        return problems
    known = counters(set(by_year)) if callable(counters) else counters
    for y, items in by_year.items():
        base = known.get(y, 0)
        for n, sheet, row_no, number in sorted(items):
            if n > base + NUMBER_JUMP_LIMIT:
                problems.append(
                    LedgerProblem(
                        row_no,
                        C_NUMBER,
                        f"登记编号“{number}”比 {y} 年已用到的第 {base} 号多出 {n - base - 1} 个号，多半是输入有误"
                        f"（跳号超过 {NUMBER_JUMP_LIMIT} 个会让该年的编号从此接着它编下去）。"
                        "如编号确实如此，请在导入时选择“允许编号跳号”",
                        sheet,
                    )
                )
            else:
                base = max(base, n)
    return problems


def validate_ledger(
    header: Sequence[object],
    rows: Iterable[tuple[int, Sequence[object]] | tuple[int, Sequence[object], str]],
    *,
    cal: WorkCalendar,
    today: date,
    existing_numbers: Callable[[set[str]], set[str]] | frozenset[str] | set[str] = frozenset(),
    fee_payment_days: int = 20,
    progress: Callable[[int], None] | None = None,
    number_pattern: str = "",
    counters: Callable[[set[int]], Mapping[int, int]] | Mapping[int, int] | None = None,
    allow_number_jump: bool = False,
) -> LedgerValidation:
    """Check every row of a ledger; the import may go ahead only if no problem is found (all or nothing).

    ``rows`` are (row number as Excel shows it, cells in header order[, worksheet]); blank rows are
    skipped. ``existing_numbers`` is the set of registration numbers already in the register, or a function
    that returns which of the given numbers already exist. ``counters`` gives each year's highest
    registration number in use (for the jump check, see :data:`NUMBER_JUMP_LIMIT`); ``number_pattern`` is
    the office's registration pattern. Problems: unparseable dates, unknown values, text the rule for free
    text refuses (app.domain.text), identity or phone numbers stored as Excel numbers, a non-empty cell in a
    column without a header, reply before receipt, an end before its start, an outcome without a reply date
    or the reverse, an extension outside 0–20 working days (第三十三条第二款), a registration number repeated
    in the file, already registered, with an impossible year or sequence, or far beyond the year's counter,
    and timelines the legal clock cannot follow.
    """
    cal = memo_calendar(cal)
    positions, problems, ignored = map_header(header)
    if problems:
        return LedgerValidation([], problems, [], 0, ignored)
    unlabelled = [i for i, cell in enumerate(header) if not _normalise_header(cell)]
    width = len(header)
    warnings: list[LedgerProblem] = []
    parsed: list[LedgerRow] = []
    evaluated: dict[tuple[str, int], tuple[tuple[Any, ...], list[LedgerEvent]]] = {}
    seen_numbers: dict[str, tuple[str, int]] = {}
    sheet_order: dict[str, int] = {"": 0}
    deadlines = _DeadlineMemo(cal)
    names, last_position = list(positions), max(positions.values())
    pick = operator.itemgetter(*positions.values())  # at least the required columns: a tuple
    total = 0
    for item in rows:
        row_no, cells = item[0], item[1]
        sheet = item[2] if len(item) > 2 else ""  # type: ignore[misc]
        sheet_order.setdefault(sheet, len(sheet_order))
        stray = [i for i in unlabelled if i < len(cells) and _text(cells[i]) != ""]
        stray += [i for i in range(width, len(cells)) if _text(cells[i]) != ""]
        for i in stray:
            problems.append(
                LedgerProblem(row_no, "", f"第 {_column_letter(i)} 列有内容，但该列没有表头（不知道是哪一项）", sheet)
            )
        if len(cells) > last_position:
            values = dict(zip(names, pick(cells), strict=True))  # type: ignore[arg-type]
        else:
            values = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
        if not any(_text(v) for v in values.values()):
            continue
        total += 1
        reader = _read_row(row_no, values, today, sheet)
        problems.extend(reader.problems)
        warnings.extend(reader.warnings)
        row = reader.parsed
        number = reader.text(C_NUMBER)
        if number:
            if number in seen_numbers:
                where_sheet, where_row = seen_numbers[number]
                where = (f"工作表“{where_sheet}”" if where_sheet else "") + f"第 {where_row} 行"
                problems.append(LedgerProblem(row_no, C_NUMBER, f"登记编号“{number}”与{where}重复", sheet))
            else:
                seen_numbers[number] = (sheet, row_no)
        if row is not None:
            if sheet:
                row = replace(row, sheet=sheet)
            row, p, w, computed = _check_timeline(row, cal, today, fee_payment_days, deadlines)
            problems.extend(p)
            warnings.extend(w)
            if not p:
                parsed.append(row)
                if computed is not None:
                    evaluated[(sheet, row_no)] = computed
        if progress is not None and total % 500 == 0:
            progress(total)
    if seen_numbers:
        found = (
            existing_numbers(set(seen_numbers))
            if callable(existing_numbers)
            else set(seen_numbers) & set(existing_numbers)
        )
        for number in sorted(found, key=lambda n: seen_numbers[n]):
            sheet, row_no = seen_numbers[number]
            problems.append(LedgerProblem(row_no, C_NUMBER, f"登记编号“{number}”已在系统中登记", sheet))
        problems.extend(
            _number_problems(
                [(sheet, row_no, number) for number, (sheet, row_no) in seen_numbers.items()],
                number_regex(number_pattern) if number_pattern else None,
                counters if counters is not None else {},
                today,
                allow_number_jump,
            )
        )
    if total == 0 and not problems:
        problems.append(LedgerProblem(0, "", "文件中没有数据行"))
    if progress is not None:
        progress(total)
    problems.sort(
        key=lambda p: (
            sheet_order.get(p.sheet, 0),
            p.row,
            IMPORT_COLUMNS.index(p.column) if p.column in IMPORT_COLUMNS else 99,
        )
    )
    return LedgerValidation(
        parsed if not problems else [],
        problems,
        warnings,
        total,
        ignored,
        evaluated if not problems else {},
        parsed,
    )


def _column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 → A, 26 → AA)."""
    n, out = index + 1, ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def template_rows() -> list[list[object]]:
    """The header and one example row of an import template (the example is a typical closed case)."""
    example: dict[str, object] = {
        C_NUMBER: "",
        C_RECEIPT: "2026-03-05",
        C_CHANNEL: "当面",
        C_KIND: "自然人",
        C_NAME: "张三",
        C_DOC_TYPE: "居民身份证",
        C_DOC_NUMBER: "11010519491231002X",
        C_PHONE: "13800000000",
        C_ADDRESS: "淄博市张店区某某路1号",
        C_EMAIL: "",
        C_CONTENT: "某项目环境影响评价批复文件",
        C_CORR_NOTICE: "",
        C_CORR_RECEIVED: "",
        C_CONSULT_START: "",
        C_CONSULT_END: "",
        C_EXTENSION: "",
        C_FEE_NOTICE: "",
        C_FEE_PAID: "",
        C_REPLY: "2026-03-20",
        C_OUTCOME: "予以公开",
        C_RECON_DATE: "",
        C_RECON_RESULT: "",
        C_LIT_DATE: "",
        C_LIT_KIND: "",
        C_LIT_RESULT: "",
        C_ARRIVAL: "",
        C_CONSULT_PARTY: "",
    }
    return [list(IMPORT_COLUMNS), [example[c] for c in IMPORT_COLUMNS]]

"""The annual report's tables, counting rules, checks and drafted prose (docs/rules.md §5, §6; 30号).

Pure Python (no Qt, no database). Three things live here:

1. **The tables as 国办公开办函〔2021〕30号 prints them** — the rows and columns of table 二 (entered by the
   office), table 三 (applications) and table 四 (行政复议 / 行政诉讼), with their labels exactly as the format
   words them (:data:`TABLE3_ROWS`, :data:`TABLE4_GROUPS`, :data:`TABLE2_ITEMS`).
2. **The counting rules for year Y** (docs/rules.md §6) for one case at a time — :func:`table3_rows_of`,
   :func:`table4_cell_of` and :func:`footprint` (every cell of a year one case counts in). :func:`count_tables`
   counts a whole history with them; the services count the same cells with SQL aggregates and are tested
   against this reference, and the lock of a published year compares a case's footprint before and after a
   change.
3. **The checks** (:func:`check_tables`: 一 + 二 = 三(七) + 四 per column, 三(七) = its sub-rows, 总计 = the six
   columns, this year's 二 = last year's 四 also against a published report) and **the drafted prose**
   (:func:`draft_overview`, :func:`default_texts`) — a pure function of the figures, separate from counting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.domain.codes import OUTCOMES, ApplicantKind, Outcome
from app.domain.procedure import RemedyKind, RemedyResult

#: The year 《中华人民共和国政府信息公开条例》 first took effect (2008-05-01): no report before it.
FIRST_REPORT_YEAR = 2008

# ------------------------------------------------------------------------------------------------ table 三

#: The seven columns of table 三: the six applicant kinds (docs/rules.md §2) in the order 30号 prints them, 总计.
KIND_ORDER: tuple[ApplicantKind, ...] = (
    ApplicantKind.NATURAL_PERSON,
    ApplicantKind.COMMERCIAL,
    ApplicantKind.RESEARCH,
    ApplicantKind.PUBLIC_INTEREST,
    ApplicantKind.LEGAL_SERVICE,
    ApplicantKind.OTHER,
)
COLUMNS: tuple[str, ...] = (*(k.label for k in KIND_ORDER), "总计")
TOTAL_COL = 6
KIND_COLUMN: dict[str, int] = {k.value: i for i, k in enumerate(KIND_ORDER)}

TABLE3_TITLE = "三、收到和处理政府信息公开申请情况"
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TABLE3_HEAD = "申请人情况"
TABLE3_ORGS = "法人或其他组织"
RESULTS_GROUP = "三、本年度办理结果"


@dataclass(frozen=True)
class Table3Row:
    """One counted row of table 三.

    ``key`` is the row's key in the JSON export ("一", "三.三.5"), ``name`` its short name in messages
    ("三(三)5", as :attr:`app.domain.codes.OutcomeInfo.report_row` writes it), ``label`` the row's own cell as
    30号 prints it; ``subgroup`` the merged cell to its left ("（三）不予公开") for the numbered sub-rows.
    """

    key: str
    name: str
    label: str
    subgroup: str = ""
    outcome: Outcome | None = None

    @property
    def in_results(self) -> bool:
        """A row of 三、本年度办理结果 (printed under that merged cell)."""
        return self.key.startswith("三.")


def _outcome_key(report_row: str) -> str:
    m = re.fullmatch(r"三\((.)\)(\d?)", report_row)
    if not m:
        raise ValueError(report_row)
    return "三." + m.group(1) + (f".{m.group(2)}" if m.group(2) else "")


SUBGROUPS: dict[str, str] = {
    "三": "（三）不予公开",
    "四": "（四）无法提供",
    "五": "（五）不予处理",
    "六": "（六）其他处理",
}

TABLE3_ROWS: tuple[Table3Row, ...] = (
    Table3Row("一", "一", "一、本年新收政府信息公开申请数量"),
    Table3Row("二", "二", "二、上年结转政府信息公开申请数量"),
    *(
        Table3Row(
            _outcome_key(info.report_row),
            info.report_row,
            info.official_label,
            SUBGROUPS.get(_outcome_key(info.report_row).split(".")[1], "")
            if _outcome_key(info.report_row).count(".") == 2
            else "",
            outcome,
        )
        for outcome, info in OUTCOMES.items()
    ),
    Table3Row("三.七", "三(七)", "（七）总计"),
    Table3Row("四", "四", "四、结转下年度继续办理"),
)
ROW_BY_KEY: dict[str, Table3Row] = {r.key: r for r in TABLE3_ROWS}
ROW_KEYS: tuple[str, ...] = tuple(r.key for r in TABLE3_ROWS)
OUTCOME_ROW: dict[Outcome, str] = {r.outcome: r.key for r in TABLE3_ROWS if r.outcome is not None}
OUTCOME_ROW_KEYS: tuple[str, ...] = tuple(OUTCOME_ROW.values())
#: the stored outcome code → its row key ("withheld_internal" → "三.三.5")
OUTCOME_CODE_ROW: dict[str, str] = {o.value: key for o, key in OUTCOME_ROW.items()}


@dataclass(frozen=True)
class Table3:
    """Table 三: every row key → seven counts (the six applicant kinds, 总计)."""

    rows: Mapping[str, tuple[int, ...]]

    @classmethod
    def zero(cls) -> Table3:
        return cls({k: (0,) * 7 for k in ROW_KEYS})

    @classmethod
    def from_counts(cls, counts: Iterable[tuple[str, str | None, int]]) -> Table3:
        """Build from (row key, applicant-kind code, n) tallies.

        The 总计 column adds every tally, including a kind code that is none of the six columns, so that the
        check "总计 = the six columns" sees such a record instead of hiding it.
        """
        grid = {k: [0] * 7 for k in ROW_KEYS}
        for key, kind, n in counts:
            col = KIND_COLUMN.get(kind or "")
            if col is not None:
                grid[key][col] += n
            grid[key][TOTAL_COL] += n
        return cls({k: tuple(v) for k, v in grid.items()})

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Table3 | None:
        """Read :meth:`to_json` back (also the bare ``rows`` mapping); None when there is nothing usable."""
        if not data:
            return None
        rows = data.get("rows", data)
        if not isinstance(rows, Mapping):
            return None
        out: dict[str, tuple[int, ...]] = {}
        for key in ROW_KEYS:
            values = rows.get(key)
            if not isinstance(values, Sequence) or len(values) != 7:
                return None
            out[key] = tuple(int(v) for v in values)
        return cls(out)

    def cell(self, key: str, col: int) -> int:
        return self.rows[key][col]

    def total(self, key: str) -> int:
        return self.rows[key][TOTAL_COL]

    def to_json(self) -> dict[str, Any]:
        return {"columns": list(COLUMNS), "rows": {k: list(self.rows[k]) for k in ROW_KEYS}}


# ------------------------------------------------------------------------------------------------ table 四

TABLE4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
TABLE4_COLUMNS: tuple[str, ...] = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
RESULT_COLUMN: dict[str | None, int] = {
    RemedyResult.UPHELD.value: 0,
    RemedyResult.CORRECTED.value: 1,
    RemedyResult.OTHER.value: 2,
    None: 3,
}
PENDING_COL = 3
T4_TOTAL_COL = 4


@dataclass(frozen=True)
class Table4Group:
    key: str  # key in the JSON export
    kind: RemedyKind
    label: str  # the group's header as 30号 prints it
    parent: str = ""  # "行政诉讼" for the two litigation groups


TABLE4_GROUPS: tuple[Table4Group, ...] = (
    Table4Group("行政复议", RemedyKind.RECONSIDERATION, "行政复议"),
    Table4Group("行政诉讼_未经复议直接起诉", RemedyKind.LITIGATION_DIRECT, "未经复议直接起诉", "行政诉讼"),
    Table4Group("行政诉讼_复议后起诉", RemedyKind.LITIGATION_AFTER, "复议后起诉", "行政诉讼"),
)
GROUP_BY_KEY: dict[str, Table4Group] = {g.key: g for g in TABLE4_GROUPS}
GROUP_OF_KIND: dict[str, str] = {g.kind.value: g.key for g in TABLE4_GROUPS}


@dataclass(frozen=True)
class Table4:
    """Table 四: every group → five counts (结果维持, 结果纠正, 其他结果, 尚未审结, 总计)."""

    groups: Mapping[str, tuple[int, ...]]

    @classmethod
    def zero(cls) -> Table4:
        return cls({g.key: (0,) * 5 for g in TABLE4_GROUPS})

    @classmethod
    def from_counts(cls, counts: Iterable[tuple[str, str | None, int]]) -> Table4:
        """Build from (remedy kind code, result code or None, n); an unknown result counts in 总计 only."""
        grid = {g.key: [0] * 5 for g in TABLE4_GROUPS}
        for kind, result, n in counts:
            key = GROUP_OF_KIND.get(kind)
            if key is None:
                continue
            col = RESULT_COLUMN.get(result)
            if col is not None:
                grid[key][col] += n
            grid[key][T4_TOTAL_COL] += n
        return cls({k: tuple(v) for k, v in grid.items()})

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Table4 | None:
        if not data:
            return None
        out: dict[str, tuple[int, ...]] = {}
        for g in TABLE4_GROUPS:
            values = data.get(g.key)
            if not isinstance(values, Sequence) or len(values) != 5:
                return None
            out[g.key] = tuple(int(v) for v in values)
        return cls(out)

    def cell(self, key: str, col: int) -> int:
        return self.groups[key][col]

    def to_json(self) -> dict[str, list[int]]:
        return {g.key: list(self.groups[g.key]) for g in TABLE4_GROUPS}


# ------------------------------------------------------------------------------------------------ table 二

TABLE2_TITLE = "二、主动公开政府信息情况"
FEE_MEASURE = "本年收费金额（单位：万元）"


@dataclass(frozen=True)
class Table2Item:
    section: str  # 第二十条第（一）项 …
    item: str  # 规章, 行政许可 …
    measures: tuple[str, ...]


_DOCS = ("本年制发件数", "本年废止件数", "现行有效件数")
_DECISIONS = ("本年处理决定数量",)
TABLE2_ITEMS: tuple[Table2Item, ...] = (
    Table2Item("第二十条第（一）项", "规章", _DOCS),
    Table2Item("第二十条第（一）项", "行政规范性文件", _DOCS),
    Table2Item("第二十条第（五）项", "行政许可", _DECISIONS),
    Table2Item("第二十条第（六）项", "行政处罚", _DECISIONS),
    Table2Item("第二十条第（六）项", "行政强制", _DECISIONS),
    Table2Item("第二十条第（八）项", "行政事业性收费", (FEE_MEASURE,)),
)
TABLE2_SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(i.section for i in TABLE2_ITEMS))

Number = int | float


@dataclass(frozen=True)
class Table2:
    """Table 二 as the office enters it (docs/rules.md §6): item → measure → number (万元 for the fee)."""

    values: Mapping[str, Mapping[str, Number]] = field(default_factory=dict)

    def get(self, item: str, measure: str) -> Number:
        return self.values.get(item, {}).get(measure, 0)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Table2:
        """Tolerant reader: unknown keys are dropped, missing or unreadable values are 0."""
        data = data or {}
        out: dict[str, dict[str, Number]] = {}
        for it in TABLE2_ITEMS:
            given = data.get(it.item) if isinstance(data.get(it.item), Mapping) else {}
            out[it.item] = {}
            for m in it.measures:
                out[it.item][m] = _number(given.get(m), fee=m == FEE_MEASURE)
        return cls(out)

    def to_json(self) -> dict[str, dict[str, Number]]:
        return {it.item: {m: self.get(it.item, m) for m in it.measures} for it in TABLE2_ITEMS}


def _number(value: Any, *, fee: bool) -> Number:
    try:
        if fee:
            number = float(Decimal(str(value)).quantize(Decimal("0.0001"), ROUND_HALF_UP)) if value is not None else 0.0
            return int(number) if number == int(number) else number
        return int(value) if value is not None else 0
    except (ValueError, TypeError, ArithmeticError):
        return 0


def validate_table2(values: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Every reason the entered table 二 cannot be saved (counts are whole numbers ≥ 0; 万元 up to 4 decimals)."""
    problems: list[str] = []
    for it in TABLE2_ITEMS:
        for m in it.measures:
            value = values.get(it.item, {}).get(m, 0)
            where = f"{it.section} {it.item}“{m}”"
            if m == FEE_MEASURE:
                try:
                    amount = Decimal(str(value))
                except ArithmeticError:
                    problems.append(f"{where}应为数字")
                    continue
                if not amount.is_finite() or amount < 0:
                    problems.append(f"{where}不能为负数")
                elif amount != amount.quantize(Decimal("0.0001")):
                    problems.append(f"{where}最多保留四位小数（单位：万元）")
            elif isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"{where}应为整数")
            elif value < 0:
                problems.append(f"{where}不能为负数")
    return problems


def format_amount(value: Number) -> str:
    """万元 as printed: no trailing zeros (0, 12.5, 3.1416)."""
    text = f"{Decimal(str(value)).quantize(Decimal('0.0001'), ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    return text or "0"


# ------------------------------------------------------------------------------------------------ counting


@dataclass(frozen=True)
class CaseFacts:
    """What table 三 needs of one application: its column, legal receipt date, closing date and outcome.

    ``kind`` and ``outcome`` are the stored codes (an unknown code is kept, so the checks can see it).
    """

    kind: str
    receipt_date: date | None
    closed_on: date | None = None
    outcome: str | None = None
    voided: bool = False


@dataclass(frozen=True)
class RemedyFacts:
    """One 行政复议 / 行政诉讼 case as table 四 counts it (kind and result codes, filing date)."""

    kind: str
    filed_on: date
    result: str | None = None
    voided: bool = False  # the application it was brought against is voided


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def table3_rows_of(case: CaseFacts, year: int) -> tuple[str, ...]:
    """The rows of table 三 of *year* that *case* counts in (docs/rules.md §6), in the case's own column.

    一 = legal receipt date in Y; 二 = received before Y and not closed before 1 January of Y; 三 = closed in Y,
    in the row of its outcome and in 三(七); 四 = received by 31 December of Y and still open at its end.
    Voided registrations count nowhere; unconfirmed ones (no receipt date) not yet.
    """
    if case.voided or case.receipt_date is None:
        return ()
    start, end = year_bounds(year)
    r, c = case.receipt_date, case.closed_on
    if r > end:
        return ()
    rows: list[str] = []
    if r >= start:
        rows.append("一")
    elif c is None or c >= start:
        rows.append("二")
    if c is not None and start <= c <= end:
        # no (or an unknown) outcome: only in 三(七), and the check 三(七) = sub-rows names it
        if case.outcome in OUTCOME_CODE_ROW:
            rows.append(OUTCOME_CODE_ROW[case.outcome])
        rows.append("三.七")
    if c is None or c > end:
        rows.append("四")
    return tuple(rows)


def table4_cell_of(remedy: RemedyFacts, year: int) -> tuple[str, int] | None:
    """(group key, column) of table 四 of *year* for *remedy*: counted in its filing year under its recorded
    result, without a result 尚未审结 (docs/rules.md §6); None when it does not count in *year*."""
    start, end = year_bounds(year)
    if remedy.voided or not (start <= remedy.filed_on <= end):
        return None
    group = GROUP_OF_KIND.get(remedy.kind)
    if group is None:
        return None
    return group, RESULT_COLUMN.get(remedy.result, T4_TOTAL_COL)


Cell = tuple[str, str, int]  # ("三", row key, column) or ("四", group key, column)


def footprint(case: CaseFacts, remedies: Iterable[RemedyFacts], year: int) -> frozenset[Cell]:
    """Every cell of tables 三 and 四 of *year* that one application counts in (总计 column included).

    Two states of a case with the same footprint leave the year's tables unchanged: this is what the lock
    of a published year compares before and after a change.
    """
    cells: set[Cell] = set()
    col = KIND_COLUMN.get(case.kind)
    for key in table3_rows_of(case, year):
        cells.add(("三", key, TOTAL_COL))
        if col is not None:
            cells.add(("三", key, col))
    for i, remedy in enumerate(remedies):
        hit = table4_cell_of(remedy, year)
        if hit is not None:  # several cases can share a cell: keep them apart
            cells.add(("四", f"{hit[0]}#{i}", hit[1]))
    return frozenset(cells)


def count_tables(cases: Iterable[CaseFacts], remedies: Iterable[RemedyFacts], year: int) -> tuple[Table3, Table4]:
    """The reference count of tables 三 and 四 of *year* over a whole history, one case at a time."""
    tallies: list[tuple[str, str | None, int]] = []
    for case in cases:
        tallies += [(key, case.kind, 1) for key in table3_rows_of(case, year)]
    t4: list[tuple[str, str | None, int]] = []
    for remedy in remedies:
        if table4_cell_of(remedy, year) is not None:
            t4.append((remedy.kind, remedy.result, 1))
    return Table3.from_counts(tallies), Table4.from_counts(t4)


# ------------------------------------------------------------------------------------------------ checks


@dataclass(frozen=True)
class Check:
    """One check of docs/rules.md §6: the rule, whether it holds, a Chinese detail naming the cells.

    ``cells`` are the cells that disagree (("三", row key, column) or ("四", group key, column)), for a screen
    to mark.
    """

    rule: str
    ok: bool
    detail: str
    cells: tuple[Cell, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "ok": self.ok, "detail": self.detail}


def cell_name(key: str, col: int) -> str:
    """A cell of table 三 in words: "三(三)5·自然人"."""
    return f"{ROW_BY_KEY[key].name}·{COLUMNS[col]}"


RULE_IDENTITY = "每列：一 + 二 = 三(七) + 四"
RULE_SUBTOTAL = "每列：三(七) = (一)至(六)各项之和"
RULE_TOTAL = "每行：总计 = 六类申请人之和"
RULE_T4_TOTAL = "表四：总计 = 各项结果之和"
RULE_CARRY = "本年二（上年结转）= 上年四（结转下年度继续办理）"


def _rule_carry_published(prev: int) -> str:
    return f"本年二 = {prev}年已发布报告的四"


def _rule_published(year: int) -> str:
    return f"当前数据与{year}年已发布的表三、表四一致"


def check_tables(
    year: int,
    t3: Table3,
    t4: Table4,
    *,
    previous_carried_out: Sequence[int] | None = None,
    previous_published: Table3 | None = None,
    published: tuple[Table3 | None, Table4 | None] | None = None,
) -> list[Check]:
    """The checks of docs/rules.md §6, each naming the cells that disagree.

    *previous_carried_out*: row 四 of year Y−1 counted from the register now; *previous_published*: table 三 of
    Y−1 as published (stored when that year was locked) — when it disagrees the program warns and shows both
    figures; *published*: this year's own published tables, compared with what the register counts now.
    """
    checks: list[Check] = []
    bad: list[str] = []
    cells: list[Cell] = []
    for col, name in enumerate(COLUMNS):
        left = t3.cell("一", col) + t3.cell("二", col)
        right = t3.cell("三.七", col) + t3.cell("四", col)
        if left != right:
            bad.append(
                f"{name}列：一 {t3.cell('一', col)} + 二 {t3.cell('二', col)} = {left}，"
                f"三(七) {t3.cell('三.七', col)} + 四 {t3.cell('四', col)} = {right}"
            )
            cells += [("三", k, col) for k in ("一", "二", "三.七", "四")]
    total = COLUMNS[TOTAL_COL]
    checks.append(
        Check(
            RULE_IDENTITY,
            not bad,
            "；".join(bad)
            if bad
            else f"七列均相符（{total}列：一 {t3.total('一')} + 二 {t3.total('二')} = "
            f"三(七) {t3.total('三.七')} + 四 {t3.total('四')}）",
            tuple(cells),
        )
    )

    bad, cells = [], []
    for col, name in enumerate(COLUMNS):
        parts = sum(t3.cell(k, col) for k in OUTCOME_ROW_KEYS)
        if parts != t3.cell("三.七", col):
            bad.append(f"{name}列：三(七) {t3.cell('三.七', col)}，(一)至(六)各项之和 {parts}")
            cells.append(("三", "三.七", col))
    detail = "；".join(bad) if bad else f"七列均相符（{total}列：{t3.total('三.七')}）"
    checks.append(Check(RULE_SUBTOTAL, not bad, detail, tuple(cells)))

    bad, cells = [], []
    for key in ROW_KEYS:
        six = sum(t3.cell(key, c) for c in range(6))
        if six != t3.total(key):
            bad.append(f"{ROW_BY_KEY[key].name}行：总计 {t3.total(key)}，六类申请人之和 {six}")
            cells.append(("三", key, TOTAL_COL))
    checks.append(Check(RULE_TOTAL, not bad, "；".join(bad) if bad else f"{len(ROW_KEYS)}行均相符", tuple(cells)))

    bad, cells = [], []
    for g in TABLE4_GROUPS:
        values = t4.groups[g.key]
        if sum(values[:4]) != values[T4_TOTAL_COL]:
            bad.append(f"{g.label}：总计 {values[T4_TOTAL_COL]}，各项结果之和 {sum(values[:4])}")
            cells.append(("四", g.key, T4_TOTAL_COL))
    checks.append(Check(RULE_T4_TOTAL, not bad, "；".join(bad) if bad else "三组均相符", tuple(cells)))

    if previous_carried_out is not None:
        checks.append(_carry_check(RULE_CARRY, t3, previous_carried_out, f"{year - 1}年四"))
    if previous_published is not None:
        checks.append(
            _carry_check(
                _rule_carry_published(year - 1),
                t3,
                previous_published.rows["四"],
                f"{year - 1}年已发布的四",
            )
        )
    if published is not None:
        checks.append(_published_check(year, t3, t4, *published))
    return checks


def _carry_check(rule: str, t3: Table3, previous: Sequence[int], what: str) -> Check:
    bad = [
        f"{name}列：本年二 {t3.cell('二', col)}，{what} {previous[col]}"
        for col, name in enumerate(COLUMNS)
        if t3.cell("二", col) != previous[col]
    ]
    cells = tuple(("三", "二", col) for col in range(7) if t3.cell("二", col) != previous[col])
    detail = "；".join(bad) if bad else f"七列均相符（总计 {t3.total('二')}）"
    return Check(rule, not bad, detail, cells)


def _published_check(year: int, t3: Table3, t4: Table4, p3: Table3 | None, p4: Table4 | None) -> Check:
    bad: list[str] = []
    cells: list[Cell] = []
    if p3 is not None:
        for key in ROW_KEYS:
            for col in range(7):
                if t3.cell(key, col) != p3.cell(key, col):
                    bad.append(f"表三 {cell_name(key, col)}：已发布 {p3.cell(key, col)}，现为 {t3.cell(key, col)}")
                    cells.append(("三", key, col))
    if p4 is not None:
        for g in TABLE4_GROUPS:
            for col, name in enumerate(TABLE4_COLUMNS):
                if t4.cell(g.key, col) != p4.cell(g.key, col):
                    bad.append(f"表四 {g.label}·{name}：已发布 {p4.cell(g.key, col)}，现为 {t4.cell(g.key, col)}")
                    cells.append(("四", g.key, col))
    return Check(_rule_published(year), not bad, "；".join(bad) if bad else "表三、表四各格均相符", tuple(cells))


# ------------------------------------------------------------------------------------------------ prose


@dataclass(frozen=True)
class FeeSummary:
    """信息处理费 actually collected in the year (docs/rules.md §7): payments and their total in yuan."""

    count: int = 0
    total_yuan: int = 0


TEXT_KEYS: tuple[str, ...] = ("intro", "overview", "problems", "other")
TEXT_LABELS: dict[str, str] = {
    "intro": "报告说明",
    "overview": "一、总体情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
SECTION_TITLES: tuple[str, ...] = (
    "一、总体情况",
    TABLE2_TITLE,
    TABLE3_TITLE,
    TABLE4_TITLE,
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

_GROUP_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("予以公开", ("三.一",)),
    ("部分公开", ("三.二",)),
    ("不予公开", tuple(k for k in OUTCOME_ROW_KEYS if k.startswith("三.三."))),
    ("无法提供", tuple(k for k in OUTCOME_ROW_KEYS if k.startswith("三.四."))),
    ("不予处理", tuple(k for k in OUTCOME_ROW_KEYS if k.startswith("三.五."))),
    ("其他处理", tuple(k for k in OUTCOME_ROW_KEYS if k.startswith("三.六."))),
)


def percent_change(current: int, previous: int) -> str:
    """The change on last year in words, rounded half up to a whole per cent: "同比增长15%", "同比下降20%",
    "与上年持平"; "" when last year had none (no per cent of nothing)."""
    if previous <= 0:
        return ""
    if current == previous:
        return "与上年持平"
    pct = (Decimal(abs(current - previous)) * 100 / Decimal(previous)).quantize(Decimal(1), ROUND_HALF_UP)
    return f"同比{'增长' if current > previous else '下降'}{pct}%"


def outcome_groups(t3: Table3) -> list[tuple[str, int]]:
    """(予以公开 …, n) for the six outcome groups of 三, in the table's order."""
    return [(word, sum(t3.total(k) for k in keys)) for word, keys in _GROUP_WORDS]


def _by_kind(t3: Table3, key: str) -> str:
    parts = [f"{COLUMNS[c]}{t3.cell(key, c)}件" for c in range(6) if t3.cell(key, c)]
    return "、".join(parts)


def _yuan(amount: int) -> str:
    return f"{amount:,}元".replace(",", "")


def draft_overview(
    year: int,
    t3: Table3,
    t4: Table4,
    *,
    previous_closed: int | None = None,
    fees: FeeSummary | None = None,
    late: int | None = None,
) -> str:
    """The paragraph on applications for 一、总体情况, in the style of the office's published reports.

    Counts by applicant kind, carried-over cases, outcomes by group, timeliness (*late* = closed after the
    legal reply date, when known), fees collected, remedies, and the change of cases handled (三(七)) on
    last year (*previous_closed*) in words and per cent. A pure function of the figures (docs/rules.md §6).
    """
    fees = fees or FeeSummary()
    new, carried, closed, left = t3.total("一"), t3.total("二"), t3.total("三.七"), t3.total("四")
    if new == carried == closed == left == 0:
        text = f"{year}年，本机关未收到政府信息公开申请，无上年结转的申请"
    else:
        kinds = [c for c in range(6) if t3.cell("一", c)]
        if new == 0:
            text = f"{year}年，本机关未收到新的政府信息公开申请"
        elif len(kinds) == 1 and t3.cell("一", kinds[0]) == new:
            text = f"{year}年，本机关共收到{COLUMNS[kinds[0]]}提交的政府信息公开申请{new}件"
        else:
            text = (
                f"{year}年，本机关共收到公民、法人和其他组织提交的政府信息公开申请{new}件（其中{_by_kind(t3, '一')}）"
            )
        if carried:
            text += f"，上年结转{carried}件"
        text += f"。本年度共办结{closed}件" if closed else "。本年度没有办结的申请"
        groups = [f"{word}{n}件" for word, n in outcome_groups(t3) if n]
        if groups:
            text += "，其中" + "，".join(groups)
        text += f"；结转下年度继续办理{left}件" if left else "，无结转下年度继续办理的申请"
        if closed and late is not None:
            text += "。办结的申请均在法定期限内作出答复" if late == 0 else f"。其中{late}件超过法定答复期限办结"
    text += "。" + (
        "所有答复均未收取信息处理费"
        if fees.count == 0
        else f"依法收取信息处理费{fees.count}件，共计{_yuan(fees.total_yuan)}"
    )
    recon = t4.cell("行政复议", T4_TOTAL_COL)
    lit = t4.cell("行政诉讼_未经复议直接起诉", T4_TOTAL_COL) + t4.cell("行政诉讼_复议后起诉", T4_TOTAL_COL)
    if recon or lit:
        parts = ([f"被申请行政复议{recon}件"] if recon else []) + ([f"被提起行政诉讼{lit}件"] if lit else [])
        text += "；因政府信息公开工作" + "、".join(parts)
    else:
        text += "，未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况"
    if previous_closed is not None:
        change = percent_change(closed, previous_closed)
        if change:
            text += f"。办结数量对比{year - 1}年（{previous_closed}件），{change}"
    return text + "。"


def fee_sentence(year: int, fees: FeeSummary) -> str:
    if fees.count == 0:
        return f"{year}年，本机关无收取信息处理费的情况。"
    return f"{year}年，本机关依法收取信息处理费{fees.count}件，共计{_yuan(fees.total_yuan)}。"


def default_texts(
    year: int,
    *,
    agency: str,
    contact: str,
    overview: str,
    fees: FeeSummary | None = None,
) -> dict[str, str]:
    """The default texts of a report (the office edits them): the opening note, 一 (the drafted paragraph on
    applications, :func:`draft_overview`), 五 and 六 (with the fees collected, docs/rules.md §7)."""
    fees = fees or FeeSummary()
    return {
        "intro": (
            "本年度报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
            f"（国办公开办函〔2021〕30号）要求编制。本年度报告中所列数据的统计期限自{year}年1月1日起，"
            f"至{year}年12月31日止。如对报告内容有疑问，请与{agency}联系（{contact}）。"
        ),
        "overview": overview,
        "problems": (
            "（一）存在的主要问题。一是主动公开的方式和渠道还不够丰富，政策解读的形式有待创新；"
            "二是依申请公开办理的规范化水平有待进一步提高；三是政务公开工作人员的业务能力有待加强。\n"
            "（二）改进情况。一是拓展信息公开途径，丰富公开形式，使公开的信息更贴近公众、方便群众；"
            "二是严格执行依申请公开办理程序，规范登记、审核、办理、答复、归档各环节，确保依法按时答复；"
            "三是加强业务培训，提升政务公开工作人员的业务素质和能力水平。"
        ),
        "other": (
            f"（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况。{fee_sentence(year, fees)}\n"
            "（二）其他需要报告的事项。无。"
        ),
    }

"""Annual-report tables, counting rules, checks and prose (app/domain/statistics.py, docs/rules.md §6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.codes import ApplicantKind, Outcome
from app.domain.procedure import RemedyKind, RemedyResult
from app.domain.statistics import (
    COLUMNS,
    OUTCOME_ROW_KEYS,
    ROW_KEYS,
    TABLE2_ITEMS,
    TABLE3_ROWS,
    TABLE4_COLUMNS,
    TABLE4_GROUPS,
    CaseFacts,
    FeeSummary,
    RemedyFacts,
    Table2,
    Table3,
    Table4,
    check_tables,
    count_tables,
    default_texts,
    draft_overview,
    footprint,
    format_amount,
    percent_change,
    table3_rows_of,
    validate_table2,
)

#: The row labels of table 三 exactly as the office's 2023 report prints them (30号 wording, full-width marks).
LABELS_2023 = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
]
JSON_KEYS = (
    ["一", "二", "三.一", "三.二"]
    + [f"三.三.{i}" for i in range(1, 9)]
    + [f"三.四.{i}" for i in range(1, 4)]
    + [f"三.五.{i}" for i in range(1, 6)]
    + [f"三.六.{i}" for i in range(1, 4)]
    + ["三.七", "四"]
)


def test_table3_rows_and_columns_are_those_of_the_published_format():
    assert [r.label for r in TABLE3_ROWS] == LABELS_2023
    assert list(ROW_KEYS) == JSON_KEYS
    assert list(COLUMNS) == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    subgroups = {r.subgroup for r in TABLE3_ROWS if r.subgroup}
    assert subgroups == {"（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"}
    # every outcome is exactly one row (docs/rules.md §5), and each row its report_row
    assert sorted(r.outcome for r in TABLE3_ROWS if r.outcome) == sorted(Outcome)
    assert {r.name for r in TABLE3_ROWS if r.outcome} == {o.info.report_row for o in Outcome}


def test_table4_and_table2_layout():
    assert [g.key for g in TABLE4_GROUPS] == ["行政复议", "行政诉讼_未经复议直接起诉", "行政诉讼_复议后起诉"]
    assert [g.label for g in TABLE4_GROUPS] == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert TABLE4_COLUMNS == ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    assert [(i.section, i.item) for i in TABLE2_ITEMS] == [
        ("第二十条第（一）项", "规章"),
        ("第二十条第（一）项", "行政规范性文件"),
        ("第二十条第（五）项", "行政许可"),
        ("第二十条第（六）项", "行政处罚"),
        ("第二十条第（六）项", "行政强制"),
        ("第二十条第（八）项", "行政事业性收费"),
    ]
    assert TABLE2_ITEMS[0].measures == ("本年制发件数", "本年废止件数", "现行有效件数")
    assert TABLE2_ITEMS[-1].measures == ("本年收费金额（单位：万元）",)


NP = ApplicantKind.NATURAL_PERSON.value
D = date


@pytest.mark.parametrize(
    ("case", "rows"),
    [
        (CaseFacts(NP, D(2023, 3, 1), D(2023, 3, 10), "disclosed"), ("一", "三.一", "三.七")),
        (CaseFacts(NP, D(2022, 12, 20), D(2023, 1, 5), "partial"), ("二", "三.二", "三.七")),
        (CaseFacts(NP, D(2022, 12, 20), None), ("二", "四")),
        (CaseFacts(NP, D(2023, 12, 29), D(2024, 1, 8), "disclosed"), ("一", "四")),
        (CaseFacts(NP, D(2022, 5, 1), D(2022, 12, 31), "disclosed"), ()),  # closed before the year
        (CaseFacts(NP, D(2024, 1, 2), None), ()),  # received after the year
        (CaseFacts(NP, None, None), ()),  # 待确认: not yet counted
        (CaseFacts(NP, D(2023, 3, 1), None, voided=True), ()),  # voided: counted nowhere
        (CaseFacts(NP, D(2023, 3, 1), D(2023, 3, 9), None), ("一", "三.七")),  # closed without outcome
    ],
)
def test_counting_rules_of_one_case(case, rows):
    assert table3_rows_of(case, 2023) == rows


def test_remedies_count_in_their_filing_year_under_their_result():
    remedies = [
        RemedyFacts(RemedyKind.RECONSIDERATION.value, D(2023, 5, 1), RemedyResult.UPHELD.value),
        RemedyFacts(RemedyKind.LITIGATION_DIRECT.value, D(2023, 6, 1), None),
        RemedyFacts(RemedyKind.LITIGATION_AFTER.value, D(2023, 7, 1), RemedyResult.CORRECTED.value),
        RemedyFacts(RemedyKind.LITIGATION_AFTER.value, D(2022, 7, 1), RemedyResult.OTHER.value),
        RemedyFacts(RemedyKind.RECONSIDERATION.value, D(2023, 8, 1), None, voided=True),
    ]
    _t3, t4 = count_tables([], remedies, 2023)
    assert t4.to_json() == {
        "行政复议": [1, 0, 0, 0, 1],
        "行政诉讼_未经复议直接起诉": [0, 0, 0, 1, 1],
        "行政诉讼_复议后起诉": [0, 1, 0, 0, 1],
    }


def test_checks_name_the_cells_that_disagree():
    t3 = Table3.from_counts([("一", NP, 3), ("三.一", NP, 2), ("三.七", NP, 3), ("四", "unknown_kind", 1)])
    checks = {c.rule: c for c in check_tables(2023, t3, Table4.zero(), previous_carried_out=(1, 0, 0, 0, 0, 0, 1))}
    identity = checks["每列：一 + 二 = 三(七) + 四"]
    assert not identity.ok
    assert "总计列：一 3 + 二 0 = 3，三(七) 3 + 四 1 = 4" in identity.detail
    assert ("三", "四", 6) in identity.cells
    subtotal = checks["每列：三(七) = (一)至(六)各项之和"]
    assert not subtotal.ok and "自然人列：三(七) 3，(一)至(六)各项之和 2" in subtotal.detail
    total = checks["每行：总计 = 六类申请人之和"]
    assert not total.ok and total.detail == "四行：总计 1，六类申请人之和 0"
    carry = checks["本年二（上年结转）= 上年四（结转下年度继续办理）"]
    assert not carry.ok and "自然人列：本年二 0，2022年四 1" in carry.detail
    assert {c.cells for c in checks.values() if c.ok} == {()}


def test_check_against_the_published_previous_year_shows_both_figures():
    t3 = Table3.from_counts([("二", NP, 2), ("三.一", NP, 2), ("三.七", NP, 2)])
    published = Table3.from_counts([("四", NP, 1)])
    checks = check_tables(2024, t3, Table4.zero(), previous_published=published)
    check = next(c for c in checks if c.rule == "本年二 = 2023年已发布报告的四")
    assert not check.ok
    assert check.detail == "自然人列：本年二 2，2023年已发布的四 1；总计列：本年二 2，2023年已发布的四 1"


def test_json_round_trip_and_zero_tables():
    assert Table3.zero().to_json()["rows"] == {k: [0] * 7 for k in JSON_KEYS}
    t3 = Table3.from_counts([("一", NP, 2)])
    assert Table3.from_json(t3.to_json()) == t3
    assert Table4.from_json(Table4.zero().to_json()) == Table4.zero()
    assert Table3.from_json({"rows": {"一": [1]}}) is None


def test_table2_validation_and_reading():
    good = {
        "规章": {"本年制发件数": 1, "本年废止件数": 0, "现行有效件数": 3},
        "行政许可": {"本年处理决定数量": 18463},
        "行政事业性收费": {"本年收费金额（单位：万元）": 12.5},
    }
    assert validate_table2(good) == []
    t2 = Table2.from_json(good)
    assert t2.get("行政许可", "本年处理决定数量") == 18463
    assert t2.get("行政处罚", "本年处理决定数量") == 0
    assert t2.to_json()["行政事业性收费"] == {"本年收费金额（单位：万元）": 12.5}
    bad = {
        "规章": {"本年制发件数": -1, "本年废止件数": 1.5, "现行有效件数": 0},
        "行政事业性收费": {"本年收费金额（单位：万元）": 0.00001},
    }
    assert validate_table2(bad) == [
        "第二十条第（一）项 规章“本年制发件数”不能为负数",
        "第二十条第（一）项 规章“本年废止件数”应为整数",
        "第二十条第（八）项 行政事业性收费“本年收费金额（单位：万元）”最多保留四位小数（单位：万元）",
    ]
    assert format_amount(0) == "0" and format_amount(12.5) == "12.5" and format_amount(3.14159) == "3.1416"


@pytest.mark.parametrize(
    ("current", "previous", "words"),
    [(7, 2, "同比增长250%"), (8, 7, "同比增长14%"), (7, 8, "同比下降13%"), (5, 5, "与上年持平"), (3, 0, "")],
)
def test_change_on_last_year_in_words(current, previous, words):
    assert percent_change(current, previous) == words


def test_prose_for_an_empty_year_and_for_fees():
    t3, t4 = Table3.zero(), Table4.zero()
    text = draft_overview(2025, t3, t4, fees=FeeSummary())
    assert text.startswith("2025年，本机关未收到政府信息公开申请，无上年结转的申请。所有答复均未收取信息处理费")
    paid = draft_overview(2025, t3, t4, fees=FeeSummary(2, 1700))
    assert "依法收取信息处理费2件，共计1700元" in paid
    texts = default_texts(2025, agency="某局", contact="电话：1", overview=text, fees=FeeSummary(2, 1700))
    assert set(texts) == {"intro", "overview", "problems", "other"}
    assert "2025年，本机关依法收取信息处理费2件，共计1700元。" in texts["other"]
    assert "统计期限自2025年1月1日起，至2025年12月31日止" in texts["intro"]


# ------------------------------------------------------------------------------------------- properties

KINDS = [k.value for k in ApplicantKind]
OUTCOMES = [o.value for o in Outcome]


@st.composite
def histories(draw: st.DrawFn) -> list[CaseFacts]:
    """Random registers: receipt 2018–2025 (or unconfirmed), closed some days later or open, some voided."""
    cases = []
    for _ in range(draw(st.integers(0, 40))):
        receipt = draw(st.one_of(st.none(), st.dates(D(2018, 1, 1), D(2025, 12, 31))))
        closed = None
        if receipt is not None and draw(st.booleans()):
            closed = receipt + timedelta(days=draw(st.integers(0, 500)))
        cases.append(
            CaseFacts(
                draw(st.sampled_from(KINDS)),
                receipt,
                closed,
                draw(st.sampled_from(OUTCOMES)) if closed else None,
                draw(st.booleans()) if draw(st.integers(0, 9)) == 0 else False,
            )
        )
    return cases


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(2019, 2025))
def test_every_column_balances_for_any_history(cases, year):
    t3, _t4 = count_tables(cases, [], year)
    for col in range(7):
        assert t3.cell("一", col) + t3.cell("二", col) == t3.cell("三.七", col) + t3.cell("四", col)
        assert t3.cell("三.七", col) == sum(t3.cell(k, col) for k in OUTCOME_ROW_KEYS)
    for key in ROW_KEYS:
        assert t3.total(key) == sum(t3.cell(key, c) for c in range(6))
    previous, _ = count_tables(cases, [], year - 1)
    assert t3.rows["二"] == previous.rows["四"]  # this year's 二 = last year's 四
    assert all(c.ok for c in check_tables(year, t3, Table4.zero(), previous_carried_out=previous.rows["四"]))


@settings(max_examples=100, deadline=None)
@given(histories(), st.integers(2019, 2025))
def test_the_footprint_is_what_the_case_adds_to_the_tables(cases, year):
    """Removing one case changes exactly the cells of its footprint, by one each (what the lock compares)."""
    t3, _ = count_tables(cases, [], year)
    for i, case in enumerate(cases[:5]):
        rest, _ = count_tables(cases[:i] + cases[i + 1 :], [], year)
        changed = {("三", k, c) for k in ROW_KEYS for c in range(7) if t3.cell(k, c) != rest.cell(k, c)}
        assert changed == set(footprint(case, [], year))
        assert all(t3.cell(k, c) - rest.cell(k, c) == 1 for _t, k, c in changed)

"""Reading and checking ledger (台账) rows: every problem with its row and column, warnings, events."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import pytest

from app.domain import procedure as P
from app.domain.codes import EventKind, Outcome
from app.domain.ledger import (
    COMPUTED_COLUMNS,
    IMPORT_COLUMNS,
    REQUIRED_COLUMNS,
    LedgerProblem,
    parse_date,
    row_events,
    template_rows,
    validate_ledger,
)
from app.domain.workcalendar import WorkCalendar

TODAY = date(2026, 11, 20)
CAL = WorkCalendar()


def base_row(**kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "收到日期": "2026-02-13",
        "申请人类型": "自然人",
        "申请人": "张三",
        "申请内容": "某项目环评批复",
        "证件号码": "11010519491231002X",
    }
    row.update(kw)
    return row


def check(*rows: dict[str, object], existing: set[str] | None = None, columns=IMPORT_COLUMNS):
    header = list(columns)
    data = [(i + 2, [r.get(c) for c in header]) for i, r in enumerate(rows)]
    return validate_ledger(header, data, cal=CAL, today=TODAY, existing_numbers=existing or set())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-05", date(2026, 3, 5)),
        ("2026/3/5", date(2026, 3, 5)),
        ("2026年3月5日", date(2026, 3, 5)),
        ("２０２６年３月５日", date(2026, 3, 5)),
        ("2026.03.05", date(2026, 3, 5)),
        ("20260305", date(2026, 3, 5)),
        ("2026-03-05 00:00:00", date(2026, 3, 5)),
        (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)),
        (date(2026, 3, 5), date(2026, 3, 5)),
        (46086, date(2026, 3, 5)),  # an Excel serial number
    ],
)
def test_dates_in_every_accepted_style(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "三月五日", "5/3/2026", "明天"])
def test_unreadable_dates_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match="日期"):
        parse_date(text)


def test_columns_in_any_order_and_computed_columns_ignored():
    columns = list(reversed(IMPORT_COLUMNS)) + list(COMPUTED_COLUMNS) + ["备注"]
    row = base_row(答复期限="2026-03-19", 状态="已办结", 备注="x", 答复日期="2026-03-10", 办理结果="予以公开")
    result = check(row, columns=columns)
    assert result.ok, result.problems
    assert result.rows[0].outcome is Outcome.DISCLOSED
    assert "备注" in result.ignored_columns and "答复期限" in result.ignored_columns


def test_only_the_four_required_columns_are_needed():
    result = check(base_row(), columns=REQUIRED_COLUMNS)
    assert result.ok and result.rows[0].reg_number == ""


def test_missing_required_column_is_a_header_problem():
    result = check(base_row(), columns=[c for c in IMPORT_COLUMNS if c != "申请人类型"])
    assert [(p.row, p.column) for p in result.problems] == [(1, "申请人类型")]
    assert str(result.problems[0]) == "第 1 行“申请人类型”列：表头缺少必需的列"


def test_outcome_accepts_short_and_official_labels():
    short = check(base_row(答复日期="2026-03-10", 办理结果="不予公开-内部事务信息"))
    official = check(base_row(答复日期="2026-03-10", 办理结果="5.属于三类内部事务信息"))
    assert short.rows[0].outcome is official.rows[0].outcome is Outcome.WITHHELD_INTERNAL


INVALID = [
    ({"收到日期": "2026-13-45"}, "收到日期", "日期"),
    ({"收到日期": ""}, "收到日期", "必填"),
    ({"申请人": ""}, "申请人", "必填"),
    ({"申请内容": " "}, "申请内容", "必填"),
    ({"申请方式": "电话"}, "申请方式", "未知的申请方式"),
    ({"申请人类型": "个人"}, "申请人类型", "未知的申请人类型"),
    ({"证件类型": "驾驶证"}, "证件类型", "未知的证件类型"),
    ({"答复日期": "2026-02-10", "办理结果": "予以公开"}, "答复日期", "早于收到日期"),
    ({"答复日期": "2026-03-10", "办理结果": "全部公开了"}, "办理结果", "未知的办理结果"),
    ({"答复日期": "2026-03-10"}, "办理结果", "没有办理结果"),
    ({"办理结果": "予以公开"}, "答复日期", "没有答复日期"),
    ({"征求意见开始": "2026-03-02", "征求意见结束": "2026-02-27"}, "征求意见结束", "早于征求意见开始"),
    ({"征求意见结束": "2026-03-02"}, "征求意见结束", "没有征求意见开始"),
    ({"收费通知日期": "2026-03-02", "缴费日期": "2026-03-01"}, "缴费日期", "早于收费通知日期"),
    ({"补正收到日期": "2026-03-02"}, "补正收到日期", "没有补正通知日期"),
    ({"补正通知日期": "2026-02-12"}, "补正通知日期", "早于收到日期"),
    ({"延期工作日": "21"}, "延期工作日", "0 至 20"),
    ({"延期工作日": "-1"}, "延期工作日", "0 至 20"),
    ({"延期工作日": "十天"}, "延期工作日", "整数"),
    ({"收到日期": "2026-12-01"}, "收到日期", "晚于今天"),
    ({"收到日期": "2001-01-01"}, "收到日期", "早于"),
    (
        {"答复日期": "2026-03-10", "办理结果": "予以公开", "缴费日期": "2026-03-12", "收费通知日期": "2026-03-02"},
        "缴费日期",
        "晚于答复日期",
    ),
    ({"行政复议结果": "维持"}, "行政复议日期", "没有行政复议日期"),
    ({"行政复议日期": "2026-05-01", "行政复议结果": "撤销"}, "行政复议结果", "未知的结果"),
    ({"行政诉讼日期": "2026-05-01"}, "行政诉讼类型", "没有行政诉讼类型"),
    ({"行政诉讼日期": "2026-05-01", "行政诉讼类型": "上诉"}, "行政诉讼类型", "未知的行政诉讼类型"),
    ({"行政诉讼类型": "直接起诉"}, "行政诉讼日期", "没有行政诉讼日期"),
    (
        {"行政复议日期": "2026-06-01", "行政诉讼日期": "2026-05-01", "行政诉讼类型": "复议后起诉"},
        "行政诉讼日期",
        "早于行政复议日期",
    ),
]


@pytest.mark.parametrize(("changes", "column", "words"), INVALID)
def test_each_invalid_cell_is_reported_with_row_and_column(changes, column, words):
    good = base_row()
    result = check(good, base_row(**changes), good)
    assert not result.ok and result.rows == []
    assert {(p.row, p.column) for p in result.problems} == {(3, column)}, result.problems
    assert words in result.problems[0].message


def test_every_problem_of_every_row_is_listed_in_row_order():
    result = check(
        base_row(收到日期="昨天", 申请人类型="居民"),
        base_row(),
        base_row(答复日期="2026-03-10"),
    )
    assert [(p.row, p.column) for p in result.problems] == [(2, "收到日期"), (2, "申请人类型"), (4, "办理结果")]


def test_duplicate_numbers_in_the_file_and_in_the_register():
    result = check(
        base_row(登记编号="〔2026〕第1号"),
        base_row(登记编号="〔2026〕第2号"),
        base_row(登记编号="〔2026〕第1号"),
        existing={"〔2026〕第2号"},
    )
    assert [(p.row, p.column) for p in result.problems] == [(3, "登记编号"), (4, "登记编号")]
    assert "第 2 行重复" in result.problems[1].message
    assert "已在系统中登记" in result.problems[0].message


def test_timeline_the_clock_cannot_follow_is_a_problem():
    # a correction received before the correction notice went out
    result = check(base_row(补正通知日期="2026-03-02", 补正收到日期="2026-02-27"))
    assert [str(p) for p in result.problems] == [
        "第 2 行“补正收到日期”列：补正收到日期 2026-02-27 早于补正通知日期 2026-03-02"
    ]
    assert result.rows == []


def test_warnings_id_checksum_late_correction_late_reply():
    result = check(
        base_row(证件号码="110105194912310021"),
        base_row(补正通知日期="2026-03-05", 补正收到日期="2026-03-06", 答复日期="2026-03-20", 办理结果="予以公开"),
        base_row(答复日期="2026-03-25", 办理结果="予以公开"),
    )
    assert result.ok, result.problems
    assert [(w.row, w.column) for w in result.warnings] == [(2, "证件号码"), (3, "补正通知日期"), (4, "答复日期")]
    assert result.warnings[0].message.startswith("居民身份证号码 110105********0021 未通过校验：")
    assert "2026-03-02" in result.warnings[1].message  # correction notice due (docs/rules.md §4 worked example)
    assert "2026-03-19" in result.warnings[2].message  # reply due


def test_row_becomes_its_timeline_events():
    result = check(
        base_row(
            补正通知日期="2026-02-24",
            补正收到日期="2026-02-26",
            征求意见开始="2026-03-02",
            征求意见结束="2026-03-10",
            收费通知日期="2026-03-11",
            缴费日期="2026-03-13",
            延期工作日=10,
            答复日期="2026-04-20",
            办理结果="部分公开",
            行政复议日期="2026-05-20",
            行政复议结果="维持",
            行政诉讼日期="2026-06-20",
            行政诉讼类型="复议后起诉",
        )
    )
    assert result.ok, result.problems
    row = result.rows[0]
    events = row_events(row)
    assert [e.kind for e in events] == [
        EventKind.CORRECTION_REQUESTED,
        EventKind.CORRECTION_RECEIVED,
        EventKind.THIRD_PARTY_CONSULTATION_STARTED,
        EventKind.THIRD_PARTY_CONSULTATION_ENDED,
        EventKind.FEE_NOTICE_SENT,
        EventKind.FEE_PAID,
        EventKind.EXTENSION,
        EventKind.DECIDED,
        EventKind.RECONSIDERATION_FILED,
        EventKind.LITIGATION_FILED,
    ]
    decided = events[7]
    assert decided.day == date(2026, 4, 20) and decided.payload == P.Decided(outcome=Outcome.PARTIAL, source="ledger")
    assert events[6].payload == P.Extension(days=10, source="ledger")
    # no notice date in the ledger: the extension is dated on the last day it could lawfully be given, the
    # unextended due date (20 working days from 2-26, + 6 + 2 paused, 清明 4-4..4-6 skipped)
    assert row.extension_on == events[6].day == date(2026, 4, 7)
    # the same payloads the counter records: table 四 families spelled once
    assert events[8].payload == P.ReconsiderationFiled(result=P.RemedyResult.UPHELD, source="ledger")
    assert events[9].payload == P.LitigationFiled(type=P.LitigationType.AFTER_RECONSIDERATION, source="ledger")
    assert row.remedies() == [
        ("reconsideration", date(2026, 5, 20), "upheld"),
        ("litigation_after", date(2026, 6, 20), None),
    ]


def test_template_example_row_is_valid():
    header, example = template_rows()
    result = validate_ledger(header, [(2, example)], cal=CAL, today=TODAY)
    assert result.ok and result.warnings == []


def test_problem_text():
    assert str(LedgerProblem(7, "收到日期", "必填项为空")) == "第 7 行“收到日期”列：必填项为空"
    assert str(LedgerProblem(0, "", "文件中没有数据行")) == "文件：文件中没有数据行"


def test_domain_ledger_imports_neither_qt_nor_sqlalchemy():
    code = "import sys, app.domain.ledger; print('PySide6' in sys.modules, 'sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


PATTERN = "〔{年}〕第{号}号"


def numbered(*numbers: str, counters: dict[int, int] | None = None, allow: bool = False):
    header = list(IMPORT_COLUMNS)
    data = [(i + 2, [base_row(登记编号=n).get(c) for c in header]) for i, n in enumerate(numbers)]
    return validate_ledger(
        header,
        data,
        cal=CAL,
        today=TODAY,
        number_pattern=PATTERN,
        counters=counters or {},
        allow_number_jump=allow,
    )


def test_registration_numbers_need_a_sane_year_and_sequence():
    result = numbered("〔9999〕第1号", "〔2007〕第2号", "〔2026〕第0号", "〔2026〕第123456789012号", "〔2027〕第1号")
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "登记编号"),
        (3, "登记编号"),
        (4, "登记编号"),
        (5, "登记编号"),
    ]
    assert "123456789012" not in str(result.problems[3])  # redacted, never a long digit run in full


def test_a_jump_beyond_the_counter_is_a_problem_unless_allowed():
    assert numbered("〔2026〕第10005号", counters={2026: 5}).ok
    jumped = numbered("〔2026〕第10006号", counters={2026: 5})
    assert not jumped.ok and "多出 10000 个号" in jumped.problems[0].message
    assert numbered("〔2026〕第10006号", counters={2026: 5}, allow=True).ok
    assert numbered("〔2026〕第9000号", "〔2026〕第18000号", "〔2026〕第27000号").ok  # dense steps are no jump


def test_numbers_in_another_style_are_not_judged():
    assert numbered("旧编号-999999999").ok


def test_redact_masks_identity_numbers_and_birth_dates():
    from app.domain.ledger import redact

    assert redact("号码 370305199401059736 出生日期 1994年1月5日 不存在", limit=200) == (
        "号码 370305********9736 出生日期 ****年**月**日 不存在"
    )
    assert redact("2026-03-05") == "2026-03-05"  # an ordinary date stays readable

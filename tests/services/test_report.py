"""年度报告 service: SQL aggregates against the domain's reference, drill-down, entered figures, exports."""

from __future__ import annotations

import json
import random
import zipfile
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import insert

from app.domain.codes import ApplicantKind, Outcome, Status
from app.domain.procedure import RemedyKind, RemedyResult
from app.domain.statistics import COLUMNS, ROW_KEYS, TABLE4_GROUPS, CaseFacts, RemedyFacts, count_tables
from app.services import register as REG
from app.services import report as R
from app.services.errors import ValidationError
from app.services.report_export import export_report, report_json
from app.store.models import Applicant, Application, RemedyCase

D = date


def random_register(ctx, seed: int, n: int = 400) -> tuple[list[CaseFacts], list[RemedyFacts]]:
    """Insert a random register straight into the tables (the derived columns as the services keep them)."""
    rng = random.Random(seed)
    now = datetime(2026, 2, 13)
    cases: list[CaseFacts] = []
    remedies: list[RemedyFacts] = []
    apps, cases_rows = [], []
    with ctx.db.session_scope() as s:
        s.execute(insert(Applicant.__table__), [{"id": 1, "kind": "natural_person", "name": "甲", "created_at": now}])
        for i in range(1, n + 1):
            receipt = None if rng.random() < 0.05 else D(2019, 1, 1) + timedelta(days=rng.randrange(0, 365 * 7))
            closed = receipt + timedelta(days=rng.randrange(0, 400)) if receipt and rng.random() < 0.85 else None
            outcome = rng.choice(list(Outcome)).value if closed else None
            voided = rng.random() < 0.04
            kind = rng.choice(list(ApplicantKind)).value
            status = Status.VOIDED if voided else Status.CLOSED if closed else Status.IN_PROGRESS
            apps.append(
                {
                    "id": i,
                    "year": 2019,
                    "seq": i,
                    "reg_number": f"〔2019〕第{i}号",
                    "channel": "in_person",
                    "arrived_at": datetime(2019, 1, 1),
                    "receipt_date": receipt,
                    "receipt_basis": "",
                    "applicant_id": 1,
                    "applicant_kind": kind,
                    "applicant_name": "甲",
                    "content": "某信息",
                    "status": status.value,
                    "reply_due": receipt + timedelta(days=28) if receipt else None,
                    "closed_on": None if voided else closed,
                    "outcome": None if voided else outcome,
                    "registered_by": "测试",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            cases.append(CaseFacts(kind, receipt, None if voided else closed, None if voided else outcome, voided))
            if closed and rng.random() < 0.2:
                remedy_kind = rng.choice(list(RemedyKind)).value
                filed = closed + timedelta(days=rng.randrange(1, 60))
                result = rng.choice([None, *(r.value for r in RemedyResult)])
                cases_rows.append({"application_id": i, "kind": remedy_kind, "filed_on": filed, "result": result})
                remedies.append(RemedyFacts(remedy_kind, filed, result, voided))
        s.execute(insert(Application.__table__), apps)
        if cases_rows:
            s.execute(insert(RemedyCase.__table__), cases_rows)
    return cases, remedies


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_aggregates_equal_the_domain_reference(ctx, seed):
    cases, remedies = random_register(ctx, seed)
    for year in range(2019, 2027):
        assert R.compute_tables(ctx, year) == count_tables(cases, remedies, year), year
    view = R.build_report(ctx, 2022)
    assert all(c.ok for c in view.checks), [c for c in view.checks if not c.ok]
    reference, _ = count_tables(cases, remedies, 2021)
    assert view.previous_closed == reference.total("三.七")


def test_every_cell_opens_exactly_its_applications(ctx):
    random_register(ctx, 7, 250)
    year = 2022
    t3, t4 = R.compute_tables(ctx, year)
    for key in ROW_KEYS:
        for col in range(7):
            ids = R.cell_applications(ctx, year, "三", key, col)
            assert len(ids) == t3.cell(key, col), (key, col)
    for group in TABLE4_GROUPS:
        for col in range(5):
            ids = R.cell_applications(ctx, year, "四", group.key, col)
            assert len(ids) <= t4.cell(group.key, col) and (len(ids) > 0) == (t4.cell(group.key, col) > 0)
    ids = R.cell_applications(ctx, year, "三", "一", 0)
    assert REG.query_ids(ctx, REG.RegisterFilter(ids=tuple(ids)), REG.SortKey.NUMBER, False) == sorted(ids)
    assert REG.query_ids(ctx, REG.RegisterFilter(ids=())) == []
    assert R.cell_label(year, "三", "三.三.5", 0) == "2022年 表三 三(三)5 5.属于三类内部事务信息·自然人"
    assert R.cell_label(year, "四", "行政诉讼_复议后起诉", 3) == "2022年 表四 行政诉讼·复议后起诉·尚未审结"


def test_the_register_filter_takes_many_ids_in_one_parameter(ctx):
    random_register(ctx, 11, 400)
    ids = tuple(range(1, 401, 2)) + tuple(range(100_000, 140_000))  # 40,000 ids: over SQLite's parameter limit
    got = REG.query_ids(ctx, REG.RegisterFilter(ids=ids, status=REG.StatusFilter.ALL))
    assert sorted(got) == list(range(1, 401, 2))


def test_year_limits_and_an_empty_year(ctx):
    with pytest.raises(ValidationError, match="年度应在2008年至2026年之间"):
        R.build_report(ctx, 2007)
    with pytest.raises(ValidationError, match="2027"):
        R.build_report(ctx, 2027)
    view = R.build_report(ctx, 2008)
    assert view.table3.to_json()["rows"] == {k: [0] * 7 for k in ROW_KEYS}
    assert view.to_json()["table4"] == {g.key: [0] * 5 for g in TABLE4_GROUPS}
    assert view.previous_closed is None and "未收到政府信息公开申请" in view.texts["overview"]
    assert R.report_years(ctx)[0] == 2026 and R.report_years(ctx)[-1] == 2008


def test_table2_and_texts_are_stored_per_year(ctx):
    figures = {"行政许可": {"本年处理决定数量": 18463}, "行政规范性文件": {"本年废止件数": 1}}
    R.save_table2(ctx, 2023, figures)
    R.save_texts(ctx, 2023, {"overview": "本机关自拟的总体情况。", "problems": "  "})
    view = R.build_report(ctx, 2023)
    assert view.table2.get("行政许可", "本年处理决定数量") == 18463
    assert view.table2.get("行政规范性文件", "本年废止件数") == 1
    assert view.texts["overview"] == "本机关自拟的总体情况。" and view.edited == frozenset({"overview"})
    assert view.texts["problems"] == view.defaults["problems"]  # an emptied text falls back to the default
    assert R.build_report(ctx, 2022).table2.get("行政许可", "本年处理决定数量") == 0
    with pytest.raises(ValidationError, match="不能为负数"):
        R.save_table2(ctx, 2023, {"行政许可": {"本年处理决定数量": -5}})
    with pytest.raises(ValidationError, match="未知的报告文字部分"):
        R.save_texts(ctx, 2023, {"preface": "x"})


def test_json_export_follows_the_shape_key_for_key(ctx, tmp_path):
    random_register(ctx, 5, 120)
    path = export_report(ctx, 2021, tmp_path / "r.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["year", "table2", "table3", "table4", "checks"]
    assert data["year"] == 2021
    assert list(data["table3"]) == ["columns", "rows"]
    assert data["table3"]["columns"] == list(COLUMNS)
    assert list(data["table3"]["rows"]) == list(ROW_KEYS)
    assert all(len(v) == 7 and all(isinstance(x, int) for x in v) for v in data["table3"]["rows"].values())
    assert list(data["table4"]) == ["行政复议", "行政诉讼_未经复议直接起诉", "行政诉讼_复议后起诉"]
    assert all(len(v) == 5 for v in data["table4"].values())
    assert list(data["table2"]) == ["规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"]
    assert all(set(c) == {"rule", "ok", "detail"} for c in data["checks"]) and data["checks"]
    t3, t4 = R.compute_tables(ctx, 2021)
    assert data["table3"] == t3.to_json() and data["table4"] == t4.to_json()
    assert report_json(R.build_report(ctx, 2021)) == path.read_text(encoding="utf-8")


def test_xlsx_is_laid_out_like_the_official_tables(ctx, tmp_path):
    random_register(ctx, 5, 120)
    path = export_report(ctx, 2021, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、行政复议、行政诉讼情况",
    ]
    ws = wb["三、收到和处理政府信息公开申请情况"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A8:A29"} <= merged
    assert ws["A3"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert [ws.cell(row=5, column=c).value for c in range(5, 10)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert ws["A6"].value == "一、本年新收政府信息公开申请数量" and ws["A8"].value == "三、本年度办理结果"
    assert ws["B10"].value == "（三）不予公开" and ws["C14"].value == "5.属于三类内部事务信息"
    t3, _ = R.compute_tables(ctx, 2021)
    assert [ws.cell(row=6, column=c).value for c in range(4, 11)] == list(t3.rows["一"])
    assert [ws.cell(row=30, column=c).value for c in range(4, 11)] == list(t3.rows["四"])
    assert ws.print_area == "'三、收到和处理政府信息公开申请情况'!$A$1:$J$30"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1  # A4, one page wide
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$3:$5"
    assert ws["D7"].border.left.style == "thin" and ws["A29"].border.bottom.style == "thin"
    t4 = wb["四、行政复议、行政诉讼情况"]
    assert t4.page_setup.orientation == "landscape"
    assert {"A3:E3", "F3:O3", "F4:J4", "K4:O4", "A4:A5"} <= {str(r) for r in t4.merged_cells.ranges}


def test_pdf_and_docx_hold_the_whole_report(ctx, tmp_path):
    random_register(ctx, 5, 120)
    pdf = export_report(ctx, 2021, tmp_path / "r.pdf")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages).replace("\n", "")
    for heading in (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "五、存在的主要问题",
    ):
        assert heading in text
    assert "属于三类内部事务信息" in text and "未经复议直接起诉" in text
    assert "— 1 —" in text
    docx = export_report(ctx, 2021, tmp_path / "r.docx")
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    for words in ("六、其他需要报告的事项", "结转下年度继续办理", "复议后起诉", "w:gridSpan", "w:vMerge"):
        assert words in xml
    assert not list(tmp_path.glob(".年度报告-*"))  # no temporary file left behind


def test_an_unknown_format_is_refused_and_writes_nothing(ctx, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValidationError, match="不支持的文件类型“\\.txt”"):
        export_report(ctx, 2021, out / "r.txt")
    with pytest.raises(ValidationError, match="年度应在"):
        export_report(ctx, 2030, out / "r.json")
    with pytest.raises(ValidationError, match="保存位置不存在"):
        export_report(ctx, 2021, out / "missing" / "r.json")
    assert list(out.iterdir()) == []


def test_fees_received_in_the_year_reach_the_prose(ctx, clock):
    from app.domain.codes import EventKind
    from app.domain.fees import FeeScheme
    from app.domain.procedure import Decided, FeeNotice, FeePaid
    from app.services import applications as A
    from tests.factories import register_in_person

    r = register_in_person(ctx, datetime(2025, 3, 3, 9), clock)
    clock.value = datetime(2026, 2, 13, 10)
    A.record_event(
        ctx,
        r.id,
        EventKind.FEE_NOTICE_SENT,
        D(2025, 3, 5),
        FeeNotice(scheme=FeeScheme.PER_PAGE, quantity=150, amount_yuan=1700),
    )
    A.record_event(ctx, r.id, EventKind.FEE_PAID, D(2025, 3, 10), FeePaid(amount_yuan=1700))
    A.record_event(ctx, r.id, EventKind.DECIDED, D(2025, 3, 20), Decided(outcome=Outcome.DISCLOSED))
    view = R.build_report(ctx, 2025)
    assert (view.fees.count, view.fees.total_yuan) == (1, 1700)
    assert "依法收取信息处理费1件，共计1700元" in view.texts["overview"]
    assert "2025年，本机关依法收取信息处理费1件，共计1700元。" in view.texts["other"]

"""Lock of a published year: nothing that would alter its tables gets in until it is unlocked with a reason."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.codes import ApplicantKind, EventKind, Outcome
from app.domain.procedure import LitigationFiled, LitigationType, Note, ReconsiderationFiled, RemedyResult, VoidReason
from app.services import applications as A
from app.services import audit
from app.services import report as R
from app.services.errors import ValidationError
from app.services.ledger import import_ledger
from app.store.models import AnnualReport, Event
from tests.services.test_report_seed import decide, enter_history, register

D = date


@pytest.fixture
def history(ctx):
    return enter_history(ctx)


def lock_2021(ctx):
    return R.lock_year(ctx, 2021, D(2022, 1, 25))


def test_locking_stores_the_published_tables_and_is_audited(ctx, history):
    state = lock_2021(ctx)
    assert state.locked and state.published_on == D(2022, 1, 25)
    t3, t4 = R.compute_tables(ctx, 2021)
    with ctx.db.session_scope() as s:
        row = s.get(AnnualReport, 2021)
        assert row.locked and row.published_table3 == t3.to_json() and row.published_table4 == t4.to_json()
        event = s.scalars(select(Event).where(Event.application_id.is_(None)).order_by(Event.id.desc())).first()
        assert event.kind == EventKind.SETTING_CHANGED.value
        assert event.data == {"key": "report_lock:2021", "label": "2021年年度报告锁定", "old": False, "new": True}
    view = R.build_report(ctx, 2021)
    assert view.lock.locked and view.lock.table3 == t3
    assert [c.rule for c in view.checks][-1] == "当前数据与2021年已发布的表三、表四一致"
    assert all(c.ok for c in view.checks)
    with pytest.raises(ValidationError, match="无需再次锁定"):
        lock_2021(ctx)


def test_changes_that_would_alter_a_locked_year_are_refused(ctx, history):
    open_2021 = register(ctx, D(2021, 12, 27), ApplicantKind.NATURAL_PERSON, "赵六")  # carried into 2022
    lock_2021(ctx)
    before = R.compute_tables(ctx, 2021)

    with pytest.raises(ValidationError, match=r"2021年年度报告已锁定（已于2022年1月25日发布）.*表三 三\(一\)·自然人"):
        decide(ctx, open_2021, D(2021, 12, 30), Outcome.DISCLOSED)  # a closing step in the locked year
    with pytest.raises(ValidationError, match="表四 行政复议·其他结果"):
        A.record_event(
            ctx,
            history["not_held_a"],
            EventKind.RECONSIDERATION_FILED,
            D(2021, 12, 1),
            ReconsiderationFiled(result=RemedyResult.OTHER),
        )
    with pytest.raises(ValidationError, match="2021年年度报告已锁定"):
        moved = A.ParticularsCorrection(receipt_date=D(2022, 1, 4), arrived_at=datetime(2022, 1, 4, 9, 30))
        A.correct_particulars(ctx, open_2021, moved, "登记日期录入错误")
    with pytest.raises(ValidationError, match="2021年年度报告已锁定"):
        A.correct_particulars(
            ctx, history["not_held_b"], A.ParticularsCorrection(applicant_kind=ApplicantKind.LEGAL_SERVICE), "更正"
        )
    with pytest.raises(ValidationError, match="2021年年度报告已锁定"):
        A.void_application(ctx, open_2021, VoidReason.DUPLICATE, "重复登记")
    with pytest.raises(ValidationError, match="2021年年度报告已锁定"):
        register(ctx, D(2021, 6, 1), ApplicantKind.COMMERCIAL, "迟登记的公司")
    assert R.compute_tables(ctx, 2021) == before

    # what leaves 2021 as published is allowed: closing in 2022, a note, a case of another year
    decide(ctx, open_2021, D(2022, 1, 10), Outcome.DISCLOSED)
    A.record_event(ctx, open_2021, EventKind.NOTE, D(2022, 1, 11), Note(), "已电话告知")
    register(ctx, D(2024, 3, 1))
    A.record_event(
        ctx,
        history["not_held_a"],
        EventKind.LITIGATION_FILED,
        D(2022, 2, 1),
        LitigationFiled(type=LitigationType.DIRECT),
    )
    assert R.compute_tables(ctx, 2021) == before


def test_unlocking_needs_a_reason_and_then_changes_show_against_the_published_tables(ctx, history):
    open_2021 = register(ctx, D(2021, 12, 27))
    lock_2021(ctx)
    with pytest.raises(ValidationError, match="请填写解除锁定的理由"):
        R.unlock_year(ctx, 2021, "  ")
    R.unlock_year(ctx, 2021, "补录2021年12月30日的答复")
    events = audit.query_event_ids(ctx, audit.AuditFilter())
    with ctx.db.session_scope() as s:
        last = s.get(Event, events[0])
        assert last.data["key"] == "report_lock:2021" and last.data["old"] is True and last.data["new"] is False
        assert last.note == "补录2021年12月30日的答复"
    decide(ctx, open_2021, D(2021, 12, 30), Outcome.DISCLOSED)
    view = R.build_report(ctx, 2021)
    assert not view.lock.locked and view.lock.published
    check = next(c for c in view.checks if c.rule == "当前数据与2021年已发布的表三、表四一致")
    assert not check.ok
    assert "表三 三(七)·自然人：已发布 5，现为 6" in check.detail and "表三 四·自然人：已发布 1，现为 0" in check.detail
    assert ("三", "三.七", 0) in check.cells
    with pytest.raises(ValidationError, match="未锁定"):
        R.unlock_year(ctx, 2021, "再次")


def test_the_next_year_warns_when_the_published_carry_over_differs(ctx, history):
    late = register(ctx, D(2021, 12, 27))
    lock_2021(ctx)  # published with 四 = 1 (the case was open at the end of 2021)
    R.unlock_year(ctx, 2021, "答复日期登记错误")
    decide(ctx, late, D(2021, 12, 31), Outcome.DISCLOSED)  # now closed in 2021: 四 = 0
    check = next(c for c in R.build_report(ctx, 2022).checks if c.rule == "本年二 = 2021年已发布报告的四")
    assert not check.ok
    assert check.detail == "自然人列：本年二 0，2021年已发布的四 1；总计列：本年二 0，2021年已发布的四 1"


def test_a_locked_year_keeps_its_table2_and_texts(ctx, history):
    R.save_table2(ctx, 2021, {"行政许可": {"本年处理决定数量": 12777}})
    lock_2021(ctx)
    with pytest.raises(ValidationError, match=r"2021年年度报告已锁定.*不能修改"):
        R.save_table2(ctx, 2021, {"行政许可": {"本年处理决定数量": 1}})
    with pytest.raises(ValidationError, match="不能修改"):
        R.save_texts(ctx, 2021, {"overview": "改写"})
    assert R.build_report(ctx, 2021).table2.get("行政许可", "本年处理决定数量") == 12777
    R.save_texts(ctx, 2022, {"overview": "另一年不受影响"})


def test_confirming_an_unconfirmed_application_into_a_locked_year_is_refused(ctx, clock, history):
    R.lock_year(ctx, 2023, D(2024, 1, 24))
    with pytest.raises(ValidationError, match="2023年年度报告已锁定"):
        A.confirm_receipt(ctx, history["unconfirmed"], datetime(2023, 12, 29, 15), "申请人")
    A.confirm_receipt(ctx, history["unconfirmed"], datetime(2024, 1, 2, 9), "申请人")  # 2024: fine


def test_a_ledger_row_counting_in_a_locked_year_is_refused(ctx, tmp_path):
    R.lock_year(ctx, 2023, D(2024, 1, 24))
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "收到日期,申请方式,申请人类型,申请人,申请内容,答复日期,办理结果\n"
        "2023-05-06,当面,自然人,张三,某文件,2023-05-16,予以公开\n"
        "2024-05-06,当面,自然人,李四,某文件,2024-05-16,予以公开\n",
        encoding="utf-8",
    )
    report = import_ledger(ctx, ledger)
    assert not report.ok and report.imported == 0
    assert [p.row for p in report.problems] == [2]
    assert "该行会计入2023年年度报告已锁定（已于2024年1月24日发布）的统计数据，不能导入" in str(report.problems[0])
    R.unlock_year(ctx, 2023, "补录台账")
    assert import_ledger(ctx, ledger).imported == 2


def test_dates_of_publication(ctx):
    with pytest.raises(ValidationError, match="发布日期不能晚于今天"):
        R.lock_year(ctx, 2025, D(2026, 3, 1))
    with pytest.raises(ValidationError, match="不能早于2025年"):
        R.lock_year(ctx, 2025, D(2024, 12, 31))

"""The audit log: filtering in SQL, newest first, a one-line summary per event, and the chain check."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import text

from app.domain.codes import EventKind, Outcome
from app.services import applications as A
from app.services import audit
from app.services.audit import AuditFilter
from tests.factories import register_in_person


def ids(ctx, **kw) -> list[int]:
    return audit.query_event_ids(ctx, AuditFilter(**kw))


def rows(ctx, **kw) -> list[audit.AuditRow]:
    return audit.fetch_audit_rows(ctx, ids(ctx, **kw))


@pytest.fixture
def log(ctx, clock):
    """Three cases by two clerks on two days, an edit and a settings change; returns the registrations."""
    first = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, name="张三")
    second = register_in_person(ctx, datetime(2026, 2, 13, 9, 30), clock, name="李四")
    ctx.set_setting("clerk_name", "王五")  # a settings change
    clock.value = datetime(2026, 2, 16, 10, 0)
    third = register_in_person(ctx, datetime(2026, 2, 16, 10, 0), clock, name="赵六")
    clock.value = datetime(2026, 2, 16, 11, 0)
    A.edit_application(ctx, first.id, {"applicant_name": "张三丰"}, "申请人更正姓名")
    return first, second, third


def test_newest_first_and_every_row_named(ctx, log):
    first, second, third = log
    got = rows(ctx)
    stamps = [(r.recorded_at, r.id) for r in got]
    assert stamps == sorted(stamps, reverse=True)
    assert got[0].kind == EventKind.EDITED.value and got[0].reg_number == first.reg_number
    assert got[0].application_id == first.id and got[0].actor == "王五"
    settings = [r for r in got if r.kind == EventKind.SETTING_CHANGED.value]
    assert [(r.reg_number, r.application_id, r.kind_label) for r in settings] == [("（设置）", None, "修改设置")]
    assert {r.reg_number for r in got} == {first.reg_number, second.reg_number, third.reg_number, "（设置）"}


def test_filters_by_recorded_date_actor_kind_case_and_settings(ctx, log):
    first, second, third = log
    everything = rows(ctx)
    on_13th = rows(ctx, date_from=date(2026, 2, 13), date_to=date(2026, 2, 13))
    assert on_13th and all(r.recorded_at.date() == date(2026, 2, 13) for r in on_13th)
    later = rows(ctx, date_from=date(2026, 2, 14))
    assert later and all(r.recorded_at.date() == date(2026, 2, 16) for r in later)
    assert len(on_13th) + len(later) == len(everything)
    assert rows(ctx, date_to=date(2026, 2, 12)) == []

    assert audit.actors(ctx) == sorted({"窗口工作人员", "王五"})
    by_wang = rows(ctx, actor="王五")
    assert {r.reg_number for r in by_wang} - {"（设置）"} == {first.reg_number, third.reg_number}
    by_default = rows(ctx, actor="窗口工作人员")  # registered 第1号 and 第2号 before the name was set
    assert {r.reg_number for r in by_default} - {"（设置）"} == {first.reg_number, second.reg_number}
    assert len(by_wang) + len(rows(ctx, actor="窗口工作人员")) == len(everything)

    edits = rows(ctx, kinds=frozenset({EventKind.EDITED}))
    assert [r.application_id for r in edits] == [first.id]
    both = rows(ctx, kinds=frozenset({EventKind.EDITED, EventKind.SETTING_CHANGED}))
    assert [r.kind for r in both] == [EventKind.EDITED.value, EventKind.SETTING_CHANGED.value]

    case = rows(ctx, case_text=second.reg_number)
    assert case and {r.application_id for r in case} == {second.id}
    assert {r.application_id for r in rows(ctx, case_text="〔2026〕")} == {first.id, second.id, third.id}
    assert rows(ctx, case_text="%") == [] and rows(ctx, case_text="_") == []  # LIKE wildcards are literal

    settings = rows(ctx, settings_only=True)
    assert [r.kind for r in settings] == [EventKind.SETTING_CHANGED.value]
    assert rows(ctx, settings_only=True, kinds=frozenset({EventKind.REGISTERED})) == []


def test_summary_of_an_edit_and_of_a_setting_change(ctx, log):
    edit = rows(ctx, kinds=frozenset({EventKind.EDITED}))[0]
    assert edit.summary == "申请人姓名/名称：张三 → 张三丰；原因：申请人更正姓名"
    setting = rows(ctx, settings_only=True)[0]
    assert setting.summary == "经办人：窗口工作人员（默认） → 王五"
    ctx.set_setting("clerk_name", "赵七")
    assert rows(ctx, settings_only=True)[0].summary == "经办人：王五 → 赵七"
    ctx.set_setting("fee_payment_days", 25)  # never stored before: the old value is the default
    assert rows(ctx, settings_only=True)[0].summary == "缴费期限（工作日）：20（默认） → 25"


def test_summary_of_decisions_extensions_and_notes():
    assert audit.summarize("decided", {"outcome": Outcome.PARTIAL.value}, None) == "办理结果：部分公开"
    assert audit.summarize("extension", {"days": 15}, "需要调取档案") == "延长：15 个工作日；需要调取档案"
    assert audit.summarize("note", {}, "申请人来电\n询问进度") == "申请人来电 询问进度"
    corrected = {"changes": {"purpose": {"field": "用途", "old": None, "new": "科研"}}}
    assert audit.summarize("particulars_corrected", corrected, "") == "用途：（空） → 科研"
    assert audit.summarize("setting_changed", {"key": "k", "label": "某项", "old": True, "new": False}, "") == (
        "某项：是 → 否"
    )
    assert audit.summarize("some_future_kind", {"a": 1}, None) == ""
    assert audit.kind_label("some_future_kind") == "some_future_kind"


def test_rows_come_back_in_the_order_asked(ctx, log):
    wanted = ids(ctx)[::-1]
    assert [r.id for r in audit.fetch_audit_rows(ctx, wanted)] == wanted
    assert audit.fetch_audit_rows(ctx, []) == []
    assert audit.latest_event_id(ctx) == max(wanted)


def test_chain_is_intact_on_a_fresh_database(ctx, log):
    report = audit.verify_audit_chain(ctx)
    assert report.ok and report.first_break is None and report.break_count == 0
    assert report.checked == len(ids(ctx))


def test_tampered_event_is_named_with_its_case(ctx, log):
    _first, second, _third = log
    victim = rows(ctx, case_text=second.reg_number)[-1]  # its registration event
    with ctx.db.session_scope() as s:
        s.execute(text("UPDATE event SET data = :d WHERE id = :i"), {"d": '{"reg_number": "伪造"}', "i": victim.id})
    report = audit.verify_audit_chain(ctx)
    assert not report.ok
    assert report.first_break is not None
    assert report.first_break.event_id == victim.id
    assert report.first_break.reg_number == second.reg_number
    assert report.first_break.recorded_at == victim.recorded_at
    assert "改动" in report.first_break.reason
    assert report.checked == len(ids(ctx))


def test_deleted_event_names_the_next_one(ctx, log):
    everything = sorted(ids(ctx))
    middle, following = everything[2], everything[3]
    with ctx.db.session_scope() as s:
        s.execute(text("DELETE FROM event WHERE id = :i"), {"i": middle})
    report = audit.verify_audit_chain(ctx)
    assert not report.ok and report.first_break is not None
    assert report.first_break.event_id == following
    assert "删除" in report.first_break.reason
    assert report.checked == len(everything) - 1


def test_deleting_the_newest_events_is_found_by_the_anchor_and_the_head_is_shown(ctx, log):
    everything = sorted(ids(ctx))
    head = audit.chain_head(ctx)
    assert head.keyed and (head.count, head.last_id) == (len(everything), everything[-1])
    assert audit.verify_audit_chain(ctx).head == head.text
    with ctx.db.session_scope() as s:
        s.execute(text("DELETE FROM event WHERE id >= :i"), {"i": everything[-2]})
    report = audit.verify_audit_chain(ctx)
    assert not report.ok and report.first_break is not None
    assert report.first_break.event_id == everything[-1] and "少了 2 条" in report.first_break.reason
    assert report.anchor_problems and report.checked == len(everything) - 2


@pytest.mark.sqlite_only  # a server's DATE and JSON columns refuse such values
def test_an_event_with_a_garbage_date_or_bad_json_is_still_listed_saying_so(ctx, log):
    everything = sorted(ids(ctx))
    with ctx.db.session_scope() as s:
        s.execute(text("UPDATE event SET event_date = 'garbage' WHERE id = :i"), {"i": everything[0]})
        s.execute(text("UPDATE event SET data = '{bad' WHERE id = :i"), {"i": everything[1]})
    got = {r.id: r for r in rows(ctx)}
    assert len(got) == len(everything)
    assert "日期无法读取" in got[everything[0]].summary
    assert "内容（JSON）无法读取" in got[everything[1]].summary
    report = audit.verify_audit_chain(ctx)
    assert not report.ok and report.first_break is not None and report.first_break.event_id == everything[0]

"""Recording the steps of the procedure from the detail dialog, and the clocks it then shows."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate

from app.domain import procedure as P
from app.domain.codes import EventKind, Outcome, Status
from app.services import applications as A
from app.ui import msgbox
from app.ui.detail_dialog import DetailDialog
from app.ui.event_dialog import EventDialog
from tests.factories import register_in_person


def register(ctx, arrived: datetime = datetime(2026, 2, 13, 9, 30)) -> int:
    return register_in_person(ctx, arrived).id


def text_of(dialog: DetailDialog) -> str:
    return dialog.browser.toPlainText()


def no_boxes(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for name in ("warning", "information", "error"):
        monkeypatch.setattr(msgbox, name, lambda _p, title, text, details="": shown.append((title, text)))
    return shown


def test_detail_shows_every_clock_of_a_fresh_application(qtbot, ctx):
    dialog = DetailDialog(ctx, register(ctx))
    qtbot.addWidget(dialog)
    text = text_of(dialog)
    assert "答复期限\n2026年3月19日（星期四）\n剩余\n20 个工作日" in text
    assert "补正告知最迟" in text and "2026年3月2日（星期一）" in text
    assert "延期告知最迟" in text
    assert "预估" not in text
    assert not dialog.event_button.isHidden()
    assert dialog.event_button.text() == "记录办理事项…"


def test_recording_a_correction_notice_then_the_correction(qtbot, ctx, clock, monkeypatch):
    shown = no_boxes(monkeypatch)
    app_id = register(ctx)
    clock.value = datetime(2026, 2, 26, 10, 0)
    dialog = DetailDialog(ctx, app_id)
    qtbot.addWidget(dialog)
    answers = iter(
        [
            (
                EventKind.CORRECTION_REQUESTED,
                date(2026, 2, 25),
                P.CorrectionRequested(deadline=date(2026, 3, 18)),
                "缺少身份证明",
            ),
            (EventKind.CORRECTION_RECEIVED, date(2026, 2, 26), P.CorrectionReceived(), ""),
        ]
    )
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, detail, **kw: next(answers)))
    assert dialog.record_event()
    assert dialog.changed and dialog.detail.status is Status.AWAITING_CORRECTION
    text = text_of(dialog)
    assert "申请人补正期限" in text and "2026年3月18日" in text and "补正告知最迟" not in text
    assert "缺少身份证明" in text
    assert dialog.record_event()
    assert dialog.detail.status is Status.IN_PROGRESS
    assert dialog.detail.deadlines.base_date == date(2026, 2, 26)
    assert "收到补正材料之日" in dialog.explanation.text()
    assert shown == []


def test_a_refused_event_shows_the_services_problem(qtbot, ctx, monkeypatch):
    shown = no_boxes(monkeypatch)
    dialog = DetailDialog(ctx, register(ctx))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(
        EventDialog,
        "ask",
        classmethod(lambda cls, parent, detail, **kw: (EventKind.FEE_PAID, date(2026, 2, 13), P.FeePaid(), "")),
    )
    assert not dialog.record_event()
    assert shown and shown[-1][0] == "无法记录" and "没有正在进行的“收费通知至缴费”" in shown[-1][1]
    assert not dialog.changed


def test_cancelling_records_nothing(qtbot, ctx, monkeypatch):
    dialog = DetailDialog(ctx, register(ctx))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, detail, **kw: None))
    assert not dialog.record_event()
    assert [e.kind for e in dialog.detail.events] == [EventKind.REGISTERED, EventKind.IDENTITY_CHECKED]


def test_an_open_consultation_shows_the_paused_clock_with_used_and_remaining_days(qtbot, ctx, clock, monkeypatch):
    no_boxes(monkeypatch)
    app_id = register(ctx)
    clock.value = datetime(2026, 3, 2, 9, 0)
    A.record_event(
        ctx,
        app_id,
        EventKind.THIRD_PARTY_CONSULTATION_STARTED,
        date(2026, 2, 27),
        P.ConsultationStarted(party="某公司"),
    )
    dialog = DetailDialog(ctx, app_id)
    qtbot.addWidget(dialog)
    text = text_of(dialog)
    # 2026-02-14 (make-up), 16–23 off, 24, 25, 26, 27 → 5 working days used, 15 left
    assert "计时暂停" in text and "已计 5 个工作日" in text and "尚余 15 个工作日" in text
    # 15 working days after 2026-02-27: Sat 28 (make-up), 2–6, 9–13, 16–19 March
    assert "征求第三方意见答复最迟\n2026年3月19日（星期四）（2026年2月27日 发出，进行中）" in text
    assert P.offered_steps(dialog.detail.situation, date(2026, 3, 2))[:3] == [
        EventKind.CORRECTION_REQUESTED,
        EventKind.THIRD_PARTY_CONSULTATION_ENDED,
        EventKind.AGENCY_CONSULTATION_STARTED,
    ]


def test_provisional_dates_are_marked(qtbot, ctx, clock):
    clock.value = datetime(2026, 12, 15, 10, 0)
    dialog = DetailDialog(ctx, register(ctx, datetime(2026, 12, 15, 9, 0)))
    qtbot.addWidget(dialog)
    text = text_of(dialog)
    assert "2027年1月13日（星期三）（预估：2027年放假安排未确认）" in text
    # late December: the 2027 notice may still reach back into it (as the 2019 notice did for 2018-12-29)
    assert "2026年12月24日（星期四）（预估：2027年放假安排未确认）" in text
    clock.value = datetime(2026, 11, 13, 10, 0)  # while the correction-notice date is still ahead
    early = DetailDialog(ctx, register(ctx, datetime(2026, 11, 13, 9, 0)))
    qtbot.addWidget(early)
    assert "2026年11月24日（星期二）" in text_of(early)
    assert "2026年11月24日（星期二）（预估" not in text_of(early)


def test_the_dialog_offers_steps_by_status(qtbot, ctx, clock):
    app_id = register(ctx)
    detail = A.get_application(ctx, app_id)
    d = EventDialog(detail, date(2026, 2, 13))
    qtbot.addWidget(d)
    kinds = d.offered()
    assert kinds == [
        EventKind.CORRECTION_REQUESTED,
        EventKind.THIRD_PARTY_CONSULTATION_STARTED,
        EventKind.AGENCY_CONSULTATION_STARTED,
        EventKind.FEE_NOTICE_SENT,
        EventKind.EXTENSION,
        EventKind.DECIDED,
        EventKind.WITHDRAWN,
        EventKind.NOTE,
    ]
    A.record_event(
        ctx, app_id, EventKind.CORRECTION_REQUESTED, date(2026, 2, 13), P.CorrectionRequested(deadline=date(2026, 3, 6))
    )
    waiting = EventDialog(A.get_application(ctx, app_id), date(2026, 2, 13))
    qtbot.addWidget(waiting)
    assert waiting.offered() == [
        EventKind.CORRECTION_RECEIVED,
        EventKind.DECIDED,
        EventKind.WITHDRAWN,
        EventKind.NOTE,
    ]
    A.record_event(ctx, app_id, EventKind.DECIDED, date(2026, 2, 13), P.Decided(outcome=Outcome.DISCLOSED))
    closed = EventDialog(A.get_application(ctx, app_id), date(2026, 2, 13))
    qtbot.addWidget(closed)
    assert closed.offered() == [
        EventKind.SERVED,
        EventKind.RECONSIDERATION_FILED,
        EventKind.LITIGATION_FILED,
        EventKind.NOTE,
    ]


def test_correction_notice_proposes_the_applicants_deadline_in_working_days(qtbot, ctx):
    detail = A.get_application(ctx, register(ctx))
    d = EventDialog(detail, date(2026, 2, 13), ctx.calendar(), correction_days=15)
    qtbot.addWidget(d)
    d.action.set_value(EventKind.CORRECTION_REQUESTED)
    # 15 working days after Fri 2026-02-13: Sat 14, 24–27 Feb, Sat 28 (make-up), 2–6 and 9–12 March
    assert d.correction_deadline.date() == QDate(2026, 3, 12)
    assert d.answer() == (
        EventKind.CORRECTION_REQUESTED,
        date(2026, 2, 13),
        P.CorrectionRequested(deadline=date(2026, 3, 12)),
        "",
    )
    assert d.problems() == []


def test_extension_is_limited_to_twenty_days_in_total_and_names_the_latest_notice_day(qtbot, ctx, clock):
    app_id = register(ctx)
    clock.value = datetime(2026, 3, 10, 9, 0)
    A.record_event(ctx, app_id, EventKind.EXTENSION, date(2026, 3, 10), P.Extension(days=15))
    detail = A.get_application(ctx, app_id)
    d = EventDialog(detail, date(2026, 3, 10))
    qtbot.addWidget(d)
    d.action.set_value(EventKind.EXTENSION)
    assert d.extension_days.maximum() == 5 and d.extension_days.value() == 5
    assert "已延期 15 个工作日，最多还可延长 5 个工作日" in d.extension_hint.text()
    assert "2026年3月19日（星期四）" in d.extension_hint.text()
    d.extension_days.setValue(5)
    d.approved_by.setText("李主任")
    assert d.problems() == []
    assert d.payload() == P.Extension(days=5, approved_by="李主任")
    A.record_event(ctx, app_id, EventKind.EXTENSION, date(2026, 3, 10), P.Extension(days=5))
    full = EventDialog(A.get_application(ctx, app_id), date(2026, 3, 10))
    qtbot.addWidget(full)
    assert EventKind.EXTENSION not in full.offered()


def test_extension_over_twenty_is_refused_by_the_dialog(qtbot, ctx):
    detail = A.get_application(ctx, register(ctx))
    d = EventDialog(detail, date(2026, 2, 13))
    qtbot.addWidget(d)
    d.action.set_value(EventKind.EXTENSION)
    d.extension_days.setValue(25)  # the spin box clamps it
    assert d.extension_days.value() == 20
    assert "2026年3月19日" in d.extension_hint.text()


def test_decision_offers_every_outcome_and_closes(qtbot, ctx, monkeypatch):
    shown = no_boxes(monkeypatch)
    app_id = register(ctx)
    d = EventDialog(A.get_application(ctx, app_id), date(2026, 2, 13))
    qtbot.addWidget(d)
    d.action.set_value(EventKind.DECIDED)
    assert d.outcome.values() == list(Outcome)
    assert d.outcome.value() is None and d.problems() == ["作出答复须选择办理结果"]  # closing needs an explicit choice
    d.outcome.set_value(Outcome.PARTIAL)
    assert d.outcome.case.isHidden()  # 部分公开 is a group of one row
    answer = d.answer()
    assert answer == (EventKind.DECIDED, date(2026, 2, 13), P.Decided(outcome=Outcome.PARTIAL), "")
    dialog = DetailDialog(ctx, app_id)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, detail, **kw: answer))
    assert dialog.record_event()
    assert dialog.detail.status is Status.CLOSED and dialog.detail.outcome is Outcome.PARTIAL
    assert shown[-1][0] == "已办结"
    assert "办结日期" in text_of(dialog)


def test_a_note_needs_text(qtbot, ctx):
    d = EventDialog(A.get_application(ctx, register(ctx)), date(2026, 2, 13))
    qtbot.addWidget(d)
    d.action.set_value(EventKind.NOTE)
    assert d.problems() == ["请填写备注内容"]
    d.buttons.accepted.emit()
    assert d.problem.text() == "请填写备注内容" and d.result() == 0
    d.note.setPlainText("申请人来电询问进度")
    assert d.problems() == []
    assert d.answer()[3] == "申请人来电询问进度"


def test_editing_from_the_detail_view_shows_old_and_new_in_the_timeline(qtbot, ctx, monkeypatch):
    from app.ui.edit_dialog import EditDialog

    app_id = register(ctx)
    dialog = DetailDialog(ctx, app_id)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(
        EditDialog, "ask", classmethod(lambda cls, parent, detail: ({"phone": "13900000000"}, "来电更正"))
    )
    assert dialog.edit()
    html = dialog.browser.toPlainText()
    assert "联系电话：1 → 13900000000" in html and "来电更正" in html
    assert dialog.changed
    stored = A.get_application(ctx, app_id)  # saved, not only shown
    assert stored.phone == "13900000000" and stored.events[-1].kind is EventKind.EDITED
    assert stored.events[-1].note == "来电更正"


def test_edit_dialog_offers_the_current_particulars(qtbot, ctx):
    from app.services.applications import get_application
    from app.ui.edit_dialog import EditDialog

    dialog = EditDialog(get_application(ctx, register(ctx)))
    qtbot.addWidget(dialog)
    values = dialog.values()
    assert values["applicant_name"] == "张三" and values["content"] == "某文件" and values["phone"] == "1"


def consulting_agency(ctx, clock) -> int:
    """Registered Fri 2026-02-13; another agency consulted on 2026-02-27 (lapses Thu 2026-03-19)."""
    app_id = register(ctx)
    clock.value = datetime(2026, 3, 30, 9, 0)
    A.record_event(
        ctx, app_id, EventKind.AGENCY_CONSULTATION_STARTED, date(2026, 2, 27), P.ConsultationStarted(party="市财政局")
    )
    return app_id


def test_a_lapsed_consultation_ends_on_the_day_the_period_lapsed(qtbot, ctx, clock):
    detail = A.get_application(ctx, consulting_agency(ctx, clock))
    d = EventDialog(detail, date(2026, 3, 30), ctx.calendar())
    qtbot.addWidget(d)
    d.action.set_value(EventKind.AGENCY_CONSULTATION_ENDED)
    assert d.ending.value() == "answered" and d.day.date() == QDate(2026, 3, 30)  # an answer: the day it came
    d.ending.set_value(P.ConsultationEnding.LAPSED)
    # 15 working days after 2026-02-27: the pause (S, E] ends on the 15th, not on the day it is recorded
    assert d.day.date() == QDate(2026, 3, 19) and d.day.maximumDate() == QDate(2026, 3, 19)
    assert "2026年3月19日（星期四）届满" in d.ending_hint.text() and "不能晚于该日" in d.ending_hint.text()
    d.day.setDate(QDate(2026, 3, 25))  # clamped: a later date is not offered for this choice
    assert d.day.date() == QDate(2026, 3, 19)
    assert d.answer() == (
        EventKind.AGENCY_CONSULTATION_ENDED,
        date(2026, 3, 19),
        P.ConsultationEnded(how=P.ConsultationEnding.LAPSED),
        "",
    )
    assert d.problems() == []
    d.ending.set_value("answered")
    assert d.day.date() == QDate(2026, 3, 30) and d.day.maximumDate() == QDate(2026, 3, 30)


def test_a_consultation_cannot_lapse_before_its_fifteenth_working_day(qtbot, ctx, clock):
    detail = A.get_application(ctx, consulting_agency(ctx, clock))
    d = EventDialog(detail, date(2026, 3, 10), ctx.calendar())
    qtbot.addWidget(d)
    d.action.set_value(EventKind.AGENCY_CONSULTATION_ENDED)
    d.ending.set_value(P.ConsultationEnding.LAPSED)
    assert d.day.date() == QDate(2026, 3, 10)
    assert "尚未届满" in d.ending_hint.text()
    assert d.problems() == [
        "征询期限至2026年3月19日届满，尚未届满，不能按逾期未提出意见结束（第三十二条、第三十四条：15 个工作日）"
    ]


def test_no_correction_is_proposed_only_after_the_applicants_deadline(qtbot, ctx):
    app_id = register(ctx)
    A.record_event(
        ctx, app_id, EventKind.CORRECTION_REQUESTED, date(2026, 2, 13), P.CorrectionRequested(deadline=date(2026, 3, 6))
    )
    detail = A.get_application(ctx, app_id)
    before = EventDialog(detail, date(2026, 3, 6), ctx.calendar())
    qtbot.addWidget(before)
    before.action.set_value(EventKind.DECIDED)
    assert before.outcome.value() is None  # the applicant may still correct on the deadline day
    after = EventDialog(detail, date(2026, 3, 9), ctx.calendar())
    qtbot.addWidget(after)
    after.action.set_value(EventKind.DECIDED)
    assert after.outcome.value() is Outcome.OTHER_NO_CORRECTION


def test_unpaid_fee_is_proposed_only_after_the_payment_due_date(qtbot, ctx, clock):
    app_id = register(ctx)
    clock.value = datetime(2026, 4, 30, 9, 0)
    A.record_event(ctx, app_id, EventKind.FEE_NOTICE_SENT, date(2026, 2, 24), P.FeeNotice(amount_yuan=300))
    detail = A.get_application(ctx, app_id)
    due = detail.deadlines.fee_payment_due
    assert due == date(2026, 3, 23)  # 20 working days after the notice (Sat 28 Feb is a make-up working day)
    on_due = EventDialog(detail, due, ctx.calendar())
    qtbot.addWidget(on_due)
    on_due.action.set_value(EventKind.DECIDED)
    assert on_due.outcome.value() is None
    late = EventDialog(detail, date(2026, 4, 30), ctx.calendar())
    qtbot.addWidget(late)
    late.action.set_value(EventKind.DECIDED)
    assert late.outcome.value() is Outcome.OTHER_NO_FEE


def test_decision_groups_outcomes_and_shows_report_row_basis_and_number(qtbot, ctx):
    d = EventDialog(A.get_application(ctx, register(ctx)), date(2026, 2, 13))
    qtbot.addWidget(d)
    d.action.set_value(EventKind.DECIDED)
    groups = [d.outcome.group.itemText(i) for i in range(d.outcome.group.count())]
    assert groups == ["（请选择）", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    d.outcome.group.set_value("予以公开")  # a group of one row: chosen with the group, its row shown at once
    assert d.outcome.value() is Outcome.DISCLOSED and "三(一)" in d.outcome_info.text()
    assert "《条例》第三十六条第（一）、（二）项" in d.outcome_info.text()
    d.outcome.group.set_value("不予公开")
    assert len(d.outcome.case.values()) == 8 and not d.outcome.case.isHidden()
    d.outcome.case.set_value(Outcome.WITHHELD_INTERNAL)
    info = d.outcome_info.text()
    assert "三(三)5" in info and "5.属于三类内部事务信息" in info
    assert "《条例》第十六条第一款、第三十六条第（三）项" in info
    d.document_number.setText("〔2026〕3号")
    assert d.payload() == P.Decided(outcome=Outcome.WITHHELD_INTERNAL, document_number="〔2026〕3号")
    assert d.problems() == []


def test_a_late_correction_notice_is_warned_about_but_allowed(qtbot, ctx):
    detail = A.get_application(ctx, register(ctx))  # notice due Mon 2026-03-02
    d = EventDialog(detail, date(2026, 3, 3), ctx.calendar())
    qtbot.addWidget(d)
    d.action.set_value(EventKind.CORRECTION_REQUESTED)
    d.day.setDate(QDate(2026, 3, 2))
    assert d.late_notice.isHidden()
    d.day.setDate(QDate(2026, 3, 3))
    assert not d.late_notice.isHidden()
    assert "已超过补正告知期限" in d.late_notice.text() and "2026年3月2日（星期一）" in d.late_notice.text()
    assert d.problems() == []


def test_after_closing_service_and_remedies_can_be_recorded(qtbot, ctx, clock, monkeypatch):
    shown = no_boxes(monkeypatch)
    app_id = register(ctx)
    clock.value = datetime(2026, 3, 30, 9, 0)
    A.record_event(ctx, app_id, EventKind.DECIDED, date(2026, 3, 10), P.Decided(outcome=Outcome("disclosed")))
    d = EventDialog(A.get_application(ctx, app_id), date(2026, 3, 30))
    qtbot.addWidget(d)
    d.action.set_value(EventKind.SERVED)
    d.service_method.set_value(P.ServiceMethod.POST)
    d.served_document.setText("政府信息公开申请答复书")
    d.day.setDate(QDate(2026, 3, 9))
    assert d.problems() == ["送达、行政复议和行政诉讼的日期不能早于作出答复之日 2026年3月10日"]
    d.day.setDate(QDate(2026, 3, 11))
    assert d.answer() == (
        EventKind.SERVED,
        date(2026, 3, 11),
        P.Served(method=P.ServiceMethod.POST, document="政府信息公开申请答复书"),
        "",
    )
    d.action.set_value(EventKind.LITIGATION_FILED)
    assert d.payload() == P.LitigationFiled(type=P.LitigationType.DIRECT)

    dialog = DetailDialog(ctx, app_id)
    qtbot.addWidget(dialog)
    answers = iter(
        [
            (EventKind.RECONSIDERATION_FILED, date(2026, 3, 20), P.ReconsiderationFiled(), ""),
            (EventKind.RECONSIDERATION_DECIDED, date(2026, 3, 27), P.RemedyDecided(result=P.RemedyResult.UPHELD), ""),
        ]
    )
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, detail, **kw: next(answers)))
    assert dialog.record_event()
    pending = EventDialog(dialog.detail, date(2026, 3, 30))
    qtbot.addWidget(pending)
    assert EventKind.RECONSIDERATION_DECIDED in pending.offered()
    pending.action.set_value(EventKind.RECONSIDERATION_DECIDED)
    pending.remedy_result.set_value(P.RemedyResult.CORRECTED)
    assert pending.payload() == P.RemedyDecided(result=P.RemedyResult.CORRECTED)
    pending.action.set_value(EventKind.LITIGATION_FILED)
    assert pending.payload() == P.LitigationFiled(
        type=P.LitigationType.AFTER_RECONSIDERATION
    )  # a reconsideration came first
    assert dialog.record_event()
    done = EventDialog(dialog.detail, date(2026, 3, 30))
    qtbot.addWidget(done)
    assert EventKind.RECONSIDERATION_DECIDED not in done.offered()
    assert [e.kind for e in dialog.detail.events][-2:] == [
        EventKind.RECONSIDERATION_FILED,
        EventKind.RECONSIDERATION_DECIDED,
    ]
    assert all(title != "无法记录" for title, _text in shown)

"""The case view's own actions: 更正登记事项, 作废登记, 附件, 可能重复的申请 — each asks the domain first."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome, Status, VerificationMethod
from app.services import applications as A
from app.services.attachments import AttachmentCategory
from app.ui import detail_dialog, msgbox
from app.ui.detail_dialog import DetailDialog
from app.ui.event_dialog import EventDialog
from app.ui.step_dialogs import AttachmentAnswer, AttachmentDialog, CorrectParticularsDialog, VoidAnswer, VoidDialog
from tests.factories import register_in_person


def boxes(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for name in ("warning", "information", "error"):
        monkeypatch.setattr(msgbox, name, lambda _p, title, text, details="": shown.append((title, text)))
    monkeypatch.setattr(msgbox, "confirm", lambda *_a: True)
    return shown


def test_correcting_the_receipt_date_from_the_case_view(qtbot, ctx, clock, monkeypatch):
    shown = boxes(monkeypatch)
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    clock.value = datetime(2026, 2, 16, 9, 0)
    dialog = DetailDialog(ctx, r.id)
    qtbot.addWidget(dialog)
    assert dialog.correct_button.isEnabled()
    form = CorrectParticularsDialog(dialog.detail, date(2026, 2, 16))
    qtbot.addWidget(form)
    assert form.correction() == A.ParticularsCorrection()  # nothing changed yet
    form.channel.set_value(Channel.EMAIL)
    assert form.correction() == A.ParticularsCorrection(channel=Channel.EMAIL)
    monkeypatch.setattr(
        CorrectParticularsDialog,
        "ask",
        classmethod(
            lambda cls, parent, detail, today: (
                A.ParticularsCorrection(receipt_date=date(2026, 2, 16), channel=Channel.EMAIL),
                "实为电子邮件申请，双方于2月16日确认收到",
            )
        ),
    )
    assert dialog.correct()
    assert dialog.detail.receipt_date == date(2026, 2, 16) and dialog.detail.channel is Channel.EMAIL
    assert shown[-1][0] == "已更正" and "答复期限：2026年3月19日 → 2026年3月20日" in shown[-1][1]
    text = dialog.browser.toPlainText()
    assert "更正登记事项" in text and "申请方式：当面 → 电子邮件" in text and "实为电子邮件申请" in text


def test_voiding_from_the_case_view_disables_every_step_but_notes(qtbot, ctx, clock, monkeypatch):
    boxes(monkeypatch)
    first = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    twice = register_in_person(ctx, datetime(2026, 2, 13, 9, 5), clock)
    dialog = DetailDialog(ctx, twice.id)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(
        VoidDialog,
        "ask",
        classmethod(
            lambda cls, parent, detail: VoidAnswer(P.VoidReason.DUPLICATE, "同一份申请登记了两次", first.reg_number)
        ),
    )
    assert dialog.void()
    assert dialog.detail.status is Status.VOIDED
    text = dialog.browser.toPlainText()
    assert "已作废" in text and "作废原因" in text and first.reg_number in text
    for button in (dialog.void_button, dialog.correct_button, dialog.edit_button):
        assert not button.isEnabled() and "作废" in button.toolTip()
    assert dialog.event_button.isEnabled()  # a note may still be written
    events = EventDialog(dialog.detail, date(2026, 2, 13))
    qtbot.addWidget(events)
    assert events.offered() == [EventKind.NOTE]


def test_a_closed_case_cannot_be_voided_and_says_why(qtbot, ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    A.record_event(ctx, r.id, EventKind.DECIDED, date(2026, 2, 13), P.Decided(outcome=Outcome.DISCLOSED))
    dialog = DetailDialog(ctx, r.id)
    qtbot.addWidget(dialog)
    assert not dialog.void_button.isEnabled()
    assert dialog.void_button.toolTip() == (
        "已作出答复（或已撤回）的申请不能作废：答复是本机关已作出的行政行为，应如实计入统计"
    )


def test_attachments_are_added_listed_and_opened_after_their_hash_is_checked(qtbot, ctx, clock, monkeypatch, tmp_path):
    shown = boxes(monkeypatch)
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    scan = tmp_path / "申请表.pdf"
    scan.write_bytes(b"%PDF-1.4 a scanned application form")
    dialog = DetailDialog(ctx, r.id)
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(1) == "附件" and not dialog.open_file_button.isEnabled()
    monkeypatch.setattr(
        AttachmentDialog,
        "ask",
        classmethod(lambda cls, parent: AttachmentAnswer(scan, AttachmentCategory.APPLICATION_SCAN, "申请表原件")),
    )
    assert dialog.add_attachment()
    assert dialog.tabs.tabText(1) == "附件（1）" and dialog.attachments.item(0, 0).text() == "申请表.pdf"
    assert dialog.attachments.item(0, 1).text() == "申请表扫描件"
    opened: list[Path] = []
    monkeypatch.setattr(detail_dialog, "open_file", lambda path: opened.append(path) or True)
    assert dialog.open_attachment()
    assert opened[0].read_bytes() == scan.read_bytes() and opened[0] != scan  # the stored copy
    opened[0].chmod(0o644)
    opened[0].write_bytes(b"altered")
    assert not dialog.open_attachment()
    assert shown[-1][0] == "无法打开附件" and "校验值不符" in shown[-1][1]
    assert "添加附件" in dialog.browser.toPlainText()  # the timeline names it


def test_the_repeat_tab_lists_the_earlier_case_and_the_decision_mentions_it(qtbot, ctx, clock):
    earlier = register_in_person(ctx, datetime(2026, 1, 5, 9, 0), clock, content="请公开2025年本局行政许可决定书目录")
    clock.value = datetime(2026, 1, 20, 9, 0)
    A.record_event(ctx, earlier.id, EventKind.DECIDED, date(2026, 1, 20), P.Decided(outcome=Outcome.DISCLOSED))
    later = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, content="申请公开本局2025年度行政许可决定目录")
    dialog = DetailDialog(ctx, later.id)
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(2) == "可能重复的申请（1）"
    assert dialog.repeats.item(0, 0).text() == earlier.reg_number and dialog.repeats.item(0, 3).text() == "予以公开"
    hint = dialog.repeats_text()
    assert earlier.reg_number in hint and "第三十六条第（六）项" in hint
    events = EventDialog(dialog.detail, date(2026, 2, 13), repeats_text=hint)
    qtbot.addWidget(events)
    events.action.set_value(EventKind.DECIDED)
    assert not events.repeats_hint.isHidden() and earlier.reg_number in events.repeats_hint.text()


def test_the_fee_notice_is_worked_out_by_the_calculator(qtbot, ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    dialog = DetailDialog(ctx, r.id)
    qtbot.addWidget(dialog)
    events = EventDialog(dialog.detail, date(2026, 2, 13), fee_quoter=dialog._fee_quoter)
    qtbot.addWidget(events)
    events.action.set_value(EventKind.FEE_NOTICE_SENT)
    events.fee_scheme.set_value(P.FeeScheme.PER_PAGE)
    events.fee_pages.setValue(150)
    assert events.payload().amount_yuan == 1700  # 70 × 10 + 50 × 20
    assert "1700" in events.fee_quote_text.text()
    events.fee_scheme.set_value(P.FeeScheme.PER_APPLICATION)
    assert events.payload().amount_yuan == 0 and events.payload().quantity == 1  # the 1st this month is free
    events.fee_scheme.set_value(P.FeeScheme.PER_PAGE)
    events.fee_waived.setChecked(True)
    assert events.problems()[0] == "减免信息处理费须写明理由（如申请人生活困难）"
    events.fee_waiver_reason.setText("申请人为低保对象")
    assert events.problems() == []
    notice = events.payload()
    assert (notice.amount_yuan, notice.waived, notice.waiver_reason) == (1700, True, "申请人为低保对象")


def test_the_case_view_shows_why_no_id_number_was_registered(qtbot, ctx, clock):
    clock.value = datetime(2026, 2, 13, 9, 0)
    r = A.register_application(
        ctx,
        A.RegistrationInput(
            channel=Channel.IN_PERSON,
            arrived_at=datetime(2026, 2, 13, 9, 0),
            applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, "赵六", phone="1"),
            content="某文件",
            no_id_reason="申请人未携带身份证件",
            verification=VerificationMethod.NOT_CHECKED,
        ),
    )
    dialog = DetailDialog(ctx, r.id)
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert "未登记证件号码：申请人未携带身份证件" in text and "未通过" not in text
    assert "提示：申请人未登记证件号码：申请人未携带身份证件" in text  # the 身份核验 event of the timeline


def test_a_step_on_a_case_another_desk_changed_meanwhile_is_refused_and_the_change_shown(
    qtbot, ctx, clock, monkeypatch
):
    shown = boxes(monkeypatch)
    first = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    twice = register_in_person(ctx, datetime(2026, 2, 13, 9, 5), clock)
    dialog = DetailDialog(ctx, twice.id)
    qtbot.addWidget(dialog)
    seen = dialog.detail.version
    A.edit_application(ctx, twice.id, {"content": "另一窗口更正后的内容"}, "另一窗口更正")  # the other desk
    monkeypatch.setattr(
        VoidDialog,
        "ask",
        classmethod(lambda cls, parent, detail: VoidAnswer(P.VoidReason.DUPLICATE, "登记了两次", first.reg_number)),
    )
    assert not dialog.void()
    assert shown[-1][1] == "该申请已被他人修改，请刷新。本次操作未保存。"
    assert A.get_application(ctx, twice.id).status is not Status.VOIDED  # nothing of it was saved
    assert dialog.detail.version > seen and dialog.detail.content == "另一窗口更正后的内容"  # reloaded
    assert dialog.void() and dialog.detail.status is Status.VOIDED  # decided again on what it now shows

"""A clerk fills the form, saves, and finds the application in the register."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from app.domain.codes import Channel, PostKind
from app.services import documents
from app.ui import msgbox, pdf_view
from app.ui.main_window import MainWindow


def test_fill_save_and_find_in_register(qtbot, ctx, monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(msgbox, "information", lambda _p, title, text, details="": shown.append((title, text)))
    monkeypatch.setattr(msgbox, "warning", lambda _p, title, text, details="": shown.append((title, text)))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.go_to("申请登记")
    page = window.registration
    page.channel.set_value(Channel.IN_PERSON)
    page.name.setText("王五")  # QTest cannot type CJK characters
    qtbot.keyClicks(page.id_field.number, "11010519491231002X")
    assert "校验通过" in page.id_field.verdict.text()
    qtbot.keyClicks(page.phone, "13800000000")
    page.content.setPlainText("2025年度食品经营许可名单")
    assert "2026年3月19日" in page.clock_summary.text()
    result = page.save()
    assert result is not None, shown
    assert not page.success_panel.isHidden()  # the success panel replaces a message box
    text = page.success_text.text()
    assert "〔2026〕第1号" in text and "2026年3月19日" in text
    assert page.name.text() == ""  # form cleared for the next applicant
    printed: list[str] = []
    monkeypatch.setattr(pdf_view, "print_pdf", lambda _p, pdf, title: printed.append(title) or pdf.startswith(b"%PDF"))
    assert page.print_receipt() and printed == ["登记回执"]
    assert page.print_receipt() and printed == ["登记回执", "登记回执"]  # a reprint, same number
    assert [d.number for d in documents.list_documents(ctx, result.id)] == ["〔2026〕第1号"]

    window.go_to("申请台账")
    register = window.register
    register.search.setText("食品经营")
    register.apply_filter()
    assert register.model.rowCount() == 1
    assert register.model.data(register.model.index(0, 0)) == "〔2026〕第1号"
    assert "共 1 件" in register.count_label.text()


def test_bad_id_needs_a_reason_and_the_form_keeps_its_content(qtbot, ctx, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(msgbox, "warning", lambda _p, _t, text, details="": warnings.append(text))
    monkeypatch.setattr(msgbox, "information", lambda *a, **k: None)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.registration
    page.name.setText("赵六")
    page.id_field.number.setText("110105199002290011")
    assert "不存在" in page.id_field.verdict.text()
    page.phone.setText("1")
    page.content.setPlainText("某文件")
    assert page.save() is None
    assert "理由" in page.error_list.text() and not page.error_list.isHidden()
    assert page.override_reason.property("invalid") is True
    assert page.name.text() == "赵六"
    page.override_reason.setText("已核对原件")
    assert page.save() is not None
    assert page.error_list.isHidden()


def test_form_adapts_to_each_channel(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.go_to("申请登记")
    page = window.registration
    assert page.arrived_label.text() == "提交时间(&T)"  # 当面: the handing-in is the receipt
    page.channel.set_value(Channel.LETTER)
    page.post_kind.set_value(PostKind.SIGNED)
    assert page.arrived_label.text() == "签收时间(&T)" and not page.confirmed.isVisible()
    assert "以签收之日" in page.receipt_hint.text()
    page.post_kind.set_value(PostKind.ORDINARY)
    assert page.confirmed.isVisible() and page.arrived_label.text() == "到达时间(&T)"
    assert "待确认" in page.clock_summary.text()
    page.confirmed.setChecked(True)
    assert page.confirmed_at.isVisible() and "答复期限" in page.clock_summary.text()
    page.channel.set_value(Channel.ONLINE)
    assert not page.post_kind.isVisible() and page.confirmed.isVisible()
    page.channel.set_value(Channel.IN_PERSON)
    assert not page.confirmed.isVisible() and "以提交之日" in page.receipt_hint.text()


def test_standard_buttons_are_chinese(qtbot, qapp):
    from app.ui.application import install_translations

    install_translations(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert any("确定" in t for t in texts) and any("取消" in t for t in texts)


def test_a_form_left_open_overnight_follows_the_new_day(qtbot, ctx, clock, monkeypatch):
    from datetime import datetime

    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda _p, _t, text: asked.append(text) or False)
    monkeypatch.setattr(msgbox, "information", lambda *a, **k: None)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.registration
    clock.value = datetime(2026, 2, 24, 8, 40)  # the form was prepared on 2026-02-13
    page.follow_the_day()
    assert page.arrived_at.dateTime().date().day() == 24  # untouched form moved to today
    page.name.setText("钱七")
    page.id_field.number.setText("11010519491231002X")
    page.phone.setText("1")
    page.content.setPlainText("某文件")
    clock.value = datetime(2026, 2, 25, 8, 40)
    assert page.save() is None  # arrival date is yesterday: the clerk is asked, and declined
    assert asked and "不是今天" in asked[0]
    assert page.name.text() == "钱七"


def test_an_earlier_similar_application_of_the_same_person_is_shown_while_registering(qtbot, ctx, clock, monkeypatch):
    from datetime import date, datetime

    from app.domain import procedure as P
    from app.domain.codes import EventKind, Outcome
    from app.services import applications as A
    from tests.factories import register_in_person

    earlier = register_in_person(
        ctx, datetime(2026, 1, 5, 9, 0), clock, name="王五", content="请公开2025年本局行政许可决定书目录"
    )
    register_in_person(ctx, datetime(2026, 1, 6, 9, 0), clock, name="王五", content="淄博市某小区规划许可证")
    clock.value = datetime(2026, 1, 20, 9, 0)
    A.record_event(ctx, earlier.id, EventKind.DECIDED, date(2026, 1, 20), P.Decided(outcome=Outcome.DISCLOSED))
    clock.value = datetime(2026, 2, 13, 10, 0)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(msgbox, "information", lambda _p, title, text, details="": shown.append((title, text)))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.registration
    page.name.setText("王五")
    page.id_field.number.setText("11010519491231002X")
    page.phone.setText("1")
    page.content.setPlainText("申请公开本局2025年度行政许可决定目录")
    matches = page.look_for_repeats()
    assert [m.earlier.reg_number for m in matches] == [earlier.reg_number]  # the unrelated one is not listed
    assert not page.repeat_group.isHidden()
    text = page.repeat_summary.text()
    assert earlier.reg_number in text and "予以公开" in text and "证件号码" in text and "行政许可" in text
    assert page.save() is not None
    assert "内容相近的早先申请" in page.success_text.text() and earlier.reg_number in page.success_text.text()
    page.look_for_repeats()
    assert page.repeat_group.isHidden()  # the cleared form shows nothing

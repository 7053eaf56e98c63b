"""The counter form: no silent change of legal data, keyboard-first, fits 1366×768."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QInputMethodEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

from app.domain.codes import Channel, VerificationMethod
from app.services import applications as A
from app.ui import msgbox, pdf_view
from app.ui.main_window import MainWindow
from app.ui.widgets import install_input_guards

VALID_ID = "11010519491231002X"


@pytest.fixture
def window(qtbot, ctx, qapp):
    install_input_guards(qapp)
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1366, 728)
    w.show()
    qtbot.waitExposed(w)
    w.go_to("申请登记")
    return w


def _value(w: QWidget) -> object:
    if isinstance(w, QComboBox):
        return w.currentIndex()
    assert isinstance(w, QAbstractSpinBox)
    return w.text()


def _wheel(target: QWidget, down: bool = True) -> None:
    centre = QPointF(target.width() / 2, target.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(target.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120 if down else 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(target, event)


def _type(text: str) -> None:
    """Type into the focused widget: ASCII key by key, Chinese as an input method commits it."""
    focused = QApplication.focusWidget()
    assert focused is not None
    if text.isascii():
        QTest.keyClicks(focused, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(focused, event)


def test_the_wheel_over_any_date_or_choice_scrolls_the_form_and_changes_nothing(window, qtbot):
    page = window.registration
    window.resize(1366, 420)  # short enough for the form to scroll
    page.channel.set_value(Channel.LETTER)  # shows 邮件类型 too
    page.has_agent.setChecked(True)
    QApplication.processEvents()
    bar = page.scroll.verticalScrollBar()
    assert bar.maximum() > 0
    fields = [w for w in page.findChildren(QWidget) if isinstance(w, (QComboBox, QAbstractSpinBox)) and w.isVisible()]
    names = {w.objectName() for w in fields}
    assert {"channel", "postKind", "arrivedAt", "applicantKind", "verification", "requestedForm", "delivery"} <= names
    for field in fields:
        page.scroll.ensureWidgetVisible(field)
        inner = field.childAt(field.width() // 2, field.height() // 2) or field
        for target in (field, inner):
            bar.setValue(0)
            before = _value(field)
            _wheel(target)
            assert _value(field) == before, field.objectName()
            assert bar.value() > 0, f"{field.objectName()}: the wheel should scroll the form"


def test_a_clicked_field_with_focus_takes_the_wheel(window, qtbot):
    page = window.registration
    edit = page.arrived_at
    before = edit.dateTime()
    QTest.mouseClick(edit.lineEdit(), Qt.MouseButton.LeftButton, pos=QPoint(5, edit.lineEdit().height() // 2))
    assert edit.hasFocus()
    _wheel(edit)  # (a sent event does not propagate from the line edit as a real one does)
    assert edit.dateTime() != before  # deliberate use still works


def test_typed_receipt_date_and_the_confirmation_naming_it(window, qtbot, monkeypatch):
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(msgbox, "confirm", lambda _p, _t, text: asked.append(text) or answer[0])
    page = window.registration
    page.arrived_at.setFocus()
    QTest.keyClicks(page.arrived_at, "20260210")
    QTest.keyClick(page.arrived_at, Qt.Key.Key_Tab)
    assert page.arrived_at.date().toPython() == date(2026, 2, 10)
    assert "2026年2月10日" in page.receipt_hint.text() and "2026年2月10日" in page.clock_summary.text()
    page.name.setText("王五")
    page.id_field.number.setText(VALID_ID)
    page.phone.setText("1")
    page.content.setPlainText("某文件")
    assert page.save() is None  # declined
    assert "收到申请之日为 2026年2月10日，不是今天（2026年2月13日）" in asked[-1]
    answer[0] = True
    result = page.save()
    assert result is not None and result.receipt_date == date(2026, 2, 10)
    detail = A.get_application(page.ctx, result.id)
    assert detail.arrived_at.date() == detail.receipt_date == date(2026, 2, 10)  # one date, no disagreement


def test_a_receipt_date_in_another_year_names_the_year(window, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda _p, _t, text: asked.append(text) or False)
    page = window.registration
    page.arrived_at.setFocus()
    QTest.keyClicks(page.arrived_at, "2025-12-30")
    QTest.keyClick(page.arrived_at, Qt.Key.Key_Return)
    page.name.setText("王五")
    page.id_field.number.setText(VALID_ID)
    page.phone.setText("1")
    page.content.setPlainText("某文件")
    assert page.save() is None
    assert "2025年12月30日" in asked[-1] and "编入 2025 年度" in asked[-1]


def test_a_failed_save_marks_the_fields_focuses_the_first_and_keeps_the_preview(window, qtbot):
    page = window.registration
    page.content.setPlainText("某文件")
    page.content.setFocus()
    assert page.save() is None
    assert page.name.property("invalid") is True and page.phone.property("invalid") is True
    assert page.id_field.number.property("invalid") is True
    assert page.content.property("invalid") is not True
    assert QApplication.focusWidget() is page.name  # the first offending field, in the order of the screen
    assert "姓名" in page.error_list.text() and page.error_list.isVisible()
    assert "答复期限" in page.clock_summary.text() and page.clock_summary.isVisible()
    page.name.setText("王五")
    qtbot.waitUntil(lambda: "姓名" not in page.error_list.text())
    assert page.name.property("invalid") is False
    page.id_field.number.setText(VALID_ID)
    page.phone.setText("1")
    qtbot.waitUntil(lambda: page.error_list.isHidden())
    assert page.phone.property("invalid") is False


def test_an_in_person_natural_person_needs_a_number_or_a_reason(window, qtbot):
    page = window.registration
    page.name.setText("赵六")
    page.phone.setText("1")
    page.content.setPlainText("某文件")
    assert page.no_id_reason.isVisible()
    assert page.save() is None
    assert "证件号码" in page.error_list.text()
    assert QApplication.focusWidget() is page.id_field.number
    page.no_id_reason.setCurrentIndex(1)  # 申请人未携带身份证件
    assert page.verification.value() is VerificationMethod.NOT_CHECKED  # no longer claims 查验原件
    page.verification.set_value(VerificationMethod.ORIGINAL_SEEN)
    assert page.save() is None and "身份核验方式" in page.error_list.text()
    assert page.verification.property("invalid") is True
    page.verification.set_value(VerificationMethod.NOT_CHECKED)
    result = page.save()
    assert result is not None
    detail = A.get_application(page.ctx, result.id)
    assert "申请人未携带身份证件" not in detail.notes  # kept with the identity record, not in 备注
    [check] = detail.identity_checks
    assert (check.doc_number, check.problems, check.override_reason) == ("", "未登记证件号码", "申请人未携带身份证件")
    page.id_field.number.setText(VALID_ID)
    assert page.no_id_reason.isHidden()


@pytest.mark.parametrize("height", [728, 690])  # the screen less the taskbar; less a window frame too
@pytest.mark.parametrize("failed", [False, True])
def test_the_deadline_preview_is_in_view_at_1366x768(window, height, failed):
    page = window.registration
    window.resize(1366, height)
    if failed:  # the error list joins the strip; the dates stay in view
        page.content.setPlainText("某文件")
        assert page.save() is None and page.error_list.isVisible()
    QApplication.processEvents()
    assert window.height() <= height and window.width() <= 1366
    strip = page.deadline_strip
    bottom = strip.mapTo(window, QPoint(0, strip.height())).y()
    assert strip.isVisible() and bottom <= window.centralWidget().geometry().bottom() + 1
    summary = page.clock_summary
    top = summary.mapTo(window, QPoint(0, 0)).y()
    assert top >= 0 and top + summary.height() <= window.height()
    assert "答复期限" in summary.text()
    save = page.save_button.mapTo(window, QPoint(0, page.save_button.height())).y()
    assert save <= window.height()
    assert page.scroll.height() >= 300  # the form itself keeps a useful height


def test_clearing_the_form_asks_first(window, monkeypatch):
    answers: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda _p, _t, text: answers.append(text) or False)
    page = window.registration
    page.name.setText("王五")
    page.clear_button.click()
    assert page.name.text() == "王五" and answers
    monkeypatch.setattr(msgbox, "confirm", lambda *_a: True)
    page.clear_button.click()
    assert page.name.text() == ""


def test_tab_leaves_the_content_and_ctrl_tab_inserts_a_tab(window):
    page = window.registration
    page.content.setFocus()
    QTest.keyClicks(page.content, "ab")
    QTest.keyClick(page.content, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert page.content.toPlainText() == "ab\t"
    QTest.keyClick(page.content, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.document_titles


def test_every_form_label_has_a_mnemonic(window):
    from PySide6.QtWidgets import QFormLayout, QLabel

    page = window.registration
    for form in page.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and label.text():
                assert "&" in label.text() and label.buddy() is not None, label.text()


def test_counter_flow_by_keys_alone(window, qtbot, monkeypatch):
    """An in-person natural person, identity checked, registered and the 回执 printed: ≤ 15 keys besides text."""
    printed: list[str] = []
    monkeypatch.setattr(pdf_view, "print_pdf", lambda _p, pdf, title: printed.append(title) or pdf.startswith(b"%PDF"))
    page = window.registration
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.name)  # the page opens in 姓名
    keys = 0

    def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        nonlocal keys
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClick(focused, key, modifiers)
        keys += 1

    _type("王五")
    press(Qt.Key.Key_Tab)
    _type(VALID_ID)
    assert "校验通过" in page.id_field.verdict.text() and "北京市朝阳区" in page.id_field.verdict.text()
    press(Qt.Key.Key_Tab)  # 证件类型 (居民身份证 already)
    press(Qt.Key.Key_Tab)
    _type("13800000000")
    press(Qt.Key.Key_Tab)
    _type("山东省淄博市张店区人民西路1号")
    press(Qt.Key.Key_Tab)  # 邮政编码
    press(Qt.Key.Key_Tab)  # 电子邮箱
    press(Qt.Key.Key_Tab)  # 身份核验方式: 查验原件
    assert QApplication.focusWidget() is page.verification
    assert page.verification.value() is VerificationMethod.ORIGINAL_SEEN
    press(Qt.Key.Key_Tab)  # 委托代理
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.content
    _type("2025年度食品经营许可名单")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not page.success_panel.isHidden(), page.error_list.text()
    assert "〔2026〕第1号" in page.success_text.text()
    assert QApplication.focusWidget() is page.name  # ready for the next applicant
    press(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == ["登记回执"]
    assert keys <= 15
    assert keys == 11  # the figure reported for the counter-speed goal
    detail = A.get_application(page.ctx, page.last_registered)
    assert detail.applicant_name == "王五" and detail.receipt_date == date(2026, 2, 13)


def test_counter_flow_with_a_mnemonic_jump(window, qtbot, monkeypatch):
    monkeypatch.setattr(pdf_view, "print_pdf", lambda _p, pdf, title: True)
    page = window.registration
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.name)
    _type("王五")
    QTest.keyClick(page.name, Qt.Key.Key_Tab)
    _type(VALID_ID)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.phone
    _type("13800000000")
    QTest.keyClick(page.phone, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.content
    _type("某文件")
    QTest.keyClick(page.content, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not page.success_panel.isHidden(), page.error_list.text()


def test_tab_follows_the_screen(window):
    """Left column top to bottom, then the right column, then the strip below (clear, then save)."""
    page = window.registration
    page.channel.setFocus()
    seen: list[QWidget] = []
    while QApplication.focusWidget() is not page.save_button and len(seen) < 60:
        seen.append(QApplication.focusWidget())
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert seen[0] is page.channel and page.content in seen and page.clear_button in seen

    def place(w: QWidget) -> tuple[int, int, int]:
        at = w.mapTo(page, QPoint(0, 0))
        if page.deadline_strip.isAncestorOf(w):
            return (2, at.y(), at.x())
        return (0 if at.x() < page.width() // 2 else 1, at.y(), at.x())

    places = [place(w) for w in seen]
    assert places == sorted(places), [w.objectName() for w in seen]

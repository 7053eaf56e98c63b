"""The shared input widgets: whole typed dates, the Chinese calendar pop-up, the wheel guard."""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from app.domain.workcalendar import DayKind, WorkCalendar, bundled_schedules
from app.ui.date_input import DateEdit, DateTimeEdit, parse_typed_date
from app.ui.widgets import install_input_guards

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20261110", (date(2026, 11, 10), None)),
        ("2026-11-10", (date(2026, 11, 10), None)),
        ("2026/11/10", (date(2026, 11, 10), None)),
        ("2026.1.5", (date(2026, 1, 5), None)),
        ("11-10", (date(2026, 11, 10), None)),
        ("1110", (date(2026, 11, 10), None)),
        ("2026年11月10日", (date(2026, 11, 10), None)),
        ("20261110 0930", (date(2026, 11, 10), time(9, 30))),
        ("2026-11-10 9:30", (date(2026, 11, 10), time(9, 30))),
        ("20260230", None),
        ("2026-13-01", None),
        ("abc", None),
        ("", None),
        ("20261110 2561", None),
    ],
)
def test_parse_typed_date(text, expected):
    assert parse_typed_date(text, TODAY) == expected


@pytest.fixture
def form(qtbot):
    w = QWidget()
    layout = QVBoxLayout(w)
    before = QLineEdit()
    cal = WorkCalendar(bundled_schedules())
    edit = DateEdit(day_info=lambda d: (cal.day_kind(d), cal.holiday_name(d)))
    edit.setDate(QDate(2026, 11, 29))
    after = QLineEdit()
    for x in (before, edit, after):
        layout.addWidget(x)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    yield before, edit, after
    w.close()  # (the fixture holds the window for the test's duration)


def _tab_into(before: QLineEdit, edit: DateEdit) -> None:
    before.setFocus()
    QTest.keyClick(before, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is edit


@pytest.mark.parametrize("text", ["20261110", "2026-11-10", "2026/11/10", "11-10"])
def test_a_whole_date_typed_after_tab_is_taken_and_tab_leaves(form, text):
    before, edit, after = form
    _tab_into(before, edit)
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after  # one Tab leaves the field, whatever its sections
    assert edit.date().toString("yyyy-MM-dd") == f"{QDate.currentDate().year() if text == '11-10' else 2026}-11-10"


def test_a_wrong_or_too_late_date_keeps_the_value_and_says_why(form, qtbot):
    before, edit, _after = form
    edit.setMaximumDate(QDate(2026, 11, 29))
    said: list[str] = []
    edit.typed_date_rejected.connect(said.append)
    _tab_into(before, edit)
    QTest.keyClicks(edit, "20270105")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert edit.date() == QDate(2026, 11, 29)
    assert "晚于可选的最后日期 2026年11月29日" in said[-1]
    _tab_into(before, edit)
    QTest.keyClicks(edit, "20260230")
    QTest.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.date() == QDate(2026, 11, 29) and edit.text() == "2026年11月29日"


def test_the_calendar_speaks_chinese_and_marks_holidays_and_makeup_days(form):
    _before, edit, _after = form
    cal = edit.calendarWidget()
    cal.setCurrentPage(2026, 10)
    assert cal.header_text() == "2026年10月"
    assert not cal.isNavigationBarVisible()
    assert cal.day_kind(QDate(2026, 10, 1)) is DayKind.HOLIDAY
    assert "国庆节" in cal.dateTextFormat(QDate(2026, 10, 1)).toolTip()
    assert cal.day_kind(QDate(2026, 10, 10)) is DayKind.MAKEUP  # 调休上班 (a Saturday)
    assert "调休" in cal.dateTextFormat(QDate(2026, 10, 10)).toolTip()
    cal.showNextMonth()
    assert cal.header_text() == "2026年11月"


def test_date_time_edit_keeps_the_time_when_only_a_date_is_typed(qtbot):
    edit = DateTimeEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    edit.setDateTime(edit.dateTime().fromString("2026-11-29 09:15", "yyyy-MM-dd HH:mm"))
    edit.setCurrentSectionIndex(0)
    QTest.keyClicks(edit, "20261102")
    edit.commit_typed()
    assert edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-02 09:15"


def _wheel(target: QWidget) -> None:
    centre = QPointF(target.width() / 2, target.height() / 2)
    QApplication.sendEvent(
        target,
        QWheelEvent(
            centre,
            QPointF(target.mapToGlobal(centre.toPoint())),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        ),
    )


def test_the_guard_covers_any_dialog_of_the_application(qtbot, qapp):
    guard = install_input_guards(qapp)
    assert install_input_guards(qapp) is guard  # once only
    area = QScrollArea()
    body = QWidget()
    layout = QVBoxLayout(body)
    spin = QSpinBox()
    spin.setValue(5)
    combo = QComboBox()
    combo.addItems(["一", "二", "三"])
    layout.addWidget(spin)
    layout.addWidget(combo)
    layout.addSpacing(2000)
    area.setWidget(body)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel does not take the focus either
    for w, value in ((spin, spin.value), (combo, combo.currentIndex)):
        area.verticalScrollBar().setValue(0)
        before = value()
        _wheel(w)
        assert value() == before and area.verticalScrollBar().value() > 0


def test_drop_in_constructors(qtbot):
    from PySide6.QtCore import QDateTime, QTime

    parent = QWidget()
    qtbot.addWidget(parent)
    a = DateEdit(QDate(2026, 3, 2), parent)
    b = DateTimeEdit(QDateTime(QDate(2026, 3, 2), QTime(9, 5)), parent)
    c = DateEdit(parent)
    assert a.date() == QDate(2026, 3, 2) and a.parent() is parent and a.text() == "2026年3月2日"
    assert b.dateTime().time() == QTime(9, 5) and b.text() == "2026年3月2日 09:05"
    assert c.parent() is parent and c.calendarPopup()
    seen: list[QDate] = []
    a.dateChanged.connect(seen.append)  # the same signals as QDateEdit
    a.setDate(QDate(2026, 3, 3))
    assert seen == [QDate(2026, 3, 3)]

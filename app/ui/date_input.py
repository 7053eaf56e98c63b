"""Date editors for the counter: dates typed whole (20261110, 2026-11-10, 11-10) and a Chinese calendar pop-up.

``DateEdit`` and ``DateTimeEdit`` are drop-in replacements for ``QDateEdit`` and ``QDateTimeEdit`` (same
signals and API). Typing a digit at the start of the field switches to free typing: the clerk types the
whole date and Tab, Enter or leaving the field reads it; Esc restores the previous date. The pop-up names
the month as "2026年11月" and marks statutory holidays (休), 调休 working days (班) and today from the
working calendar (docs/rules.md §4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QPoint, QPointF, QRect, QSize, Qt, QTime, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QToolTip,
    QWidget,
)

from app.domain.dates import cn_date
from app.domain.workcalendar import DayKind
from app.services.context import ServiceContext

__all__ = ["ChineseCalendar", "DateEdit", "DateTimeEdit", "DayInfo", "calendar_day_info", "parse_typed_date"]

#: What the pop-up needs to know about a day: its kind and, for a holiday, the festival's name.
DayInfo = Callable[[date], tuple[DayKind, str | None]]


def tr(text: str) -> str:
    return QCoreApplication.translate("DateInput", text)


def calendar_day_info(ctx: ServiceContext) -> DayInfo:
    """Day kinds from the working calendar in force (read at each look, so a newly entered schedule shows)."""

    def info(d: date) -> tuple[DayKind, str | None]:
        cal = ctx.calendar()
        return cal.day_kind(d), cal.holiday_name(d)

    return info


_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"),
    re.compile(r"(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"),
    re.compile(r"(?P<m>\d{2})(?P<d>\d{2})"),
)
_TIME_PATTERN = re.compile(r"(?P<h>\d{1,2})[:：]?(?P<min>\d{2})")
_FREE_CHARS = set("0123456789-/.:： 年月日")


def parse_typed_date(text: str, today: date) -> tuple[date, time | None] | None:
    """A date the clerk typed: 20261110, 2026-11-10, 2026/11/10, 2026.11.10, 11-10 or 1110 (this year).

    An optional time may follow after a space (0930, 9:30). ``None`` when the text is not a real date.
    """
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return None
    found: date | None = None
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(parts[0])
        if m:
            year = int(m["y"]) if "y" in pattern.groupindex else today.year
            try:
                found = date(year, int(m["m"]), int(m["d"]))
            except ValueError:
                return None
            break
    if found is None:
        return None
    at: time | None = None
    if len(parts) == 2:
        tm = _TIME_PATTERN.fullmatch(parts[1].strip())
        if tm is None:
            return None
        try:
            at = time(int(tm["h"]), int(tm["min"]))
        except ValueError:
            return None
    return found, at


class ChineseCalendar(QCalendarWidget):
    """The pop-up calendar: "2026年11月" header, Monday first, holidays, 调休 working days and today marked."""

    def __init__(self, day_info: DayInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._day_info = day_info
        self.setObjectName("chineseCalendar")
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)
        self.setNavigationBarVisible(False)  # Qt's own bar reads "十一月，2026"
        header = QWidget(self)
        header.setObjectName("calendarHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(4, 2, 4, 2)
        self.prev_button = QToolButton(header)
        self.prev_button.setText("◀")
        self.prev_button.setToolTip(tr("上个月（PageUp）"))
        self.next_button = QToolButton(header)
        self.next_button.setText("▶")
        self.next_button.setToolTip(tr("下个月（PageDown）"))
        self.title = QLabel(header)
        self.title.setObjectName("calendarTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.today_button = QToolButton(header)
        self.today_button.setText(tr("今天"))
        for b in (self.prev_button, self.next_button, self.today_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setAutoRaise(True)
        row.addWidget(self.prev_button)
        row.addWidget(self.title, 1)
        row.addWidget(self.next_button)
        row.addWidget(self.today_button)
        layout = self.layout()
        if layout is not None:
            layout.insertWidget(0, header)  # type: ignore[attr-defined]
        self.legend = QLabel(tr("<span style='color:#c62828'>休</span> 法定节假日　<b>班</b> 调休上班　□ 今天"))
        self.legend.setObjectName("calendarLegend")
        if layout is not None:
            layout.addWidget(self.legend)  # type: ignore[attr-defined]
        self.prev_button.clicked.connect(self.showPreviousMonth)
        self.next_button.clicked.connect(self.showNextMonth)
        self.today_button.clicked.connect(self._go_today)
        self.currentPageChanged.connect(self._page_changed)
        self._page_changed(self.yearShown(), self.monthShown())

    def _extra(self) -> QSize:
        """Room for the own header and the legend, which Qt's size hints do not know about."""
        header, legend = self.title.parentWidget().sizeHint(), self.legend.sizeHint()
        return QSize(max(header.width(), legend.width()), header.height() + legend.height())

    def sizeHint(self) -> QSize:
        base, extra = super().sizeHint(), self._extra()
        return QSize(max(base.width(), extra.width(), 300), base.height() + extra.height())

    def minimumSizeHint(self) -> QSize:
        base, extra = super().minimumSizeHint(), self._extra()
        return QSize(max(base.width(), extra.width()), base.height() + extra.height())

    def header_text(self) -> str:
        return self.title.text()

    def _go_today(self) -> None:
        self.setSelectedDate(QDate.currentDate())
        self.showSelectedDate()

    def _page_changed(self, year: int, month: int) -> None:
        self.title.setText(tr("{y}年{m}月").format(y=year, m=month))
        self._mark_days(year, month)

    def _mark_days(self, year: int, month: int) -> None:
        """Colour the visible six weeks: holidays red on pink, 调休 working days black on yellow."""
        self.setDateTextFormat(QDate(), QTextCharFormat())  # forget the previous page's marks
        if self._day_info is None:
            return
        first = QDate(year, month, 1)
        start = first.addDays(-7)
        for i in range(7 * 8):
            qd = start.addDays(i)
            d = date(qd.year(), qd.month(), qd.day())
            kind, name = self._day_info(d)
            fmt = QTextCharFormat()
            if kind is DayKind.HOLIDAY:
                fmt.setForeground(QBrush(QColor("#c62828")))
                fmt.setBackground(QBrush(QColor("#fde7e7")))
                fmt.setToolTip(tr("{name}（法定节假日）").format(name=name) if name else tr("法定节假日"))
            elif kind is DayKind.MAKEUP:
                fmt.setForeground(QBrush(QColor("#000000")))
                fmt.setBackground(QBrush(QColor("#fff4c2")))
                fmt.setToolTip(tr("调休上班（工作日）"))
            elif kind is DayKind.WORKDAY:
                fmt.setForeground(QBrush(QColor("#000000")))
            else:
                continue
            self.setDateTextFormat(qd, fmt)

    def day_kind(self, qd: QDate) -> DayKind | None:
        if self._day_info is None or not qd.isValid():
            return None
        return self._day_info(date(qd.year(), qd.month(), qd.day()))[0]

    def paintCell(self, painter: QPainter, rect: QRect, qd: QDate) -> None:
        super().paintCell(painter, rect, qd)
        kind = self.day_kind(qd)
        painter.save()
        if kind in (DayKind.HOLIDAY, DayKind.MAKEUP):
            badge = QFont(painter.font())
            badge.setPointSizeF(max(6.0, badge.pointSizeF() * 0.6))
            painter.setFont(badge)
            painter.setPen(QColor("#c62828") if kind is DayKind.HOLIDAY else QColor("#5d4300"))
            painter.drawText(
                rect.adjusted(0, 1, -2, 0),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                "休" if kind is DayKind.HOLIDAY else "班",
            )
        if qd == QDate.currentDate():
            painter.setPen(QPen(QColor("#1565c0"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.restore()


class _FreeTyping:
    """Whole-date typing for a QDateTimeEdit subclass (mixed in before the Qt class)."""

    _buffer: str | None = None
    _day_info: DayInfo | None = None

    def _setup(self, day_info: DayInfo | None) -> None:
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        self._buffer = None
        self._day_info = day_info
        edit.setCalendarPopup(True)
        edit.setCalendarWidget(ChineseCalendar(day_info, edit))
        edit.setToolTip(tr("可直接输入 20261110、2026-11-10 或 11-10；F4 或 Alt+↓ 打开日历"))

    def set_day_info(self, day_info: DayInfo | None) -> None:
        """Use ``day_info`` (e.g. :func:`calendar_day_info`) to mark holidays in the pop-up."""
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        self._day_info = day_info
        edit.setCalendarWidget(ChineseCalendar(day_info, edit))

    def open_calendar(self) -> None:
        """Pop the calendar up from the keyboard (F4 or Alt+↓), as a click on the arrow does."""
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        if not edit.calendarPopup() or edit.isReadOnly():
            return
        at = QPointF(edit.width() - 6, edit.height() / 2)  # the drop-down arrow at the right end
        for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            QCoreApplication.sendEvent(
                edit,
                QMouseEvent(
                    kind,
                    at,
                    edit.mapToGlobal(at),
                    Qt.MouseButton.LeftButton,
                    Qt.MouseButton.LeftButton if kind == QEvent.Type.MouseButtonPress else Qt.MouseButton.NoButton,
                    Qt.KeyboardModifier.NoModifier,
                ),
            )

    def is_free_typing(self) -> bool:
        return self._buffer is not None

    def _show_buffer(self) -> None:
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        line = edit.lineEdit()
        was = line.blockSignals(True)
        line.setText(self._buffer or "")
        line.setCursorPosition(len(self._buffer or ""))
        line.blockSignals(was)

    def _cancel_free(self) -> None:
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        self._buffer = None
        line = edit.lineEdit()
        was = line.blockSignals(True)
        line.setText(edit.textFromDateTime(edit.dateTime()))
        line.blockSignals(was)

    def commit_typed(self) -> bool:
        """Read the typed text; a date out of range or not a date keeps the previous value and says why."""
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        text = self._buffer
        if text is None:
            return True
        self._cancel_free()
        current = edit.dateTime()
        today = QDate.currentDate()
        parsed = parse_typed_date(text, date(today.year(), today.month(), today.day()))
        if parsed is None:
            self._complain(tr("无法识别的日期：{t}（可输入 20261110、2026-11-10 或 11-10）").format(t=text))
            return False
        day, at = parsed
        at_time = current.time() if at is None else QTime(at.hour, at.minute)
        qdt = QDateTime(QDate(day.year, day.month, day.day), at_time)
        if qdt < edit.minimumDateTime() or qdt > edit.maximumDateTime():
            if day > date(edit.maximumDate().year(), edit.maximumDate().month(), edit.maximumDate().day()):
                limit = edit.maximumDate()
                self._complain(
                    tr("{d} 晚于可选的最后日期 {m}").format(
                        d=cn_date(day), m=cn_date(date(limit.year(), limit.month(), limit.day()))
                    )
                )
            else:
                self._complain(tr("{d} 超出可选范围").format(d=cn_date(day)))
            return False
        edit.setProperty("typedError", "")
        edit.setDateTime(qdt)
        return True

    def _complain(self, text: str) -> None:
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        edit.setProperty("typedError", text)
        edit.typed_date_rejected.emit(text)  # type: ignore[attr-defined]
        if QGuiApplication.platformName() not in ("offscreen", "minimal"):
            QToolTip.showText(edit.mapToGlobal(QPoint(0, edit.height())), text, edit)

    def _free_key(self, event: QKeyEvent) -> bool:
        """Handle ``event`` in free typing; True when consumed."""
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        key = event.key()
        text = event.text()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down and mods == Qt.KeyboardModifier.AltModifier):
            self.commit_typed()
            self.open_calendar()
            return True
        if self._buffer is None:
            starts = (
                text.isdigit()
                and mods == Qt.KeyboardModifier.NoModifier
                and (edit.currentSectionIndex() == 0 or edit.lineEdit().selectedText() == edit.lineEdit().text())
            )
            if not starts:
                return False
            self._buffer = ""
        if key == Qt.Key.Key_Escape:
            self._cancel_free()
            return True
        if key == Qt.Key.Key_Backspace:
            self._buffer = self._buffer[:-1]
            if not self._buffer:
                self._cancel_free()
            else:
                self._show_buffer()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.commit_typed()
            return False  # Tab moves on, Enter finishes editing as usual
        if (
            text
            and all(ch in _FREE_CHARS for ch in text)
            and mods
            in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            )
        ):
            self._buffer += text
            self._show_buffer()
            return True
        return True  # any other key while typing freely is ignored rather than mixed into sections

    # Qt's virtual functions, shared by both editors (this class comes first in their bases)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._free_key(event):
            super().keyPressEvent(event)  # type: ignore[misc]

    def focusOutEvent(self, event) -> None:
        self.commit_typed()
        super().focusOutEvent(event)  # type: ignore[misc]

    def focusNextPrevChild(self, forward: bool) -> bool:
        # Qt steps through the year, month and day sections on Tab; the clerk expects Tab to leave the field
        # (← → move between the sections).
        return QWidget.focusNextPrevChild(self, forward)  # type: ignore[arg-type]


class DateEdit(_FreeTyping, QDateEdit):
    """QDateEdit that also takes a whole typed date and pops up :class:`ChineseCalendar`."""

    #: A typed text that is no date, or a date out of range (Chinese sentence); the value did not change.
    typed_date_rejected = Signal(str)

    def __init__(self, *args: QDate | QWidget | None, day_info: DayInfo | None = None) -> None:
        """As ``QDateEdit([date,] [parent])``; ``day_info`` marks holidays in the pop-up."""
        super().__init__(*args)
        self.setDisplayFormat("yyyy年M月d日")
        self._setup(day_info)


class DateTimeEdit(_FreeTyping, QDateTimeEdit):
    """QDateTimeEdit (date and minute) with whole-date typing ("20261110 0930"; the time may be left out)."""

    typed_date_rejected = Signal(str)

    def __init__(self, *args: QDateTime | QWidget | None, day_info: DayInfo | None = None) -> None:
        """As ``QDateTimeEdit([datetime,] [parent])``; ``day_info`` marks holidays in the pop-up."""
        super().__init__(*args)
        self.setDisplayFormat("yyyy年M月d日 HH:mm")
        self._setup(day_info)

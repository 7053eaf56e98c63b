"""工作日历: the working-day calendar every legal period runs on (《政府信息公开条例》第三十条至第三十四条).

Shows a year as twelve month grids (holidays red with their name, make-up working days marked 班, weekends
grey), says whether the year's schedule is confirmed and where it comes from, and lets the clerk enter or
import the State Council's notice for next year. Saving recomputes every open application and lists the
reply due dates that moved.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import cn_date, cn_date_weekday, cn_datetime
from app.domain.workcalendar import FESTIVAL_NAMES, DayKind, ScheduleError, YearSchedule
from app.services.calendar import (
    MovedDeadline,
    YearCalendarView,
    import_schedule_file,
    save_schedule,
    year_view,
)
from app.services.context import ServiceContext
from app.services.errors import ServiceError, ValidationError
from app.ui import msgbox
from app.ui.date_input import DateEdit
from app.ui.fit import fit_to_screen

HOLIDAY_BG = "#fde0dd"
HOLIDAY_FG = "#b3261e"
MAKEUP_BG = "#fff1cc"
MAKEUP_FG = "#8a5a00"
WEEKEND_BG = "#eeeeee"
WEEKEND_FG = "#8a8a8a"
WEEKDAY_HEADS = ("一", "二", "三", "四", "五", "六", "日")


def tr(text: str) -> str:
    return QCoreApplication.translate("CalendarPage", text)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def choose_schedule_file(parent: QWidget | None) -> str | None:
    """Ask for a .json/.csv schedule file (tests replace this function)."""
    path, _ = QFileDialog.getOpenFileName(
        parent, tr("导入放假安排"), "", tr("放假安排文件 (*.json *.csv);;所有文件 (*)")
    )
    return path or None


def day_style(kind: DayKind) -> tuple[str, str]:
    """(background, foreground) of a day cell."""
    return {
        DayKind.HOLIDAY: (HOLIDAY_BG, HOLIDAY_FG),
        DayKind.MAKEUP: (MAKEUP_BG, MAKEUP_FG),
        DayKind.WEEKEND: (WEEKEND_BG, WEEKEND_FG),
        DayKind.WORKDAY: ("#ffffff", "#222222"),
    }[kind]


#: The smallest day cell: wide enough for "14班", as high as a line of text.
CELL_WIDTH = 24
CELL_HEIGHT = 18


class MonthGrid(QFrame):
    """One month: a header and a 7-column grid of day cells (Monday first, as Chinese calendars print)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthGrid")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(3, 2, 3, 3)
        layout.setSpacing(1)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-weight:bold; color:#1f4e79;")
        layout.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(1)
        self.grid.setVerticalSpacing(1)
        for c, head in enumerate(WEEKDAY_HEADS):
            label = QLabel(head)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet(f"color:{WEEKEND_FG if c >= 5 else '#555'};")
            self.grid.addWidget(label, 0, c)
        self.cells: list[QLabel] = []
        for i in range(42):
            cell = QLabel()
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # small enough for twelve months beside the form on a 1366×768 screen; larger screens stretch them
            cell.setMinimumSize(CELL_WIDTH, CELL_HEIGHT)
            cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.cells.append(cell)
            self.grid.addWidget(cell, 1 + i // 7, i % 7)
        layout.addLayout(self.grid)
        self.day_cells: dict[date, QLabel] = {}

    def show_month(self, view: YearCalendarView, month: int) -> None:
        self.title.setText(tr("{m}月").format(m=month))
        first = date(view.year, month, 1)
        offset = first.weekday()
        days = pycalendar.monthrange(view.year, month)[1]
        self.day_cells = {}
        for i, cell in enumerate(self.cells):
            n = i - offset + 1
            if not 1 <= n <= days:
                cell.clear()
                cell.setToolTip("")
                cell.setStyleSheet("")
                continue
            d = date(view.year, month, n)
            dv = view.day(d)
            bg, fg = day_style(dv.kind)
            weight = "bold" if dv.kind in (DayKind.HOLIDAY, DayKind.MAKEUP) else "normal"
            cell.setStyleSheet(f"background:{bg}; color:{fg}; font-weight:{weight}; border-radius:3px;")
            if dv.kind is DayKind.MAKEUP:
                cell.setText(f"{n}<sup>班</sup>")
            else:
                cell.setText(str(n))
            tip = cn_date_weekday(d) + "：" + dv.kind.label
            if dv.holiday_name:
                tip += f"（{dv.holiday_name}）"
            cell.setToolTip(tip)
            self.day_cells[d] = cell


class MovedDeadlinesDialog(QDialog):
    """The open applications whose reply due date moved with the calendar (old → new)."""

    def __init__(self, year: int, moved: list[MovedDeadline], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("答复期限已重新计算"))
        fit_to_screen(self, 760, 420)
        layout = QVBoxLayout(self)
        head = QLabel(tr("{y}年放假安排已保存。以下 {n} 件未办结申请的答复期限发生变化：").format(y=year, n=len(moved)))
        head.setWordWrap(True)
        layout.addWidget(head)
        self.table = QTableWidget(len(moved), 3)
        self.table.setObjectName("movedTable")
        self.table.setHorizontalHeaderLabels([tr("登记编号"), tr("原答复期限"), tr("新答复期限")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for r, m in enumerate(moved):
            for c, text in enumerate(
                (m.reg_number, _due(m.old_due, m.old_provisional), _due(m.new_due, m.new_provisional))
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    @classmethod
    def show_moved(cls, parent: QWidget | None, year: int, moved: list[MovedDeadline]) -> None:
        cls(year, moved, parent).exec()


def _due(d: date | None, provisional: bool) -> str:
    if d is None:
        return tr("计时暂停/未起算")
    return cn_date_weekday(d) + (tr("（预估）") if provisional else "")


SOURCE_PLACEHOLDER = "如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）"


def source_placeholder(year: int) -> str:
    """The 依据 example for ``year``'s notice (published late in the year before)."""
    return tr("如：国务院办公厅关于{y}年部分节假日安排的通知（国办发明电〔{p}〕×号）").format(y=year, p=year - 1)


class ScheduleForm(QGroupBox):
    """Enter a year's State Council notice: holiday ranges with names, make-up working days, confirmation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("录入放假安排"), parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("年份")))
        self.year = QSpinBox()
        self.year.setObjectName("formYear")
        self.year.setRange(2019, 2100)
        self.year.setGroupSeparatorShown(False)
        top.addWidget(self.year)
        top.addStretch(1)
        layout.addLayout(top)
        src = QHBoxLayout()
        src.addWidget(QLabel(tr("依据")))
        self.source = QLineEdit()
        self.source.setObjectName("scheduleSource")
        self.source.setPlaceholderText(SOURCE_PLACEHOLDER)
        self.source.setToolTip(tr("国务院办公厅通知的标题和文号；勾选“确认为正式安排”时必须填写"))
        src.addWidget(self.source, 1)
        layout.addLayout(src)

        layout.addWidget(QLabel(tr("放假（含其中的周末）")))
        self.holidays = QTableWidget(0, 3)
        self.holidays.setObjectName("holidayTable")
        self.holidays.setHorizontalHeaderLabels([tr("节日"), tr("开始日期"), tr("结束日期")])
        self.holidays.verticalHeader().setVisible(False)
        self.holidays.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.holidays.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.holidays.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.holidays, 2)
        row = QHBoxLayout()
        add_h = QPushButton(tr("添加放假"))
        del_h = QPushButton(tr("删除所选"))
        row.addWidget(add_h)
        row.addWidget(del_h)
        row.addStretch(1)
        layout.addLayout(row)

        layout.addWidget(QLabel(tr("调休上班日（周六、周日上班）")))
        self.makeups = QTableWidget(0, 1)
        self.makeups.setObjectName("makeupTable")
        self.makeups.setHorizontalHeaderLabels([tr("日期")])
        self.makeups.verticalHeader().setVisible(False)
        self.makeups.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.makeups.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.makeups, 1)
        row = QHBoxLayout()
        add_m = QPushButton(tr("添加调休上班日"))
        del_m = QPushButton(tr("删除所选"))
        row.addWidget(add_m)
        row.addWidget(del_m)
        row.addStretch(1)
        layout.addLayout(row)

        self.confirmed = QCheckBox(tr("已与国务院办公厅通知逐日核对，确认为正式安排"))
        self.confirmed.setObjectName("scheduleConfirmed")
        layout.addWidget(self.confirmed)
        buttons = QHBoxLayout()
        self.import_button = QPushButton(tr("从文件导入…"))
        self.import_button.setObjectName("importSchedule")
        self.save_button = QPushButton(tr("保存并重新计算期限"))
        self.save_button.setObjectName("saveSchedule")
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        hint = QLabel(
            tr(
                "可导入 JSON 文件（与程序自带格式相同），或 CSV 文件（UTF-8 或 GBK 编码），每行："
                "日期或日期范围,类型,名称。例如：\n2027-01-01~2027-01-03,放假,元旦\n2027-02-20,调休上班,"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#666;")
        layout.addWidget(hint)

        add_h.clicked.connect(lambda: self.add_holiday("", None, None))
        del_h.clicked.connect(lambda: self._remove_selected(self.holidays))
        add_m.clicked.connect(lambda: self.add_makeup(None))
        del_m.clicked.connect(lambda: self._remove_selected(self.makeups))

    def _date_edit(self, d: date | None) -> QDateEdit:
        edit = DateEdit(_qdate(d or date(self.year.value(), 1, 1)))
        return edit

    def add_holiday(self, name: str, start: date | None, end: date | None) -> int:
        r = self.holidays.rowCount()
        self.holidays.insertRow(r)
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(list(FESTIVAL_NAMES))
        combo.setCurrentText(name or FESTIVAL_NAMES[0])
        self.holidays.setCellWidget(r, 0, combo)
        self.holidays.setCellWidget(r, 1, self._date_edit(start))
        self.holidays.setCellWidget(r, 2, self._date_edit(end or start))
        return r

    def add_makeup(self, d: date | None) -> int:
        r = self.makeups.rowCount()
        self.makeups.insertRow(r)
        self.makeups.setCellWidget(r, 0, self._date_edit(d))
        return r

    def _remove_selected(self, table: QTableWidget) -> None:
        rows = sorted({i.row() for i in table.selectedIndexes()} | {table.currentRow()} - {-1}, reverse=True)
        for r in rows:
            table.removeRow(r)

    def set_schedule(self, schedule: YearSchedule) -> None:
        self.year.setValue(schedule.year)
        self.source.setText(schedule.source)
        self.holidays.setRowCount(0)
        self.makeups.setRowCount(0)
        for name, start, end in schedule.ranges():
            self.add_holiday(name, start, end)
        for d in sorted(schedule.makeup_days):
            self.add_makeup(d)
        self.confirmed.setChecked(schedule.confirmed)

    def schedule(self) -> YearSchedule:
        """The form as a schedule; raises ScheduleError (Chinese) on a bad entry."""
        year = self.year.value()
        holidays: dict[date, str] = {}
        for r in range(self.holidays.rowCount()):
            combo = self.holidays.cellWidget(r, 0)
            start_edit = self.holidays.cellWidget(r, 1)
            end_edit = self.holidays.cellWidget(r, 2)
            assert isinstance(combo, QComboBox)
            assert isinstance(start_edit, QDateEdit) and isinstance(end_edit, QDateEdit)
            name = combo.currentText().strip()
            start, end = _pydate(start_edit.date()), _pydate(end_edit.date())
            where = tr("放假第{n}行").format(n=r + 1)
            if not name:
                raise ScheduleError(tr("{w}：请填写节日名称").format(w=where))
            if end < start:
                raise ScheduleError(tr("{w}：结束日期早于开始日期").format(w=where))
            if (end - start).days > 31:
                raise ScheduleError(tr("{w}：放假范围超过一个月，请检查日期").format(w=where))
            d = start
            while d <= end:
                if d in holidays:
                    raise ScheduleError(tr("{w}：{d}重复列为放假日").format(w=where, d=cn_date(d)))
                holidays[d] = name
                d = date.fromordinal(d.toordinal() + 1)
        makeups: set[date] = set()
        for r in range(self.makeups.rowCount()):
            edit = self.makeups.cellWidget(r, 0)
            assert isinstance(edit, QDateEdit)
            makeups.add(_pydate(edit.date()))
        if not holidays:
            raise ScheduleError(tr("请至少录入一个放假日期"))
        schedule = YearSchedule(
            year, holidays, frozenset(makeups), self.confirmed.isChecked(), self.source.text().strip()
        )
        if schedule.confirmed and not schedule.source:
            raise ScheduleError(
                tr("确认为正式安排时，请在“依据”中填写国务院办公厅通知的标题和文号（{e}）").format(
                    e=source_placeholder(year)
                )
            )
        return schedule


#: The schedule form beside the year: its date columns ("2027年10月8日") still read in full.
FORM_WIDTH = 390


class CalendarPage(QWidget):
    """设置 → 工作日历."""

    schedule_saved = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        head = QHBoxLayout()
        head.addWidget(QLabel(tr("年份")))
        self.year = QSpinBox()
        self.year.setObjectName("calendarYear")
        self.year.setRange(2019, 2100)
        self.year.setGroupSeparatorShown(False)
        head.addWidget(self.year)
        self.state = QLabel()
        self.state.setObjectName("calendarState")
        self.state.setWordWrap(True)
        head.addWidget(self.state, 1)
        left.addLayout(head)
        self.source = QLabel()
        self.source.setObjectName("calendarSource")
        self.source.setWordWrap(True)
        left.addWidget(self.source)

        months = QWidget()
        grid = QGridLayout(months)
        grid.setSpacing(6)
        grid.setContentsMargins(0, 0, 0, 0)
        self.months: list[MonthGrid] = []
        for m in range(12):
            month = MonthGrid()
            self.months.append(month)
            grid.addWidget(month, m // 4, m % 4)
        scroll = QScrollArea()
        scroll.setWidget(months)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        left.addWidget(scroll, 1)
        legend = QLabel(
            f"<span style='background:{HOLIDAY_BG}; color:{HOLIDAY_FG}'>&nbsp;8&nbsp;</span> {tr('法定节假日')}　"
            f"<span style='background:{MAKEUP_BG}; color:{MAKEUP_FG}'>&nbsp;8<sup>班</sup>&nbsp;</span> "
            f"{tr('调休上班')}　"
            f"<span style='background:{WEEKEND_BG}; color:{WEEKEND_FG}'>&nbsp;8&nbsp;</span> {tr('周末')}　"
            f"{tr('鼠标停在日期上可看节日名称。')}"
        )
        legend.setObjectName("calendarLegend")
        left.addWidget(legend)
        outer.addLayout(left, 1)

        self.form = ScheduleForm()
        self.form.setFixedWidth(FORM_WIDTH)
        outer.addWidget(self.form)

        today = ctx.today()
        self.year.setValue(today.year)
        self.year.valueChanged.connect(self.show_year)
        self.form.save_button.clicked.connect(self.save)
        self.form.import_button.clicked.connect(self.import_file)
        self.view: YearCalendarView | None = None
        self.show_year(today.year)
        # the form starts on the next year: the one whose notice the clerk will enter
        self.load_form(today.year + 1)

    def show_year(self, year: int) -> None:
        view = year_view(self.ctx, year)
        self.view = view
        if self.year.value() != year:
            self.year.blockSignals(True)
            self.year.setValue(year)
            self.year.blockSignals(False)
        for m, grid in enumerate(self.months, 1):
            grid.show_month(view, m)
        if view.confirmed:
            state = tr("<b style='color:#1b6e20'>已确认</b>。")
        else:
            state = tr(
                "<b style='color:#a1170f'>未确认</b>。落在该年的期限均为预估，请录入国务院办公厅的放假安排通知。"
            )
        counts = tr("全年工作日 {w} 天，法定节假日 {h} 天。").format(w=view.working_day_count, h=view.holiday_count)
        self.state.setText(tr("{y}年：").format(y=year) + state + counts)
        if view.origin == "estimate":
            text = tr("来源：程序内置估算（未经确认）")
        else:
            origin = tr("工作人员录入") if view.origin == "database" else tr("程序自带")
            text = tr("来源：{s}（{o}）").format(s=view.source or "—", o=origin)
        if view.entered_by and view.entered_at:
            text += tr("　录入：{who} {when}").format(who=view.entered_by, when=cn_datetime(view.entered_at))
        self.source.setText(text)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.show_year(self.year.value())  # another user action may have changed the calendar

    def load_form(self, year: int) -> None:
        """Prefill the form with what the calendar has for ``year`` (an estimate stays unconfirmed)."""
        view = year_view(self.ctx, year)
        self.form.set_schedule(view.schedule)
        if view.origin == "estimate":
            # the notice may not be published yet: its title is for the clerk to copy, never to guess
            self.form.source.clear()
        self.form.source.setPlaceholderText(source_placeholder(year))
        self.form.source.setToolTip(
            tr("国务院办公厅通知的标题和文号；勾选“确认为正式安排”时必须填写。\n") + source_placeholder(year)
        )

    def import_file(self) -> bool:
        path = choose_schedule_file(self)
        if not path:
            return False
        try:
            schedule = import_schedule_file(path, self.form.year.value())
        except ValidationError as exc:
            msgbox.warning(self, tr("无法导入"), "\n".join(exc.problems))
            return False
        self.form.set_schedule(schedule)
        msgbox.information(
            self,
            tr("已导入"),
            tr("已读入{y}年放假安排（{n} 个放假日，{m} 个调休上班日）。请逐日核对后勾选“确认”并保存。").format(
                y=schedule.year, n=len(schedule.holidays), m=len(schedule.makeup_days)
            ),
        )
        return True

    def save(self) -> list[MovedDeadline] | None:
        try:
            schedule = self.form.schedule()
        except ScheduleError as exc:
            msgbox.warning(self, tr("无法保存"), str(exc))
            return None
        if not schedule.confirmed and not msgbox.confirm(
            self,
            tr("尚未确认"),
            tr("未勾选“确认为正式安排”，{y}年的期限仍将标为预估。仍要保存吗？").format(y=schedule.year),
        ):
            return None
        try:
            moved = save_schedule(self.ctx, schedule)
        except ValidationError as exc:
            msgbox.warning(self, tr("无法保存"), "\n".join(exc.problems))
            return None
        except ServiceError as exc:
            msgbox.warning(self, tr("无法保存"), str(exc))
            return None
        self.show_year(schedule.year)
        self.schedule_saved.emit()
        if moved:
            MovedDeadlinesDialog.show_moved(self, schedule.year, moved)
        else:
            msgbox.information(
                self,
                tr("已保存"),
                tr("{y}年放假安排已保存，所有未办结申请已重新计算，答复期限均未变化。").format(y=schedule.year),
            )
        return moved

"""年度报告: the year's report as 国办公开办函〔2021〕30号 lays it out (docs/rules.md §6).

Choose the year; table 二 is entered and saved here; tables 三 and 四 are counted from the register and shown as
the official grids (a double-click on a figure opens the applications behind it in 申请台账); the checks are
listed in green or red, naming the cells; the texts of sections 一, 五 and 六 are drafted from the figures and
edited here (一 can be drafted again with 重新生成); the report is exported as XLSX, PDF, DOCX or JSON; a
published year is locked (锁定（已发布）) and unlocked only with a reason.

Every file dialog and question goes through a small module-level function that tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import cn_date
from app.domain.statistics import (
    FEE_MEASURE,
    TABLE2_ITEMS,
    TABLE2_SECTIONS,
    TABLE3_ROWS,
    TABLE3_TITLE,
    TABLE4_GROUPS,
    TABLE4_TITLE,
    Check,
)
from app.services import report as R
from app.services.context import ServiceContext
from app.services.errors import ClerkError, os_error_message
from app.services.report_export import FORMATS, HEAD, LABEL, SECTION, Grid, grid_table3, grid_table4, write_report
from app.ui import msgbox
from app.ui.date_input import DateEdit
from app.ui.widgets import ValueCombo


def tr(text: str) -> str:
    return QCoreApplication.translate("ReportPage", text)


OK_COLOUR = QColor("#1b7a35")
BAD_COLOUR = QColor("#a1170f")
BAD_BACKGROUND = QColor("#f9d7d5")
HEAD_BACKGROUND = QColor("#e9eef5")
CELL_ROLE = Qt.ItemDataRole.UserRole  # ("三" | "四", row or group key, column) of a figure

# ------------------------------------------------------------------------------------------- replaceable asks


def choose_export_path(parent: QWidget | None, suggested: str, suffix: str) -> str | None:
    """Ask where to save the export (tests replace this function)."""
    path, _ = QFileDialog.getSaveFileName(parent, tr("导出年度报告"), suggested, f"{tr(FORMATS[suffix])} (*{suffix})")
    return path or None


def ask_publish_date(parent: QWidget | None, year: int, today: date) -> date | None:
    """Ask the publication date for 锁定（已发布）(tests replace this function)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(tr("锁定年度报告"))
    layout = QVBoxLayout(dialog)
    text = QLabel(
        tr(
            "锁定后，{year}年的表三、表四按当前数字保存为已发布数据；任何会改变这些数字的办理记录、更正、"
            "作废或台账导入都将被拒绝，除非说明理由后解除锁定。"
        ).format(year=year)
    )
    text.setWordWrap(True)
    layout.addWidget(text)
    form = QFormLayout()
    edit = DateEdit()
    edit.setObjectName("publishDate")
    edit.setMaximumDate(QDate(today.year, today.month, today.day))
    edit.setMinimumDate(QDate(year, 1, 1))
    default = min(today, date(year + 1, 1, 31))
    edit.setDate(QDate(default.year, default.month, default.day))
    form.addRow(tr("发布日期"), edit)
    layout.addLayout(form)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    q = edit.date()
    return date(q.year(), q.month(), q.day())


def ask_unlock_reason(parent: QWidget | None, year: int) -> str | None:
    """Ask why a published year is unlocked (tests replace this function)."""
    text, ok = QInputDialog.getMultiLineText(
        parent,
        tr("解除锁定"),
        tr("{year}年年度报告已发布。请说明解除锁定的理由（将记入审计日志）：").format(year=year),
    )
    return text.strip() if ok and text.strip() else None


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question (tests replace this function)."""
    return msgbox.confirm(parent, title, text)


# ------------------------------------------------------------------------------------------- the grids


class ReportGrid(QTableWidget):
    """A table of the report drawn as its official grid (merged headers, labels), read-only."""

    def __init__(self, name: str, widths: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._widths = widths  # at least these; a wider screen widens every column in proportion
        self._header_rows = 0
        self.horizontalHeader().setVisible(False)
        self.horizontalHeader().setMinimumSectionSize(40)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setShowGrid(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Columns fill the width (never narrower than their base width); rows as high as their text."""
        room = self.viewport().width() - 2
        scale = max(1.0, room / sum(self._widths))
        for c, w in enumerate(self._widths):
            self.setColumnWidth(c, int(w * scale))
        self.resizeRowsToContents()
        for r in range(min(self._header_rows, self.rowCount())):
            self.setRowHeight(r, max(self.rowHeight(r), 30))

    def show_grid(self, grid: Grid, cell_of: Callable[[int, int], tuple[str, str, int] | None]) -> None:
        self.clearSpans()
        self.clear()
        self.setRowCount(len(grid.cells))
        self.setColumnCount(grid.n_cols)
        bold = QFont(self.font())
        bold.setBold(True)
        covered = grid.covered()
        for r, (values, roles) in enumerate(zip(grid.cells, grid.roles, strict=True)):
            for c, (value, role) in enumerate(zip(values, roles, strict=True)):
                if (r, c) in covered:
                    continue
                item = QTableWidgetItem("" if value == "" else str(value))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                align = Qt.AlignmentFlag.AlignVCenter
                align |= Qt.AlignmentFlag.AlignLeft if role == LABEL else Qt.AlignmentFlag.AlignHCenter
                item.setTextAlignment(align)
                if role in (HEAD, SECTION):
                    item.setFont(bold)
                    item.setBackground(QBrush(HEAD_BACKGROUND))
                cell = cell_of(r, c)
                if cell is not None:
                    item.setData(CELL_ROLE, cell)
                    item.setToolTip(tr("双击查看该格对应的申请"))
                self.setItem(r, c, item)
        for r0, c0, r1, c1 in grid.spans:
            self.setSpan(r0, c0, r1 - r0 + 1, c1 - c0 + 1)
        for r0, c0, r1, _c1 in grid.spans:  # a merged label over several rows reads from its top
            item = self.item(r0, c0)
            if item is not None and r1 > r0 and r0 >= grid.header_rows:
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self._header_rows = grid.header_rows
        self._fit()
        self.setMinimumHeight(0)

    def cells(self) -> dict[tuple[str, str, int], QTableWidgetItem]:
        """Every figure's item by its cell key."""
        out: dict[tuple[str, str, int], QTableWidgetItem] = {}
        for r in range(self.rowCount()):
            for c in range(self.columnCount()):
                item = self.item(r, c)
                if item is not None and item.data(CELL_ROLE) is not None:
                    out[tuple(item.data(CELL_ROLE))] = item  # type: ignore[index]
        return out

    def mark(self, bad: set[tuple[str, str, int]]) -> None:
        for key, item in self.cells().items():
            item.setBackground(QBrush(BAD_BACKGROUND) if key in bad else QBrush())
            item.setForeground(QBrush(BAD_COLOUR) if key in bad else QBrush())


def _t3_cell(header_rows: int) -> Callable[[int, int], tuple[str, str, int] | None]:
    def cell(r: int, c: int) -> tuple[str, str, int] | None:
        i = r - header_rows
        if i < 0 or c < 3:
            return None
        return ("三", TABLE3_ROWS[i].key, c - 3)

    return cell


def _t4_cell(r: int, c: int) -> tuple[str, str, int] | None:
    if r != 3:
        return None
    return ("四", TABLE4_GROUPS[c // 5].key, c % 5)


# ------------------------------------------------------------------------------------------- the page


class ReportPage(QWidget):
    #: the applications behind a cell (ids) and the cell in words, for the register
    show_applications = Signal(list, str)

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: R.ReportView | None = None
        self._loading = False
        self._dirty_texts = False
        self._dirty_table2 = False

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        title = QLabel(tr("年度报告"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(QLabel(tr("年度")))
        years = R.report_years(ctx)
        self.year = ValueCombo([(tr("{y}年").format(y=y), y) for y in years], "yearCombo")
        default_year = ctx.today().year - 1 if ctx.today().year - 1 in years else years[0]
        self.year.set_value(default_year)
        head.addWidget(self.year)
        self.lock_label = QLabel()
        self.lock_label.setObjectName("lockLabel")
        head.addWidget(self.lock_label)
        head.addStretch(1)
        self.lock_button = QPushButton(tr("锁定（已发布）…"))
        self.lock_button.setObjectName("lockButton")
        self.unlock_button = QPushButton(tr("解除锁定…"))
        self.unlock_button.setObjectName("unlockButton")
        head.addWidget(self.lock_button)
        head.addWidget(self.unlock_button)
        layout.addLayout(head)

        exports = QHBoxLayout()
        exports.addWidget(QLabel(tr("导出：")))
        self.export_buttons: dict[str, QPushButton] = {}
        for suffix, label in (
            (".xlsx", "表格 XLSX…"),
            (".pdf", "全文 PDF…"),
            (".docx", "全文 DOCX…"),
            (".json", "数据 JSON…"),
        ):
            button = QPushButton(tr(label))
            button.setObjectName(f"export{suffix[1:].upper()}")
            button.clicked.connect(lambda _=False, s=suffix: self.export(s))
            exports.addWidget(button)
            self.export_buttons[suffix] = button
        exports.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("reportSummary")
        exports.addWidget(self.summary)
        layout.addLayout(exports)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportTabs")
        self.tabs.addTab(self._texts_tab_one(), tr("一、总体情况"))
        self.tabs.addTab(self._table2_tab(), tr("二、主动公开"))
        self.table3 = ReportGrid("table3", [88, 100, 318] + [92] * 7)
        self.tabs.addTab(self._grid_tab(self.table3, TABLE3_TITLE), tr("三、申请情况"))
        self.table4 = ReportGrid("table4", [72] * 15)
        self.tabs.addTab(self._grid_tab(self.table4, TABLE4_TITLE), tr("四、复议诉讼"))
        self.tabs.addTab(self._texts_tab_five_six(), tr("五、六"))
        layout.addWidget(self.tabs, 1)

        checks_title = QLabel(tr("校验"))
        checks_title.setObjectName("sectionTitle")
        layout.addWidget(checks_title)
        self.checks = QListWidget()
        self.checks.setObjectName("checksList")
        self.checks.setWordWrap(True)
        self.checks.setFixedHeight(112)
        self.checks.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.checks)

        self.year.currentIndexChanged.connect(self._year_changed)
        self.lock_button.clicked.connect(self.lock)
        self.unlock_button.clicked.connect(self.unlock)
        for grid in (self.table3, self.table4):
            grid.cellDoubleClicked.connect(lambda r, c, g=grid: self._drill(g, r, c))
        self._shown_year: int | None = None

    # ------------------------------------------------------------------------------------------- tabs

    def _grid_tab(self, grid: ReportGrid, title: str) -> QWidget:
        tab = QWidget()
        v = QVBoxLayout(tab)
        heading = QLabel(tr(title))
        heading.setObjectName("sectionTitle")
        v.addWidget(heading)
        hint = QLabel(tr("数字由申请台账统计得出；双击数字可在申请台账中查看对应的申请。"))
        hint.setObjectName("receiptHint")
        v.addWidget(hint)
        v.addWidget(grid, 1)
        return tab

    def _editor(self, name: str, height: int | None = None) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(name)
        if height:
            edit.setFixedHeight(height)
        edit.textChanged.connect(self._texts_edited)
        return edit

    def _texts_tab_one(self) -> QWidget:
        tab = QWidget()
        v = QVBoxLayout(tab)
        v.addWidget(QLabel(tr("报告说明（标题下的第一段）")))
        self.intro = self._editor("introText", 74)
        v.addWidget(self.intro)
        v.addWidget(QLabel(tr("一、总体情况（依申请公开部分已按表三、表四数字起草，可修改）")))
        self.overview = self._editor("overviewText")
        v.addWidget(self.overview, 1)
        row = QHBoxLayout()
        self.redraft_button = QPushButton(tr("重新生成"))
        self.redraft_button.setObjectName("redraftButton")
        self.redraft_button.setToolTip(tr("按当前统计数字重新起草“总体情况”中依申请公开的段落"))
        self.redraft_button.clicked.connect(self.redraft)
        self.save_texts_button = QPushButton(tr("保存文字"))
        self.save_texts_button.setObjectName("saveButton")
        self.save_texts_button.clicked.connect(self.save_texts)
        row.addWidget(self.redraft_button)
        row.addStretch(1)
        row.addWidget(self.save_texts_button)
        v.addLayout(row)
        return tab

    def _texts_tab_five_six(self) -> QWidget:
        tab = QWidget()
        v = QVBoxLayout(tab)
        v.addWidget(QLabel(tr("五、存在的主要问题及改进情况")))
        self.problems = self._editor("problemsText")
        v.addWidget(self.problems, 1)
        v.addWidget(QLabel(tr("六、其他需要报告的事项（含信息处理费收取情况）")))
        self.other = self._editor("otherText")
        v.addWidget(self.other, 1)
        row = QHBoxLayout()
        self.defaults_button = QPushButton(tr("恢复默认文字"))
        self.defaults_button.setObjectName("defaultsButton")
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.save_texts_button2 = QPushButton(tr("保存文字"))
        self.save_texts_button2.setObjectName("saveButton")
        self.save_texts_button2.clicked.connect(self.save_texts)
        row.addWidget(self.defaults_button)
        row.addStretch(1)
        row.addWidget(self.save_texts_button2)
        v.addLayout(row)
        return tab

    def _table2_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        heading = QLabel(tr("二、主动公开政府信息情况（由本机关填报）"))
        heading.setObjectName("sectionTitle")
        outer.addWidget(heading)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        v = QVBoxLayout(inner)
        self.table2_fields: dict[tuple[str, str], QSpinBox | QDoubleSpinBox] = {}
        for section in TABLE2_SECTIONS:
            box = QGroupBox(tr(section))
            grid = QGridLayout(box)
            items = [it for it in TABLE2_ITEMS if it.section == section]
            grid.addWidget(self._head(tr("信息内容")), 0, 0)
            for c, measure in enumerate(items[0].measures, start=1):
                grid.addWidget(self._head(tr(measure)), 0, c)
            for r, it in enumerate(items, start=1):
                grid.addWidget(QLabel(tr(it.item)), r, 0)
                for c, measure in enumerate(it.measures, start=1):
                    field: QSpinBox | QDoubleSpinBox
                    if measure == FEE_MEASURE:
                        field = QDoubleSpinBox()
                        field.setDecimals(4)
                        field.setRange(0, 99_999_999)
                    else:
                        field = QSpinBox()
                        field.setRange(0, 99_999_999)
                        field.setGroupSeparatorShown(False)
                    field.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
                    field.setAlignment(Qt.AlignmentFlag.AlignRight)
                    field.setMinimumWidth(140)
                    field.setObjectName(f"t2:{it.item}:{measure}")
                    field.valueChanged.connect(self._table2_edited)
                    grid.addWidget(field, r, c)
                    self.table2_fields[(it.item, measure)] = field
            grid.setColumnStretch(4, 1)
            grid.setColumnMinimumWidth(0, 150)
            v.addWidget(box)
        v.addStretch(1)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_table2_button = QPushButton(tr("保存表二"))
        self.save_table2_button.setObjectName("saveButton")
        self.save_table2_button.clicked.connect(self.save_table2)
        row.addWidget(self.save_table2_button)
        outer.addLayout(row)
        return tab

    @staticmethod
    def _head(text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight: bold;")
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return label

    # ------------------------------------------------------------------------------------------- loading

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def current_year(self) -> int:
        return int(self.year.value())

    def refresh(self) -> None:
        """Recount the year (the register may have changed); unsaved edits stay in the editors."""
        self.load(self.current_year(), keep_edits=self._shown_year == self.current_year())

    def _year_changed(self) -> None:
        year = self.current_year()
        if (
            self._shown_year is not None
            and year != self._shown_year
            and (self._dirty_texts or self._dirty_table2)
            and not confirm(self, tr("切换年度"), tr("当前年度有未保存的修改，切换后将丢弃。是否继续？"))
        ):
            was = self.year.blockSignals(True)
            self.year.set_value(self._shown_year)
            self.year.blockSignals(was)
            return
        self.load(year)

    def load(self, year: int, *, keep_edits: bool = False) -> None:
        try:
            view = R.build_report(self.ctx, year)
        except ClerkError as exc:
            msgbox.error(self, tr("无法生成年度报告"), str(exc))
            return
        self.view = view
        self._shown_year = year
        self._loading = True
        try:
            if not (keep_edits and self._dirty_texts):
                self.intro.setPlainText(view.texts["intro"])
                self.overview.setPlainText(view.texts["overview"])
                self.problems.setPlainText(view.texts["problems"])
                self.other.setPlainText(view.texts["other"])
                self._dirty_texts = False
            if not (keep_edits and self._dirty_table2):
                for (item, measure), field in self.table2_fields.items():
                    field.setValue(float(view.table2.get(item, measure)))  # type: ignore[arg-type]
                self._dirty_table2 = False
        finally:
            self._loading = False
        self.table3.show_grid(grid_table3(view.table3), _t3_cell(3))
        self.table4.show_grid(grid_table4(view.table4), _t4_cell)
        self._show_checks(view.checks)
        self._show_lock(view)
        t3 = view.table3
        self.summary.setText(
            tr("本年新收 {new} 件，上年结转 {carried} 件，办结 {closed} 件，结转下年度 {left} 件").format(
                new=t3.total("一"), carried=t3.total("二"), closed=t3.total("三.七"), left=t3.total("四")
            )
        )

    def _show_checks(self, checks: tuple[Check, ...]) -> None:
        self.checks.clear()
        bad: set[tuple[str, str, int]] = set()
        for check in checks:
            mark = "✔" if check.ok else "✘"
            item = QListWidgetItem(f"{mark} {check.rule}：{check.detail}")
            item.setForeground(QBrush(OK_COLOUR if check.ok else BAD_COLOUR))
            item.setToolTip(check.detail)
            item.setData(Qt.ItemDataRole.UserRole, check.ok)
            self.checks.addItem(item)
            bad |= {(t, k.split("#")[0], c) for t, k, c in check.cells}
        self.table3.mark(bad)
        self.table4.mark(bad)

    def _show_lock(self, view: R.ReportView) -> None:
        lock = view.lock
        if lock.locked:
            when = cn_date(lock.published_on) if lock.published_on else ""
            self.lock_label.setText(tr("已锁定（{when}发布）").format(when=when))
            self.lock_label.setProperty("state", "bad")
        elif lock.published:
            self.lock_label.setText(tr("已解除锁定（曾于{when}发布）").format(when=cn_date(lock.published_on)))
            self.lock_label.setProperty("state", "")
        else:
            self.lock_label.setText(tr("未锁定"))
            self.lock_label.setProperty("state", "")
        self.lock_label.style().unpolish(self.lock_label)
        self.lock_label.style().polish(self.lock_label)
        self.lock_button.setEnabled(not lock.locked)
        self.unlock_button.setEnabled(lock.locked)
        editable = not lock.locked
        for edit in (self.intro, self.overview, self.problems, self.other):
            edit.setReadOnly(not editable)
        for field in self.table2_fields.values():
            field.setReadOnly(not editable)
        for button in (
            self.save_texts_button,
            self.save_texts_button2,
            self.save_table2_button,
            self.redraft_button,
            self.defaults_button,
        ):
            button.setEnabled(editable)
            button.setToolTip("" if editable else tr("该年度报告已锁定（已发布），解除锁定后才能修改"))
        for button in (self.save_texts_button, self.save_texts_button2, self.save_table2_button):
            button.setVisible(editable)  # the prominent save buttons would look clickable even when disabled

    # ------------------------------------------------------------------------------------------- editing

    def _texts_edited(self) -> None:
        if not self._loading:
            self._dirty_texts = True

    def _table2_edited(self) -> None:
        if not self._loading:
            self._dirty_table2 = True

    def redraft(self) -> None:
        """重新生成: the paragraph on applications drafted again from the current figures."""
        if self.view is not None:
            self.overview.setPlainText(self.view.drafted_overview)

    def restore_defaults(self) -> None:
        if self.view is not None:
            self.problems.setPlainText(self.view.defaults["problems"])
            self.other.setPlainText(self.view.defaults["other"])

    def texts(self) -> dict[str, str]:
        return {
            "intro": self.intro.toPlainText(),
            "overview": self.overview.toPlainText(),
            "problems": self.problems.toPlainText(),
            "other": self.other.toPlainText(),
        }

    def table2_values(self) -> dict[str, dict[str, int | float]]:
        out: dict[str, dict[str, int | float]] = {}
        for (item, measure), field in self.table2_fields.items():
            value = field.value()
            out.setdefault(item, {})[measure] = round(value, 4) if measure == FEE_MEASURE else int(value)
        return out

    def save_texts(self) -> bool:
        try:
            R.save_texts(self.ctx, self.current_year(), self.texts())
        except ClerkError as exc:
            msgbox.error(self, tr("保存失败"), str(exc))
            return False
        self._dirty_texts = False
        self._status(tr("{y}年年度报告的文字已保存").format(y=self.current_year()))
        return True

    def save_table2(self) -> bool:
        try:
            R.save_table2(self.ctx, self.current_year(), self.table2_values())
        except ClerkError as exc:
            msgbox.error(self, tr("保存失败"), str(exc))
            return False
        self._dirty_table2 = False
        self._status(tr("{y}年表二已保存").format(y=self.current_year()))
        self.load(self.current_year(), keep_edits=True)
        return True

    def _status(self, text: str) -> None:
        window = self.window()
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 5000)

    # ------------------------------------------------------------------------------------------- drill-down

    def _drill(self, grid: ReportGrid, row: int, col: int) -> None:
        item = grid.item(row, col)
        cell = item.data(CELL_ROLE) if item is not None else None
        if cell is None:
            return
        table, key, column = cell
        year = self.current_year()
        ids = R.cell_applications(self.ctx, year, table, key, column)
        label = R.cell_label(year, table, key, column)
        if not ids:
            self._status(tr("{label}：没有对应的申请").format(label=label))
            return
        self.show_applications.emit(ids, label)

    # ------------------------------------------------------------------------------------------- export, lock

    def export(self, suffix: str) -> None:
        year = self.current_year()
        if (self._dirty_texts or self._dirty_table2) and confirm(
            self, tr("导出年度报告"), tr("有未保存的修改。先保存再导出吗？（选“否”则导出已保存的内容）")
        ):
            if self._dirty_texts and not self.save_texts():
                return
            if self._dirty_table2 and not self.save_table2():
                return
        view = self.view
        name = (view.title if view else tr("{y}年政府信息公开工作年度报告").format(y=year)) + suffix
        path = choose_export_path(self, name, suffix)
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        try:
            write_report(R.build_report(self.ctx, year), target)
        except ClerkError as exc:
            msgbox.error(self, tr("导出失败"), str(exc))
            return
        except OSError as exc:
            msgbox.error(self, tr("导出失败"), os_error_message(exc))
            return
        msgbox.information(self, tr("导出完成"), tr("已导出到：") + f"\n{target}")

    def lock(self) -> None:
        year = self.current_year()
        view = self.view
        if (
            view is not None
            and not view.checks_ok
            and not confirm(self, tr("锁定年度报告"), tr("校验未全部通过（见页面下方红色各项）。仍要锁定吗？"))
        ):
            return
        published = ask_publish_date(self, year, self.ctx.today())
        if published is None:
            return
        try:
            R.lock_year(self.ctx, year, published)
        except ClerkError as exc:
            msgbox.error(self, tr("锁定失败"), str(exc))
            return
        self.load(year, keep_edits=True)
        self._status(tr("{y}年年度报告已锁定").format(y=year))

    def unlock(self) -> None:
        year = self.current_year()
        reason = ask_unlock_reason(self, year)
        if reason is None:
            return
        try:
            R.unlock_year(self.ctx, year, reason)
        except ClerkError as exc:
            msgbox.error(self, tr("解除锁定失败"), str(exc))
            return
        self.load(year, keep_edits=True)
        self._status(tr("{y}年年度报告已解除锁定").format(y=year))


__all__ = ["ReportPage", "ask_publish_date", "ask_unlock_reason", "choose_export_path", "confirm"]

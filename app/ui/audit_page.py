"""审计日志: every event of every application and every settings change, newest first, and the chain check.

The table is lazy like the register's: the filter returns ids (SQL), rows are fetched in blocks as the
view scrolls, so 500,000 events stay fluid. The chain check reads and hashes every event (seconds on a
large database) and runs off the UI thread.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import OrderedDict
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.audit import NO_KEY
from app.services import audit
from app.services.audit import AuditFilter, AuditRow, ChainReport
from app.services.context import ServiceContext
from app.ui.widgets import BackgroundJob, ValueCombo

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("AuditPage", text)


COL_RECORDED, COL_EVENT_DATE, COL_ACTOR, COL_KIND, COL_CASE, COL_SUMMARY = range(6)
HEADERS = ("记录时间", "事项日期", "经办人", "事项", "申请编号", "内容")
HEADER_TIPS = {
    COL_RECORDED: "写入记录的时间（按日期筛选时依据此时间）",
    COL_EVENT_DATE: "事项发生的日期（如收到补正材料的日期），可以早于记录时间",
    COL_CASE: "设置修改不属于某一件申请，显示为“（设置）”",
}

BLOCK = 200
CACHE_ROWS = 5000

BROKEN_BACKGROUND = QColor("#f9d7d5")
SETTINGS_TEXT = QColor("#6b5200")
BAD_STYLE = "color: #a1170f; font-weight: bold;"
OK_STYLE = "color: #1b7a35;"
NO_LIMIT = QDate(2000, 1, 1)  # the minimum of the date edits, shown as 不限


class AuditTableModel(QAbstractTableModel):
    def __init__(self, ctx: ServiceContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._ids: list[int] = []
        self._cache: OrderedDict[int, AuditRow] = OrderedDict()
        self._filter = AuditFilter()
        self._marked: int | None = None  # the event where the chain breaks, shown in red

    # ----- loading -------------------------------------------------------------------------------
    def set_filter(self, f: AuditFilter) -> None:
        self._filter = f
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._ids = audit.query_event_ids(self.ctx, self._filter)
        self._cache.clear()
        self.endResetModel()

    def row_at(self, row: int) -> AuditRow | None:
        if not 0 <= row < len(self._ids):
            return None
        event_id = self._ids[row]
        cached = self._cache.get(event_id)
        if cached is not None:
            return cached
        start = (row // BLOCK) * BLOCK
        for fetched in audit.fetch_audit_rows(self.ctx, self._ids[start : start + BLOCK]):
            self._cache[fetched.id] = fetched
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(event_id)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, event_id: int) -> int:
        try:
            return self._ids.index(event_id)
        except ValueError:
            return -1

    def set_marked(self, event_id: int | None) -> None:
        old, self._marked = self._marked, event_id
        for eid in (old, event_id):
            row = self.row_of(eid) if eid is not None else -1
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    # ----- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(HEADERS[section])
            if role == Qt.ItemDataRole.ToolTipRole and section in HEADER_TIPS:
                return tr(HEADER_TIPS[section])
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_SUMMARY and row.summary:
                return row.summary
            if col == COL_CASE:
                if row.application_id is None:
                    return tr("设置修改，不属于某一件申请")
                return tr("双击打开该申请")
            if col == COL_KIND:
                return tr("记录编号：第 {n} 条").format(n=row.id)
            return None
        if role == Qt.ItemDataRole.BackgroundRole and row.id == self._marked:
            return QBrush(BROKEN_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_CASE and row.application_id is None:
            return QBrush(SETTINGS_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_RECORDED, COL_EVENT_DATE):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    @staticmethod
    def _display(row: AuditRow, col: int) -> str:
        if col == COL_RECORDED:
            return row.recorded_at.strftime("%Y-%m-%d %H:%M:%S")
        if col == COL_EVENT_DATE:
            return row.event_date.isoformat()
        if col == COL_ACTOR:
            return row.actor
        if col == COL_KIND:
            return row.kind_label
        if col == COL_CASE:
            return row.reg_number
        if col == COL_SUMMARY:
            return row.summary
        return ""


class OptionalDateEdit(QDateEdit):
    """A date that may be left open: its minimum shows as 不限, and the calendar then opens on today."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NO_LIMIT)
        self.setMaximumDate(QDate(2099, 12, 31))
        self.setSpecialValueText(tr("不限"))
        self.clear_value()

    def clear_value(self) -> None:
        self.setDate(NO_LIMIT)

    def value(self) -> date | None:
        d = self.date()
        return None if d == NO_LIMIT else date(d.year(), d.month(), d.day())

    def set_value(self, d: date | None) -> None:
        self.setDate(QDate(d.year, d.month, d.day) if d else NO_LIMIT)

    def mousePressEvent(self, event) -> None:
        super().mousePressEvent(event)
        if self.date() == NO_LIMIT:  # don't open the calendar on January 2000
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())


class _Verifier(BackgroundJob):
    """Runs the chain check on a worker thread and hands the result back to the UI thread."""

    finished = Signal(object, float)  # ChainReport, seconds
    failed = Signal(str)
    thread_name = "audit-chain-check"

    def __init__(self, ctx: ServiceContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            report = audit.verify_audit_chain(self.ctx)
        except Exception as exc:
            with contextlib.suppress(RuntimeError):  # the page was closed meanwhile
                self.failed.emit(str(exc))
            return
        with contextlib.suppress(RuntimeError):
            self.finished.emit(report, time.perf_counter() - started)


class AuditPage(QWidget):
    open_application = Signal(int)
    verified = Signal(object)  # ChainReport, after the 校验 result is shown

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loaded_upto: int | None = None  # newest event id when the table was last loaded
        self._verifying = False
        layout = QVBoxLayout(self)
        title = QLabel(tr("审计日志"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        intro = QLabel(
            tr(
                "全部申请的办理记录和每一次设置修改，按记录时间从新到旧排列；"
                "按日期筛选依据的是记录时间（写入系统的时间），不是事项日期。"
            )
        )
        intro.setObjectName("auditIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        bar = QHBoxLayout()
        self.date_from = OptionalDateEdit("dateFrom")
        self.date_from.setToolTip(tr("记录时间在此日期或之后（不限 = 不限制）"))
        self.date_to = OptionalDateEdit("dateTo")
        self.date_to.setToolTip(tr("记录时间在此日期或之前（不限 = 不限制）"))
        self.actor = ValueCombo(name="actorFilter")
        self.actor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.actor.setMinimumContentsLength(6)
        self.kind = ValueCombo(
            [(tr("全部"), None)] + [(label, frozenset({k})) for label, k in audit.kind_choices()], "kindFilter"
        )
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind.setMinimumContentsLength(9)
        self.kind.setMaxVisibleItems(26)
        self.case_text = QLineEdit()
        self.case_text.setObjectName("caseFilter")
        self.case_text.setPlaceholderText(tr("登记编号中的文字"))
        self.case_text.setClearButtonEnabled(True)
        self.case_text.setMinimumWidth(120)
        self.settings_only = QCheckBox(tr("仅显示设置修改"))
        self.settings_only.setObjectName("settingsOnly")
        self.reset_button = QPushButton(tr("清除筛选"))
        self.reset_button.setObjectName("resetFilter")
        for label, widget, stretch in (
            (tr("记录日期"), self.date_from, 0),
            (tr("至"), self.date_to, 0),
            (tr("经办人"), self.actor, 0),
            (tr("事项类型"), self.kind, 0),
            (tr("申请编号"), self.case_text, 1),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget, stretch)
            bar.addSpacing(6)
        bar.addWidget(self.settings_only)
        bar.addWidget(self.reset_button)
        layout.addLayout(bar)

        self.model = AuditTableModel(ctx, self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((150, 92, 100, 200, 140)):
            self.table.setColumnWidth(col, width)
        layout.addWidget(self.table, 1)

        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        footer.addWidget(self.count_label)
        footer.addSpacing(16)
        self.verify_label = QLabel(tr("尚未校验。校验会读取并核对全部记录，记录很多时需要几秒到几十秒。"))
        self.verify_label.setObjectName("verifyResult")
        self.verify_label.setWordWrap(True)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        footer.addWidget(self.verify_label, 1)
        self.busy = QProgressBar()
        self.busy.setObjectName("verifyBusy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        footer.addWidget(self.busy)
        self.verify_button = QPushButton(tr("校验审计链"))
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setToolTip(
            tr("各条记录以校验值首尾相连。校验会重新计算每一条记录的校验值，发现被改动、删除或插入的记录。")
        )
        footer.addWidget(self.verify_button)
        layout.addLayout(footer)
        self.head_label = QLabel()
        self.head_label.setObjectName("chainHead")
        self.head_label.setWordWrap(True)
        self.head_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.head_label.setToolTip(
            tr("审计链头记录最后一条记录及其签名。可抄录备查，或与备份文件旁的 .sha256 文件中的记录对照。")
        )
        layout.addWidget(self.head_label)

        self._verifier = _Verifier(ctx, self)
        self._verifier.finished.connect(self._show_report)
        self._verifier.failed.connect(self._show_failure)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filter)
        self.case_text.textChanged.connect(self._debounce.start)
        for box in (self.actor, self.kind):
            box.currentIndexChanged.connect(self.apply_filter)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.apply_filter)
        self.settings_only.toggled.connect(self._settings_only_toggled)
        self.reset_button.clicked.connect(self.reset_filter)
        self.verify_button.clicked.connect(self.verify)
        self.table.doubleClicked.connect(self._open_index)

    # ----- filtering -----------------------------------------------------------------------------
    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            actor=self.actor.value(),
            kinds=self.kind.value(),
            case_text="" if self.settings_only.isChecked() else self.case_text.text().strip(),
            settings_only=self.settings_only.isChecked(),
        )

    def apply_filter(self) -> None:
        self._debounce.stop()
        started = time.perf_counter()
        self._loaded_upto = audit.latest_event_id(self.ctx)
        self.model.set_filter(self.current_filter())
        self.table.scrollToTop()  # a new filter starts at its first row
        log.debug("audit query: %d rows in %.0f ms", self.model.rowCount(), (time.perf_counter() - started) * 1000)
        self.count_label.setText(tr("共 {n} 条记录").format(n=self.model.rowCount()))

    def _settings_only_toggled(self, checked: bool) -> None:
        self.case_text.setEnabled(not checked)  # settings changes belong to no application
        self.apply_filter()

    def reset_filter(self) -> None:
        widgets = (self.date_from, self.date_to, self.actor, self.kind, self.case_text, self.settings_only)
        blocked = [w.blockSignals(True) for w in widgets]
        self.date_from.clear_value()
        self.date_to.clear_value()
        self.actor.setCurrentIndex(0)
        self.kind.setCurrentIndex(0)
        self.case_text.clear()
        self.settings_only.setChecked(False)
        self.case_text.setEnabled(True)
        for w, was in zip(widgets, blocked, strict=True):
            w.blockSignals(was)
        self.apply_filter()

    def _fill_actors(self) -> None:
        current = self.actor.value()
        was = self.actor.blockSignals(True)
        self.actor.set_items([(tr("全部"), None)] + [(name, name) for name in audit.actors(self.ctx)])
        if not self.actor.set_value(current):
            self.actor.setCurrentIndex(0)
        self.actor.blockSignals(was)

    def refresh(self) -> None:
        """Reload when events were added since the last load (events are only ever appended)."""
        first = self._loaded_upto is None
        if first or audit.latest_event_id(self.ctx) != self._loaded_upto:
            self._fill_actors()
            self.apply_filter()
            self.head_label.setText(tr("审计链头：{t}").format(t=audit.chain_head(self.ctx).text))
        if first:
            # not the date edit: its 不限 would show as selected text (the page as context: no call once it is gone)
            QTimer.singleShot(0, self, self._focus_table)

    def _focus_table(self) -> None:
        self.table.setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    # ----- opening a case ------------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None and row.application_id is not None:
            self.open_application.emit(row.application_id)

    # ----- the chain check -----------------------------------------------------------------------
    def is_verifying(self) -> bool:
        return self._verifying

    def verify(self) -> None:
        if self._verifying:
            return
        self._verifying = True
        if self.verify_button.hasFocus():  # else disabling it hands the focus to the first date edit
            self.table.setFocus()
        self.verify_button.setEnabled(False)
        self.busy.show()
        self.verify_label.setStyleSheet("")
        self.verify_label.setText(tr("正在校验审计链……"))
        self._verifier.start()

    def _done(self) -> None:
        self._verifying = False
        self.busy.hide()
        self.verify_button.setEnabled(True)

    def _show_failure(self, message: str) -> None:
        self._done()
        self.verify_label.setStyleSheet(BAD_STYLE)
        self.verify_label.setText(tr("校验未能完成：{m}").format(m=message))

    def _show_report(self, report: ChainReport, seconds: float) -> None:
        self._done()
        if report.key_missing and report.first_break is None:
            self.model.set_marked(None)
            self.verify_label.setStyleSheet(BAD_STYLE)
            self.verify_label.setText(
                tr(
                    "{w}：共读取 {n} 条记录，未发现断开，但签名未能核对。请向信息化人员取得该数据库的审计密钥后再校验。"
                ).format(w=NO_KEY, n=report.checked)
            )
            self.verified.emit(report)
            return
        if report.ok or report.first_break is None:
            self.model.set_marked(None)
            self.verify_label.setStyleSheet(OK_STYLE)
            log.info("audit chain verified: %d records in %.1f s", report.checked, seconds)
            text = tr("审计链完好：共校验 {n} 条记录").format(n=report.checked)
            if report.head:
                text += tr("；链头：{h}").format(h=report.head)
            self.verify_label.setText(text)
            self.verified.emit(report)
            return
        brk = report.first_break
        where = []
        if brk.reg_number == audit.SETTINGS_CASE:
            where.append(tr("设置修改"))
        elif brk.reg_number:
            where.append(tr("申请编号 {r}").format(r=brk.reg_number))
        if brk.recorded_at is not None:
            where.append(tr("记录于 {t}").format(t=brk.recorded_at.strftime("%Y-%m-%d %H:%M:%S")))
        text = tr("审计链在第 {n} 条记录处断开").format(n=brk.event_id)
        if where:
            text += "（" + "，".join(where) + "）"
        text += "：" + brk.reason
        if report.break_count > 1:
            text += tr("。共发现 {k} 处异常，共校验 {n} 条记录").format(k=report.break_count, n=report.checked)
        self.model.set_marked(brk.event_id)
        row = self.model.row_of(brk.event_id)
        if row >= 0:
            index = self.model.index(row, COL_KIND)
            self.table.selectRow(row)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        else:
            text += tr("（该记录不在当前筛选结果中，清除筛选后可见）")
        self.verify_label.setStyleSheet(BAD_STYLE)
        self.verify_label.setText(text)
        self.verified.emit(report)

    def wait_for_verification(self, timeout: float = 60.0) -> None:
        """Block until a running check has finished (tests, closing the program)."""
        self._verifier.wait(timeout)

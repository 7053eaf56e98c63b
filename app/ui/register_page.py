"""申请台账: the whole register, searchable and filterable, with the detail of one application."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import ApplicantKind
from app.services import register
from app.services.context import ServiceContext
from app.services.register import RegisterFilter, StatusFilter
from app.ui.detail_dialog import DetailDialog
from app.ui.register_model import (
    BLOCK,
    COL_APPLICANT,
    COL_CONTENT,
    COL_ID,
    COL_KIND,
    COL_LEFT,
    COL_NUMBER,
    COL_STATUS,
    RegisterTableModel,
)
from app.ui.widgets import ValueCombo

log = logging.getLogger(__name__)

#: Below this table width (a 1366×768 screen) the columns a clerk reads least give way to 申请内容.
WIDE_TABLE = 1400
HIDDEN_WHEN_NARROW = (COL_ID, COL_KIND)
APPLICANT_CHARS_NARROW = 9
#: Columns at least as wide as their longest usual words, whatever the rows on screen show.
MIN_WORDS = {COL_STATUS: "已超期（暂停计时）", COL_LEFT: "超期 1837 个工作日"}


def tr(text: str) -> str:
    return QCoreApplication.translate("RegisterPage", text)


class RegisterPage(QWidget):
    data_changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        layout = QVBoxLayout(self)
        title = QLabel(tr("申请台账"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(tr("搜索登记编号、申请人、证件号码或申请内容（空格分隔多个词）"))
        self.search.setClearButtonEnabled(True)
        self.year = ValueCombo(name="yearFilter")
        self.status = ValueCombo([(s.label, s) for s in StatusFilter], "statusFilter")
        self.kind = ValueCombo([(tr("全部类型"), None)] + [(k.label, k) for k in ApplicantKind], "kindFilter")
        self.open_button = QPushButton(tr("查看详情"))
        self.open_button.setObjectName("openButton")
        self.print_button = QPushButton(tr("打印列表…"))
        self.print_button.setObjectName("printList")
        self.print_button.setToolTip(tr("按当前筛选条件打印台账（A4 横向，带标题和页码）"))
        self.pdf_button = QPushButton(tr("另存为 PDF…"))
        self.pdf_button.setObjectName("saveListPdf")
        bar.addWidget(self.search, 3)
        bar.addWidget(self.year)
        bar.addWidget(self.status)
        bar.addWidget(self.kind)
        bar.addWidget(self.open_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.pdf_button)
        layout.addLayout(bar)

        self.model = RegisterTableModel(ctx, self)
        self.table = QTableView()
        self.table.setObjectName("registerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COL_NUMBER, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.installEventFilter(self)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        # Every column as wide as its words (状态 "已超期（已延期）", 剩余 "超期 1837 个工作日"); 申请内容 takes
        # what is left and is the one that elides. Measured over the rows on screen and the next block.
        header.setResizeContentsPrecision(BLOCK)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_CONTENT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        header.sortIndicatorChanged.connect(lambda *_: self.table.scrollToTop())
        self.model.layoutChanged.connect(self.fit_columns)
        self._keep_position = False
        self._pending_position: int | None = None
        self.model.modelReset.connect(self._after_reset)
        # the clerk scrolling while the rest of the list loads wins over the place kept by a reload
        self.table.verticalScrollBar().actionTriggered.connect(self._forget_position)
        layout.addWidget(self.table, 1)

        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self._count_text = ""  # what this page last wrote there
        legend = QLabel(
            tr(
                "<span style='background:#f9d7d5'>&nbsp;已超期&nbsp;</span> "
                "<span style='background:#fdebc8'>&nbsp;即将到期&nbsp;</span> "
                "<span style='background:#e6e6e6'>&nbsp;暂停计时/待确认/待补正&nbsp;</span> "
                "<span style='background:#dcefdc'>&nbsp;已办结&nbsp;</span>"
            )
        )
        self.model.loaded.connect(self._show_count)
        footer.addWidget(self.count_label, 1)
        footer.addWidget(legend)
        layout.addLayout(footer)

        self._day_watch = QTimer(self)  # days left and colours depend on today: follow midnight while open
        self._day_watch.setInterval(60_000)
        self._day_watch.timeout.connect(lambda: self.refresh() if self.isVisible() else None)
        self._day_watch.start()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.year, self.status, self.kind):
            box.currentIndexChanged.connect(lambda *_: self.apply_filter())
        self.table.doubleClicked.connect(self._open_index)
        self.open_button.clicked.connect(self._open_current)
        self.print_button.clicked.connect(lambda: self.print_list(print_it=True))
        self.pdf_button.clicked.connect(lambda: self.print_list(print_it=False))
        self._fill_years()

    def list_title(self) -> str:
        """What the printed list shows: 申请台账 and the filters in words."""
        parts = [tr("政府信息公开申请台账")]
        if self.year.value() is not None:
            parts.append(tr("{y}年").format(y=self.year.value()))
        if self.status.value() not in (None, StatusFilter.ALL):
            parts.append(self.status.value().label)
        if self.kind.value() is not None:
            parts.append(self.kind.value().label)
        text = self.search.text().strip()
        if text:
            parts.append(tr("含“{t}”").format(t=text))
        return "　".join(parts)

    def print_list(self, *, print_it: bool) -> bool:
        """Print (system dialog) or save as PDF the list as filtered now (landscape A4, title, page numbers)."""
        from app.services.documents import register_list_pdf
        from app.services.errors import ClerkError
        from app.ui import msgbox, pdf_view
        from app.ui.document_dialog import save_pdf

        title = self.list_title()
        try:
            pdf = register_list_pdf(
                self.ctx, self.current_filter(), title, self.model.sort_key, self.model.sort_descending
            )
        except ClerkError as exc:
            msgbox.warning(self, tr("无法打印"), str(exc))
            return False
        if print_it:
            return pdf_view.print_pdf(self, pdf, title)
        return save_pdf(self, pdf, f"申请台账-{self.ctx.today().isoformat()}.pdf") is not None

    def _fill_years(self) -> None:
        current = self.year.value()
        was = self.year.blockSignals(True)
        self.year.set_items([(tr("全部年度"), None)] + [(tr("{y}年").format(y=y), y) for y in register.years(self.ctx)])
        if not self.year.set_value(current):
            self.year.setCurrentIndex(0)
        self.year.blockSignals(was)

    def current_filter(self) -> RegisterFilter:
        return RegisterFilter(
            text=self.search.text().strip(),
            year=self.year.value(),
            status=self.status.value(),
            kind=self.kind.value(),
        )

    def apply_filter(self, *, keep_position: bool = False) -> None:
        """Run the search; a new search or filter starts at the top of the list, a reload keeps the place.

        The first screenful shows at once; the count follows when the rest of the list has arrived
        (:meth:`_show_count`), and so does a kept place further down than the first screenful.
        """
        started = time.perf_counter()
        position = self.table.verticalScrollBar().value()
        self._keep_position = keep_position
        self._pending_position = None
        self._say_count(tr("正在统计…"))
        self.model.set_filter(self.current_filter())
        self._keep_position = False
        log.debug(
            "register query: first %d rows in %.0f ms", self.model.rowCount(), (time.perf_counter() - started) * 1000
        )
        if keep_position:
            self.table.verticalScrollBar().setValue(position)
            if not self.model.complete:
                self._pending_position = position  # back there once the rest of the rows are in
        self._stale = False
        self._loaded_on = self.ctx.today()

    def _say_count(self, text: str) -> None:
        self._count_text = text
        self.count_label.setText(text)

    def _forget_position(self, *_: object) -> None:
        self._pending_position = None

    def _show_count(self, n: int) -> None:
        """The whole list is known: say how many, and go back to a kept place beyond the first screenful.

        A caption another page put there (the annual report's cell, with its own count) is left as it is.
        """
        if self.count_label.text() == self._count_text:
            self._say_count(tr("共 {n} 件").format(n=n))
        position, self._pending_position = self._pending_position, None
        if position is not None:
            self.table.doItemsLayout()  # the scroll range of the rows just appended (Qt lays it out later)
            self.table.verticalScrollBar().setValue(position)

    def _after_reset(self) -> None:
        if not self._keep_position:  # a new search, filter or list starts at its first row
            self.table.scrollToTop()
        self.fit_columns()

    def fit_columns(self) -> None:
        """Size the columns to their words; 申请内容 gets the rest. On a narrow screen (1366×768) the masked
        证件号码 and 申请人类型 give way first (both stay in the 申请人 tooltip and the search), and a long
        organisation name is cut before 申请内容 shrinks below a readable width."""
        table = self.table
        metrics = table.fontMetrics()
        pad = 2 * metrics.horizontalAdvance("中")
        narrow = table.viewport().width() < WIDE_TABLE
        for col in HIDDEN_WHEN_NARROW:
            table.setColumnHidden(col, narrow)
        for col in range(self.model.columnCount()):
            if col == COL_CONTENT or table.isColumnHidden(col):
                continue
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            width = max(table.sizeHintForColumn(col), metrics.horizontalAdvance(title) + pad)
            floor = MIN_WORDS.get(col)
            if floor is not None:
                width = max(width, metrics.horizontalAdvance(tr(floor)) + pad)
            if col == COL_APPLICANT and narrow:
                width = min(width, metrics.horizontalAdvance("中") * APPLICANT_CHARS_NARROW + pad)
            table.setColumnWidth(col, width)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        narrow = self.table.viewport().width() < WIDE_TABLE
        if narrow != self.table.isColumnHidden(HIDDEN_WHEN_NARROW[0]):
            self.fit_columns()

    def set_status_filter(self, value: str) -> None:
        self._show(StatusFilter(value), "")

    def show_search(self, text: str) -> None:
        """Every application matching *text* (the 工作台's quick search), whatever its year, status or kind."""
        self._show(StatusFilter.ALL, text)

    def _show(self, status: StatusFilter, text: str) -> None:
        boxes = (self.search, self.kind, self.year, self.status)
        blocked = [box.blockSignals(True) for box in boxes]  # one query below, not one per box
        self.search.setText(text)
        self.kind.setCurrentIndex(0)
        self.year.setCurrentIndex(0)
        self.status.set_value(status)
        for box, was in zip(boxes, blocked, strict=True):
            box.blockSignals(was)
        self.apply_filter()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Reload when something changed or the day turned (days left and colours depend on today)."""
        if self._stale or getattr(self, "_loaded_on", None) != self.ctx.today():
            self._fill_years()
            self.apply_filter(keep_position=True)

    def reload_keeping_place(self) -> None:
        """Another desk (or the command line) changed the register: read the list again with the same filter
        (also a list another page put there), at the same scroll position, the same application selected."""
        current = self.table.currentIndex()
        app_id = self.model.id_at(current.row()) if current.isValid() else None
        column = current.column() if current.isValid() else 0
        bar = self.table.verticalScrollBar()
        position = bar.value()
        self._fill_years()
        self._keep_position = True
        self._pending_position = None
        try:
            self.model.reload()
        finally:
            self._keep_position = False
        bar.setValue(position)
        if not self.model.complete:
            self._pending_position = position  # back there once the rest of the rows are in
        if app_id is not None:
            for row in range(self.model.rowCount()):
                if self.model.id_at(row) == app_id:
                    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                    self.table.selectionModel().setCurrentIndex(self.model.index(row, column), flags)
                    bar.setValue(position)  # selecting never scrolls the list under the clerk's eyes
                    break
        self._stale = False
        self._loaded_on = self.ctx.today()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.table.currentIndex().isValid()
        ):
            self._open_current()  # Enter on a row opens the case, as a double click does
            return True
        return super().eventFilter(watched, event)

    def _open_index(self, index: QModelIndex) -> None:
        app_id = self.model.id_at(index.row())
        if app_id is not None:
            self.open_detail(app_id)

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._open_index(index)

    def open_detail(self, application_id: int) -> None:
        dialog = DetailDialog(self.ctx, application_id, self)
        dialog.exec()
        if dialog.changed:
            self._stale = True
            self.refresh()
            self.data_changed.emit()

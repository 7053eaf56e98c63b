"""工作台: what needs the clerk's attention today — overdue, due soon, paused, awaiting confirmation."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import Status
from app.domain.dates import cn_date, cn_date_weekday
from app.services import register
from app.services.calendar import needs_confirmation_reminder
from app.services.context import ServiceContext
from app.services.register import StatusFilter
from app.ui.register_model import AMBER, GREY, RED, status_text, traffic_light


def tr(text: str) -> str:
    return QCoreApplication.translate("DashboardPage", text)


class Tile(QPushButton):
    def __init__(self, caption: str, tone: str) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.setProperty("tone", tone)
        self.caption = caption
        self.setMinimumHeight(84)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_count(self, n: int) -> None:
        self.setText(f"{n}\n{self.caption}")


class DashboardPage(QWidget):
    open_application = Signal(int)
    show_register = Signal(str)

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._shown_for = None
        self._day_watch = QTimer(self)
        self._day_watch.setInterval(60_000)
        self._day_watch.timeout.connect(self._follow_the_day)
        self._day_watch.start()
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        self.calendar_reminder = QLabel()
        self.calendar_reminder.setObjectName("calendarReminder")
        self.calendar_reminder.setWordWrap(True)
        self.calendar_reminder.setStyleSheet(
            "background:#fff4ce; color:#6b4e00; border:1px solid #e0c060; border-radius:4px; padding:8px;"
        )
        self.calendar_reminder.setVisible(False)
        layout.addWidget(self.calendar_reminder)
        grid = QGridLayout()
        self.tiles: dict[StatusFilter, Tile] = {}
        specs = [
            (StatusFilter.OVERDUE, tr("已超期"), "red"),
            (StatusFilter.DUE_SOON, tr("3个工作日内到期"), "amber"),
            (StatusFilter.OPEN, tr("未办结合计"), "blue"),
            (StatusFilter.PAUSED, tr("暂停计时"), "grey"),
            (StatusFilter.AWAITING, tr("待确认收到"), "grey"),
            (StatusFilter.CORRECTION, tr("待补正"), "grey"),
        ]
        for i, (key, caption, tone) in enumerate(specs):
            tile = Tile(caption, tone)
            tile.clicked.connect(lambda _=False, k=key: self.show_register.emit(k.value))
            self.tiles[key] = tile
            grid.addWidget(tile, 0, i)
        layout.addLayout(grid)
        self.year_line = QLabel()
        self.year_line.setObjectName("yearLine")
        layout.addWidget(self.year_line)
        caption = QLabel(tr("最近到期与待处理"))
        caption.setObjectName("sectionTitle")
        layout.addWidget(caption)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("upcomingTable")
        self.table.setHorizontalHeaderLabels(
            [tr("登记编号"), tr("申请人"), tr("申请内容"), tr("状态"), tr("答复期限"), tr("剩余工作日")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col, w in ((0, 130), (1, 160), (3, 110), (4, 170), (5, 110)):
            self.table.setColumnWidth(col, w)
        self.table.cellDoubleClicked.connect(self._open)
        layout.addWidget(self.table, 1)
        self.empty_hint = QLabel(tr("目前没有待办的申请。新申请请在“申请登记”中登记。"))
        self.empty_hint.setObjectName("emptyHint")
        layout.addWidget(self.empty_hint)

    def _follow_the_day(self) -> None:
        if self.isVisible() and self._shown_for != self.ctx.today():
            self.refresh()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        d = register.dashboard(self.ctx)
        today = self.ctx.today()
        self.title.setText(tr("工作台　{today}").format(today=cn_date_weekday(today)))
        reminder = needs_confirmation_reminder(self.ctx)
        self.calendar_reminder.setText("⚠ " + reminder if reminder else "")
        self.calendar_reminder.setVisible(reminder is not None)
        values = {
            StatusFilter.OVERDUE: d.overdue,
            StatusFilter.DUE_SOON: d.due_soon,
            StatusFilter.OPEN: d.open,
            StatusFilter.PAUSED: d.paused,
            StatusFilter.AWAITING: d.awaiting,
            StatusFilter.CORRECTION: d.correction,
        }
        soon_days = self.ctx.int_setting("due_soon_days")
        self.tiles[StatusFilter.DUE_SOON].caption = tr("{n}个工作日内到期").format(n=soon_days)
        for key, tile in self.tiles.items():
            tile.set_count(values[key])
        self.year_line.setText(
            tr("{y}年已收到申请 {r} 件，已办结 {c} 件。").format(
                y=today.year, r=d.received_this_year, c=d.closed_this_year
            )
        )
        due_soon = self.ctx.int_setting("due_soon_days")
        self.table.setRowCount(len(d.upcoming))
        for r, row in enumerate(d.upcoming):
            if row.status is Status.AWAITING_CONFIRMATION:
                due = tr("{d}到达，尚未确认收到").format(d=cn_date(row.arrived_on))
            elif row.status is Status.AWAITING_CORRECTION and row.correction_deadline:
                due = tr("申请人应于{d}前补正").format(d=cn_date(row.correction_deadline))
            elif row.reply_due:
                due = cn_date_weekday(row.reply_due)
            else:
                due = row.status.label
            if row.days_left is None:
                left = "—"
            elif row.days_left < 0:
                left = tr("超期 {n} 个工作日").format(n=-row.days_left)
            else:
                left = str(row.days_left)
            values_row = [
                row.reg_number,
                row.applicant_name,
                " ".join(row.content.split()),
                status_text(row),
                due,
                left,
            ]
            color = {"red": RED, "amber": AMBER, "grey": GREY}.get(traffic_light(row, due_soon))
            for c, text in enumerate(values_row):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if color is not None and c >= 3:
                    item.setBackground(color)
                self.table.setItem(r, c, item)
        self.empty_hint.setVisible(not d.upcoming)
        self._stale = False
        self._shown_for = self.ctx.today()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def _open(self, row: int, _col: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.open_application.emit(int(item.data(Qt.ItemDataRole.UserRole)))
            self.refresh()

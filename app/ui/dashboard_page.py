"""工作台: what the clerk works through each morning, each item one click (or Enter) from its case.

Six tiles (the number is the largest thing on a tile; a zero is grey, only 已超期 turns red), the work lists of
:mod:`app.services.dashboard` (at most 8 rows each, "还有 N 件" opens the register on the same filter), this
year's totals by outcome group and applicant kind, and the applications of the last 12 months as a bar chart.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import ApplicantKind
from app.domain.dates import cn_date, cn_date_weekday
from app.domain.deadlines import PauseKind
from app.services.calendar import needs_confirmation_reminder
from app.services.context import ServiceContext
from app.services.dashboard import Board, OutcomeGroup, WorkItem, WorkList, board
from app.services.register import UNSERVED_DAYS, StatusFilter
from app.ui.chart import Bar, BarChart


def tr(text: str) -> str:
    return QCoreApplication.translate("DashboardPage", text)


RED_TEXT = QColor("#a1170f")
AMBER_TEXT = QColor("#7a4b00")
ROW_HEIGHT = 26
#: Wide enough for the year panel beside the lists (1920×1080); narrower screens put it under them.
SIDE_BY_SIDE_WIDTH = 1500
YEAR_PANEL_WIDTH = 480
#: Narrowest comfortable list: number, applicant and the longest "what to do" line.
CARD_MIN_WIDTH = 540

STYLE = """
QPushButton#dashTile { background: white; border: 1px solid #cfd8e3; border-radius: 8px; padding: 4px 10px; }
QPushButton#dashTile:hover { border: 1px solid #2f5d94; }
QPushButton#dashTile:focus { border: 2px solid #2f5d94; }
QPushButton#dashTile[tone="zero"] { background: #f3f4f6; }
QPushButton#dashTile[tone="red"] { background: #f9d7d5; border-color: #e0a29c; }
QPushButton#dashTile[tone="amber"] { background: #fdebc8; border-color: #e6c27e; }
QLabel#tileNumber { font-size: 24pt; font-weight: bold; color: #1f3a5f; }
QLabel#tileCaption { font-size: 10pt; color: #1d1d1f; }
QPushButton#dashTile[tone="zero"] QLabel { color: #8a929c; }
QPushButton#dashTile[tone="red"] QLabel { color: #7d1109; }
QPushButton#dashTile[tone="amber"] QLabel { color: #6b4200; }
QFrame#workCard, QFrame#yearPanel { background: white; border: 1px solid #d5dce6; border-radius: 6px; }
QLabel#cardTitle { font-weight: bold; color: #1f3a5f; }
QLabel#cardTitle[urgent="true"] { color: #a1170f; }
QLabel#cardCount { color: #5f6b7a; }
QTableWidget#workTable { border: none; background: white; }
QPushButton#moreLink { border: none; background: transparent; color: #2f5d94; padding: 2px 0; text-align: left; }
QPushButton#moreLink:hover, QPushButton#moreLink:focus { text-decoration: underline; }
QPushButton#newRegistration { background: #2f5d94; color: white; font-weight: bold; padding: 6px 18px;
    border-radius: 4px; }
QPushButton#newRegistration:hover { background: #3b6fae; }
QLabel#yearFigure { font-weight: bold; }
QLabel#yearHeading { font-weight: bold; color: #1f3a5f; }
QLabel#emptyHint { color: #5f6b7a; padding: 12px; }
"""


def _repolish(widget: QWidget) -> None:
    for w in (widget, *widget.findChildren(QWidget)):
        w.style().unpolish(w)
        w.style().polish(w)


# ---------------------------------------------------------------------------------------------- tiles


class Tile(QPushButton):
    """A count the clerk reads at a glance: the number large, the caption under it. Click or Enter: the register."""

    def __init__(self, key: StatusFilter, caption: str, tooltip: str, alarm: str) -> None:
        super().__init__()
        self.key = key
        self.alarm = alarm  # the tone when the count is above zero: "red", "amber" or "" (neutral)
        self.setObjectName("dashTile")
        self.setProperty("tone", "zero")
        self.setToolTip(tooltip)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(84)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(0)
        self.number = QLabel("0")
        self.number.setObjectName("tileNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        for label in (self.number, self.caption):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        self.count = 0

    def set_count(self, n: int, caption: str | None = None) -> None:
        self.count = n
        self.number.setText(str(n))
        if caption is not None:
            self.caption.setText(caption)
        self.setAccessibleName(f"{self.caption.text()} {n}")
        tone = "zero" if n == 0 else (self.alarm or "plain")
        if self.property("tone") != tone:
            self.setProperty("tone", tone)
            _repolish(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)


# ---------------------------------------------------------------------------------------------- work lists


class WorkTable(QTableWidget):
    """The rows of one work list: 登记编号 · 申请人 · what to do. One click or Enter opens the case."""

    open_application = Signal(int)

    def __init__(self) -> None:
        super().__init__(0, 3)
        self.setObjectName("workTable")
        self.horizontalHeader().setVisible(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the list (to the next list); arrows move inside it
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(1, 104)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.cellClicked.connect(lambda row, _col: self._open(row))

    def set_rows(self, rows: list[tuple[int, str, str, str, str, QColor | None]]) -> None:
        """(application id, registration number, applicant, what to do, tooltip, colour of the words or None)."""
        self.clearContents()
        self.setRowCount(len(rows))
        for r, (app_id, number, applicant, action, tip, color) in enumerate(rows):
            for c, text in enumerate((number, applicant, action)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, app_id)
                item.setToolTip(tip)
                if c == 2 and color is not None:
                    item.setForeground(QBrush(color))
                self.setItem(r, c, item)
        self.setFixedHeight(max(1, len(rows)) * ROW_HEIGHT + 2 * self.frameWidth())

    def id_at(self, row: int) -> int | None:
        item = self.item(row, 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def ids(self) -> list[int]:
        return [i for i in (self.id_at(r) for r in range(self.rowCount())) if i is not None]

    def _open(self, row: int) -> None:
        app_id = self.id_at(row)
        if app_id is not None:
            self.open_application.emit(app_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self._open(self.currentRow())
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.currentRow() < 0 and self.rowCount():
            self.setCurrentCell(0, 0)  # Enter opens the first case straight away


class WorkCard(QFrame):
    """One work list: its title and count, the first rows, and "还有 N 件" to the register."""

    def __init__(self, key: StatusFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("workCard")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(4)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        self.title.setProperty("urgent", key is StatusFilter.OVERDUE)
        self.count = QLabel()
        self.count.setObjectName("cardCount")
        head.addWidget(self.title, 1)
        head.addWidget(self.count)
        layout.addLayout(head)
        self.table = WorkTable()
        self.table.setAccessibleName(key.label)
        layout.addWidget(self.table)
        self.more = QPushButton()
        self.more.setObjectName("moreLink")
        self.more.setCursor(Qt.CursorShape.PointingHandCursor)
        layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)

    def estimated_height(self) -> int:
        return 40 + self.table.rowCount() * ROW_HEIGHT + (24 if self.more.isVisibleTo(self) else 0)


# ---------------------------------------------------------------------------------------------- wording

_LIST_TITLES = {
    StatusFilter.OVERDUE: "答复已超期",
    StatusFilter.DUE_SOON: "答复期限将至（{n}个工作日内）",
    StatusFilter.EXTENSION_WINDOW: "延期答复：须在原答复期限届满前告知申请人（第三十三条第二款）",
    StatusFilter.CORRECTION_NOTICE: "补正告知：收到申请后 7 个工作日内一次性告知（第三十条）",
    StatusFilter.CONSULTING: "征求意见：15 个工作日（第三十二条、第三十四条）",
    StatusFilter.FEE_DUE: "等待缴费",
    StatusFilter.CORRECTION: "等待申请人补正",
    StatusFilter.UNSERVED: "答复尚未送达（近{d}日作出）",
    StatusFilter.AWAITING: "待确认收到（平常信函、电子邮件、网上申请、传真）",
    StatusFilter.RECEIVED_TODAY: "今日收到",
}


def list_title(key: StatusFilter, soon_days: int) -> str:
    return tr(_LIST_TITLES[key]).format(n=soon_days, d=UNSERVED_DAYS)


def _short(day: date, today: date | None) -> str:
    """A date in the lists: the year is left out when it is this year (the lists are about the days ahead)."""
    return cn_date(day, year=today is None or day.year != today.year)


def _day(item: WorkItem, today: date | None = None) -> str:
    assert item.day is not None
    return _short(item.day, today) + (tr("（预估）") if item.provisional else "")


def describe(key: StatusFilter, item: WorkItem, today: date | None = None) -> str:
    """What to do about *item*, in words, with the date that matters and the working days left.

    The words that matter come first (the date and the days left) so that a narrow list cuts only the
    detail at the end; the year is left out for dates of *today*'s year.
    """
    n = item.days_left
    if item.day is None or n is None:
        return {
            StatusFilter.CORRECTION: tr("已发出补正告知，等待申请人补正"),
            StatusFilter.CONSULTING: tr("正在征求意见"),
            StatusFilter.FEE_DUE: tr("已发出收费通知，等待缴费"),
            StatusFilter.RECEIVED_TODAY: tr("{c}，{s}").format(c=item.channel.label, s=item.status.label),
        }.get(key, item.status.label)
    d = _day(item, today)
    late = -n
    match key:
        case StatusFilter.OVERDUE:
            return tr("答复期限{d}已过（超期 {n} 个工作日）").format(d=d, n=late)
        case StatusFilter.DUE_SOON:
            if n == 0:
                return tr("答复期限今天（{d}）届满，请今天答复").format(d=d)
            return tr("答复最迟 {d}（还有 {n} 个工作日）").format(d=d, n=n)
        case StatusFilter.EXTENSION_WINDOW:
            if n == 0:
                return tr("如需延期，今天（{d}）须告知申请人").format(d=d)
            return tr("延期告知最迟 {d}（还有 {n} 个工作日）").format(d=d, n=n)
        case StatusFilter.CORRECTION_NOTICE:
            if n > 0:
                return tr("补正告知最迟 {d}（还有 {n} 个工作日）").format(d=d, n=n)
            if n == 0:
                return tr("补正告知最迟今天（{d}）").format(d=d)
            return tr("补正告知期限{d}已过 {n} 个工作日").format(d=d, n=late)
        case StatusFilter.CONSULTING:
            third = item.pause is PauseKind.THIRD_PARTY
            who = tr("第三方") if third else tr("其他机关")
            party = tr("（{p}）").format(p=item.party) if item.party else ""
            if n > 0:
                text = tr("{who}意见最迟 {d}（还有 {n} 个工作日）").format(who=who, d=d, n=n)
            elif n == 0:
                text = tr("{who}意见期限今天（{d}）届满").format(who=who, d=d)
            elif third:
                text = tr("{who}意见期限{d}已届满，请记录结束").format(who=who, d=d)
            else:  # silence of another agency counts as consent (Art. 34)
                text = tr("{who}意见期限{d}已届满，视为同意").format(who=who, d=d)
            return text + party
        case StatusFilter.FEE_DUE:
            amount = "" if item.amount_yuan is None else tr("{a}元，").format(a=item.amount_yuan)
            if n > 0:
                return tr("{a}缴费最迟 {d}（还有 {n} 个工作日）").format(a=amount, d=d, n=n)
            if n == 0:
                return tr("{a}缴费期限今天（{d}）届满").format(a=amount, d=d)
            return tr("缴费期限{d}已过，可按“逾期未缴费”办结").format(d=d)
        case StatusFilter.CORRECTION:
            if n > 0:
                return tr("申请人补正最迟 {d}（还有 {n} 个工作日）").format(d=d, n=n)
            if n == 0:
                return tr("申请人补正期限今天（{d}）届满").format(d=d)
            return tr("补正期限{d}已过，可按“逾期不补正”办结").format(d=d)
        case StatusFilter.UNSERVED:
            outcome = item.outcome.label if item.outcome else ""
            return tr("{d}作出答复，尚未登记送达（{o}）").format(d=_short(item.day, today), o=outcome)
        case StatusFilter.AWAITING:
            return tr("{c}，{d}到达，尚未确认收到").format(c=item.channel.label, d=_short(item.day, today))
        case StatusFilter.RECEIVED_TODAY:
            return tr("{c}，答复期限 {d}").format(c=item.channel.label, d=d)
    return d


def _color(key: StatusFilter, item: WorkItem) -> QColor | None:
    if key is StatusFilter.OVERDUE:
        return RED_TEXT
    if key in (StatusFilter.UNSERVED, StatusFilter.AWAITING, StatusFilter.RECEIVED_TODAY):
        return None
    if item.days_left is not None and item.days_left <= 0:
        return AMBER_TEXT  # due today, or a limit that has passed: act now
    return None


# ---------------------------------------------------------------------------------------------- the year


#: The widest labels of the year panel's two grids (applicant kinds and outcome groups).
LONGEST_LABELS = ("社会公益组织", "法律服务机构")


class YearPanel(QFrame):
    """This year's running totals (by outcome group and applicant kind) and the last 12 months as bars."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("yearPanel")
        self.box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.box.setContentsMargins(12, 8, 12, 10)
        self.box.setSpacing(14)
        figures = QWidget()
        fl = QVBoxLayout(figures)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.setSpacing(4)
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        fl.addWidget(self.title)
        self.received_heading = QLabel()
        self.received_heading.setObjectName("yearHeading")
        fl.addWidget(self.received_heading)
        self.kind_values: dict[ApplicantKind, QLabel] = {}
        fl.addLayout(self._grid([(k.label, k) for k in ApplicantKind], self.kind_values))
        self.closed_heading = QLabel()
        self.closed_heading.setObjectName("yearHeading")
        self.closed_heading.setContentsMargins(0, 8, 0, 0)
        fl.addWidget(self.closed_heading)
        self.group_values: dict[OutcomeGroup, QLabel] = {}
        fl.addLayout(self._grid([(g.label, g) for g in OutcomeGroup], self.group_values))
        self.box.addWidget(figures, 1, Qt.AlignmentFlag.AlignTop)
        charts = QWidget()
        cl = QVBoxLayout(charts)
        cl.setContentsMargins(0, 0, 0, 0)
        self.chart_title = QLabel(tr("近12个月收到的申请（按收到申请之日，件）"))
        self.chart_title.setObjectName("yearHeading")
        cl.addWidget(self.chart_title)
        self.chart = BarChart()
        self.chart.setFixedHeight(210)
        cl.addWidget(self.chart)
        self.box.addWidget(charts, 1, Qt.AlignmentFlag.AlignTop)

    @staticmethod
    def _grid(entries, into: dict) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for i, (label, key) in enumerate(entries):
            row, col = divmod(i, 3)
            name = QLabel(tr(label))
            value = QLabel("0")
            value.setObjectName("yearFigure")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(name, row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
            into[key] = value
        metrics = grid.itemAtPosition(0, 0).widget().fontMetrics()
        label_width = max(metrics.horizontalAdvance(tr(label)) for label in LONGEST_LABELS) + 4
        for col in (0, 2, 4):
            grid.setColumnMinimumWidth(col, label_width)  # both grids line up, whichever labels they hold
        for col in (1, 3, 5):
            grid.setColumnMinimumWidth(col, 44)  # the figure, close to its label
        grid.setColumnStretch(6, 1)
        return grid

    def set_wide(self, wide: bool) -> None:
        """Under the lists (wide): figures and chart side by side; beside them: one above the other."""
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)

    def show_board(self, b: Board) -> None:
        self.title.setText(tr("{y}年累计").format(y=b.year))
        self.received_heading.setText(tr("收到申请 {n} 件（按申请人类型）").format(n=b.received_this_year))
        self.closed_heading.setText(tr("办结 {n} 件（按办理结果）").format(n=b.closed_this_year))
        for kind, label in self.kind_values.items():
            label.setText(str(b.received_by_kind.get(kind, 0)))
        for group, label in self.group_values.items():
            label.setText(str(b.closed_by_group.get(group, 0)))
        last = len(b.months) - 1
        self.chart.set_bars(
            [
                Bar(
                    label=tr("{m}月").format(m=m.month),
                    value=m.count,
                    tooltip=tr("{y}年{m}月：收到 {n} 件").format(y=m.year, m=m.month, n=m.count)
                    + (tr("（本月截至今天）") if i == last else ""),
                    highlight=i == last,
                )
                for i, m in enumerate(b.months)
            ]
        )


# ---------------------------------------------------------------------------------------------- the page


class DashboardPage(QWidget):
    open_application = Signal(int)
    show_register = Signal(str)  # a StatusFilter value
    search_register = Signal(str)  # the quick search's text
    new_registration = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._shown_for = None
        self.board: Board | None = None
        self.setStyleSheet(STYLE)
        self._day_watch = QTimer(self)
        self._day_watch.setInterval(60_000)
        self._day_watch.timeout.connect(self._follow_the_day)
        self._day_watch.start()

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        head.addWidget(self.title)
        head.addStretch(1)
        self.search = QLineEdit()
        self.search.setObjectName("quickSearch")
        self.search.setPlaceholderText(tr("查找：登记编号、申请人、证件号码或内容（回车）"))
        self.search.setToolTip(tr("回车后在申请台账中列出所有相符的申请"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(360)
        self.search.setMaximumWidth(460)
        self.search.returnPressed.connect(self._search)
        head.addWidget(self.search, 1)
        self.new_button = QPushButton(tr("新登记"))
        self.new_button.setObjectName("newRegistration")
        self.new_button.setToolTip(tr("登记一件新收到的申请（申请登记）"))
        self.new_button.clicked.connect(self.new_registration.emit)
        head.addWidget(self.new_button)
        layout.addLayout(head)

        self.calendar_reminder = QLabel()
        self.calendar_reminder.setObjectName("calendarReminder")
        self.calendar_reminder.setWordWrap(True)
        self.calendar_reminder.setStyleSheet(
            "background:#fff4ce; color:#6b4e00; border:1px solid #e0c060; border-radius:4px; padding:8px;"
        )
        self.calendar_reminder.setVisible(False)
        layout.addWidget(self.calendar_reminder)

        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        self.tiles: dict[StatusFilter, Tile] = {}
        for key, caption, tip, alarm in (
            (StatusFilter.OVERDUE, tr("已超期"), tr("答复期限已过、尚未办结的申请"), "red"),
            (StatusFilter.DUE_TODAY, tr("今天到期"), tr("答复期限为今天的申请"), "amber"),
            (StatusFilter.DUE_SOON, "", "", "amber"),
            (StatusFilter.RECEIVED_TODAY, tr("今日收到"), tr("收到申请之日为今天的申请"), ""),
            (StatusFilter.AWAITING, tr("待确认收到"), tr("平常信函、电子邮件、网上申请等尚未确认收到"), ""),
            (StatusFilter.OPEN, tr("未办结"), tr("尚未答复或撤回的全部申请"), ""),
        ):
            tile = Tile(key, caption, tip, alarm)
            tile.clicked.connect(lambda _=False, k=key: self.show_register.emit(k.value))
            self.tiles[key] = tile
            tiles.addWidget(tile, 1)
        layout.addLayout(tiles)

        self.scroll = QScrollArea()
        self.scroll.setObjectName("dashboardScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("dashboardBody")
        self.body_box = QBoxLayout(QBoxLayout.Direction.TopToBottom, body)
        self.body_box.setContentsMargins(0, 4, 0, 4)
        self.body_box.setSpacing(12)
        lists = QWidget()
        lists_layout = QVBoxLayout(lists)
        lists_layout.setContentsMargins(0, 0, 0, 0)
        self.columns = QHBoxLayout()
        self.columns.setSpacing(12)
        self._column_boxes: list[QVBoxLayout] = []
        lists_layout.addLayout(self.columns)
        self.empty_hint = QLabel(tr("今天没有需要处理的事项。新收到的申请请点“新登记”。"))
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setVisible(False)
        lists_layout.addWidget(self.empty_hint)
        self.lists = lists
        self.body_box.addWidget(lists, 1, Qt.AlignmentFlag.AlignTop)
        self.year_panel = YearPanel()
        self.body_box.addWidget(self.year_panel, 0, Qt.AlignmentFlag.AlignTop)
        self.body_box.addStretch(1)  # whatever height is left stays under the content
        self.scroll.setWidget(body)
        layout.addWidget(self.scroll, 1)

        self.cards: dict[StatusFilter, WorkCard] = {}
        for key in _LIST_TITLES:
            card = WorkCard(key, lists)
            card.table.open_application.connect(lambda app_id, k=key: self._open(k, app_id))
            card.more.clicked.connect(lambda _=False, k=key: self.show_register.emit(k.value))
            card.setVisible(False)
            self.cards[key] = card
        self._wide: bool | None = None
        self._n_columns = 0
        self._arrange()

    # ----- layout --------------------------------------------------------------------------------
    def _available_width(self) -> int:
        return max(self.scroll.viewport().width(), self.width() - 24)

    def _arrange(self) -> None:
        """Place the visible cards in one or two columns (the shorter column first) and the year panel."""
        width = self._available_width()
        wide = width >= SIDE_BY_SIDE_WIDTH
        if wide != self._wide:
            self._wide = wide
            self.body_box.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
            self.body_box.setStretch(0, 1 if wide else 0)  # the lists take the width beside the year panel
            self.body_box.setStretch(2, 0 if wide else 1)  # or the height left under it
            self.year_panel.set_wide(not wide)
            self.year_panel.setMinimumWidth(YEAR_PANEL_WIDTH if wide else 0)
            self.year_panel.setMaximumWidth(YEAR_PANEL_WIDTH if wide else 16_777_215)
        lists_width = width - (YEAR_PANEL_WIDTH + 12 if wide else 0)
        n_columns = 2 if lists_width >= 2 * CARD_MIN_WIDTH + 12 else 1
        visible = [c for c in self.cards.values() if not c.isHidden()]
        for box in self._column_boxes:
            while box.count():
                box.takeAt(0)
        if n_columns != self._n_columns:
            while self.columns.count():
                item = self.columns.takeAt(0)
                if item.layout() is not None:
                    item.layout().setParent(None)
            self._column_boxes = []
            for _ in range(n_columns):
                box = QVBoxLayout()
                box.setSpacing(12)
                self.columns.addLayout(box, 1)
                self._column_boxes.append(box)
            self._n_columns = n_columns
        heights = [0] * n_columns
        for card in visible:
            col = heights.index(min(heights))
            self._column_boxes[col].addWidget(card)
            heights[col] += card.estimated_height() + 12
        for box in self._column_boxes:
            box.addStretch(1)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.search, self.new_button, *self.tiles.values()]
        for card in self.cards.values():
            if not card.isHidden():
                chain.append(card.table)
                if not card.more.isHidden():
                    chain.append(card.more)
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = self._available_width() >= SIDE_BY_SIDE_WIDTH
        lists_width = self._available_width() - (YEAR_PANEL_WIDTH + 12 if wide else 0)
        if wide != self._wide or (2 if lists_width >= 2 * CARD_MIN_WIDTH + 12 else 1) != self._n_columns:
            self._arrange()

    # ----- data ----------------------------------------------------------------------------------
    def _follow_the_day(self) -> None:
        if self.isVisible() and self._shown_for != self.ctx.today():
            self.refresh()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        focus = self._focused_case()
        b = board(self.ctx)
        self.board = b
        self.title.setText(tr("工作台　{today}").format(today=cn_date_weekday(b.today)))
        reminder = needs_confirmation_reminder(self.ctx)
        self.calendar_reminder.setText("⚠ " + reminder if reminder else "")
        self.calendar_reminder.setVisible(reminder is not None)
        soon_caption = tr("{n}个工作日内到期").format(n=b.due_soon_days)
        self.tiles[StatusFilter.DUE_SOON].setToolTip(
            tr("答复期限在今天至其后第 {n} 个工作日之间的申请（今天到期的也在内）").format(n=b.due_soon_days)
        )
        for key, n in (
            (StatusFilter.OVERDUE, b.overdue),
            (StatusFilter.DUE_TODAY, b.due_today),
            (StatusFilter.DUE_SOON, b.due_soon),
            (StatusFilter.RECEIVED_TODAY, b.received_today),
            (StatusFilter.AWAITING, b.awaiting),
            (StatusFilter.OPEN, b.open),
        ):
            self.tiles[key].set_count(n, soon_caption if key is StatusFilter.DUE_SOON else None)
        for key, card in self.cards.items():
            self._fill(card, b.lists[key], b.due_soon_days, b.today)
        self.empty_hint.setVisible(all(card.isHidden() for card in self.cards.values()))
        self.year_panel.show_board(b)
        self._arrange()
        self._restore_focus(focus)
        self._stale = False
        self._shown_for = b.today

    def _fill(self, card: WorkCard, work: WorkList, soon_days: int, today: date) -> None:
        card.setVisible(work.total > 0)
        card.title.setText(list_title(work.key, soon_days))
        card.title.setToolTip(card.title.text())
        card.count.setText(tr("共 {n} 件").format(n=work.total))
        rows = []
        for item in work.items:
            action = describe(work.key, item, today)
            tip = tr("{number}　{name}\n{action}\n申请内容：{content}").format(
                number=item.reg_number, name=item.applicant_name, action=action, content=item.content
            )
            rows.append((item.id, item.reg_number, item.applicant_name, action, tip, _color(work.key, item)))
        card.table.set_rows(rows)
        card.more.setText(tr("还有 {n} 件，在申请台账中查看 →").format(n=work.more))
        card.more.setToolTip(tr("申请台账：{f}").format(f=work.key.label))
        card.more.setVisible(work.more > 0)

    def _focused_case(self) -> tuple[StatusFilter, int, int] | None:
        for key, card in self.cards.items():
            if card.table.hasFocus() and card.table.currentRow() >= 0:
                row = card.table.currentRow()
                return key, card.table.id_at(row) or 0, row
        return None

    def _restore_focus(self, focus: tuple[StatusFilter, int, int] | None) -> None:
        """After a refresh the keyboard stays where it was (same case, else the same place in the list)."""
        if focus is None:
            return
        key, app_id, row = focus
        table = self.cards[key].table
        if self.cards[key].isHidden() or not table.rowCount():
            return
        ids = table.ids()
        table.setCurrentCell(ids.index(app_id) if app_id in ids else min(row, len(ids) - 1), 0)
        table.setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale or self._shown_for != self.ctx.today():
            self.refresh()
        self._arrange()

    # ----- actions -------------------------------------------------------------------------------
    def _open(self, _key: StatusFilter, application_id: int) -> None:
        self.open_application.emit(application_id)

    def _search(self) -> None:
        text = self.search.text().strip()
        self.search.clear()
        self.search_register.emit(text)

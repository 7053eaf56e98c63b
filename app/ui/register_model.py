"""The register's table model: the first screenful at once, the rest of the ids after, rows fetched in blocks.

At 100,000 applications a filter, sort or search shows its first :data:`BLOCK` rows straight away (one query with
LIMIT); the ids of all the rest are read on a background thread and appended when they arrive, after which
:attr:`RegisterTableModel.loaded` says how many rows the list has. A newer filter makes a late answer stale
(a generation number), so rows of an old search never appear under a new one.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from app.domain.codes import Status
from app.domain.deadlines import PauseKind
from app.services import register
from app.services.context import ServiceContext
from app.services.register import RegisterFilter, RegisterRow, SortKey

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("RegisterModel", text)


(
    COL_NUMBER,
    COL_RECEIPT,
    COL_CHANNEL,
    COL_APPLICANT,
    COL_ID,
    COL_KIND,
    COL_CONTENT,
    COL_STATUS,
    COL_DUE,
    COL_LEFT,
) = range(10)
HEADERS = (
    "登记编号",
    "收到日期",
    "申请方式",
    "申请人",
    "证件号码",
    "申请人类型",
    "申请内容",
    "状态",
    "答复期限",
    "剩余工作日",
)
SORT_KEYS: dict[int, SortKey] = {
    COL_NUMBER: SortKey.NUMBER,
    COL_RECEIPT: SortKey.RECEIPT,
    COL_CHANNEL: SortKey.CHANNEL,
    COL_APPLICANT: SortKey.APPLICANT,
    COL_KIND: SortKey.KIND,
    COL_CONTENT: SortKey.CONTENT,
    COL_STATUS: SortKey.STATUS,
    COL_DUE: SortKey.DUE,
    COL_LEFT: SortKey.DUE,
}

BLOCK = 200
CACHE_ROWS = 5000
#: Characters of 申请内容 handed to the view; the column takes the width left over and elides the rest.
CONTENT_CHARS = 120

RED = QColor("#f9d7d5")
AMBER = QColor("#fdebc8")
GREY = QColor("#e6e6e6")
GREEN = QColor("#dcefdc")
RED_TEXT = QColor("#a1170f")


def short_date(d: date | None) -> str:
    return d.isoformat() if d else ""


def traffic_light(row: RegisterRow, due_soon_days: int) -> str:
    """'red' overdue, 'amber' ≤ N working days left, 'grey' paused/awaiting, 'green' closed, '' otherwise."""
    if row.status is Status.CLOSED:
        return "green"
    if row.status is Status.VOIDED:
        return "grey"
    if row.days_left is not None and row.days_left < 0:
        return "red"  # a pause begun after the period ran out does not hide that it ran out
    if row.status in (Status.PAUSED, Status.AWAITING_CONFIRMATION, Status.AWAITING_CORRECTION):
        return "grey"
    if row.days_left is None:
        return ""
    if row.days_left <= due_soon_days:
        return "amber"
    return ""


def status_text(row: RegisterRow) -> str:
    """Status in words; an open case past its due date says 已超期 in words, not only in colour."""
    if row.status is Status.CLOSED and row.outcome is not None:
        return f"{row.status.label}（{row.outcome.label}）"
    if row.days_left is not None and row.days_left < 0:
        return tr("已超期") + ("" if row.status is Status.IN_PROGRESS else f"（{row.status.label}）")
    return row.status.label


def _month_day(d: date) -> str:
    return tr("{m}月{d}日").format(m=d.month, d=d.day)


def paused_text(row: RegisterRow) -> str:
    """答复期限 of a case whose clock stands still: why and since when, e.g. "补正中（自11月13日）".

    The reply period does not run while the applicant corrects (第三十条) or during a consultation or a fee
    pause (第三十三条第三款); the row says which, from the day it began when the register carries that day.
    """
    since, kind = row.paused_since, row.pause_kind
    if row.status is Status.AWAITING_CORRECTION:
        what = tr("补正中")
    elif kind is not None:
        what = {
            PauseKind.THIRD_PARTY: tr("征求第三方意见中"),
            PauseKind.OTHER_AGENCY: tr("征求其他机关意见中"),
            PauseKind.FEE: tr("等待缴费"),
        }[kind]
    else:
        what = tr("计时暂停")
    return what + (tr("（自{d}）").format(d=_month_day(since)) if since is not None else "")


def watch_text(row: RegisterRow) -> str:
    """剩余工作日 of a case without a running clock: the date to watch instead, when known."""
    due = row.watch_due
    if row.status is Status.AWAITING_CONFIRMATION:
        return tr("未起算")
    if row.status is Status.AWAITING_CORRECTION:
        return tr("补正最迟 {d}").format(d=_month_day(due)) if due is not None else tr("等待补正")
    if row.status is Status.PAUSED:
        if due is None:
            return tr("暂停，不计时")
        if row.pause_kind is PauseKind.FEE:
            return tr("缴费最迟 {d}").format(d=_month_day(due))
        return tr("意见最迟 {d}").format(d=_month_day(due))
    return "—"


#: The roles :meth:`RegisterTableModel.data` answers; any other is None without looking at the row.
_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.UserRole,
    )
)


class RegisterTableModel(QAbstractTableModel):
    #: The whole list is known (the rest of the ids arrived, or there was no rest): how many rows it has.
    loaded = Signal(int)
    #: (generation, ids or None on failure) from the loading thread; delivered in the model's own thread.
    _arrived = Signal(int, object)

    def __init__(self, ctx: ServiceContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._ids: list[int] = []
        self._cache: OrderedDict[int, RegisterRow] = OrderedDict()
        self._filter = RegisterFilter()
        self._sort = SortKey.NUMBER
        self._descending = True
        self._due_soon = 3
        self._generation = 0  # one per reload: an answer for an older one is dropped
        self._complete = True
        self._loader: threading.Thread | None = None
        self._arrived.connect(self._take_rest, Qt.ConnectionType.QueuedConnection)

    # ----- loading -------------------------------------------------------------------------------
    def set_filter(self, f: RegisterFilter) -> None:
        self._filter = f
        self.reload()

    @property
    def complete(self) -> bool:
        """Whether every matching id is in the model (False while the rest is being read)."""
        return self._complete

    @property
    def sort_key(self) -> SortKey:
        """The column the rows are sorted by (the printed list follows it)."""
        return self._sort

    @property
    def sort_descending(self) -> bool:
        return self._descending

    def reload(self) -> None:
        """Show the first screenful of the current filter and sort now; read the rest of the ids in the background."""
        self._generation += 1
        self.beginResetModel()
        self._due_soon = self.ctx.int_setting("due_soon_days")
        self._ids = register.first_ids(self.ctx, self._filter, self._sort, self._descending, limit=BLOCK)
        self._complete = len(self._ids) < BLOCK
        self._cache.clear()
        self.endResetModel()
        if self._complete:
            self.loaded.emit(len(self._ids))
        else:
            self._start_loading(self._generation)

    def _start_loading(self, generation: int) -> None:
        ctx, query = self.ctx, (self._filter, self._sort, self._descending)
        arrived = self._arrived

        def run() -> None:
            try:
                ids: list[int] | None = register.query_ids(ctx, *query)
            except Exception:  # read again in the window's thread, where an error reaches the clerk
                log.exception("register: reading the rest of the list failed")
                ids = None
            with contextlib.suppress(RuntimeError):  # the model is gone (window closed meanwhile)
                arrived.emit(generation, ids)

        self._loader = threading.Thread(target=run, name="register-rest", daemon=True)
        self._loader.start()

    def _take_rest(self, generation: int, ids: list[int] | None) -> None:
        if generation != self._generation or self._complete:
            return  # an answer for an older filter or sort, or the list was completed meanwhile
        if ids is None:
            ids = register.query_ids(self.ctx, self._filter, self._sort, self._descending)
        self._extend(ids)

    def ensure_complete(self) -> None:
        """Have every id now (reads them here if the background answer has not arrived yet)."""
        if not self._complete:
            self._extend(register.query_ids(self.ctx, self._filter, self._sort, self._descending))

    def wait_loaded(self, timeout: float | None = None) -> None:
        """Wait for the loading thread (tests, closing); its answer is then delivered by the event loop."""
        if self._loader is not None:
            self._loader.join(timeout)

    def _extend(self, ids: Sequence[int]) -> None:
        """Append the rest of the list. The first screenful is normally a prefix of *ids* (ORDER BY ends on a
        unique key); if another program changed the register in between, the rows shown are refreshed too."""
        ids = list(ids)
        old, new = len(self._ids), len(ids)
        same_start = ids[:old] == self._ids
        if new > old:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self._ids = ids
            self.endInsertRows()
        elif new < old:
            self.beginRemoveRows(QModelIndex(), new, old - 1)
            self._ids = ids
            self.endRemoveRows()
        else:
            self._ids = ids
        self._complete = True
        if not same_start:
            self._cache.clear()
            if new:
                self.dataChanged.emit(self.index(0, 0), self.index(min(old, new) - 1, len(HEADERS) - 1))
        self.loaded.emit(len(self._ids))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        self._sort = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def row_at(self, row: int) -> RegisterRow | None:
        if not 0 <= row < len(self._ids):
            return None
        app_id = self._ids[row]
        cached = self._cache.get(app_id)
        if cached is not None:
            return cached
        start = (row // BLOCK) * BLOCK
        block = self._ids[start : start + BLOCK]
        fetched = register.fetch_rows(self.ctx, block)
        for i in block:
            if i in fetched:
                self._cache[i] = fetched[i]
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(app_id)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, application_id: int) -> int:
        self.ensure_complete()
        try:
            return self._ids.index(application_id)
        except ValueError:
            return -1

    # ----- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(HEADERS[section]) if 0 <= section < len(HEADERS) else None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():  # the view asks ~10 roles per cell when sizing columns
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_APPLICANT:  # the whole name, and the columns a narrow screen hides
                return tr("{n}\n{k}　{i}").format(n=row.applicant_name, k=row.applicant_kind.label, i=row.masked_id)
            if col in (COL_CONTENT, COL_STATUS, COL_LEFT):
                return self._display(row, col) if col != COL_CONTENT else row.content
            if col in (COL_DUE, COL_LEFT) and row.provisional:
                return tr("答复期限所在年度的放假安排尚未确认，此日期为预估")
            return None
        if role == Qt.ItemDataRole.BackgroundRole and col in (COL_STATUS, COL_DUE, COL_LEFT):
            light = traffic_light(row, self._due_soon)
            color = {"red": RED, "amber": AMBER, "grey": GREY, "green": GREEN}.get(light)
            return QBrush(color) if color is not None else None
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col == COL_LEFT
            and row.days_left is not None
            and row.days_left < 0
        ):
            return QBrush(RED_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_RECEIPT, COL_DUE, COL_LEFT, COL_CHANNEL):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _display(self, row: RegisterRow, col: int) -> str:
        if col == COL_NUMBER:
            return row.reg_number
        if col == COL_RECEIPT:
            return short_date(row.receipt_date) or tr("待确认")
        if col == COL_CHANNEL:
            return row.channel.label
        if col == COL_APPLICANT:
            return row.applicant_name
        if col == COL_ID:
            return row.masked_id
        if col == COL_KIND:
            return row.applicant_kind.label
        if col == COL_CONTENT:
            text = " ".join(row.content.split())  # the view elides what does not fit
            return text if len(text) <= CONTENT_CHARS else text[:CONTENT_CHARS] + "…"
        if col == COL_STATUS:
            return status_text(row)
        if col == COL_DUE:
            if row.status is Status.PAUSED and row.reply_due is None:
                return paused_text(row)
            if row.status is Status.AWAITING_CONFIRMATION:
                return tr("未起算")
            if row.status is Status.AWAITING_CORRECTION:
                return paused_text(row)
            text = short_date(row.reply_due)
            return text + (tr("（预估）") if text and row.provisional else "")
        if col == COL_LEFT:
            if row.status is Status.CLOSED:
                return tr("已办结 {d}").format(d=short_date(row.closed_on))
            if row.status is Status.VOIDED:
                return tr("已作废")
            if row.days_left is None:
                return watch_text(row)
            if row.days_left < 0:
                return tr("超期 {n} 个工作日").format(n=-row.days_left)
            if row.days_left == 0:
                return tr("今天到期")
            return str(row.days_left)
        return ""

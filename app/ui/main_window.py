"""The main window: navigation on the left (工作台, 申请登记, 申请台账, 年度报告, 审计日志, 设置), pages right.

The window can appear before the database is open (``MainWindow()`` then :meth:`MainWindow.attach`), and each
page is built when it is first shown or asked for, so the program starts about as fast as an empty window.
This module imports no service and no page at load time for the same reason.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.ui.widgets import BackgroundJob

if TYPE_CHECKING:
    from app.services.context import ServiceContext
    from app.ui.audit_page import AuditPage
    from app.ui.dashboard_page import DashboardPage
    from app.ui.register_page import RegisterPage
    from app.ui.registration_page import RegistrationPage
    from app.ui.report_page import ReportPage
    from app.ui.settings_page import SettingsPage


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


#: Applications indexed per pass of the background upkeep of the search index (about 50 ms each).
log = logging.getLogger(__name__)
INDEX_BATCH = 400
#: How often the window asks whether another desk changed the register (see app.services.changes): often on
#: a shared server; now and then on the desk's own file (a ledger import from the command line).
POLL_SERVER_MS = 5_000
POLL_FILE_MS = 15_000
CONNECTION_LOST = "与数据库服务器的连接中断，正在重试…"
FILE_UNREADABLE = "暂时无法读取数据库，正在重试…"


class ChangePoll(BackgroundJob):
    """One reading of the change stamp off the UI thread (a dropped server takes seconds to time out)."""

    answered = Signal(object)
    failed = Signal(str)
    thread_name = "change-poll"

    def __init__(self, read: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read = read

    def _run(self) -> None:
        try:
            stamp = self.read()
        except Exception as exc:  # reported in the status bar; the next poll tries again
            log.warning("change poll failed: %s", exc)
            self._emit(self.failed, str(exc))
            return
        self._emit(self.answered, stamp)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone (program closing)
            signal.emit(value)


class MainWindow(QMainWindow):
    PAGES = ("工作台", "申请登记", "申请台账", "年度报告", "审计日志", "设置")

    def __init__(self, ctx: ServiceContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: ServiceContext | None = None
        self._pages: dict[str, QWidget] = {}
        self._timings: list[tuple[str, float]] = []
        self._upkeep_scheduled = False
        self.setWindowTitle(tr("政府信息公开申请办理"))
        self.resize(1360, 860)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it; arrows then change the page
        self.nav.setAccessibleName(tr("页面导航"))
        for i, name in enumerate(self.PAGES, start=1):
            item = QListWidgetItem(tr(name))
            item.setToolTip(tr("{name}（Ctrl+{n}）").format(name=tr(name), n=i))
            self.nav.addItem(item)

        self.stack = QStackedWidget()
        for _ in self.PAGES:  # placeholders, replaced by each page when it is first needed
            self.stack.addWidget(QWidget())

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        for i, _name in enumerate(self.PAGES, start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i}"), self)
            shortcut.activated.connect(lambda row=i - 1: self.nav.setCurrentRow(row))

        help_menu = self.menuBar().addMenu(tr("帮助(&H)"))
        about = QAction(tr("关于本程序(&A)…"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

        self.nav.currentRowChanged.connect(self._show_page)

        #: reads the change stamp (tests replace it); default: app.services.changes.change_stamp
        self.stamp_function: Callable[[ServiceContext], Any] | None = None
        self._stamp: Any = None
        self._poll = ChangePoll(self._read_stamp, self)
        self._poll.answered.connect(self._stamp_arrived)
        self._poll.failed.connect(self._stamp_failed)
        self._poll_timer = QTimer(self)
        self._poll_timer.timeout.connect(self.poll_changes)
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connectionState")
        self.connection_label.setStyleSheet("color:#a1170f")
        self.connection_label.hide()
        self.statusBar().addPermanentWidget(self.connection_label)
        if ctx is not None:
            self.attach(ctx)

    # ----- the database arrives ------------------------------------------------------------------
    @property
    def ctx(self) -> ServiceContext:
        assert self._ctx is not None, "MainWindow.attach(ctx) first"
        return self._ctx

    def attach(self, ctx: ServiceContext) -> None:
        """Use *ctx* from now on: title from the office's profile, the current page built and filled."""
        from app.services.profile import get_profile

        self._ctx = ctx
        self._show_title(get_profile(ctx).office_name)
        self._stamp = None
        try:
            self._stamp = self._read_stamp()  # one cheap query: what the pages are about to show
        except Exception:
            log.warning("change stamp unreadable at start; the first poll takes it", exc_info=True)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        else:
            self._show_page(self.nav.currentRow())
        self._poll_timer.start(POLL_SERVER_MS if ctx.db.is_server else POLL_FILE_MS)

    def _show_title(self, office: str) -> None:
        title = tr("政府信息公开申请办理 — {office}").format(office=office)
        url = self.ctx.db.url
        if url is not None:  # which shared register this desk works on (never the password)
            where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"
            title += tr("（数据库服务器 {where}）").format(where=where)
        self.setWindowTitle(title)

    def note_timing(self, label: str, seconds: float) -> None:
        """A start-up figure for the 关于 dialog (not shown in the clerk's working view)."""
        self._timings.append((label, seconds))

    def about_text(self) -> str:
        """What the 关于 dialog says: the program, its database file and how long the start took."""
        lines = [tr("政府信息公开申请办理台账")]
        if self._ctx is not None:
            db = self._ctx.db
            if db.is_server:
                lines.append(tr("数据库服务器：{location}").format(location=db.location))
            else:
                lines.append(tr("数据库文件：{path}").format(path=db.location))
        lines += [tr("{label}：{ms:.0f} 毫秒").format(label=label, ms=s * 1000) for label, s in self._timings]
        return "\n".join(lines)

    def show_about(self) -> None:
        from app.ui import msgbox

        msgbox.information(self, tr("关于本程序"), self.about_text())

    # ----- pages, built when first needed --------------------------------------------------------
    def _page(self, name: str) -> QWidget:
        page = self._pages.get(name)
        if page is None:
            page = self._build(name)
            self._pages[name] = page
            index = self.PAGES.index(name)
            placeholder = self.stack.widget(index)
            showing = self.stack.currentIndex() == index
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            if showing:
                self.stack.setCurrentIndex(index)
        return page

    def _build(self, name: str) -> QWidget:
        ctx = self.ctx
        if name == "工作台":
            from app.ui.dashboard_page import DashboardPage

            dashboard = DashboardPage(ctx)
            dashboard.open_application.connect(lambda i: self.register.open_detail(i))
            dashboard.show_register.connect(self._show_register_filtered)
            dashboard.search_register.connect(self._search_register)
            dashboard.new_registration.connect(lambda: self.go_to("申请登记"))
            return dashboard
        if name == "申请登记":
            from app.ui.registration_page import RegistrationPage

            registration = RegistrationPage(ctx)
            registration.registered.connect(self._after_registration)
            return registration
        if name == "申请台账":
            from app.ui.register_page import RegisterPage

            register = RegisterPage(ctx)
            register.data_changed.connect(self._after_register_change)
            return register
        if name == "年度报告":
            from app.ui.report_page import ReportPage

            report = ReportPage(ctx)
            report.show_applications.connect(self._show_register_ids)
            return report
        if name == "审计日志":
            from app.ui.audit_page import AuditPage

            audit = AuditPage(ctx)  # loads its rows when first shown
            audit.open_application.connect(self._open_from_audit)
            return audit
        from app.ui.settings_page import SettingsPage

        settings = SettingsPage(ctx)
        settings.data_changed.connect(self._refresh_all)
        return settings

    @property
    def dashboard(self) -> DashboardPage:
        return self._page("工作台")  # type: ignore[return-value]

    @property
    def registration(self) -> RegistrationPage:
        return self._page("申请登记")  # type: ignore[return-value]

    @property
    def register(self) -> RegisterPage:
        return self._page("申请台账")  # type: ignore[return-value]

    @property
    def report(self) -> ReportPage:
        return self._page("年度报告")  # type: ignore[return-value]

    @property
    def audit(self) -> AuditPage:
        return self._page("审计日志")  # type: ignore[return-value]

    @property
    def settings(self) -> SettingsPage:
        return self._page("设置")  # type: ignore[return-value]

    def _built(self, name: str) -> QWidget | None:
        return self._pages.get(name)

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        if self._ctx is None:  # the database is not open yet: the page follows in attach()
            self.stack.setCurrentIndex(row)
            return
        name = self.PAGES[row]
        new = name not in self._pages
        page = self._page(name)
        self.stack.setCurrentIndex(row)
        if new:
            return  # a page fills itself when first shown
        if page is self._built("工作台"):
            self.dashboard.refresh()
        elif page is self._built("申请台账"):
            self.register.refresh()

    def _open_from_audit(self, application_id: int) -> None:
        self.register.open_detail(application_id)
        self.audit.refresh()  # the detail dialog may have recorded events

    def go_to(self, name: str) -> None:
        self.nav.setCurrentRow(self.PAGES.index(name))

    def _after_registration(self, _application_id: int) -> None:
        for name in ("申请台账", "工作台"):
            page = self._built(name)
            if page is not None:
                page.mark_stale()  # type: ignore[attr-defined]
        self.schedule_index_upkeep()

    def _after_register_change(self) -> None:
        page = self._built("工作台")
        if page is not None:
            page.refresh()  # type: ignore[attr-defined]
        self.schedule_index_upkeep()

    def refresh_data(self) -> None:
        """The applications changed outside the pages (a recompute at start): show them anew."""
        page = self._built("申请台账")
        if page is not None:
            page.mark_stale()  # type: ignore[attr-defined]
        page = self._built("工作台")
        if page is not None:
            page.mark_stale()  # type: ignore[attr-defined]

    def _show_register_filtered(self, status: str) -> None:
        self.register.set_status_filter(status)
        self.go_to("申请台账")

    def _search_register(self, text: str) -> None:
        self.register.show_search(text)
        self.go_to("申请台账")

    def _show_register_ids(self, ids: list[int], label: str) -> None:
        """The applications behind a cell of the annual report, in 申请台账 (any filter change shows all again)."""
        from app.services.register import RegisterFilter

        self.go_to("申请台账")
        self.register.set_status_filter("all")
        self.register.model.set_filter(RegisterFilter(ids=tuple(ids)))
        self.register.count_label.setText(
            tr("{label}：共 {n} 件（改变任一筛选条件即显示全部申请）").format(label=label, n=len(ids))
        )

    def _refresh_all(self) -> None:
        from app.services.profile import get_profile

        page = self._built("申请台账")
        if page is not None:
            page.mark_stale()  # type: ignore[attr-defined]
        page = self._built("工作台")
        if page is not None:
            page.refresh()  # type: ignore[attr-defined]
        self._show_title(get_profile(self.ctx).office_name)
        self.statusBar().showMessage(tr("设置已保存"), 5000)
        self.schedule_index_upkeep()

    # ----- background upkeep of the search index and name order ----------------------------------
    def schedule_index_upkeep(self, delay_ms: int = 500) -> None:
        """Index what was written since the last pass (by this program or any other), a batch at a time
        between the clerk's actions, so the window never freezes. Searches are exact meanwhile."""
        if self._ctx is None or self._upkeep_scheduled:
            return
        self._upkeep_scheduled = True
        QTimer.singleShot(delay_ms, self, self._index_upkeep)  # cancelled with the window

    def _index_upkeep(self) -> None:
        from app.services.register import update_search_index

        self._upkeep_scheduled = False
        if self._ctx is None:
            return
        try:
            left = update_search_index(self._ctx, INDEX_BATCH)
        except Exception:  # upkeep must never disturb the clerk; the search stays exact (slower) without it
            log.exception("search index upkeep failed; retrying in a minute")
            self.schedule_index_upkeep(60_000)
            return
        # more to do: go on at once; busy: retry soon; done: look again now and then (other programs write too)
        self.schedule_index_upkeep(20 if left > 0 else 2000 if left < 0 else 60_000)

    # ----- other desks' changes ------------------------------------------------------------------
    def _read_stamp(self) -> Any:
        read = self.stamp_function
        if read is None:
            from app.services.changes import change_stamp

            read = change_stamp
        return read(self.ctx)

    def poll_changes(self) -> None:
        """Ask (off the UI thread) whether the register changed; the answer arrives in :meth:`_stamp_arrived`
        or :meth:`_stamp_failed`. A poll still waiting for a slow server is not doubled."""
        if self._ctx is None or self._poll.running():
            return
        self._poll.start()

    def _stamp_failed(self, _text: str) -> None:
        lost = self._ctx is not None and self._ctx.db.is_server
        self.connection_label.setText(tr(CONNECTION_LOST if lost else FILE_UNREADABLE))
        self.connection_label.show()

    def _stamp_arrived(self, stamp: Any) -> None:
        self.connection_label.hide()
        if self._ctx is None or stamp == self._stamp:
            return
        if QApplication.activeModalWidget() is not None:
            return  # the clerk is in a dialog: reload once it is closed (the next poll sees the same change)
        before, self._stamp = self._stamp, stamp
        changed_calendar = getattr(stamp, "calendar_changed", None)
        if before is None or (changed_calendar is not None and changed_calendar(before)):
            self._ctx.invalidate_calendar()
        try:
            self.reload_after_other_desks()
        except Exception:  # e.g. the server dropped between the poll and the reload: the next poll retries
            log.warning("reload after a change elsewhere failed", exc_info=True)
            self._stamp = before

    def reload_after_other_desks(self) -> None:
        """Show what another desk changed: the visible page at once, keeping the clerk's place; the others
        when next shown."""
        from app.services.profile import get_profile

        self._show_title(get_profile(self.ctx).office_name)
        register = self._built("申请台账")
        if register is not None:
            if register.isVisible():
                register.reload_keeping_place()  # type: ignore[attr-defined]
            else:
                register.mark_stale()  # type: ignore[attr-defined]
        dashboard = self._built("工作台")
        if dashboard is not None:
            dashboard.mark_stale()  # type: ignore[attr-defined]  (refreshes at once when visible)

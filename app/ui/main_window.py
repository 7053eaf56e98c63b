"""The main window: navigation on the left (工作台, 申请登记, 申请台账, 年度报告, 审计日志, 设置), pages right."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.services.context import ServiceContext
from app.services.profile import get_profile
from app.services.register import RegisterFilter
from app.ui.audit_page import AuditPage
from app.ui.dashboard_page import DashboardPage
from app.ui.register_page import RegisterPage
from app.ui.registration_page import RegistrationPage
from app.ui.report_page import ReportPage
from app.ui.settings_page import SettingsPage


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    PAGES = ("工作台", "申请登记", "申请台账", "年度报告", "审计日志", "设置")

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        profile = get_profile(ctx)
        self.setWindowTitle(tr("政府信息公开申请办理 — {office}").format(office=profile.office_name))
        self.resize(1360, 860)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for name in self.PAGES:
            item = QListWidgetItem(tr(name))
            self.nav.addItem(item)

        self.stack = QStackedWidget()
        self.dashboard = DashboardPage(ctx)
        self.registration = RegistrationPage(ctx)
        self.register = RegisterPage(ctx)
        self.report = ReportPage(ctx)
        self.audit = AuditPage(ctx)  # loads its rows when first shown
        self.settings = SettingsPage(ctx)
        for page in (self.dashboard, self.registration, self.register, self.report, self.audit, self.settings):
            self.stack.addWidget(page)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.nav.currentRowChanged.connect(self._show_page)
        self.registration.registered.connect(self._after_registration)
        self.dashboard.open_application.connect(self.register.open_detail)
        self.audit.open_application.connect(self._open_from_audit)
        self.dashboard.show_register.connect(self._show_register_filtered)
        self.dashboard.search_register.connect(self._search_register)
        self.dashboard.new_registration.connect(lambda: self.go_to("申请登记"))
        self.report.show_applications.connect(self._show_register_ids)
        self.settings.data_changed.connect(self._refresh_all)
        self.register.data_changed.connect(self.dashboard.refresh)
        self.nav.setCurrentRow(0)
        self.statusBar().showMessage(tr("数据库：{path}").format(path=str(ctx.db.path)))

    def _show_page(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if page is self.dashboard:
            self.dashboard.refresh()
        elif page is self.register:
            self.register.refresh()

    def _open_from_audit(self, application_id: int) -> None:
        self.register.open_detail(application_id)
        self.audit.refresh()  # the detail dialog may have recorded events

    def go_to(self, name: str) -> None:
        self.nav.setCurrentRow(self.PAGES.index(name))

    def _after_registration(self, _application_id: int) -> None:
        self.register.mark_stale()
        self.dashboard.mark_stale()

    def _show_register_filtered(self, status: str) -> None:
        self.register.set_status_filter(status)
        self.go_to("申请台账")

    def _search_register(self, text: str) -> None:
        self.register.show_search(text)
        self.go_to("申请台账")

    def _show_register_ids(self, ids: list[int], label: str) -> None:
        """The applications behind a cell of the annual report, in 申请台账 (any filter change shows all again)."""
        self.go_to("申请台账")
        self.register.set_status_filter("all")
        self.register.model.set_filter(RegisterFilter(ids=tuple(ids)))
        self.register.count_label.setText(
            tr("{label}：共 {n} 件（改变任一筛选条件即显示全部申请）").format(label=label, n=len(ids))
        )

    def _refresh_all(self) -> None:
        self.register.mark_stale()
        self.dashboard.refresh()
        profile = get_profile(self.ctx)
        self.setWindowTitle(tr("政府信息公开申请办理 — {office}").format(office=profile.office_name))
        self.statusBar().showMessage(tr("设置已保存"), 5000)

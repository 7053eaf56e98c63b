"""设置: the agency profile (letterhead, remedy clause bodies, number patterns) and working settings."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.agency import AGENCY_FIELD_LABELS, AgencyProfileData, format_number
from app.domain.letters import DocumentKind
from app.services.context import ServiceContext
from app.services.documents import number_pattern, set_number_pattern
from app.services.errors import ValidationError
from app.services.profile import get_profile, update_profile
from app.ui import msgbox
from app.ui.calendar_page import CalendarPage

#: Kept in the profile for older databases but no longer used: each document kind has its own pattern.
HIDDEN_PROFILE_FIELDS = ("document_pattern",)


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingsPage", text)


class ProfileForm(QWidget):
    saved = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for f in fields(AgencyProfileData):
            if f.name in HIDDEN_PROFILE_FIELDS:
                continue
            edit = QLineEdit()
            edit.setObjectName(f"profile_{f.name}")
            self.edits[f.name] = edit
            form.addRow(tr(AGENCY_FIELD_LABELS[f.name]), edit)
        self.preview = QLabel()
        self.preview.setObjectName("patternPreview")
        form.addRow(tr("编号示例"), self.preview)
        layout.addLayout(form)
        hint = QLabel(tr("编号格式中 {年} 代表年份，{号} 代表当年序号（{号:03} 可补足三位）。"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(tr("保存机关信息"))
        self.save_button.setObjectName("saveProfile")
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.edits["registration_pattern"].textChanged.connect(self._preview)
        self.load()

    def load(self) -> None:
        profile = get_profile(self.ctx)
        for name, edit in self.edits.items():
            edit.setText(getattr(profile, name))
        self._preview()

    def _preview(self) -> None:
        year = self.ctx.today().year
        parts = []
        for name, label in (("registration_pattern", "登记编号"),):
            try:
                parts.append(f"{label}：{format_number(self.edits[name].text(), year, 1)}")
            except ValueError as exc:
                parts.append(f"{label}：<span style='color:#a1170f'>{exc}</span>")
        self.preview.setText("　".join(parts))

    def save(self) -> bool:
        kept = {name: getattr(get_profile(self.ctx), name) for name in HIDDEN_PROFILE_FIELDS}
        data = AgencyProfileData(**kept, **{name: edit.text() for name, edit in self.edits.items()})
        try:
            update_profile(self.ctx, data)
        except ValidationError as exc:
            msgbox.warning(self, tr("无法保存"), "\n".join(exc.problems))
            return False
        self.load()
        self.saved.emit()
        return True


class DocumentNumbersForm(QWidget):
    """文书编号: one number pattern per kind of document, each its own yearly sequence (docs/rules.md §8)."""

    saved = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        hint = QLabel(
            tr(
                "每种文书按年度单独编号。{年} 代表年份，{号} 代表当年序号（{号:03} 可补足三位）。"
                "申请表和登记回执使用登记编号，不另行编号。修改只影响以后出具的文书，已出具的文号不变。"
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.edits: dict[DocumentKind, QLineEdit] = {}
        self.previews: dict[DocumentKind, QLabel] = {}
        for kind in DocumentKind:
            if not kind.numbered:
                continue
            edit = QLineEdit()
            edit.setObjectName(f"pattern_{kind.value}")
            preview = QLabel()
            row = QHBoxLayout()
            row.addWidget(edit, 2)
            row.addWidget(preview, 1)
            form.addRow(tr(kind.label), row)
            self.edits[kind] = edit
            self.previews[kind] = preview
            edit.textChanged.connect(self._preview)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(tr("保存文书编号格式"))
        self.save_button.setObjectName("saveDocumentPatterns")
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.load()

    def load(self) -> None:
        for kind, edit in self.edits.items():
            edit.setText(number_pattern(self.ctx, kind))
        self._preview()

    def _preview(self) -> None:
        year = self.ctx.today().year
        for kind, edit in self.edits.items():
            try:
                self.previews[kind].setText(tr("示例：{n}").format(n=format_number(edit.text(), year, 1)))
                self.previews[kind].setStyleSheet("")
            except ValueError as exc:
                self.previews[kind].setText(str(exc))
                self.previews[kind].setStyleSheet("color:#a1170f")

    def save(self) -> bool:
        problems: list[str] = []
        for kind, edit in self.edits.items():
            try:
                set_number_pattern(self.ctx, kind, edit.text())
            except ValidationError as exc:
                problems += [f"{kind.label}：{p}" for p in exc.problems]
        self.load()
        if problems:
            msgbox.warning(self, tr("部分格式未保存"), "\n".join(problems))
            return False
        self.saved.emit()
        return True


class WorkSettingsForm(QWidget):
    saved = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.clerk = QLineEdit()
        self.clerk.setObjectName("clerkName")
        self.due_soon = QSpinBox()
        self.due_soon.setRange(1, 10)
        self.due_soon.setSuffix(tr(" 个工作日"))
        self.fee_days = QSpinBox()
        self.fee_days.setRange(1, 60)
        self.fee_days.setSuffix(tr(" 个工作日"))
        form.addRow(tr("经办人（记入办理记录）"), self.clerk)
        form.addRow(tr("临近到期提醒"), self.due_soon)
        form.addRow(tr("缴费期限（收费通知书）"), self.fee_days)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        save = QPushButton(tr("保存工作参数"))
        save.setObjectName("saveWorkSettings")
        row.addWidget(save)
        layout.addLayout(row)
        layout.addStretch(1)
        save.clicked.connect(self.save)
        self.load()

    def load(self) -> None:
        self.clerk.setText(self.ctx.clerk())
        self.due_soon.setValue(self.ctx.int_setting("due_soon_days"))
        self.fee_days.setValue(self.ctx.int_setting("fee_payment_days"))

    def save(self) -> None:
        name = self.clerk.text().strip()
        if not name:
            msgbox.warning(self, tr("无法保存"), tr("请填写经办人姓名"))
            return
        self.ctx.set_setting("clerk_name", name)
        self.ctx.set_setting("clerk_name_set", True)
        self.ctx.set_setting("due_soon_days", self.due_soon.value())
        self.ctx.set_setting("fee_payment_days", self.fee_days.value())
        self.saved.emit()


class SettingsPage(QWidget):
    data_changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        title = QLabel(tr("设置"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget()
        self.profile = ProfileForm(ctx)
        self.work = WorkSettingsForm(ctx)
        self.tabs.addTab(self.profile, tr("机关信息"))
        self.tabs.addTab(self.work, tr("工作参数"))
        self.numbers = DocumentNumbersForm(ctx)
        self.tabs.addTab(self.numbers, tr("文书编号"))
        self.calendar = CalendarPage(ctx)
        self.tabs.addTab(self.calendar, tr("工作日历"))
        self.calendar.schedule_saved.connect(self.data_changed)
        self.profile.saved.connect(self.data_changed)
        self.work.saved.connect(self.data_changed)
        try:
            from app.ui.data_page import DataPage
        except ImportError:
            DataPage = None
        if DataPage is not None:
            self.data_page = DataPage(ctx)
            self.tabs.addTab(self.data_page, tr("数据与备份"))
            self.data_page.data_changed.connect(self.data_changed)
        from app.ui.server_dialog import DatabaseSettingsForm, saved_file_hint

        self.database = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
        index = self.tabs.addTab(self.database, tr("数据库"))
        self.tabs.setTabToolTip(index, saved_file_hint())
        layout.addWidget(self.tabs, 1)

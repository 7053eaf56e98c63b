"""修改登记信息: correct an application's particulars; each change goes into the timeline with its reason."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.applications import EDITABLE_FIELDS, ApplicationDetail
from app.ui.fit import fit_to_screen, scrolling


def tr(text: str) -> str:
    return QCoreApplication.translate("EditDialog", text)


MULTILINE = ("content", "notes")


class EditDialog(QDialog):
    def __init__(self, detail: ApplicationDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("修改登记信息 — {n}").format(n=detail.reg_number))
        outer = QVBoxLayout(self)
        fields = QWidget()
        form = QFormLayout(fields)
        form.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(fields, "editFields"), 1)
        hint = QLabel(
            tr("收到日期、申请方式和证件号码关系到法定期限和申请人身份，不在此修改。每项修改都会记入办理记录。")
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        for key, label in EDITABLE_FIELDS.items():
            value = getattr(detail, key, "") or ""
            if key in MULTILINE:
                edit: QLineEdit | QPlainTextEdit = QPlainTextEdit(value)
                edit.setMaximumHeight(90)
            else:
                edit = QLineEdit(value)
            edit.setObjectName(f"edit_{key}")
            self.edits[key] = edit
            form.addRow(tr(label), edit)
        self.reason = QLineEdit()
        self.reason.setObjectName("editReason")
        self.reason.setPlaceholderText(tr("如：申请人来电更正联系电话"))
        form.addRow(tr("修改原因"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        fit_to_screen(self, 640, 600)

    def values(self) -> dict[str, str]:
        return {
            key: edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
            for key, edit in self.edits.items()
        }

    @classmethod
    def ask(cls, parent: QWidget | None, detail: ApplicationDetail) -> tuple[dict[str, str], str] | None:
        """Show the dialog; (changed values, reason) or None when cancelled."""
        dialog = cls(detail, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values(), dialog.reason.text()

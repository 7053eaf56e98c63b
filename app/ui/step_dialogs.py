"""Dialogs for the case actions with their own button: 更正登记事项, 作废登记, 添加附件.

Each is a small form behind a class method ``ask`` (tests replace it); the services check and record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.domain.codes import ApplicantKind, Channel, IdDocType, PostKind
from app.domain.procedure import VoidReason
from app.services.applications import ApplicationDetail, ParticularsCorrection
from app.services.attachments import AttachmentCategory
from app.ui.date_input import DateEdit, DateTimeEdit
from app.ui.widgets import ValueCombo

WARNING_STYLE = "color:#a1170f"


def tr(text: str) -> str:
    return QCoreApplication.translate("StepDialogs", text)


def _hint(text: str, style: str = "color:#555") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class CorrectParticularsDialog(QDialog):
    """更正登记事项: the facts that start the clock or identify the applicant, each with old shown."""

    def __init__(self, detail: ApplicationDetail, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail = detail
        self.setWindowTitle(tr("更正登记事项 — {n}").format(n=detail.reg_number))
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        form.addRow(
            _hint(
                tr(
                    "用于更正登记时录错的收到日期、到达时间、申请方式、申请人类型和证件。"
                    "更正后所有期限按更正后的事实重新计算，更正前后的内容和原因记入办理记录。"
                    "登记编号不会重编：收到日期改到另一年份的，编号保持不变，年度报告按更正后的收到日期计入该年。"
                )
            )
        )
        receipt = detail.receipt_date or detail.arrived_at.date()
        self.receipt = DateEdit(QDate(receipt.year, receipt.month, receipt.day))
        self.receipt.setObjectName("correctReceipt")
        self.receipt.setMaximumDate(QDate(today.year, today.month, today.day))
        self.receipt.setEnabled(detail.receipt_date is not None)
        form.addRow(tr("收到申请之日"), self.receipt)
        if detail.receipt_date is None:
            form.addRow("", _hint(tr("尚未确认收到：请用“确认收到…”记录收到申请之日（第三十一条）。")))
        a = detail.arrived_at
        self.arrived = DateTimeEdit(QDateTime(QDate(a.year, a.month, a.day), QTime(a.hour, a.minute)))
        self.arrived.setObjectName("correctArrived")
        form.addRow(tr("到达时间"), self.arrived)
        self.channel = ValueCombo([(tr(c.label), c) for c in Channel], "correctChannel")
        self.channel.set_value(detail.channel)
        form.addRow(tr("申请方式"), self.channel)
        self.post_kind = ValueCombo([(tr(k.label), k) for k in PostKind], "correctPostKind")
        if detail.post_kind is not None:
            self.post_kind.set_value(detail.post_kind)
        form.addRow(tr("信函类型"), self.post_kind)
        self.kind = ValueCombo([(tr(k.label), k) for k in ApplicantKind], "correctKind")
        self.kind.set_value(detail.applicant_kind)
        form.addRow(tr("申请人类型"), self.kind)
        self.doc_type = ValueCombo([(tr("（无）"), None)] + [(tr(t.label), t) for t in IdDocType], "correctDocType")
        self.doc_type.set_value(detail.id_doc_type)
        form.addRow(tr("证件类型"), self.doc_type)
        self.id_number = QLineEdit(detail.id_number)
        self.id_number.setObjectName("correctIdNumber")
        form.addRow(tr("证件号码"), self.id_number)
        self.reason = QLineEdit()
        self.reason.setObjectName("correctReason")
        self.reason.setPlaceholderText(tr("如：提交日期录入错误，以申请表和收件记录为准"))
        form.addRow(tr("更正原因"), self.reason)
        form.addRow(_buttons(self))
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self._channel_changed()

    def _channel_changed(self) -> None:
        self.post_kind.setEnabled(self.channel.value() is Channel.LETTER)

    def correction(self) -> ParticularsCorrection:
        """Only what differs from the record is sent (``None`` = unchanged)."""
        d = self.detail
        q = self.receipt.date()
        receipt = date(q.year(), q.month(), q.day())
        qa = self.arrived.dateTime()
        arrived = datetime(qa.date().year(), qa.date().month(), qa.date().day(), qa.time().hour(), qa.time().minute())
        channel = self.channel.value()
        post_kind = self.post_kind.value() if channel is Channel.LETTER else None
        number = self.id_number.text().strip()
        return ParticularsCorrection(
            receipt_date=receipt if d.receipt_date is not None and receipt != d.receipt_date else None,
            arrived_at=arrived if arrived != d.arrived_at.replace(second=0, microsecond=0) else None,
            channel=channel if channel is not d.channel else None,
            post_kind=post_kind if post_kind is not d.post_kind else None,
            applicant_kind=self.kind.value() if self.kind.value() is not d.applicant_kind else None,
            id_doc_type=self.doc_type.value() if self.doc_type.value() is not d.id_doc_type else None,
            id_number=number if number != d.id_number else None,
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, detail: ApplicationDetail, today: date
    ) -> tuple[ParticularsCorrection, str] | None:
        dialog = cls(detail, today, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.correction(), dialog.reason.text()


@dataclass(frozen=True)
class VoidAnswer:
    reason: VoidReason
    explanation: str
    duplicate_of: str


class VoidDialog(QDialog):
    """作废登记: why, and (for a duplicate) which registration is the real one."""

    def __init__(self, detail: ApplicationDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("作废登记 — {n}").format(n=detail.reg_number))
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        form.addRow(
            _hint(
                tr(
                    "作废仅用于误登记或同一申请重复登记。作废后：登记编号保留、不再使用；"
                    "该登记不计入任何统计和期限提醒，但仍可在申请台账中按“已作废”查到。此操作不能撤销。"
                ),
                WARNING_STYLE,
            )
        )
        self.reason = ValueCombo([(tr(r.label), r) for r in VoidReason], "voidReason")
        form.addRow(tr("作废原因"), self.reason)
        self.duplicate_of = QLineEdit()
        self.duplicate_of.setObjectName("voidDuplicateOf")
        self.duplicate_of.setPlaceholderText(tr("重复登记的，填写保留的那份登记编号"))
        form.addRow(tr("保留的登记编号"), self.duplicate_of)
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("voidExplanation")
        self.explanation.setTabChangesFocus(True)
        self.explanation.setFixedHeight(70)
        form.addRow(tr("具体理由"), self.explanation)
        form.addRow(_buttons(self))

    @classmethod
    def ask(cls, parent: QWidget | None, detail: ApplicationDetail) -> VoidAnswer | None:
        dialog = cls(detail, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return VoidAnswer(
            dialog.reason.value(), dialog.explanation.toPlainText().strip(), dialog.duplicate_of.text().strip()
        )


@dataclass(frozen=True)
class AttachmentAnswer:
    path: Path
    category: AttachmentCategory
    description: str


class AttachmentDialog(QDialog):
    """添加附件: the file, its kind and a short description."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("添加附件"))
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("attachmentPath")
        browse = QPushButton(tr("选择文件…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(tr("文件"), row)
        self.category = ValueCombo([(tr(c.label), c) for c in AttachmentCategory], "attachmentCategory")
        form.addRow(tr("类别"), self.category)
        self.description = QLineEdit()
        self.description.setObjectName("attachmentDescription")
        self.description.setPlaceholderText(tr("如：申请表原件扫描件（2页）"))
        form.addRow(tr("说明"), self.description)
        form.addRow("", _hint(tr("文件将复制到数据目录并记录校验值（SHA-256），随备份保存；原文件不受影响。")))
        form.addRow(_buttons(self))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("选择附件"), "", tr("所有文件 (*)"))
        if path:
            self.path.setText(path)

    @classmethod
    def ask(cls, parent: QWidget | None) -> AttachmentAnswer | None:
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.path.text().strip():
            return None
        return AttachmentAnswer(
            Path(dialog.path.text().strip()), dialog.category.value(), dialog.description.text().strip()
        )

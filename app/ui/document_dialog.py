"""生成文书: pick the document, edit its free-text parts, see the preview, issue it with its number, print.

Which documents fit the case, the default wording, the number and the PDF all come from
:mod:`app.services.documents`; this dialog holds no rule. A kind that does not fit stays in the list,
greyed, with the reason. A document already issued is shown as it was issued and can be printed again with
the same number. Printing goes through :func:`app.ui.pdf_view.print_pdf` and saving through
:func:`ask_save_path` — the two functions tests replace.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.letters import DocumentKind, DocumentOption
from app.services import documents as D
from app.services.applications import case_version
from app.services.context import ServiceContext
from app.services.errors import ClerkError, ConcurrentEdit
from app.ui import msgbox, pdf_view
from app.ui.fit import fit_to_screen
from app.ui.pdf_view import PdfView

WARNING_STYLE = "color:#a1170f"


def tr(text: str) -> str:
    return QCoreApplication.translate("DocumentDialog", text)


def ask_save_path(parent: QWidget | None, suggested: str) -> Path | None:
    """Ask where to save a PDF (tests replace this)."""
    path, _ = QFileDialog.getSaveFileName(parent, tr("另存为 PDF"), suggested, tr("PDF 文件 (*.pdf)"))
    if not path:
        return None
    return Path(path if path.lower().endswith(".pdf") else path + ".pdf")


def save_pdf(parent: QWidget | None, pdf: bytes, suggested: str) -> Path | None:
    path = ask_save_path(parent, suggested)
    if path is None:
        return None
    try:
        path.write_bytes(pdf)
    except OSError as exc:
        from app.services.errors import os_error_message

        msgbox.warning(parent, tr("未能保存"), os_error_message(exc))
        return None
    return path


class DocumentDialog(QDialog):
    """The documents of one case: list of kinds on the left, editable parts and the preview on the right."""

    def __init__(
        self, ctx: ServiceContext, application_id: int, kind: DocumentKind | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application_id = application_id
        #: the case as this window read it: issuing is refused if another desk changed the case since
        self.case_version = case_version(ctx, application_id)
        self.changed = False
        self.setWindowTitle(tr("生成文书"))
        fit_to_screen(self, 1180, 760)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(tr("文书种类")))
        self.kinds = QListWidget()
        self.kinds.setObjectName("documentKinds")
        left_layout.addWidget(self.kinds, 1)
        self.reason = QLabel()
        self.reason.setObjectName("documentReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color:#555")
        left_layout.addWidget(self.reason)
        splitter.addWidget(left)

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("documentHeading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight:bold")
        middle_layout.addWidget(self.heading)
        self.notes = QLabel()
        self.notes.setObjectName("documentNotes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(WARNING_STYLE)
        middle_layout.addWidget(self.notes)
        self.parts_form = QFormLayout()
        middle_layout.addLayout(self.parts_form)
        middle_layout.addStretch(1)
        splitter.addWidget(middle)

        self.preview = PdfView()
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 4)
        width = self.width()
        splitter.setSizes([int(width * 0.18), int(width * 0.32), int(width * 0.5)])

        buttons = QHBoxLayout()
        self.issue_print = QPushButton(tr("出具并打印（Ctrl+P）"))
        self.issue_print.setObjectName("issuePrint")
        self.issue_save = QPushButton(tr("出具并另存为 PDF…"))
        self.issue_save.setObjectName("issueSave")
        self.issue_both = QPushButton(tr("出具、打印并另存…"))
        self.issue_both.setObjectName("issueBoth")
        self.reprint_button = QPushButton(tr("重新打印（文号不变）"))
        self.reprint_button.setObjectName("reprint")
        self.save_copy = QPushButton(tr("另存为 PDF…"))
        self.save_copy.setObjectName("saveCopy")
        close = QPushButton(tr("关闭"))
        for b in (self.issue_print, self.issue_save, self.issue_both, self.reprint_button, self.save_copy):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.issue_print.clicked.connect(lambda: self.issue(print_it=True, save_it=False))
        self.issue_save.clicked.connect(lambda: self.issue(print_it=False, save_it=True))
        self.issue_both.clicked.connect(lambda: self.issue(print_it=True, save_it=True))
        self.reprint_button.clicked.connect(self.reprint)
        self.save_copy.clicked.connect(self.save_issued)
        close.clicked.connect(self.accept)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self._print_shortcut)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(500)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self.editors: dict[str, QPlainTextEdit] = {}
        self.draft: D.DocumentDraft | None = None
        self.kinds.currentRowChanged.connect(self._kind_changed)
        self.load(kind)

    # ------------------------------------------------------------------------------------------ data
    def load(self, kind: DocumentKind | None = None) -> None:
        self.options: list[DocumentOption] = D.available_documents(self.ctx, self.application_id)
        was = self.kinds.blockSignals(True)
        self.kinds.clear()
        for option in self.options:
            text = option.kind.label
            if option.issued_number:
                text += tr("（已出具 {n}）").format(n=option.issued_number)
            item = QListWidgetItem(text)
            item.setToolTip(option.reason)
            if not option.allowed:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.kinds.addItem(item)
        self.kinds.blockSignals(was)
        wanted = next((i for i, o in enumerate(self.options) if o.kind is kind and o.allowed), None)
        if wanted is None:
            wanted = next((i for i, o in enumerate(self.options) if o.allowed), -1)
        self.kinds.setCurrentRow(wanted)
        self._kind_changed(wanted)

    def option(self) -> DocumentOption | None:
        row = self.kinds.currentRow()
        return self.options[row] if 0 <= row < len(self.options) else None

    def _kind_changed(self, row: int) -> None:
        while self.parts_form.rowCount():
            self.parts_form.removeRow(0)
        self.editors = {}
        self.draft = None
        option = self.option()
        if option is None or not option.allowed:
            self.reason.setText(option.reason if option is not None else tr("该申请目前没有可出具的文书"))
            self.heading.setText("")
            self.notes.setText("")
            self._buttons(issued=False, usable=False)
            return
        self.reason.setText(option.reason)
        try:
            self.draft = D.draft(self.ctx, self.application_id, option.kind)
        except ClerkError as exc:
            self.heading.setText("")
            self.notes.setText(str(exc))
            self._buttons(issued=False, usable=False)
            return
        d = self.draft
        self.heading.setText(tr("{label}　文号：{number}").format(label=d.label, number=d.number or tr("（无）")))
        self.notes.setText("\n".join(d.notes))
        issued = d.issued is not None
        info = {p.name: p for p in d.part_info}
        for name, text in d.parts.items():
            editor = QPlainTextEdit(text)
            editor.setObjectName(f"part_{name}")
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(72)
            part = info.get(name)
            if part is not None:
                editor.setPlaceholderText(part.hint)
                editor.setToolTip(part.hint + (f"\n{tr('必填')}：{part.required}" if part.required else ""))
            editor.setReadOnly(issued)
            editor.textChanged.connect(self._preview_timer.start)
            self.editors[name] = editor
            self.parts_form.addRow(name, editor)
        self._buttons(issued=issued, usable=True)
        self.refresh_preview()

    def _buttons(self, *, issued: bool, usable: bool) -> None:
        for b in (self.issue_print, self.issue_save, self.issue_both):
            b.setVisible(not issued)
        self.reprint_button.setVisible(issued)
        self.save_copy.setVisible(issued)
        for b in (self.issue_print, self.issue_save, self.issue_both, self.reprint_button, self.save_copy):
            b.setEnabled(usable)

    def edits(self) -> dict[str, str]:
        return {name: editor.toPlainText() for name, editor in self.editors.items()}

    def refresh_preview(self) -> int:
        """Show the document as it would be issued now (样稿), or as issued; returns the page count."""
        self._preview_timer.stop()
        if self.draft is None:
            return 0
        try:
            if self.draft.issued is not None:
                pdf = D.document_pdf(self.ctx, self.draft.issued.id)
            else:
                pdf = D.preview_pdf(self.ctx, self.draft, self.edits())
        except ClerkError as exc:
            self.notes.setText(str(exc))
            return 0
        return self.preview.set_pdf(pdf)

    # ------------------------------------------------------------------------------------------ actions
    def _suggested_name(self, view: D.IssuedView) -> str:
        number = view.number.replace("〔", "(").replace("〕", ")").replace("/", "-")
        return f"{view.label}-{number}.pdf"

    def issue(self, *, print_it: bool, save_it: bool) -> D.IssuedView | None:
        """Issue the chosen document (its number is taken now), then print and/or save it."""
        option = self.option()
        if option is None or self.draft is None or self.draft.issued is not None:
            return None
        try:
            view = D.issue(self.ctx, self.application_id, option.kind, self.edits(), expected_version=self.case_version)
            pdf = D.document_pdf(self.ctx, view.id)
        except ConcurrentEdit as exc:  # another desk changed the case: show it as it is now
            msgbox.warning(self, tr("未能出具"), str(exc))
            self.changed = True
            self.case_version = case_version(self.ctx, self.application_id)
            self.load(option.kind)
            return None
        except ClerkError as exc:
            msgbox.warning(self, tr("未能出具"), str(exc))
            return None
        self.case_version = case_version(self.ctx, self.application_id)
        self.changed = True
        if print_it:
            pdf_view.print_pdf(self, pdf, view.label)
        if save_it:
            save_pdf(self, pdf, self._suggested_name(view))
        row = self.kinds.currentRow()
        self.load(option.kind)
        self.kinds.setCurrentRow(row)
        return view

    def reprint(self) -> bool:
        """Print the issued document again with the same number (recorded as a reprint)."""
        if self.draft is None or self.draft.issued is None:
            return False
        try:
            pdf = D.reprint(self.ctx, self.draft.issued.id)
        except ClerkError as exc:
            msgbox.warning(self, tr("无法重新打印"), str(exc))
            return False
        self.changed = True
        return pdf_view.print_pdf(self, pdf, self.draft.issued.label)

    def save_issued(self) -> Path | None:
        if self.draft is None or self.draft.issued is None:
            return None
        try:
            pdf = D.document_pdf(self.ctx, self.draft.issued.id)
        except ClerkError as exc:
            msgbox.warning(self, tr("无法保存"), str(exc))
            return None
        return save_pdf(self, pdf, self._suggested_name(self.draft.issued))

    def _print_shortcut(self) -> None:
        if self.draft is not None and self.draft.issued is not None:
            self.reprint()
        else:
            self.issue(print_it=True, save_it=False)

    @classmethod
    def open(
        cls, ctx: ServiceContext, application_id: int, kind: DocumentKind | None = None, parent: QWidget | None = None
    ) -> bool:
        """Show the dialog; True when a document was issued or printed."""
        dialog = cls(ctx, application_id, kind, parent)
        dialog.exec()
        return dialog.changed

"""申请登记: one form that adapts to the channel (Art. 31) and shows the legal dates as the clerk types.

Built for the counter at 1366×768: two columns that scroll, and below them a strip that never scrolls away
with the errors of a failed save and the legal dates (收到申请之日, 补正告知, 答复期限).
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from itertools import pairwise

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import (
    ORGANISATION_DOC_TYPES,
    PERSON_DOC_TYPES,
    ApplicantKind,
    Channel,
    Delivery,
    IdDocType,
    PostKind,
    RequestedForm,
    VerificationMethod,
)
from app.domain.dates import cn_date, cn_date_weekday
from app.domain.deadlines import ClockInput, compute_deadlines
from app.domain.identity import NO_NUMBER_REASONS, check_identity, in_person_identity_problems
from app.domain.receipt import ReceiptDecision, ReceiptError, receipt_field, unusual_receipt_date
from app.domain.similarity import RepeatMatch
from app.services.applications import (
    AgentInput,
    ApplicantInput,
    RegistrationInput,
    RegistrationResult,
    receipt_of,
    register_application,
    validate_registration,
)
from app.services.context import ServiceContext
from app.services.errors import ClerkError, StorageFailure, ValidationError
from app.services.repeats import find_repeats
from app.ui import msgbox
from app.ui.date_input import DateTimeEdit, calendar_day_info
from app.ui.widgets import ValueCombo, install_input_guards


def tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationPage", text)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydatetime(q: QDateTime) -> datetime:
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def _qdatetime(dt: datetime) -> QDateTime:
    return QDateTime(_qdate(dt.date()), QTime(dt.hour, dt.minute))


def _combo(items: list[tuple[str, object]], name: str) -> ValueCombo:
    return ValueCombo(items, name)


def _buddy(text: str, field: QWidget) -> QLabel:
    """A form label with an Alt mnemonic ("姓名(&N)") that puts the focus in ``field``."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


class PlainTextEdit(QPlainTextEdit):
    """Multi-line field where Tab leaves the field (Ctrl+Tab inserts a tab, if ever needed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Tab and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.insertPlainText("\t")
            return
        super().keyPressEvent(event)


class IdNumberField(QWidget):
    """Document type + number with live validation (a failed check warns, never blocks)."""

    changed = Signal()

    def __init__(self, name: str, doc_types: tuple[IdDocType, ...], ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.doc_type = _combo([(t.label, t) for t in doc_types], f"{name}DocType")
        self.number = QLineEdit()
        self.number.setObjectName(f"{name}IdNumber")
        self.number.setPlaceholderText(tr("证件号码"))
        self.verdict = QLabel()
        self.verdict.setObjectName(f"{name}IdVerdict")
        self.verdict.setWordWrap(True)
        layout.addWidget(self.number, 0, 0)  # the number first: Tab from 姓名 lands where the clerk types
        layout.addWidget(self.doc_type, 0, 1)
        layout.setColumnStretch(0, 1)
        layout.addWidget(self.verdict, 1, 0, 1, 2)
        self.setFocusProxy(self.number)
        QWidget.setTabOrder(self.number, self.doc_type)
        self.doc_type.currentIndexChanged.connect(self._check)
        self.number.textChanged.connect(self._check)
        self.last_check = None
        self._check()

    def set_doc_types(self, doc_types: tuple[IdDocType, ...]) -> None:
        self.doc_type.set_items([(t.label, t) for t in doc_types])
        self._check()

    def current_type(self) -> IdDocType:
        return self.doc_type.value()

    def _check(self) -> None:
        text = self.number.text().strip()
        if not text:
            self.last_check = None
            self.verdict.setText("")
            self.verdict.setProperty("state", "")
        else:
            check = check_identity(self.current_type(), text, today=self.ctx.today())
            self.last_check = check
            if check.ok:
                self.verdict.setText("✔ " + tr("校验通过") + ("　" + "，".join(check.notes) if check.notes else ""))
                self.verdict.setProperty("state", "ok")
            else:
                read = [n for n in check.notes if n.startswith("地区")]  # still worth knowing: where it was issued
                self.verdict.setText(
                    "✘ "
                    + "；".join(check.problems)
                    + tr("（可继续登记，需填写理由）")
                    + "".join("　" + n for n in read)
                )
                self.verdict.setProperty("state", "bad")
        self.verdict.setVisible(bool(self.verdict.text()))
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        self.changed.emit()

    def failed(self) -> bool:
        return self.last_check is not None and not self.last_check.ok


class RegistrationPage(QWidget):
    """The counter form. Keyboard-first: focus starts in 姓名, Tab follows the screen, Ctrl+S / Ctrl+Enter
    registers, Ctrl+P prints the 登记回执, Alt+letter jumps to a field; the legal dates stay in view below."""

    registered = Signal(int)

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_input_guards(app)  # idempotent: the wheel never changes a date or a choice by accident
        self._day_info = calendar_day_info(ctx)
        outer = QVBoxLayout(self)
        outer.setSpacing(6)
        heading = QHBoxLayout()
        title = QLabel(tr("申请登记"))
        title.setObjectName("pageTitle")
        keys = QLabel(tr("Tab 下一项　Ctrl+S 登记　Ctrl+P 打印回执　Alt+带下划线的字母 跳到该项"))
        keys.setObjectName("keyHint")
        keys.setStyleSheet("color:#666")
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(keys)
        outer.addLayout(heading)
        outer.addWidget(self._build_success_panel())

        scroll = QScrollArea()
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.scroll = scroll

        left.addWidget(self._build_receipt_group())
        left.addWidget(self._build_applicant_group())
        left.addWidget(self._build_agent_group())
        left.addStretch(1)
        right.addWidget(self._build_content_group())
        right.addWidget(self._build_repeat_group())
        right.addStretch(1)
        outer.addWidget(self._build_deadline_strip())

        self._repeat_timer = QTimer(self)  # look for earlier applications once typing pauses
        self._repeat_timer.setSingleShot(True)
        self._repeat_timer.setInterval(400)
        self._repeat_timer.timeout.connect(self.look_for_repeats)
        for edit in (self.name, self.phone):
            edit.textChanged.connect(self._repeat_timer.start)
        self.content.textChanged.connect(self._repeat_timer.start)
        self.id_field.changed.connect(self._repeat_timer.start)
        self._recheck_timer = QTimer(self)  # after a failed save, the list follows the clerk's corrections
        self._recheck_timer.setSingleShot(True)
        self._recheck_timer.setInterval(250)
        self._recheck_timer.timeout.connect(self._recheck)
        self._watch_for_changes()
        self._set_tab_order()
        for seq in (QKeySequence.StandardKey.Save, QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")):
            shortcut = QShortcut(seq, self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)
        self.reset()
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(60_000)
        self._day_timer.timeout.connect(self.follow_the_day)
        self._day_timer.start()

    # ----- building -------------------------------------------------------------------------------
    def _build_receipt_group(self) -> QGroupBox:
        group = QGroupBox(tr("收件信息（第三十一条）"))
        box = QVBoxLayout(group)
        form = QFormLayout()
        box.addLayout(form)
        self.channel = _combo([(c.label, c) for c in Channel], "channel")
        self.post_kind = _combo([(k.label, k) for k in PostKind], "postKind")
        self.arrived_at = DateTimeEdit(day_info=self._day_info)
        self.arrived_at.setObjectName("arrivedAt")
        self.confirmed = QCheckBox(tr("已与申请人确认收到(&R)"))
        self.confirmed.setObjectName("confirmed")
        self.confirmed_at = DateTimeEdit(day_info=self._day_info)
        self.confirmed_at.setObjectName("confirmedAt")
        self.confirmed_with = QLineEdit()
        self.confirmed_with.setObjectName("confirmedWith")
        self.confirmed_with.setPlaceholderText(tr("与谁、以何种方式确认，如：电话联系申请人本人"))
        self.receipt_hint = QLabel()
        self.receipt_hint.setObjectName("receiptHint")
        self.receipt_hint.setWordWrap(True)
        self.receipt_hint.setTextFormat(Qt.TextFormat.RichText)
        self.receipt_hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.arrived_label = _buddy(tr("提交时间(&T)"), self.arrived_at)
        form.addRow(_buddy(tr("申请方式(&W)"), self.channel), self.channel)
        form.addRow(_buddy(tr("邮件类型(&Y)"), self.post_kind), self.post_kind)
        form.addRow(self.arrived_label, self.arrived_at)
        form.addRow("", self.confirmed)
        form.addRow(_buddy(tr("确认时间(&G)"), self.confirmed_at), self.confirmed_at)
        form.addRow(_buddy(tr("确认情况(&K)"), self.confirmed_with), self.confirmed_with)
        box.addWidget(self.receipt_hint)
        self.receipt_form = form
        for w in (self.channel, self.post_kind):
            w.currentIndexChanged.connect(self._adapt_to_channel)
        self.confirmed.toggled.connect(self._adapt_to_channel)
        for sig in (self.arrived_at.dateTimeChanged, self.confirmed_at.dateTimeChanged):
            sig.connect(self._update_clock)
        for edit in (self.arrived_at, self.confirmed_at):
            edit.typed_date_rejected.connect(self._show_typed_date_problem)
        return group

    def _build_applicant_group(self) -> QGroupBox:
        group = QGroupBox(tr("申请人（第二十九条）"))
        form = QFormLayout(group)
        self.kind = _combo([(k.label, k) for k in ApplicantKind], "applicantKind")
        self.name = QLineEdit()
        self.name.setObjectName("applicantName")
        self.id_field = IdNumberField("applicant", PERSON_DOC_TYPES, self.ctx)
        self.kind_suggestion = QPushButton()
        self.kind_suggestion.setObjectName("kindSuggestion")
        self.kind_suggestion.setVisible(False)
        self.legal_rep = QLineEdit()
        self.legal_rep.setObjectName("legalRepresentative")
        self.contact_person = QLineEdit()
        self.contact_person.setObjectName("contactPerson")
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.postcode = QLineEdit()
        self.postcode.setObjectName("postcode")
        self.postcode.setMaxLength(6)
        self.email = QLineEdit()
        self.email.setObjectName("email")
        self.verification = _combo([(m.label, m) for m in VerificationMethod], "verification")
        self.override_reason = QLineEdit()
        self.override_reason.setObjectName("overrideReason")
        self.override_reason.setPlaceholderText(tr("证件号码未通过校验仍予登记的理由，如：已核对原件，号码为早期赋码"))
        self.no_id_reason = QComboBox()
        self.no_id_reason.setObjectName("noIdReason")
        self.no_id_reason.setEditable(True)
        self.no_id_reason.addItems(["", *NO_NUMBER_REASONS])
        self.no_id_reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        no_id_edit = self.no_id_reason.lineEdit()
        if no_id_edit is not None:
            no_id_edit.setPlaceholderText(tr("当面提交而未登记证件号码的理由（可选择或输入）"))
        form.addRow(_buddy(tr("申请人类型(&L)"), self.kind), self.kind)
        self.name_label = _buddy(tr("姓名(&N)"), self.name)
        form.addRow(self.name_label, self.name)
        self.id_label = _buddy(tr("证件号码(&I)"), self.id_field)
        form.addRow(self.id_label, self.id_field)
        form.addRow("", self.kind_suggestion)
        form.addRow(_buddy(tr("未登记证件号码的理由(&U)"), self.no_id_reason), self.no_id_reason)
        form.addRow(_buddy(tr("法定代表人(&B)"), self.legal_rep), self.legal_rep)
        form.addRow(_buddy(tr("联系人(&C)"), self.contact_person), self.contact_person)
        form.addRow(_buddy(tr("联系电话(&P)"), self.phone), self.phone)
        form.addRow(_buddy(tr("通讯地址(&D)"), self.address), self.address)
        contact_row = QHBoxLayout()
        contact_row.setContentsMargins(0, 0, 0, 0)
        contact_row.addWidget(self.postcode, 1)
        self.email_label = _buddy(tr("电子邮箱(&E)"), self.email)
        contact_row.addWidget(self.email_label)
        contact_row.addWidget(self.email, 3)
        self.postcode_row = QWidget()
        self.postcode_row.setLayout(contact_row)
        form.addRow(_buddy(tr("邮政编码(&Z)"), self.postcode), self.postcode_row)
        form.addRow(_buddy(tr("身份核验方式(&V)"), self.verification), self.verification)
        form.addRow(_buddy(tr("未通过校验的理由(&O)"), self.override_reason), self.override_reason)
        self.applicant_form = form
        self.kind.currentIndexChanged.connect(self._adapt_to_kind)
        self.id_field.changed.connect(self._identity_changed)
        self.no_id_reason.currentTextChanged.connect(self._no_id_reason_changed)
        self.kind_suggestion.clicked.connect(self._accept_kind_suggestion)
        return group

    def _build_agent_group(self) -> QGroupBox:
        group = QGroupBox(tr("委托代理"))
        form = QFormLayout(group)
        self.has_agent = QCheckBox(tr("由委托代理人代为提交（须核验授权委托书）(&A)"))
        self.has_agent.setObjectName("hasAgent")
        self.agent_name = QLineEdit()
        self.agent_name.setObjectName("agentName")
        self.agent_id = IdNumberField("agent", PERSON_DOC_TYPES, self.ctx)
        self.agent_authorisation = QLineEdit()
        self.agent_authorisation.setObjectName("agentAuthorisation")
        self.agent_authorisation.setPlaceholderText(
            tr("授权委托书情况，如：授权委托书原件一份，委托权限为代为提交申请")
        )
        form.addRow(self.has_agent)
        form.addRow(_buddy(tr("代理人姓名(&M)"), self.agent_name), self.agent_name)
        form.addRow(_buddy(tr("代理人证件(&J)"), self.agent_id), self.agent_id)
        form.addRow(_buddy(tr("授权委托书(&H)"), self.agent_authorisation), self.agent_authorisation)
        self.agent_form = form
        self.has_agent.toggled.connect(self._adapt_agent)
        self.agent_id.changed.connect(self._identity_changed)
        return group

    def _build_content_group(self) -> QGroupBox:
        group = QGroupBox(tr("申请内容"))
        form = QFormLayout(group)
        self.content = PlainTextEdit()
        self.content.setObjectName("content")
        self.content.setPlaceholderText(tr("所需政府信息的名称、文号或者便于查询的其他特征性描述"))
        self.content.setMinimumHeight(110)
        self.document_titles = QLineEdit()
        self.document_titles.setObjectName("documentTitles")
        self.document_titles.setPlaceholderText(tr("如知道：文件标题、文号、发布时间"))
        self.purpose = QLineEdit()
        self.purpose.setObjectName("purpose")
        self.requested_form = _combo([(f.label, f) for f in RequestedForm], "requestedForm")
        self.delivery = _combo([(d.label, d) for d in Delivery], "delivery")
        self.fee_waiver = QCheckBox(tr("申请减免信息处理费(&4)"))
        self.fee_waiver.setObjectName("feeWaiver")
        self.filled_by_clerk = QCheckBox(
            tr("申请人书写确有困难，由工作人员代为填写，经申请人确认（第二十九条第一款）(&5)")
        )
        self.filled_by_clerk.setObjectName("filledByClerk")
        self.notes = QLineEdit()
        self.notes.setObjectName("notes")
        form.addRow(_buddy(tr("所需信息(&X)"), self.content), self.content)
        form.addRow(_buddy(tr("文件名称/文号(&F)"), self.document_titles), self.document_titles)
        form.addRow(_buddy(tr("用途（选填）(&Q)"), self.purpose), self.purpose)
        form.addRow(_buddy(tr("载体形式(&2)"), self.requested_form), self.requested_form)
        form.addRow(_buddy(tr("获取方式(&3)"), self.delivery), self.delivery)
        form.addRow("", self.fee_waiver)
        form.addRow("", self.filled_by_clerk)
        form.addRow(_buddy(tr("备注(&6)"), self.notes), self.notes)
        return group

    def _build_deadline_strip(self) -> QFrame:
        """Always in view below the form: the errors of a failed save (if any) above the legal dates."""
        strip = QFrame()
        strip.setObjectName("deadlineStrip")
        strip.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(strip)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(4)
        self.error_list = QLabel()
        self.error_list.setObjectName("errorList")
        self.error_list.setWordWrap(True)
        self.error_list.setStyleSheet("color:#b3261e")
        self.error_list.setVisible(False)
        box.addWidget(self.error_list)
        row = QHBoxLayout()
        self.clear_button = QPushButton(tr("清空表单…"))
        self.clear_button.setObjectName("clearButton")
        self.clear_button.setAutoDefault(False)
        row.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addSpacing(16)
        self.clock_summary = QLabel()
        self.clock_summary.setObjectName("clockSummary")
        self.clock_summary.setWordWrap(True)
        self.clock_summary.setTextFormat(Qt.TextFormat.RichText)
        self.clock_summary.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.clock_summary.setToolTip(
            tr("答复期限为收到申请之日起20个工作日，不含收到当日，节假日不计、调休上班日计入（第三十三条）")
        )
        row.addWidget(self.clock_summary, 1)
        self.save_button = QPushButton(tr("登记并生成编号（Ctrl+S）"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignVCenter)
        box.addLayout(row)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.ask_reset)
        self.deadline_strip = strip
        return strip

    def _build_success_panel(self) -> QFrame:
        """After saving: the number and the legal dates, with 打印登记回执 one key away (Ctrl+P)."""
        panel = QFrame()
        panel.setObjectName("successPanel")
        panel.setStyleSheet("QFrame#successPanel { background:#e7f4ea; border:1px solid #9cc9a6; border-radius:6px; }")
        row = QHBoxLayout(panel)
        self.success_text = QLabel()
        self.success_text.setObjectName("successText")
        self.success_text.setWordWrap(True)
        self.success_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.success_text, 1)
        self.print_receipt_button = QPushButton(tr("打印登记回执（Ctrl+P）"))
        self.print_receipt_button.setObjectName("printReceipt")
        self.open_case_button = QPushButton(tr("查看申请"))
        self.open_case_button.setObjectName("openRegistered")
        self.next_button = QPushButton(tr("下一件"))
        self.next_button.setObjectName("nextApplication")
        for b in (self.print_receipt_button, self.open_case_button, self.next_button):
            b.setAutoDefault(False)
            row.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        self.print_receipt_button.clicked.connect(self.print_receipt)
        self.open_case_button.clicked.connect(lambda: self._open_earlier(f"app:{self.last_registered}"))
        self.next_button.clicked.connect(self.next_application)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_receipt)
        panel.setVisible(False)
        self.success_panel = panel
        self.last_registered: int | None = None
        return panel

    def _set_tab_order(self) -> None:
        """Tab follows the screen: the receipt, the applicant, the agent, then the content, then the buttons."""
        chain: list[QWidget] = [
            self.channel,
            self.post_kind,
            self.arrived_at,
            self.confirmed,
            self.confirmed_at,
            self.confirmed_with,
            self.kind,
            self.name,
            self.id_field.number,
            self.id_field.doc_type,
            self.kind_suggestion,
            self.no_id_reason,
            self.legal_rep,
            self.contact_person,
            self.phone,
            self.address,
            self.postcode,
            self.email,
            self.verification,
            self.override_reason,
            self.has_agent,
            self.agent_name,
            self.agent_id.number,
            self.agent_id.doc_type,
            self.agent_authorisation,
            self.content,
            self.document_titles,
            self.purpose,
            self.requested_form,
            self.delivery,
            self.fee_waiver,
            self.filled_by_clerk,
            self.notes,
            self.clear_button,
            self.save_button,
        ]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)
        self._tab_chain = chain

    def first_field(self) -> QWidget:
        """Where the clerk starts typing: the applicant's name."""
        return self.name

    def print_receipt(self) -> bool:
        """登记回执 of the application just registered: issued (or reprinted, same number) and printed."""
        if self.last_registered is None or not self.success_panel.isVisible():
            return False
        from app.domain.letters import DocumentKind
        from app.services.documents import issue_or_reprint
        from app.ui import pdf_view

        try:
            view, pdf, _again = issue_or_reprint(self.ctx, self.last_registered, DocumentKind.RECEIPT)
        except ClerkError as exc:
            msgbox.warning(self, tr("无法打印登记回执"), str(exc))
            return False
        return pdf_view.print_pdf(self, pdf, view.label)

    def next_application(self) -> None:
        """下一件: put the success panel away and start again in the first field."""
        self.success_panel.setVisible(False)
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_repeat_group(self) -> QGroupBox:
        group = QGroupBox(tr("该申请人以往内容相近的申请（第三十五条、第三十六条第（六）项）"))
        layout = QVBoxLayout(group)
        self.repeat_summary = QLabel()
        self.repeat_summary.setObjectName("repeatSummary")
        self.repeat_summary.setWordWrap(True)
        self.repeat_summary.setTextFormat(Qt.TextFormat.RichText)
        self.repeat_summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.repeat_summary.linkActivated.connect(self._open_earlier)
        layout.addWidget(self.repeat_summary)
        self.repeat_group = group
        self.repeat_matches: list[RepeatMatch] = []
        group.setVisible(False)
        return group

    def look_for_repeats(self, exclude: int | None = None) -> list[RepeatMatch]:
        """This applicant's earlier applications with similar content (same ID number, else name and phone).

        A hint for the clerk, ranked by similarity with the earlier outcome; the clerk decides whether it is a
        repeat (第三十六条第（六）项). Clicking a number opens the earlier case.
        """
        self._repeat_timer.stop()
        content = self.content.toPlainText().strip()
        number = self.id_field.number.text().strip()
        name, phone = self.name.text().strip(), self.phone.text().strip()
        matches: list[RepeatMatch] = []
        if content and (number or (name and phone)):
            matches = find_repeats(
                self.ctx,
                id_number=number or None,
                name=name,
                phone=phone,
                content=content,
                exclude_application_id=exclude,
            )
        self.repeat_matches = matches
        self.repeat_group.setVisible(bool(matches))
        rows = "".join(
            f"<tr><td><a href='app:{m.earlier.id}'>{escape(m.earlier.reg_number)}</a></td>"
            f"<td>{cn_date(m.earlier.receipt_date) if m.earlier.receipt_date else tr('待确认')}</td>"
            f"<td><b>{m.similarity.score}%</b></td>"
            f"<td>{escape(m.earlier.outcome_label or m.earlier.status_label)}</td></tr>"
            f"<tr><td colspan=4 style='color:#555'>{escape(m.earlier.same_by)}；"
            f"{escape(m.similarity.explanation)}</td></tr>"
            for m in matches[:5]
        )
        more = tr("<p>另有 {n} 件，见申请详情。</p>").format(n=len(matches) - 5) if len(matches) > 5 else ""
        self.repeat_summary.setText(f"<table cellspacing=4>{rows}</table>{more}" if matches else "")
        return matches

    def _open_earlier(self, link: str) -> None:
        from app.ui.detail_dialog import DetailDialog

        if link.startswith("app:"):
            DetailDialog(self.ctx, int(link[4:]), self).exec()

    # ----- behaviour ------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.follow_the_day()
        QTimer.singleShot(0, self._focus_first_field_if_lost)

    def _focus_first_field_if_lost(self) -> None:
        focused = QApplication.focusWidget()
        if self.isVisible() and (focused is None or not self.isAncestorOf(focused)):
            self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def follow_the_day(self) -> None:
        """A form left open overnight must not register today's application on yesterday's date.

        The upper limits always follow today; an untouched form also moves its default dates to now.
        """
        now = self.ctx.now()
        if self._prepared_on == now.date():
            return
        if self._pristine():
            self.reset()
            return
        self.arrived_at.setMaximumDateTime(_qdatetime(now.replace(hour=23, minute=59)))
        self.confirmed_at.setMaximumDateTime(_qdatetime(now.replace(hour=23, minute=59)))
        self._prepared_on = now.date()

    def _pristine(self) -> bool:
        return not (self.name.text().strip() or self.content.toPlainText().strip() or self.id_field.number.text())

    def ask_reset(self) -> bool:
        """清空表单, after asking (a filled form is one click from being lost)."""
        if not self._pristine() and not msgbox.confirm(
            self, tr("清空表单"), tr("清空本表单中已填写的全部内容吗？此操作不能撤销。")
        ):
            return False
        self.reset()
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def reset(self) -> None:
        now = self.ctx.now()
        self._prepared_on = now.date()
        self.channel.setCurrentIndex(0)
        self.post_kind.setCurrentIndex(0)
        end_of_day = _qdatetime(now.replace(hour=23, minute=59))
        self.arrived_at.setMaximumDateTime(end_of_day)  # limits first, or the old limit clamps the new value
        self.arrived_at.setDateTime(_qdatetime(now))
        self.confirmed.setChecked(False)
        self.confirmed_at.setMaximumDateTime(end_of_day)
        self.confirmed_at.setDateTime(_qdatetime(now))
        for w in (
            self.name,
            self.legal_rep,
            self.contact_person,
            self.phone,
            self.address,
            self.postcode,
            self.email,
            self.override_reason,
            self.agent_name,
            self.agent_authorisation,
            self.confirmed_with,
            self.document_titles,
            self.purpose,
            self.notes,
        ):
            w.clear()
        self.id_field.number.clear()
        self.agent_id.number.clear()
        self.no_id_reason.setCurrentIndex(0)
        self.no_id_reason.setEditText("")
        self.content.clear()
        self.kind.setCurrentIndex(0)
        self.verification.setCurrentIndex(0)
        self.requested_form.setCurrentIndex(0)
        self.delivery.setCurrentIndex(0)
        for box in (self.fee_waiver, self.filled_by_clerk, self.has_agent):
            box.setChecked(False)
        self._adapt_to_channel()
        self._adapt_to_kind()
        self._adapt_agent()
        self._show_problems([])

    def _set_row_visible(self, form: QFormLayout, field: QWidget, visible: bool) -> None:
        form.setRowVisible(field, visible)

    def _adapt_to_channel(self) -> None:
        channel: Channel = self.channel.value()
        letter = channel is Channel.LETTER
        post: PostKind = self.post_kind.value()
        needs_confirmation = channel in (Channel.EMAIL, Channel.ONLINE, Channel.FAX) or (
            letter and post is PostKind.ORDINARY
        )
        f = self.receipt_form
        self._set_row_visible(f, self.post_kind, letter)
        field = receipt_field(channel, post if letter else None)
        mnemonic = "(&T)"
        self.arrived_label.setText(tr(field.label) + mnemonic)
        self._set_row_visible(f, self.confirmed, needs_confirmation)
        confirmed = needs_confirmation and self.confirmed.isChecked()
        self._set_row_visible(f, self.confirmed_at, confirmed)
        self._set_row_visible(f, self.confirmed_with, confirmed)
        if channel is not Channel.IN_PERSON and self.verification.value() is VerificationMethod.ORIGINAL_SEEN:
            self.verification.set_value(VerificationMethod.COPY_KEPT)
        self._identity_changed()
        self._update_clock()

    def _adapt_to_kind(self) -> None:
        kind: ApplicantKind = self.kind.value()
        org = kind.is_organisation
        self.name_label.setText(tr("单位名称(&N)") if org else tr("姓名(&N)"))
        current = self.id_field.current_type()
        wanted = ORGANISATION_DOC_TYPES if org else PERSON_DOC_TYPES
        if current not in wanted or self.id_field.doc_type.count() != len(wanted):
            self.id_field.set_doc_types(wanted)
        f = self.applicant_form
        self._set_row_visible(f, self.legal_rep, org)
        self._set_row_visible(f, self.contact_person, org)
        self._identity_changed()

    def _adapt_agent(self) -> None:
        on = self.has_agent.isChecked()
        for w in (self.agent_name, self.agent_id, self.agent_authorisation):
            self.agent_form.setRowVisible(w, on)
        self._identity_changed()

    def _needs_number_or_reason(self) -> bool:
        """当面 + 自然人 without a number: the number, or a reason, is asked for (docs/rules.md §9)."""
        return bool(
            in_person_identity_problems(
                self.channel.value(), self.kind.value(), self.id_field.number.text(), "", self.verification.value()
            )
        )

    def _identity_changed(self) -> None:
        failed = self.id_field.failed() or (self.has_agent.isChecked() and self.agent_id.failed())
        self.applicant_form.setRowVisible(self.override_reason, failed)
        no_number = self._needs_number_or_reason()
        self.applicant_form.setRowVisible(self.no_id_reason, no_number)
        if (
            not no_number
            and self.id_field.number.text().strip()
            and self.channel.value() is Channel.IN_PERSON
            and self.verification.value() is VerificationMethod.NOT_CHECKED
        ):
            self.verification.set_value(VerificationMethod.ORIGINAL_SEEN)
        check = self.id_field.last_check
        suggestion = check.suggested_kind if check is not None else None
        show = suggestion is not None and suggestion is not self.kind.value()
        if show:
            self.kind_suggestion.setText(tr("按信用代码建议申请人类型为“{k}”，点击采用").format(k=suggestion.label))
            self.kind_suggestion.setProperty("kind", suggestion.value)
        self.applicant_form.setRowVisible(self.kind_suggestion, show)

    def _no_id_reason_changed(self, text: str) -> None:
        """A reason for no number means no document was seen: 身份核验方式 follows (the clerk may change it)."""
        if text.strip() and self.verification.value() in (
            VerificationMethod.ORIGINAL_SEEN,
            VerificationMethod.COPY_KEPT,
            VerificationMethod.ELECTRONIC,
        ):
            self.verification.set_value(
                VerificationMethod.AUTHORISATION if self.has_agent.isChecked() else VerificationMethod.NOT_CHECKED
            )

    def _accept_kind_suggestion(self) -> None:
        value = self.kind_suggestion.property("kind")
        if value:
            self.kind.set_value(ApplicantKind(value))

    def _receipt_preview(self) -> ReceiptDecision:
        return receipt_of(self.collect())

    def _update_clock(self) -> None:
        try:
            decision = self._receipt_preview()
        except ReceiptError as exc:
            self.receipt_hint.setText(f"<span style='color:#b3261e'>{escape(str(exc))}</span>")
            self.clock_summary.setText(f"<span style='color:#b3261e'>{escape(str(exc))}</span>")
            return
        self.receipt_hint.setText(escape(decision.basis))
        if decision.receipt_date is None:
            self.clock_summary.setText(
                tr("<b>待确认</b>：{basis}<br>确认收到后，在台账中记录确认时间即开始计算答复期限。").format(
                    basis=escape(decision.basis)
                )
            )
            return
        cal = self.ctx.calendar()
        dl = compute_deadlines(ClockInput(receipt_date=decision.receipt_date), cal)
        years = cal.unconfirmed_years_for(dl.reply_due) if dl.reply_due else []
        provisional = (
            tr("（{years}放假安排尚未确认，为预估日期）").format(years="、".join(f"{y}年" for y in years))
            if years
            else ""
        )
        self.clock_summary.setText(
            tr(
                "收到申请之日：<b>{receipt}</b>　补正告知最迟：{correction}（7个工作日，第三十条）<br>"
                "答复期限：<b style='font-size:13pt'>{due}</b>{prov}"
                "<span style='color:#555'>（20个工作日，第三十三条）</span>"
            ).format(
                receipt=cn_date(decision.receipt_date),
                correction=cn_date_weekday(dl.correction_notice_due) if dl.correction_notice_due else "—",
                due=cn_date_weekday(dl.reply_due) if dl.reply_due else "—",
                prov=provisional,
            )
        )

    def collect(self) -> RegistrationInput:
        """The form's content as a service input (no validation here; the service validates).

        One moment is recorded per channel (:func:`receipt_field`): for 当面 it is the handing in and for a
        signed letter the signing, so the arrival and the legal receipt date cannot disagree.
        """
        channel: Channel = self.channel.value()
        kind: ApplicantKind = self.kind.value()
        post = self.post_kind.value() if channel is Channel.LETTER else None
        arrived = _pydatetime(self.arrived_at.dateTime())
        needs_confirmation = channel in (Channel.EMAIL, Channel.ONLINE, Channel.FAX) or (
            channel is Channel.LETTER and post is PostKind.ORDINARY
        )
        agent = None
        if self.has_agent.isChecked():
            agent = AgentInput(
                name=self.agent_name.text(),
                id_doc_type=self.agent_id.current_type(),
                id_number=self.agent_id.number.text(),
                authorisation=self.agent_authorisation.text(),
            )
        number = self.id_field.number.text()
        no_id_reason = self.no_id_reason.currentText().strip() if self._needs_number_or_reason() else ""
        return RegistrationInput(
            channel=channel,
            post_kind=post,
            arrived_at=arrived,
            handed_in_on=arrived.date() if channel is Channel.IN_PERSON else None,
            signed_on=arrived.date() if post is PostKind.SIGNED else None,
            confirmed_at=_pydatetime(self.confirmed_at.dateTime())
            if needs_confirmation and self.confirmed.isChecked()
            else None,
            confirmed_with=self.confirmed_with.text(),
            applicant=ApplicantInput(
                kind=kind,
                name=self.name.text(),
                id_doc_type=self.id_field.current_type(),
                id_number=number,
                legal_representative=self.legal_rep.text() if kind.is_organisation else "",
                contact_person=self.contact_person.text() if kind.is_organisation else "",
                phone=self.phone.text(),
                address=self.address.text(),
                postcode=self.postcode.text(),
                email=self.email.text(),
            ),
            agent=agent,
            verification=self.verification.value(),
            id_override_reason=self.override_reason.text(),
            no_id_reason=no_id_reason,
            content=self.content.toPlainText(),
            document_titles=self.document_titles.text(),
            purpose=self.purpose.text(),
            requested_form=self.requested_form.value(),
            delivery=self.delivery.value(),
            fee_waiver_requested=self.fee_waiver.isChecked(),
            filled_by_clerk=self.filled_by_clerk.isChecked(),
            notes=self.notes.text(),
        )

    # ----- problems -------------------------------------------------------------------------------
    def _watch_for_changes(self) -> None:
        for w in self.findChildren(QLineEdit):
            w.textChanged.connect(self._changed_after_failure)
        for c in self.findChildren(QComboBox):
            c.currentIndexChanged.connect(self._changed_after_failure)
        self.content.textChanged.connect(self._changed_after_failure)
        for e in (self.arrived_at, self.confirmed_at):
            e.dateTimeChanged.connect(self._changed_after_failure)
        for b in (self.confirmed, self.has_agent):
            b.toggled.connect(self._changed_after_failure)

    def _changed_after_failure(self, *_args: object) -> None:
        if self.error_list.isVisible():
            self._recheck_timer.start()

    def _recheck(self) -> None:
        self._show_problems(self.problems(self.collect()))

    def problems(self, data: RegistrationInput) -> list[str]:
        """Everything that stops ``data`` from being registered, as the service checks it (including the counter's
        identity rule: 当面 + 自然人 give a number or a reason, docs/rules.md §9)."""
        return validate_registration(self.ctx, data)

    def _fields_for(self, problem: str) -> list[QWidget]:
        """The fields a problem sentence of the service is about (the first match in :data:`_PROBLEM_FIELDS`)."""
        for keyword, names in _PROBLEM_FIELDS:
            if keyword in problem:
                return [w for w in (self._field(n) for n in names) if w is not None and w.isVisibleTo(self)]
        return []

    def _field(self, name: str) -> QWidget | None:
        target: object = self
        for part in name.split("."):
            target = getattr(target, part, None)
        return target if isinstance(target, QWidget) else None

    def _show_problems(self, problems: list[str]) -> list[QWidget]:
        """List the problems above the legal dates and mark their fields; returns the marked fields in Tab order."""
        marked: set[QWidget] = set()
        for p in problems:
            marked.update(self._fields_for(p))
        for w in getattr(self, "_marked", set()) - marked:
            w.setProperty("invalid", False)
            w.setStyleSheet("")
        for w in marked:
            w.setProperty("invalid", True)
            w.setStyleSheet(_INVALID_STYLE)
        self._marked = marked
        listed = "<br>".join(f"• {escape(p)}" for p in problems)
        self.error_list.setText(tr("请先补全或更正以下内容：") + "<br>" + listed if problems else "")
        self.error_list.setVisible(bool(problems))
        return [w for w in self._tab_chain if w in marked]

    def _show_typed_date_problem(self, text: str) -> None:
        self.error_list.setText(escape(text))
        self.error_list.setVisible(True)

    def save(self) -> RegistrationResult | None:
        """Register the form (Ctrl+S / Ctrl+Enter); on problems mark the fields and put the focus in the first."""
        for edit in (self.arrived_at, self.confirmed_at):
            edit.commit_typed()
        self.follow_the_day()
        data = self.collect()
        problems = self.problems(data)
        if problems:
            fields = self._show_problems(problems)
            if fields:
                self.scroll.ensureWidgetVisible(fields[0])
                fields[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        self._show_problems([])
        today = self.ctx.today()
        question = unusual_receipt_date(self._receipt_preview().receipt_date, data.arrived_at.date(), today)
        if question is not None and not msgbox.confirm(self, tr("确认收到申请之日"), question):
            self.arrived_at.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        try:
            result = register_application(self.ctx, data)
        except ValidationError as exc:  # the day changed in between, or a rule the form does not know
            fields = self._show_problems(list(exc.problems))
            if fields:
                fields[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        except StorageFailure as exc:  # locked, disk full …: tell the clerk, keep the form
            msgbox.error(self, tr("登记未保存"), str(exc) + tr("\n表单内容已保留。"))
            return None
        if result.reply_due is not None:
            due = cn_date_weekday(result.reply_due) + (tr("（预估）") if result.provisional else "")
            text = tr("已登记，编号 <b>{number}</b>　收到申请之日：{receipt}　答复期限：<b>{due}</b>").format(
                number=result.reg_number, receipt=cn_date(result.receipt_date), due=due
            )
        else:
            text = tr("已登记，编号 <b>{number}</b>　状态：待确认收到（{basis}）").format(
                number=result.reg_number, basis=escape(result.receipt_basis)
            )
        notes = list(result.warnings)
        repeats = self.look_for_repeats(exclude=result.id)
        if repeats:
            top = repeats[0]
            notes.append(
                tr(
                    "提示：该申请人有 {n} 件内容相近的早先申请，最接近的是 {num}（相似度 {s}%，{o}）。"
                    "是否属于重复申请，请在作出答复时判断（第三十六条第（六）项）。"
                ).format(
                    n=len(repeats),
                    num=top.earlier.reg_number,
                    s=top.similarity.score,
                    o=top.earlier.outcome_label or top.earlier.status_label,
                )
            )
        if notes:
            text += "<br>" + "<br>".join(f"<span style='color:#7a4b00'>{escape(n)}</span>" for n in notes)
        self.success_text.setText(text)
        self.success_text.setToolTip(result.explanation)
        self.last_registered = result.id
        self.success_panel.setVisible(True)
        self.registered.emit(result.id)
        self.reset()
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        return result


_INVALID_STYLE = "border: 2px solid #c62828; border-radius: 2px;"

#: Which fields a problem of :func:`validate_registration` is about, by a word of its sentence (first match).
_PROBLEM_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("邮件类型", ("post_kind",)),
    ("确认", ("confirmed_at",)),
    ("到达", ("arrived_at",)),
    ("签收", ("arrived_at",)),
    ("提交日期", ("arrived_at",)),
    ("姓名或名称", ("name",)),
    ("代理人姓名", ("agent_name",)),
    ("代理人证件号码未通过校验", ("override_reason", "agent_id.number")),
    ("证件号码未通过校验", ("override_reason", "id_field.number")),
    ("请填写申请人证件号码", ("id_field.number", "no_id_reason")),
    ("身份核验方式", ("verification",)),
    ("联系方式", ("phone", "address", "email")),
    ("内容描述", ("content",)),
)

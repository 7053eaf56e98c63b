"""申请登记: one form that adapts to the channel (Art. 31) and shows the legal dates as the clerk types."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDateTimeEdit,
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
from app.domain.identity import check_identity
from app.domain.receipt import ReceiptError, determine_receipt
from app.domain.similarity import RepeatMatch
from app.services.applications import (
    AgentInput,
    ApplicantInput,
    RegistrationInput,
    RegistrationResult,
    register_application,
)
from app.services.context import ServiceContext
from app.services.errors import ClerkError, StorageFailure, ValidationError
from app.services.repeats import find_repeats
from app.ui import msgbox
from app.ui.widgets import ValueCombo


def tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationPage", text)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _pydatetime(q: QDateTime) -> datetime:
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def _qdatetime(dt: datetime) -> QDateTime:
    return QDateTime(_qdate(dt.date()), QTime(dt.hour, dt.minute))


def _combo(items: list[tuple[str, object]], name: str) -> ValueCombo:
    return ValueCombo(items, name)


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy年M月d日")
    return edit


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
        layout.addWidget(self.doc_type, 0, 0)
        layout.addWidget(self.number, 0, 1)
        layout.setColumnStretch(1, 1)
        layout.addWidget(self.verdict, 1, 0, 1, 2)
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
                self.verdict.setText("✘ " + "；".join(check.problems) + tr("（可继续登记，需填写理由）"))
                self.verdict.setProperty("state", "bad")
        self.verdict.setVisible(bool(self.verdict.text()))
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        self.changed.emit()

    def failed(self) -> bool:
        return self.last_check is not None and not self.last_check.ok


class RegistrationPage(QWidget):
    registered = Signal(int)

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        title = QLabel(tr("申请登记"))
        title.setObjectName("pageTitle")
        outer.addWidget(title)
        outer.addWidget(self._build_success_panel())

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        columns = QHBoxLayout(body)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        left.addWidget(self._build_receipt_group())
        left.addWidget(self._build_applicant_group())
        left.addWidget(self._build_agent_group())
        left.addStretch(1)
        right.addWidget(self._build_content_group())
        right.addWidget(self._build_clock_group())
        right.addWidget(self._build_repeat_group())
        right.addStretch(1)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(tr("登记并生成编号"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(tr("清空表单"))
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.reset)
        self._repeat_timer = QTimer(self)  # look for earlier applications once typing pauses
        self._repeat_timer.setSingleShot(True)
        self._repeat_timer.setInterval(400)
        self._repeat_timer.timeout.connect(self.look_for_repeats)
        for edit in (self.name, self.phone):
            edit.textChanged.connect(self._repeat_timer.start)
        self.content.textChanged.connect(self._repeat_timer.start)
        self.id_field.changed.connect(self._repeat_timer.start)
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
        self.arrived_at = QDateTimeEdit()
        self.arrived_at.setObjectName("arrivedAt")
        self.arrived_at.setCalendarPopup(True)
        self.arrived_at.setDisplayFormat("yyyy年M月d日 HH:mm")
        self.handed_in_on = _date_edit("handedInOn")
        self.signed_on = _date_edit("signedOn")
        self.confirmed = QCheckBox(tr("已与申请人确认收到"))
        self.confirmed.setObjectName("confirmed")
        self.confirmed_at = QDateTimeEdit()
        self.confirmed_at.setObjectName("confirmedAt")
        self.confirmed_at.setCalendarPopup(True)
        self.confirmed_at.setDisplayFormat("yyyy年M月d日 HH:mm")
        self.confirmed_with = QLineEdit()
        self.confirmed_with.setObjectName("confirmedWith")
        self.confirmed_with.setPlaceholderText(tr("与谁、以何种方式确认，如：电话联系申请人本人"))
        self.receipt_hint = QLabel()
        self.receipt_hint.setObjectName("receiptHint")
        self.receipt_hint.setWordWrap(True)
        self.receipt_hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        form.addRow(tr("申请方式"), self.channel)
        form.addRow(tr("邮件类型"), self.post_kind)
        form.addRow(tr("到达时间"), self.arrived_at)
        form.addRow(tr("提交日期"), self.handed_in_on)
        form.addRow(tr("签收日期"), self.signed_on)
        form.addRow("", self.confirmed)
        form.addRow(tr("确认时间"), self.confirmed_at)
        form.addRow(tr("确认情况"), self.confirmed_with)
        box.addWidget(self.receipt_hint)
        self.receipt_form = form
        for w in (self.channel, self.post_kind):
            w.currentIndexChanged.connect(self._adapt_to_channel)
        self.confirmed.toggled.connect(self._adapt_to_channel)
        for sig in (
            self.arrived_at.dateTimeChanged,
            self.handed_in_on.dateChanged,
            self.signed_on.dateChanged,
            self.confirmed_at.dateTimeChanged,
        ):
            sig.connect(self._update_clock)
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
        form.addRow(tr("申请人类型"), self.kind)
        self.name_label = QLabel(tr("姓名"))
        form.addRow(self.name_label, self.name)
        self.id_label = QLabel(tr("证件"))
        form.addRow(self.id_label, self.id_field)
        form.addRow("", self.kind_suggestion)
        form.addRow(tr("法定代表人"), self.legal_rep)
        form.addRow(tr("联系人"), self.contact_person)
        form.addRow(tr("联系电话"), self.phone)
        form.addRow(tr("通讯地址"), self.address)
        form.addRow(tr("邮政编码"), self.postcode)
        form.addRow(tr("电子邮箱"), self.email)
        form.addRow(tr("身份核验方式"), self.verification)
        form.addRow(tr("未通过校验的理由"), self.override_reason)
        self.applicant_form = form
        self.kind.currentIndexChanged.connect(self._adapt_to_kind)
        self.id_field.changed.connect(self._identity_changed)
        self.kind_suggestion.clicked.connect(self._accept_kind_suggestion)
        return group

    def _build_agent_group(self) -> QGroupBox:
        group = QGroupBox(tr("委托代理"))
        form = QFormLayout(group)
        self.has_agent = QCheckBox(tr("由委托代理人代为提交（须核验授权委托书）"))
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
        form.addRow(tr("代理人姓名"), self.agent_name)
        form.addRow(tr("代理人证件"), self.agent_id)
        form.addRow(tr("授权委托书"), self.agent_authorisation)
        self.agent_form = form
        self.has_agent.toggled.connect(self._adapt_agent)
        self.agent_id.changed.connect(self._identity_changed)
        return group

    def _build_content_group(self) -> QGroupBox:
        group = QGroupBox(tr("申请内容"))
        form = QFormLayout(group)
        self.content = QPlainTextEdit()
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
        self.fee_waiver = QCheckBox(tr("申请减免信息处理费"))
        self.fee_waiver.setObjectName("feeWaiver")
        self.filled_by_clerk = QCheckBox(tr("申请人书写确有困难，由工作人员代为填写，经申请人确认（第二十九条第一款）"))
        self.filled_by_clerk.setObjectName("filledByClerk")
        self.notes = QLineEdit()
        self.notes.setObjectName("notes")
        form.addRow(tr("所需信息"), self.content)
        form.addRow(tr("文件名称/文号"), self.document_titles)
        form.addRow(tr("用途（选填）"), self.purpose)
        form.addRow(tr("载体形式"), self.requested_form)
        form.addRow(tr("获取方式"), self.delivery)
        form.addRow("", self.fee_waiver)
        form.addRow("", self.filled_by_clerk)
        form.addRow(tr("备注"), self.notes)
        return group

    def _build_clock_group(self) -> QGroupBox:
        group = QGroupBox(tr("法定期限（保存前预览）"))
        layout = QVBoxLayout(group)
        self.clock_summary = QLabel()
        self.clock_summary.setObjectName("clockSummary")
        self.clock_summary.setWordWrap(True)
        self.clock_summary.setTextFormat(Qt.TextFormat.RichText)
        self.clock_summary.setMinimumHeight(120)
        self.clock_summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.clock_summary)
        return group

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
        dismiss = QPushButton(tr("关闭提示"))
        for b in (self.print_receipt_button, self.open_case_button, dismiss):
            row.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        self.print_receipt_button.clicked.connect(self.print_receipt)
        self.open_case_button.clicked.connect(lambda: self._open_earlier(f"app:{self.last_registered}"))
        dismiss.clicked.connect(lambda: panel.setVisible(False))
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_receipt)
        panel.setVisible(False)
        self.success_panel = panel
        self.last_registered: int | None = None
        return panel

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
        for edit in (self.handed_in_on, self.signed_on):
            edit.setMaximumDate(_qdate(now.date()))
        self.confirmed_at.setMaximumDateTime(_qdatetime(now.replace(hour=23, minute=59)))
        self._prepared_on = now.date()

    def _pristine(self) -> bool:
        return not (self.name.text().strip() or self.content.toPlainText().strip() or self.id_field.number.text())

    def reset(self) -> None:
        now = self.ctx.now()
        self._prepared_on = now.date()
        self.channel.setCurrentIndex(0)
        self.post_kind.setCurrentIndex(0)
        end_of_day = _qdatetime(now.replace(hour=23, minute=59))
        self.arrived_at.setMaximumDateTime(end_of_day)  # limits first, or the old limit clamps the new value
        self.arrived_at.setDateTime(_qdatetime(now))
        for edit in (self.handed_in_on, self.signed_on):
            edit.setMaximumDate(_qdate(now.date()))
            edit.setDate(_qdate(now.date()))
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
        self._set_row_visible(f, self.handed_in_on, channel is Channel.IN_PERSON)
        self._set_row_visible(f, self.signed_on, letter and post is PostKind.SIGNED)
        self._set_row_visible(f, self.confirmed, needs_confirmation)
        confirmed = needs_confirmation and self.confirmed.isChecked()
        self._set_row_visible(f, self.confirmed_at, confirmed)
        self._set_row_visible(f, self.confirmed_with, confirmed)
        hints = {
            Channel.IN_PERSON: tr("当面提交：以提交之日为收到申请之日。"),
            Channel.EMAIL: tr("电子邮件：以双方确认之日为收到申请之日；未确认前不起算期限（待确认）。"),
            Channel.ONLINE: tr("网上申请平台：以双方确认之日为收到申请之日；未确认前不起算期限（待确认）。"),
            Channel.FAX: tr("传真：以双方确认之日为收到申请之日；未确认前不起算期限（待确认）。"),
        }
        if letter:
            hint = (
                tr("需签收的邮件：以签收之日为收到申请之日。")
                if post is PostKind.SIGNED
                else tr(
                    "平常信函：以与申请人确认之日为收到申请之日，应于到达当日尝试确认；无法确认时登记为“待确认”，不起算期限。"
                )
            )
        else:
            hint = hints[channel]
        self.receipt_hint.setText(hint)
        if channel is not Channel.IN_PERSON and self.verification.value() is VerificationMethod.ORIGINAL_SEEN:
            self.verification.set_value(VerificationMethod.COPY_KEPT)
        self._update_clock()

    def _adapt_to_kind(self) -> None:
        kind: ApplicantKind = self.kind.value()
        org = kind.is_organisation
        self.name_label.setText(tr("单位名称") if org else tr("姓名"))
        self.id_label.setText(tr("证件"))
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

    def _identity_changed(self) -> None:
        failed = self.id_field.failed() or (self.has_agent.isChecked() and self.agent_id.failed())
        self.applicant_form.setRowVisible(self.override_reason, failed)
        check = self.id_field.last_check
        suggestion = check.suggested_kind if check is not None else None
        show = suggestion is not None and suggestion is not self.kind.value()
        if show:
            self.kind_suggestion.setText(tr("按信用代码建议申请人类型为“{k}”，点击采用").format(k=suggestion.label))
            self.kind_suggestion.setProperty("kind", suggestion.value)
        self.applicant_form.setRowVisible(self.kind_suggestion, show)

    def _accept_kind_suggestion(self) -> None:
        value = self.kind_suggestion.property("kind")
        if value:
            self.kind.set_value(ApplicantKind(value))

    def _receipt_preview(self):  # -> ReceiptDecision
        channel: Channel = self.channel.value()
        arrived = _pydatetime(self.arrived_at.dateTime())
        confirmed_on = _pydatetime(self.confirmed_at.dateTime()).date() if self.confirmed.isChecked() else None
        return determine_receipt(
            channel,
            arrived.date(),
            post_kind=self.post_kind.value() if channel is Channel.LETTER else None,
            handed_in_on=_pydate(self.handed_in_on.date()) if channel is Channel.IN_PERSON else None,
            signed_on=_pydate(self.signed_on.date()),
            confirmed_on=confirmed_on,
        )

    def _update_clock(self) -> None:
        try:
            decision = self._receipt_preview()
        except ReceiptError as exc:
            self.clock_summary.setText(f"<span style='color:#b3261e'>{exc}</span>")
            return
        if decision.receipt_date is None:
            self.clock_summary.setText(
                tr("<b>待确认</b>：{basis}<br>确认收到后，在台账中记录确认时间即开始计算答复期限。").format(
                    basis=decision.basis
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
                "收到申请之日：<b>{receipt}</b><br>"
                "补正告知最迟：{correction}（7个工作日，第三十条）<br>"
                "答复期限：<b style='font-size:14pt'>{due}</b>{prov}<br>"
                "<span style='color:#555'>20个工作日，不含收到当日，节假日不计、调休上班日计入（第三十三条）</span>"
            ).format(
                receipt=cn_date(decision.receipt_date),
                correction=cn_date_weekday(dl.correction_notice_due) if dl.correction_notice_due else "—",
                due=cn_date_weekday(dl.reply_due) if dl.reply_due else "—",
                prov=provisional,
            )
        )

    def collect(self) -> RegistrationInput:
        """The form's content as a service input (no validation here; the service validates)."""
        channel: Channel = self.channel.value()
        kind: ApplicantKind = self.kind.value()
        needs_confirmation = self.confirmed.isVisibleTo(self) or channel in (
            Channel.EMAIL,
            Channel.ONLINE,
            Channel.FAX,
        )
        agent = None
        if self.has_agent.isChecked():
            agent = AgentInput(
                name=self.agent_name.text(),
                id_doc_type=self.agent_id.current_type(),
                id_number=self.agent_id.number.text(),
                authorisation=self.agent_authorisation.text(),
            )
        return RegistrationInput(
            channel=channel,
            post_kind=self.post_kind.value() if channel is Channel.LETTER else None,
            arrived_at=_pydatetime(self.arrived_at.dateTime()),
            handed_in_on=_pydate(self.handed_in_on.date()) if channel is Channel.IN_PERSON else None,
            signed_on=_pydate(self.signed_on.date()) if channel is Channel.LETTER else None,
            confirmed_at=_pydatetime(self.confirmed_at.dateTime())
            if needs_confirmation and self.confirmed.isChecked()
            else None,
            confirmed_with=self.confirmed_with.text(),
            applicant=ApplicantInput(
                kind=kind,
                name=self.name.text(),
                id_doc_type=self.id_field.current_type(),
                id_number=self.id_field.number.text(),
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
            content=self.content.toPlainText(),
            document_titles=self.document_titles.text(),
            purpose=self.purpose.text(),
            requested_form=self.requested_form.value(),
            delivery=self.delivery.value(),
            fee_waiver_requested=self.fee_waiver.isChecked(),
            filled_by_clerk=self.filled_by_clerk.isChecked(),
            notes=self.notes.text(),
        )

    def save(self) -> RegistrationResult | None:
        self.follow_the_day()
        data = self.collect()
        today = self.ctx.today()
        if data.arrived_at.date() != today and not msgbox.confirm(
            self,
            tr("确认到达日期"),
            tr("到达日期为 {d}，不是今天（{t}）。\n登记编号的年度和答复期限都将按该日期计算，确认登记吗？").format(
                d=cn_date(data.arrived_at.date()), t=cn_date(today)
            ),
        ):
            return None
        try:
            result = register_application(self.ctx, data)
        except ValidationError as exc:
            msgbox.warning(
                self, tr("无法登记"), tr("请先补全或更正以下内容：") + "\n" + "\n".join(f"• {p}" for p in exc.problems)
            )
            msgbox_text = "\n".join(f"• {p}" for p in exc.problems)
            self.clock_summary.setText(f"<span style='color:#b3261e'>{msgbox_text.replace(chr(10), '<br>')}</span>")
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
        return result

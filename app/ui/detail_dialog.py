"""The detail of one application: every recorded field, the running clocks with 如何计算, the timeline."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, QTime, QUrl
from PySide6.QtGui import QDesktopServices, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import EventKind, Status
from app.domain.dates import cn_date, cn_date_weekday, cn_datetime
from app.domain.deadlines import PauseKind
from app.domain.fees import FeeQuote, FeeScheme
from app.domain.letters import DOCUMENT_FOR_STEP, DocumentKind
from app.domain.procedure import DIALOG_STEPS, StepOption
from app.domain.workcalendar import WorkCalendar
from app.services.applications import (
    ApplicationDetail,
    EventView,
    IdentityCheckView,
    confirm_receipt,
    correct_particulars,
    edit_application,
    get_application,
    record_event,
    void_application,
)
from app.services.attachments import add_attachment, attachment_path, list_attachments
from app.services.context import ServiceContext
from app.services.documents import list_documents
from app.services.errors import ConcurrentEdit, ServiceError, ValidationError
from app.services.fees import fee_quote_for_application
from app.services.repeats import find_repeats_for_application
from app.ui import msgbox
from app.ui.date_input import DateTimeEdit
from app.ui.edit_dialog import EditDialog
from app.ui.event_dialog import EventDialog
from app.ui.fit import fit_to_screen, scrolling
from app.ui.step_dialogs import AttachmentDialog, CorrectParticularsDialog, VoidDialog


def tr(text: str) -> str:
    return QCoreApplication.translate("DetailDialog", text)


def _row(label: str, value: object) -> str:
    text = "" if value in (None, "") else str(value)
    return f'<tr><th width="104">{escape(label)}</th><td>{escape(text).replace(chr(10), "<br>") or "—"}</td></tr>'


def _check_verdict(c: IdentityCheckView) -> str:
    """The 校验 cell of an identity record: passed, failed with the reason, or no number and why (§9)."""
    if not c.doc_number:
        return f"<span class=bad>{escape(c.problems or '未登记证件号码')}：{escape(c.override_reason) or '—'}</span>"
    if c.valid:
        return "通过"
    reason = f"<br>理由：{escape(c.override_reason)}" if c.override_reason else ""
    return f"<span class=bad>未通过：{escape(c.problems)}</span>{reason}"


def event_summary(e: EventView) -> str:
    """Every field the event carries, in words (old → new for corrections, the outcome of a reply …)."""
    return "；".join(f"{label}：{value}" for label, value in e.lines)


def render_detail_html(
    d: ApplicationDetail, days_left_text: str, cal: WorkCalendar | None = None, today: date | None = None
) -> str:
    """The application as an HTML page for QTextBrowser (fields, clocks, identity checks, timeline).

    Every running clock is listed (第三十条至第三十四条); a date in a year whose holiday schedule is not
    confirmed is marked 预估 (per date when ``cal`` is given, else whenever the clock is provisional).
    """
    dl = d.deadlines
    sit = d.situation
    assert sit is not None

    def when(day: date) -> str:
        text = cn_date_weekday(day)
        years = cal.unconfirmed_years_for(day) if cal is not None else ([day.year] if dl and dl.provisional else [])
        if years:
            text += f"（预估：{'、'.join(f'{y}年' for y in years)}放假安排未确认）"
        return text

    clocks: list[str] = []
    if d.status is Status.VOIDED:
        voided = next((e for e in d.events if e.kind is EventKind.VOIDED), None)
        clocks.append(_row("作废日期", cn_date(sit.voided_on) if sit.voided_on else ""))
        if voided is not None:
            clocks.append(_row("作废原因", "；".join(x for x in (event_summary(voided), voided.note) if x)))
        clocks.append(_row("统计", "已作废的登记不计入任何统计和期限提醒；登记编号保留，不再使用"))
    elif d.status is Status.CLOSED:
        clocks.append(_row("办结日期", cn_date(d.closed_on) if d.closed_on else ""))
        clocks.append(_row("办理结果", d.outcome.label if d.outcome else ""))
        if dl is not None and dl.reply_due:
            clocks.append(_row("答复期限", when(dl.reply_due)))
    elif dl is not None:
        if d.status is Status.AWAITING_CONFIRMATION:
            clocks.append(_row("答复期限", "未起算：尚未确认收到申请"))
        elif dl.state == "suspended":
            paused = "、".join(f"{p.kind.label}（{cn_date(p.start)}起）" for p in sit.open_pauses)
            if dl.reply_due:
                clocks.append(_row("答复期限", when(dl.reply_due) + "（暂停开始前已届满）"))
            else:
                clocks.append(
                    _row(
                        "答复期限",
                        f"计时暂停：{paused or '暂停中'}；已计 {dl.used_days} 个工作日，"
                        f"尚余 {dl.remaining_days} 个工作日，暂停结束后继续计算",
                    )
                )
        elif dl.state == "awaiting_correction":
            clocks.append(_row("答复期限", "等待申请人补正，收到补正材料之日起重新计算 20 个工作日（第三十条）"))
            deadline = sit.correction_deadline
            if deadline is not None:
                clocks.append(_row("申请人补正期限", when(deadline) + "（逾期不补正视为放弃申请）"))
        elif dl.reply_due:
            clocks.append(_row("答复期限", when(dl.reply_due)))
            if d.days_left is not None and d.days_left < 0:
                clocks.append(f"<tr><th>剩余</th><td class=bad><b>{escape(days_left_text)}</b></td></tr>")
            else:
                clocks.append(_row("剩余", days_left_text))
        if d.status is not Status.AWAITING_CONFIRMATION:
            passed = today is not None and dl.correction_notice_due is not None and today > dl.correction_notice_due
            if (
                dl.correction_notice_due
                and not passed
                and not any(e.kind is EventKind.CORRECTION_REQUESTED for e in d.events)
            ):  # once passed without a notice there is nothing left to do: no alarming "已过" line
                clocks.append(_row("补正告知最迟", when(dl.correction_notice_due)))
            if dl.unextended_due and not any(e.kind is EventKind.EXTENSION for e in d.events):
                late = today is not None and today > dl.unextended_due
                clocks.append(
                    _row(
                        "延期告知最迟",
                        when(dl.unextended_due) + ("（已过，不能再延期）" if late else "（即未延期时的答复期限）"),
                    )
                )
            for pause, due in dl.consultation_dues:
                lapsed = pause.end is None and today is not None and today > due
                if lapsed:
                    clocks.append(
                        f"<tr><th>{escape(pause.kind.label)}答复最迟</th><td class=bad><b>{escape(when(due))}"
                        f"（{cn_date(pause.start)} 发出）已逾期未提出意见：请记录征求意见结束，"
                        f"结束日期为 {cn_date(due)}（第三十二条、第三十四条）</b></td></tr>"
                    )
                    continue
                state = "进行中" if pause.end is None else f"{cn_date(pause.end)} 结束"
                clocks.append(
                    _row(f"{pause.kind.label}答复最迟", f"{when(due)}（{cn_date(pause.start)} 发出，{state}）")
                )
            if dl.fee_payment_due and sit.open_pause(PauseKind.FEE) is not None:
                clocks.append(_row("缴费最迟", when(dl.fee_payment_due)))

    agent = ""
    if d.agent_name:
        agent = (
            "<h3>委托代理</h3><table>"
            + _row("代理人", d.agent_name)
            + _row("证件", f"{d.agent_id_doc_type.label if d.agent_id_doc_type else ''} {d.agent_id_number}")
            + _row("授权委托书", d.agent_authorisation)
            + "</table>"
        )
    checks = "".join(
        f"<tr><td>{escape(c.subject)}</td><td>{escape(c.doc_type)}</td><td>{escape(c.doc_number) or '—'}</td>"
        f"<td>{_check_verdict(c)}</td>"
        f"<td>{escape(c.method)}</td><td>{escape(c.checked_by)} {cn_datetime(c.checked_at)}</td></tr>"
        for c in d.identity_checks
    )
    events = "".join(
        f"<tr><td>{cn_date(e.day)}</td><td>{escape(e.label)}</td>"
        f"<td>{escape('；'.join(x for x in (event_summary(e), e.note) if x))}</td>"
        f"<td>{escape(e.actor)}</td><td>{cn_datetime(e.recorded_at)}</td></tr>"
        for e in d.events
    )
    applicant_rows = (
        _row("申请人类型", d.applicant_kind.label)
        + _row("单位名称" if d.applicant_kind.is_organisation else "姓名", d.applicant_name)
        + _row("证件", f"{d.id_doc_type.label if d.id_doc_type else ''} {d.id_number}")
        + (
            _row("法定代表人", d.legal_representative) + _row("联系人", d.contact_person)
            if d.applicant_kind.is_organisation
            else ""
        )
        + _row("联系电话", d.phone)
        + _row("通讯地址", f"{d.address} {d.postcode}".strip())
        + _row("电子邮箱", d.email)
    )
    overdue = (
        '　<span class=bad style="font-weight:bold">已超期</span>'
        if d.status is not Status.CLOSED and d.days_left is not None and d.days_left < 0
        else ""
    )
    return f"""
<style>
 h2 {{ margin: 0 0 4px 0; }} h3 {{ margin: 14px 0 4px 0; color: #1f4e79; }}
 table {{ border-collapse: collapse; }} th {{ text-align: left; color: #555; padding: 2px 14px 2px 0;
 font-weight: normal; white-space: nowrap; vertical-align: top; }}
 td {{ padding: 2px 10px 2px 0; vertical-align: top; }}
 .bad {{ color: #a1170f; }}
 table.grid td {{ border-bottom: 1px solid #e3e7ee; padding: 3px 12px 3px 0; }}
</style>
<h2>{escape(d.reg_number)}　<span style="font-weight:normal">{escape(d.status.label)}</span>{overdue}</h2>
<h3>期限</h3><table>{"".join(clocks)}</table>
<h3>办理过程</h3>
<table class=grid><tr><th>日期</th><th>事项</th><th>说明</th><th>经办人</th><th>记录时间</th></tr>{events}</table>
<h3>收件</h3><table>
{_row("申请方式", d.channel.label + (f"（{d.post_kind.label}）" if d.post_kind else ""))}
{_row("到达时间", cn_datetime(d.arrived_at))}
{_row("收到申请之日", cn_date(d.receipt_date) if d.receipt_date else "待确认")}
{_row("依据", d.receipt_basis)}
{_row("确认情况", (cn_datetime(d.confirmed_at) + " " + d.confirmed_with) if d.confirmed_at else "")}
{_row("登记人", f"{d.registered_by}　{cn_datetime(d.created_at)}")}
</table>
<h3>申请人</h3><table>{applicant_rows}</table>
{agent}
<h3>申请内容</h3><table>
{_row("所需信息", d.content)}
{_row("文件名称/文号", d.document_titles)}
{_row("用途", d.purpose)}
{_row("载体形式", d.requested_form.label if d.requested_form else "")}
{_row("获取方式", d.delivery.label if d.delivery else "")}
{_row("申请减免费用", "是" if d.fee_waiver_requested else "否")}
{_row("代为填写", "是（申请人书写困难，由工作人员代为填写）" if d.filled_by_clerk else "否")}
{_row("备注", d.notes)}
</table>
<h3>身份核验</h3>
<table><tr><th>对象</th><th>证件</th><th>号码</th><th>校验</th><th>核验方式</th><th>核验人</th></tr>{checks}</table>
"""


def days_left_text(days: int | None) -> str:
    if days is None:
        return "—"
    if days < 0:
        return f"已超期 {-days} 个工作日"
    if days == 0:
        return "今天到期"
    return f"{days} 个工作日"


class ConfirmReceiptDialog(QDialog):
    """Ask when and with whom the receipt was confirmed (Art. 31 ¶2, ¶3)."""

    def __init__(self, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("确认收到申请"))
        form = QFormLayout(self)
        self.when = DateTimeEdit(QDateTime(now.date(), QTime(now.hour, now.minute)))
        self.with_whom = QLineEdit()
        self.with_whom.setPlaceholderText(tr("如：电话联系申请人本人确认"))
        form.addRow(tr("确认时间"), self.when)
        form.addRow(tr("确认情况"), self.with_whom)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, now: datetime, parent: QWidget | None = None) -> tuple[datetime, str] | None:
        dialog = cls(now, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        q = dialog.when.dateTime()
        d, t = q.date(), q.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()), dialog.with_whom.text()


def open_file(path: Path) -> bool:
    """Open a stored file with the system's viewer (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


class DetailDialog(QDialog):
    """One case: 详情 (fields, clocks, timeline), 附件, 可能重复的申请; every action asks the domain first."""

    def __init__(self, ctx: ServiceContext, application_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application_id = application_id
        self.changed = False
        fit_to_screen(self, 920, 760)  # a 1366×768 office screen: title bar and task bar included
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        layout.addWidget(self.tabs, 1)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        self.browser = QTextBrowser()
        self.browser.setObjectName("detailBrowser")
        page_layout.addWidget(self.browser, 1)
        self.explain_toggle = QToolButton()
        self.explain_toggle.setObjectName("explainToggle")
        self.explain_toggle.setText(tr("如何计算答复期限 ▸"))
        self.explain_toggle.setCheckable(True)
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setVisible(False)
        self.explanation.setStyleSheet("background:#f6f8fb; border:1px solid #d0d7e2; padding:8px;")
        self.explanation_area = scrolling(self.explanation, "explanationArea")
        self.explanation_area.setVisible(False)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        page_layout.addWidget(self.explain_toggle)
        page_layout.addWidget(self.explanation_area)
        self.tabs.addTab(page, tr("详情"))

        # 附件
        files = QWidget()
        files_layout = QVBoxLayout(files)
        self.attachments = QTableWidget(0, 6)
        self.attachments.setObjectName("attachmentTable")
        self.attachments.setHorizontalHeaderLabels(
            [tr("文件"), tr("类别"), tr("说明"), tr("大小"), tr("添加"), tr("状态")]
        )
        self.attachments.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attachments.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attachments.verticalHeader().setVisible(False)
        self.attachments.horizontalHeader().setStretchLastSection(True)
        files_layout.addWidget(self.attachments, 1)
        file_buttons = QHBoxLayout()
        self.add_file_button = QPushButton(tr("添加附件…"))
        self.add_file_button.setObjectName("addAttachment")
        self.open_file_button = QPushButton(tr("打开"))
        self.open_file_button.setObjectName("openAttachment")
        file_buttons.addWidget(self.add_file_button)
        file_buttons.addWidget(self.open_file_button)
        file_buttons.addStretch(1)
        files_layout.addLayout(file_buttons)
        self.tabs.addTab(files, tr("附件"))

        # 可能重复的申请 (第三十五条、第三十六条第（六）项)
        repeats = QWidget()
        repeats_layout = QVBoxLayout(repeats)
        repeats_layout.addWidget(
            QLabel(
                tr(
                    "同一申请人（证件号码相同，或姓名和电话相同）此前内容相近的申请，按相似度排序，仅供参考；"
                    "是否属于重复申请（第三十六条第（六）项）由经办人判断。双击打开早先的申请。"
                )
            )
        )
        repeats_layout.itemAt(0).widget().setWordWrap(True)
        self.repeats = QTableWidget(0, 5)
        self.repeats.setObjectName("repeatTable")
        self.repeats.setHorizontalHeaderLabels(
            [tr("登记编号"), tr("收到日期"), tr("相似度"), tr("办理结果"), tr("依据")]
        )
        self.repeats.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.repeats.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.repeats.verticalHeader().setVisible(False)
        self.repeats.horizontalHeader().setStretchLastSection(True)
        repeats_layout.addWidget(self.repeats, 1)
        self.tabs.addTab(repeats, tr("可能重复的申请"))

        # 文书: what was issued on the case, with its number (docs/rules.md §8)
        papers = QWidget()
        papers_layout = QVBoxLayout(papers)
        self.documents = QTableWidget(0, 5)
        self.documents.setObjectName("documentTable")
        self.documents.setHorizontalHeaderLabels([tr("文书"), tr("文号"), tr("出具日期"), tr("经办人"), tr("状态")])
        self.documents.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.documents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.documents.verticalHeader().setVisible(False)
        self.documents.horizontalHeader().setStretchLastSection(True)
        papers_layout.addWidget(self.documents, 1)
        papers_layout.addWidget(QLabel(tr("双击打开文书，可预览、重新打印（文号不变）或另存为 PDF。")))
        self.tabs.addTab(papers, tr("文书"))

        buttons = QHBoxLayout()
        self.confirm_button = QPushButton(tr("确认收到…"))
        self.confirm_button.setObjectName("confirmReceipt")
        self.event_button = QPushButton(tr("记录办理事项…"))
        self.event_button.setObjectName("recordEvent")
        self.edit_button = QPushButton(tr("修改登记信息…"))
        self.edit_button.setObjectName("editApplication")
        self.correct_button = QPushButton(tr("更正登记事项…"))
        self.correct_button.setObjectName("correctParticulars")
        self.suggested_document: DocumentKind | None = None  # the document the step just recorded calls for
        self.document_button = QPushButton(tr("生成文书…"))
        self.document_button.setObjectName("makeDocument")
        self.void_button = QPushButton(tr("作废登记…"))
        self.void_button.setObjectName("voidApplication")
        close = QPushButton(tr("关闭"))
        for button in (
            self.confirm_button,
            self.event_button,
            self.document_button,
            self.edit_button,
            self.correct_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.void_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.explain_toggle.toggled.connect(self._toggle_explanation)
        self.confirm_button.clicked.connect(self._confirm)
        self.event_button.clicked.connect(self.record_event)
        self.edit_button.clicked.connect(self.edit)
        self.correct_button.clicked.connect(self.correct)
        self.void_button.clicked.connect(self.void)
        self.add_file_button.clicked.connect(self.add_attachment)
        self.open_file_button.clicked.connect(self.open_attachment)
        self.attachments.doubleClicked.connect(self.open_attachment)
        self.repeats.doubleClicked.connect(self._open_repeat)
        self.document_button.clicked.connect(lambda: self.make_document())
        self.documents.doubleClicked.connect(self._open_document)
        close.clicked.connect(self.accept)
        self.load()

    def load(self) -> None:
        d = get_application(self.ctx, self.application_id)
        self.detail = d
        self.setWindowTitle(tr("申请详情 — {number}").format(number=d.reg_number))
        html = render_detail_html(d, days_left_text(d.days_left), self.ctx.calendar(), self.ctx.today())
        self.browser.setHtml(html)
        self.explanation.setText(d.explanation.replace("\n", "<br>") if d.explanation else tr("尚未起算。"))
        self._fit_explanation()
        self.confirm_button.setVisible(d.receipt_date is None and d.status is not Status.VOIDED)
        # every button asks the domain; a refused action stays visible, disabled, with the reason as tooltip
        dialog_steps = [d.step(k) for k in DIALOG_STEPS]
        any_step = any(o.allowed for o in dialog_steps if o.kind is not EventKind.NOTE)
        self._rule(self.event_button, d.step(EventKind.NOTE), extra="" if any_step else tr("目前只能记录备注"))
        self._rule(self.confirm_button, d.step(EventKind.RECEIPT_CONFIRMED))
        self._rule(self.edit_button, d.step(EventKind.EDITED))
        self._rule(self.correct_button, d.step(EventKind.PARTICULARS_CORRECTED))
        self._rule(self.void_button, d.step(EventKind.VOIDED))
        self._rule(self.add_file_button, d.step(EventKind.ATTACHMENT_ADDED))
        self._rule(self.document_button, d.step(EventKind.DOCUMENT_ISSUED))
        suggested = self.suggested_document
        self.document_button.setText(tr("生成{k}…").format(k=suggested.label) if suggested else tr("生成文书…"))
        self._load_attachments()
        self._load_repeats()
        self._load_documents()

    @staticmethod
    def _rule(button: QPushButton, option: StepOption, extra: str = "") -> None:
        button.setEnabled(option.allowed)
        button.setToolTip(option.reason or extra)

    def _load_attachments(self) -> None:
        self.files = list_attachments(self.ctx, self.application_id)
        self.attachments.setRowCount(len(self.files))
        for row, f in enumerate(self.files):
            cells = (
                f.filename,
                f.category_label,
                f.description,
                _size(f.size),
                f"{f.added_by} {cn_datetime(f.added_at)}",
                tr("正常") if f.ok else tr("文件缺失"),
            )
            for col, text in enumerate(cells):
                self.attachments.setItem(row, col, QTableWidgetItem(text))
        self.attachments.resizeColumnsToContents()
        self.tabs.setTabText(1, tr("附件（{n}）").format(n=len(self.files)) if self.files else tr("附件"))
        self.open_file_button.setEnabled(bool(self.files))

    def _load_repeats(self) -> None:
        self.repeat_matches = find_repeats_for_application(self.ctx, self.application_id)
        self.repeats.setRowCount(len(self.repeat_matches))
        for row, m in enumerate(self.repeat_matches):
            e = m.earlier
            cells = (
                e.reg_number,
                cn_date(e.receipt_date) if e.receipt_date else tr("待确认"),
                f"{m.similarity.score}%",
                e.outcome_label or e.status_label,
                f"{e.same_by}；{m.similarity.explanation}",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(e.content)
                self.repeats.setItem(row, col, item)
        self.repeats.resizeColumnsToContents()
        n = len(self.repeat_matches)
        self.tabs.setTabText(2, tr("可能重复的申请（{n}）").format(n=n) if n else tr("可能重复的申请"))

    def _load_documents(self) -> None:
        self.issued = list_documents(self.ctx, self.application_id)
        self.documents.setRowCount(len(self.issued))
        for row, doc in enumerate(self.issued):
            cells = (
                doc.label,
                doc.number,
                cn_date(doc.issued_on),
                doc.created_by,
                tr("已作废：{r}").format(r=doc.void_reason) if doc.voided else tr("有效"),
            )
            for col, text in enumerate(cells):
                self.documents.setItem(row, col, QTableWidgetItem(text))
        self.documents.resizeColumnsToContents()
        n = len(self.issued)
        self.tabs.setTabText(3, tr("文书（{n}）").format(n=n) if n else tr("文书"))

    def make_document(self, kind: DocumentKind | None = None) -> bool:
        """生成文书: the document dialog for this case (on the document the last step calls for, if any); True
        when something was issued or printed."""
        from app.ui.document_dialog import DocumentDialog  # the print stack loads when first needed

        changed = DocumentDialog.open(self.ctx, self.application_id, kind or self.suggested_document, self)
        self.suggested_document = None
        if changed:
            self._after()
        return changed

    def _open_document(self) -> None:
        row = self.documents.currentRow()
        if 0 <= row < len(self.issued):
            self.make_document(self.issued[row].kind)

    def repeats_text(self) -> str:
        """One line for the decision: how many similar earlier applications, the closest one."""
        if not self.repeat_matches:
            return ""
        top = self.repeat_matches[0]
        return tr(
            "提示：该申请人有 {n} 件内容相近的早先申请，最接近的是 {num}（相似度 {s}%，{o}），"
            "见申请详情“可能重复的申请”（第三十五条、第三十六条第（六）项）。"
        ).format(
            n=len(self.repeat_matches),
            num=top.earlier.reg_number,
            s=top.similarity.score,
            o=top.earlier.outcome_label or top.earlier.status_label,
        )

    def _open_repeat(self) -> None:
        row = self.repeats.currentRow()
        if 0 <= row < len(self.repeat_matches):
            DetailDialog(self.ctx, self.repeat_matches[row].earlier.id, self).exec()

    def _toggle_explanation(self, on: bool) -> None:
        self.explanation.setVisible(on)
        self.explanation_area.setVisible(on)
        self._fit_explanation()
        self.explain_toggle.setText(tr("如何计算答复期限 ▾") if on else tr("如何计算答复期限 ▸"))

    def _fit_explanation(self) -> None:
        """As tall as its lines, at most 40 % of the window: the details above stay in view, the rest scrolls."""
        if not self.explain_toggle.isChecked():
            return
        area = self.explanation_area
        width = area.viewport().width() if area.isVisible() else self.width() - 60
        wanted = self.explanation.heightForWidth(max(200, width)) + 2 * area.frameWidth() + 2
        self.explanation_area.setFixedHeight(max(60, min(wanted, int(self.height() * 0.4))))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_explanation()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_explanation()

    def _after(self) -> None:
        self.changed = True
        self.load()

    def _stale(self, title: str, exc: ConcurrentEdit) -> None:
        """Another desk changed the case since it was shown: say so, then show the case as it now stands.

        Why: every action hands the shown version back (``expected_version``) and the service refuses it when
        the case moved on, saving nothing; the clerk must see the other desk's change before acting again."""
        msgbox.warning(self, title, str(exc))
        self._after()

    def _refused(self, title: str, exc: ConcurrentEdit | ServiceError) -> None:
        """An action the service refused: a stale case is shown again (:meth:`_stale`), any other reason said."""
        if isinstance(exc, ConcurrentEdit):
            self._stale(title, exc)
        else:
            msgbox.warning(self, title, str(exc))

    @property
    def _version(self) -> int:
        """The version of the case as shown (handed to every action)."""
        return self.detail.version

    def _confirm(self) -> None:
        answer = ConfirmReceiptDialog.ask(self.ctx.now(), self)
        if answer is None:
            return
        try:
            receipt = confirm_receipt(
                self.ctx, self.application_id, answer[0], answer[1], expected_version=self._version
            )
        except (ConcurrentEdit, ServiceError) as exc:
            self._refused(tr("无法确认"), exc)
            return
        self._after()
        msgbox.information(
            self, tr("已确认"), tr("收到申请之日为 {d}，答复期限已开始计算。").format(d=cn_date(receipt))
        )

    def edit(self) -> bool:
        """Correct the registration particulars; True when something changed."""
        answer = EditDialog.ask(self, self.detail)
        if answer is None:
            return False
        values, reason = answer
        try:
            n = edit_application(self.ctx, self.application_id, values, reason, expected_version=self._version)
        except (ConcurrentEdit, ServiceError) as exc:
            self._refused(tr("无法修改"), exc)
            return False
        if n:
            self._after()
        return bool(n)

    def correct(self) -> bool:
        """更正登记事项; True when something was corrected. Says where the reply date moved."""
        answer = CorrectParticularsDialog.ask(self, self.detail, self.ctx.today())
        if answer is None:
            return False
        correction, reason = answer
        try:
            result = correct_particulars(
                self.ctx, self.application_id, correction, reason, expected_version=self._version
            )
        except (ConcurrentEdit, ServiceError) as exc:
            self._refused(tr("无法更正"), exc)
            return False
        if not result.changed:
            msgbox.information(self, tr("未更正"), tr("所填内容与登记一致，没有需要更正的事项。"))
            return False
        self._after()
        lines = [tr("已更正 {n} 项，办理记录已记载更正前后的内容和原因。").format(n=result.changed)]
        if result.reply_due_before != result.reply_due_after:
            lines.append(
                tr("答复期限：{a} → {b}").format(
                    a=cn_date(result.reply_due_before) if result.reply_due_before else "—",
                    b=cn_date(result.reply_due_after) if result.reply_due_after else "—",
                )
            )
        if result.number_note:
            lines.append(result.number_note)
        lines += list(result.warnings)
        msgbox.information(self, tr("已更正"), "\n".join(lines))
        return True

    def void(self) -> bool:
        """作废登记 after a second confirmation; True when voided."""
        answer = VoidDialog.ask(self, self.detail)
        if answer is None:
            return False
        if not msgbox.confirm(
            self,
            tr("作废登记"),
            tr("确定作废 {n}？作废后不能恢复，该登记不再计入统计和期限提醒。").format(n=self.detail.reg_number),
        ):
            return False
        try:
            void_application(
                self.ctx,
                self.application_id,
                answer.reason,
                answer.explanation,
                answer.duplicate_of,
                expected_version=self._version,
            )
        except (ConcurrentEdit, ServiceError) as exc:
            self._refused(tr("无法作废"), exc)
            return False
        self._after()
        return True

    def add_attachment(self) -> bool:
        answer = AttachmentDialog.ask(self)
        if answer is None:
            return False
        try:
            add_attachment(
                self.ctx,
                self.application_id,
                answer.path,
                answer.category,
                answer.description,
                expected_version=self._version,
            )
        except (ConcurrentEdit, ServiceError) as exc:
            self._refused(tr("无法添加附件"), exc)
            return False
        self._after()
        self.tabs.setCurrentIndex(1)
        return True

    def open_attachment(self) -> bool:
        row = self.attachments.currentRow()
        if not 0 <= row < len(self.files):
            row = 0 if self.files else -1
        if row < 0:
            return False
        try:
            path = attachment_path(self.ctx, self.files[row].id)
        except ServiceError as exc:
            msgbox.warning(self, tr("无法打开附件"), str(exc))
            return False
        if not open_file(path):
            msgbox.warning(self, tr("无法打开附件"), tr("系统没有可以打开该文件的程序：{p}").format(p=path))
            return False
        return True

    def _fee_quoter(self, scheme: FeeScheme, pages: int | None, waived: bool, reason: str) -> FeeQuote:
        return fee_quote_for_application(
            self.ctx, self.application_id, scheme, pages, waived=waived, waiver_reason=reason
        )

    def record_event(self) -> bool:
        """Ask for one step of the procedure and record it through the service; True when recorded."""
        answer = EventDialog.ask(
            self,
            self.detail,
            today=self.ctx.today(),
            cal=self.ctx.calendar(),
            correction_days=self.ctx.int_setting("correction_period_days"),
            fee_quoter=self._fee_quoter,
            repeats_text=self.repeats_text(),
        )
        if answer is None:
            return False
        kind, day, payload, note = answer
        try:
            status = record_event(
                self.ctx, self.application_id, kind, day, payload, note, expected_version=self._version
            )
        except ConcurrentEdit as exc:
            self._stale(tr("无法记录"), exc)
            return False
        except ValidationError as exc:
            msgbox.warning(self, tr("无法记录"), "\n".join(exc.problems))
            return False
        except ServiceError as exc:
            msgbox.warning(self, tr("无法记录"), str(exc))
            return False
        self.suggested_document = DOCUMENT_FOR_STEP.get(kind)
        self._after()
        if kind in (EventKind.DECIDED, EventKind.WITHDRAWN) and status is Status.CLOSED:
            msgbox.information(self, tr("已办结"), tr("已记录，申请已办结。"))
        return True

"""The detail of one application: every recorded field, the running clocks with 如何计算, the timeline."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QCoreApplication, QDateTime, QTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import Status
from app.domain.dates import cn_date, cn_date_weekday, cn_datetime
from app.services.applications import ApplicationDetail, confirm_receipt, get_application
from app.services.context import ServiceContext
from app.services.errors import ServiceError
from app.ui import msgbox


def tr(text: str) -> str:
    return QCoreApplication.translate("DetailDialog", text)


def _row(label: str, value: object) -> str:
    text = "" if value in (None, "") else str(value)
    return f"<tr><th>{escape(label)}</th><td>{escape(text).replace(chr(10), '<br>') or '—'}</td></tr>"


def render_detail_html(d: ApplicationDetail, days_left_text: str) -> str:
    """The application as an HTML page for QTextBrowser (fields, clocks, identity checks, timeline)."""
    dl = d.deadlines
    clocks: list[str] = []
    if d.status is Status.CLOSED:
        clocks.append(_row("办结日期", cn_date(d.closed_on) if d.closed_on else ""))
        clocks.append(_row("办理结果", d.outcome.label if d.outcome else ""))
    elif dl is not None:
        prov = "（预估：所涉年度放假安排未确认）" if dl.provisional else ""
        if d.status is Status.AWAITING_CONFIRMATION:
            clocks.append(_row("答复期限", "未起算：尚未确认收到申请"))
        elif dl.state == "suspended":
            clocks.append(_row("答复期限", "计时暂停（征求意见或缴费期间不计入答复期限）"))
        elif dl.state == "awaiting_correction":
            clocks.append(_row("答复期限", "等待申请人补正，收到补正材料后重新计算"))
        elif dl.reply_due:
            clocks.append(_row("答复期限", cn_date_weekday(dl.reply_due) + prov))
            clocks.append(_row("剩余", days_left_text))
        if dl.correction_notice_due:
            clocks.append(_row("补正告知最迟", cn_date_weekday(dl.correction_notice_due)))
        if dl.unextended_due and d.status is not Status.AWAITING_CONFIRMATION:
            clocks.append(_row("延期告知最迟", cn_date_weekday(dl.unextended_due)))
        for pause, due in dl.consultation_dues:
            clocks.append(_row("征求意见答复最迟", f"{cn_date_weekday(due)}（{cn_date(pause.start)} 发出）"))
        if dl.fee_payment_due:
            clocks.append(_row("缴费最迟", cn_date_weekday(dl.fee_payment_due)))

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
        f"<tr><td>{escape(c.subject)}</td><td>{escape(c.doc_type)}</td><td>{escape(c.doc_number)}</td>"
        f"<td>{'通过' if c.valid else '<span class=bad>未通过：' + escape(c.problems) + '</span>'}"
        f"{'<br>理由：' + escape(c.override_reason) if c.override_reason else ''}</td>"
        f"<td>{escape(c.method)}</td><td>{escape(c.checked_by)} {cn_datetime(c.checked_at)}</td></tr>"
        for c in d.identity_checks
    )
    events = "".join(
        f"<tr><td>{cn_date(e.day)}</td><td>{escape(e.label)}</td><td>{escape(e.note)}</td>"
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
    return f"""
<style>
 h2 {{ margin: 0 0 4px 0; }} h3 {{ margin: 14px 0 4px 0; color: #1f4e79; }}
 table {{ border-collapse: collapse; }} th {{ text-align: left; color: #555; padding: 2px 14px 2px 0;
 font-weight: normal; white-space: nowrap; vertical-align: top; }}
 td {{ padding: 2px 10px 2px 0; vertical-align: top; }}
 .bad {{ color: #a1170f; }}
</style>
<h2>{escape(d.reg_number)}　<span style="font-weight:normal">{escape(d.status.label)}</span></h2>
<h3>期限</h3><table>{"".join(clocks)}</table>
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
<h3>办理过程</h3>
<table><tr><th>日期</th><th>事项</th><th>说明</th><th>经办人</th><th>记录时间</th></tr>{events}</table>
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
        self.when = QDateTimeEdit(QDateTime(now.date(), QTime(now.hour, now.minute)))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy年M月d日 HH:mm")
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


class DetailDialog(QDialog):
    def __init__(self, ctx: ServiceContext, application_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application_id = application_id
        self.changed = False
        self.resize(900, 760)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("detailBrowser")
        layout.addWidget(self.browser, 1)
        self.explain_toggle = QToolButton()
        self.explain_toggle.setObjectName("explainToggle")
        self.explain_toggle.setText(tr("如何计算答复期限 ▸"))
        self.explain_toggle.setCheckable(True)
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setVisible(False)
        self.explanation.setStyleSheet("background:#f6f8fb; border:1px solid #d0d7e2; padding:8px;")
        layout.addWidget(self.explain_toggle)
        layout.addWidget(self.explanation)
        buttons = QHBoxLayout()
        self.confirm_button = QPushButton(tr("确认收到…"))
        self.confirm_button.setObjectName("confirmReceipt")
        close = QPushButton(tr("关闭"))
        buttons.addWidget(self.confirm_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.explain_toggle.toggled.connect(self._toggle_explanation)
        self.confirm_button.clicked.connect(self._confirm)
        close.clicked.connect(self.accept)
        self.load()

    def load(self) -> None:
        d = get_application(self.ctx, self.application_id)
        self.detail = d
        self.setWindowTitle(tr("申请详情 — {number}").format(number=d.reg_number))
        self.browser.setHtml(render_detail_html(d, days_left_text(d.days_left)))
        self.explanation.setText(d.explanation.replace("\n", "<br>") if d.explanation else tr("尚未起算。"))
        self.confirm_button.setVisible(d.status is Status.AWAITING_CONFIRMATION)

    def _toggle_explanation(self, on: bool) -> None:
        self.explanation.setVisible(on)
        self.explain_toggle.setText(tr("如何计算答复期限 ▾") if on else tr("如何计算答复期限 ▸"))

    def _confirm(self) -> None:
        answer = ConfirmReceiptDialog.ask(self.ctx.now(), self)
        if answer is None:
            return
        try:
            receipt = confirm_receipt(self.ctx, self.application_id, answer[0], answer[1])
        except ServiceError as exc:
            msgbox.warning(self, tr("无法确认"), str(exc))
            return
        self.changed = True
        self.load()
        msgbox.information(
            self, tr("已确认"), tr("收到申请之日为 {d}，答复期限已开始计算。").format(d=cn_date(receipt))
        )

"""The detail of one application: every recorded field, the running clocks with 如何计算, the timeline."""

from __future__ import annotations

from datetime import date, datetime
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

from app.domain.codes import EventKind, Outcome, Status
from app.domain.dates import cn_date, cn_date_weekday, cn_datetime
from app.domain.timeline import PAUSE_STARTS
from app.domain.workcalendar import WorkCalendar
from app.services.applications import (
    ApplicationDetail,
    EventView,
    confirm_receipt,
    edit_application,
    get_application,
    record_event,
)
from app.services.context import ServiceContext
from app.services.errors import ServiceError, ValidationError
from app.ui import msgbox
from app.ui.edit_dialog import EditDialog
from app.ui.event_dialog import EventDialog, open_pause_kinds


def tr(text: str) -> str:
    return QCoreApplication.translate("DetailDialog", text)


def _row(label: str, value: object) -> str:
    text = "" if value in (None, "") else str(value)
    return f'<tr><th width="104">{escape(label)}</th><td>{escape(text).replace(chr(10), "<br>") or "—"}</td></tr>'


def _last_start(d: ApplicationDetail, kind: EventKind) -> date:
    return max(e.day for e in d.events if e.kind is kind)


def _correction_deadline(d: ApplicationDetail) -> date | None:
    for e in reversed(d.events):
        if e.kind is EventKind.CORRECTION_REQUESTED:
            raw = e.data.get("deadline")
            return date.fromisoformat(raw) if isinstance(raw, str) else None
    return None


def event_summary(e: EventView) -> str:
    """What an event changed, in words: old → new for corrections of the record, the outcome of a reply …"""
    data = e.data
    if e.kind is EventKind.EDITED:
        changes = data.get("changes", {})
        return "；".join(f"{c['field']}：{c['old'] or '（空）'} → {c['new'] or '（空）'}" for c in changes.values())
    if e.kind is EventKind.DECIDED and data.get("outcome"):
        try:
            return Outcome(data["outcome"]).label
        except ValueError:
            return str(data["outcome"])
    if e.kind is EventKind.EXTENSION and data.get("days"):
        return f"延长 {data['days']} 个工作日"
    if e.kind is EventKind.CORRECTION_REQUESTED and data.get("deadline"):
        return f"补正期限 {data['deadline']}"
    if e.kind is EventKind.RECEIPT_CONFIRMED and data.get("with"):
        return str(data["with"])
    return ""


def render_detail_html(
    d: ApplicationDetail, days_left_text: str, cal: WorkCalendar | None = None, today: date | None = None
) -> str:
    """The application as an HTML page for QTextBrowser (fields, clocks, identity checks, timeline).

    Every running clock is listed (第三十条至第三十四条); a date in a year whose holiday schedule is not
    confirmed is marked 预估 (per date when ``cal`` is given, else whenever the clock is provisional).
    """
    dl = d.deadlines

    def when(day: date) -> str:
        text = cn_date_weekday(day)
        years = cal.unconfirmed_years_for(day) if cal is not None else ([day.year] if dl and dl.provisional else [])
        if years:
            text += f"（预估：{'、'.join(f'{y}年' for y in years)}放假安排未确认）"
        return text

    clocks: list[str] = []
    if d.status is Status.CLOSED:
        clocks.append(_row("办结日期", cn_date(d.closed_on) if d.closed_on else ""))
        clocks.append(_row("办理结果", d.outcome.label if d.outcome else ""))
        if dl is not None and dl.reply_due:
            clocks.append(_row("答复期限", when(dl.reply_due)))
    elif dl is not None:
        if d.status is Status.AWAITING_CONFIRMATION:
            clocks.append(_row("答复期限", "未起算：尚未确认收到申请"))
        elif dl.state == "suspended":
            paused = "、".join(
                f"{PAUSE_STARTS[k].label}（{cn_date(_last_start(d, k))}起）"
                for k in PAUSE_STARTS
                if k in open_pause_kinds(d)
            )
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
            deadline = _correction_deadline(d)
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
            if dl.fee_payment_due and EventKind.FEE_NOTICE_SENT in open_pause_kinds(d):
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
        f"<tr><td>{escape(c.subject)}</td><td>{escape(c.doc_type)}</td><td>{escape(c.doc_number)}</td>"
        f"<td>{'通过' if c.valid else '<span class=bad>未通过：' + escape(c.problems) + '</span>'}"
        f"{'<br>理由：' + escape(c.override_reason) if c.override_reason else ''}</td>"
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
        self.event_button = QPushButton(tr("记录办理事项…"))
        self.event_button.setObjectName("recordEvent")
        self.edit_button = QPushButton(tr("修改登记信息…"))
        self.edit_button.setObjectName("editApplication")
        close = QPushButton(tr("关闭"))
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.event_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.explain_toggle.toggled.connect(self._toggle_explanation)
        self.confirm_button.clicked.connect(self._confirm)
        self.event_button.clicked.connect(self.record_event)
        self.edit_button.clicked.connect(self.edit)
        close.clicked.connect(self.accept)
        self.load()

    def load(self) -> None:
        d = get_application(self.ctx, self.application_id)
        self.detail = d
        self.setWindowTitle(tr("申请详情 — {number}").format(number=d.reg_number))
        html = render_detail_html(d, days_left_text(d.days_left), self.ctx.calendar(), self.ctx.today())
        self.browser.setHtml(html)
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

    def edit(self) -> bool:
        """Correct the registration particulars; True when something changed."""
        answer = EditDialog.ask(self, self.detail)
        if answer is None:
            return False
        values, reason = answer
        try:
            n = edit_application(self.ctx, self.application_id, values, reason)
        except ServiceError as exc:
            msgbox.warning(self, tr("无法修改"), str(exc))
            return False
        if n:
            self.changed = True
            self.load()
        return bool(n)

    def record_event(self) -> bool:
        """Ask for one step of the procedure and record it through the service; True when recorded."""
        answer = EventDialog.ask(
            self,
            self.detail,
            today=self.ctx.today(),
            cal=self.ctx.calendar(),
            correction_days=self.ctx.int_setting("correction_period_days"),
        )
        if answer is None:
            return False
        kind, day, data, note = answer
        try:
            status = record_event(self.ctx, self.application_id, kind, day, data, note)
        except ValidationError as exc:
            msgbox.warning(self, tr("无法记录"), "\n".join(exc.problems))
            return False
        except ServiceError as exc:
            msgbox.warning(self, tr("无法记录"), str(exc))
            return False
        self.changed = True
        self.load()
        if kind is EventKind.DECIDED and status is Status.CLOSED:
            msgbox.information(self, tr("已办结"), tr("已记录答复，申请已办结。"))
        return True

"""记录办理事项: one dialog for every step that moves an application's legal clock.

Which steps are offered follows from where the application stands (its status and its open pauses):
补正 (第三十条), 征求第三方意见 (第三十二条), 征求其他机关意见 (第三十四条), 收费 (国办函〔2020〕109号),
延期答复 (第三十三条第二款), 作出答复 (第三十三条第一款; closes the application), and a plain 备注.
The dialog only collects the facts; ``app.services.applications.record_event`` checks and stores them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import EventKind, Outcome, Status
from app.domain.dates import cn_date_weekday
from app.domain.timeline import MAX_EXTENSION_DAYS, PAUSE_ENDS, PAUSE_STARTS
from app.domain.workcalendar import WorkCalendar
from app.services.applications import ApplicationDetail
from app.ui.widgets import ValueCombo

EventAnswer = tuple[EventKind, date, dict[str, Any], str]

#: What the clerk picks from, in the order of the procedure, with the label the combo shows.
ACTION_LABELS: dict[EventKind, str] = {
    EventKind.CORRECTION_REQUESTED: "发出补正告知（第三十条）",
    EventKind.CORRECTION_RECEIVED: "收到补正材料（答复期限重新计算）",
    EventKind.THIRD_PARTY_CONSULTATION_STARTED: "征求第三方意见（第三十二条，暂停计时）",
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: "第三方意见征询结束（恢复计时）",
    EventKind.AGENCY_CONSULTATION_STARTED: "征求其他机关意见（第三十四条，暂停计时）",
    EventKind.AGENCY_CONSULTATION_ENDED: "其他机关意见征询结束（恢复计时）",
    EventKind.FEE_NOTICE_SENT: "发出收费通知（暂停计时）",
    EventKind.FEE_PAID: "收到缴费（恢复计时）",
    EventKind.EXTENSION: "延期答复（第三十三条第二款）",
    EventKind.DECIDED: "作出答复（办结）",
    EventKind.NOTE: "备注",
}

CONSULTATION_ENDINGS: dict[EventKind, tuple[tuple[str, str], ...]] = {
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: (
        ("收到第三方意见", "answered"),
        ("第三方逾期未提出意见", "lapsed"),
    ),
    EventKind.AGENCY_CONSULTATION_ENDED: (
        ("收到其他机关意见", "answered"),
        ("其他机关逾期未提出意见，视为同意公开（第三十四条）", "lapsed"),
    ),
}


def tr(text: str) -> str:
    return QCoreApplication.translate("EventDialog", text)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def open_pause_kinds(detail: ApplicationDetail) -> set[EventKind]:
    """The pause-starting events that have no matching end yet (same pairing as app.domain.timeline)."""
    balance: Counter[EventKind] = Counter()
    start_of = {pause: kind for kind, pause in PAUSE_STARTS.items()}
    for e in detail.events:
        if e.kind in PAUSE_STARTS:
            balance[e.kind] += 1
        elif e.kind in PAUSE_ENDS:
            balance[start_of[PAUSE_ENDS[e.kind]]] -= 1
    return {k for k, n in balance.items() if n > 0}


def extension_used(detail: ApplicationDetail) -> int:
    """Working days of extension already recorded (at most 20 in total, 第三十三条第二款)."""
    return sum(int(e.data.get("days", 0)) for e in detail.events if e.kind is EventKind.EXTENSION)


def available_actions(detail: ApplicationDetail) -> list[EventKind]:
    """The steps that make sense now, given the status and the open pauses."""
    if detail.status in (Status.CLOSED, Status.AWAITING_CONFIRMATION):
        return [EventKind.NOTE]
    if detail.status is Status.AWAITING_CORRECTION:
        return [EventKind.CORRECTION_RECEIVED, EventKind.DECIDED, EventKind.NOTE]
    open_kinds = open_pause_kinds(detail)
    out: list[EventKind] = []
    if not any(e.kind is EventKind.CORRECTION_REQUESTED for e in detail.events):
        out.append(EventKind.CORRECTION_REQUESTED)  # 一次性告知 (第三十条): only once
    for start, end in (
        (EventKind.THIRD_PARTY_CONSULTATION_STARTED, EventKind.THIRD_PARTY_CONSULTATION_ENDED),
        (EventKind.AGENCY_CONSULTATION_STARTED, EventKind.AGENCY_CONSULTATION_ENDED),
        (EventKind.FEE_NOTICE_SENT, EventKind.FEE_PAID),
    ):
        out.append(end if start in open_kinds else start)
    if extension_used(detail) < MAX_EXTENSION_DAYS:
        out.append(EventKind.EXTENSION)
    out += [EventKind.DECIDED, EventKind.NOTE]
    return out


class EventDialog(QDialog):
    """Collect one timeline event; :meth:`ask` is the whole API (tests replace it)."""

    def __init__(
        self,
        detail: ApplicationDetail,
        today: date,
        cal: WorkCalendar | None = None,
        correction_days: int = 15,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.detail = detail
        self.today = today
        self.cal = cal
        self.correction_days = correction_days
        self.setWindowTitle(tr("记录办理事项 — {number}").format(number=detail.reg_number))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        head = QFormLayout()
        self.action = ValueCombo([(tr(ACTION_LABELS[k]), k) for k in available_actions(detail)], "eventKind")
        self.day = QDateEdit(_qdate(today))
        self.day.setObjectName("eventDate")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy年M月d日")
        self.day.setMaximumDate(_qdate(today))
        if detail.receipt_date is not None:
            self.day.setMinimumDate(_qdate(min(detail.receipt_date, today)))
        self.day_hint = QLabel()
        self.day_hint.setObjectName("dayHint")
        head.addRow(tr("办理事项"), self.action)
        head.addRow(tr("日期"), self.day)
        head.addRow("", self.day_hint)
        layout.addLayout(head)

        self.pages = QStackedWidget()
        self._page_index: dict[EventKind, int] = {}
        self._build_pages()
        layout.addWidget(self.pages)

        notes = QFormLayout()
        self.note = QPlainTextEdit()
        self.note.setObjectName("eventNote")
        self.note.setFixedHeight(64)
        notes.addRow(tr("说明"), self.note)
        layout.addLayout(notes)
        self.problem = QLabel()
        self.problem.setObjectName("eventProblem")
        self.problem.setStyleSheet("color:#a1170f")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.action.currentIndexChanged.connect(self._action_changed)
        self.day.dateChanged.connect(self._day_changed)
        self._action_changed()

    # ------------------------------------------------------------------------------------------ pages
    def _add_page(self, kinds: tuple[EventKind, ...], page: QWidget) -> None:
        index = self.pages.addWidget(page)
        for k in kinds:
            self._page_index[k] = index

    def _build_pages(self) -> None:
        dl = self.detail.deadlines
        empty = QWidget()
        self._add_page((EventKind.NOTE, EventKind.CORRECTION_RECEIVED, EventKind.FEE_PAID), empty)

        # 补正告知 (第三十条): the applicant's deadline to correct
        page = QWidget()
        form = QFormLayout(page)
        self.correction_deadline = QDateEdit()
        self.correction_deadline.setObjectName("correctionDeadline")
        self.correction_deadline.setCalendarPopup(True)
        self.correction_deadline.setDisplayFormat("yyyy年M月d日")
        form.addRow(tr("补正期限（申请人应在此日前补正）"), self.correction_deadline)
        due = dl.correction_notice_due if dl else None
        hint = QLabel(
            tr("补正告知应在收到申请之日起 7 个工作日内一次性发出，最迟 {d}。逾期不补正的视为放弃申请。").format(
                d=cn_date_weekday(due) if due else "—"
            )
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self._add_page((EventKind.CORRECTION_REQUESTED,), page)

        # 征求意见 (第三十二条、第三十四条): to whom; and how it ended
        page = QWidget()
        form = QFormLayout(page)
        self.party = QLineEdit()
        self.party.setObjectName("consultedParty")
        form.addRow(tr("征求对象"), self.party)
        hint = QLabel(
            tr("对方自收到征求意见书之日起 15 个工作日内提出意见；征求意见期间不计入答复期限（第三十三条第三款）。")
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self._add_page((EventKind.THIRD_PARTY_CONSULTATION_STARTED, EventKind.AGENCY_CONSULTATION_STARTED), page)

        page = QWidget()
        form = QFormLayout(page)
        self.ending = ValueCombo(name="consultationEnding")
        form.addRow(tr("结束方式"), self.ending)
        self._add_page((EventKind.THIRD_PARTY_CONSULTATION_ENDED, EventKind.AGENCY_CONSULTATION_ENDED), page)

        # 收费通知 (国办函〔2020〕109号)
        page = QWidget()
        form = QFormLayout(page)
        self.amount = QLineEdit()
        self.amount.setObjectName("feeAmount")
        self.amount.setPlaceholderText(tr("如：300元"))
        form.addRow(tr("收费金额"), self.amount)
        hint = QLabel(tr("自发出收费通知至申请人缴费的期间不计入答复期限；逾期未缴费的视为放弃申请。"))
        hint.setWordWrap(True)
        form.addRow(hint)
        self._add_page((EventKind.FEE_NOTICE_SENT,), page)

        # 延期答复 (第三十三条第二款)
        page = QWidget()
        form = QFormLayout(page)
        used = extension_used(self.detail)
        self.extension_days = QSpinBox()
        self.extension_days.setObjectName("extensionDays")
        self.extension_days.setRange(1, max(1, MAX_EXTENSION_DAYS - used))
        self.extension_days.setValue(max(1, MAX_EXTENSION_DAYS - used))
        self.extension_days.setSuffix(tr(" 个工作日"))
        self.approved_by = QLineEdit()
        self.approved_by.setObjectName("approvedBy")
        self.approved_by.setPlaceholderText(tr("政府信息公开工作机构负责人"))
        form.addRow(tr("延长期限"), self.extension_days)
        form.addRow(tr("批准人"), self.approved_by)
        latest = dl.unextended_due if dl else None
        text = tr("延长答复期限须经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过 20 个工作日。")
        if used:
            text += tr("已延期 {u} 个工作日，最多还可延长 {r} 个工作日。").format(u=used, r=MAX_EXTENSION_DAYS - used)
        if latest is not None:
            text += tr("告知申请人最迟：{d}（未延期时的答复期限）。").format(d=cn_date_weekday(latest))
        self.extension_hint = QLabel(text)
        self.extension_hint.setObjectName("extensionHint")
        self.extension_hint.setWordWrap(True)
        form.addRow(self.extension_hint)
        self._add_page((EventKind.EXTENSION,), page)

        # 作出答复: the outcome is one row of annual-report table 三
        page = QWidget()
        form = QFormLayout(page)
        self.outcome = ValueCombo([(o.label, o) for o in Outcome], "outcome")
        form.addRow(tr("办理结果"), self.outcome)
        hint = QLabel(tr("作出答复后申请即办结，办理结果计入年度报告表三。"))
        hint.setWordWrap(True)
        form.addRow(hint)
        self._add_page((EventKind.DECIDED,), page)

    # ------------------------------------------------------------------------------------------ behaviour
    def kind(self) -> EventKind:
        return self.action.value()

    def _action_changed(self) -> None:
        kind = self.kind()
        self.pages.setCurrentIndex(self._page_index[kind])
        if kind in CONSULTATION_ENDINGS:
            self.ending.set_items([(tr(label), value) for label, value in CONSULTATION_ENDINGS[kind]])
        if kind is EventKind.DECIDED and self.detail.status is Status.AWAITING_CORRECTION:
            self.outcome.set_value(Outcome.OTHER_NO_CORRECTION)
        elif kind is EventKind.DECIDED and EventKind.FEE_NOTICE_SENT in open_pause_kinds(self.detail):
            self.outcome.set_value(Outcome.OTHER_NO_FEE)
        self._day_changed()
        self.problem.clear()

    def _day_changed(self) -> None:
        day = _pydate(self.day.date())
        kind = self.kind()
        if kind is EventKind.CORRECTION_REQUESTED:
            self.correction_deadline.setMinimumDate(_qdate(day + timedelta(days=1)))
            if self.cal is not None:
                default = self.cal.add_working_days(day, self.correction_days)
            else:
                default = day + timedelta(days=self.correction_days)
            self.correction_deadline.setDate(_qdate(default))
        hint = ""
        if self.cal is not None and not self.cal.is_working_day(day):
            hint = tr("注意：{d}不是工作日").format(d=cn_date_weekday(day))
        self.day_hint.setText(hint)

    def problems(self) -> list[str]:
        """Why the entries cannot be recorded yet (Chinese); the service checks the timeline itself."""
        kind = self.kind()
        out: list[str] = []
        day = _pydate(self.day.date())
        if day > self.today:
            out.append(tr("日期不能晚于今天"))
        if kind is EventKind.EXTENSION:
            used = extension_used(self.detail)
            if used + self.extension_days.value() > MAX_EXTENSION_DAYS:
                out.append(
                    tr("延长答复期限合计不得超过 20 个工作日（第三十三条第二款），已延期 {u} 个工作日").format(u=used)
                )
        if kind is EventKind.CORRECTION_REQUESTED and _pydate(self.correction_deadline.date()) <= day:
            out.append(tr("补正期限应晚于补正告知发出之日"))
        if kind is EventKind.NOTE and not self.note.toPlainText().strip():
            out.append(tr("请填写备注内容"))
        return out

    def data(self) -> dict[str, Any]:
        kind = self.kind()
        if kind is EventKind.CORRECTION_REQUESTED:
            return {"deadline": _pydate(self.correction_deadline.date()).isoformat()}
        if kind in (EventKind.THIRD_PARTY_CONSULTATION_STARTED, EventKind.AGENCY_CONSULTATION_STARTED):
            party = self.party.text().strip()
            return {"party": party} if party else {}
        if kind in CONSULTATION_ENDINGS:
            return {"how": self.ending.value()}
        if kind is EventKind.FEE_NOTICE_SENT:
            amount = self.amount.text().strip()
            return {"amount": amount} if amount else {}
        if kind is EventKind.EXTENSION:
            out: dict[str, Any] = {"days": self.extension_days.value()}
            if self.approved_by.text().strip():
                out["approved_by"] = self.approved_by.text().strip()
            return out
        if kind is EventKind.DECIDED:
            return {"outcome": self.outcome.value().value}
        return {}

    def answer(self) -> EventAnswer:
        return self.kind(), _pydate(self.day.date()), self.data(), self.note.toPlainText().strip()

    def _accept_if_valid(self) -> None:
        problems = self.problems()
        if problems:
            self.problem.setText("\n".join(problems))
            return
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        detail: ApplicationDetail,
        *,
        today: date | None = None,
        cal: WorkCalendar | None = None,
        correction_days: int = 15,
    ) -> EventAnswer | None:
        """Show the dialog; the recorded (kind, date, data, note), or None when cancelled."""
        dialog = cls(detail, today or date.today(), cal, correction_days, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.answer()

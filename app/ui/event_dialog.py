"""记录办理事项: one dialog for every step that moves an application's legal clock, and for what follows the reply.

Which steps are offered follows from where the application stands (its status and its open pauses):
补正 (第三十条), 征求第三方意见 (第三十二条), 征求其他机关意见 (第三十四条), 收费 (国办函〔2020〕109号),
延期答复 (第三十三条第二款), 作出答复 (第三十三条第一款; closes the application), and a plain 备注. After the
reply: 送达, 行政复议 and 行政诉讼 (counted in table 四 of the annual report), and 备注.
The dialog only collects the facts; ``app.services.applications.record_event`` checks and stores them.

All fields sit in one form (one label column); the rows of the other steps are hidden, so the dialog is as
tall as the chosen step needs.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QRect, QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import EventKind, Outcome, Status
from app.domain.dates import cn_date, cn_date_weekday
from app.domain.timeline import MAX_EXTENSION_DAYS, PAUSE_ENDS, PAUSE_STARTS
from app.domain.workcalendar import WorkCalendar
from app.services.applications import ApplicationDetail
from app.ui.widgets import ValueCombo

EventAnswer = tuple[EventKind, date, dict[str, Any], str]

CONSULTATION_DAYS = 15  # 第三十二条、第三十四条
WARNING_STYLE = "color:#a1170f"
HINT_STYLE = "color:#555"

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
    EventKind.SERVED: "送达答复书",
    EventKind.RECONSIDERATION_FILED: "申请人申请行政复议",
    EventKind.RECONSIDERATION_DECIDED: "行政复议结果",
    EventKind.LITIGATION_FILED: "申请人提起行政诉讼",
    EventKind.LITIGATION_DECIDED: "行政诉讼结果",
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
CONSULTATION_STARTS: dict[EventKind, EventKind] = {
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: EventKind.THIRD_PARTY_CONSULTATION_STARTED,
    EventKind.AGENCY_CONSULTATION_ENDED: EventKind.AGENCY_CONSULTATION_STARTED,
}

#: 送达方式 (how the reply reached the applicant), stored as data["method"].
SERVICE_METHODS: tuple[tuple[str, str], ...] = (
    ("直接送达", "direct"),
    ("邮寄送达", "post"),
    ("电子送达", "electronic"),
    ("留置送达", "lodged"),
)
#: 行政复议 / 行政诉讼 results as table 四 counts them, stored as data["result"].
REMEDY_RESULTS: tuple[tuple[str, str], ...] = (("维持", "upheld"), ("纠正", "corrected"), ("其他结果", "other"))
LITIGATION_TYPES: tuple[tuple[str, str], ...] = (
    ("未经复议直接起诉", "direct"),
    ("复议后起诉", "after_reconsideration"),
)

#: The six groups of outcomes, as the headings of table 三 (report rows 三(一) … 三(六)).
OUTCOME_GROUPS: tuple[tuple[str, str], ...] = (
    ("三(一)", "予以公开"),
    ("三(二)", "部分公开"),
    ("三(三)", "不予公开"),
    ("三(四)", "无法提供"),
    ("三(五)", "不予处理"),
    ("三(六)", "其他处理"),
)


def tr(text: str) -> str:
    return QCoreApplication.translate("EventDialog", text)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class HintLabel(QLabel):
    """A wrapped hint exactly as tall as its lines at the width it gets (no empty band under it).

    Word wrap (set by :func:`_hint`) makes QLabel report height-for-width; only the height is corrected here.
    """

    def heightForWidth(self, width: int) -> int:
        if not self.text():
            return 0
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
        return self.fontMetrics().boundingRect(QRect(0, 0, max(width, 1), 10_000), flags, self.text()).height() + 2

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(self.width() if self.width() > 50 else 520))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())


def _hint(text: str = "", name: str = "", style: str = HINT_STYLE) -> QLabel:
    label = HintLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    if name:
        label.setObjectName(name)
    return label


def outcome_group(outcome: Outcome) -> str:
    """The table-三 heading an outcome is counted under (予以公开 … 其他处理)."""
    row = outcome.info.report_row
    return next(name for prefix, name in OUTCOME_GROUPS if row.startswith(prefix))


def outcome_case_label(outcome: Outcome) -> str:
    """The outcome within its group: the short label without the group (国家秘密), or the group itself."""
    short = outcome.label
    return short.split("-", 1)[1] if "-" in short else short


def cite(basis: str) -> str:
    """第十四条、第三十六条第（三）项 → 《条例》第十四条、第三十六条第（三）项."""
    if not basis:
        return tr("由本机关根据具体情况确定")
    return "《条例》" + basis if basis.startswith("第") else basis


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


def open_pause_start(detail: ApplicationDetail, start_kind: EventKind) -> date | None:
    """Start of the earliest open pause of *start_kind*: the one an end event closes (app.domain.timeline)."""
    starts: list[date] = []
    end_kind = next(end for end, pause in PAUSE_ENDS.items() if pause is PAUSE_STARTS[start_kind])
    for e in sorted(detail.events, key=lambda e: e.day):
        if e.kind is start_kind:
            starts.append(e.day)
        elif e.kind is end_kind and starts:
            starts.pop(0)
    return starts[0] if starts else None


def consultation_lapse(detail: ApplicationDetail, end_kind: EventKind, cal: WorkCalendar | None) -> date | None:
    """The day the open consultation lapses: the 15th working day after it started (第三十二条、第三十四条)."""
    start = open_pause_start(detail, CONSULTATION_STARTS[end_kind])
    if start is None:
        return None
    pause_kind = PAUSE_ENDS[end_kind]
    for pause, due in detail.deadlines.consultation_dues if detail.deadlines else ():
        if pause.kind is pause_kind and pause.start == start and pause.end is None:
            return due
    return cal.add_working_days(start, CONSULTATION_DAYS) if cal is not None else None


def correction_deadline_of(detail: ApplicationDetail) -> date | None:
    """The applicant's deadline of the correction notice still awaiting an answer (第三十条)."""
    pending: list[date | None] = []
    for e in sorted(detail.events, key=lambda e: e.day):
        if e.kind is EventKind.CORRECTION_REQUESTED:
            raw = e.data.get("deadline")
            pending.append(date.fromisoformat(raw) if isinstance(raw, str) else raw)
        elif e.kind is EventKind.CORRECTION_RECEIVED and pending:
            pending.pop(0)
    return pending[-1] if pending else None


def extension_used(detail: ApplicationDetail) -> int:
    """Working days of extension already recorded (at most 20 in total, 第三十三条第二款)."""
    return sum(int(e.data.get("days", 0)) for e in detail.events if e.kind is EventKind.EXTENSION)


def _pending_remedy(detail: ApplicationDetail, filed: EventKind, decided: EventKind) -> bool:
    """A 行政复议 / 行政诉讼 was filed and has no result yet (a ledger import may carry the result on the filing)."""
    open_cases = sum(1 for e in detail.events if e.kind is filed and not e.data.get("result"))
    return open_cases > sum(1 for e in detail.events if e.kind is decided)


def available_actions(detail: ApplicationDetail) -> list[EventKind]:
    """The steps that make sense now, given the status and the open pauses."""
    if detail.status is Status.CLOSED:
        out = [EventKind.SERVED, EventKind.RECONSIDERATION_FILED]
        if _pending_remedy(detail, EventKind.RECONSIDERATION_FILED, EventKind.RECONSIDERATION_DECIDED):
            out.append(EventKind.RECONSIDERATION_DECIDED)
        out.append(EventKind.LITIGATION_FILED)
        if _pending_remedy(detail, EventKind.LITIGATION_FILED, EventKind.LITIGATION_DECIDED):
            out.append(EventKind.LITIGATION_DECIDED)
        return [*out, EventKind.NOTE]
    if detail.status is Status.AWAITING_CONFIRMATION:
        return [EventKind.NOTE]
    if detail.status is Status.AWAITING_CORRECTION:
        return [EventKind.CORRECTION_RECEIVED, EventKind.DECIDED, EventKind.NOTE]
    open_kinds = open_pause_kinds(detail)
    out = []
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


def likely_outcome(detail: ApplicationDetail, today: date) -> Outcome | None:
    """The outcome to propose: 逾期不补正 / 逾期未缴费 only once the applicant's deadline has passed."""
    if detail.status is Status.AWAITING_CORRECTION:
        deadline = correction_deadline_of(detail)
        if deadline is not None and today > deadline:
            return Outcome.OTHER_NO_CORRECTION
    elif EventKind.FEE_NOTICE_SENT in open_pause_kinds(detail):
        due = detail.deadlines.fee_payment_due if detail.deadlines else None
        if due is not None and today > due:
            return Outcome.OTHER_NO_FEE
    return None


class OutcomePicker(QWidget):
    """作出答复: the group (a heading of table 三) and, where the group has several rows, the case within it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = ValueCombo(
            [(tr("（请选择）"), None)] + [(tr(name), name) for _prefix, name in OUTCOME_GROUPS], "outcomeGroup"
        )
        self.case = ValueCombo(name="outcomeCase")
        row.addWidget(self.group)
        row.addWidget(self.case, 1)
        self.group.currentIndexChanged.connect(self._group_changed)
        self._group_changed()

    def _group_changed(self) -> None:
        name = self.group.value()
        members = [o for o in Outcome if name is not None and outcome_group(o) == name]
        self.case.set_items([(tr(outcome_case_label(o)), o) for o in members])
        self.case.setVisible(len(members) > 1)

    def value(self) -> Outcome | None:
        return self.case.value() if self.group.value() is not None else None

    def values(self) -> list[Outcome]:
        return list(Outcome)

    def set_value(self, outcome: Outcome | None) -> None:
        if outcome is None:
            self.group.setCurrentIndex(0)
            return
        self.group.set_value(outcome_group(outcome))
        self.case.set_value(outcome)


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
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        #: per-action rows: field widget → the actions that show it
        self._rows: dict[QWidget, frozenset[EventKind]] = {}

        self.action = ValueCombo([(tr(ACTION_LABELS[k]), k) for k in available_actions(detail)], "eventKind")
        self.form.addRow(tr("办理事项"), self.action)
        self.day = self._date_edit("eventDate", today)
        self.day.setMaximumDate(_qdate(today))
        if detail.receipt_date is not None:
            self.day.setMinimumDate(_qdate(min(detail.receipt_date, today)))
        self.form.addRow(tr("日期"), self.day)
        self.day_hint = _hint(name="dayHint")
        self.form.addRow("", self.day_hint)
        self._build_rows()
        self.note = QPlainTextEdit()
        self.note.setObjectName("eventNote")
        self.note.setFixedHeight(64)
        self.form.addRow(tr("说明"), self.note)

        self.problem = _hint(name="eventProblem", style=WARNING_STYLE)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.action.currentIndexChanged.connect(self._action_changed)
        self.day.dateChanged.connect(self._day_changed)
        self.ending.currentIndexChanged.connect(self._ending_changed)
        # after the picker's own handler has refilled the cases (emitting Qt signals from Python crashes PySide)
        self.outcome.group.currentIndexChanged.connect(self._outcome_changed)
        self.outcome.case.currentIndexChanged.connect(self._outcome_changed)
        self._action_changed()

    # ------------------------------------------------------------------------------------------ building
    @staticmethod
    def _date_edit(name: str, d: date | None = None) -> QDateEdit:
        edit = QDateEdit(_qdate(d)) if d else QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy年M月d日")
        return edit

    def _row(self, kinds: tuple[EventKind, ...], label: str, field: QWidget) -> None:
        self.form.addRow(label, field)
        self._rows[field] = frozenset(kinds)

    def _build_rows(self) -> None:
        dl = self.detail.deadlines
        K = EventKind

        # 补正告知 (第三十条): the applicant's deadline to correct
        self.correction_deadline = self._date_edit("correctionDeadline")
        self._row((K.CORRECTION_REQUESTED,), tr("补正期限"), self.correction_deadline)
        due = dl.correction_notice_due if dl else None
        self.correction_hint = _hint(
            tr(
                "申请人应在补正期限前补正，逾期不补正的视为放弃申请。"
                "补正告知应在收到申请之日起 7 个工作日内一次性发出，最迟 {d}。"
            ).format(d=cn_date_weekday(due) if due else "—"),
            "correctionHint",
        )
        self._row((K.CORRECTION_REQUESTED,), "", self.correction_hint)
        self.late_notice = _hint(name="lateNotice", style=WARNING_STYLE)
        self._row((K.CORRECTION_REQUESTED,), "", self.late_notice)

        # 征求意见 (第三十二条、第三十四条): to whom; and how it ended
        starts = (K.THIRD_PARTY_CONSULTATION_STARTED, K.AGENCY_CONSULTATION_STARTED)
        self.party = QLineEdit()
        self.party.setObjectName("consultedParty")
        self._row(starts, tr("征求对象"), self.party)
        self._row(
            starts,
            "",
            _hint(
                tr("对方自收到征求意见书之日起 15 个工作日内提出意见；征求意见期间不计入答复期限（第三十三条第三款）。")
            ),
        )
        ends = tuple(CONSULTATION_ENDINGS)
        self.ending = ValueCombo(name="consultationEnding")
        self._row(ends, tr("结束方式"), self.ending)
        self.ending_hint = _hint(name="endingHint")
        self._row(ends, "", self.ending_hint)

        # 收费通知 (国办函〔2020〕109号)
        self.amount = QLineEdit()
        self.amount.setObjectName("feeAmount")
        self.amount.setPlaceholderText(tr("如：300元"))
        self._row((K.FEE_NOTICE_SENT,), tr("收费金额"), self.amount)
        self._row(
            (K.FEE_NOTICE_SENT,),
            "",
            _hint(tr("自发出收费通知至申请人缴费的期间不计入答复期限；逾期未缴费的视为放弃申请。")),
        )

        # 延期答复 (第三十三条第二款)
        used = extension_used(self.detail)
        self.extension_days = QSpinBox()
        self.extension_days.setObjectName("extensionDays")
        self.extension_days.setRange(1, max(1, MAX_EXTENSION_DAYS - used))
        self.extension_days.setValue(max(1, MAX_EXTENSION_DAYS - used))
        self.extension_days.setSuffix(tr(" 个工作日"))
        self.approved_by = QLineEdit()
        self.approved_by.setObjectName("approvedBy")
        self.approved_by.setPlaceholderText(tr("政府信息公开工作机构负责人"))
        self._row((K.EXTENSION,), tr("延长期限"), self.extension_days)
        self._row((K.EXTENSION,), tr("批准人"), self.approved_by)
        latest = dl.unextended_due if dl else None
        text = tr("延长答复期限须经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过 20 个工作日。")
        if used:
            text += tr("已延期 {u} 个工作日，最多还可延长 {r} 个工作日。").format(u=used, r=MAX_EXTENSION_DAYS - used)
        if latest is not None:
            text += tr("告知申请人最迟：{d}（未延期时的答复期限）。").format(d=cn_date_weekday(latest))
        self.extension_hint = _hint(text, "extensionHint")
        self._row((K.EXTENSION,), "", self.extension_hint)

        # 作出答复: the outcome is one row of annual-report table 三
        self.outcome = OutcomePicker()
        self._row((K.DECIDED,), tr("办理结果"), self.outcome)
        self.outcome_info = _hint(name="outcomeInfo")
        self._row((K.DECIDED,), "", self.outcome_info)
        self.document_number = QLineEdit()
        self.document_number.setObjectName("documentNumber")
        self.document_number.setPlaceholderText(tr("选填，如：〔2026〕3号"))
        self._row((K.DECIDED,), tr("答复书文号"), self.document_number)

        # 送达 (after the reply)
        self.service_method = ValueCombo([(tr(label), v) for label, v in SERVICE_METHODS], "serviceMethod")
        self._row((K.SERVED,), tr("送达方式"), self.service_method)
        self.served_document = QLineEdit()
        self.served_document.setObjectName("servedDocument")
        self.served_document.setPlaceholderText(tr("如：政府信息公开申请答复书〔2026〕3号"))
        self._row((K.SERVED,), tr("送达文书"), self.served_document)

        # 行政复议、行政诉讼 (table 四 of the annual report)
        self.litigation_type = ValueCombo([(tr(label), v) for label, v in LITIGATION_TYPES], "litigationType")
        self._row((K.LITIGATION_FILED,), tr("起诉方式"), self.litigation_type)
        if any(e.kind is K.RECONSIDERATION_FILED for e in self.detail.events):
            self.litigation_type.set_value("after_reconsideration")
        self.remedy_result = ValueCombo([(tr(label), v) for label, v in REMEDY_RESULTS], "remedyResult")
        self._row((K.RECONSIDERATION_DECIDED, K.LITIGATION_DECIDED), tr("结果"), self.remedy_result)
        self.remedy_hint = _hint(tr("计入年度报告表四（政府信息公开行政复议、行政诉讼情况）。"))
        self._row(
            (K.RECONSIDERATION_FILED, K.LITIGATION_FILED, K.RECONSIDERATION_DECIDED, K.LITIGATION_DECIDED),
            "",
            self.remedy_hint,
        )

    # ------------------------------------------------------------------------------------------ behaviour
    def kind(self) -> EventKind:
        return self.action.value()

    def _action_changed(self) -> None:
        kind = self.kind()
        for field, kinds in self._rows.items():
            self.form.setRowVisible(field, kind in kinds)
        if kind in CONSULTATION_ENDINGS:
            self.ending.set_items([(tr(label), value) for label, value in CONSULTATION_ENDINGS[kind]])
        if kind is EventKind.DECIDED:
            self.outcome.set_value(likely_outcome(self.detail, self.today))
        self.day.setMaximumDate(_qdate(self.today))
        self.day.setDate(_qdate(self.today))  # not a date another step (a lapse) proposed
        self._ending_changed()
        self.problem.clear()
        self._fit_height()

    def _fit_height(self) -> None:
        """Shrink to the rows shown (hidden rows leave no gap); the clerk's chosen width stays."""
        layout = self.layout()
        width = max(self.width(), self.minimumWidth())
        for _ in range(2):  # wrapped hints know their height only once laid out at the real width
            layout.activate()
            height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
            self.resize(width, height if height > 0 else self.sizeHint().height())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_height()

    def lapse_date(self) -> date | None:
        kind = self.kind()
        return consultation_lapse(self.detail, kind, self.cal) if kind in CONSULTATION_ENDINGS else None

    def _lapsed_chosen(self) -> bool:
        return self.kind() in CONSULTATION_ENDINGS and self.ending.value() == "lapsed"

    def _ending_changed(self) -> None:
        """逾期未提出意见: the pause ends on the day the period lapsed, so that day is the default and the latest."""
        latest = self.today
        hint = ""
        if self._lapsed_chosen():
            lapse = self.lapse_date()
            if lapse is not None:
                latest = min(lapse, self.today)
                hint = tr(
                    "征询期限为自发出征求意见之日起 15 个工作日，于{d}届满。"
                    "暂停计时止于期限届满之日（暂停期间按 (开始, 结束] 计算），日期不能晚于该日。"
                ).format(d=cn_date_weekday(lapse))
                if lapse > self.today:
                    hint += tr("征询期限尚未届满，不能按逾期未提出意见结束。")
            self.day.setMaximumDate(_qdate(latest))
            self.day.setDate(_qdate(latest))
        elif self.kind() in CONSULTATION_ENDINGS:
            hint = tr("日期为收到意见之日。")
            self.day.setMaximumDate(_qdate(self.today))
            self.day.setDate(_qdate(self.today))
        else:
            self.day.setMaximumDate(_qdate(self.today))
        self.ending_hint.setText(hint)
        self._day_changed()

    def _outcome_changed(self) -> None:
        outcome = self.outcome.value()
        if outcome is None:
            self.outcome_info.setText(tr("请选择办理结果；作出答复后申请即办结，办理结果计入年度报告表三。"))
            return
        info = outcome.info
        self.outcome_info.setText(
            tr("计入年度报告：{row}　{official}\n依据：{basis}").format(
                row=info.report_row, official=info.official_label, basis=cite(info.legal_basis)
            )
        )

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
            due = self.detail.deadlines.correction_notice_due if self.detail.deadlines else None
            late = ""
            if due is not None and day > due:
                late = tr(
                    "已超过补正告知期限（收到申请之日起 7 个工作日，最迟 {d}，第三十条）。"
                    "逾期告知属于本机关的程序瑕疵，请在说明中写明原因；补正规则仍然适用，可以记录。"
                ).format(d=cn_date_weekday(due))
            self.late_notice.setText(late)
            self.form.setRowVisible(self.late_notice, bool(late))
        hint = ""
        if self.cal is not None and not self.cal.is_working_day(day):
            hint = tr("注意：{d}不是工作日").format(d=cn_date_weekday(day))
        self.day_hint.setText(hint)
        self.form.setRowVisible(self.day_hint, bool(hint))

    def problems(self) -> list[str]:
        """Why the entries cannot be recorded yet (Chinese); the service checks the timeline itself."""
        kind = self.kind()
        out: list[str] = []
        day = _pydate(self.day.date())
        if day > self.today:
            out.append(tr("日期不能晚于今天"))
        if self._lapsed_chosen():
            lapse = self.lapse_date()
            if lapse is not None and lapse > self.today:
                out.append(tr("征询期限至{d}届满，尚未届满，不能按逾期未提出意见结束").format(d=cn_date(lapse)))
            elif lapse is not None and day > lapse:
                out.append(
                    tr("逾期未提出意见的，结束日期为征询期限届满之日 {d}，不能晚于该日").format(d=cn_date(lapse))
                )
        if kind is EventKind.EXTENSION:
            used = extension_used(self.detail)
            if used + self.extension_days.value() > MAX_EXTENSION_DAYS:
                out.append(
                    tr("延长答复期限合计不得超过 20 个工作日（第三十三条第二款），已延期 {u} 个工作日").format(u=used)
                )
        if kind is EventKind.CORRECTION_REQUESTED and _pydate(self.correction_deadline.date()) <= day:
            out.append(tr("补正期限应晚于补正告知发出之日"))
        if kind is EventKind.DECIDED and self.outcome.value() is None:
            out.append(tr("请选择办理结果"))
        closed = self.detail.closed_on
        if kind is EventKind.SERVED and closed is not None and day < closed:
            out.append(tr("送达日期不能早于作出答复之日 {d}").format(d=cn_date(closed)))
        if kind is EventKind.NOTE and not self.note.toPlainText().strip():
            out.append(tr("请填写备注内容"))
        return out

    def data(self) -> dict[str, Any]:
        kind = self.kind()
        K = EventKind
        if kind is K.CORRECTION_REQUESTED:
            return {"deadline": _pydate(self.correction_deadline.date()).isoformat()}
        if kind in (K.THIRD_PARTY_CONSULTATION_STARTED, K.AGENCY_CONSULTATION_STARTED):
            party = self.party.text().strip()
            return {"party": party} if party else {}
        if kind in CONSULTATION_ENDINGS:
            return {"how": self.ending.value()}
        if kind is K.FEE_NOTICE_SENT:
            amount = self.amount.text().strip()
            return {"amount": amount} if amount else {}
        if kind is K.EXTENSION:
            out: dict[str, Any] = {"days": self.extension_days.value()}
            if self.approved_by.text().strip():
                out["approved_by"] = self.approved_by.text().strip()
            return out
        if kind is K.DECIDED:
            outcome = self.outcome.value()
            out = {"outcome": outcome.value if outcome else None}
            if self.document_number.text().strip():
                out["document_number"] = self.document_number.text().strip()
            return out
        if kind is K.SERVED:
            out = {"method": self.service_method.value()}
            if self.served_document.text().strip():
                out["document"] = self.served_document.text().strip()
            return out
        if kind is K.LITIGATION_FILED:
            return {"type": self.litigation_type.value()}
        if kind in (K.RECONSIDERATION_DECIDED, K.LITIGATION_DECIDED):
            return {"result": self.remedy_result.value()}
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

"""记录办理事项: one dialog for every step that moves an application's legal clock, and for what follows the reply.

Which steps are offered follows from where the application stands (its status and its open pauses):
补正 (第三十条), 征求第三方意见 (第三十二条), 征求其他机关意见 (第三十四条), 收费 (国办函〔2020〕109号),
延期答复 (第三十三条第二款), 作出答复 (第三十三条第一款; closes the application), and a plain 备注. After the
reply: 送达, 行政复议 and 行政诉讼 (counted in table 四 of the annual report), and 备注.
It holds no rule of its own: which steps are offered, why the others are not, and whether the entries may be
recorded are asked of :mod:`app.domain.procedure` (``allowed_steps`` / ``check_step``), the same functions
``app.services.applications.record_event`` uses to refuse. The dialog returns a typed payload.

All fields sit in one form (one label column); the rows of the other steps are hidden, so the dialog is as
tall as the chosen step needs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, QDate, QRect, QSize, Qt
from PySide6.QtGui import QShowEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import procedure as P
from app.domain.codes import EventKind, Outcome
from app.domain.dates import cn_date_weekday
from app.domain.deadlines import CONSULTATION_DAYS
from app.domain.fees import FeeQuote, FeeScheme, describe, quote
from app.domain.procedure import PAUSE_ENDS, StepOption
from app.domain.workcalendar import WorkCalendar
from app.services.applications import ApplicationDetail
from app.ui.date_input import DateEdit
from app.ui.fit import available_size
from app.ui.widgets import ValueCombo

EventAnswer = tuple[EventKind, date, P.Payload, str]
#: (scheme, pages or None, waived, waiver reason) → the quote for this application (the detail view asks the service)
FeeQuoter = Callable[[FeeScheme, int | None, bool, str], FeeQuote]

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
    EventKind.WITHDRAWN: "申请人撤回申请（办结）",
    EventKind.SERVED: "送达答复书",
    EventKind.RECONSIDERATION_FILED: "申请人申请行政复议",
    EventKind.RECONSIDERATION_DECIDED: "行政复议结果",
    EventKind.LITIGATION_FILED: "申请人提起行政诉讼",
    EventKind.LITIGATION_DECIDED: "行政诉讼结果",
    EventKind.NOTE: "备注",
}
assert set(ACTION_LABELS) == set(P.DIALOG_STEPS)

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


def _option_tooltip(option: StepOption) -> str:
    return option.reason if not option.allowed else ""


class EventDialog(QDialog):
    """Collect one step of the procedure; :meth:`ask` is the whole API (tests replace it)."""

    def __init__(
        self,
        detail: ApplicationDetail,
        today: date,
        cal: WorkCalendar | None = None,
        correction_days: int = 15,
        parent: QWidget | None = None,
        *,
        fee_quoter: FeeQuoter | None = None,
        repeats_text: str = "",
    ) -> None:
        super().__init__(parent)
        assert detail.situation is not None, "the detail must carry its situation (get_application)"
        self.detail = detail
        self.sit = detail.situation
        self.today = today
        self.cal = cal
        self.correction_days = correction_days
        self.fee_quoter = fee_quoter
        self.options = P.allowed_steps(self.sit, today, P.DIALOG_STEPS)
        self.setWindowTitle(tr("记录办理事项 — {number}").format(number=detail.reg_number))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        #: per-action rows: field widget → the actions that show it
        self._rows: dict[QWidget, frozenset[EventKind]] = {}

        self.action = ValueCombo([(tr(ACTION_LABELS[o.kind]), o.kind) for o in self.options], "eventKind")
        model = self.action.model()
        assert isinstance(model, QStandardItemModel)
        for i, option in enumerate(self.options):  # refused steps stay visible, greyed, with the domain's reason
            item = model.item(i)
            item.setEnabled(option.allowed)
            item.setToolTip(_option_tooltip(option))
        first = next((i for i, o in enumerate(self.options) if o.allowed), 0)
        self.action.setCurrentIndex(first)
        self.form.addRow(tr("办理事项"), self.action)
        self.why_toggle = QToolButton()
        self.why_toggle.setObjectName("whyNotToggle")
        self.why_toggle.setCheckable(True)
        self.why_toggle.setAutoRaise(True)
        self.why_toggle.setText(tr("其他事项为何不可记录 ▸"))
        self.why_not = _hint(
            "\n".join(f"· {ACTION_LABELS[o.kind]}：{o.reason}" for o in self.options if not o.allowed), "whyNot"
        )
        self.why_not.setVisible(False)
        self.form.addRow("", self.why_toggle)
        self.form.addRow("", self.why_not)
        self.why_toggle.toggled.connect(self._toggle_why)
        self.day = self._date_edit("eventDate", today)
        self.day.setMaximumDate(_qdate(today))
        self.day.setMinimumDate(_qdate(min(self.sit.registered_on, today)))
        self.form.addRow(tr("日期"), self.day)
        self.day_hint = _hint(name="dayHint")
        self.form.addRow("", self.day_hint)
        self.repeats_text = repeats_text
        self._build_rows()
        self.note = QPlainTextEdit()
        self.note.setObjectName("eventNote")
        self.note.setTabChangesFocus(True)
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
        for widget in (self.fee_scheme, self.fee_waived):
            (widget.currentIndexChanged if widget is self.fee_scheme else widget.toggled).connect(self._fee_changed)
        self.fee_pages.valueChanged.connect(self._fee_changed)
        self.fee_waiver_reason.textChanged.connect(self._fee_changed)
        self._action_changed()

    def offered(self) -> list[EventKind]:
        """The steps the clerk can pick (exactly what the domain allows)."""
        return [o.kind for o in self.options if o.allowed]

    def _toggle_why(self, on: bool) -> None:
        self.why_not.setVisible(on)
        self.why_toggle.setText(tr("其他事项为何不可记录 ▾") if on else tr("其他事项为何不可记录 ▸"))
        self._fit_height()

    # ------------------------------------------------------------------------------------------ building
    @staticmethod
    def _date_edit(name: str, d: date | None = None) -> QDateEdit:
        edit = DateEdit(_qdate(d)) if d else DateEdit()
        edit.setObjectName(name)
        return edit

    def _row(self, kinds: tuple[EventKind, ...], label: str, field: QWidget) -> None:
        self.form.addRow(label, field)
        self._rows[field] = frozenset(kinds)

    def _build_rows(self) -> None:
        dl = self.sit.deadlines
        K = EventKind

        # 补正告知 (第三十条): what to correct and the applicant's deadline
        self.correction_items = QPlainTextEdit()
        self.correction_items.setObjectName("correctionItems")
        self.correction_items.setTabChangesFocus(True)
        self.correction_items.setFixedHeight(54)
        self.correction_items.setPlaceholderText(tr("一次性写明需要补正的事项，如：所需信息的名称、文号或其他特征描述"))
        self._row((K.CORRECTION_REQUESTED,), tr("补正事项"), self.correction_items)
        self.correction_deadline = self._date_edit("correctionDeadline")
        self._row((K.CORRECTION_REQUESTED,), tr("补正期限"), self.correction_deadline)
        due = dl.correction_notice_due
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
        ends = tuple(PAUSE_ENDS)[:2]
        self.ending = ValueCombo(name="consultationEnding")
        self._row(ends, tr("结束方式"), self.ending)
        self.ending_hint = _hint(name="endingHint")
        self._row(ends, "", self.ending_hint)

        # 收费通知 (第四十二条, 国办函〔2020〕109号): the calculator
        self.fee_scheme = ValueCombo(
            [
                (tr("按件计收（本申请人本自然月第几件）"), FeeScheme.PER_APPLICATION),
                (tr("按量计收（按页数）"), FeeScheme.PER_PAGE),
            ],
            "feeScheme",
        )
        self._row((K.FEE_NOTICE_SENT,), tr("计费方式"), self.fee_scheme)
        self.fee_pages = QSpinBox()
        self.fee_pages.setObjectName("feePages")
        self.fee_pages.setRange(1, 1_000_000)
        self.fee_pages.setValue(31)
        self.fee_pages.setSuffix(tr(" 页"))
        self._row((K.FEE_NOTICE_SENT,), tr("页数"), self.fee_pages)
        self.fee_waived = QCheckBox(tr("减免收费"))
        self.fee_waived.setObjectName("feeWaived")
        self._row((K.FEE_NOTICE_SENT,), "", self.fee_waived)
        self.fee_waiver_reason = QLineEdit()
        self.fee_waiver_reason.setObjectName("feeWaiverReason")
        self.fee_waiver_reason.setPlaceholderText(tr("如：申请人为低保对象，确有经济困难"))
        self._row((K.FEE_NOTICE_SENT,), tr("减免理由"), self.fee_waiver_reason)
        self.fee_quote_text = _hint(name="feeQuote")
        self._row((K.FEE_NOTICE_SENT,), tr("计算结果"), self.fee_quote_text)
        self._fee: FeeQuote | None = None
        self._fee_error = ""

        # 延期答复 (第三十三条第二款)
        used = self.sit.extension_used
        self.extension_days = QSpinBox()
        self.extension_days.setObjectName("extensionDays")
        self.extension_days.setRange(1, max(1, self.sit.extension_left))
        self.extension_days.setValue(max(1, self.sit.extension_left))
        self.extension_days.setSuffix(tr(" 个工作日"))
        self.approved_by = QLineEdit()
        self.approved_by.setObjectName("approvedBy")
        self.approved_by.setPlaceholderText(tr("政府信息公开工作机构负责人"))
        self._row((K.EXTENSION,), tr("延长期限"), self.extension_days)
        self._row((K.EXTENSION,), tr("批准人"), self.approved_by)
        latest = dl.unextended_due
        text = tr("延长答复期限须经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过 20 个工作日。")
        if used:
            text += tr("已延期 {u} 个工作日，最多还可延长 {r} 个工作日。").format(u=used, r=self.sit.extension_left)
        if latest is not None:
            text += tr("告知申请人最迟：{d}（未延期时的答复期限）。").format(d=cn_date_weekday(latest))
        self.extension_hint = _hint(text, "extensionHint")
        self._row((K.EXTENSION,), "", self.extension_hint)

        # 作出答复: the outcome is one row of annual-report table 三
        self.outcome = OutcomePicker()
        self._row((K.DECIDED,), tr("办理结果"), self.outcome)
        self.outcome_info = _hint(name="outcomeInfo")
        self._row((K.DECIDED,), "", self.outcome_info)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("decisionReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(54)
        self.reason.setPlaceholderText(tr("答复书中说明的理由，如部分公开时不予公开的部分及理由"))
        self._row((K.DECIDED,), tr("理由"), self.reason)
        self.holder = QLineEdit()
        self.holder.setObjectName("holderAgency")
        self.holder.setPlaceholderText(tr("能够确定的，写明负责公开该信息的行政机关名称及联系方式"))
        self._row((K.DECIDED,), tr("信息掌握机关"), self.holder)
        self.document_number = QLineEdit()
        self.document_number.setObjectName("documentNumber")
        self.document_number.setPlaceholderText(tr("选填，如：〔2026〕3号"))
        self._row((K.DECIDED,), tr("答复书文号"), self.document_number)
        self.repeats_hint = _hint(self.repeats_text, "repeatsHint", WARNING_STYLE)
        self._row((K.DECIDED,), "", self.repeats_hint)

        # 撤回申请 (closes as 其他处理-其他, table 三(六)3)
        self.withdrawal = ValueCombo([(tr(m.label), m) for m in P.WithdrawalMethod], "withdrawalMethod")
        self._row((K.WITHDRAWN,), tr("撤回方式"), self.withdrawal)
        self._row(
            (K.WITHDRAWN,),
            "",
            _hint(
                tr(
                    "撤回后申请即办结，计入年度报告表三“（六）其他处理 — 3.其他”。"
                    "请保留申请人的撤回材料（可作为附件）。"
                )
            ),
        )

        # 送达 (after the reply)
        self.service_method = ValueCombo([(tr(m.label), m) for m in P.ServiceMethod], "serviceMethod")
        self._row((K.SERVED,), tr("送达方式"), self.service_method)
        self.served_document = QLineEdit()
        self.served_document.setObjectName("servedDocument")
        self.served_document.setPlaceholderText(tr("如：政府信息公开申请答复书〔2026〕3号"))
        self._row((K.SERVED,), tr("送达文书"), self.served_document)

        # 行政复议、行政诉讼 (table 四 of the annual report)
        self.litigation_type = ValueCombo([(tr(t.label), t) for t in P.LitigationType], "litigationType")
        self._row((K.LITIGATION_FILED,), tr("起诉方式"), self.litigation_type)
        if self.sit.reconsideration_filed:
            self.litigation_type.set_value(P.LitigationType.AFTER_RECONSIDERATION)
        self.remedy_result = ValueCombo([(tr(r.label), r) for r in P.RemedyResult], "remedyResult")
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
        if kind in PAUSE_ENDS and PAUSE_ENDS[kind].is_consultation:
            self.ending.set_items([(tr(e.label_for(kind)), e) for e in P.ConsultationEnding])
        if kind is EventKind.DECIDED:
            self.outcome.set_value(self.sit.likely_outcome(self.today))
            self.form.setRowVisible(self.repeats_hint, bool(self.repeats_text))
        self.day.setMaximumDate(_qdate(self.today))
        self.day.setDate(_qdate(self.today))  # not a date another step (a lapse) proposed
        self._ending_changed()
        self._fee_changed()
        self.problem.clear()
        self._fit_height()

    def _fit_height(self) -> None:
        """Shrink to the rows shown (hidden rows leave no gap); the clerk's chosen width stays."""
        layout = self.layout()
        width = max(self.width(), self.minimumWidth())
        for _ in range(2):  # wrapped hints know their height only once laid out at the real width
            layout.activate()
            height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
            max_width, max_height = available_size(self)
            height = height if height > 0 else self.sizeHint().height()
            self.resize(min(width, max_width), min(height, max_height))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_height()

    def lapse_date(self) -> date | None:
        """The day the open consultation ends if it lapses: its 15th working day (第三十二条、第三十四条)."""
        kind = self.kind()
        if kind not in PAUSE_ENDS or not PAUSE_ENDS[kind].is_consultation:
            return None
        pause = self.sit.open_pause(PAUSE_ENDS[kind])
        return pause.lapses_on if pause is not None else None

    def _lapsed_chosen(self) -> bool:
        return self.lapse_date() is not None and self.ending.value() is P.ConsultationEnding.LAPSED

    def _ending_changed(self) -> None:
        """逾期未提出意见: the pause ends on the day the period lapsed, so that day is the default and the latest."""
        hint = ""
        kind = self.kind()
        if self._lapsed_chosen():
            lapse = self.lapse_date()
            assert lapse is not None
            latest = min(lapse, self.today)
            hint = tr(
                "征询期限为自发出征求意见之日起 {n} 个工作日，于{d}届满。"
                "暂停计时止于期限届满之日（暂停期间按 (开始, 结束] 计算），日期不能晚于该日。"
            ).format(n=CONSULTATION_DAYS, d=cn_date_weekday(lapse))
            if lapse > self.today:
                hint += tr("征询期限尚未届满，不能按逾期未提出意见结束。")
            self.day.setMaximumDate(_qdate(latest))
            self.day.setDate(_qdate(latest))
        elif kind in PAUSE_ENDS and PAUSE_ENDS[kind].is_consultation:
            hint = tr("日期为收到意见之日。")
            self.day.setMaximumDate(_qdate(self.today))
            self.day.setDate(_qdate(self.today))
        else:
            self.day.setMaximumDate(_qdate(self.today))
        self.ending_hint.setText(hint)
        self._day_changed()

    def _outcome_changed(self) -> None:
        outcome = self.outcome.value()
        self.form.setRowVisible(
            self.holder, self.kind() is EventKind.DECIDED and outcome is Outcome.UNAVAILABLE_NOT_HELD
        )
        if outcome is None:
            self.outcome_info.setText(tr("请选择办理结果；作出答复后申请即办结，办理结果计入年度报告表三。"))
            return
        info = outcome.info
        self.outcome_info.setText(
            tr("计入年度报告：{row}　{official}\n依据：{basis}").format(
                row=info.report_row, official=info.official_label, basis=cite(info.legal_basis)
            )
        )

    def _fee_changed(self) -> None:
        """Work out the fee as the clerk changes scheme, pages or waiver (第四十二条, 国办函〔2020〕109号)."""
        scheme = self.fee_scheme.value()
        per_page = scheme is FeeScheme.PER_PAGE
        if self.kind() is EventKind.FEE_NOTICE_SENT:
            self.form.setRowVisible(self.fee_pages, per_page)
            self.form.setRowVisible(self.fee_waiver_reason, self.fee_waived.isChecked())
        pages = self.fee_pages.value() if per_page else None
        waived, why = self.fee_waived.isChecked(), self.fee_waiver_reason.text().strip()
        self._fee, self._fee_error = None, ""
        try:
            if self.fee_quoter is not None:
                self._fee = self.fee_quoter(scheme, pages, waived, why)
            else:
                self._fee = quote(scheme, pages or 1, waived=waived, waiver_reason=why)
        except Exception as exc:  # a Chinese ValidationError / ValueError from the calculator
            self._fee_error = str(exc)
        self.fee_quote_text.setText(describe(self._fee) if self._fee is not None else self._fee_error)

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
            due = self.sit.deadlines.correction_notice_due
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

    def payload(self) -> P.Payload:
        """The typed payload of the chosen step, from the fields shown."""
        kind = self.kind()
        K = EventKind
        if kind is K.CORRECTION_REQUESTED:
            return P.CorrectionRequested(
                deadline=_pydate(self.correction_deadline.date()), items=self.correction_items.toPlainText().strip()
            )
        if kind in (K.THIRD_PARTY_CONSULTATION_STARTED, K.AGENCY_CONSULTATION_STARTED):
            return P.ConsultationStarted(party=self.party.text().strip())
        if kind in (K.THIRD_PARTY_CONSULTATION_ENDED, K.AGENCY_CONSULTATION_ENDED):
            return P.ConsultationEnded(how=self.ending.value())
        if kind is K.FEE_NOTICE_SENT:
            q = self._fee
            if q is None:
                return P.FeeNotice(scheme=self.fee_scheme.value())
            return P.FeeNotice(
                scheme=q.scheme,
                quantity=q.quantity,
                amount_yuan=q.amount_yuan,
                tier=q.tier,
                basis=q.basis,
                waived=q.waived,
                waiver_reason=q.waiver_reason,
            )
        if kind is K.EXTENSION:
            return P.Extension(days=self.extension_days.value(), approved_by=self.approved_by.text().strip())
        if kind is K.DECIDED:
            outcome = self.outcome.value()
            return P.Decided(
                outcome=outcome,
                document_number=self.document_number.text().strip(),
                reason=self.reason.toPlainText().strip(),
                holder=self.holder.text().strip() if outcome is Outcome.UNAVAILABLE_NOT_HELD else "",
            )
        if kind is K.WITHDRAWN:
            return P.Withdrawn(how=self.withdrawal.value())
        if kind is K.SERVED:
            return P.Served(method=self.service_method.value(), document=self.served_document.text().strip())
        if kind is K.LITIGATION_FILED:
            return P.LitigationFiled(type=self.litigation_type.value())
        if kind in (K.RECONSIDERATION_DECIDED, K.LITIGATION_DECIDED):
            return P.RemedyDecided(result=self.remedy_result.value())
        return P.PAYLOAD_TYPES[kind]()

    def problems(self) -> list[str]:
        """Why the entries cannot be recorded yet: the domain's own check of this step (check_step)."""
        out = [self._fee_error] if self.kind() is EventKind.FEE_NOTICE_SENT and self._fee_error else []
        return out + P.check_step(
            self.sit, self.kind(), _pydate(self.day.date()), self.payload(), self.today, self.note.toPlainText()
        )

    def answer(self) -> EventAnswer:
        return self.kind(), _pydate(self.day.date()), self.payload(), self.note.toPlainText().strip()

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
        fee_quoter: FeeQuoter | None = None,
        repeats_text: str = "",
    ) -> EventAnswer | None:
        """Show the dialog; the recorded (kind, date, payload, note), or None when cancelled."""
        dialog = cls(
            detail,
            today or date.today(),
            cal,
            correction_days,
            parent,
            fee_quoter=fee_quoter,
            repeats_text=repeats_text,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.answer()

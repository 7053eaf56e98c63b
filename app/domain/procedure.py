"""The procedure of one application, ruled in one place (docs/rules.md §3–§5, §10).

Three things live here and nowhere else:

1. **What each step carries** — one typed payload per :class:`~app.domain.codes.EventKind`
   (:data:`PAYLOAD_TYPES`). A payload is written to the event's JSON by :func:`to_data` and read back by
   :func:`payload_of`; no other module knows the keys. Readers accept what earlier versions and the ledger
   import stored (unknown keys are ignored, missing ones take their defaults), so the stored, hash-chained
   JSON is never rewritten.
2. **Where a case stands** — :func:`situation_of` derives the :class:`Situation` once from the events (the
   legal clock of :mod:`app.domain.deadlines` included).
3. **What may happen next, and why not** — :func:`allowed_steps` answers for every step with the reason
   (citing the article) each refused one is refused; :func:`check_step` checks one concrete step (its date
   and payload). The services refuse exactly what :func:`check_step` refuses; the screens offer exactly
   what :func:`allowed_steps` allows and show its reasons for the rest.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from app.domain.codes import AttachmentCategory, EventKind, Outcome, Status
from app.domain.dates import cn_date
from app.domain.deadlines import (
    CONSULTATION_DAYS,
    MAX_EXTENSION_DAYS,
    Deadlines,
    PauseKind,
    compute_deadlines,
)
from app.domain.fees import FeeScheme
from app.domain.workcalendar import WorkCalendar

# ---------------------------------------------------------------------------------------------- vocabularies


class ConsultationEnding(StrEnum):
    """How a consultation ended (第三十二条、第三十四条)."""

    ANSWERED = "answered"
    LAPSED = "lapsed"

    def label_for(self, kind: EventKind) -> str:
        if self is ConsultationEnding.ANSWERED:
            return "收到第三方意见" if kind is EventKind.THIRD_PARTY_CONSULTATION_ENDED else "收到其他机关意见"
        if kind is EventKind.THIRD_PARTY_CONSULTATION_ENDED:
            return "第三方逾期未提出意见"
        return "其他机关逾期未提出意见，视为同意公开（第三十四条）"


class ServiceMethod(StrEnum):
    """送达方式 of a reply or notice."""

    DIRECT = "direct"
    POST = "post"
    ELECTRONIC = "electronic"
    LODGED = "lodged"

    @property
    def label(self) -> str:
        return {
            ServiceMethod.DIRECT: "直接送达",
            ServiceMethod.POST: "邮寄送达",
            ServiceMethod.ELECTRONIC: "电子送达",
            ServiceMethod.LODGED: "留置送达",
        }[self]


class RemedyResult(StrEnum):
    """Results of 行政复议 / 行政诉讼 as table 四 of the annual report counts them."""

    UPHELD = "upheld"
    CORRECTED = "corrected"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {RemedyResult.UPHELD: "维持", RemedyResult.CORRECTED: "纠正", RemedyResult.OTHER: "其他结果"}[self]


class RemedyKind(StrEnum):
    """The three families of table 四 (the ``remedy_case.kind`` column)."""

    RECONSIDERATION = "reconsideration"
    LITIGATION_DIRECT = "litigation_direct"
    LITIGATION_AFTER = "litigation_after"

    @property
    def label(self) -> str:
        return {
            RemedyKind.RECONSIDERATION: "行政复议",
            RemedyKind.LITIGATION_DIRECT: "行政诉讼（未经复议直接起诉）",
            RemedyKind.LITIGATION_AFTER: "行政诉讼（复议后起诉）",
        }[self]


class LitigationType(StrEnum):
    """未经复议直接起诉 or 复议后起诉 (the two groups of 行政诉讼 in table 四)."""

    DIRECT = "direct"
    AFTER_RECONSIDERATION = "after_reconsideration"

    @property
    def label(self) -> str:
        return "未经复议直接起诉" if self is LitigationType.DIRECT else "复议后起诉"

    @property
    def remedy_kind(self) -> RemedyKind:
        return RemedyKind.LITIGATION_DIRECT if self is LitigationType.DIRECT else RemedyKind.LITIGATION_AFTER


class WithdrawalMethod(StrEnum):
    """How the applicant withdrew the application."""

    WRITTEN = "written"
    IN_PERSON = "in_person"
    EMAIL = "email"
    ONLINE = "online"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return {
            WithdrawalMethod.WRITTEN: "书面撤回申请",
            WithdrawalMethod.IN_PERSON: "当面表示撤回（已签字确认）",
            WithdrawalMethod.EMAIL: "电子邮件撤回",
            WithdrawalMethod.ONLINE: "通过网上申请平台撤回",
            WithdrawalMethod.PHONE: "电话表示撤回（已记录）",
        }[self]


class VoidReason(StrEnum):
    """Why a registration is voided (作废登记)."""

    MISTAKE = "mistake"
    DUPLICATE = "duplicate"
    NOT_AN_APPLICATION = "not_an_application"

    @property
    def label(self) -> str:
        return {
            VoidReason.MISTAKE: "误登记",
            VoidReason.DUPLICATE: "重复登记（同一份申请登记了两次）",
            VoidReason.NOT_AN_APPLICATION: "不属于政府信息公开申请（登记有误）",
        }[self]


_E = TypeVar("_E", bound=StrEnum)


def _enum(cls: type[_E], value: Any) -> _E | None:
    if isinstance(value, cls):
        return value
    try:
        return cls(value) if value not in (None, "") else None
    except ValueError:
        return None


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        digits = "".join(ch for ch in value if ch.isdigit())
        return int(digits) if digits else None
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# ---------------------------------------------------------------------------------------------- payloads


@dataclass(frozen=True, kw_only=True)
class Payload:
    """What one event carries. ``source`` marks events that came from a ledger import ("ledger")."""

    kinds: ClassVar[tuple[EventKind, ...]]
    source: str = ""

    def lines(self, kind: EventKind | None = None) -> list[tuple[str, str]]:
        """Every field this step carries, as (Chinese label, value) for the timeline (empty values left out)."""
        return [(label, value) for label, value in self._lines(kind or self.kinds[0]) if value]

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return []


@dataclass(frozen=True, kw_only=True)
class Registered(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.REGISTERED,)
    reg_number: str = ""
    channel: str = ""
    receipt_date: date | None = None
    receipt_basis: str = ""
    filled_by_clerk: bool = False
    file: str = ""
    row: int | None = None

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [
            ("登记编号", self.reg_number),
            ("收到申请之日", cn_date(self.receipt_date) if self.receipt_date else "待确认"),
            ("依据", self.receipt_basis),
            ("代为填写", "是（第二十九条）" if self.filled_by_clerk else ""),
            ("导入来源", f"{self.file} 第{self.row}行" if self.file else ""),
        ]


@dataclass(frozen=True, kw_only=True)
class ReceiptConfirmed(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.RECEIPT_CONFIRMED,)
    old: date | None = None
    new: date | None = None
    with_whom: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("收到申请之日", cn_date(self.new) if self.new else ""), ("确认对象", self.with_whom)]


@dataclass(frozen=True, kw_only=True)
class IdentityChecked(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.IDENTITY_CHECKED,)
    method: str = ""
    warnings: tuple[str, ...] = ()

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        from app.domain.codes import VerificationMethod

        method = _enum(VerificationMethod, self.method)
        return [("核验方式", method.label if method else self.method), ("提示", "；".join(self.warnings))]


@dataclass(frozen=True, kw_only=True)
class CorrectionRequested(Payload):
    """补正告知 (第三十条): what must be corrected and by when."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.CORRECTION_REQUESTED,)
    deadline: date | None = None
    items: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("补正期限", cn_date(self.deadline) if self.deadline else ""), ("需补正的内容", self.items)]


@dataclass(frozen=True, kw_only=True)
class CorrectionReceived(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.CORRECTION_RECEIVED,)


@dataclass(frozen=True, kw_only=True)
class ConsultationStarted(Payload):
    """征求意见 (第三十二条 third party, 第三十四条 another agency): to whom."""

    kinds: ClassVar[tuple[EventKind, ...]] = (
        EventKind.THIRD_PARTY_CONSULTATION_STARTED,
        EventKind.AGENCY_CONSULTATION_STARTED,
    )
    party: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("征求对象", self.party)]


@dataclass(frozen=True, kw_only=True)
class ConsultationEnded(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (
        EventKind.THIRD_PARTY_CONSULTATION_ENDED,
        EventKind.AGENCY_CONSULTATION_ENDED,
    )
    how: ConsultationEnding | None = None
    opinion: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("结束方式", self.how.label_for(kind) if self.how else ""), ("意见", self.opinion)]


@dataclass(frozen=True, kw_only=True)
class FeeNotice(Payload):
    """收费通知 (第四十二条, 国办函〔2020〕109号): scheme, quantity, amount, and any waiver."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.FEE_NOTICE_SENT,)
    scheme: FeeScheme | None = None
    quantity: int | None = None
    amount_yuan: int | None = None
    tier: str = ""
    basis: str = ""
    waived: bool = False
    waiver_reason: str = ""
    amount_text: str = ""  # earlier versions stored the amount as typed ("300元")

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        amount = f"{self.amount_yuan}元" if self.amount_yuan is not None else self.amount_text
        unit = "件（本自然月第几件）" if self.scheme is FeeScheme.PER_APPLICATION else "页"
        return [
            ("计费方式", self.scheme.label if self.scheme else ""),
            ("计费数量", f"{self.quantity}{unit}" if self.quantity else ""),
            ("档次", self.tier),
            ("金额", amount),
            ("减免", f"已减免：{self.waiver_reason}" if self.waived else ""),
            ("依据", self.basis),
        ]


@dataclass(frozen=True, kw_only=True)
class FeePaid(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.FEE_PAID,)
    amount_yuan: int | None = None

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("缴费金额", f"{self.amount_yuan}元" if self.amount_yuan is not None else "")]


@dataclass(frozen=True, kw_only=True)
class Extension(Payload):
    """延期答复 (第三十三条第二款): working days added, approved by the head of the OGI office."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.EXTENSION,)
    days: int = 0
    approved_by: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("延长", f"{self.days} 个工作日" if self.days else ""), ("批准人", self.approved_by)]


@dataclass(frozen=True, kw_only=True)
class Decided(Payload):
    """作出答复: exactly one outcome (one row of table 三), and what the reply letter needs."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.DECIDED,)
    outcome: Outcome | None = None
    document_number: str = ""
    reason: str = ""  # the reasons given (说明理由), e.g. what is withheld and why (部分公开、不予公开)
    holder: str = ""  # 本机关不掌握: the agency that holds the information, where known (第三十六条第（五）项)

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        info = self.outcome.info if self.outcome else None
        return [
            ("办理结果", self.outcome.label if self.outcome else ""),
            ("计入年度报告", f"{info.report_row}　{info.official_label}" if info else ""),
            ("答复书文号", self.document_number),
            ("理由", self.reason),
            ("信息掌握机关", self.holder),
        ]


@dataclass(frozen=True, kw_only=True)
class Served(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.SERVED,)
    method: ServiceMethod | None = None
    document: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("送达方式", self.method.label if self.method else ""), ("送达文书", self.document)]


@dataclass(frozen=True, kw_only=True)
class ReconsiderationFiled(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.RECONSIDERATION_FILED,)
    result: RemedyResult | None = None  # a ledger import may carry the result on the filing

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("结果", self.result.label if self.result else "")]


@dataclass(frozen=True, kw_only=True)
class LitigationFiled(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.LITIGATION_FILED,)
    type: LitigationType = LitigationType.DIRECT
    result: RemedyResult | None = None

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("起诉方式", self.type.label), ("结果", self.result.label if self.result else "")]


@dataclass(frozen=True, kw_only=True)
class RemedyDecided(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.RECONSIDERATION_DECIDED, EventKind.LITIGATION_DECIDED)
    result: RemedyResult = RemedyResult.OTHER

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("结果", self.result.label)]


@dataclass(frozen=True)
class FieldChange:
    """One corrected field: its Chinese name, the value before and after."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, kw_only=True)
class Edited(Payload):
    """修改登记信息: particulars that start no clock (contact details, content …), old → new."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.EDITED,)
    changes: Mapping[str, FieldChange] = field(default_factory=dict)

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [(c.field, f"{c.old or '（空）'} → {c.new or '（空）'}") for c in self.changes.values()]


@dataclass(frozen=True, kw_only=True)
class ParticularsCorrected(Edited):
    """更正登记事项 (docs/rules.md §10): receipt date, arrival, channel, applicant kind, ID; clocks recomputed."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.PARTICULARS_CORRECTED,)
    number_note: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [*super()._lines(kind), ("登记编号", self.number_note)]


@dataclass(frozen=True, kw_only=True)
class Withdrawn(Payload):
    """撤回申请: closes the case as 其他处理-其他 (table 三(六)3)."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.WITHDRAWN,)
    how: WithdrawalMethod | None = None

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("撤回方式", self.how.label if self.how else ""), ("计入年度报告", "三(六)3　其他处理-其他")]


@dataclass(frozen=True, kw_only=True)
class Voided(Payload):
    """作废登记: the number stays used; the case counts in no statistic and no deadline list."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.VOIDED,)
    reason: VoidReason | None = None
    duplicate_of: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [("作废原因", self.reason.label if self.reason else ""), ("重复的登记编号", self.duplicate_of)]


@dataclass(frozen=True, kw_only=True)
class AttachmentAdded(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.ATTACHMENT_ADDED,)
    attachment_id: int | None = None
    filename: str = ""
    sha256: str = ""
    size: int | None = None
    category: str = ""

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        category = _enum(AttachmentCategory, self.category)
        size = "" if self.size is None else f"{self.size / 1024:.1f} KB" if self.size >= 1024 else f"{self.size} 字节"
        return [
            ("文件", self.filename),
            ("类别", category.label if category else self.category),
            ("大小", size),
            ("SHA-256", f"{self.sha256[:16]}…" if len(self.sha256) > 16 else self.sha256),
        ]


@dataclass(frozen=True, kw_only=True)
class DocumentIssued(Payload):
    """A notice or letter issued (or reprinted) with its number; the PDF is kept with its SHA-256 (docs/rules.md §8)."""

    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.DOCUMENT_ISSUED,)
    document_id: int | None = None
    document_kind: str = ""
    title: str = ""
    number: str = ""
    sha256: str = ""
    reprint: bool = False

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        return [
            ("文书", self.title or self.document_kind),
            ("文号", self.number),
            ("重新打印", "是（文号不变）" if self.reprint else ""),
            ("SHA-256", f"{self.sha256[:16]}…" if len(self.sha256) > 16 else self.sha256),
        ]


@dataclass(frozen=True, kw_only=True)
class SettingChanged(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.SETTING_CHANGED,)
    key: str = ""
    label: str = ""
    old: Any = None
    new: Any = None

    def _lines(self, kind: EventKind) -> list[tuple[str, str]]:
        def shown(value: Any) -> str:
            return ("是" if value else "否") if isinstance(value, bool) else _text(value)

        return [(self.label or self.key, f"{shown(self.old) or '（未设置）'} → {shown(self.new) or '（空）'}")]


@dataclass(frozen=True, kw_only=True)
class Note(Payload):
    kinds: ClassVar[tuple[EventKind, ...]] = (EventKind.NOTE,)


PAYLOAD_TYPES: dict[EventKind, type[Payload]] = {
    kind: cls
    for cls in (
        Registered,
        ReceiptConfirmed,
        IdentityChecked,
        CorrectionRequested,
        CorrectionReceived,
        ConsultationStarted,
        ConsultationEnded,
        FeeNotice,
        FeePaid,
        Extension,
        Decided,
        Served,
        ReconsiderationFiled,
        LitigationFiled,
        RemedyDecided,
        Edited,
        ParticularsCorrected,
        Withdrawn,
        Voided,
        AttachmentAdded,
        DocumentIssued,
        SettingChanged,
        Note,
    )
    for kind in cls.kinds
}

#: Keys stored under another name than the payload's field (kept for what is already in the chain).
_STORED_NAMES: dict[tuple[type[Payload], str], str] = {
    (ReceiptConfirmed, "with_whom"): "with",
    (FeeNotice, "amount_text"): "amount",
}


def _changes(value: Any) -> dict[str, FieldChange]:
    out: dict[str, FieldChange] = {}
    if isinstance(value, Mapping):
        for key, change in value.items():
            if isinstance(change, Mapping):
                out[str(key)] = FieldChange(
                    _text(change.get("field")) or str(key), _text(change.get("old")), _text(change.get("new"))
                )
    return out


def _read(cls: type[Payload], name: str, ftype: Any, raw: Any) -> Any:
    """One stored value as the field's type; what cannot be read falls back to the field's default."""
    if name == "changes":
        return _changes(raw)
    hint = str(ftype)
    if name in ("old", "new") and cls is SettingChanged:
        return raw
    for enum_cls in (
        ConsultationEnding,
        ServiceMethod,
        RemedyResult,
        LitigationType,
        WithdrawalMethod,
        VoidReason,
        FeeScheme,
        Outcome,
    ):
        if enum_cls.__name__ in hint:
            return _enum(enum_cls, raw)
    if "date" in hint:
        return _day(raw)
    if hint.startswith("bool"):
        return bool(raw)
    if "int" in hint:
        return _int(raw)
    if "tuple" in hint:
        return tuple(str(x) for x in raw) if isinstance(raw, list | tuple) else ()
    return _text(raw)


def payload_of(kind: EventKind, data: Mapping[str, Any] | None) -> Payload:
    """The typed payload of a stored event (lenient: see the module docstring)."""
    cls = PAYLOAD_TYPES[kind]
    data = data or {}
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        stored = _STORED_NAMES.get((cls, f.name), f.name)
        if stored not in data:
            continue
        value = _read(cls, f.name, f.type, data[stored])
        if value is None and f.name in ("type", "result") and cls in (LitigationFiled, RemedyDecided):
            continue  # keep the default
        if value is None and cls is RemedyDecided:
            continue
        values[f.name] = value
    if cls is LitigationFiled and "type" in values and values["type"] is None:
        del values["type"]
    return cls(**values)


def to_data(payload: Payload) -> dict[str, Any]:
    """The JSON stored for a payload: enums as codes, dates as ISO text, empty values left out."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(payload):
        value = getattr(payload, f.name)
        if f.name == "changes":
            value = {k: {"field": c.field, "old": c.old, "new": c.new} for k, c in value.items()}
        elif isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        if value in (None, "", (), [], {}) and not (isinstance(payload, SettingChanged) and f.name in ("old", "new")):
            continue
        if value is False and f.name != "filled_by_clerk":
            continue
        out[_STORED_NAMES.get((type(payload), f.name), f.name)] = value
    return out


# ---------------------------------------------------------------------------------------------- the timeline


@dataclass(frozen=True)
class Recorded:
    """One event of a case's timeline as the procedure reads it."""

    kind: EventKind
    day: date
    payload: Payload
    note: str = ""

    @classmethod
    def of(cls, kind: EventKind, day: date, data: Mapping[str, Any] | None = None, note: str = "") -> Recorded:
        return cls(kind, day, payload_of(kind, data), note)


#: Steps that pause the reply clock, and the step that ends each pause (第三十三条第三款; 国办函〔2020〕109号).
PAUSE_STARTS: dict[EventKind, PauseKind] = {
    EventKind.THIRD_PARTY_CONSULTATION_STARTED: PauseKind.THIRD_PARTY,
    EventKind.AGENCY_CONSULTATION_STARTED: PauseKind.OTHER_AGENCY,
    EventKind.FEE_NOTICE_SENT: PauseKind.FEE,
}
PAUSE_ENDS: dict[EventKind, PauseKind] = {
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: PauseKind.THIRD_PARTY,
    EventKind.AGENCY_CONSULTATION_ENDED: PauseKind.OTHER_AGENCY,
    EventKind.FEE_PAID: PauseKind.FEE,
}
END_OF: dict[EventKind, EventKind] = {
    start: next(end for end, k in PAUSE_ENDS.items() if k is kind) for start, kind in PAUSE_STARTS.items()
}
START_OF: dict[EventKind, EventKind] = {end: start for start, end in END_OF.items()}

#: Steps that move the legal clock: they need a confirmed receipt (第三十一条).
CLOCK_STEPS = frozenset(
    {EventKind.CORRECTION_REQUESTED, EventKind.CORRECTION_RECEIVED, EventKind.EXTENSION, *PAUSE_STARTS, *PAUSE_ENDS}
)
#: Steps that close the case (one outcome each).
CLOSING_STEPS = frozenset({EventKind.DECIDED, EventKind.WITHDRAWN})
#: Steps recorded after the reply: service and the remedies of table 四.
AFTER_REPLY_STEPS = frozenset(
    {
        EventKind.SERVED,
        EventKind.RECONSIDERATION_FILED,
        EventKind.RECONSIDERATION_DECIDED,
        EventKind.LITIGATION_FILED,
        EventKind.LITIGATION_DECIDED,
    }
)
#: Record-keeping that never changes where a case stands.
RECORD_KEEPING = frozenset({EventKind.NOTE, EventKind.EDITED, EventKind.ATTACHMENT_ADDED, EventKind.DOCUMENT_ISSUED})

#: The steps the 记录办理事项 dialog offers, in the order of the procedure.
DIALOG_STEPS: tuple[EventKind, ...] = (
    EventKind.CORRECTION_REQUESTED,
    EventKind.CORRECTION_RECEIVED,
    EventKind.THIRD_PARTY_CONSULTATION_STARTED,
    EventKind.THIRD_PARTY_CONSULTATION_ENDED,
    EventKind.AGENCY_CONSULTATION_STARTED,
    EventKind.AGENCY_CONSULTATION_ENDED,
    EventKind.FEE_NOTICE_SENT,
    EventKind.FEE_PAID,
    EventKind.EXTENSION,
    EventKind.DECIDED,
    EventKind.WITHDRAWN,
    EventKind.SERVED,
    EventKind.RECONSIDERATION_FILED,
    EventKind.RECONSIDERATION_DECIDED,
    EventKind.LITIGATION_FILED,
    EventKind.LITIGATION_DECIDED,
    EventKind.NOTE,
)
#: Steps with their own button or dialog in the case view (also ruled by :func:`allowed_steps`).
CASE_ACTIONS: tuple[EventKind, ...] = (
    EventKind.RECEIPT_CONFIRMED,
    EventKind.EDITED,
    EventKind.PARTICULARS_CORRECTED,
    EventKind.ATTACHMENT_ADDED,
    EventKind.DOCUMENT_ISSUED,
    EventKind.VOIDED,
)
#: Every step a clerk can take on an existing case.
CLERK_STEPS: tuple[EventKind, ...] = DIALOG_STEPS + CASE_ACTIONS


# ---------------------------------------------------------------------------------------------- situation


@dataclass(frozen=True)
class OpenPause:
    kind: PauseKind
    start: date
    lapses_on: date | None  # consultations: the 15th working day after the letter (第三十二条、第三十四条)


@dataclass(frozen=True)
class Situation:
    """Where a case stands, derived once from its events (never typed in)."""

    registered_on: date
    receipt_date: date | None
    events: tuple[Recorded, ...]
    deadlines: Deadlines
    status: Status
    outcome: Outcome | None
    closed_on: date | None
    voided_on: date | None
    withdrawn_on: date | None
    correction_requested: bool
    correction_pending: bool
    correction_deadline: date | None  # the applicant's deadline of the pending notice (第三十条)
    open_pauses: tuple[OpenPause, ...]
    extension_used: int
    pending_reconsiderations: int
    pending_litigations: int
    reconsideration_filed: bool

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.CLOSED, Status.VOIDED)

    def open_pause(self, kind: PauseKind) -> OpenPause | None:
        return next((p for p in self.open_pauses if p.kind is kind), None)

    @property
    def extension_left(self) -> int:
        return max(0, MAX_EXTENSION_DAYS - self.extension_used)

    @property
    def fee_payment_due(self) -> date | None:
        return self.deadlines.fee_payment_due

    def likely_outcome(self, today: date) -> Outcome | None:
        """The outcome to propose at decision: 逾期不补正 / 逾期未缴费 only once the applicant's deadline passed."""
        if self.correction_pending and self.correction_deadline is not None and today > self.correction_deadline:
            return Outcome.OTHER_NO_CORRECTION
        if self.open_pause(PauseKind.FEE) and self.fee_payment_due is not None and today > self.fee_payment_due:
            return Outcome.OTHER_NO_FEE
        return None


class ProcedureError(ValueError):
    """The events do not make sense together (Chinese message)."""


def _clock_input(receipt_date: date | None, events: Sequence[Recorded], fee_payment_days: int):  # -> ClockInput
    from app.domain.timeline import project

    return project(receipt_date, events, fee_payment_days=fee_payment_days)


def situation_of(
    registered_on: date,
    receipt_date: date | None,
    events: Iterable[Recorded],
    cal: WorkCalendar,
    *,
    fee_payment_days: int = 20,
) -> Situation:
    """Derive where the case stands from its events (docs/rules.md §3–§5).

    Raises :class:`ProcedureError` when stored events contradict each other (an end without a start …).
    """
    from app.domain.timeline import TimelineError, derive_status

    ordered = tuple(sorted(events, key=lambda e: e.day))
    try:
        projection = _clock_input(receipt_date, ordered, fee_payment_days)
    except TimelineError as exc:
        raise ProcedureError(str(exc)) from exc
    deadlines = compute_deadlines(projection.clock, cal)
    status = derive_status(projection, deadlines)
    voided_on = next((e.day for e in ordered if e.kind is EventKind.VOIDED), None)
    if voided_on is not None:
        status = Status.VOIDED
    withdrawn_on = next((e.day for e in ordered if e.kind is EventKind.WITHDRAWN), None)

    pending_deadlines: list[date | None] = []
    requested = False
    open_starts: dict[PauseKind, list[date]] = {}
    extension = 0
    recon_open = lit_open = 0
    recon_filed = False
    for e in ordered:
        p = e.payload
        if e.kind is EventKind.CORRECTION_REQUESTED and isinstance(p, CorrectionRequested):
            requested = True
            pending_deadlines.append(p.deadline)
        elif e.kind is EventKind.CORRECTION_RECEIVED and pending_deadlines:
            pending_deadlines.pop(0)
        elif e.kind in PAUSE_STARTS:
            open_starts.setdefault(PAUSE_STARTS[e.kind], []).append(e.day)
        elif e.kind in PAUSE_ENDS and open_starts.get(PAUSE_ENDS[e.kind]):
            open_starts[PAUSE_ENDS[e.kind]].pop(0)
        elif e.kind is EventKind.EXTENSION and isinstance(p, Extension):
            extension += p.days
        elif e.kind is EventKind.RECONSIDERATION_FILED and isinstance(p, ReconsiderationFiled):
            recon_filed = True
            recon_open += 0 if p.result else 1
        elif e.kind is EventKind.LITIGATION_FILED and isinstance(p, LitigationFiled):
            lit_open += 0 if p.result else 1
        elif e.kind is EventKind.RECONSIDERATION_DECIDED:
            recon_open = max(0, recon_open - 1)
        elif e.kind is EventKind.LITIGATION_DECIDED:
            lit_open = max(0, lit_open - 1)

    lapses = {(p.kind, p.start): due for p, due in deadlines.consultation_dues if p.end is None}
    open_pauses = tuple(
        OpenPause(kind, start, lapses.get((kind, start)) if kind.is_consultation else None)
        for kind, starts in open_starts.items()
        for start in starts[:1]
    )
    return Situation(
        registered_on=registered_on,
        receipt_date=receipt_date,
        events=ordered,
        deadlines=deadlines,
        status=status,
        outcome=projection.outcome,
        closed_on=projection.closed_on,
        voided_on=voided_on,
        withdrawn_on=withdrawn_on,
        correction_requested=requested,
        correction_pending=bool(pending_deadlines),
        correction_deadline=pending_deadlines[-1] if pending_deadlines else None,
        open_pauses=open_pauses,
        extension_used=extension,
        pending_reconsiderations=recon_open,
        pending_litigations=lit_open,
        reconsideration_filed=recon_filed,
    )


# ---------------------------------------------------------------------------------------------- allowed steps


@dataclass(frozen=True)
class StepOption:
    """One step and whether it may be taken now; ``reason`` says why not (citing the article)."""

    kind: EventKind
    allowed: bool
    reason: str = ""


def _refusal(sit: Situation, kind: EventKind, today: date) -> str:
    """Why *kind* cannot be taken in *sit* today ("" = it can)."""
    K = EventKind
    if kind in (K.NOTE, K.ATTACHMENT_ADDED):
        return ""
    if kind is K.DOCUMENT_ISSUED:  # which document fits the case is ruled by app.domain.letters
        return "该登记已作废，不能出具文书" if sit.status is Status.VOIDED else ""
    if sit.status is Status.VOIDED:
        return f"该登记已于{cn_date(sit.voided_on)}作废，不再办理，只能添加备注或附件"  # type: ignore[arg-type]
    if kind is K.EDITED:
        return ""
    if kind is K.PARTICULARS_CORRECTED:
        return ""
    if kind is K.VOIDED:
        if sit.closed_on is not None:
            return "已作出答复（或已撤回）的申请不能作废：答复是本机关已作出的行政行为，应如实计入统计"
        return ""
    if kind is K.RECEIPT_CONFIRMED:
        if sit.receipt_date is not None:
            return f"已于{cn_date(sit.receipt_date)}确认收到申请，无需再次确认；日期有误请用“更正登记事项”"
        return ""
    if sit.closed_on is not None:
        if kind in AFTER_REPLY_STEPS:
            if kind is K.RECONSIDERATION_DECIDED and sit.pending_reconsiderations == 0:
                return "没有尚未审结的行政复议，不能记录复议结果"
            if kind is K.LITIGATION_DECIDED and sit.pending_litigations == 0:
                return "没有尚未审结的行政诉讼，不能记录诉讼结果"
            if sit.withdrawn_on is not None and kind is K.SERVED:
                return "申请人已撤回申请，没有需要送达的答复书"
            return ""
        what = "申请人已撤回申请" if sit.withdrawn_on is not None else "已作出答复"
        return f"该申请{what}（{cn_date(sit.closed_on)}，已办结），不能再记录办理事项"
    if kind in AFTER_REPLY_STEPS:
        return "送达、行政复议和行政诉讼只能在作出答复之后记录"
    if sit.receipt_date is None:
        if kind in CLOCK_STEPS:
            return "尚未确认收到申请，期限未起算（第三十一条），不能记录该事项；请先确认收到"
        if kind in CLOSING_STEPS:
            return "尚未确认收到申请（第三十一条），不能答复或撤回；误登记的请作废登记"
        return ""
    if kind is K.CORRECTION_REQUESTED:
        if sit.correction_requested:
            return "补正告知应一次性发出（第三十条），本申请已发出过补正告知"
        return ""
    if kind is K.CORRECTION_RECEIVED:
        return "" if sit.correction_pending else "没有等待补正的补正告知，不能记录收到补正材料（第三十条）"
    if sit.correction_pending and kind in CLOCK_STEPS:
        return "正在等待申请人补正，答复期限待收到补正材料后重新计算（第三十条），不能记录该事项"
    if kind in PAUSE_STARTS:
        if sit.open_pause(PAUSE_STARTS[kind]) is not None:
            return f"{PAUSE_STARTS[kind].label}尚未结束，请先记录结束"
        return ""
    if kind in PAUSE_ENDS:
        if sit.open_pause(PAUSE_ENDS[kind]) is None:
            return f"没有正在进行的“{PAUSE_ENDS[kind].label}”，不能记录结束"
        return ""
    if kind is K.EXTENSION:
        if sit.extension_left == 0:
            return f"已延长 {MAX_EXTENSION_DAYS} 个工作日，不能再延期（第三十三条第二款）"
        return ""  # the date of the notice is checked by check_step: on or before the unextended due date
    return ""


def allowed_steps(sit: Situation, today: date, steps: Iterable[EventKind] = CLERK_STEPS) -> list[StepOption]:
    """For every step, whether it may be taken now and, if not, why (docs/rules.md §3–§5, §10)."""
    return [StepOption(k, not (r := _refusal(sit, k, today)), r) for k in steps]


def offered_steps(sit: Situation, today: date, steps: Iterable[EventKind] = DIALOG_STEPS) -> list[EventKind]:
    """The steps :func:`allowed_steps` allows, in order (what a screen offers)."""
    return [o.kind for o in allowed_steps(sit, today, steps) if o.allowed]


# ---------------------------------------------------------------------------------------------- one step


def check_step(sit: Situation, kind: EventKind, day: date, payload: Payload, today: date, note: str = "") -> list[str]:
    """Every reason this step cannot be recorded (empty = it can), in Chinese, citing the article."""
    problems: list[str] = []
    if not isinstance(payload, PAYLOAD_TYPES[kind]):
        return [f"“{kind.label}”的内容格式不对（程序错误）"]
    refusal = _refusal(sit, kind, today)
    if refusal:
        return [refusal]
    K = EventKind
    if day > today:
        problems.append("日期不能晚于今天")
    if day < sit.registered_on and kind not in RECORD_KEEPING:
        problems.append(f"日期不能早于登记之日 {cn_date(sit.registered_on)}")
    elif sit.receipt_date is not None and day < sit.receipt_date and kind not in RECORD_KEEPING | {K.VOIDED}:
        problems.append(f"日期不能早于收到申请之日 {cn_date(sit.receipt_date)}")
    if kind in AFTER_REPLY_STEPS and sit.closed_on is not None and day < sit.closed_on:
        problems.append(f"送达、行政复议和行政诉讼的日期不能早于作出答复之日 {cn_date(sit.closed_on)}")
    if kind in PAUSE_ENDS:
        pause = sit.open_pause(PAUSE_ENDS[kind])
        if pause is not None and day < pause.start:
            problems.append(f"结束日期不能早于开始日期 {cn_date(pause.start)}")
    match payload:
        case CorrectionRequested(deadline=deadline):
            if deadline is None:
                problems.append("请填写申请人的补正期限（第三十条）")
            elif deadline <= day:
                problems.append("补正期限应晚于补正告知发出之日")
        case ConsultationEnded(how=how):
            pause = sit.open_pause(PAUSE_ENDS[kind])
            if how is None:
                problems.append("请选择征询结束方式（收到意见或逾期未提出意见）")
            elif how is ConsultationEnding.LAPSED and pause is not None and pause.lapses_on is not None:
                if pause.lapses_on > today:
                    problems.append(
                        f"征询期限至{cn_date(pause.lapses_on)}届满，尚未届满，不能按逾期未提出意见结束"
                        f"（第三十二条、第三十四条：{CONSULTATION_DAYS} 个工作日）"
                    )
                elif day > pause.lapses_on:
                    problems.append(
                        f"征求意见期限于 {cn_date(pause.lapses_on)} 届满，逾期未提出意见的，暂停计时止于该日，"
                        "不能记为更晚的日期（第三十二条、第三十四条）"
                    )
        case FeeNotice(amount_yuan=amount, waived=waived, waiver_reason=why):
            if amount is None or amount < 0:
                problems.append("请用收费计算填写收费金额（第四十二条、国办函〔2020〕109号）")
            if waived and not why.strip():
                problems.append("减免收费须写明理由")
        case Extension(days=days):
            if not 1 <= days <= MAX_EXTENSION_DAYS:
                problems.append(f"延长的工作日数应为 1 至 {MAX_EXTENSION_DAYS} 之间的整数（第三十三条第二款）")
            elif sit.extension_used + days > MAX_EXTENSION_DAYS:
                problems.append(
                    f"延长答复期限合计不得超过 {MAX_EXTENSION_DAYS} 个工作日（第三十三条第二款），"
                    f"已延期 {sit.extension_used} 个工作日"
                )
            due = sit.deadlines.unextended_due
            if due is not None and day > due:
                problems.append(
                    "延期须在答复期限届满前告知申请人（第三十三条第二款）；"
                    f"原答复期限为 {cn_date(due)}，已届满，不能再延期"
                )
        case Decided(outcome=outcome):
            problems += _decision_problems(sit, day, outcome)
        case Withdrawn(how=how):
            if how is None:
                problems.append("请选择申请人撤回申请的方式")
        case Voided(reason=reason):
            if reason is None:
                problems.append("请选择作废原因")
            if not note.strip():
                problems.append("作废登记须写明具体理由（将记入办理记录）")
        case LitigationFiled(type=LitigationType.AFTER_RECONSIDERATION) if not sit.reconsideration_filed:
            pass  # a reconsideration decided elsewhere may precede it; table 四 counts as recorded
        case Note():
            if not note.strip():
                problems.append("请填写备注内容")
        case _:
            pass
    if not problems:
        from app.domain.timeline import TimelineError, project

        try:
            project(sit.receipt_date, [*sit.events, Recorded(kind, day, payload, note)])
        except TimelineError as exc:
            problems.append(str(exc))
    return problems


def _decision_problems(sit: Situation, day: date, outcome: Outcome | None) -> list[str]:
    if outcome is None:
        return ["作出答复须选择办理结果"]
    problems: list[str] = []
    if outcome is Outcome.OTHER_NO_CORRECTION:
        if not sit.correction_requested:
            problems.append("没有发出过补正告知，不能按“逾期不补正”处理（第三十条）")
        elif sit.correction_pending and sit.correction_deadline is not None and day <= sit.correction_deadline:
            problems.append(
                f"申请人的补正期限（{cn_date(sit.correction_deadline)}）尚未届满，不能按“逾期不补正”处理（第三十条）"
            )
        elif not sit.correction_pending:
            problems.append("申请人已经补正，不能按“逾期不补正”处理（第三十条）")
    if outcome is Outcome.OTHER_NO_FEE:
        due = sit.fee_payment_due
        if sit.open_pause(PauseKind.FEE) is None:
            problems.append("没有尚未缴费的收费通知，不能按“逾期未缴费”处理（国办函〔2020〕109号）")
        elif due is not None and day <= due:
            problems.append(f"缴费期限（{cn_date(due)}）尚未届满，不能按“逾期未缴费”处理（国办函〔2020〕109号）")
    if outcome is Outcome.UNAVAILABLE_STILL_UNCLEAR and not sit.correction_requested:
        problems.append("“补正后申请内容仍不明确”须先发出补正告知（第三十条）")
    return problems


def closing_outcome(kind: EventKind, payload: Payload) -> Outcome | None:
    """The outcome a closing step records: a reply's chosen outcome, a withdrawal's 其他处理-其他 (三(六)3)."""
    if isinstance(payload, Decided):
        return payload.outcome
    if kind is EventKind.WITHDRAWN:
        return Outcome.OTHER_OTHER
    return None

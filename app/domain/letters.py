"""Which printed documents fit a case, and every value their templates may use (docs/rules.md §8).

Three things live here, pure Python (no Qt, no database):

1. **The kinds of document** — :class:`DocumentKind`: the 申请表 (Art. 29), the 登记回执, the notices of the
   procedure (补正告知书 Art. 30, 延期答复告知书 Art. 33 ¶2, 第三方意见征询函 and 征求意见告知书 Art. 32,
   征求意见书 Art. 34, 收费通知书 Art. 42 and 国办函〔2020〕109号, 说明理由告知书 Art. 35), the 答复书 — one
   letter per outcome of docs/rules.md §5 (Arts. 30, 35–39, 42) — and the 送达回证.
2. **Which of them fit** — :func:`applicable_documents` answers for every kind whether it may be issued now
   and, if not, why (in Chinese, citing the article): a 补正告知书 only after a correction notice was
   recorded, an 答复书 only after a reply (the letter of the recorded outcome), and so on.
3. **What a template may say** — :func:`letter_context` builds every placeholder of a kind (a flat mapping
   of Chinese names to text) from the facts of the case and the office's profile; :data:`COMMON_PLACEHOLDERS`
   and :func:`placeholders` declare them, so a template that uses an unknown name is refused when it is
   loaded (:mod:`app.documents.templates`). :func:`editable_parts` names the free-text parts the clerk may
   rewrite before issuing (理由, 获取方式 …) and :func:`apply_edits` merges the clerk's text in.

Dates are written as official documents write them, 2026年3月5日 (:func:`app.domain.dates.cn_date`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from app.domain.agency import AgencyProfileData, format_number
from app.domain.codes import (
    ApplicantKind,
    Channel,
    Delivery,
    EventKind,
    IdDocType,
    Outcome,
    RequestedForm,
    Status,
)
from app.domain.dates import cn_date
from app.domain.fees import FeeScheme
from app.domain.procedure import (
    ConsultationEnded,
    ConsultationStarted,
    CorrectionRequested,
    Decided,
    Extension,
    FeeNotice,
    Payload,
    Registered,
    Served,
    Situation,
)

# ---------------------------------------------------------------------------------------------- kinds


class DocumentKind(StrEnum):
    """The documents the office prints, each with its own template and (most) its own yearly number."""

    APPLICATION_FORM = "application_form"
    RECEIPT = "receipt"
    CORRECTION = "correction"
    EXTENSION = "extension"
    THIRD_PARTY = "third_party"
    CONSULTATION_NOTICE = "consultation_notice"
    AGENCY_CONSULTATION = "agency_consultation"
    FEE = "fee"
    REASONS = "reasons"
    REPLY = "reply"
    SERVICE = "service"

    @property
    def label(self) -> str:
        """The short Chinese name the clerk picks (also the command line's ``--kind``)."""
        return _KIND_INFO[self][0]

    @property
    def title(self) -> str:
        """The title printed on the document."""
        return _KIND_INFO[self][1]

    @property
    def basis(self) -> str:
        """The article the document rests on (《中华人民共和国政府信息公开条例》 unless said otherwise)."""
        return _KIND_INFO[self][2]

    @property
    def numbered(self) -> bool:
        """True when the document gets its own yearly number (文号); the 申请表 and the 登记回执 carry the
        registration number instead (docs/rules.md §8)."""
        return self not in (DocumentKind.APPLICATION_FORM, DocumentKind.RECEIPT)

    @property
    def sequence(self) -> str:
        """The ``number_sequence.kind`` of its yearly counter."""
        return f"doc:{self.value}"

    @property
    def pattern_setting(self) -> str:
        """The key of its number pattern in the settings registry (numbered kinds only)."""
        return f"document_pattern_{self.value}"

    @classmethod
    def from_label(cls, text: str) -> DocumentKind:
        t = text.strip()
        for member in cls:
            if t in (member.label, member.value, member.title):
                return member
        raise ValueError(f"未知的文书种类：{text}（可选：{'、'.join(m.label for m in cls)}）")


_KIND_INFO: dict[DocumentKind, tuple[str, str, str]] = {
    DocumentKind.APPLICATION_FORM: ("申请表", "政府信息公开申请表", "第二十九条"),
    DocumentKind.RECEIPT: ("登记回执", "政府信息公开申请登记回执", "第三十一条、第三十三条"),
    DocumentKind.CORRECTION: ("补正告知书", "政府信息公开申请补正告知书", "第三十条"),
    DocumentKind.EXTENSION: ("延期答复告知书", "政府信息公开申请延期答复告知书", "第三十三条第二款"),
    DocumentKind.THIRD_PARTY: ("第三方意见征询函", "政府信息公开第三方意见征询函", "第三十二条"),
    DocumentKind.CONSULTATION_NOTICE: ("征求意见告知书", "政府信息公开申请征求意见告知书", "第三十二条、第三十三条"),
    DocumentKind.AGENCY_CONSULTATION: ("征求意见书", "政府信息公开征求意见书", "第三十四条"),
    DocumentKind.FEE: ("收费通知书", "政府信息公开信息处理费收费通知书", "第四十二条、国办函〔2020〕109号"),
    DocumentKind.REASONS: ("说明理由告知书", "政府信息公开申请说明理由告知书", "第三十五条"),
    DocumentKind.REPLY: ("答复书", "政府信息公开申请答复书", "第三十六条至第三十九条"),
    DocumentKind.SERVICE: ("送达回证", "送达回证", ""),
}

#: Default number patterns, one per numbered kind (settings ``document_pattern_<kind>``; docs/rules.md §8).
DEFAULT_PATTERNS: dict[DocumentKind, str] = {
    DocumentKind.CORRECTION: "淄审批公开补〔{年}〕{号}号",
    DocumentKind.EXTENSION: "淄审批公开延〔{年}〕{号}号",
    DocumentKind.THIRD_PARTY: "淄审批公开征〔{年}〕{号}号",
    DocumentKind.CONSULTATION_NOTICE: "淄审批公开告〔{年}〕{号}号",
    DocumentKind.AGENCY_CONSULTATION: "淄审批公开函〔{年}〕{号}号",
    DocumentKind.FEE: "淄审批公开费〔{年}〕{号}号",
    DocumentKind.REASONS: "淄审批公开说〔{年}〕{号}号",
    DocumentKind.REPLY: "淄审批公开〔{年}〕{号}号",
    DocumentKind.SERVICE: "淄审批公开送〔{年}〕{号}号",
}
#: The internal serial of the documents that print the registration number (never printed).
INTERNAL_PATTERN = "{年}-{号}"


def template_name(kind: DocumentKind, outcome: Outcome | None = None) -> str:
    """The template file of *kind* in ``forms/``: ``reply_<outcome>.j2`` for an 答复书, else ``<kind>.j2``."""
    if kind is DocumentKind.REPLY:
        if outcome is None:
            raise ValueError("答复书须有办理结果")
        return f"reply_{outcome.value}.j2"
    return f"{kind.value}.j2"


def all_template_names() -> list[str]:
    """Every template the program needs: one per kind, one 答复书 per outcome (docs/rules.md §5)."""
    names = [template_name(k) for k in DocumentKind if k is not DocumentKind.REPLY]
    return names + [template_name(DocumentKind.REPLY, o) for o in Outcome]


# ---------------------------------------------------------------------------------------------- which fit


class EventLike(Protocol):
    """An event of the case as the screens and the procedure read it (``EventView`` or ``Recorded``)."""

    @property
    def kind(self) -> EventKind: ...

    @property
    def day(self) -> date: ...

    @property
    def payload(self) -> Payload: ...


@dataclass(frozen=True)
class DocumentOption:
    """One kind of document and whether it fits the case now; ``reason`` says why not, or what it is for.

    ``event`` is the step the document arises from (the correction notice, the extension, the reply …);
    ``outcome`` picks the 答复书 of the recorded outcome. The service adds ``issued_number`` and
    ``document_id`` when that document was already issued (a reprint keeps its number).
    """

    kind: DocumentKind
    allowed: bool
    reason: str = ""
    event: Any = None
    outcome: Outcome | None = None
    issued_number: str = ""
    document_id: int | None = None

    @property
    def label(self) -> str:
        if self.kind is DocumentKind.REPLY and self.outcome is not None:
            return f"{self.kind.label}（{self.outcome.label}）"
        return self.kind.label

    @property
    def event_id(self) -> int | None:
        value = getattr(self.event, "id", None)
        return value if isinstance(value, int) else None


def _last(events: Iterable[EventLike], *kinds: EventKind) -> EventLike | None:
    found: EventLike | None = None
    for e in events:
        if e.kind in kinds:
            found = e  # events come in date order; the latest one wins
    return found


def _ordered(events: Iterable[EventLike]) -> list[EventLike]:
    return sorted(events, key=lambda e: (e.day, getattr(e, "id", 0) or 0))


#: The notice or letter a step of the procedure calls for (the clerk is offered it right after recording the step).
DOCUMENT_FOR_STEP: dict[EventKind, DocumentKind] = {
    EventKind.REGISTERED: DocumentKind.RECEIPT,
    EventKind.CORRECTION_REQUESTED: DocumentKind.CORRECTION,  # 第三十条
    EventKind.EXTENSION: DocumentKind.EXTENSION,  # 第三十三条第二款
    EventKind.THIRD_PARTY_CONSULTATION_STARTED: DocumentKind.THIRD_PARTY,  # 第三十二条
    EventKind.AGENCY_CONSULTATION_STARTED: DocumentKind.AGENCY_CONSULTATION,  # 第三十四条
    EventKind.FEE_NOTICE_SENT: DocumentKind.FEE,  # 第四十二条
    EventKind.DECIDED: DocumentKind.REPLY,  # 第三十六条至第三十九条
    EventKind.SERVED: DocumentKind.SERVICE,
}


def applicable_documents(situation: Situation, events: Iterable[EventLike]) -> list[DocumentOption]:
    """Every kind of document and whether it fits the case (docs/rules.md §8, §13), in procedure order.

    申请表 and 登记回执 always (the 申请表 filled in with the registered particulars, for the applicant's
    signature when the clerk filled it in, Art. 29 ¶1); the notices only after their step was recorded; the
    答复书 only when the case was closed by a reply, choosing the letter of the recorded outcome; the 送达回证
    after a reply. A voided registration gets none.
    """
    K, D = EventKind, DocumentKind
    evs = _ordered(events)
    if situation.status is Status.VOIDED:
        return [DocumentOption(k, False, "该登记已作废，不能出具文书") for k in DocumentKind]
    registered = _last(evs, K.REGISTERED)
    decided = _last(evs, K.DECIDED)
    withdrawn = situation.withdrawn_on is not None
    out: list[DocumentOption] = []

    def step(kind: DocumentKind, event_kinds: tuple[EventKind, ...], missing: str, ok: str) -> None:
        ev = _last(evs, *event_kinds)
        out.append(DocumentOption(kind, ev is not None, ok if ev is not None else missing, ev))

    form_reason = (
        "工作人员代为填写的申请表，打印后请申请人核对并签名（第二十九条第一款）"
        if any(isinstance(e.payload, Registered) and e.payload.filled_by_clerk for e in evs)
        else "按登记内容填写的申请表（第二十九条）"
    )
    out.append(DocumentOption(D.APPLICATION_FORM, True, form_reason, registered))
    out.append(DocumentOption(D.RECEIPT, True, "登记时交申请人：登记编号、收到申请之日、答复期限", registered))
    step(
        D.CORRECTION,
        (K.CORRECTION_REQUESTED,),
        "没有记录补正告知，不能出具补正告知书（第三十条）；请先在“记录办理事项”中记录补正告知",
        "一次性告知申请人需要补正的事项和补正期限（第三十条）",
    )
    step(
        D.EXTENSION,
        (K.EXTENSION,),
        "没有记录延期答复，不能出具延期答复告知书（第三十三条第二款）",
        "告知申请人延长答复期限（第三十三条第二款）",
    )
    step(
        D.THIRD_PARTY,
        (K.THIRD_PARTY_CONSULTATION_STARTED,),
        "没有记录征求第三方意见，不能出具第三方意见征询函（第三十二条）",
        "书面征求第三方意见（第三十二条）",
    )
    step(
        D.CONSULTATION_NOTICE,
        (K.THIRD_PARTY_CONSULTATION_STARTED, K.AGENCY_CONSULTATION_STARTED),
        "没有记录征求第三方或其他机关意见，不能出具征求意见告知书（第三十二条、第三十四条）",
        "告知申请人正在征求意见，所需时间不计入答复期限（第三十三条第三款）",
    )
    step(
        D.AGENCY_CONSULTATION,
        (K.AGENCY_CONSULTATION_STARTED,),
        "没有记录征求其他机关意见，不能出具征求意见书（第三十四条）",
        "征求共同制作机关的意见（第三十四条）",
    )
    step(
        D.FEE,
        (K.FEE_NOTICE_SENT,),
        "没有记录收费通知，不能出具收费通知书（第四十二条、国办函〔2020〕109号）",
        "通知申请人收费依据、标准、金额和缴费方式、期限（第四十二条、国办函〔2020〕109号）",
    )
    if situation.receipt_date is None:
        reasons = (False, "尚未确认收到申请（第三十一条），不能要求说明理由")
    elif situation.closed_on is not None:
        reasons = (False, "该申请已办结，不能再要求说明理由（第三十五条）")
    else:
        reasons = (True, "申请数量、频次明显超过合理范围的，可以要求申请人说明理由（第三十五条）")
    out.append(DocumentOption(D.REASONS, reasons[0], reasons[1]))
    outcome = situation.outcome if decided is not None else None
    if decided is not None and outcome is not None:
        basis = outcome.info.legal_basis or "写明所依据的理由"
        out.append(DocumentOption(D.REPLY, True, f"按记录的办理结果“{outcome.label}”出具（{basis}）", decided, outcome))
    elif withdrawn:
        out.append(DocumentOption(D.REPLY, False, "申请人已撤回申请，不出具答复书"))
    else:
        out.append(DocumentOption(D.REPLY, False, "尚未作出答复：请先记录“作出答复”及办理结果，再出具对应的答复书"))
    if decided is not None:
        out.append(DocumentOption(D.SERVICE, True, "送达答复书时由受送达人签收", decided, outcome))
    elif withdrawn:
        out.append(DocumentOption(D.SERVICE, False, "申请人已撤回申请，没有需要送达的答复书"))
    else:
        out.append(DocumentOption(D.SERVICE, False, "送达回证在作出答复之后出具"))
    return out


# ---------------------------------------------------------------------------------------------- placeholders

#: Every placeholder a template of any kind may use, with what it holds (the office reads this in forms/).
COMMON_PLACEHOLDERS: dict[str, str] = {
    "机关名称": "机关名称（落款），如：淄博市行政审批服务局",
    "工作机构": "信息公开工作机构",
    "机关地址": "机关地址",
    "机关邮编": "机关邮政编码",
    "机关电话": "咨询电话",
    "机关传真": "传真",
    "机关邮箱": "电子邮箱",
    "办公时间": "办公时间",
    "复议机关": "行政复议机关",
    "复议机关地址": "复议机关地址",
    "复议机关电话": "复议机关电话",
    "管辖法院": "管辖法院",
    "法院地址": "法院地址",
    "法院电话": "法院电话",
    "文号": "本文书的编号（申请表、登记回执为登记编号）",
    "登记编号": "申请的登记编号",
    "成文日期": "成文日期，如：2026年3月5日",
    "空白表": "打印空白申请表时为“是”",
    "申请人": "申请人姓名或名称（称谓）",
    "申请人类型": "自然人、商业企业……",
    "申请人证件类型": "身份证明的种类",
    "申请人证件号码": "身份证明号码",
    "法定代表人": "法定代表人（法人或其他组织）",
    "联系人": "联系人",
    "申请人电话": "申请人联系电话",
    "申请人地址": "申请人通讯地址",
    "申请人邮编": "申请人邮政编码",
    "申请人邮箱": "申请人电子邮箱",
    "代理人": "委托代理人姓名",
    "代理人证件类型": "代理人身份证明的种类",
    "代理人证件号码": "代理人身份证明号码",
    "申请方式": "当面、信函、电子邮件、网上申请、传真",
    "提交方式": "“当面提交的”“以信函方式提交的”……（用于开头）",
    "到达日期": "申请到达之日",
    "收到申请之日": "收到申请之日（第三十一条）；待确认时为空",
    "收到补正之日": "收到补正后申请之日（第三十条）；没有补正时为空",
    "申请内容": "所需政府信息的内容描述",
    "文件名称文号": "所需信息的文件名称、文号",
    "申请用途": "所需信息的用途",
    "载体形式": "申请人要求的载体形式",
    "获取途径": "申请人要求的获取方式",
    "申请减免费用": "“是”或“否”",
    "代为填写": "工作人员代为填写时为“是”（第二十九条第一款）",
    "答复期限": "答复期限（第三十三条），如：2026年3月19日；计时暂停或待确认时为空",
}

KIND_PLACEHOLDERS: dict[DocumentKind, dict[str, str]] = {
    DocumentKind.APPLICATION_FORM: {},
    DocumentKind.RECEIPT: {"告知事项": "可编辑：回执中的其他告知事项"},
    DocumentKind.CORRECTION: {
        "补正告知日期": "发出补正告知之日",
        "补正事项": "可编辑：需要补正的事项",
        "补正期限": "申请人的补正期限",
        "补正说明": "可编辑：指导和释明（第三十条）",
    },
    DocumentKind.EXTENSION: {
        "延期告知日期": "告知延期之日",
        "延长天数": "本次延长的工作日数",
        "原答复期限": "延长前的答复期限",
        "延期后答复期限": "延长后的答复期限",
        "批准人": "批准延期的负责人",
        "延期理由": "可编辑：需要延长答复期限的理由",
    },
    DocumentKind.THIRD_PARTY: {
        "征求对象": "第三方名称或姓名",
        "征求意见日期": "发出征询函之日",
        "征询事项": "可编辑：拟公开的政府信息",
        "涉及权益": "可编辑：公开可能损害的第三方权益",
    },
    DocumentKind.CONSULTATION_NOTICE: {
        "征求类型": "“第三方”或“其他机关”",
        "征求对象": "被征求意见的机关（第三方时不写名称）",
        "征求意见日期": "发出征求意见之日",
        "补充说明": "可编辑：其他说明",
    },
    DocumentKind.AGENCY_CONSULTATION: {
        "征求对象": "被征求意见的机关",
        "征求意见日期": "发出征求意见书之日",
        "征询事项": "可编辑：拟公开的政府信息",
        "征询理由": "可编辑：征求意见的原因",
    },
    DocumentKind.FEE: {
        "收费通知日期": "发出收费通知之日",
        "计费方式": "按件计收或按量计收",
        "计费数量": "本月第几件或页数",
        "收费档次": "适用档次",
        "收费金额": "金额（元，阿拉伯数字）",
        "金额大写": "金额大写，如：壹仟柒佰元整",
        "收费依据": "收费依据（记录收费通知时的完整说明）",
        "收费标准": "适用的计费标准（按件或按量的分档规则）",
        "缴费期限": "缴费期限（第四十二条、国办函〔2020〕109号）",
        "缴费天数": "缴费期限的工作日数",
        "已减免": "减免时为“是”",
        "减免理由": "减免的理由",
        "缴费方式": "可编辑：缴费方式",
    },
    DocumentKind.REASONS: {
        "说明理由期限": "申请人说明理由的期限",
        "申请情况": "可编辑：申请数量、频次情况",
        "需说明的事项": "可编辑：请申请人说明的事项",
    },
    DocumentKind.REPLY: {
        "办理结果": "办理结果，如：不予公开-内部事务信息",
        "法律依据": "办理结果的法律依据（条例条款）",
        "补正告知日期": "发出补正告知之日",
        "补正事项": "补正告知中需要补正的事项",
        "补正期限": "申请人的补正期限",
        "收费通知日期": "发出收费通知之日",
        "收费通知文号": "收费通知书文号（已出具时）",
        "收费金额": "收费金额（元）",
        "缴费期限": "缴费期限",
        "说明理由告知日期": "说明理由告知书的日期（已出具时）",
        "说明理由告知文号": "说明理由告知书文号（已出具时）",
        "已征求第三方意见": "征求过第三方意见时为“是”",
        "第三方意见": "第三方的意见（已记录时）",
        "理由": "可编辑：作出该决定的理由（部分公开：不予公开的内容和理由）",
        "获取方式": "可编辑：获取信息的方式、途径和时间",
        "信息掌握机关": "可编辑：负责公开该信息的机关及联系方式（第三十六条第（五）项）",
        "补充说明": "可编辑：其他需要说明的事项",
    },
    DocumentKind.SERVICE: {
        "送达文书": "可编辑：送达文书的名称及文号",
        "受送达人": "受送达人",
        "送达地址": "送达地址",
        "送达方式": "已记录送达时的送达方式",
        "送达日期": "已记录送达时的送达日期",
        "备注": "可编辑：备注",
    },
}

#: Functions every template may call (see :mod:`app.documents.templates`).
TEMPLATE_FUNCTIONS: dict[str, str] = {
    "选项": "选项(值, 选项1, 选项2, …)：打印 ■选中 □未选",
    "空白": "空白(n)：n 个空行（空白表格中留出书写位置）",
}


def placeholders(kind: DocumentKind | None) -> dict[str, str]:
    """The placeholders a template of *kind* may use (``None``: the shared parts, ``_*.j2``)."""
    return {**COMMON_PLACEHOLDERS, **(KIND_PLACEHOLDERS[kind] if kind is not None else {})}


# ---------------------------------------------------------------------------------------------- editable parts


@dataclass(frozen=True)
class Part:
    """A free-text part of a document the clerk may rewrite before issuing.

    ``required`` says why it cannot be left empty (citing the article), "" when it may. ``form`` says how
    the text stands in the letter: ``"sentence"`` (each line ends with 。), ``"phrase"`` (inside a sentence:
    one line, no closing punctuation) or ``"text"`` (lines kept as typed, e.g. a numbered list).
    """

    name: str
    hint: str
    required: str = ""
    form: str = "sentence"

    def normalise(self, text: str) -> str:
        cleaned = _clean_text(text)
        if self.form == "phrase":
            return quoted(cleaned)
        if self.form == "sentence":
            return "\n".join(sentence(line) for line in cleaned.split("\n") if line)
        return cleaned


def editable_parts(kind: DocumentKind, outcome: Outcome | None = None) -> tuple[Part, ...]:
    """The parts of *kind* (and, for an 答复书, of *outcome*) the clerk may edit, in the order of the letter."""
    D, OC = DocumentKind, Outcome
    if kind is D.RECEIPT:
        return (Part("告知事项", "其他需要告知申请人的事项（可留空）"),)
    if kind is D.CORRECTION:
        return (
            Part("补正事项", "需要补正的事项（可分行）", "补正告知须说明需要补正的事项（第三十条）", "text"),
            Part("补正说明", "对申请人的指导和释明（第三十条）"),
        )
    if kind is D.EXTENSION:
        return (Part("延期理由", "需要延长答复期限的理由"),)
    if kind is D.THIRD_PARTY:
        return (
            Part("征询事项", "拟公开的政府信息", "征询函须写明拟公开的政府信息（第三十二条）", "phrase"),
            Part("涉及权益", "经审查的情况：公开可能损害第三方的哪些合法权益"),
        )
    if kind is D.CONSULTATION_NOTICE:
        return (Part("补充说明", "其他需要告知申请人的事项（可留空）"),)
    if kind is D.AGENCY_CONSULTATION:
        return (
            Part("征询事项", "拟公开的政府信息", "征求意见书须写明拟公开的政府信息（第三十四条）", "phrase"),
            Part("征询理由", "征求意见的原因，如：该政府信息由本机关与贵单位共同制作"),
        )
    if kind is D.FEE:
        return (Part("缴费方式", "缴费的方式、地点或账户", "收费通知须写明缴费方式（国办函〔2020〕109号）"),)
    if kind is D.REASONS:
        return (
            Part("申请情况", "申请的数量、频次情况，如：您于2026年3月共提出申请15件", form="phrase"),
            Part("需说明的事项", "请申请人说明的事项"),
        )
    if kind is D.SERVICE:
        return (
            Part("送达文书", "送达文书的名称及文号", "送达回证须写明送达文书", "phrase"),
            Part("备注", "（可留空）", form="text"),
        )
    if kind is not D.REPLY or outcome is None:
        return ()
    extra = Part("补充说明", "其他需要说明的事项（可留空）")
    obtain = Part("获取方式", "获取信息的方式、途径和时间（第三十六条第（一）、（二）项，第四十条）")
    reason = Part("理由", "作出该决定的理由")
    if outcome is OC.DISCLOSED:
        return (obtain, extra)
    if outcome is OC.PARTIAL:
        required = Part("理由", "不予公开的内容及理由", "部分公开须对不予公开的内容说明理由（第三十七条）")
        return (required, obtain, extra)
    if outcome is OC.NOT_PROCESSED_PUBLICATION:
        return (Part("获取方式", "公开出版物的获取途径（第三十九条第二款）"), extra)
    if outcome is OC.UNAVAILABLE_NOT_HELD:
        holder = Part(
            "信息掌握机关",
            "负责公开该信息的机关名称及联系方式（能够确定时，第三十六条第（五）项），如：淄博市××局（电话：……）",
            form="phrase",
        )
        return (holder, Part("理由", "检索情况或其他需要说明的理由（可留空）"), extra)
    if outcome in (OC.OTHER_NO_CORRECTION, OC.OTHER_NO_FEE):
        return (extra,)
    if outcome is OC.OTHER_OTHER:
        return (Part("理由", "处理情况及理由", "答复须说明处理情况及理由"), extra)
    return (reason, extra)


class EditError(ValueError):
    """The clerk's edits name a part the document does not have, or leave a required part empty."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def apply_edits(
    kind: DocumentKind,
    outcome: Outcome | None,
    context: Mapping[str, str],
    edits: Mapping[str, str] | None,
    *,
    check_required: bool = True,
) -> dict[str, str]:
    """*context* with the clerk's *edits* (part name → text) merged in, every part in its form
    (:meth:`Part.normalise`); raises :class:`EditError` for an unknown part or (``check_required``) a
    required part left empty (Chinese, citing the article)."""
    parts = {p.name: p for p in editable_parts(kind, outcome)}
    merged = dict(context)
    problems: list[str] = []
    for name in edits or {}:
        if name not in parts:
            known = "、".join(parts) or "无"
            problems.append(f"“{kind.label}”没有可编辑的“{name}”（可编辑：{known}）")
    for name, part in parts.items():
        merged[name] = part.normalise((edits or {}).get(name, merged.get(name, "")))
        if check_required and part.required and not merged[name].strip():
            problems.append(f"请填写“{name}”：{part.required}")
    if problems:
        raise EditError(problems)
    return merged


def _clean_text(text: str) -> str:
    lines = [line.strip() for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------------- the context


@dataclass(frozen=True)
class IssuedRef:
    """A document already issued on the case, as a later letter cites it."""

    kind: DocumentKind
    number: str
    issued_on: date


@dataclass(frozen=True)
class CaseFacts:
    """What a letter needs to know about one application (the service fills it from the register)."""

    reg_number: str = ""
    applicant_name: str = ""
    applicant_kind: ApplicantKind | None = None
    id_doc_type: IdDocType | None = None
    id_number: str = ""
    legal_representative: str = ""
    contact_person: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    email: str = ""
    agent_name: str = ""
    agent_id_doc_type: IdDocType | None = None
    agent_id_number: str = ""
    channel: Channel | None = None
    arrived_on: date | None = None
    receipt_date: date | None = None
    content: str = ""
    document_titles: str = ""
    purpose: str = ""
    requested_form: RequestedForm | None = None
    delivery: Delivery | None = None
    fee_waiver_requested: bool = False
    filled_by_clerk: bool = False
    situation: Situation | None = None
    events: tuple[Any, ...] = ()
    issued: tuple[IssuedRef, ...] = ()


_SUBMITTED: dict[Channel, str] = {
    Channel.IN_PERSON: "当面提交的",
    Channel.LETTER: "以信函方式提交的",
    Channel.EMAIL: "通过电子邮件提交的",
    Channel.ONLINE: "通过网上申请平台提交的",
    Channel.FAX: "以传真方式提交的",
}


def _d(day: date | None) -> str:
    return cn_date(day) if day is not None else ""


def sentence(text: str) -> str:
    """*text* ending with a full stop (。) unless it already ends a sentence; "" stays ""."""
    t = text.strip()
    if not t:
        return ""
    if t[-1] in "。！？；…」』”）)":
        return t if t[-1] not in "）)" or t[-2:-1] in "。！？" else t + "。"
    return t.rstrip("，,、：:;.") + "。"


def quoted(text: str) -> str:
    """Content quoted in “…”: inner line breaks folded, the closing full stop dropped."""
    t = "；".join(line.strip() for line in text.replace("\r", "").split("\n") if line.strip())
    return t.rstrip("。.；;，,")


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def rmb_upper(amount: int) -> str:
    """An amount of whole yuan in capital figures as receipts write it: 1700 → 壹仟柒佰元整."""
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount == 0:
        return "零元整"
    groups: list[int] = []
    n = amount
    while n:
        groups.append(n % 10000)
        n //= 10000
    text = ""
    for index in range(len(groups) - 1, -1, -1):
        g = groups[index]
        if g == 0:
            text += "零"
            continue
        part = ""
        for digit, unit in zip((g // 1000, g // 100 % 10, g // 10 % 10, g % 10), "仟佰拾 ", strict=True):
            part += "零" if digit == 0 else _DIGITS[digit] + unit.strip()
        part = re.sub("零+", "零", part).rstrip("零")
        text += part + ("", "万", "亿", "万亿")[index]
    text = re.sub("零+", "零", text).strip("零")
    text = re.sub("零([万亿])", r"\1", text)
    return text + "元整"


def parse_number(pattern: str, text: str) -> tuple[int, int] | None:
    """(year, seq) of a number *text* written in *pattern* (``〔{年}〕{号}号``), or None when it does not fit."""
    regex = ""
    pos = 0
    groups: list[str] = []
    for m in re.finditer(r"\{(年|号)(?::[^}]*)?\}", pattern):
        regex += re.escape(pattern[pos : m.start()])
        regex += r"(\d{4})" if m.group(1) == "年" else r"(\d+)"
        groups.append(m.group(1))
        pos = m.end()
    regex += re.escape(pattern[pos:])
    found = re.fullmatch(regex, text.strip())
    if found is None or sorted(groups) != ["号", "年"]:
        return None
    values = dict(zip(groups, (int(g) for g in found.groups()), strict=True))
    year, seq = values["年"], values["号"]
    try:
        if format_number(pattern, year, seq) != text.strip():
            return None
    except ValueError:
        return None
    return year, seq


def _delivery_text(case: CaseFacts, office: AgencyProfileData) -> str:
    """How the information reaches the applicant (Art. 36(2), Art. 40), by the way the applicant asked for."""
    form = case.requested_form.label if case.requested_form else "纸质文本"
    where = f"{office.address}（{office.office_name}）"
    match case.delivery:
        case Delivery.COLLECT:
            return (
                f"请您自收到本答复书之日起15个工作日内，在工作日办公时间（{office.office_hours}）"
                f"携带本人有效身份证明到{where}领取所申请的政府信息（{form}）。"
            )
        case Delivery.POST:
            to = f"至您提供的通讯地址（{case.address}）" if case.address else "给您"
            return f"本机关将所申请的政府信息以{form}形式随本答复书一并邮寄{to}。"
        case Delivery.EMAIL:
            to = f"（{case.email}）" if case.email else ""
            return f"本机关将所申请的政府信息以电子文档形式发送至您提供的电子邮箱{to}。"
        case Delivery.FAX:
            return "本机关将所申请的政府信息以传真方式发送至您提供的传真号码。"
        case Delivery.INSPECT:
            return (
                f"请您自收到本答复书之日起15个工作日内，在工作日办公时间（{office.office_hours}）"
                f"携带本人有效身份证明到{where}查阅、抄录所申请的政府信息。"
            )
    return "本机关随本答复书向您提供所申请的政府信息。"


_WITHHELD_REASONS: dict[Outcome, str] = {
    Outcome.WITHHELD_STATE_SECRET: "您申请公开的政府信息已依法确定为国家秘密。",
    Outcome.WITHHELD_LAW_PROHIBITS: "您申请公开的政府信息属于法律、行政法规禁止公开的政府信息。",
    Outcome.WITHHELD_SECURITY_STABILITY: "您申请公开的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。",
    Outcome.WITHHELD_THIRD_PARTY: (
        "您申请公开的政府信息涉及第三方的商业秘密、个人隐私，公开会对第三方合法权益造成损害。"
    ),
    Outcome.WITHHELD_INTERNAL: ("您申请公开的政府信息属于本机关人事管理、后勤管理、内部工作流程等方面的内部事务信息。"),
    Outcome.WITHHELD_PROCESS: (
        "您申请公开的政府信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息。"
    ),
    Outcome.WITHHELD_ENFORCEMENT_FILE: "您申请公开的政府信息属于本机关的行政执法案卷信息。",
    Outcome.WITHHELD_ADMIN_QUERY: (
        "您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对该类信息的获取有特别规定。"
    ),
    Outcome.UNAVAILABLE_NEEDS_CREATION: (
        "本机关没有现成的您所申请的信息，提供该信息需要本机关对现有政府信息进行加工、分析。"
    ),
    Outcome.UNAVAILABLE_STILL_UNCLEAR: (
        "您提交的补正材料仍未能明确所需政府信息的名称、文号或者其他特征描述，本机关无法据此确定您所需的政府信息。"
    ),
    Outcome.NOT_PROCESSED_PETITION: "您提出的申请内容实质上是信访、投诉、举报事项，不属于政府信息公开申请。",
    Outcome.NOT_PROCESSED_REPEAT: (
        "本机关已就您此前提出的政府信息公开申请作出答复，您本次申请公开的是相同的政府信息。"
    ),
    Outcome.NOT_PROCESSED_MASS: (
        "您申请公开政府信息的数量、频次明显超过合理范围，经本机关要求说明理由，您未说明理由或者所说明的理由不合理。"
    ),
    Outcome.NOT_PROCESSED_CONFIRM: (
        "您申请的内容实质上是要求本机关对您已获取的政府信息进行确认或者重新出具。政府信息公开是向申请人提供"
        "行政机关在履行行政管理职能过程中已制作或者获取的、以一定形式记录、保存的信息（《中华人民共和国政府"
        "信息公开条例》第二条），不包括对已获取信息的确认或者重新出具。"
    ),
}


def _fee_rule(notice: FeeNotice | None) -> str:
    """The banding rule of the scheme (国办函〔2020〕109号) out of the basis recorded with the fee notice."""
    if notice is None or notice.scheme is None:
        return ""
    from app.domain.fees import quote

    basis = notice.basis or quote(notice.scheme, 1).basis
    rule = basis.split("本件适用", 1)[1] if "本件适用" in basis else basis
    rule = rule.split("：", 1)[1] if rule.startswith(notice.scheme.label) and "：" in rule else rule
    return sentence(rule.split("需缴费的", 1)[0])


def _latest_issued(case: CaseFacts, kind: DocumentKind) -> IssuedRef | None:
    found = [r for r in case.issued if r.kind is kind]
    return max(found, key=lambda r: r.issued_on) if found else None


def letter_context(
    kind: DocumentKind,
    case: CaseFacts | None,
    office: AgencyProfileData,
    *,
    number: str = "",
    dated: date | None = None,
    subject: Any = None,
    outcome: Outcome | None = None,
    extended_due: date | None = None,
    reasons_due: date | None = None,
    month_applications: int | None = None,
    fee_payment_days: int = 20,
    fee_due: date | None = None,
    served_document: str = "",
) -> dict[str, str]:
    """Every placeholder of *kind* (exactly :func:`placeholders`), as text, for the facts of *case*.

    *case* ``None`` gives the blank 申请表. *number* is the document's number (or the registration number);
    *dated* its date (成文日期); *subject* the event it arises from (:attr:`DocumentOption.event`);
    *outcome* the recorded outcome of an 答复书. The other keywords are what the service works out with the
    calendar and the register: the extended reply date (Art. 33 ¶2), the applicant's deadline for reasons
    (Art. 35), the applicant's applications this month, the payment period and the payment deadline
    (国办函〔2020〕109号; by default the case's ``fee_payment_due``) and the document a 送达回证 is for.
    The free-text parts (:func:`editable_parts`) get their default wording here.
    """
    case = case or CaseFacts()
    sit = case.situation
    p = office
    values: dict[str, str] = {
        "机关名称": p.agency_name,
        "工作机构": p.office_name,
        "机关地址": p.address,
        "机关邮编": p.postcode,
        "机关电话": p.phone,
        "机关传真": p.fax,
        "机关邮箱": p.email,
        "办公时间": p.office_hours,
        "复议机关": p.reconsideration_body,
        "复议机关地址": p.reconsideration_address,
        "复议机关电话": p.reconsideration_phone,
        "管辖法院": p.court_name,
        "法院地址": p.court_address,
        "法院电话": p.court_phone,
        "文号": number,
        "登记编号": case.reg_number,
        "成文日期": _d(dated),
        "空白表": "是" if not case.reg_number else "",
        "申请人": case.applicant_name,
        "申请人类型": case.applicant_kind.label if case.applicant_kind else "",
        "申请人证件类型": case.id_doc_type.label if case.id_doc_type else "",
        "申请人证件号码": case.id_number,
        "法定代表人": case.legal_representative,
        "联系人": case.contact_person,
        "申请人电话": case.phone,
        "申请人地址": case.address,
        "申请人邮编": case.postcode,
        "申请人邮箱": case.email,
        "代理人": case.agent_name,
        "代理人证件类型": case.agent_id_doc_type.label if case.agent_id_doc_type else "",
        "代理人证件号码": case.agent_id_number,
        "申请方式": case.channel.label if case.channel else "",
        "提交方式": _SUBMITTED[case.channel] if case.channel else "提交的",
        "到达日期": _d(case.arrived_on),
        "收到申请之日": _d(case.receipt_date),
        "收到补正之日": "",
        "申请内容": quoted(case.content),
        "文件名称文号": case.document_titles.strip(),
        "申请用途": case.purpose.strip(),
        "载体形式": case.requested_form.label if case.requested_form else "",
        "获取途径": case.delivery.label if case.delivery else "",
        "申请减免费用": ("是" if case.fee_waiver_requested else "否") if case.reg_number else "",
        "代为填写": "是" if case.filled_by_clerk else "",
        "答复期限": _d(sit.deadlines.reply_due) if sit is not None else "",
    }
    events = _ordered(case.events or (sit.events if sit is not None else ()))
    # the corrected application is recited only by letters written after it arrived (Art. 30)
    received = [e for e in events if e.kind is EventKind.CORRECTION_RECEIVED and (dated is None or e.day <= dated)]
    if received and kind is not DocumentKind.CORRECTION:
        values["收到补正之日"] = _d(received[-1].day)
    correction = _last(events, EventKind.CORRECTION_REQUESTED)
    fee = _last(events, EventKind.FEE_NOTICE_SENT)
    D = DocumentKind
    payload = getattr(subject, "payload", None)
    if kind is D.RECEIPT:
        values["告知事项"] = ""
    elif kind is D.CORRECTION:
        c = payload if isinstance(payload, CorrectionRequested) else None
        values |= {
            "补正告知日期": _d(subject.day) if subject is not None else "",
            "补正事项": _clean_text(c.items) if c else "",
            "补正期限": _d(c.deadline) if c else "",
            "补正说明": (
                "请您尽可能写明所需政府信息的名称、文号、制作机关、形成时间或者其他有助于本机关确定信息内容的"
                "特征描述；如有疑问，可以来电咨询，本机关将给予指导和释明。"
            ),
        }
    elif kind is D.EXTENSION:
        x = payload if isinstance(payload, Extension) else None
        values |= {
            "延期告知日期": _d(subject.day) if subject is not None else "",
            "延长天数": str(x.days) if x else "",
            "原答复期限": _d(sit.deadlines.unextended_due) if sit is not None else "",
            "延期后答复期限": _d(extended_due),
            "批准人": x.approved_by if x else "",
            "延期理由": "因您申请公开的政府信息需要进一步检索、核实，本机关无法在规定期限内作出答复。",
        }
    elif kind in (D.THIRD_PARTY, D.CONSULTATION_NOTICE, D.AGENCY_CONSULTATION):
        c2 = payload if isinstance(payload, ConsultationStarted) else None
        third = subject is not None and subject.kind is EventKind.THIRD_PARTY_CONSULTATION_STARTED
        values |= {
            "征求对象": (c2.party if c2 else "") if not (kind is D.CONSULTATION_NOTICE and third) else "",
            "征求意见日期": _d(subject.day) if subject is not None else "",
        }
        if kind is D.CONSULTATION_NOTICE:
            values |= {"征求类型": "第三方" if third else "其他机关", "补充说明": ""}
        elif kind is D.THIRD_PARTY:
            values |= {
                "征询事项": quoted(case.content),
                "涉及权益": (
                    "经审查，该政府信息可能涉及贵方的商业秘密、个人隐私等合法权益，公开可能对贵方合法权益造成损害。"
                ),
            }
        else:
            values |= {
                "征询事项": quoted(case.content),
                "征询理由": "经审查，该政府信息由本机关与贵单位共同制作。",
            }
    elif kind is D.FEE:
        f = payload if isinstance(payload, FeeNotice) else None
        amount = f.amount_yuan if f is not None and f.amount_yuan is not None else None
        if f is not None and f.quantity:
            per_application = f.scheme is FeeScheme.PER_APPLICATION
            quantity = f"为您本自然月提出的第{f.quantity}件申请" if per_application else f"共{f.quantity}页"
        else:
            quantity = ""
        values |= {
            "收费通知日期": _d(subject.day) if subject is not None else "",
            "计费方式": f.scheme.label if f is not None and f.scheme else "",
            "计费数量": quantity,
            "收费档次": f.tier if f is not None else "",
            "收费金额": str(amount) if amount is not None else (f.amount_text if f is not None else ""),
            "金额大写": rmb_upper(amount) if amount is not None else "",
            "收费依据": f.basis if f is not None else "",
            "收费标准": _fee_rule(f),
            "缴费期限": _d(fee_due or (sit.fee_payment_due if sit is not None else None)),
            "缴费天数": str(fee_payment_days),
            "已减免": "是" if f is not None and f.waived else "",
            "减免理由": f.waiver_reason if f is not None else "",
            "缴费方式": (
                f"请持本通知书到{p.address}（{p.office_name}）办理缴费手续，或按本机关告知的非税收入缴款方式"
                "缴入国库，并将缴款凭证交本机关。"
            ),
        }
    elif kind is D.REASONS:
        month = ""
        if month_applications and case.receipt_date is not None:
            month = (
                f"您于{case.receipt_date.year}年{case.receipt_date.month}月共向本机关提出政府信息公开申请"
                f"{month_applications}件"
            )
        values |= {
            "说明理由期限": _d(reasons_due),
            "申请情况": month,
            "需说明的事项": "申请获取上述政府信息的理由，以及需要在一定期间内大量、反复申请的原因。",
        }
    elif kind is D.REPLY:
        decided = payload if isinstance(payload, Decided) else None
        o = outcome or (decided.outcome if decided else None)
        c = correction.payload if correction is not None else None
        fn = fee.payload if fee is not None else None
        fee_doc = _latest_issued(case, D.FEE)
        reasons_doc = _latest_issued(case, D.REASONS)
        third = _last(events, EventKind.THIRD_PARTY_CONSULTATION_STARTED)
        ended = _last(events, EventKind.THIRD_PARTY_CONSULTATION_ENDED)
        given = decided.reason.strip() if decided else ""
        values |= {
            "办理结果": o.label if o else "",
            "法律依据": o.info.legal_basis if o else "",
            "补正告知日期": _d(correction.day) if correction is not None else "",
            "补正事项": quoted(c.items) if isinstance(c, CorrectionRequested) else "",
            "补正期限": _d(c.deadline) if isinstance(c, CorrectionRequested) else "",
            "收费通知日期": _d(fee.day) if fee is not None else "",
            "收费通知文号": fee_doc.number if fee_doc else "",
            "收费金额": str(fn.amount_yuan) if isinstance(fn, FeeNotice) and fn.amount_yuan is not None else "",
            "缴费期限": _d(fee_due or (sit.fee_payment_due if sit is not None else None)),
            "说明理由告知日期": _d(reasons_doc.issued_on) if reasons_doc else "",
            "说明理由告知文号": reasons_doc.number if reasons_doc else "",
            "已征求第三方意见": "是" if third is not None else "",
            "第三方意见": (
                quoted(ended.payload.opinion)
                if ended is not None and isinstance(ended.payload, ConsultationEnded)
                else ""
            ),
            "理由": sentence(given) if given else (_WITHHELD_REASONS.get(o, "") if o else ""),
            "获取方式": "",
            "信息掌握机关": decided.holder.strip() if decided else "",
            "补充说明": "",
        }
        if o in (Outcome.DISCLOSED, Outcome.PARTIAL):
            values["获取方式"] = _delivery_text(case, office)
        elif o is Outcome.NOT_PROCESSED_PUBLICATION:
            values["获取方式"] = (
                "您可以通过公开发行渠道购买，或者到公共图书馆、本机关政府信息公开查阅点查阅上述公开出版物。"
            )
        if o is Outcome.UNAVAILABLE_NOT_HELD:
            values["理由"] = sentence(given)
    elif kind is D.SERVICE:
        served = _last(events, EventKind.SERVED)
        s = served.payload if served is not None and isinstance(served.payload, Served) else None
        values |= {
            "送达文书": served_document,
            "受送达人": case.applicant_name,
            "送达地址": case.address,
            "送达方式": s.method.label if s is not None and s.method else "",
            "送达日期": _d(served.day) if served is not None else "",
            "备注": "",
        }
    expected = placeholders(kind)
    missing = set(expected) - set(values)
    extra = set(values) - set(expected)
    if missing or extra:  # a programming error: the declaration and the values must match
        raise AssertionError(f"placeholders out of step for {kind}: missing {missing}, extra {extra}")
    return values

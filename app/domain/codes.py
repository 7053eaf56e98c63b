"""Fixed vocabularies of the 政府信息公开 work: channels, applicant kinds, outcomes, event kinds.

Every enumeration stores a stable ASCII code in the database and shows its Chinese label to the clerk.
The applicant kinds and outcomes are exactly the columns and rows of table 三 of the annual report
(国办公开办函〔2021〕30号), so that each closed application counts in exactly one cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    """How the application reached the office (Art. 29, Art. 31)."""

    IN_PERSON = "in_person"
    LETTER = "letter"
    EMAIL = "email"
    ONLINE = "online"
    FAX = "fax"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]

    @classmethod
    def from_label(cls, text: str) -> Channel:
        for member, label in CHANNEL_LABELS.items():
            if text.strip() in (label, member.value):
                return member
        raise ValueError(f"未知的申请方式：{text}")


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.IN_PERSON: "当面",
    Channel.LETTER: "信函",
    Channel.EMAIL: "电子邮件",
    Channel.ONLINE: "网上申请",
    Channel.FAX: "传真",
}


class PostKind(StrEnum):
    """For letters: signed-for post starts the clock on signature, ordinary post on confirmation."""

    SIGNED = "signed"
    ORDINARY = "ordinary"

    @property
    def label(self) -> str:
        return {PostKind.SIGNED: "需签收的邮件（挂号信、EMS 等）", PostKind.ORDINARY: "平常信函（无需签收）"}[self]


class ApplicantKind(StrEnum):
    """Applicant kinds, exactly the six columns of annual-report table 三."""

    NATURAL_PERSON = "natural_person"
    COMMERCIAL = "commercial"
    RESEARCH = "research"
    PUBLIC_INTEREST = "public_interest"
    LEGAL_SERVICE = "legal_service"
    OTHER = "other"

    @property
    def label(self) -> str:
        return APPLICANT_KIND_LABELS[self]

    @property
    def is_organisation(self) -> bool:
        return self is not ApplicantKind.NATURAL_PERSON

    @classmethod
    def from_label(cls, text: str) -> ApplicantKind:
        for member, label in APPLICANT_KIND_LABELS.items():
            if text.strip() in (label, member.value):
                return member
        raise ValueError(f"未知的申请人类型：{text}")


APPLICANT_KIND_LABELS: dict[ApplicantKind, str] = {
    ApplicantKind.NATURAL_PERSON: "自然人",
    ApplicantKind.COMMERCIAL: "商业企业",
    ApplicantKind.RESEARCH: "科研机构",
    ApplicantKind.PUBLIC_INTEREST: "社会公益组织",
    ApplicantKind.LEGAL_SERVICE: "法律服务机构",
    ApplicantKind.OTHER: "其他",
}


class IdDocType(StrEnum):
    """Identity documents the counter sees (docs/rules.md §9)."""

    RESIDENT_ID = "resident_id"
    HMT_RESIDENCE = "hmt_residence"
    FOREIGN_PERMANENT = "foreign_permanent"
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    CREDIT_CODE = "credit_code"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ID_DOC_LABELS[self]

    @classmethod
    def from_label(cls, text: str) -> IdDocType:
        for member, label in ID_DOC_LABELS.items():
            if text.strip() in (label, member.value):
                return member
        raise ValueError(f"未知的证件类型：{text}")


ID_DOC_LABELS: dict[IdDocType, str] = {
    IdDocType.RESIDENT_ID: "居民身份证",
    IdDocType.HMT_RESIDENCE: "港澳台居民居住证",
    IdDocType.FOREIGN_PERMANENT: "外国人永久居留身份证",
    IdDocType.PASSPORT: "护照",
    IdDocType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdDocType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdDocType.CREDIT_CODE: "统一社会信用代码",
    IdDocType.OTHER: "其他证件",
}

PERSON_DOC_TYPES: tuple[IdDocType, ...] = (
    IdDocType.RESIDENT_ID,
    IdDocType.HMT_RESIDENCE,
    IdDocType.FOREIGN_PERMANENT,
    IdDocType.PASSPORT,
    IdDocType.HK_MACAO_PERMIT,
    IdDocType.TAIWAN_PERMIT,
    IdDocType.OTHER,
)
ORGANISATION_DOC_TYPES: tuple[IdDocType, ...] = (IdDocType.CREDIT_CODE, IdDocType.OTHER)


class VerificationMethod(StrEnum):
    """What the clerk saw when checking identity (docs/rules.md §9)."""

    ORIGINAL_SEEN = "original_seen"
    COPY_KEPT = "copy_kept"
    ELECTRONIC = "electronic"
    AUTHORISATION = "authorisation"
    NOT_CHECKED = "not_checked"

    @property
    def label(self) -> str:
        return {
            VerificationMethod.ORIGINAL_SEEN: "查验原件",
            VerificationMethod.COPY_KEPT: "留存复印件",
            VerificationMethod.ELECTRONIC: "电子证照核验",
            VerificationMethod.AUTHORISATION: "查验授权委托书",
            VerificationMethod.NOT_CHECKED: "未核验",
        }[self]


class RequestedForm(StrEnum):
    """载体形式 the applicant asked for (Art. 29 ¶3)."""

    PAPER = "paper"
    ELECTRONIC = "electronic"
    DISC = "disc"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            RequestedForm.PAPER: "纸质文本",
            RequestedForm.ELECTRONIC: "电子文档",
            RequestedForm.DISC: "光盘/存储介质",
            RequestedForm.OTHER: "其他",
        }[self]


class Delivery(StrEnum):
    """获取方式 the applicant asked for (Art. 29 ¶3)."""

    COLLECT = "collect"
    POST = "post"
    EMAIL = "email"
    FAX = "fax"
    INSPECT = "inspect"

    @property
    def label(self) -> str:
        return {
            Delivery.COLLECT: "当面领取",
            Delivery.POST: "邮寄",
            Delivery.EMAIL: "电子邮件",
            Delivery.FAX: "传真",
            Delivery.INSPECT: "现场查阅",
        }[self]


@dataclass(frozen=True)
class OutcomeInfo:
    code: str
    short_label: str
    report_row: str  # e.g. "三(三)5"
    official_label: str  # the row label exactly as printed in table 三
    legal_basis: str


class Outcome(StrEnum):
    """The decision on an application: exactly one row of table 三 (docs/rules.md §5)."""

    DISCLOSED = "disclosed"
    PARTIAL = "partial"
    WITHHELD_STATE_SECRET = "withheld_state_secret"
    WITHHELD_LAW_PROHIBITS = "withheld_law_prohibits"
    WITHHELD_SECURITY_STABILITY = "withheld_security_stability"
    WITHHELD_THIRD_PARTY = "withheld_third_party"
    WITHHELD_INTERNAL = "withheld_internal"
    WITHHELD_PROCESS = "withheld_process"
    WITHHELD_ENFORCEMENT_FILE = "withheld_enforcement_file"
    WITHHELD_ADMIN_QUERY = "withheld_admin_query"
    UNAVAILABLE_NOT_HELD = "unavailable_not_held"
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation"
    UNAVAILABLE_STILL_UNCLEAR = "unavailable_still_unclear"
    NOT_PROCESSED_PETITION = "not_processed_petition"
    NOT_PROCESSED_REPEAT = "not_processed_repeat"
    NOT_PROCESSED_PUBLICATION = "not_processed_publication"
    NOT_PROCESSED_MASS = "not_processed_mass"
    NOT_PROCESSED_CONFIRM = "not_processed_confirm"
    OTHER_NO_CORRECTION = "other_no_correction"
    OTHER_NO_FEE = "other_no_fee"
    OTHER_OTHER = "other_other"

    @property
    def info(self) -> OutcomeInfo:
        return OUTCOMES[self]

    @property
    def label(self) -> str:
        return OUTCOMES[self].short_label

    @classmethod
    def from_label(cls, text: str) -> Outcome:
        """Accept the short label (不予公开-内部事务信息), the official row label, or the code."""
        t = _normalise_label(text)
        for member, info in OUTCOMES.items():
            if t in (_normalise_label(info.short_label), _normalise_label(info.official_label), member.value):
                return member
        raise ValueError(f"未知的办理结果：{text}")


def _normalise_label(text: str) -> str:
    """Fold the punctuation variants a spreadsheet brings in (half-width brackets, dashes, spaces)."""
    t = text.strip().replace(" ", "").replace("\u3000", "")
    for a, b in (
        ("(", "（"),
        (")", "）"),
        (",", "，"),
        ("－", "-"),
        ("—", "-"),
        ("–", "-"),
        ("．", "."),
        ('"', "“"),
    ):
        t = t.replace(a, b)
    return t.replace("本单位", "本机关")


def _o(code: str, short: str, row: str, official: str, basis: str) -> OutcomeInfo:
    return OutcomeInfo(code, short, row, official, basis)


OUTCOMES: dict[Outcome, OutcomeInfo] = {
    Outcome.DISCLOSED: _o("disclosed", "予以公开", "三(一)", "（一）予以公开", "第三十六条第（一）、（二）项"),
    Outcome.PARTIAL: _o(
        "partial",
        "部分公开",
        "三(二)",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "第三十七条",
    ),
    Outcome.WITHHELD_STATE_SECRET: _o(
        "withheld_state_secret",
        "不予公开-国家秘密",
        "三(三)1",
        "1.属于国家秘密",
        "第十四条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_LAW_PROHIBITS: _o(
        "withheld_law_prohibits",
        "不予公开-法律行政法规禁止",
        "三(三)2",
        "2.其他法律行政法规禁止公开",
        "第十四条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_SECURITY_STABILITY: _o(
        "withheld_security_stability",
        "不予公开-三安全一稳定",
        "三(三)3",
        "3.危及“三安全一稳定”",
        "第十四条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_THIRD_PARTY: _o(
        "withheld_third_party",
        "不予公开-第三方合法权益",
        "三(三)4",
        "4.保护第三方合法权益",
        "第十五条、第三十二条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_INTERNAL: _o(
        "withheld_internal",
        "不予公开-内部事务信息",
        "三(三)5",
        "5.属于三类内部事务信息",
        "第十六条第一款、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_PROCESS: _o(
        "withheld_process",
        "不予公开-过程性信息",
        "三(三)6",
        "6.属于四类过程性信息",
        "第十六条第二款、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_ENFORCEMENT_FILE: _o(
        "withheld_enforcement_file",
        "不予公开-行政执法案卷",
        "三(三)7",
        "7.属于行政执法案卷",
        "第十六条第二款、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_ADMIN_QUERY: _o(
        "withheld_admin_query",
        "不予公开-行政查询事项",
        "三(三)8",
        "8.属于行政查询事项",
        "第三十六条第（七）项",
    ),
    Outcome.UNAVAILABLE_NOT_HELD: _o(
        "unavailable_not_held",
        "无法提供-本机关不掌握",
        "三(四)1",
        "1.本机关不掌握相关政府信息",
        "第三十六条第（四）、（五）项",
    ),
    Outcome.UNAVAILABLE_NEEDS_CREATION: _o(
        "unavailable_needs_creation",
        "无法提供-需另行制作",
        "三(四)2",
        "2.没有现成信息需要另行制作",
        "第三十八条",
    ),
    Outcome.UNAVAILABLE_STILL_UNCLEAR: _o(
        "unavailable_still_unclear",
        "无法提供-补正后仍不明确",
        "三(四)3",
        "3.补正后申请内容仍不明确",
        "第三十条",
    ),
    Outcome.NOT_PROCESSED_PETITION: _o(
        "not_processed_petition",
        "不予处理-信访举报投诉",
        "三(五)1",
        "1.信访举报投诉类申请",
        "第三十九条第一款",
    ),
    Outcome.NOT_PROCESSED_REPEAT: _o(
        "not_processed_repeat", "不予处理-重复申请", "三(五)2", "2.重复申请", "第三十六条第（六）项"
    ),
    Outcome.NOT_PROCESSED_PUBLICATION: _o(
        "not_processed_publication",
        "不予处理-公开出版物",
        "三(五)3",
        "3.要求提供公开出版物",
        "第三十九条第二款",
    ),
    Outcome.NOT_PROCESSED_MASS: _o(
        "not_processed_mass", "不予处理-大量反复申请", "三(五)4", "4.无正当理由大量反复申请", "第三十五条"
    ),
    Outcome.NOT_PROCESSED_CONFIRM: _o(
        "not_processed_confirm",
        "不予处理-确认或重新出具",
        "三(五)5",
        "5.要求行政机关确认或重新出具已获取信息",
        "",
    ),
    Outcome.OTHER_NO_CORRECTION: _o(
        "other_no_correction",
        "其他处理-逾期不补正",
        "三(六)1",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "第三十条",
    ),
    Outcome.OTHER_NO_FEE: _o(
        "other_no_fee",
        "其他处理-逾期未缴费",
        "三(六)2",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "第四十二条、国办函〔2020〕109号",
    ),
    Outcome.OTHER_OTHER: _o("other_other", "其他处理-其他", "三(六)3", "3.其他", ""),
}


class EventKind(StrEnum):
    """Kinds of timeline events. Status and deadlines are derived from these, never hand-edited."""

    REGISTERED = "registered"
    RECEIPT_CONFIRMED = "receipt_confirmed"
    IDENTITY_CHECKED = "identity_checked"
    CORRECTION_REQUESTED = "correction_requested"
    CORRECTION_RECEIVED = "correction_received"
    THIRD_PARTY_CONSULTATION_STARTED = "third_party_started"
    THIRD_PARTY_CONSULTATION_ENDED = "third_party_ended"
    AGENCY_CONSULTATION_STARTED = "agency_started"
    AGENCY_CONSULTATION_ENDED = "agency_ended"
    FEE_NOTICE_SENT = "fee_notice"
    FEE_PAID = "fee_paid"
    EXTENSION = "extension"
    DECIDED = "decided"
    SERVED = "served"
    RECONSIDERATION_FILED = "reconsideration_filed"
    RECONSIDERATION_DECIDED = "reconsideration_decided"
    LITIGATION_FILED = "litigation_filed"
    LITIGATION_DECIDED = "litigation_decided"
    EDITED = "edited"
    PARTICULARS_CORRECTED = "particulars_corrected"
    WITHDRAWN = "withdrawn"
    VOIDED = "voided"
    ATTACHMENT_ADDED = "attachment_added"
    DOCUMENT_ISSUED = "document_issued"
    SETTING_CHANGED = "setting_changed"
    NOTE = "note"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS: dict[EventKind, str] = {
    EventKind.REGISTERED: "登记申请",
    EventKind.RECEIPT_CONFIRMED: "确认收到申请",
    EventKind.IDENTITY_CHECKED: "核验身份",
    EventKind.CORRECTION_REQUESTED: "发出补正告知",
    EventKind.CORRECTION_RECEIVED: "收到补正材料",
    EventKind.THIRD_PARTY_CONSULTATION_STARTED: "征求第三方意见（暂停计时）",
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: "第三方意见征询结束（恢复计时）",
    EventKind.AGENCY_CONSULTATION_STARTED: "征求其他机关意见（暂停计时）",
    EventKind.AGENCY_CONSULTATION_ENDED: "其他机关意见征询结束（恢复计时）",
    EventKind.FEE_NOTICE_SENT: "发出收费通知（暂停计时）",
    EventKind.FEE_PAID: "收到缴费（恢复计时）",
    EventKind.EXTENSION: "延期答复",
    EventKind.DECIDED: "作出答复",
    EventKind.SERVED: "送达",
    EventKind.RECONSIDERATION_FILED: "申请行政复议",
    EventKind.RECONSIDERATION_DECIDED: "行政复议结果",
    EventKind.LITIGATION_FILED: "提起行政诉讼",
    EventKind.LITIGATION_DECIDED: "行政诉讼结果",
    EventKind.EDITED: "修改登记信息",
    EventKind.PARTICULARS_CORRECTED: "更正登记事项",
    EventKind.WITHDRAWN: "申请人撤回申请",
    EventKind.VOIDED: "作废登记",
    EventKind.ATTACHMENT_ADDED: "添加附件",
    EventKind.DOCUMENT_ISSUED: "出具文书",
    EventKind.SETTING_CHANGED: "修改设置",
    EventKind.NOTE: "备注",
}


class Status(StrEnum):
    """Where an application stands; derived from its events (never stored as hand-edited truth)."""

    AWAITING_CONFIRMATION = "awaiting_confirmation"
    IN_PROGRESS = "in_progress"
    AWAITING_CORRECTION = "awaiting_correction"
    PAUSED = "paused"
    EXTENDED = "extended"
    CLOSED = "closed"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return {
            Status.AWAITING_CONFIRMATION: "待确认收到",
            Status.IN_PROGRESS: "办理中",
            Status.AWAITING_CORRECTION: "待补正",
            Status.PAUSED: "暂停计时",
            Status.EXTENDED: "已延期",
            Status.CLOSED: "已办结",
            Status.VOIDED: "已作废",
        }[self]


class AttachmentCategory(StrEnum):
    """What an attachment is (附件类别); stored in the ``attachment_added`` event's data."""

    APPLICATION_SCAN = "application_scan"
    ID_COPY = "id_copy"
    AUTHORISATION = "authorisation"
    THIRD_PARTY = "third_party"
    DELIVERY_RECEIPT = "delivery_receipt"
    EMAIL_WEB = "email_web"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[AttachmentCategory, str] = {
    AttachmentCategory.APPLICATION_SCAN: "申请表扫描件",
    AttachmentCategory.ID_COPY: "身份证明复印件",
    AttachmentCategory.AUTHORISATION: "授权委托书",
    AttachmentCategory.THIRD_PARTY: "第三方意见",
    AttachmentCategory.DELIVERY_RECEIPT: "送达回证",
    AttachmentCategory.EMAIL_WEB: "电子邮件/网页截图",
    AttachmentCategory.OTHER: "其他",
}

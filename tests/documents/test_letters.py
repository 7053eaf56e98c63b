"""app.domain.letters, pure: which documents fit a case, every placeholder's value, edits, numbers, amounts."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import procedure as P
from app.domain.agency import AgencyProfileData
from app.domain.codes import Channel, Delivery, EventKind, Outcome, RequestedForm
from app.domain.letters import (
    DEFAULT_PATTERNS,
    CaseFacts,
    DocumentKind,
    EditError,
    all_template_names,
    applicable_documents,
    apply_edits,
    editable_parts,
    letter_context,
    parse_number,
    placeholders,
    rmb_upper,
    sentence,
    template_name,
)
from app.domain.procedure import Recorded, situation_of
from app.domain.workcalendar import WorkCalendar, bundled_schedules

CAL = WorkCalendar(dict(bundled_schedules()))
RECEIVED = date(2026, 2, 13)


def sit_of(*events: Recorded):
    return situation_of(RECEIVED, RECEIVED, [Recorded.of(EventKind.REGISTERED, RECEIVED), *events], CAL)


def allowed(sit) -> dict[DocumentKind, bool]:
    return {o.kind: o.allowed for o in applicable_documents(sit, sit.events)}


def test_kinds_have_the_chinese_labels_and_their_own_sequences():
    assert [k.label for k in DocumentKind] == [
        "申请表",
        "登记回执",
        "补正告知书",
        "延期答复告知书",
        "第三方意见征询函",
        "征求意见告知书",
        "征求意见书",
        "收费通知书",
        "说明理由告知书",
        "答复书",
        "送达回证",
    ]
    assert DocumentKind.from_label("答复书") is DocumentKind.REPLY
    with pytest.raises(ValueError, match="未知的文书种类"):
        DocumentKind.from_label("公告")
    assert {k for k in DocumentKind if k.numbered} == set(DEFAULT_PATTERNS)
    assert len({k.sequence for k in DocumentKind}) == len(DocumentKind)
    assert len(set(DEFAULT_PATTERNS.values())) == len(DEFAULT_PATTERNS)
    assert len(all_template_names()) == 10 + 21
    assert template_name(DocumentKind.REPLY, Outcome.PARTIAL) == "reply_partial.j2"
    with pytest.raises(ValueError):
        template_name(DocumentKind.REPLY)


def test_which_documents_fit_follows_the_recorded_steps():
    fresh = sit_of()
    assert [k for k, ok in allowed(fresh).items() if ok] == [
        DocumentKind.APPLICATION_FORM,
        DocumentKind.RECEIPT,
        DocumentKind.REASONS,
    ]
    correction = Recorded.of(EventKind.CORRECTION_REQUESTED, date(2026, 2, 24), {"deadline": "2026-03-10"})
    assert allowed(sit_of(correction))[DocumentKind.CORRECTION]
    third = Recorded.of(EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 2, 24), {"party": "甲公司"})
    fits = allowed(sit_of(third))
    assert fits[DocumentKind.THIRD_PARTY] and fits[DocumentKind.CONSULTATION_NOTICE]
    assert not fits[DocumentKind.AGENCY_CONSULTATION]
    agency = Recorded.of(EventKind.AGENCY_CONSULTATION_STARTED, date(2026, 2, 24), {"party": "乙局"})
    fits = allowed(sit_of(agency))
    assert fits[DocumentKind.AGENCY_CONSULTATION] and fits[DocumentKind.CONSULTATION_NOTICE]
    assert not fits[DocumentKind.THIRD_PARTY]
    assert allowed(sit_of(Recorded.of(EventKind.EXTENSION, date(2026, 3, 2), {"days": 5})))[DocumentKind.EXTENSION]
    fee = Recorded.of(EventKind.FEE_NOTICE_SENT, date(2026, 2, 24), {"scheme": "per_page", "amount_yuan": 700})
    assert allowed(sit_of(fee))[DocumentKind.FEE]

    decided = Recorded.of(EventKind.DECIDED, date(2026, 3, 5), {"outcome": "withheld_process"})
    sit = sit_of(decided)
    options = {o.kind: o for o in applicable_documents(sit, sit.events)}
    assert options[DocumentKind.REPLY].allowed and options[DocumentKind.REPLY].outcome is Outcome.WITHHELD_PROCESS
    assert options[DocumentKind.REPLY].label == "答复书（不予公开-过程性信息）"
    assert "第十六条第二款" in options[DocumentKind.REPLY].reason
    assert options[DocumentKind.SERVICE].allowed and not options[DocumentKind.REASONS].allowed

    withdrawn = sit_of(Recorded.of(EventKind.WITHDRAWN, date(2026, 3, 5), {"how": "written"}))
    options = {o.kind: o for o in applicable_documents(withdrawn, withdrawn.events)}
    assert not options[DocumentKind.REPLY].allowed and "撤回" in options[DocumentKind.REPLY].reason

    voided = sit_of(Recorded.of(EventKind.VOIDED, date(2026, 2, 14), {"reason": "mistake"}))
    assert not any(allowed(voided).values())


def test_the_latest_step_is_the_subject():
    first = Recorded.of(EventKind.EXTENSION, date(2026, 3, 2), {"days": 5})
    second = Recorded.of(EventKind.EXTENSION, date(2026, 3, 9), {"days": 5})
    sit = sit_of(first, second)
    option = next(o for o in applicable_documents(sit, sit.events) if o.kind is DocumentKind.EXTENSION)
    assert option.event.day == date(2026, 3, 9)


FACTS = dict(
    reg_number="〔2026〕第3号",
    applicant_name="某某科技有限公司",
    channel=Channel.LETTER,
    arrived_on=RECEIVED,
    receipt_date=RECEIVED,
    content="2025年度本机关作出的行政许可决定。",
    requested_form=RequestedForm.ELECTRONIC,
    delivery=Delivery.EMAIL,
    email="a@b.cn",
)


def test_the_context_has_exactly_the_declared_placeholders_for_every_kind_and_outcome():
    office = AgencyProfileData()
    decided = Recorded.of(EventKind.DECIDED, date(2026, 3, 5), {"outcome": "disclosed"})
    sit = sit_of(decided)
    case = CaseFacts(**FACTS, situation=sit, events=sit.events)
    for kind in DocumentKind:
        for outcome in Outcome if kind is DocumentKind.REPLY else [None]:
            values = letter_context(kind, case, office, number="X", dated=date(2026, 3, 5), outcome=outcome)
            assert set(values) == set(placeholders(kind)), kind
            assert all(isinstance(v, str) for v in values.values())
            assert {p.name for p in editable_parts(kind, outcome)} <= set(values)
    blank = letter_context(DocumentKind.APPLICATION_FORM, None, office)
    assert blank["空白表"] == "是" and blank["申请人"] == "" and blank["机关名称"] == "淄博市行政审批服务局"


def test_the_context_writes_dates_and_phrases_as_a_notice_does():
    office = AgencyProfileData()
    decided = P.Decided(outcome=Outcome.DISCLOSED)
    sit = sit_of(Recorded(EventKind.DECIDED, date(2026, 3, 5), decided))
    case = CaseFacts(**FACTS, situation=sit, events=sit.events)
    subject = sit.events[-1]
    values = letter_context(DocumentKind.REPLY, case, office, number="N", dated=date(2026, 3, 5), subject=subject)
    assert values["成文日期"] == "2026年3月5日" and values["收到申请之日"] == "2026年2月13日"
    assert values["提交方式"] == "以信函方式提交的" and values["申请内容"] == "2025年度本机关作出的行政许可决定"
    assert values["法律依据"] == "第三十六条第（一）、（二）项" and "（a@b.cn）" in values["获取方式"]
    assert values["复议机关"] == "淄博市人民政府" and values["管辖法院"] == "淄博市张店区人民法院"


def test_edits_are_checked_and_put_in_form():
    base = {"理由": "", "获取方式": "x", "补充说明": ""}
    merged = apply_edits(DocumentKind.REPLY, Outcome.PARTIAL, base, {"理由": "  第2页涉及个人隐私，\r\n不予公开  "})
    assert merged["理由"] == "第2页涉及个人隐私。\n不予公开。"
    with pytest.raises(EditError) as err:
        apply_edits(DocumentKind.REPLY, Outcome.PARTIAL, base, {"理由": " "})
    assert "第三十七条" in err.value.problems[0]
    with pytest.raises(EditError) as err:
        apply_edits(DocumentKind.REPLY, Outcome.DISCLOSED, base, {"理由": "x"})
    assert "没有可编辑的“理由”" in err.value.problems[0]
    assert apply_edits(DocumentKind.REPLY, Outcome.PARTIAL, base, {}, check_required=False)["理由"] == ""
    phrase = apply_edits(DocumentKind.SERVICE, None, {"送达文书": "", "备注": ""}, {"送达文书": "答复书（1号）。"})
    assert phrase["送达文书"] == "答复书（1号）"


def test_sentences_amounts_and_numbers():
    assert sentence("不予公开") == "不予公开。" and sentence("不予公开，") == "不予公开。"
    assert sentence("（第十五条）") == "（第十五条）。" and sentence("好。") == "好。" and sentence(" ") == ""
    assert rmb_upper(1700) == "壹仟柒佰元整" and rmb_upper(100) == "壹佰元整" and rmb_upper(0) == "零元整"
    assert rmb_upper(10005) == "壹万零伍元整" and rmb_upper(100000) == "壹拾万元整"
    assert rmb_upper(1000100) == "壹佰万零壹佰元整" and rmb_upper(20) == "贰拾元整"
    assert parse_number("淄审批公开〔{年}〕{号}号", "淄审批公开〔2026〕12号") == (2026, 12)
    assert parse_number("〔{年}〕第{号:03}号", "〔2026〕第007号") == (2026, 7)
    assert parse_number("淄审批公开〔{年}〕{号}号", "〔2026〕12号") is None
    assert parse_number("淄审批公开〔{年}〕{号}号", "淄审批公开〔2026〕012号") is None  # not how it is written

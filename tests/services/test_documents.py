"""Printed documents through the services: every kind for realistic cases, read back from the PDF's text;
numbering (yearly sequences, reprints, voiding, concurrency, all-or-nothing); the 申请台账 print."""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from datetime import date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.documents import storage
from app.documents import templates as T
from app.domain.codes import EventKind, Outcome, Status
from app.domain.dates import cn_date
from app.domain.letters import DocumentKind
from app.domain.procedure import DocumentIssued
from app.services import applications as A
from app.services import documents as D
from app.services.backup import check_database
from app.services.context import ServiceContext
from app.services.errors import NotFound, ValidationError
from app.services.profile import get_profile, update_profile
from app.services.register import RegisterFilter, StatusFilter
from app.store.database import open_database
from app.store.events import check_chain
from app.store.models import Event, IssuedDocument, NumberSequence
from tests.documents.cases import (
    DECIDED_ON,
    OTHER_AGENCY,
    THIRD_PARTY,
    at,
    case_with_notices,
    closed_case,
    new_case,
    pdf_text,
    step,
)

REMEDY = ("淄博市人民政府", "0533-2306018", "淄博市张店区人民法院", "0533-2865258", "60日内", "6个月内", "第五十一条")


def issued_text(ctx, view) -> tuple[str, list[str]]:
    return pdf_text(D.document_pdf(ctx, view.id))


def doc_events(ctx, app_id: int) -> list[DocumentIssued]:
    detail = A.get_application(ctx, app_id)
    return [e.payload for e in detail.events if e.kind is EventKind.DOCUMENT_ISSUED]  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------- which fit


def test_a_new_case_offers_the_form_and_the_receipt_and_says_why_not_the_others(ctx, clock):
    app_id = new_case(ctx, clock)
    options = {o.kind: o for o in D.available_documents(ctx, app_id)}
    assert [k for k, o in options.items() if o.allowed] == [
        DocumentKind.APPLICATION_FORM,
        DocumentKind.RECEIPT,
        DocumentKind.REASONS,
    ]
    assert "没有记录补正告知" in options[DocumentKind.CORRECTION].reason
    assert "第三十条" in options[DocumentKind.CORRECTION].reason
    assert "尚未作出答复" in options[DocumentKind.REPLY].reason
    assert "作出答复之后" in options[DocumentKind.SERVICE].reason
    with pytest.raises(ValidationError) as err:
        D.draft(ctx, app_id, DocumentKind.REPLY)
    assert "不能出具“答复书”" in str(err.value)
    with pytest.raises(ValidationError):
        D.issue(ctx, app_id, DocumentKind.CORRECTION)
    with pytest.raises(NotFound):
        D.available_documents(ctx, 9999)


def test_withdrawn_and_voided_cases(ctx, clock):
    from app.domain import procedure as P

    withdrawn = new_case(ctx, clock)
    step(ctx, clock, withdrawn, EventKind.WITHDRAWN, date(2026, 2, 20), P.Withdrawn(how=P.WithdrawalMethod.WRITTEN))
    options = {o.kind: o for o in D.available_documents(ctx, withdrawn)}
    assert not options[DocumentKind.REPLY].allowed and "撤回" in options[DocumentKind.REPLY].reason
    assert not options[DocumentKind.SERVICE].allowed
    assert not options[DocumentKind.REASONS].allowed

    voided = new_case(ctx, clock, name="李四")
    receipt = D.issue(ctx, voided, DocumentKind.RECEIPT)
    A.void_application(ctx, voided, P.VoidReason.DUPLICATE, "同一份申请登记了两次")
    assert all(not o.allowed and "作废" in o.reason for o in D.available_documents(ctx, voided))
    with pytest.raises(ValidationError) as err:
        D.reprint(ctx, receipt.id)
    assert "作废" in str(err.value)


# ---------------------------------------------------------------------------------------------- every kind


def test_the_receipt_carries_the_registration_number_receipt_date_and_reply_date(ctx, clock):
    app_id = new_case(ctx, clock)
    view = D.issue(ctx, app_id, DocumentKind.RECEIPT)
    detail = A.get_application(ctx, app_id)
    assert view.number == detail.reg_number == "〔2026〕第1号"
    text, pages = issued_text(ctx, view)
    assert "政府信息公开申请登记回执" in text and "登记编号：〔2026〕第1号" in text
    assert "张三：" in text and "2026年2月13日" in text and "2026年3月19日" in text  # 20 working days (§4)
    assert "第三十三条" in text and "0533-2306817" in text
    assert len(pages) == view.pages == 1 and "— 1 —" in pages[0]
    assert "淄博市行政审批服务局" in text and cn_date(ARRIVED_DAY) in text


ARRIVED_DAY = date(2026, 2, 13)


def test_the_application_form_filled_in_by_the_clerk_is_for_the_applicants_signature(ctx, clock):
    app_id = new_case(ctx, clock, filled_by_clerk=True)
    option = next(o for o in D.available_documents(ctx, app_id) if o.kind is DocumentKind.APPLICATION_FORM)
    assert "代为填写" in option.reason and "第二十九条第一款" in option.reason
    view = D.issue(ctx, app_id, DocumentKind.APPLICATION_FORM)
    text, pages = issued_text(ctx, view)
    assert "淄博市行政审批服务局政府信息公开申请表" in text and "登记编号：〔2026〕第1号" in text
    assert "张三" in text and "11010519491231002X" in text and "建设工程施工许可证" in text
    assert "代为填写" in text and "第二十九条第一款" in text and "申请人签名或盖章" in text
    assert "■自然人" in text and "■纸质文本" in text and "■邮寄" in text and "□当面领取" in text
    assert len(pages) == 1


def test_the_blank_form_has_room_to_write_and_no_number(ctx):
    text, pages = pdf_text(D.blank_form_pdf(ctx))
    assert "政府信息公开申请表" in text and "登记编号" not in text and "■" not in text
    assert "□自然人" in text and "sxzspfwjbgs@zb.shandong.cn" in text and len(pages) == 1


def test_every_notice_of_the_procedure(ctx, clock):
    app_id = case_with_notices(ctx, clock)
    at(clock, date(2026, 3, 10))
    sit = A.get_application(ctx, app_id).situation
    assert sit is not None
    issued = {
        kind: D.issue(ctx, app_id, kind)
        for kind in DocumentKind
        if kind.numbered and kind not in (DocumentKind.REPLY, DocumentKind.SERVICE)
    }
    texts = {kind: issued_text(ctx, view)[0] for kind, view in issued.items()}

    correction = texts[DocumentKind.CORRECTION]
    assert issued[DocumentKind.CORRECTION].number == "淄审批公开补〔2026〕1号"
    assert "张三：" in correction and "2026年2月13日" in correction and "第三十条" in correction
    assert "请写明所需信息的时间范围" in correction and "2026年3月10日前" in correction
    assert "2026年2月24日" in correction and "收到您补正后的申请" not in correction  # written before it came

    extension = texts[DocumentKind.EXTENSION]
    assert "第三十三条第二款" in extension and "延长10个工作日" in extension
    assert f"于{cn_date(sit.deadlines.reply_due)}前作出答复" in extension and "2026年3月9日" in extension
    assert "2026年2月27日收到您补正后的申请" in extension

    third = texts[DocumentKind.THIRD_PARTY]
    assert f"{THIRD_PARTY}：" in third and "第三十二条" in third and "15个工作日" in third
    assert "张三" not in third and "13305330000" not in third  # the applicant is not named to the third party

    notice = texts[DocumentKind.CONSULTATION_NOTICE]
    assert "张三：" in notice and "第三十四条" in notice and "第三十三条第三款" in notice and OTHER_AGENCY in notice

    agency = texts[DocumentKind.AGENCY_CONSULTATION]
    assert f"{OTHER_AGENCY}：" in agency and "第三十四条" in agency and "视为同意公开" in agency

    fee = texts[DocumentKind.FEE]
    assert "第四十二条" in fee and "国办函〔2020〕109号" in fee and "按量计收" in fee and "共150页" in fee
    assert "1700元" in fee and "壹仟柒佰元整" in fee and "第101—200页部分，每页20元" in fee
    assert "2026年4月2日前缴纳" in fee  # 20 working days after the notice of 2026-03-05 (§7)
    assert all(part in fee for part in REMEDY[:4])

    reasons = texts[DocumentKind.REASONS]
    assert "第三十五条" in reasons and "2026年3月31日前" in reasons  # 15 working days after 2026-03-10
    assert "您于2026年2月共向本机关提出政府信息公开申请1件" in reasons

    for kind, text in texts.items():
        assert issued[kind].number.endswith("〔2026〕1号"), kind
        assert issued[kind].number in text and "淄博市行政审批服务局" in text
        assert len(PdfReader(BytesIO(D.document_pdf(ctx, issued[kind].id))).pages) == issued[kind].pages
    assert check_database(ctx).ok


def test_the_service_receipt_names_the_reply_letter_and_the_recorded_service(ctx, clock):
    from app.domain import procedure as P

    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)
    draft = D.draft(ctx, app_id, DocumentKind.SERVICE)
    assert any("答复书尚未出具" in n for n in draft.notes)
    reply = D.issue(ctx, app_id, DocumentKind.REPLY)
    step(ctx, clock, app_id, EventKind.SERVED, date(2026, 3, 6), P.Served(method=P.ServiceMethod.POST))
    view = D.issue(ctx, app_id, DocumentKind.SERVICE)
    text, pages = issued_text(ctx, view)
    assert "送达回证" in text and view.number == "淄审批公开送〔2026〕1号" and view.number in text
    assert f"政府信息公开申请答复书（{reply.number}）" in text
    assert "张三" in text and "■邮寄送达" in text and "2026年3月6日" in text and "受送达人签名" in text
    assert len(pages) == 1


# ---------------------------------------------------------------------------------------------- 答复书


CITED: dict[Outcome, tuple[str, ...]] = {
    Outcome.DISCLOSED: ("第三十六条第（二）项", "决定予以公开", "邮寄至您提供的通讯地址"),
    Outcome.PARTIAL: ("第三十七条", "决定部分公开", "身份证号码属于个人隐私"),
    Outcome.WITHHELD_STATE_SECRET: ("第十四条", "国家秘密", "第三十六条第（三）项", "决定不予公开"),
    Outcome.WITHHELD_LAW_PROHIBITS: ("第十四条", "法律、行政法规禁止公开", "第三十六条第（三）项"),
    Outcome.WITHHELD_SECURITY_STABILITY: ("第十四条", "国家安全、公共安全、经济安全、社会稳定", "第三十六条第（三）项"),
    Outcome.WITHHELD_THIRD_PARTY: ("第十五条", "第三十二条", "第三十六条第（三）项", "第三方的意见为“不同意公开”"),
    Outcome.WITHHELD_INTERNAL: ("第十六条第一款", "内部事务信息", "第三十六条第（三）项"),
    Outcome.WITHHELD_PROCESS: ("第十六条第二款", "过程性信息", "第三十六条第（三）项"),
    Outcome.WITHHELD_ENFORCEMENT_FILE: ("第十六条第二款", "行政执法案卷信息", "第三十六条第（三）项"),
    Outcome.WITHHELD_ADMIN_QUERY: ("第三十六条第（七）项", "不动产登记资料"),
    Outcome.UNAVAILABLE_NOT_HELD: ("第三十六条第（四）项", "政府信息不存在"),
    Outcome.UNAVAILABLE_NEEDS_CREATION: ("第三十八条", "加工、分析", "不予提供"),
    Outcome.UNAVAILABLE_STILL_UNCLEAR: ("第三十条", "2026年2月24日", "重新提出申请"),
    Outcome.NOT_PROCESSED_PETITION: ("第三十九条第一款", "不作为政府信息公开申请处理", "信访"),
    Outcome.NOT_PROCESSED_REPEAT: ("第三十六条第（六）项", "不予重复处理"),
    Outcome.NOT_PROCESSED_PUBLICATION: ("第三十九条第二款", "公开出版物", "公共图书馆"),
    Outcome.NOT_PROCESSED_MASS: ("第三十五条", "不予处理"),
    Outcome.NOT_PROCESSED_CONFIRM: ("第二条", "确认或者重新出具", "不予处理"),
    Outcome.OTHER_NO_CORRECTION: ("第三十条", "视为放弃申请", "2026年3月3日"),
    Outcome.OTHER_NO_FEE: ("第四十二条", "国办函〔2020〕109号", "视为放弃", "1700元", "2026年3月23日"),
    Outcome.OTHER_OTHER: ("申请人已通过其他途径获取",),
}
REASONS: dict[Outcome, str] = {
    Outcome.PARTIAL: "其中涉及建设单位法定代表人的身份证号码属于个人隐私，不予公开",
    Outcome.OTHER_OTHER: "申请人已通过其他途径获取所需信息，本机关终止办理",
}


@pytest.mark.parametrize("outcome", list(Outcome))
def test_a_reply_letter_for_every_outcome(ctx, clock, outcome):
    assert set(CITED) == set(Outcome)
    app_id = closed_case(ctx, clock, outcome, reason=REASONS.get(outcome, ""))
    option = next(o for o in D.available_documents(ctx, app_id) if o.kind is DocumentKind.REPLY)
    assert option.allowed and option.outcome is outcome
    view = D.issue(ctx, app_id, DocumentKind.REPLY)
    assert view.outcome is outcome and view.number == "淄审批公开〔2026〕1号"
    text, pages = issued_text(ctx, view)
    decided = date(2026, 3, 24) if outcome is Outcome.OTHER_NO_FEE else DECIDED_ON
    assert "政府信息公开申请答复书" in text and view.number in text and "张三：" in text
    assert "本机关于2026年2月13日收到您当面提交的政府信息公开申请" in text and "建设工程施工许可证" in text
    assert cn_date(decided) in text and "〔2026〕第1号" in text
    for needle in (*CITED[outcome], *REMEDY):
        assert needle in text, (outcome, needle)
    assert len(pages) == view.pages >= 1 and f"— {view.pages} —" in pages[-1]
    assert "《中华人民共和国政府信息公开条例》" in text


def test_not_held_names_the_agency_that_holds_it(ctx, clock):
    holder = "淄博市自然资源和规划局（电话：0533-3110000）"
    app_id = closed_case(ctx, clock, Outcome.UNAVAILABLE_NOT_HELD, holder=holder)
    draft = D.draft(ctx, app_id, DocumentKind.REPLY)
    assert draft.parts["信息掌握机关"] == holder
    text, _ = issued_text(ctx, D.issue(ctx, app_id, DocumentKind.REPLY))
    assert "第三十六条第（五）项" in text and f"该政府信息由{holder}负责公开" in text
    assert "第三十六条第（四）项" not in text


def test_partial_disclosure_and_other_need_their_reasons(ctx, clock):
    app_id = closed_case(ctx, clock, Outcome.PARTIAL)
    draft = D.draft(ctx, app_id, DocumentKind.REPLY)
    assert list(draft.parts) == ["理由", "获取方式", "补充说明"] and draft.parts["理由"] == ""
    assert any("第三十七条" in n for n in draft.notes)
    with pytest.raises(ValidationError) as err:
        D.issue(ctx, app_id, DocumentKind.REPLY)
    assert "请填写“理由”" in str(err.value) and "第三十七条" in str(err.value)
    with pytest.raises(ValidationError) as err:
        D.issue(ctx, app_id, DocumentKind.REPLY, {"答复意见": "x"})
    assert "没有可编辑的“答复意见”" in str(err.value)
    view = D.issue(ctx, app_id, DocumentKind.REPLY, {"理由": "第3页所载个人联系方式属于个人隐私，予以遮盖"})
    text, _ = issued_text(ctx, view)
    assert "第3页所载个人联系方式属于个人隐私，予以遮盖。" in text
    assert view.parts["理由"] == "第3页所载个人联系方式属于个人隐私，予以遮盖。"

    other = closed_case(ctx, clock, Outcome.OTHER_OTHER)
    with pytest.raises(ValidationError):
        D.issue(ctx, other, DocumentKind.REPLY)


def test_the_remedy_clause_follows_the_profile(ctx, clock):
    profile = get_profile(ctx)
    update_profile(
        ctx,
        replace(
            profile,
            reconsideration_body="淄博市张店区人民政府",
            reconsideration_address="淄博市张店区华光路1号",
            reconsideration_phone="0533-9999999",
            court_name="淄博市中级人民法院",
            court_address="淄博市张店区共青团西路1号",
            court_phone="0533-8888888",
        ),
    )
    app_id = closed_case(ctx, clock, Outcome.WITHHELD_INTERNAL)
    text, _ = issued_text(ctx, D.issue(ctx, app_id, DocumentKind.REPLY))
    assert "向淄博市张店区人民政府申请行政复议（地址：淄博市张店区华光路1号；电话：0533-9999999）" in text
    assert "向淄博市中级人民法院提起行政诉讼（地址：淄博市张店区共青团西路1号；电话：0533-8888888）" in text
    assert "0533-2306018" not in text and "张店区人民法院" not in text


def test_a_long_letter_flows_onto_page_two_with_its_page_number(ctx, clock):
    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)
    long_text = "\n".join(
        f"第{n}项：该信息已在本机关网站“政府信息公开”栏目主动公开，可在线查阅和下载。" for n in range(1, 40)
    )
    view = D.issue(ctx, app_id, DocumentKind.REPLY, {"补充说明": long_text})
    text, pages = issued_text(ctx, view)
    assert view.pages == len(pages) >= 3
    assert "— 1 —" in pages[0] and "— 2 —" in pages[1]
    assert "第39项" in text
    last = "".join(pages[-1].split())
    assert "2026年3月5日" in last and "淄博市行政审批服务局" in last  # the seal never alone on a page
    assert len(last.replace("—", "")) > 40


# ---------------------------------------------------------------------------------------------- drafts


def test_a_preview_is_marked_and_takes_no_number(ctx, clock):
    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)
    draft = D.draft(ctx, app_id, DocumentKind.REPLY)
    assert draft.number == "淄审批公开〔2026〕1号" and draft.issued is None and draft.title == "政府信息公开申请答复书"
    assert list(draft.parts) == ["获取方式", "补充说明"] and "邮寄" in draft.parts["获取方式"]
    pdf = D.preview_pdf(ctx, draft, {"补充说明": "所附材料共12页"})
    text, _ = pdf_text(pdf)
    assert "淄审批公开〔2026〕1号（样稿）" in text and "所附材料共12页。" in text
    assert D.preview_pdf(ctx, draft, {"补充说明": "所附材料共12页"}) == pdf  # deterministic
    with ctx.db.session_scope() as s:
        assert s.scalar(select(func.count(IssuedDocument.id))) == 0
        assert s.scalar(select(func.count(NumberSequence.kind)).where(NumberSequence.kind.like("doc:%"))) == 0
    view = D.issue(ctx, app_id, DocumentKind.REPLY, {"补充说明": "所附材料共12页"})
    assert view.number == draft.number
    again = D.draft(ctx, app_id, DocumentKind.REPLY)
    assert again.issued is not None and again.number == view.number and again.parts["补充说明"] == "所附材料共12页。"
    assert "可重新打印" in again.notes[0]


def test_edits_cannot_inject_marks_and_keep_their_paragraphs(ctx, clock):
    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)
    view = D.issue(ctx, app_id, DocumentKind.REPLY, {"补充说明": "【标题】假标题|第二格\n第二段"})
    with ctx.db.session_scope() as s:
        blocks = s.get(IssuedDocument, view.id).content["blocks"]
    assert [b[1] for b in blocks if b[0] == "title"] == ["淄博市行政审批服务局", "政府信息公开申请答复书"]
    assert ["body", "【标题】假标题｜第二格。"] in blocks and ["body", "第二段。"] in blocks
    assert not any(b[0] == "table" for b in blocks)


# ---------------------------------------------------------------------------------------------- numbering


def test_each_kind_numbers_from_1_every_year_and_a_reprint_keeps_its_number(ctx, clock):
    first = closed_case(ctx, clock, Outcome.DISCLOSED)
    second = closed_case(ctx, clock, Outcome.WITHHELD_INTERNAL)
    a = D.issue(ctx, first, DocumentKind.REPLY)
    b = D.issue(ctx, second, DocumentKind.REPLY)
    assert (a.number, b.number) == ("淄审批公开〔2026〕1号", "淄审批公开〔2026〕2号")
    assert (a.seq, b.seq, a.year) == (1, 2, 2026)
    s1 = D.issue(ctx, first, DocumentKind.SERVICE)
    assert s1.number == "淄审批公开送〔2026〕1号"  # its own sequence

    with pytest.raises(ValidationError) as err:
        D.issue(ctx, first, DocumentKind.REPLY)
    assert "已于2026年3月5日出具" in str(err.value) and "重新打印" in str(err.value)

    original = D.document_pdf(ctx, a.id)
    again = D.reprint(ctx, a.id)
    assert again == original and a.number in pdf_text(again)[0]
    events = doc_events(ctx, first)
    assert [(e.number, e.reprint) for e in events] == [(a.number, False), (s1.number, False), (a.number, True)]
    assert events[-1].sha256 == a.sha256 == storage.sha256_of(original) and events[-1].document_id == a.id

    # a new year starts again from 1 (the year of the letter's date)
    third = new_case(ctx, clock, name="王五", arrived=datetime(2027, 1, 6, 9, 0))
    from app.domain import procedure as P

    step(ctx, clock, third, EventKind.DECIDED, date(2027, 1, 8), P.Decided(outcome=Outcome.DISCLOSED))
    assert D.issue(ctx, third, DocumentKind.REPLY).number == "淄审批公开〔2027〕1号"
    with ctx.db.session_scope() as s:
        assert check_chain(s) == []


def test_a_voided_number_is_kept_and_never_reused(ctx, clock):
    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)
    first = D.issue(ctx, app_id, DocumentKind.REPLY)
    with pytest.raises(ValidationError):
        D.void_document(ctx, first.id, "  ")
    voided = D.void_document(ctx, first.id, "获取方式写错，未发出")
    assert voided.voided and voided.void_reason == "获取方式写错，未发出"
    with pytest.raises(ValidationError):
        D.void_document(ctx, first.id, "again")
    with pytest.raises(ValidationError):
        D.reprint(ctx, first.id)
    second = D.issue(ctx, app_id, DocumentKind.REPLY, {"获取方式": "请到本机关领取"})
    assert second.number == "淄审批公开〔2026〕2号"
    listed = D.list_documents(ctx, app_id)
    assert [(v.number, v.voided) for v in listed] == [(first.number, True), (second.number, False)]
    note = A.get_application(ctx, app_id).events
    assert any(e.kind is EventKind.NOTE and "淄审批公开〔2026〕1号" in e.note and "不再使用" in e.note for e in note)
    assert first.path is not None and first.path.exists()  # the voided letter stays on file


def test_a_recorded_reply_number_is_kept(ctx, clock):
    typed = closed_case(ctx, clock, Outcome.DISCLOSED, number="淄审批公开〔2026〕7号")
    assert D.draft(ctx, typed, DocumentKind.REPLY).number == "淄审批公开〔2026〕7号"
    assert D.issue(ctx, typed, DocumentKind.REPLY).number == "淄审批公开〔2026〕7号"
    other = closed_case(ctx, clock, Outcome.DISCLOSED, number="〔2026〕3号")  # another style: not the sequence's
    draft = D.draft(ctx, other, DocumentKind.REPLY)
    assert draft.number == "淄审批公开〔2026〕8号" and any("〔2026〕3号" in n for n in draft.notes)


def test_number_patterns_are_settings(ctx, clock):
    assert D.number_pattern(ctx, DocumentKind.CORRECTION) == "淄审批公开补〔{年}〕{号}号"
    with pytest.raises(ValidationError):
        D.set_number_pattern(ctx, DocumentKind.REPLY, "答复书")
    with pytest.raises(ValidationError) as err:
        D.set_number_pattern(ctx, DocumentKind.REPLY, "淄审批公开补〔{年}〕{号}号")
    assert "补正告知书" in str(err.value)
    with pytest.raises(ValidationError):
        D.set_number_pattern(ctx, DocumentKind.RECEIPT, "〔{年}〕{号}")
    assert D.set_number_pattern(ctx, DocumentKind.REPLY, "淄审批信公〔{年}〕第{号:03}号")
    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)
    assert D.issue(ctx, app_id, DocumentKind.REPLY).number == "淄审批信公〔2026〕第001号"
    events = [e for e in A_events(ctx) if e.kind == EventKind.SETTING_CHANGED.value]
    assert events and events[-1].data["key"] == "document_pattern_reply"


def A_events(ctx):
    with ctx.db.session_scope() as s:
        return list(s.scalars(select(Event).order_by(Event.id)))


def _nothing_written(ctx) -> None:
    with ctx.db.session_scope() as s:
        assert s.scalar(select(func.count(IssuedDocument.id))) == 0
        assert s.scalar(select(func.count(Event.id)).where(Event.kind == EventKind.DOCUMENT_ISSUED.value)) == 0
        assert s.scalar(select(func.count(NumberSequence.kind)).where(NumberSequence.kind.like("doc:%"))) == 0
        assert check_chain(s) == []
    root = storage.documents_root(ctx.db.path)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


@pytest.mark.parametrize("where", ["event", "file", "render"])
def test_a_failure_leaves_no_row_no_event_no_file_and_no_number(ctx, clock, monkeypatch, where):
    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device", "x.pdf")

    target = {"event": "append_event", "file": "storage.write_atomic", "render": "render_pdf"}[where]
    if "." in target:
        monkeypatch.setattr(storage, "write_atomic", boom)
    else:
        monkeypatch.setattr(D, target, boom)
    with pytest.raises(OSError):
        D.issue(ctx, app_id, DocumentKind.REPLY)
    _nothing_written(ctx)
    monkeypatch.undo()
    assert D.issue(ctx, app_id, DocumentKind.REPLY).number == "淄审批公开〔2026〕1号"


def test_a_broken_template_is_refused_naming_file_and_line_and_nothing_is_issued(ctx, clock, monkeypatch, tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(T.forms_dir(), forms)
    source = (forms / "reply_disclosed.j2").read_text(encoding="utf-8").splitlines()
    source.insert(6, "本机关已于{{ 答复日期 }}作出决定。")  # line 7: a placeholder the 答复书 does not have
    (forms / "reply_disclosed.j2").write_text("\n".join(source) + "\n", encoding="utf-8")
    monkeypatch.setattr(T, "forms_dir", lambda: forms)
    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)
    with pytest.raises(T.TemplateProblem) as err:
        D.issue(ctx, app_id, DocumentKind.REPLY)
    assert "forms/reply_disclosed.j2 第7行" in str(err.value) and "“答复日期”" in str(err.value)
    _nothing_written(ctx)


def test_concurrent_desks_get_consecutive_numbers(ctx, clock, tmp_path):
    cases = [closed_case(ctx, clock, Outcome.DISCLOSED) for _ in range(4)]
    # another desk: the same file, or the same server database (its files kept beside this desk's)
    where = ctx.db.url.render_as_string(hide_password=False) if ctx.db.is_server else ctx.db.path
    files = {"files_at": ctx.db.path} if ctx.db.is_server else {}
    contexts = [ServiceContext(open_database(where, **files), now=ctx.now) for _ in cases]
    barrier = threading.Barrier(len(cases))
    numbers: list[str] = []
    errors: list[BaseException] = []

    def desk(c: ServiceContext, app_id: int) -> None:
        try:
            barrier.wait()
            numbers.append(D.issue(c, app_id, DocumentKind.REPLY).number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(c, a)) for c, a in zip(contexts, cases, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for c in contexts:
        c.db.dispose()
    assert errors == []
    assert sorted(numbers) == [f"淄审批公开〔2026〕{n}号" for n in range(1, 5)]
    with ctx.db.session_scope() as s:
        assert s.get(NumberSequence, ("doc:reply", 2026)).last == 4
        assert check_chain(s) == []


# ---------------------------------------------------------------------------------------------- the stored file


def test_the_stored_file_is_verified_and_restored_from_the_stored_content(ctx, clock):
    app_id = closed_case(ctx, clock, Outcome.DISCLOSED)
    view = D.issue(ctx, app_id, DocumentKind.REPLY)
    assert view.path is not None and view.path.parent == storage.documents_root(ctx.db.path) / str(app_id)
    assert view.path.name == "reply-2026-0001.pdf" and storage.sha256_of(view.path.read_bytes()) == view.sha256
    assert D.verify_documents(ctx) == []
    original = view.path.read_bytes()
    view.path.chmod(0o600)
    view.path.unlink()
    assert "文件缺失" in D.verify_documents(ctx)[0]
    assert D.reprint(ctx, view.id) == original  # re-rendered from the stored blocks: the same bytes
    assert view.path.read_bytes() == original and D.verify_documents(ctx) == []
    view.path.chmod(0o600)
    view.path.write_bytes(original.replace(b"/Producer", b"/Pr0ducer"))
    assert "校验值不符" in D.verify_documents(ctx)[0]
    assert D.reprint(ctx, view.id) == original
    last = A.get_application(ctx, app_id).events[-1]
    assert last.kind is EventKind.DOCUMENT_ISSUED and "校验值不符" in last.note


# ---------------------------------------------------------------------------------------------- 申请台账


def test_the_register_prints_landscape_with_title_rows_and_page_numbers(ctx, clock):
    open_id = new_case(ctx, clock)
    closed_case(ctx, clock, Outcome.DISCLOSED)
    data = D.register_list_pdf(ctx, RegisterFilter(), "2026年政府信息公开申请台账")
    reader = PdfReader(BytesIO(data))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    text, pages = pdf_text(data)
    assert "2026年政府信息公开申请台账" in text and "共2件" in text and "〔2026〕第1号" in text
    assert "〔2026〕第2号" in text and "予以公开" in text and "— 1 —" in pages[0]
    open_only = pdf_text(D.register_list_pdf(ctx, RegisterFilter(status=StatusFilter.OPEN), "未办结申请"))[0]
    assert "共1件" in open_only and "〔2026〕第1号" in open_only and "〔2026〕第2号" not in open_only
    assert A.get_application(ctx, open_id).status is Status.IN_PROGRESS


def test_many_rows_run_over_pages_with_the_header_repeated(ctx, clock):
    for n in range(45):
        new_case(ctx, clock, name=f"申请人{n}")
    text, pages = pdf_text(D.register_list_pdf(ctx, RegisterFilter(), "申请台账"))
    assert len(pages) >= 2 and "— 2 —" in pages[1]
    assert all("登记编号" in page for page in pages)
    assert "共45件" in text


def test_the_receipt_of_an_application_awaiting_confirmation_explains_when_the_clock_starts(ctx, clock):
    from app.domain.codes import ApplicantKind, Channel

    clock.value = datetime(2026, 2, 13, 9, 0)
    app_id = A.register_application(
        ctx,
        A.RegistrationInput(
            channel=Channel.EMAIL,
            arrived_at=clock.value,
            applicant=A.ApplicantInput(ApplicantKind.COMMERCIAL, "淄博某某科技有限公司", email="a@b.cn"),
            content="本机关2025年度行政许可决定目录",
        ),
    ).id
    assert A.get_application(ctx, app_id).status is Status.AWAITING_CONFIRMATION
    text, _ = issued_text(ctx, D.issue(ctx, app_id, DocumentKind.RECEIPT))
    assert "淄博某某科技有限公司：" in text and "通过电子邮件提交的" in text and "2026年2月13日" in text
    assert "第三十一条" in text and "确认收到之日为收到申请之日" in text
    assert "2026年3月" not in text  # no reply date before the clock starts


def test_check_reports_an_altered_document_and_notes_a_missing_one(ctx, clock):
    from app.domain.letters import DocumentKind
    from app.services import documents
    from app.services.backup import check_database
    from tests.factories import register_in_person

    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    view = documents.issue(ctx, r.id, DocumentKind.RECEIPT)
    report = check_database(ctx)
    assert report.ok and report.documents_checked == 1 and "已出具文书校验（共 1 份）：通过" in report.summary()
    assert view.path is not None
    view.path.chmod(0o644)
    view.path.write_bytes(b"%PDF-1.4 altered")
    report = check_database(ctx)
    assert not report.ok and "被改动" in report.summary() and view.number in report.documents[0]
    view.path.unlink()
    report = check_database(ctx)
    assert report.ok and report.documents_missing and "以原文号重新生成" in report.summary()

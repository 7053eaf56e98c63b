"""Realistic cases for the document tests, built through the services like the clerk builds them."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from io import BytesIO

from pypdf import PdfReader

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, Delivery, EventKind, IdDocType, Outcome, RequestedForm
from app.domain.fees import FeeScheme, quote
from app.services import applications as A
from app.services.context import ServiceContext

ARRIVED = datetime(2026, 2, 13, 9, 0)  # a Friday; reply due 2026-03-19 (docs/rules.md §4)
DECIDED_ON = date(2026, 3, 5)
CONTENT = "2025年本机关办理的建设工程施工许可证核发事项的审批结果，包括项目名称、建设单位和批准日期"
VALID_ID = "11010519491231002X"
THIRD_PARTY = "淄博某某建设有限公司"
OTHER_AGENCY = "淄博市住房和城乡建设局"
CORRECTION_ITEMS = "1. 请写明所需施工许可证的项目名称或者建设单位；\n2. 请写明所需信息的时间范围。"


def at(clock, day: date) -> None:
    clock.value = datetime.combine(day, time(10, 0))


def new_case(
    ctx: ServiceContext,
    clock,
    *,
    name: str = "张三",
    content: str = CONTENT,
    filled_by_clerk: bool = False,
    delivery: Delivery = Delivery.POST,
    arrived: datetime = ARRIVED,
) -> int:
    """An application handed in at the counter by a natural person with a valid 居民身份证."""
    clock.value = arrived
    return A.register_application(
        ctx,
        A.RegistrationInput(
            channel=Channel.IN_PERSON,
            arrived_at=arrived,
            applicant=A.ApplicantInput(
                ApplicantKind.NATURAL_PERSON,
                name,
                IdDocType.RESIDENT_ID,
                VALID_ID,
                phone="13305330000",
                address="淄博市张店区人民西路8号",
                postcode="255000",
                email="zhangsan@example.com",
            ),
            content=content,
            requested_form=RequestedForm.PAPER,
            delivery=delivery,
            filled_by_clerk=filled_by_clerk,
        ),
    ).id


def step(ctx: ServiceContext, clock, app_id: int, kind: EventKind, day: date, payload=None) -> None:
    at(clock, day)
    A.record_event(ctx, app_id, kind, day, payload)


def fee_notice(pages: int = 150) -> P.FeeNotice:
    q = quote(FeeScheme.PER_PAGE, pages)
    return P.FeeNotice(scheme=q.scheme, quantity=q.quantity, amount_yuan=q.amount_yuan, tier=q.tier, basis=q.basis)


def closed_case(
    ctx: ServiceContext, clock, outcome: Outcome, *, reason: str = "", holder: str = "", number: str = ""
) -> int:
    """A case decided with *outcome*, with the steps that outcome needs before it (docs/rules.md §5)."""
    app_id = new_case(ctx, clock)
    decided_on = DECIDED_ON
    if outcome in (Outcome.OTHER_NO_CORRECTION, Outcome.UNAVAILABLE_STILL_UNCLEAR):
        step(
            ctx,
            clock,
            app_id,
            EventKind.CORRECTION_REQUESTED,
            date(2026, 2, 24),
            P.CorrectionRequested(deadline=date(2026, 3, 3), items="请写明所需施工许可证的项目名称或者建设单位"),
        )
        if outcome is Outcome.UNAVAILABLE_STILL_UNCLEAR:
            step(ctx, clock, app_id, EventKind.CORRECTION_RECEIVED, date(2026, 3, 2))
    if outcome is Outcome.WITHHELD_THIRD_PARTY:
        step(
            ctx,
            clock,
            app_id,
            EventKind.THIRD_PARTY_CONSULTATION_STARTED,
            date(2026, 2, 24),
            P.ConsultationStarted(party=THIRD_PARTY),
        )
        step(
            ctx,
            clock,
            app_id,
            EventKind.THIRD_PARTY_CONSULTATION_ENDED,
            date(2026, 3, 2),
            P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED, opinion="不同意公开。"),
        )
    if outcome is Outcome.OTHER_NO_FEE:
        step(ctx, clock, app_id, EventKind.FEE_NOTICE_SENT, date(2026, 2, 24), fee_notice())
        decided_on = date(2026, 3, 24)  # the 20 working days of payment ended on 2026-03-23
    step(
        ctx,
        clock,
        app_id,
        EventKind.DECIDED,
        decided_on,
        P.Decided(outcome=outcome, reason=reason, holder=holder, document_number=number),
    )
    return app_id


def case_with_notices(ctx: ServiceContext, clock) -> int:
    """An open case that went through every notice: correction, both consultations, fee, extension."""
    app_id = new_case(ctx, clock)
    step(
        ctx,
        clock,
        app_id,
        EventKind.CORRECTION_REQUESTED,
        date(2026, 2, 24),
        P.CorrectionRequested(
            deadline=date(2026, 3, 10),
            items="1. 请写明所需施工许可证的项目名称或者建设单位；\n2. 请写明所需信息的时间范围。",
        ),
    )
    step(ctx, clock, app_id, EventKind.CORRECTION_RECEIVED, date(2026, 2, 27))
    step(
        ctx,
        clock,
        app_id,
        EventKind.THIRD_PARTY_CONSULTATION_STARTED,
        date(2026, 3, 2),
        P.ConsultationStarted(party=THIRD_PARTY),
    )
    step(
        ctx,
        clock,
        app_id,
        EventKind.THIRD_PARTY_CONSULTATION_ENDED,
        date(2026, 3, 4),
        P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED, opinion="同意公开"),
    )
    step(
        ctx,
        clock,
        app_id,
        EventKind.AGENCY_CONSULTATION_STARTED,
        date(2026, 3, 4),
        P.ConsultationStarted(party=OTHER_AGENCY),
    )
    step(
        ctx,
        clock,
        app_id,
        EventKind.AGENCY_CONSULTATION_ENDED,
        date(2026, 3, 5),
        P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED),
    )
    step(ctx, clock, app_id, EventKind.FEE_NOTICE_SENT, date(2026, 3, 5), fee_notice())
    step(ctx, clock, app_id, EventKind.FEE_PAID, date(2026, 3, 6), P.FeePaid(amount_yuan=1700))
    step(ctx, clock, app_id, EventKind.EXTENSION, date(2026, 3, 9), P.Extension(days=10, approved_by="李四"))
    return app_id


def pdf_text(data: bytes) -> tuple[str, list[str]]:
    """(the whole text without white space and page numbers, the text of each page as extracted).

    Lines wrap anywhere in Chinese, so white space is removed; the page numbers "— n —" are removed from
    the whole text so that a sentence running over a page break reads on."""
    pages = [page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages]
    return "".join(re.sub(r"—\d+—", "", "".join(p.split())) for p in pages), pages

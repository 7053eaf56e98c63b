"""Table-driven: in every situation a case can be in, the dialog offers exactly the steps the domain allows,
and the services refuse every other step with the domain's own reason (and accept every allowed one)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome, Status
from app.domain.fees import FeeScheme
from app.domain.letters import DocumentKind
from app.services import applications as A
from app.services import documents
from app.services.attachments import AttachmentCategory, add_attachment
from app.services.context import ServiceContext
from app.services.errors import ValidationError
from app.ui.event_dialog import EventDialog
from tests.factories import in_person

ARRIVED = datetime(2026, 2, 13, 9, 0)
STEP_DAY = date(2026, 2, 16)  # Monday: what earlier steps are dated
TODAY = datetime(2026, 2, 18, 10, 0)  # when the next step is taken


def _record(ctx: ServiceContext, app_id: int, kind: EventKind, payload: P.Payload | None = None) -> None:
    A.record_event(ctx, app_id, kind, STEP_DAY, payload, "测试")


#: Every situation a case can be in, as the steps that lead there (after an in-person registration).
SCENARIOS: dict[str, Callable[[ServiceContext, int], None]] = {
    "待确认收到": lambda ctx, i: None,  # built from an unconfirmed e-mail application, see _build
    "办理中": lambda ctx, i: None,
    "待补正": lambda ctx, i: _record(
        ctx, i, EventKind.CORRECTION_REQUESTED, P.CorrectionRequested(deadline=date(2026, 3, 20))
    ),
    "征求第三方意见": lambda ctx, i: _record(ctx, i, EventKind.THIRD_PARTY_CONSULTATION_STARTED),
    "征求其他机关意见": lambda ctx, i: _record(ctx, i, EventKind.AGENCY_CONSULTATION_STARTED),
    "待缴费": lambda ctx, i: _record(
        ctx, i, EventKind.FEE_NOTICE_SENT, P.FeeNotice(scheme=FeeScheme.PER_PAGE, quantity=40, amount_yuan=100)
    ),
    "已延期20日": lambda ctx, i: _record(ctx, i, EventKind.EXTENSION, P.Extension(days=20)),
    "已补正": lambda ctx, i: (
        _record(ctx, i, EventKind.CORRECTION_REQUESTED, P.CorrectionRequested(deadline=date(2026, 3, 20))),
        _record(ctx, i, EventKind.CORRECTION_RECEIVED),
    ),
    "已答复": lambda ctx, i: _record(ctx, i, EventKind.DECIDED, P.Decided(outcome=Outcome.DISCLOSED)),
    "复议未审结": lambda ctx, i: (
        _record(ctx, i, EventKind.DECIDED, P.Decided(outcome=Outcome.WITHHELD_PROCESS)),
        _record(ctx, i, EventKind.RECONSIDERATION_FILED),
    ),
    "诉讼未审结": lambda ctx, i: (
        _record(ctx, i, EventKind.DECIDED, P.Decided(outcome=Outcome.WITHHELD_PROCESS)),
        _record(ctx, i, EventKind.LITIGATION_FILED, P.LitigationFiled(type=P.LitigationType.DIRECT)),
    ),
    "已撤回": lambda ctx, i: _record(ctx, i, EventKind.WITHDRAWN, P.Withdrawn(how=P.WithdrawalMethod.WRITTEN)),
    "已作废": lambda ctx, i: A.void_application(ctx, i, P.VoidReason.MISTAKE, "误登记"),
}

#: A valid payload for every step taken on TODAY.
PAYLOADS: dict[EventKind, P.Payload] = {
    EventKind.CORRECTION_REQUESTED: P.CorrectionRequested(deadline=date(2026, 3, 31), items="文件名称"),
    EventKind.THIRD_PARTY_CONSULTATION_STARTED: P.ConsultationStarted(party="某公司"),
    EventKind.AGENCY_CONSULTATION_STARTED: P.ConsultationStarted(party="市财政局"),
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED),
    EventKind.AGENCY_CONSULTATION_ENDED: P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED),
    EventKind.FEE_NOTICE_SENT: P.FeeNotice(scheme=FeeScheme.PER_PAGE, quantity=40, amount_yuan=100),
    EventKind.FEE_PAID: P.FeePaid(amount_yuan=100),
    EventKind.EXTENSION: P.Extension(days=1, approved_by="李主任"),
    EventKind.DECIDED: P.Decided(outcome=Outcome.DISCLOSED),
    EventKind.WITHDRAWN: P.Withdrawn(how=P.WithdrawalMethod.EMAIL),
    EventKind.SERVED: P.Served(method=P.ServiceMethod.POST),
    EventKind.LITIGATION_FILED: P.LitigationFiled(type=P.LitigationType.DIRECT),
    EventKind.RECONSIDERATION_DECIDED: P.RemedyDecided(result=P.RemedyResult.UPHELD),
    EventKind.LITIGATION_DECIDED: P.RemedyDecided(result=P.RemedyResult.CORRECTED),
}


def _build(ctx: ServiceContext, clock, name: str) -> int:
    clock.value = ARRIVED
    if name == "待确认收到":
        data = in_person(ARRIVED, channel=Channel.EMAIL)
    else:
        data = in_person(ARRIVED)
    app_id = A.register_application(ctx, data).id
    clock.value = datetime.combine(STEP_DAY, datetime.min.time()).replace(hour=17)
    SCENARIOS[name](ctx, app_id)
    clock.value = TODAY
    return app_id


def _take(ctx: ServiceContext, app_id: int, kind: EventKind, tmp_path: Path) -> None:
    """Take *kind* through the service that owns it, with valid input."""
    today = TODAY.date()
    if kind is EventKind.RECEIPT_CONFIRMED:
        A.confirm_receipt(ctx, app_id, TODAY - timedelta(hours=1), "电话联系申请人确认")
    elif kind is EventKind.EDITED:
        A.edit_application(ctx, app_id, {"phone": "13900000000"}, "申请人来电更正")
    elif kind is EventKind.PARTICULARS_CORRECTED:
        A.correct_particulars(
            ctx, app_id, A.ParticularsCorrection(applicant_kind=ApplicantKind.OTHER), "申请人类型登记有误"
        )
    elif kind is EventKind.DOCUMENT_ISSUED:
        documents.issue(ctx, app_id, DocumentKind.APPLICATION_FORM)
    elif kind is EventKind.VOIDED:
        A.void_application(ctx, app_id, P.VoidReason.MISTAKE, "误登记")
    elif kind is EventKind.ATTACHMENT_ADDED:
        scan = tmp_path / f"scan-{app_id}.pdf"
        scan.write_bytes(b"%PDF-1.4 scan")
        add_attachment(ctx, app_id, scan, AttachmentCategory.APPLICATION_SCAN, "申请表扫描件")
    else:
        A.record_event(ctx, app_id, kind, today, PAYLOADS.get(kind), "经办说明")


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_dialog_offers_exactly_what_the_domain_allows(qtbot, ctx, clock, name):
    detail = A.get_application(ctx, _build(ctx, clock, name))
    allowed = [o.kind for o in P.allowed_steps(detail.situation, TODAY.date(), P.DIALOG_STEPS) if o.allowed]
    dialog = EventDialog(detail, TODAY.date())
    qtbot.addWidget(dialog)
    assert dialog.offered() == allowed
    assert dialog.kind() in allowed  # the first thing selected can be recorded
    refused = [o for o in detail.steps if not o.allowed and o.kind in P.DIALOG_STEPS]
    for option in refused:  # each refused step shows the domain's reason
        assert option.reason and option.reason in dialog.why_not.text()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_services_refuse_every_other_step_with_the_domains_reason(ctx, clock, name, tmp_path):
    app_id = _build(ctx, clock, name)
    detail = A.get_application(ctx, app_id)
    assert len(detail.steps) == len(P.CLERK_STEPS)
    for option in detail.steps:
        if option.allowed:
            continue
        events_before = len(A.get_application(ctx, app_id).events)
        with pytest.raises(ValidationError) as err:
            _take(ctx, app_id, option.kind, tmp_path)
        # the domain's reason, word for word (the documents service names the document before it)
        assert len(err.value.problems) == 1 and err.value.problems[0].endswith(option.reason), (name, option.kind)
        assert len(A.get_application(ctx, app_id).events) == events_before


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_services_accept_every_step_the_domain_allows(ctx, clock, name, tmp_path):
    first = _build(ctx, clock, name)
    allowed = [o.kind for o in A.get_application(ctx, first).steps if o.allowed]
    assert allowed, name
    for i, kind in enumerate(allowed):
        app_id = first if i == 0 else _build(ctx, clock, name)  # each step on a case in the same situation
        before = len(A.get_application(ctx, app_id).events)
        _take(ctx, app_id, kind, tmp_path)
        after = A.get_application(ctx, app_id)
        assert len(after.events) == before + 1 and after.events[-1].kind is kind, (name, kind)


def test_the_table_covers_every_status():
    statuses = {
        "待确认收到": Status.AWAITING_CONFIRMATION,
        "办理中": Status.IN_PROGRESS,
        "待补正": Status.AWAITING_CORRECTION,
        "征求第三方意见": Status.PAUSED,
        "已延期20日": Status.EXTENDED,
        "已答复": Status.CLOSED,
        "已作废": Status.VOIDED,
    }
    assert set(statuses.values()) == set(Status)
    assert set(statuses) <= set(SCENARIOS)

"""The steps a clerk takes after registration: correct particulars, withdraw, void — through the services."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome, Status
from app.services import applications as A
from app.services import dashboard as D
from app.services import register as R
from app.services.backup import check_database
from app.services.errors import ValidationError
from app.services.ledger import export_rows
from app.store.models import Application, Event
from tests.factories import register_in_person

VALID_ID = "11010519491231002X"
OTHER_VALID_ID = "370305199401059736"


def test_a_corrected_receipt_date_moves_every_deadline_and_the_report_year(ctx, clock):
    # handed in on 2025-12-31 but registered on 2026-01-05 with that day as its date
    r = register_in_person(ctx, datetime(2026, 1, 5, 9, 0), clock)
    before = A.get_application(ctx, r.id)
    assert before.receipt_date == date(2026, 1, 5)
    clock.value = datetime(2026, 1, 6, 9, 0)
    result = A.correct_particulars(
        ctx,
        r.id,
        A.ParticularsCorrection(
            receipt_date=date(2025, 12, 31), arrived_at=datetime(2025, 12, 31, 16, 0), channel=Channel.IN_PERSON
        ),
        reason="登记时误录了提交日期，申请表落款与收件记录均为 2025 年 12 月 31 日",
    )
    after = A.get_application(ctx, r.id)
    # every clock follows the corrected base date (2025-12-31, Wed): 7 and 20 working days after it
    assert after.receipt_date == date(2025, 12, 31)
    assert after.deadlines.correction_notice_due == date(2026, 1, 12)
    assert after.deadlines.reply_due == date(2026, 1, 29)
    assert result.reply_due_before == before.deadlines.reply_due != result.reply_due_after == date(2026, 1, 29)
    # the number is kept and the report year is the corrected receipt year — said in the timeline
    assert after.reg_number == before.reg_number
    assert "保持不变" in result.number_note and "计入2025年" in result.number_note
    event = after.events[-1]
    assert event.kind is EventKind.PARTICULARS_CORRECTED and event.note.startswith("登记时误录")
    assert ("收到申请之日", "2026年1月5日 → 2025年12月31日") in event.lines
    assert ("登记编号", result.number_note) in event.lines
    # the ledger, which selects by receipt year, now lists it under 2025 and not 2026
    assert [row[0] for row in export_rows(ctx, year=2025)[1:]] == [after.reg_number]
    assert export_rows(ctx, year=2026)[1:] == []
    assert check_database(ctx).ok


def test_a_receipt_date_later_than_a_recorded_step_is_refused_and_nothing_changes(ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    clock.value = datetime(2026, 2, 24, 9, 0)
    A.record_event(ctx, r.id, EventKind.EXTENSION, date(2026, 2, 16), P.Extension(days=5))
    with pytest.raises(ValidationError) as err:
        A.correct_particulars(ctx, r.id, A.ParticularsCorrection(receipt_date=date(2026, 2, 20)), reason="x")
    assert any("早于更正后的收到申请之日" in p for p in err.value.problems)
    with pytest.raises(ValidationError) as err:
        A.correct_particulars(ctx, r.id, A.ParticularsCorrection(receipt_date=date(2026, 2, 10)), reason=" ")
    assert err.value.problems == ["请填写更正原因（将记入办理记录）"]
    with pytest.raises(ValidationError) as err:
        A.correct_particulars(ctx, r.id, A.ParticularsCorrection(receipt_date=date(2026, 3, 1)), reason="x")
    assert "收到申请之日不能晚于今天" in err.value.problems
    assert A.get_application(ctx, r.id).receipt_date == date(2026, 2, 13)
    assert A.get_application(ctx, r.id).events[-1].kind is EventKind.EXTENSION


def test_correcting_the_id_number_links_the_right_person_and_records_the_check(ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    result = A.correct_particulars(
        ctx,
        r.id,
        A.ParticularsCorrection(id_number=OTHER_VALID_ID, applicant_kind=ApplicantKind.NATURAL_PERSON),
        reason="证件号码录入错误，已核对原件",
    )
    assert result.changed == 1 and result.warnings == ()
    d = A.get_application(ctx, r.id)
    assert d.id_number == OTHER_VALID_ID
    assert d.identity_checks[-1].doc_number == OTHER_VALID_ID and d.identity_checks[-1].valid
    assert ("证件号码", f"{VALID_ID} → {OTHER_VALID_ID}") in d.events[-1].lines
    # a mistyped correction is recorded with a warning, never blocked
    bad = A.correct_particulars(ctx, r.id, A.ParticularsCorrection(id_number="110105194912310021"), reason="申请人口述")
    assert bad.warnings and "未通过校验" in bad.warnings[0]


def test_nothing_to_correct_writes_no_event(ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    n_before = len(A.get_application(ctx, r.id).events)
    result = A.correct_particulars(ctx, r.id, A.ParticularsCorrection(receipt_date=date(2026, 2, 13)), reason="核对")
    assert result.changed == 0 and len(A.get_application(ctx, r.id).events) == n_before


def test_a_withdrawal_closes_the_case_as_other_other(ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    clock.value = datetime(2026, 2, 20, 9, 0)
    with pytest.raises(ValidationError) as err:
        A.record_event(ctx, r.id, EventKind.WITHDRAWN, date(2026, 2, 19))
    assert err.value.problems == ["请选择申请人撤回申请的方式"]
    status = A.record_event(
        ctx, r.id, EventKind.WITHDRAWN, date(2026, 2, 19), P.Withdrawn(how=P.WithdrawalMethod.WRITTEN), "申请人来函"
    )
    d = A.get_application(ctx, r.id)
    assert status is Status.CLOSED and d.outcome is Outcome.OTHER_OTHER and d.closed_on == date(2026, 2, 19)
    assert d.outcome.info.report_row == "三(六)3"
    assert R.query_ids(ctx, R.RegisterFilter(status=R.StatusFilter.CLOSED)) == [r.id]
    # nothing to serve after a withdrawal; a second closing step is refused by the domain's reason
    assert not d.step(EventKind.SERVED).allowed and "撤回" in d.step(EventKind.SERVED).reason
    with pytest.raises(ValidationError) as err:
        A.record_event(ctx, r.id, EventKind.DECIDED, date(2026, 2, 20), P.Decided(outcome=Outcome.DISCLOSED))
    assert "已撤回申请" in err.value.problems[0]


def test_a_voided_registration_leaves_every_count_and_list_but_stays_in_the_register(ctx, clock):
    first = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, content="甲")
    twice = register_in_person(ctx, datetime(2026, 2, 13, 9, 5), clock, content="甲")
    clock.value = datetime(2026, 3, 30, 9, 0)  # both overdue by now
    assert D.board(ctx).overdue == 2
    with pytest.raises(ValidationError) as err:
        A.void_application(ctx, twice.id, P.VoidReason.DUPLICATE, " ")
    assert err.value.problems == ["作废登记须写明具体理由（将记入办理记录）"]
    with pytest.raises(ValidationError) as err:
        A.void_application(ctx, twice.id, P.VoidReason.DUPLICATE, "同一份申请登记了两次", duplicate_of="〔2026〕第99号")
    assert "找不到登记编号" in err.value.problems[0]
    status = A.void_application(
        ctx, twice.id, P.VoidReason.DUPLICATE, "同一份申请登记了两次", duplicate_of=first.reg_number
    )
    assert status is Status.VOIDED
    board = D.board(ctx)
    assert (board.open, board.overdue) == (1, 1)
    assert [item.id for item in board.lists[R.StatusFilter.OVERDUE].items] == [first.id]
    for f in R.StatusFilter:
        ids = R.query_ids(ctx, R.RegisterFilter(status=f))
        assert (twice.id in ids) == (f in (R.StatusFilter.ALL, R.StatusFilter.VOIDED)), f
    with ctx.db.session_scope() as s:
        row = s.get(Application, twice.id)
        assert (row.status, row.reply_due, row.outcome) == ("voided", None, None)
    # the number stays used: the next registration does not get it again
    again = register_in_person(ctx, datetime(2026, 3, 30, 9, 0), clock)
    assert again.reg_number not in (first.reg_number, twice.reg_number)
    # no further steps, only notes and attachments; and the ledger leaves it out with a warning
    d = A.get_application(ctx, twice.id)
    assert [o.kind for o in d.steps if o.allowed] == [EventKind.NOTE, EventKind.ATTACHMENT_ADDED]
    warnings: list[str] = []
    exported = [row[0] for row in export_rows(ctx, warnings=warnings)[1:]]
    assert twice.reg_number not in exported and any(twice.reg_number in w for w in warnings)
    assert check_database(ctx).ok


def test_a_closed_case_cannot_be_voided(ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    A.record_event(ctx, r.id, EventKind.DECIDED, date(2026, 2, 13), P.Decided(outcome=Outcome.DISCLOSED))
    with pytest.raises(ValidationError) as err:
        A.void_application(ctx, r.id, P.VoidReason.MISTAKE, "误登记")
    assert "不能作废" in err.value.problems[0]


def test_every_step_is_one_chained_event_with_its_payload_and_check_still_passes(ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    clock.value = datetime(2026, 3, 2, 9, 0)
    A.record_event(ctx, r.id, EventKind.FEE_NOTICE_SENT, date(2026, 2, 16), P.FeeNotice(amount_yuan=700, quantity=100))
    A.record_event(ctx, r.id, EventKind.FEE_PAID, date(2026, 2, 20), P.FeePaid(amount_yuan=700))
    A.record_event(
        ctx,
        r.id,
        EventKind.DECIDED,
        date(2026, 3, 2),
        P.Decided(outcome=Outcome.UNAVAILABLE_NOT_HELD, holder="淄博市自然资源和规划局，0533-1234567"),
    )
    with ctx.db.session_scope() as s:
        data = s.scalars(select(Event.data).where(Event.kind == "decided")).one()
    assert data == {"outcome": "unavailable_not_held", "holder": "淄博市自然资源和规划局，0533-1234567"}
    d = A.get_application(ctx, r.id)
    assert ("信息掌握机关", "淄博市自然资源和规划局，0533-1234567") in d.events[-1].lines
    assert ("金额", "700元") in next(e for e in d.events if e.kind is EventKind.FEE_NOTICE_SENT).lines
    assert check_database(ctx).ok


def test_an_issued_receipt_does_not_stop_a_correction_of_the_receipt_date(ctx, clock):
    from app.domain.letters import DocumentKind
    from app.services import documents

    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    documents.issue(ctx, r.id, DocumentKind.RECEIPT)
    clock.value = datetime(2026, 2, 17, 9, 0)
    result = A.correct_particulars(
        ctx,
        r.id,
        A.ParticularsCorrection(receipt_date=date(2026, 2, 16), channel=Channel.EMAIL),
        reason="实为电子邮件申请，2月16日双方确认收到",
    )
    assert result.changed == 2 and A.get_application(ctx, r.id).receipt_date == date(2026, 2, 16)

"""The register's SQL filtering and sorting, with ORDER BY checked by reverse_unordered_selects."""

from __future__ import annotations

from datetime import date, datetime

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, EventKind, IdDocType, Outcome, PostKind
from app.services import applications as A
from app.services import dashboard as D
from app.services import register as R


def add(ctx, name, content, kind=ApplicantKind.NATURAL_PERSON, channel=Channel.IN_PERSON, **kw):
    doc = IdDocType.CREDIT_CODE if kind.is_organisation else IdDocType.RESIDENT_ID
    number = "91350100M000100Y43" if kind.is_organisation else "11010519491231002X"
    return A.register_application(
        ctx,
        A.RegistrationInput(
            channel=channel,
            arrived_at=kw.pop("arrived", datetime(2026, 2, 13, 9, 0)),
            applicant=A.ApplicantInput(kind, name, doc, number, phone="0533-1234567"),
            content=content,
            **kw,
        ),
    )


def test_filters_search_and_masking(ctx, clock):
    a = add(ctx, "张三", "危险化学品经营许可")
    b = add(ctx, "淄博某某有限公司", "建设工程规划许可", ApplicantKind.COMMERCIAL)
    c = add(ctx, "李四", "部门预算", channel=Channel.LETTER, post_kind=PostKind.ORDINARY)
    assert R.query_ids(ctx, R.RegisterFilter(text="许可")) == [b.id, a.id]
    assert R.query_ids(ctx, R.RegisterFilter(text="许可 规划")) == [b.id]
    assert R.query_ids(ctx, R.RegisterFilter(text="〔2026〕第3号")) == [c.id]
    assert R.query_ids(ctx, R.RegisterFilter(text="100%")) == []
    assert R.query_ids(ctx, R.RegisterFilter(kind=ApplicantKind.COMMERCIAL)) == [b.id]
    assert R.query_ids(ctx, R.RegisterFilter(status=R.StatusFilter.AWAITING)) == [c.id]
    assert R.query_ids(ctx, R.RegisterFilter(year=2025)) == []
    rows = R.fetch_rows(ctx, [a.id, b.id])
    assert rows[a.id].masked_id == "110105********002X"
    assert rows[a.id].days_left == 20 and rows[a.id].reply_due == date(2026, 3, 19)


def test_overdue_due_soon_and_sorting_by_due_date(ctx, clock):
    early = add(ctx, "甲", "一", arrived=datetime(2026, 1, 5, 9, 0), handed_in_on=date(2026, 1, 5))
    late = add(ctx, "乙", "二")
    closed = add(ctx, "丙", "三")
    clock.value = datetime(2026, 3, 1, 9, 0)
    A.record_event(ctx, closed.id, EventKind.DECIDED, date(2026, 2, 27), P.Decided(outcome=Outcome("disclosed")))
    assert R.query_ids(ctx, R.RegisterFilter(status=R.StatusFilter.OVERDUE)) == [early.id]
    assert R.fetch_rows(ctx, [early.id])[early.id].days_left < 0
    assert R.query_ids(ctx, R.RegisterFilter(status=R.StatusFilter.CLOSED)) == [closed.id]
    assert R.query_ids(ctx, R.RegisterFilter(status=R.StatusFilter.OPEN), R.SortKey.DUE, descending=False) == [
        early.id,
        late.id,
    ]
    clock.value = datetime(2026, 3, 16, 9, 0)
    assert R.query_ids(ctx, R.RegisterFilter(status=R.StatusFilter.DUE_SOON)) == [late.id]
    dash = D.board(ctx)
    assert (dash.overdue, dash.due_soon, dash.open) == (1, 1, 2)
    assert R.years(ctx) == [2026]


def test_dashboard_names_the_applicants_correction_deadline(ctx, clock):
    r = add(ctx, "甲", "一")
    clock.value = datetime(2026, 2, 24, 9, 0)
    A.record_event(
        ctx, r.id, EventKind.CORRECTION_REQUESTED, date(2026, 2, 24), P.CorrectionRequested(deadline=date(2026, 3, 10))
    )
    rows = {item.id: item for item in D.board(ctx).lists[R.StatusFilter.CORRECTION].items}
    assert rows[r.id].day == date(2026, 3, 10)


def test_paused_and_correcting_rows_carry_since_when_and_the_date_to_watch(ctx, clock):
    from app.domain.deadlines import PauseKind
    from app.domain.fees import FeeScheme

    clock.value = datetime(2026, 2, 24, 10, 0)
    tp = add(ctx, "甲", "一", arrived=datetime(2026, 2, 24, 9, 0))
    agency = add(ctx, "乙", "二", arrived=datetime(2026, 2, 24, 9, 0))
    fee = add(ctx, "丙", "三", arrived=datetime(2026, 2, 24, 9, 0))
    corr = add(ctx, "丁", "四", arrived=datetime(2026, 2, 24, 9, 0))
    plain = add(ctx, "戊", "五", arrived=datetime(2026, 2, 24, 9, 0))
    clock.value = datetime(2026, 3, 3, 10, 0)
    start = P.ConsultationStarted(party="某公司")
    A.record_event(ctx, tp.id, EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 2, 26), start)
    A.record_event(ctx, agency.id, EventKind.AGENCY_CONSULTATION_STARTED, date(2026, 2, 27), start)
    notice = P.FeeNotice(amount_yuan=100, quantity=40, scheme=FeeScheme.PER_PAGE)
    A.record_event(ctx, fee.id, EventKind.FEE_NOTICE_SENT, date(2026, 2, 26), notice)
    request = P.CorrectionRequested(deadline=date(2026, 3, 17))
    A.record_event(ctx, corr.id, EventKind.CORRECTION_REQUESTED, date(2026, 3, 3), request)
    rows = R.fetch_rows(ctx, [tp.id, agency.id, fee.id, corr.id, plain.id])
    watched = {i: (r.status.value, r.paused_since, r.pause_kind, r.watch_due) for i, r in rows.items()}
    # 15 working days of a consultation (第三十二条、第三十四条; 2月28日 is a 调休 working day in 2026), the
    # fee period (fee_payment_days, 20 working days from the notice), the deadline the 补正告知 set (第三十条)
    assert watched[tp.id] == ("paused", date(2026, 2, 26), PauseKind.THIRD_PARTY, date(2026, 3, 18))
    assert watched[agency.id] == ("paused", date(2026, 2, 27), PauseKind.OTHER_AGENCY, date(2026, 3, 19))
    assert watched[fee.id] == ("paused", date(2026, 2, 26), PauseKind.FEE, date(2026, 3, 25))
    assert watched[corr.id] == ("awaiting_correction", date(2026, 3, 3), None, date(2026, 3, 17))
    assert watched[plain.id] == ("in_progress", None, None, None)
    # the very dates the 工作台 names for the same cases
    board = D.board(ctx).lists
    assert {it.id: it.day for it in board[R.StatusFilter.CONSULTING].items} == {
        tp.id: date(2026, 3, 18),
        agency.id: date(2026, 3, 19),
    }
    assert {it.id: it.day for it in board[R.StatusFilter.FEE_DUE].items} == {fee.id: date(2026, 3, 25)}
    assert {it.id: it.day for it in board[R.StatusFilter.CORRECTION].items} == {corr.id: date(2026, 3, 17)}
    # worked out again when the case's events change (kept by their count and last id otherwise)
    assert R.fetch_rows(ctx, [tp.id]) == {tp.id: rows[tp.id]}
    clock.value = datetime(2026, 3, 9, 10, 0)
    ended = P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED, opinion="同意")
    A.record_event(ctx, tp.id, EventKind.THIRD_PARTY_CONSULTATION_ENDED, date(2026, 3, 5), ended)
    A.record_event(ctx, tp.id, EventKind.FEE_NOTICE_SENT, date(2026, 3, 9), notice)
    row = R.fetch_rows(ctx, [tp.id])[tp.id]
    assert (row.status.value, row.paused_since, row.pause_kind) == ("paused", date(2026, 3, 9), PauseKind.FEE)
    assert row.watch_due == date(2026, 4, 7)

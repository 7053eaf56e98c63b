"""Counting an applicant's applications per calendar month and quoting fees from the register (国办函〔2020〕109号)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.codes import ApplicantKind, Channel, IdDocType, PostKind
from app.domain.fees import FeeScheme
from app.services import applications as A
from app.services.errors import NotFound, ValidationError
from app.services.fees import applications_in_month, fee_quote_for_application
from app.store.models import Application
from tests.factories import VALID_ID, register_in_person, without_number

OTHER_ID = "110102198001010017"


def twelve_in_february(ctx, clock) -> list[int]:
    """12 applications handed in by the same person on 2–13 February 2026 (one a day)."""
    return [
        register_in_person(ctx, datetime(2026, 2, day, 9, 0), clock, name="张三", content=f"文件{day}").id
        for day in range(2, 14)
    ]


def register_other(ctx, clock, arrived: datetime, *, name: str, id_number: str, phone: str, **kw) -> int:
    clock.value = arrived
    doc = IdDocType.RESIDENT_ID if id_number else None
    applicant = A.ApplicantInput(ApplicantKind.NATURAL_PERSON, name, doc, id_number, phone=phone)
    channel = kw.pop("channel", Channel.IN_PERSON)
    return A.register_application(
        ctx,
        A.RegistrationInput(
            channel=channel,
            arrived_at=arrived,
            applicant=applicant,
            content="某文件",
            **without_number(channel, id_number, kw),
        ),
    ).id


def set_column(ctx, application_id: int, **values: object) -> None:
    with ctx.db.session_scope() as s:
        app = s.get(Application, application_id)
        for key, value in values.items():
            setattr(app, key, value)


def per_application_amounts(ctx, ids: list[int]) -> list[int]:
    return [fee_quote_for_application(ctx, i, FeeScheme.PER_APPLICATION).amount_yuan for i in ids]


def test_eleventh_and_twelfth_in_a_month_cost_100_yuan(ctx, clock):
    ids = twelve_in_february(ctx, clock)
    assert applications_in_month(ctx, VALID_ID, "张三", "1", date(2026, 2, 28)) == 12
    assert applications_in_month(ctx, VALID_ID, "张三", "1", date(2026, 1, 31)) == 0
    assert [applications_in_month(ctx, VALID_ID, "", "", date(2026, 2, 1), up_to_application_id=i) for i in ids] == [
        *range(1, 13)
    ]
    assert per_application_amounts(ctx, ids) == [0] * 10 + [100, 100]
    eleventh = fee_quote_for_application(ctx, ids[10], FeeScheme.PER_APPLICATION)
    assert eleventh.quantity == 11
    assert eleventh.tier == "第11—30件，每件100元"
    assert not eleventh.free and eleventh.amount_due == 100

    march = register_in_person(ctx, datetime(2026, 3, 2, 9, 0), clock, name="张三", content="三月的申请").id
    first_of_march = fee_quote_for_application(ctx, march, FeeScheme.PER_APPLICATION)
    assert first_of_march.quantity == 1
    assert first_of_march.amount_yuan == 0 and first_of_march.free
    assert applications_in_month(ctx, VALID_ID, "张三", "1", date(2026, 3, 15)) == 1
    # the ordinal of an existing application does not change when later ones are registered
    assert per_application_amounts(ctx, ids) == [0] * 10 + [100, 100]


def test_ordinal_follows_receipt_date_then_registration_order(ctx, clock):
    ids = twelve_in_february(ctx, clock)
    # registered last but handed in on 1 February: it is the first of the month
    early = register_in_person(ctx, datetime(2026, 2, 1, 9, 0), clock, name="张三", content="补登").id
    assert fee_quote_for_application(ctx, early, FeeScheme.PER_APPLICATION).quantity == 1
    assert per_application_amounts(ctx, ids) == [0] * 9 + [100, 100, 100]
    # two on the same day: registration id breaks the tie
    same_day = register_in_person(ctx, datetime(2026, 2, 13, 16, 0), clock, name="张三", content="同日").id
    assert fee_quote_for_application(ctx, ids[-1], FeeScheme.PER_APPLICATION).quantity == 13
    assert fee_quote_for_application(ctx, same_day, FeeScheme.PER_APPLICATION).quantity == 14


def test_receipt_date_decides_the_month_and_arrival_is_the_fallback(ctx, clock):
    ids = twelve_in_february(ctx, clock)
    # arrived in January, legally received in February: counts in February
    set_column(ctx, ids[0], arrived_at=datetime(2026, 1, 30, 9, 0), receipt_date=date(2026, 2, 2))
    # not yet confirmed (no receipt date): the day it arrived decides
    set_column(ctx, ids[1], arrived_at=datetime(2026, 1, 31, 9, 0), receipt_date=None)
    assert applications_in_month(ctx, VALID_ID, "张三", "1", date(2026, 2, 10)) == 11
    assert applications_in_month(ctx, VALID_ID, "张三", "1", date(2026, 1, 10)) == 1
    assert fee_quote_for_application(ctx, ids[1], FeeScheme.PER_APPLICATION).quantity == 1
    assert fee_quote_for_application(ctx, ids[-1], FeeScheme.PER_APPLICATION).quantity == 11


def test_letter_awaiting_confirmation_counts_by_arrival(ctx, clock):
    twelve_in_february(ctx, clock)
    letter = register_other(
        ctx,
        clock,
        datetime(2026, 2, 20, 9, 0),
        name="张三",
        id_number=VALID_ID,
        phone="1",
        channel=Channel.LETTER,
        post_kind=PostKind.ORDINARY,
    )
    with ctx.db.session_scope() as s:
        assert s.get(Application, letter).receipt_date is None
    assert fee_quote_for_application(ctx, letter, FeeScheme.PER_APPLICATION).quantity == 13
    assert fee_quote_for_application(ctx, letter, FeeScheme.PER_APPLICATION).amount_yuan == 100


def test_other_applicants_do_not_count(ctx, clock):
    ids = twelve_in_february(ctx, clock)
    other = register_other(ctx, clock, datetime(2026, 2, 3, 10, 0), name="张三", id_number=OTHER_ID, phone="1")
    no_id = [
        register_other(ctx, clock, datetime(2026, 2, d, 10, 0), name="李四", id_number="", phone="13900000000")
        for d in (4, 5)
    ]
    register_other(ctx, clock, datetime(2026, 2, 6, 10, 0), name="李四", id_number="", phone="13911111111")
    register_other(ctx, clock, datetime(2026, 2, 6, 11, 0), name="王五", id_number="", phone="13900000000")

    assert applications_in_month(ctx, VALID_ID, "张三", "1", date(2026, 2, 1)) == 12
    # the ID number is normalised (full-width digits, spaces, lower-case x)
    assert applications_in_month(ctx, " １１０１０５ 19491231002x", "", "", date(2026, 2, 1)) == 12
    assert applications_in_month(ctx, OTHER_ID, "张三", "1", date(2026, 2, 1)) == 1
    assert fee_quote_for_application(ctx, other, FeeScheme.PER_APPLICATION).quantity == 1
    # without an ID number: same name and same phone
    assert applications_in_month(ctx, None, "李四", "13900000000", date(2026, 2, 1)) == 2
    assert applications_in_month(ctx, "", " 李四 ", "13911111111", date(2026, 2, 1)) == 1
    assert [fee_quote_for_application(ctx, i, FeeScheme.PER_APPLICATION).quantity for i in no_id] == [1, 2]
    assert per_application_amounts(ctx, ids) == [0] * 10 + [100, 100]


def test_voided_applications_do_not_count(ctx, clock):
    ids = twelve_in_february(ctx, clock)
    set_column(ctx, ids[3], status="voided")
    assert applications_in_month(ctx, VALID_ID, "张三", "1", date(2026, 2, 1)) == 11
    assert fee_quote_for_application(ctx, ids[10], FeeScheme.PER_APPLICATION).quantity == 10
    assert fee_quote_for_application(ctx, ids[10], FeeScheme.PER_APPLICATION).amount_yuan == 0
    assert fee_quote_for_application(ctx, ids[11], FeeScheme.PER_APPLICATION).amount_yuan == 100
    with pytest.raises(ValidationError) as err:
        fee_quote_for_application(ctx, ids[3], FeeScheme.PER_APPLICATION)
    assert err.value.problems == ["该申请已作废，不计算信息处理费"]


def test_per_page_quote_and_waiver(ctx, clock):
    app_id = register_in_person(ctx, datetime(2026, 2, 2, 9, 0), clock, name="张三", content="图纸").id
    q = fee_quote_for_application(ctx, app_id, FeeScheme.PER_PAGE, 150)
    assert (q.scheme, q.quantity, q.amount_yuan, q.amount_due) == (FeeScheme.PER_PAGE, 150, 1700, 1700)
    waived = fee_quote_for_application(ctx, app_id, FeeScheme.PER_PAGE, 150, waived=True, waiver_reason="生活困难")
    assert (waived.amount_yuan, waived.amount_due, waived.waiver_reason) == (1700, 0, "生活困难")
    # the payment period is read from the settings
    ctx.set_setting("fee_payment_days", 15)
    assert "15个工作日" in fee_quote_for_application(ctx, app_id, FeeScheme.PER_PAGE, 40).basis


def test_bad_input_is_refused_in_chinese(ctx, clock):
    app_id = register_in_person(ctx, datetime(2026, 2, 2, 9, 0), clock, name="张三", content="图纸").id
    with pytest.raises(ValidationError) as err:
        fee_quote_for_application(ctx, app_id, FeeScheme.PER_PAGE)
    assert err.value.problems == ["请填写页数"]
    with pytest.raises(ValidationError, match="至少为1"):
        fee_quote_for_application(ctx, app_id, FeeScheme.PER_PAGE, 0)
    with pytest.raises(ValidationError, match="理由"):
        fee_quote_for_application(ctx, app_id, FeeScheme.PER_APPLICATION, waived=True, waiver_reason=" ")
    with pytest.raises(NotFound, match="找不到该申请"):
        fee_quote_for_application(ctx, app_id + 999, FeeScheme.PER_PAGE, 10)
    with pytest.raises(NotFound, match=r"^找不到该申请$"):
        applications_in_month(ctx, VALID_ID, "", "", date(2026, 2, 1), up_to_application_id=app_id + 999)
    with ctx.db.session_scope() as s:
        assert s.scalars(select(Application.id).order_by(Application.id)).all() == [app_id]

from datetime import date

import pytest

from app.domain.codes import Channel, PostKind
from app.domain.receipt import ReceiptError, determine_receipt, receipt_field, unusual_receipt_date

ARRIVED = date(2026, 2, 13)


def test_in_person_is_the_day_handed_in():
    d = determine_receipt(Channel.IN_PERSON, ARRIVED)
    assert d.receipt_date == ARRIVED and not d.awaiting_confirmation
    assert "第三十一条第（一）项" in d.basis


def test_in_person_date_can_be_corrected_by_the_clerk():
    d = determine_receipt(Channel.IN_PERSON, ARRIVED, handed_in_on=date(2026, 2, 12))
    assert d.receipt_date == date(2026, 2, 12) and not d.awaiting_confirmation
    assert d.basis == "当面提交，以提交之日 2026年2月12日 为收到申请之日（第三十一条第（一）项）"


def test_signed_post_is_the_signature_day():
    d = determine_receipt(Channel.LETTER, ARRIVED, post_kind=PostKind.SIGNED, signed_on=date(2026, 2, 14))
    assert d.receipt_date == date(2026, 2, 14)
    assert "签收" in d.basis


def test_signed_post_cannot_be_signed_before_it_arrived():
    with pytest.raises(ReceiptError, match=r"^签收日期不能早于邮件到达日期$"):
        determine_receipt(Channel.LETTER, ARRIVED, post_kind=PostKind.SIGNED, signed_on=date(2026, 2, 12))


def test_letter_needs_a_post_kind():
    with pytest.raises(ReceiptError, match=r"^信函申请须选择邮件类型（需签收 / 平常信函）$"):
        determine_receipt(Channel.LETTER, ARRIVED)


def test_ordinary_post_waits_for_confirmation_without_a_clock():
    d = determine_receipt(Channel.LETTER, ARRIVED, post_kind=PostKind.ORDINARY)
    assert d.receipt_date is None and d.awaiting_confirmation
    assert "暂不起算" in d.basis


def test_ordinary_post_counts_from_confirmation():
    d = determine_receipt(Channel.LETTER, ARRIVED, post_kind=PostKind.ORDINARY, confirmed_on=date(2026, 2, 24))
    assert d.receipt_date == date(2026, 2, 24) and not d.awaiting_confirmation
    assert "以与申请人确认之日 2026年2月24日 为收到申请之日" in d.basis
    with pytest.raises(ReceiptError, match=r"^确认日期不能早于信函到达日期$"):
        determine_receipt(Channel.LETTER, ARRIVED, post_kind=PostKind.ORDINARY, confirmed_on=date(2026, 2, 12))


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.ONLINE, Channel.FAX])
def test_electronic_channels_count_from_mutual_confirmation(channel: Channel):
    assert determine_receipt(channel, ARRIVED).receipt_date is None
    d = determine_receipt(channel, ARRIVED, confirmed_on=date(2026, 2, 14))
    assert d.receipt_date == date(2026, 2, 14)
    assert "第三十一条第（三）项" in d.basis


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.ONLINE, Channel.FAX])
def test_confirmation_cannot_precede_arrival(channel: Channel):
    with pytest.raises(ReceiptError, match=r"^确认日期不能早于申请到达日期$"):
        determine_receipt(channel, ARRIVED, confirmed_on=date(2026, 2, 12))


def test_one_field_per_channel_and_whether_it_is_the_receipt():
    assert receipt_field(Channel.IN_PERSON) == receipt_field(Channel.IN_PERSON, None)
    assert receipt_field(Channel.IN_PERSON).label == "提交时间" and receipt_field(Channel.IN_PERSON).is_receipt
    signed = receipt_field(Channel.LETTER, PostKind.SIGNED)
    assert signed.label == "签收时间" and signed.is_receipt
    for channel, post in ((Channel.LETTER, PostKind.ORDINARY), (Channel.EMAIL, None), (Channel.ONLINE, None)):
        field = receipt_field(channel, post)
        assert field.label == "到达时间" and not field.is_receipt  # the receipt is the later confirmation


def test_a_receipt_date_other_than_today_is_named_in_the_question():
    assert unusual_receipt_date(ARRIVED, ARRIVED, ARRIVED) is None
    q = unusual_receipt_date(date(2026, 2, 10), date(2026, 2, 10), ARRIVED)
    assert q is not None and "收到申请之日为 2026年2月10日，不是今天（2026年2月13日）" in q
    assert "确认按 2026年2月10日 登记吗？" in q


def test_another_year_names_the_year_of_the_number():
    q = unusual_receipt_date(date(2026, 1, 4), date(2025, 12, 31), date(2026, 1, 4))
    assert q is not None and "编入 2025 年度" in q and "不是今天" not in q
    pending = unusual_receipt_date(None, date(2026, 2, 12), ARRIVED)
    assert pending is not None and pending.startswith("到达日期为 2026年2月12日")

"""信息处理费 (国办函〔2020〕109号): band edges of both schemes, waivers, bad input and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.fees import (
    FeeQuote,
    FeeScheme,
    describe,
    per_application_rate,
    quote,
    quote_per_application,
    quote_per_page,
)

SETTINGS = settings(max_examples=300, deadline=None)
LINE_AMOUNT = re.compile(r"= (\d+)元$")


def breakdown_sum(q: FeeQuote) -> int:
    total = 0
    for line in q.breakdown:
        m = LINE_AMOUNT.search(line)
        if m:
            total += int(m.group(1))
        else:
            assert line.endswith("免费"), line
    return total


# --- 按件计收 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "amount", "tier"),
    [
        (1, 0, "第1—10件，免费"),
        (10, 0, "第1—10件，免费"),
        (11, 100, "第11—30件，每件100元"),
        (30, 100, "第11—30件，每件100元"),
        (31, 200, "第31—40件，每件200元"),
        (40, 200, "第31—40件，每件200元"),
        (41, 300, "第41—50件，每件300元"),
        (50, 300, "第41—50件，每件300元"),
        (51, 400, "第51—60件，每件400元"),
        (61, 500, "第61—70件，每件500元"),
        (100, 800, "第91—100件，每件800元"),
    ],
)
def test_per_application_band_edges(n: int, amount: int, tier: str) -> None:
    q = quote_per_application(n)
    assert q.scheme is FeeScheme.PER_APPLICATION
    assert q.quantity == n
    assert q.amount_yuan == amount
    assert q.amount_due == amount
    assert q.tier == tier
    assert q.free is (amount == 0)
    assert not q.waived and q.waiver_reason == ""
    assert len(q.breakdown) == 1
    assert f"本月第{n}件" in q.breakdown[0]
    assert breakdown_sum(q) == amount


def test_per_application_breakdown_and_basis_text() -> None:
    q = quote_per_application(12)
    assert q.breakdown == ("本月第12件，属第11—30件：1件 × 100元 = 100元",)
    assert "《政府信息公开条例》第四十二条" in q.basis
    assert "国办函〔2020〕109号" in q.basis
    assert "按件计收" in q.basis
    assert "20个工作日" in q.basis
    assert quote_per_application(1).breakdown == ("本月第1件，属第1—10件：免费",)
    assert "15个工作日" in quote_per_application(12, payment_days=15).basis


def test_per_application_rate_bands() -> None:
    assert per_application_rate(10) == (1, 10, 0)
    assert per_application_rate(11) == (11, 30, 100)
    assert per_application_rate(31) == (31, 40, 200)
    assert per_application_rate(55) == (51, 60, 400)


# --- 按量计收 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "amount"),
    [
        (1, 0),
        (30, 0),
        (31, 10),
        (100, 700),
        (101, 720),
        (150, 1700),
        (200, 2700),
        (201, 2740),
        (250, 4700),
    ],
)
def test_per_page_edges(pages: int, amount: int) -> None:
    q = quote_per_page(pages)
    assert q.scheme is FeeScheme.PER_PAGE
    assert q.quantity == pages
    assert q.amount_yuan == amount
    assert q.free is (amount == 0)
    assert breakdown_sum(q) == amount


def test_150_pages_breakdown() -> None:
    q = quote_per_page(150)
    assert q.amount_yuan == 1700
    assert q.breakdown == (
        "第1—30页：30页，免费",
        "第31—100页：70页 × 10元 = 700元",
        "第101—150页：50页 × 20元 = 1000元",
    )
    assert q.tier == "第101—200页部分，每页20元"
    assert "按量计收" in q.basis and "国办函〔2020〕109号" in q.basis and "第四十二条" in q.basis


def test_per_page_tiers() -> None:
    assert quote_per_page(30).tier == "第1—30页，免费"
    assert quote_per_page(30).breakdown == ("第1—30页：30页，免费",)
    assert quote_per_page(31).tier == "第31—100页部分，每页10元"
    assert quote_per_page(31).breakdown[-1] == "第31—31页：1页 × 10元 = 10元"
    assert quote_per_page(201).tier == "超过200页部分，每页40元"
    assert quote_per_page(201).breakdown[-1] == "第201—201页：1页 × 40元 = 40元"


# --- quote(), waivers, bad input ------------------------------------------------------------------------


def test_quote_dispatches_on_scheme() -> None:
    by_page = quote(FeeScheme.PER_PAGE, 150)
    assert (by_page.scheme, by_page.amount_yuan) == (FeeScheme.PER_PAGE, 1700)
    assert quote("per_page", 150) == by_page  # the stored code works as well as the enum
    by_application = quote("per_application", 31)
    assert (by_application.scheme, by_application.amount_yuan) == (FeeScheme.PER_APPLICATION, 200)
    assert by_application == quote(FeeScheme.PER_APPLICATION, 31) == quote_per_application(31)
    # the same number means 31 pages under the other scheme: 1 page over the free 30
    assert quote(FeeScheme.PER_PAGE, 31).amount_yuan == 10


def test_waiver_keeps_the_computed_amount() -> None:
    q = quote(FeeScheme.PER_PAGE, 150, waived=True, waiver_reason="  申请人持有低保证，生活困难 ")
    assert q.waived
    assert q.waiver_reason == "申请人持有低保证，生活困难"
    assert q.amount_yuan == 1700
    assert q.amount_due == 0
    text = describe(q)
    assert "已减免" in text and "申请人持有低保证，生活困难" in text
    assert "合计：1700元" in text and "应缴金额：0元" in text


def test_reason_is_ignored_without_waiver() -> None:
    q = quote(FeeScheme.PER_APPLICATION, 11, waiver_reason="随手填写")
    assert not q.waived and q.waiver_reason == "" and q.amount_due == 100


@pytest.mark.parametrize("reason", ["", "   "])
def test_waiver_needs_a_reason(reason: str) -> None:
    with pytest.raises(ValueError, match="理由"):
        quote(FeeScheme.PER_PAGE, 150, waived=True, waiver_reason=reason)


@pytest.mark.parametrize("bad", [0, -1, -100])
def test_quantity_below_one_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="至少为1"):
        quote_per_page(bad)
    with pytest.raises(ValueError, match="至少为1"):
        quote_per_application(bad)
    with pytest.raises(ValueError, match="至少为1"):
        quote(FeeScheme.PER_PAGE, bad)


@pytest.mark.parametrize("bad", [1.5, "30", True, None])
def test_non_integer_quantity_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="整数"):
        quote_per_page(bad)  # type: ignore[arg-type]


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="未知的收费方式"):
        quote("both", 3)


def test_describe_spells_out_the_computation() -> None:
    text = describe(quote_per_page(150))
    lines = text.splitlines()
    assert lines[0] == "收费方式：按量计收（150页）"
    assert lines[1] == "适用档次：第101—200页部分，每页20元"
    assert "  第31—100页：70页 × 10元 = 700元" in lines
    assert "合计：1700元" in lines
    assert "应缴金额：1700元" in lines
    assert "减免" not in text
    free = describe(quote_per_application(3))
    assert "收费方式：按件计收（本月第3件申请）" in free
    assert "合计：0元（免费）" in free


def test_quote_is_frozen() -> None:
    q = quote_per_page(40)
    with pytest.raises(AttributeError, match="cannot assign to field 'amount_yuan'"):
        q.amount_yuan = 0  # type: ignore[misc]
    assert q.amount_yuan == 100 and q.amount_due == 100


# --- properties -----------------------------------------------------------------------------------------

quantities = st.integers(min_value=1, max_value=5000)


@SETTINGS
@given(quantities)
def test_per_page_amount_is_non_decreasing(pages: int) -> None:
    assert quote_per_page(pages + 1).amount_yuan >= quote_per_page(pages).amount_yuan


@SETTINGS
@given(quantities)
def test_per_page_amount_equals_sum_of_breakdown(pages: int) -> None:
    q = quote_per_page(pages)
    assert breakdown_sum(q) == q.amount_yuan
    # every page is accounted for exactly once
    counted = sum(int(re.search(r"：(\d+)页", line).group(1)) for line in q.breakdown)  # type: ignore[union-attr]
    assert counted == pages


@SETTINGS
@given(quantities)
def test_per_page_matches_closed_form(pages: int) -> None:
    expected = 10 * max(0, min(pages, 100) - 30) + 20 * max(0, min(pages, 200) - 100) + 40 * max(0, pages - 200)
    assert quote_per_page(pages).amount_yuan == expected


@SETTINGS
@given(quantities)
def test_per_application_rate_is_non_decreasing(n: int) -> None:
    assert quote_per_application(n + 1).amount_yuan >= quote_per_application(n).amount_yuan


@SETTINGS
@given(quantities)
def test_per_application_matches_closed_form(n: int) -> None:
    expected = 0 if n <= 10 else 100 if n <= 30 else 100 * ((n - 31) // 10 + 2)
    assert quote_per_application(n).amount_yuan == expected


@SETTINGS
@given(st.sampled_from(list(FeeScheme)), quantities, st.text(min_size=1).filter(str.strip))
def test_waived_amount_due_is_zero(scheme: FeeScheme, quantity: int, reason: str) -> None:
    plain = quote(scheme, quantity)
    q = quote(scheme, quantity, waived=True, waiver_reason=reason)
    assert q.amount_due == 0
    assert q.amount_yuan == plain.amount_yuan == plain.amount_due
    assert q.waiver_reason == reason.strip()

"""信息处理费 (fees for processing information requests): what an application may be charged, and why.

Rules (《政府信息公开条例》第四十二条; 国办函〔2020〕109号《政府信息公开信息处理费管理办法》):

* Information is provided free of charge by default. Only when the quantity or frequency of an applicant's
  requests clearly exceeds a reasonable range may the agency charge, by **one** of two progressive schemes
  per application (never both):
* 按件计收 (per application), counted per applicant per calendar month: applications 1–10 are free; the part
  11–30 costs 100 yuan per application; from 31 on, every further band of 10 costs 100 yuan more per
  application (31–40: 200, 41–50: 300, 51–60: 400, …). One application costs the rate of the band its
  ordinal in the month falls in.
* 按量计收 (per page of one application), progressive by part like an income tax: pages 1–30 free; the part
  31–100 at 10 yuan/page; the part 101–200 at 20 yuan/page; the part above 200 at 40 yuan/page
  (150 pages = 70 × 10 + 50 × 20 = 1700 yuan).
* A fee may be reduced or waived (减免), e.g. for an applicant in financial hardship; a waiver is recorded with
  its reason, makes the amount due 0 and keeps the computed amount visible.

Amounts are whole yuan (``int``). Pure Python: no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = [
    "BASIS_LAW",
    "DEFAULT_PAYMENT_DAYS",
    "FREE_APPLICATIONS_PER_MONTH",
    "FREE_PAGES",
    "PAGE_BANDS",
    "FeeQuote",
    "FeeScheme",
    "describe",
    "per_application_rate",
    "quote",
    "quote_per_application",
    "quote_per_page",
]

BASIS_LAW = "《政府信息公开条例》第四十二条、国办函〔2020〕109号《政府信息公开信息处理费管理办法》"
DEFAULT_PAYMENT_DAYS = 20  # 缴费期限 (a setting: ``fee_payment_days``); only named in the basis text here

FREE_APPLICATIONS_PER_MONTH = 10
_FIRST_PAID_LAST = 30  # applications 11–30 form the first paid band
_FIRST_PAID_RATE = 100
_BAND_WIDTH = 10  # from 31 on: each further band of 10 applications …
_BAND_STEP = 100  # … costs 100 yuan more per application

FREE_PAGES = 30
# (first page, last page or None for "and above", yuan per page) — the part of an application in each band
PAGE_BANDS: tuple[tuple[int, int | None, int], ...] = (
    (1, FREE_PAGES, 0),
    (31, 100, 10),
    (101, 200, 20),
    (201, None, 40),
)


class FeeScheme(StrEnum):
    """The two schemes of 国办函〔2020〕109号; an application is charged by one of them only, never both."""

    PER_APPLICATION = "per_application"
    PER_PAGE = "per_page"

    @property
    def label(self) -> str:
        return {FeeScheme.PER_APPLICATION: "按件计收", FeeScheme.PER_PAGE: "按量计收"}[self]

    @property
    def unit(self) -> str:
        return {FeeScheme.PER_APPLICATION: "件", FeeScheme.PER_PAGE: "页"}[self]


@dataclass(frozen=True)
class FeeQuote:
    """What one application may be charged under one scheme, with the reasoning the clerk can check by hand.

    ``quantity`` is the ordinal of the application in the applicant's calendar month (按件计收) or its number
    of pages (按量计收). ``amount_yuan`` is the computed fee, kept even when waived; :attr:`amount_due` is what
    the applicant has to pay.
    """

    scheme: FeeScheme
    quantity: int
    amount_yuan: int
    tier: str
    breakdown: tuple[str, ...]
    basis: str
    free: bool
    waived: bool = False
    waiver_reason: str = ""

    @property
    def amount_due(self) -> int:
        """0 when the fee is reduced or waived (减免, 国办函〔2020〕109号), else the computed amount."""
        return 0 if self.waived else self.amount_yuan


def _check_quantity(quantity: object, what: str) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValueError(f"{what}必须是整数")
    if quantity < 1:
        raise ValueError(f"{what}至少为1，不能是{quantity}")
    return quantity


def _payment_clause(payment_days: int) -> str:
    return f"需缴费的，申请人应自收到收费通知之日起{payment_days}个工作日内缴纳，缴费期间不计入答复期限。"


def _basis(scheme: FeeScheme, rule: str, payment_days: int) -> str:
    return (
        f"依据{BASIS_LAW}：行政机关依申请提供政府信息，原则上不收取费用；申请人申请公开政府信息的数量、频次"
        f"明显超过合理范围的，可以收取信息处理费，按件计收与按量计收只能选择其一。本件适用{scheme.label}：{rule}"
        f"{_payment_clause(payment_days)}"
    )


def per_application_rate(nth_in_month: int) -> tuple[int, int, int | None]:
    """The band of the *n*-th application of an applicant in a calendar month (按件计收, 国办函〔2020〕109号).

    Returns ``(first, last, yuan per application)``: 1–10 free; 11–30 at 100 yuan; from 31 on every further
    band of 10 at 100 yuan more (31–40: 200, 41–50: 300, …). Raises ``ValueError`` (Chinese) when n < 1.
    """
    n = _check_quantity(nth_in_month, "本月申请件次")
    if n <= FREE_APPLICATIONS_PER_MONTH:
        return 1, FREE_APPLICATIONS_PER_MONTH, 0
    if n <= _FIRST_PAID_LAST:
        return FREE_APPLICATIONS_PER_MONTH + 1, _FIRST_PAID_LAST, _FIRST_PAID_RATE
    k = (n - _FIRST_PAID_LAST - 1) // _BAND_WIDTH  # 0 for 31–40, 1 for 41–50, …
    first = _FIRST_PAID_LAST + 1 + k * _BAND_WIDTH
    return first, first + _BAND_WIDTH - 1, _FIRST_PAID_RATE + (k + 1) * _BAND_STEP


def quote_per_application(nth_in_month: int, *, payment_days: int = DEFAULT_PAYMENT_DAYS) -> FeeQuote:
    """Fee of an application charged 按件计收 (《政府信息公开条例》第四十二条, 国办函〔2020〕109号).

    *nth_in_month* is the application's position among the same applicant's applications received in that
    calendar month. 1–10 free; 11–30: 100 yuan; 31–40: 200; 41–50: 300; … (100 yuan more per band of 10).
    Raises ``ValueError`` (Chinese) when it is below 1.
    """
    first, last, rate = per_application_rate(nth_in_month)
    n = nth_in_month
    if rate == 0:
        tier = f"第{first}—{last}件，免费"
        line = f"本月第{n}件，属第{first}—{last}件：免费"
    else:
        tier = f"第{first}—{last}件，每件{rate}元"
        line = f"本月第{n}件，属第{first}—{last}件：1件 × {rate}元 = {rate}元"
    rule = (
        "同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；第11—30件，每件100元；"
        "第31件起，每增加10件，每件收费标准提高100元（第31—40件200元、第41—50件300元，依此类推）。"
    )
    return FeeQuote(
        scheme=FeeScheme.PER_APPLICATION,
        quantity=n,
        amount_yuan=rate,
        tier=tier,
        breakdown=(line,),
        basis=_basis(FeeScheme.PER_APPLICATION, rule, payment_days),
        free=rate == 0,
    )


def quote_per_page(pages: int, *, payment_days: int = DEFAULT_PAYMENT_DAYS) -> FeeQuote:
    """Fee of one application charged 按量计收 (《政府信息公开条例》第四十二条, 国办函〔2020〕109号).

    Progressive by part: pages 1–30 free; the part 31–100 at 10 yuan/page; 101–200 at 20 yuan/page; above 200
    at 40 yuan/page (150 pages = 70 × 10 + 50 × 20 = 1700 yuan). Raises ``ValueError`` (Chinese) when
    *pages* is below 1.
    """
    total = _check_quantity(pages, "页数")
    amount = 0
    lines: list[str] = []
    tier = ""
    for first, last, rate in PAGE_BANDS:
        if total < first:
            break
        top = total if last is None else min(total, last)
        count = top - first + 1
        if rate == 0:
            lines.append(f"第{first}—{top}页：{count}页，免费")
            tier = f"第{first}—{last}页，免费"
        else:
            part = count * rate
            amount += part
            lines.append(f"第{first}—{top}页：{count}页 × {rate}元 = {part}元")
            where = f"超过{first - 1}页部分" if last is None else f"第{first}—{last}页部分"
            tier = f"{where}，每页{rate}元"
    rule = (
        "按单件申请的页数累进计算：30页以下（含30页）不收费；第31—100页部分每页10元；"
        "第101—200页部分每页20元；超过200页部分每页40元。"
    )
    return FeeQuote(
        scheme=FeeScheme.PER_PAGE,
        quantity=total,
        amount_yuan=amount,
        tier=tier,
        breakdown=tuple(lines),
        basis=_basis(FeeScheme.PER_PAGE, rule, payment_days),
        free=amount == 0,
    )


def quote(
    scheme: FeeScheme | str,
    quantity: int,
    *,
    waived: bool = False,
    waiver_reason: str = "",
    payment_days: int = DEFAULT_PAYMENT_DAYS,
) -> FeeQuote:
    """Fee of one application under *scheme* (one of the two schemes of 国办函〔2020〕109号, never both).

    *quantity* is the ordinal in the applicant's calendar month (按件计收) or the page count (按量计收). A
    waiver (减免, e.g. for financial hardship, 国办函〔2020〕109号) needs a non-empty *waiver_reason*, makes the
    amount due 0 and keeps the computed amount; without a waiver the reason is ignored. Raises ``ValueError``
    (Chinese) for an unknown scheme, a quantity below 1 or a waiver without a reason.
    """
    try:
        kind = FeeScheme(scheme)
    except ValueError:
        raise ValueError(f"未知的收费方式：{scheme}（只能按件计收或按量计收）") from None
    if kind is FeeScheme.PER_APPLICATION:
        result = quote_per_application(quantity, payment_days=payment_days)
    else:
        result = quote_per_page(quantity, payment_days=payment_days)
    if not waived:
        return result
    reason = (waiver_reason or "").strip()
    if not reason:
        raise ValueError("减免信息处理费须写明理由（如申请人生活困难）")
    return replace(result, waived=True, waiver_reason=reason)


def describe(q: FeeQuote) -> str:
    """A Chinese, multi-line explanation of *q* for the clerk (scheme, tier, breakdown, total, waiver).

    Follows 《政府信息公开条例》第四十二条 and 国办函〔2020〕109号; every figure can be checked by hand.
    """
    if q.scheme is FeeScheme.PER_APPLICATION:
        quantity = f"本月第{q.quantity}件申请"
    else:
        quantity = f"{q.quantity}页"
    lines = [
        f"收费方式：{q.scheme.label}（{quantity}）",
        f"适用档次：{q.tier}",
        "计算过程：",
        *(f"  {line}" for line in q.breakdown),
        f"合计：{q.amount_yuan}元" + ("（免费）" if q.free else ""),
    ]
    if q.waived:
        lines.append(f"减免：已减免，理由：{q.waiver_reason}")
    lines.append(f"应缴金额：{q.amount_due}元")
    lines.append(f"依据：{q.basis}")
    return "\n".join(lines)

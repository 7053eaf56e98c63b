"""The legal date of receipt (《政府信息公开条例》第三十一条) — the day every clock starts from.

Art. 31: (1) handed in person: the day it is handed in; (2) by post needing a signature: the day the
office signs for it; by ordinary post needing none: the day the office confirms receipt with the
applicant (the office should confirm on the day the letter arrives); (3) by email, the online platform or
fax: the day both sides confirm receipt. An ordinary letter or an electronic application that has not yet
been confirmed has no receipt date: it waits as 待确认 and no clock runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.codes import Channel, PostKind
from app.domain.dates import cn_date


@dataclass(frozen=True)
class ReceiptDecision:
    receipt_date: date | None
    basis: str  # Chinese sentence for the record and the explanation
    awaiting_confirmation: bool


class ReceiptError(ValueError):
    """The dates given cannot make a legal receipt date (Chinese message)."""


def determine_receipt(
    channel: Channel,
    arrived_on: date,
    *,
    post_kind: PostKind | None = None,
    handed_in_on: date | None = None,
    signed_on: date | None = None,
    confirmed_on: date | None = None,
) -> ReceiptDecision:
    """Apply Art. 31 to the dates the clerk recorded; raise ReceiptError on impossible combinations."""
    if channel is Channel.IN_PERSON:
        day = handed_in_on or arrived_on
        return ReceiptDecision(
            day, f"当面提交，以提交之日 {cn_date(day)} 为收到申请之日（第三十一条第（一）项）", False
        )
    if channel is Channel.LETTER:
        if post_kind is None:
            raise ReceiptError("信函申请须选择邮件类型（需签收 / 平常信函）")
        if post_kind is PostKind.SIGNED:
            day = signed_on or arrived_on
            if day < arrived_on:
                raise ReceiptError("签收日期不能早于邮件到达日期")
            return ReceiptDecision(
                day,
                f"以需签收方式邮寄，以签收之日 {cn_date(day)} 为收到申请之日（第三十一条第（二）项）",
                False,
            )
        if confirmed_on is None:
            return ReceiptDecision(None, "平常信函，尚未与申请人确认收到，暂不起算期限（第三十一条第（二）项）", True)
        if confirmed_on < arrived_on:
            raise ReceiptError("确认日期不能早于信函到达日期")
        return ReceiptDecision(
            confirmed_on,
            f"平常信函，以与申请人确认之日 {cn_date(confirmed_on)} 为收到申请之日（第三十一条第（二）项）",
            False,
        )
    label = {Channel.EMAIL: "电子邮件", Channel.ONLINE: "网上申请平台", Channel.FAX: "传真"}[channel]
    if confirmed_on is None:
        return ReceiptDecision(None, f"通过{label}提交，双方尚未确认收到，暂不起算期限（第三十一条第（三）项）", True)
    if confirmed_on < arrived_on:
        raise ReceiptError("确认日期不能早于申请到达日期")
    return ReceiptDecision(
        confirmed_on,
        f"通过{label}提交，以双方确认之日 {cn_date(confirmed_on)} 为收到申请之日（第三十一条第（三）项）",
        False,
    )


@dataclass(frozen=True)
class ReceiptField:
    """The one date-and-time field the counter form asks for, per channel (docs/rules.md §3).

    ``label`` names it for the clerk. When ``is_receipt`` the recorded moment is itself the legal receipt
    (handed in at the counter, signed for from the post), so arrival and receipt can never disagree; otherwise
    it is the arrival, and the receipt date is the later confirmation with the applicant.
    """

    label: str
    is_receipt: bool


def receipt_field(channel: Channel, post_kind: PostKind | None = None) -> ReceiptField:
    """Which moment the clerk records for ``channel`` (Art. 31(1)–(3))."""
    if channel is Channel.IN_PERSON:
        return ReceiptField("提交时间", True)
    if channel is Channel.LETTER and post_kind is PostKind.SIGNED:
        return ReceiptField("签收时间", True)
    return ReceiptField("到达时间", False)


def unusual_receipt_date(receipt_date: date | None, arrived_on: date, today: date) -> str | None:
    """A question naming the date when it is not today or lies in another year (else None; docs/rules.md §3).

    The receipt date starts every clock and the arrival year gives the registration number its year, so a
    date other than today is registered only after the clerk confirms that very date.
    """
    day = receipt_date or arrived_on
    if day == today and arrived_on.year == today.year:
        return None
    what = "收到申请之日" if receipt_date is not None else "到达日期"
    lines = [f"{what}为 {cn_date(day)}，不是今天（{cn_date(today)}）。" if day != today else ""]
    if arrived_on.year != today.year:
        lines.append(f"到达日期在 {arrived_on.year} 年，登记编号将编入 {arrived_on.year} 年度。")
    if receipt_date is not None:
        lines.append("答复期限将从该日起计算。")
    lines.append(f"确认按 {cn_date(day)} 登记吗？")
    return "\n".join(line for line in lines if line)

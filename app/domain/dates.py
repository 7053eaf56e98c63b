"""Dates as Chinese official documents write them: 2026年3月5日, no leading zeros (GB/T 9704-2012 §7.3.5.5)."""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def cn_weekday(d: date) -> str:
    """星期四."""
    return WEEKDAYS[d.weekday()]


def cn_date(d: date, *, year: bool = True, weekday: bool = False) -> str:
    """2026年3月5日; optionally without the year (3月5日) or with the weekday (2026年3月5日（星期四）)."""
    text = f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"
    return text + (f"（{cn_weekday(d)}）" if weekday else "")


def cn_date_weekday(d: date) -> str:
    """2026年3月5日（星期四）."""
    return f"{cn_date(d)}（{WEEKDAYS[d.weekday()]}）"


def cn_datetime(dt: datetime) -> str:
    return f"{cn_date(dt.date())} {dt:%H:%M}"

"""Time the 工作台 on a large database (see make_synthetic_db.py): the service, each of its queries, the page.

    .venv/bin/python scripts/make_synthetic_db.py /tmp/x.sqlite --count 100000
    .venv/bin/python scripts/bench_dashboard.py /tmp/x.sqlite [--repeat 10] [--today 2026-03-16]

The first refresh of a process also loads the working-day calendar's estimate of any unconfirmed year (the
`holidays` package); it is shown apart. The target is a whole refresh of the page in at most 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services import dashboard as D
from app.services.bootstrap import open_context
from app.services.register import RegisterFilter, conditions

TARGET_MS = 150.0


def pad(text: str, width: int) -> str:
    """*text* padded to *width* columns (a Chinese character takes two)."""
    return text + " " * max(0, width - sum(2 if ord(ch) > 0x2E7F else 1 for ch in text))


def line(label: str, t: float, note: str = "", indent: int = 0) -> None:
    print(" " * indent + pad(label, 34 - indent) + f"{t:8.1f} ms" + (f"   {note}" if note else ""))


def ms(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--today", type=date.fromisoformat, help="look at the board of another day (default: today)")
    parser.add_argument("--no-page", action="store_true", help="time the service only (no Qt)")
    args = parser.parse_args(argv)
    now = (lambda: datetime.combine(args.today, datetime.min.time()).replace(hour=9)) if args.today else datetime.now
    opened, ctx = ms(lambda: open_context(args.db, now=now))
    line("打开数据库", opened)
    first, b = ms(lambda: D.board(ctx))
    line("首次刷新（含载入日历预估）", first, "每次启动只有一次")
    warm, b = ms(lambda: D.board(ctx), args.repeat)
    line("工作台数据（中位数）", warm, f"× {args.repeat}")

    today, cal = ctx.today(), ctx.calendar()
    fee_days = ctx.int_setting("fee_payment_days")
    keys = (*D.WORK_LISTS, *D._TILE_ONLY)
    t, where = ms(lambda: {k: conditions(ctx, RegisterFilter(status=k), today) for k in keys}, args.repeat)
    line("筛选条件（含设置、日历）", t, indent=2)
    with ctx.db.session_scope() as s:
        for key in D.WORK_LISTS:
            if key in D._FROM_EVENTS:
                continue
            t, work = ms(lambda k=key: D._sql_list(s, k, where[k], cal, today), args.repeat)
            line(key.label, t, f"共 {work.total} 件", 2)
        events = {k: where[k] for k in D._FROM_EVENTS}
        t, lists = ms(lambda: D._event_lists(s, events, cal, today, fee_days), args.repeat)
        sizes = "、".join(f"{k.label} {w.total}" for k, w in lists.items())
        line("按办理记录逐件计算", t, f"{sizes} 件", 2)
        for key in D._TILE_ONLY:
            t, n = ms(lambda k=key: D._count(s, where[k]), args.repeat)
            line(key.label + "（计数）", t, f"{n} 件", 2)
        t, _ = ms(lambda: D._received_by_kind(s, today.year), args.repeat)
        line("本年收到（按申请人类型）", t, f"{b.received_this_year} 件", 2)
        t, _ = ms(lambda: D._closed_by_group(s, today.year), args.repeat)
        line("本年办结（按办理结果）", t, f"{b.closed_this_year} 件（索引 ix_application_closed）", 2)
        t, _ = ms(lambda: D._months(s, today), args.repeat)
        line("近12个月每月收到", t, indent=2)

    total = warm
    if not args.no_page:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from app.ui.application import create_qapplication
        from app.ui.dashboard_page import DashboardPage

        app = create_qapplication()
        page = DashboardPage(ctx)
        page.resize(1216, 700)
        page.show()
        app.processEvents()
        total, _ = ms(lambda: (page.refresh(), app.processEvents()), args.repeat)
        line("整页刷新（数据+界面，中位数）", total, f"× {args.repeat}")
        page.close()
        page.deleteLater()
        app.processEvents()
        del page
    verdict = "达标" if total <= TARGET_MS else "超出"
    print(f"目标 ≤ {TARGET_MS:.0f} ms：{verdict}（{total:.1f} ms）")
    ctx.db.dispose()
    return 0 if total <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())

"""Time the annual report on a large database against the raw SQL aggregate counting the same cells.

    .venv/bin/python scripts/make_synthetic_db.py /tmp/x.sqlite --count 100000
    .venv/bin/python scripts/bench_report.py /tmp/x.sqlite [--year 2025] [--repeat 7]

The baseline is what SQLite alone needs for the cells of tables 三 and 四 (docs/rules.md §6): one
``GROUP BY applicant_kind, outcome`` with the four row conditions over ``application`` and one
``GROUP BY kind, result`` over ``remedy_case``, run through the sqlite3 module with no ORM and no Python work.
The target: ``compute_tables`` (the service) within 3× the baseline. ``build_report`` (everything the page
shows: both tables, the previous year's figures, fees, checks, drafted prose) and the exports are timed too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Raw, figure_line

from app.services import report as R
from app.services.bootstrap import open_context
from app.services.report_export import export_report

RAW_TABLE3 = """
SELECT applicant_kind, outcome,
       SUM(receipt_date >= :y0),
       SUM(receipt_date < :y0 AND (closed_on IS NULL OR closed_on >= :y0)),
       SUM(closed_on >= :y0 AND closed_on <= :y1),
       SUM(closed_on IS NULL OR closed_on > :y1)
FROM application
WHERE status != 'voided' AND receipt_date IS NOT NULL AND receipt_date <= :y1
GROUP BY applicant_kind, outcome
"""
RAW_TABLE4 = """
SELECT r.kind, r.result, COUNT(*)
FROM remedy_case r JOIN application a ON a.id = r.application_id
WHERE r.filed_on >= :y0 AND r.filed_on <= :y1 AND a.status != 'voided'
GROUP BY r.kind, r.result
"""

#: the same counts on a server (booleans are not numbers there; parameters in psycopg's style)
SERVER_TABLE3 = """
SELECT applicant_kind, outcome,
       COUNT(*) FILTER (WHERE receipt_date >= %(y0)s),
       COUNT(*) FILTER (WHERE receipt_date < %(y0)s AND (closed_on IS NULL OR closed_on >= %(y0)s)),
       COUNT(*) FILTER (WHERE closed_on >= %(y0)s AND closed_on <= %(y1)s),
       COUNT(*) FILTER (WHERE closed_on IS NULL OR closed_on > %(y1)s)
FROM application
WHERE status != 'voided' AND receipt_date IS NOT NULL AND receipt_date <= %(y1)s
GROUP BY applicant_kind, outcome
"""
SERVER_TABLE4 = """
SELECT r.kind, r.result, COUNT(*)
FROM remedy_case r JOIN application a ON a.id = r.application_id
WHERE r.filed_on >= %(y0)s AND r.filed_on <= %(y1)s AND a.status != 'voided'
GROUP BY r.kind, r.result
"""


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The fastest of *repeat* runs (ms) and the last result (after one warm-up run)."""
    result = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="年度报告统计耗时（与原始 SQL 聚合对比）")
    parser.add_argument("db", help="数据库文件，或服务器连接字符串 postgresql://…")
    parser.add_argument("--year", type=int, default=None, help="报告年度（默认：上一年）")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    ctx = open_context(args.db if args.db.startswith(("postgresql://", "postgres://")) else Path(args.db))
    year = args.year or ctx.today().year - 1
    params = {"y0": f"{year}-01-01", "y1": f"{year}-12-31"}
    conn = Raw(args.db)
    count = conn.all("SELECT COUNT(*) FROM application")[0][0]
    print(f"数据库：{ctx.db.location}（{count} 件申请），报告年度：{year}，取 {args.repeat} 次中最快的一次")
    table3, table4 = conn.sql(RAW_TABLE3, SERVER_TABLE3), conn.sql(RAW_TABLE4, SERVER_TABLE4)

    def raw() -> tuple[list[Any], list[Any]]:
        return conn.all(table3, params), conn.all(table4, params)

    raw_ms, (rows3, _rows4) = best(raw, args.repeat)
    svc_ms, (t3, _t4) = best(lambda: R.compute_tables(ctx, year), args.repeat)
    # the same cells: the raw rows summed by hand give the service's 一/二/三(七)/四 总计
    totals = [sum(r[i] for r in rows3) for i in (2, 3, 4, 5)]
    assert totals == [t3.total("一"), t3.total("二"), t3.total("三.七"), t3.total("四")], (totals, t3)
    view_ms, view = best(lambda: R.build_report(ctx, year), args.repeat)
    drill_ms, ids = best(lambda: R.cell_applications(ctx, year, "三", "一", 6), args.repeat)
    driver = "psycopg" if conn.server else "sqlite3"
    print(f"{f'原始 SQL 聚合（{driver}，表三+表四）':<36} {raw_ms:8.1f} ms")
    print(f"{'compute_tables（服务，表三+表四）':<36} {svc_ms:8.1f} ms   = {svc_ms / raw_ms:.2f} ×（目标 ≤ 3×）")
    print(f"{'build_report（页面所需全部内容）':<36} {view_ms:8.1f} ms   = {view_ms / raw_ms:.2f} × 原始聚合")
    print(f"{'下钻：一·总计 的申请编号':<36} {drill_ms:8.1f} ms   （{len(ids)} 件）")
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".json", ".xlsx", ".pdf", ".docx"):
            t = time.perf_counter()
            export_report(ctx, year, Path(folder) / f"r{suffix}")
            print(f"{'导出 ' + suffix:<36} {(time.perf_counter() - t) * 1000:8.1f} ms")
    print(
        figure_line(
            "年度报告 表三+表四（服务）", svc_ms, "raw SQL aggregate", raw_ms, "≤ 3 × raw", svc_ms <= 3 * raw_ms
        )
    )
    print(f"本年新收 {view.table3.total('一')}，办结 {view.table3.total('三.七')}，校验全部通过：{view.checks_ok}")
    conn.close()
    ctx.db.dispose()
    return 0 if svc_ms <= 3 * raw_ms else 1


if __name__ == "__main__":
    sys.exit(main())

"""Time the register's queries on a large database (see make_synthetic_db.py).

.venv/bin/python scripts/bench_register.py /tmp/ogi-bench.sqlite
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services import dashboard as D
from app.services import register as R
from app.services.bootstrap import open_context


def timed(label: str, fn):
    t = time.perf_counter()
    result = fn()
    print(f"{label:<40} {(time.perf_counter() - t) * 1000:8.1f} ms")
    return result


def main() -> int:
    path = Path(sys.argv[1])
    ctx = timed("打开数据库（检查与迁移）", lambda: open_context(path))
    db = ctx.db
    timed("载入工作日历", ctx.calendar)
    ids = timed("全部申请编号（按登记编号排序）", lambda: R.query_ids(ctx, R.RegisterFilter()))
    print(f"  共 {len(ids)} 件")
    timed("首屏 200 行", lambda: R.fetch_rows(ctx, ids[:200]))
    timed("搜索“许可”", lambda: R.query_ids(ctx, R.RegisterFilter(text="许可")))
    timed("搜索姓名“王”+2025年+已办结", lambda: R.query_ids(ctx, R.RegisterFilter("王", 2025, R.StatusFilter.CLOSED)))
    timed(
        "未办结，按答复期限排序", lambda: R.query_ids(ctx, R.RegisterFilter(status=R.StatusFilter.OPEN), R.SortKey.DUE)
    )
    timed("已超期", lambda: R.query_ids(ctx, R.RegisterFilter(status=R.StatusFilter.OVERDUE)))
    timed("按申请人排序（全部）", lambda: R.query_ids(ctx, R.RegisterFilter(), R.SortKey.APPLICANT))
    timed("工作台（详见 bench_dashboard.py）", lambda: D.board(ctx))
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

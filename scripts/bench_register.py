"""Time the register's queries on a large database (see make_synthetic_db.py) against raw SQLite.

    .venv/bin/python scripts/bench_register.py /tmp/ogi-bench.sqlite [--repeat 5]

Goals (docs: the register at 100,000 applications): the first screen of rows for any filter, sort or search
≤ 100 ms; the 工作台's figures ≤ 50 ms. Baselines, measured in the same run with the sqlite3 module alone:
a plain scan of every application's id (filters and sorts), the raw ``LIKE '%word%'`` scan over the four
searched columns (searches: also the ratio of the whole indexed search to it), and one GROUP BY over the
status column (the 工作台). Every search is checked to find exactly what the scan finds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Raw, figure_line, median_ms

from app.services import dashboard as D
from app.services import register as R
from app.services.bootstrap import open_context

ROOT = Path(__file__).resolve().parents[1]
SCREEN_GOAL_MS = 100.0
BOARD_GOAL_MS = 50.0
SEARCHES = ("许可", "王", "许可证", "2025", "〔2025〕第1", "3703", "x", "淄博市公安局")
RAW_LIKE = (
    "SELECT id FROM application WHERE reg_number LIKE ?1 ESCAPE '\\' OR applicant_name LIKE ?1 ESCAPE '\\' "
    "OR content LIKE ?1 ESCAPE '\\' OR applicant_id_number LIKE ?1 ESCAPE '\\' ORDER BY year DESC, seq DESC"
)
#: on a server: ILIKE (SQLite's LIKE folds ASCII case, the server's does not)
RAW_ILIKE = (
    "SELECT id FROM application WHERE reg_number ILIKE %(w)s OR applicant_name ILIKE %(w)s "
    "OR content ILIKE %(w)s OR applicant_id_number ILIKE %(w)s ORDER BY year DESC, seq DESC"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="数据库文件，或服务器连接字符串 postgresql://…")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    target = args.db if args.db.startswith(("postgresql://", "postgres://")) else Path(args.db)
    ctx = open_context(target)
    while R.update_search_index(ctx, 5000) > 0:  # the state the program keeps in the background
        pass
    raw = Raw(str(args.db))
    n = raw.all("SELECT count(*) FROM application")[0][0]
    engine = "PostgreSQL server" if raw.server else "SQLite file"
    print(f"# register ({engine}): {n} applications, medians of {args.repeat}")
    scan_ms, _ = median_ms(lambda: raw.all("SELECT id FROM application"), args.repeat)
    F = R.RegisterFilter
    failed = 0

    def screen(name: str, f: R.RegisterFilter, sort: R.SortKey = R.SortKey.NUMBER, descending: bool = True) -> None:
        nonlocal failed
        ms, _ = median_ms(lambda: R.first_rows(ctx, f, sort, descending), args.repeat)
        failed += ms > SCREEN_GOAL_MS
        print(figure_line(name, ms, "raw id scan", scan_ms, f"≤ {SCREEN_GOAL_MS:.0f} ms", ms <= SCREEN_GOAL_MS))

    for key in R.SortKey:
        for descending in (True, False):
            screen(f"首屏 排序 {key.value}{' desc' if descending else ''}", F(), key, descending)
    for status in R.StatusFilter:
        screen(f"首屏 筛选 {status.value}", F(status=status))
    screen("首屏 王 + 2025年 + 已办结", F("王", 2025, R.StatusFilter.CLOSED))
    for word in SEARCHES:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        if raw.server:
            like_ms, expected = median_ms(lambda w=escaped: raw.all(RAW_ILIKE, {"w": f"%{w}%"}), args.repeat)
        else:
            like_ms, expected = median_ms(lambda w=escaped: raw.all(RAW_LIKE, (f"%{w}%",)), args.repeat)
        found_ms, found = median_ms(lambda w=word: R.query_ids(ctx, F(text=w)), args.repeat)
        assert found == [r[0] for r in expected], f"search {word!r} differs from the scan"
        first_ms, _ = median_ms(lambda w=word: R.first_rows(ctx, F(text=w)), args.repeat)
        failed += first_ms > SCREEN_GOAL_MS
        print(
            figure_line(
                f"首屏 搜索“{word}”",
                first_ms,
                "raw LIKE scan",
                like_ms,
                f"≤ {SCREEN_GOAL_MS:.0f} ms",
                first_ms <= SCREEN_GOAL_MS,
            )
        )
        if ctx.db.is_server:
            how = "rows read (a server has no gram index)"
        else:
            how = "rows read: the word is in most applications" if R._is_common(ctx, word) else "search index"
        print(
            f"#   all {len(found)} results of “{word}” ({how}): {found_ms:.1f} ms, "
            f"raw LIKE scan {like_ms:.1f} ms, ratio {found_ms / like_ms:.2f}"
        )
    all_ms, ids = median_ms(lambda: R.query_ids(ctx, F()), args.repeat)
    print(f"#   all {len(ids)} ids in register order (after the first screen, for scrolling): {all_ms:.1f} ms")
    count_ms, _ = median_ms(lambda: R.count(ctx, F()), args.repeat)
    print(f"#   count of all: {count_ms:.1f} ms")
    group_ms, _ = median_ms(lambda: raw.all("SELECT status, count(*) FROM application GROUP BY status"), args.repeat)
    D.board(ctx)  # the first call of a process also loads the calendar's estimate of unconfirmed years
    board_ms, _ = median_ms(lambda: D.board(ctx), args.repeat)
    failed += board_ms > BOARD_GOAL_MS
    print(
        figure_line(
            "工作台 数字与清单",
            board_ms,
            "raw GROUP BY status",
            group_ms,
            f"≤ {BOARD_GOAL_MS:.0f} ms",
            board_ms <= BOARD_GOAL_MS,
        )
    )
    raw.close()
    ctx.db.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

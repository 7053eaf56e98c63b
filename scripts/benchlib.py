"""Shared by the benchmark scripts: one line per figure, with its baseline, the ratio and the goal.

    from benchlib import figure_line, median_ms
    print(figure_line("搜索“许可”首屏", 12.3, "raw LIKE scan", 58.1, "≤ 100 ms", 12.3 <= 100))

``make bench`` (scripts/bench_all.py) runs every bench script and prints their lines; a line that ends in
``NOT MET`` marks a goal not reached.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def figure_line(name: str, value_ms: float, baseline_name: str, baseline_ms: float, goal_text: str, met: bool) -> str:
    """One figure: its value, the baseline measured in the same run, the ratio, the goal and whether it is met."""
    ratio = value_ms / baseline_ms if baseline_ms > 0 else float("inf")
    return (
        f"{name:<44}{value_ms:>10.1f} ms   baseline {baseline_name}: {baseline_ms:.1f} ms   ratio {ratio:.2f}   "
        f"goal {goal_text}   {'MET' if met else 'NOT MET'}"
    )


class Raw:
    """A plain driver connection for the baselines: the sqlite3 module on a file (read-only), psycopg on a server.

    ``sql(sqlite_text, server_text)`` picks the spelling of this engine; parameters are ``?``/``:name`` for
    SQLite and ``%s``/``%(name)s`` for the server."""

    def __init__(self, target: str) -> None:
        self.server = target.startswith(("postgresql://", "postgres://"))
        if self.server:
            import psycopg

            self.conn: Any = psycopg.connect(target.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        else:
            import sqlite3
            from pathlib import Path

            self.conn = sqlite3.connect(f"{Path(target).resolve().as_uri()}?mode=ro", uri=True)

    def sql(self, sqlite_text: str, server_text: str) -> str:
        return server_text if self.server else sqlite_text

    def all(self, sql: str, params: Any = ()) -> list[Any]:
        return list(self.conn.execute(sql, params).fetchall())

    def close(self) -> None:
        self.conn.close()


def median_ms(fn: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> tuple[float, Any]:
    """The median wall time of *fn* in milliseconds over *repeat* runs (after *warmup* unmeasured ones)."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result

"""Time the import of a generated 10,000-row ledger (CSV and XLSX) into a fresh database.

Usage: ``.venv/bin/python scripts/bench_import.py [ROWS]``. Prints the time of each phase; not a unit test.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.bootstrap import open_context
from app.services.ledger import export_ledger, import_ledger
from app.store.events import check_chain
from tests.ledger_factory import NOW, generate_ledger, write_csv, write_xlsx


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        rows = generate_ledger(n, seed=11)
        print(f"生成 {n} 行台账：{time.perf_counter() - t:.2f} 秒")
        files = [write_csv(rows, folder / "ledger.csv"), write_xlsx(rows, folder / "ledger.xlsx")]
        for path in files:
            ctx = open_context(folder / f"{path.suffix[1:]}.sqlite", now=lambda: NOW)
            db = ctx.db
            t = time.perf_counter()
            dry = import_ledger(ctx, path, dry_run=True)
            t_dry = time.perf_counter() - t
            phases: dict[str, float] = {}
            t = time.perf_counter()

            def progress(stage: str, done: int, total: int, phases: dict[str, float] = phases, t0: float = t) -> None:
                phases.setdefault(stage, time.perf_counter() - t0)

            report = import_ledger(ctx, path, progress=progress)
            t_import = time.perf_counter() - t
            assert report.ok and dry.ok, report.summary()[:2000]
            marks = "，".join(f"{k} 开始于 {v:.2f} 秒" for k, v in phases.items())
            print(f"{path.name}：仅校验 {t_dry:.2f} 秒；导入 {report.imported} 行 {t_import:.2f} 秒（{marks}）")
            t = time.perf_counter()
            with db.session_scope() as s:
                assert check_chain(s) == []
            print(f"  审计链校验：{time.perf_counter() - t:.2f} 秒")
            t = time.perf_counter()
            export_ledger(ctx, folder / f"export{path.suffix}")
            print(f"  导出 {path.suffix}：{time.perf_counter() - t:.2f} 秒")
            db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

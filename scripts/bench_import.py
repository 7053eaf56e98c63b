"""The ledger figures: import a generated 10,000-row ledger (CSV and XLSX) and export it again.

Usage: ``.venv/bin/python scripts/bench_import.py DBFILE [--rows N] [--repeat K]``. DBFILE itself is never
opened or changed: the benchmark's own databases are created next to it (``DBFILE.ledger-bench-*.sqlite``)
and removed afterwards. One line per figure, each with a baseline measured in the same run on the same
file (a plain ``csv`` read or write, an openpyxl read-only read or write-only write) and the goal:

- import of 10,000 rows: CSV ≤ 3 s, XLSX ≤ 5 s (the whole import: strict reading, every check, the
  write in one transaction with the audit chain);
- export of 10,000 rows: CSV or XLSX ≤ 3 s;
- memory: the peak memory an import adds, for the rows over a quarter of them (a cost in proportion to
  the rows gives 4, flat memory 1; the goal is ≤ 2: the file is streamed and never held twice).

Not a unit test; timings on a shared machine are noisy, so each figure is a median.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from app.services.bootstrap import open_context  # noqa: E402
from app.services.ledger import export_ledger, import_ledger  # noqa: E402
from tests.ledger_factory import NOW, generate_ledger, write_csv, write_xlsx  # noqa: E402

try:
    from benchlib import figure_line
except ImportError:  # the shared helper is optional: the same format

    def figure_line(
        name: str, value_ms: float, baseline_name: str, baseline_ms: float, goal_text: str, met: bool
    ) -> str:
        ratio = value_ms / baseline_ms if baseline_ms > 0 else float("inf")
        return (
            f"{name:<44}{value_ms:>10.1f} ms   baseline {baseline_name}: {baseline_ms:.1f} ms   ratio {ratio:.2f}   "
            f"goal {goal_text}   {'MET' if met else 'NOT MET'}"
        )


def _ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _csv_read(path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for _ in csv.reader(fh):
            pass


def _xlsx_read(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    for _ in wb.worksheets[0].iter_rows(values_only=True):
        pass
    wb.close()


def _csv_write(rows: list[list[object]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _xlsx_write(rows: list[list[object]], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    for row in rows:
        ws.append(row)
    wb.save(path)


# The peak resident memory of the child's own process image (VmHWM: a forked child's ru_maxrss starts at
# the parent's peak, VmHWM is reset by exec), less what it held before the import.
_MEMORY_CHILD = """
import resource, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from app.services.bootstrap import open_context
from app.services.ledger import import_ledger
from tests.ledger_factory import NOW

def peak_kb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

ctx = open_context(Path({db!r}), now=lambda: NOW)
before = peak_kb()
report = import_ledger(ctx, Path({src!r}))
assert report.ok, report.summary()[:500]
print(peak_kb() - before)
"""


def _peak_kb(folder: Path, src: Path, tag: str) -> float:
    db = folder / f"mem-{tag}.sqlite"
    code = _MEMORY_CHILD.format(root=str(ROOT), db=str(db), src=str(src))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dbfile", type=Path, help="a path; the benchmark's databases are created next to it")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n = args.rows
    with tempfile.TemporaryDirectory(prefix=args.dbfile.name + ".ledger-bench-", dir=args.dbfile.parent) as tmp:
        folder = Path(tmp)
        rows = generate_ledger(n, seed=11)
        files = {"CSV": write_csv(rows, folder / "ledger.csv"), "XLSX": write_xlsx(rows, folder / "ledger.xlsx")}
        lines: list[str] = []
        exported_db: Path | None = None
        for kind, path in files.items():
            times: list[float] = []
            base: list[float] = []
            for i in range(args.repeat):
                base.append(_ms(lambda path=path, kind=kind: _csv_read(path) if kind == "CSV" else _xlsx_read(path)))
                db = folder / f"{kind}-{i}.sqlite"
                ctx = open_context(db, now=lambda: NOW)
                report = None

                def run(ctx=ctx, path=path) -> None:
                    nonlocal report
                    report = import_ledger(ctx, path)

                times.append(_ms(run))
                assert report is not None and report.ok and report.imported == n, report.summary()[:1000]
                ctx.db.dispose()
                exported_db = db
            value, baseline = statistics.median(times), statistics.median(base)
            goal = 3000.0 if kind == "CSV" else 5000.0
            lines.append(
                figure_line(
                    f"台账导入 {kind} {n} 行",
                    value,
                    "plain csv read" if kind == "CSV" else "openpyxl read-only read",
                    baseline,
                    f"≤ {goal / 1000:.0f} s",
                    value <= goal,
                )
            )
            print(lines[-1], flush=True)
        assert exported_db is not None
        ctx = open_context(exported_db, now=lambda: NOW)
        from app.services.ledger import export_rows

        table = export_rows(ctx)
        for kind, suffix in (("CSV", ".csv"), ("XLSX", ".xlsx")):
            times, base = [], []
            for i in range(args.repeat):
                target = folder / f"out-{i}{suffix}"
                plain = folder / f"plain-{i}{suffix}"
                base.append(
                    _ms(
                        lambda plain=plain, kind=kind: (
                            _csv_write(table, plain) if kind == "CSV" else _xlsx_write(table, plain)
                        )
                    )
                )
                times.append(_ms(lambda target=target: export_ledger(ctx, target)))
            value, baseline = statistics.median(times), statistics.median(base)
            lines.append(
                figure_line(
                    f"台账导出 {kind} {n} 行",
                    value,
                    "plain csv write" if kind == "CSV" else "openpyxl write-only write",
                    baseline,
                    "≤ 3 s",
                    value <= 3000.0,
                )
            )
            print(lines[-1], flush=True)
        ctx.db.dispose()
        small = write_csv(generate_ledger(max(n // 4, 1), seed=12), folder / "small.csv")
        big = write_csv(generate_ledger(n, seed=12), folder / "big.csv")
        kb_small, kb_big = _peak_kb(folder, small, "small"), _peak_kb(folder, big, "big")
        ratio = kb_big / kb_small if kb_small > 0 else float("inf")
        print(
            f"{'台账导入内存 ' + str(n) + ' 行 / ' + str(max(n // 4, 1)) + ' 行':<44}{kb_big / 1024:>10.1f} MB   "
            f"baseline {max(n // 4, 1)} 行: {kb_small / 1024:.1f} MB   ratio {ratio:.2f}   "
            f"goal ≤ 2.0 for 4 × the rows   {'MET' if ratio <= 2.0 else 'NOT MET'}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

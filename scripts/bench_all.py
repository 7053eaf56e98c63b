"""Every figure of the performance goals in one run: ``make bench``.

    .venv/bin/python scripts/bench_all.py [DBFILE] [--count 100000] [--quick] [--server postgresql://…]

Makes the 100,000-application database if DBFILE does not exist (scripts/make_synthetic_db.py, about a
minute), then runs each benchmark as a script of its own (start-up, register and 工作台, ledger, annual
report, documents) and prints their figure lines: value, baseline measured in the same run, ratio, goal,
MET / NOT MET (scripts/benchlib.py). Lines starting with ``#`` are context. The summary counts the goals.
Timings on a shared machine are noisy: each figure is a median of several runs.

``--server URL`` (``make bench BENCH_ARGS=--server=postgresql://…``) also times the register, the 工作台 and
the annual report on a PostgreSQL server database: an empty one is filled from DBFILE first with
``python -m app --db DBFILE migrate-to URL`` (a few minutes for 100,000 applications).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"


def run(title: str, cmd: list[str], lines: list[str]) -> None:
    print(f"\n== {title}", flush=True)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    for line in proc.stdout.splitlines():
        if line.endswith(("MET", "NOT MET")) or line.startswith("#"):
            print(line, flush=True)
            lines.append(line)
    if proc.returncode not in (0, 1):
        print(f"#   {title}: exit status {proc.returncode}\n{proc.stderr[-3000:]}", flush=True)
        lines.append(f"{title}: failed to run   NOT MET")
    print(f"#   ({time.perf_counter() - started:.0f} s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, nargs="?", default=Path("/tmp/ogi-bench.sqlite"))
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--server", help="also on this PostgreSQL database (filled from DBFILE when empty)")
    args = parser.parse_args(argv)
    py = sys.executable
    if not args.db.exists():
        print(f"# making {args.count} synthetic applications in {args.db} …", flush=True)
        subprocess.run(
            [py, str(SCRIPTS / "make_synthetic_db.py"), str(args.db), "--count", str(args.count)], check=True
        )
    runs = "3" if args.quick else "7"
    repeat = "3" if args.quick else "5"
    lines: list[str] = []
    run("start-up", [py, str(SCRIPTS / "bench_startup.py"), str(args.db), "--runs", runs], lines)
    run("register and 工作台", [py, str(SCRIPTS / "bench_register.py"), str(args.db), "--repeat", repeat], lines)
    run("ledger import and export", [py, str(SCRIPTS / "bench_import.py"), str(args.db)], lines)
    run("annual report", [py, str(SCRIPTS / "bench_report.py"), str(args.db), "--repeat", repeat], lines)
    run("documents", [py, str(SCRIPTS / "bench_documents.py")], lines)
    if args.server:
        fill = subprocess.run(
            [py, "-m", "app", "--db", str(args.db), "migrate-to", args.server], cwd=ROOT, capture_output=True, text=True
        )
        if fill.returncode != 0 and "不是空的" not in fill.stdout + fill.stderr:
            print(f"#   migrate-to failed:\n{fill.stdout[-2000:]}{fill.stderr[-2000:]}", flush=True)
            lines.append("server: migrate-to failed   NOT MET")
        else:
            server_lines: list[str] = []
            run(
                "register and 工作台 (server)",
                [py, str(SCRIPTS / "bench_register.py"), args.server, "--repeat", repeat],
                server_lines,
            )
            run(
                "annual report (server)",
                [py, str(SCRIPTS / "bench_report.py"), args.server, "--repeat", repeat],
                server_lines,
            )
            lines.extend(f"[服务器] {line}" if not line.startswith("#") else line for line in server_lines)
    goals = [line for line in lines if not line.startswith("#")]
    missed = [line for line in goals if line.endswith("NOT MET")]
    print(f"\n== {len(goals) - len(missed)} of {len(goals)} goals met", flush=True)
    for line in missed:
        print("   NOT MET: " + line.split("  ")[0].strip())
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Time the program's start against a bare PySide6 window, launches alternating, on a large database.

    .venv/bin/python scripts/bench_startup.py /tmp/ogi-bench.sqlite [--runs 7]

Two figures, each the median over the runs, from launch (just before the process is started) to
- the window's first paint (the program's window vs scripts/bare_window.py), goal ≤ 1.5 × the bare window;
- the first page filled and taking input (the event loop idle after 工作台 is drawn), goal ≤ 2.5 ×.
Both programs write the time of these moments themselves (``OGI_DESK_STARTUP_TRACE``), so no polling interval
adds to them. Without a display an Xvfb of its own is started (the same X server for both); else Qt's
offscreen platform is used and said so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import figure_line

ROOT = Path(__file__).resolve().parents[1]
WINDOW_GOAL = 1.5
READY_GOAL = 2.5


def prepare(db: Path) -> None:
    """Migrate, index and set the clerk's name, so that every launch measures the same, ordinary start."""
    from app.services import register
    from app.services.bootstrap import open_context

    ctx = open_context(db)
    ctx.set_setting("clerk_name", "窗口工作人员")
    ctx.set_setting("clerk_name_set", True)
    while register.update_search_index(ctx, 5000) > 0:
        pass
    from app.services.maintenance import recompute_if_calendar_changed

    recompute_if_calendar_changed(ctx)
    ctx.db.dispose()


def start_display() -> tuple[dict[str, str], subprocess.Popen | None, str]:
    env = dict(os.environ)
    if env.get("DISPLAY") and env.get("QT_QPA_PLATFORM", "xcb") == "xcb":
        return env, None, f"X display {env['DISPLAY']}"
    if shutil.which("Xvfb"):
        for n in range(91, 120):
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
                break
        server = subprocess.Popen(
            ["Xvfb", f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.05)
        env["DISPLAY"] = f":{n}"
        env["QT_QPA_PLATFORM"] = "xcb"
        return env, server, f"Xvfb :{n}"
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env, None, "Qt offscreen platform (no X server available)"


def launch(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("r", suffix=".trace", delete=False) as fh:
        trace = Path(fh.name)
    env = {**env, "OGI_DESK_STARTUP_TRACE": str(trace), "OGI_DESK_STARTUP_QUIT": "1"}
    started = time.time()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    marks = {}
    for line in trace.read_text(encoding="utf-8").splitlines():
        what, when = line.split()
        marks[what] = (float(when) - started) * 1000
    trace.unlink()
    if "window" not in marks:
        raise SystemExit(f"no start-up trace from {cmd}: {proc.stderr[-2000:]}")
    return marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    prepare(args.db)
    env, server, where = start_display()
    try:
        bare_cmd = [sys.executable, str(ROOT / "scripts" / "bare_window.py")]
        app_cmd = [sys.executable, "-m", "app", "--db", str(args.db), "--no-backup"]
        launch(bare_cmd, env)  # warm the file cache for both before measuring
        launch(app_cmd, env)
        bare, window, ready, phases = [], [], [], []
        for _ in range(args.runs):
            bare.append(launch(bare_cmd, env)["window"])
            marks = launch(app_cmd, env)
            window.append(marks["window"])
            ready.append(marks["ready"])
            phases.append(marks)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    b, w, r = statistics.median(bare), statistics.median(window), statistics.median(ready)
    print(f"# start-up: {args.runs} alternating launches on {where}, medians")
    steps = ("window", "painted", "imported", "opened", "filled", "ready")
    print(
        "#   program, ms after launch: "
        + "   ".join(f"{s} {statistics.median(p[s] for p in phases):.0f}" for s in steps if all(s in p for p in phases))
    )
    print(figure_line("启动→主窗口可见", w, "bare PySide6 window", b, f"≤ {WINDOW_GOAL} × bare", w <= WINDOW_GOAL * b))
    print(
        figure_line(
            "启动→首页已填好、可输入", r, "bare PySide6 window", b, f"≤ {READY_GOAL} × bare", r <= READY_GOAL * b
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

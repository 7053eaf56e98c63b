"""`python -m app [--db PATH] report --year Y --out FILE` in a real subprocess: formats, errors, no Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from app.services.bootstrap import open_context
from tests.services.test_report_seed import PUBLISHED_T3, PUBLISHED_T4, enter_history

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=180
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "ogi.sqlite"
    ctx = open_context(db, now=lambda: datetime(2026, 2, 13, 10, 30))
    enter_history(ctx)
    ctx.db.dispose()
    return db


def test_json_of_a_published_year(seeded, tmp_path):
    out = tmp_path / "2021.json"
    result = run("--db", str(seeded), "report", "--year", "2021", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "已导出2021年政府信息公开工作年度报告" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["table3"]["rows"] == PUBLISHED_T3[2021] and data["table4"] == PUBLISHED_T4[2021]
    assert all(c["ok"] for c in data["checks"])


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".xlsx", ".pdf", ".docx"])
def test_every_format_from_the_suffix(seeded, tmp_path, suffix):
    out = tmp_path / f"年报{suffix.upper()}"  # the suffix in capitals is still understood
    result = run("--db", str(seeded), "report", "--year", "2023", "--out", str(out))
    assert result.returncode == 0, result.stderr
    head = out.read_bytes()[:4]
    assert head == (b"%PDF" if suffix == ".pdf" else b"PK\x03\x04")
    if os.name == "posix":  # the program runs with umask 077: the report names applicants, only the clerk reads it
        assert out.stat().st_mode & 0o777 == 0o600


def test_a_year_without_data_gives_zero_tables(seeded, tmp_path):
    out = tmp_path / "2010.json"
    result = run("--db", str(seeded), "report", "--year", "2010", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(map(tuple, data["table3"]["rows"].values())) == {(0,) * 7}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2007", "--out", "r.json"], "年度应在2008年至"),
        (["--year", str(datetime.now().year + 1), "--out", "r.json"], "年度应在2008年至"),
        (["--year", "2021", "--out", "r.txt"], "不支持的文件类型“.txt”"),
        (["--year", "2021", "--out", "report"], "不支持的文件类型（无扩展名）"),
    ],
)
def test_refused_with_a_chinese_message_and_no_file(seeded, tmp_path, args, message):
    args = [a if not a.startswith("r") else str(tmp_path / a) for a in args]
    result = run("--db", str(seeded), "report", *args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_missing_option_is_a_command_line_error(seeded):
    result = run("--db", str(seeded), "report", "--year", "2021")
    assert result.returncode == 2 and "缺少必需的参数" in result.stderr


def test_report_is_a_command_word():
    from app.cli import is_cli_command

    assert is_cli_command(["--db", "a.sqlite", "report", "--year", "2021", "--out", "r.json"])
    assert is_cli_command(["report", "--year", "2021", "--out", "r.pdf"])

"""The command line in real subprocesses: exit codes, Chinese stderr, no Qt; and a kill in mid-import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.cli import is_cli_command
from tests.dbdump import dump
from tests.ledger_factory import generate_ledger, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["ledger", "import", "x.csv"], True),
        (["--db", "a.sqlite", "check"], True),
        (["--db=a.sqlite", "backup"], True),
        (["--db", "check"], False),  # "check" is the database path here
        (["--db", "a.sqlite"], False),
        ([], False),
        (["--no-backup"], False),
        (["restore", "b.sqlite"], True),
        (["--db", "a.sqlite", "document", "--request", "〔2026〕第1号"], True),
        (["frobnicate"], False),
    ],
)
def test_is_cli_command(argv, expected):
    assert is_cli_command(argv) is expected


def test_cli_imports_no_qt(tmp_path):
    db = tmp_path / "t.sqlite"
    code = textwrap.dedent(
        f"""
        import sys
        from app import cli
        from app.store.database import open_database
        open_database({str(db)!r}).dispose()  # check never creates a database; the desk's first start does
        rc = cli.main(["--db", {str(db)!r}, "check"])
        print(rc, "PySide6" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 False"


def test_import_export_check_backup_restore_round(tmp_path):
    db = tmp_path / "data" / "t.sqlite"
    rows = generate_ledger(40, seed=9)
    src = write_xlsx(rows, tmp_path / "台账.xlsx")

    dry = run("--db", str(db), "ledger", "import", str(src), "--dry-run", "--create")
    assert dry.returncode == 0, dry.stderr
    assert "校验通过" in dry.stdout and "正在读取文件" in dry.stderr

    imp = run("--db", str(db), "ledger", "import", str(src), "--create")
    assert imp.returncode == 0, imp.stderr
    assert "已导入 40 条申请" in imp.stdout

    again = run("--db", str(db), "ledger", "import", str(src))
    given = sum(1 for r in rows if r["登记编号"])
    assert again.returncode == 1 and "未导入任何数据" in again.stderr
    assert again.stderr.count("已在系统中登记") == given

    from app.domain.ledger import IMPORT_COLUMNS, parse_date, template_rows
    from app.services.ledger import read_table

    out = tmp_path / "out.csv"
    exp = run("--db", str(db), "ledger", "export", str(out), "--year", "2024")
    in_2024 = sum(1 for r in rows if r["收到日期"].year == 2024)
    assert exp.returncode == 0, exp.stderr
    assert f"申请 {in_2024} 条到：{out}" in exp.stdout and "2024年" in exp.stdout
    header, exported = read_table(out)
    assert len(exported) == in_2024 > 0
    assert {parse_date(dict(zip(header, cells, strict=True))["收到日期"]).year for _, cells in exported} == {2024}

    tpl = run("--db", str(db), "ledger", "template", str(tmp_path / "模板.xlsx"))
    assert tpl.returncode == 0 and f"已保存导入模板：{tmp_path / '模板.xlsx'}" in tpl.stdout
    header, example = read_table(tmp_path / "模板.xlsx")
    assert tuple(header) == tuple(template_rows()[0]) and set(IMPORT_COLUMNS) <= set(header) and len(example) == 1

    chk = run("--db", str(db), "check")
    assert chk.returncode == 0 and "结论：数据完好" in chk.stdout

    before = dump(db)
    bak = run("--db", str(db), "backup", "--out", str(tmp_path / "b.sqlite"))
    assert bak.returncode == 0 and "已备份到" in bak.stdout
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    res = run("--db", str(db), "restore", str(tmp_path / "b.sqlite"))
    assert res.returncode == 0, res.stderr
    assert dump(db) == before

    default = run("--db", str(db), "backup")
    assert default.returncode == 0 and str(db.parent / "backups") in default.stdout
    [made] = list((db.parent / "backups").glob("*.sqlite"))
    assert f"已备份到：{made}" in default.stdout and dump(made) == before


def test_errors_exit_non_zero_with_chinese_stderr(tmp_path):
    db = tmp_path / "t.sqlite"
    bad = tmp_path / "bad.csv"
    bad.write_text("收到日期,申请人类型,申请人,申请内容\n2026-02-30,自然人,甲,a\n", encoding="gbk")
    r = run("--db", str(db), "ledger", "import", str(bad), "--create")
    assert r.returncode == 1
    assert "第 2 行“收到日期”列" in r.stderr and "未导入任何数据" in r.stderr

    r = run("--db", str(db), "ledger", "import", str(tmp_path / "none.csv"), "--create")
    assert r.returncode == 1 and "找不到文件" in r.stderr

    r = run("--db", str(db), "ledger", "export", str(tmp_path / "x.pdf"))
    assert r.returncode == 1 and "不支持的文件类型" in r.stderr

    (tmp_path / "broken.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    r = run("--db", str(db), "restore", str(tmp_path / "broken.sqlite"))
    assert r.returncode == 1 and "备份文件已损坏，无法读取" in r.stderr and "当前数据库未作任何改动" in r.stderr

    r = run("--db", str(db), "ledger", "frobnicate")
    assert r.returncode == 2 and "命令行参数错误" in r.stderr

    (tmp_path / "junk.sqlite").write_text("not a database", encoding="utf-8")
    r = run("--db", str(tmp_path / "junk.sqlite"), "check")
    assert r.returncode == 1 and "不是 SQLite 数据库" in r.stderr

    r = run("--db", str(tmp_path / "missing" / "x.sqlite"), "backup")
    assert r.returncode == 1 and "找不到数据库文件" in r.stderr


def test_check_reports_a_tampered_event(tmp_path):
    import sqlite3

    db = tmp_path / "t.sqlite"
    src = write_csv(generate_ledger(10, seed=4), tmp_path / "a.csv")
    assert run("--db", str(db), "ledger", "import", str(src), "--create").returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE event SET note = '改过' WHERE id = 3")
    conn.commit()
    conn.close()
    r = run("--db", str(db), "check")
    assert r.returncode == 1 and "记录 #3" in r.stderr


def test_progress_on_long_runs(tmp_path):
    db = tmp_path / "t.sqlite"
    rows = generate_ledger(1200, seed=4)
    for r in rows:
        r["登记编号"] = None
    src = write_csv(rows, tmp_path / "a.csv")
    r = run("--db", str(db), "ledger", "import", str(src), "--create")
    assert r.returncode == 0, r.stderr
    assert "已校验 1200/1200 行" in r.stderr and "已写入 1200/1200 行" in r.stderr


CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from app.services.context import ServiceContext
    from app.services.ledger import import_ledger
    from app.store.database import open_database
    from tests.ledger_factory import NOW

    db = open_database(Path(sys.argv[1]))
    ctx = ServiceContext(db, now=lambda: NOW)

    def progress(stage, done, total):
        if stage == "commit":  # every row is written, the transaction is not committed yet
            print("WRITTEN", flush=True)
            time.sleep(60)

    import_ledger(ctx, Path(sys.argv[2]), progress=progress)
    print("COMMITTED", flush=True)
    """
)


@pytest.mark.slow
def test_killed_in_the_middle_of_an_import_leaves_the_database_as_before(tmp_path):
    from app.services.context import ServiceContext
    from app.services.ledger import import_ledger
    from app.services.profile import ensure_defaults
    from app.store.database import open_database
    from app.store.events import check_chain
    from tests.ledger_factory import NOW

    db_path = tmp_path / "t.sqlite"
    db = open_database(db_path)
    ctx = ServiceContext(db, now=lambda: NOW)
    ensure_defaults(ctx)
    assert import_ledger(ctx, write_csv(generate_ledger(30, seed=1), tmp_path / "first.csv")).ok
    db.dispose()
    before = dump(db_path)

    rows = generate_ledger(5000, seed=2)
    for r in rows:
        r["登记编号"] = None
    big = write_csv(rows, tmp_path / "big.csv")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == "WRITTEN", child.stderr.read()
        wal = Path(str(db_path) + "-wal")
        assert wal.exists() and wal.stat().st_size > 100_000  # the rows really are on disk, uncommitted
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    time.sleep(0.1)

    assert dump(db_path) == before
    db = open_database(db_path)
    ctx = ServiceContext(db, now=lambda: NOW)
    with db.session_scope() as s:
        assert check_chain(s) == []
    assert import_ledger(ctx, big).ok  # and the same import then succeeds
    db.dispose()


def test_a_database_locked_during_the_import_is_a_chinese_message(tmp_path, monkeypatch, capsys):
    """Another program takes the write lock after the database was opened (the open-time probe passed)."""
    import sqlite3

    from app import cli
    from app.store import database

    original = database._set_pragmas

    def short_timeout(conn, record):
        original(conn, record)
        conn.execute("PRAGMA busy_timeout=200")  # fail fast in the test

    monkeypatch.setattr(database, "_set_pragmas", short_timeout)
    db = tmp_path / "t.sqlite"
    src = write_csv(generate_ledger(5, seed=4), tmp_path / "a.csv")
    holder: list[sqlite3.Connection] = []
    step = cli._Progress.__call__

    def progress(self, stage, done, total):
        if stage == "validate" and not holder:
            other = sqlite3.connect(db, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            holder.append(other)
        step(self, stage, done, total)

    monkeypatch.setattr(cli._Progress, "__call__", progress)
    try:
        assert cli.main(["--db", str(db), "ledger", "import", str(src), "--create"]) == 1
    finally:
        for other in holder:
            other.execute("ROLLBACK")
            other.close()
    assert holder, "the lock was never taken"
    err = capsys.readouterr().err
    assert "数据库正被其他程序占用" in err and "Traceback" not in err
    monkeypatch.setattr(cli._Progress, "__call__", step)
    assert cli.main(["--db", str(db), "ledger", "import", str(src)]) == 0  # nothing was half-written


def test_a_database_locked_before_the_import_is_refused_in_chinese(tmp_path):
    import sqlite3

    db = tmp_path / "t.sqlite"
    src = write_csv(generate_ledger(5, seed=4), tmp_path / "a.csv")
    from app.services.bootstrap import open_context

    open_context(db).db.dispose()  # the desk's first start made the database
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        r = run("--db", str(db), "ledger", "import", str(src))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert r.returncode == 1, r.stdout
    assert "Traceback" not in r.stderr and "占用" in r.stderr


def test_file_errors_are_chinese(tmp_path):
    db = tmp_path / "t.sqlite"
    r = run("--db", str(db), "restore", str(tmp_path / "none.sqlite"))
    assert r.returncode == 1 and "Errno" not in r.stderr and "Traceback" not in r.stderr
    assert "找不到" in r.stderr
    r = run("--db", str(db), "ledger", "export", str(tmp_path / "no" / "such" / "x.csv"))
    assert r.returncode == 1 and "Errno" not in r.stderr and "找不到" in r.stderr
    r = run("--db", str(db), "ledger", "template", str(tmp_path / "no" / "such" / "t.csv"))
    assert r.returncode == 1 and "Errno" not in r.stderr and "找不到" in r.stderr


def test_os_error_messages_are_chinese():
    import errno

    from app.cli import os_error_message

    assert os_error_message(FileNotFoundError(errno.ENOENT, "No such file or directory", "a.csv")) == (
        "找不到文件或文件夹：a.csv"
    )
    assert "没有权限" in os_error_message(PermissionError(errno.EACCES, "Permission denied", "b"))
    assert "磁盘空间已满" in os_error_message(OSError(errno.ENOSPC, "No space left on device", "c"))


def test_a_broken_calendar_schedule_is_a_chinese_message(tmp_path, monkeypatch, capsys):
    from app import cli
    from app.domain.workcalendar import ScheduleError

    def boom(_args):
        raise ScheduleError("第 3 行：日期无效")

    monkeypatch.setitem(cli._HANDLERS, ("check", None), boom)
    assert cli.main(["--db", str(tmp_path / "t.sqlite"), "check"]) == 1
    err = capsys.readouterr().err
    assert "工作日历" in err and "第 3 行：日期无效" in err


def test_an_unexpected_error_is_shown_without_a_traceback(tmp_path, monkeypatch, capsys):
    from app import cli

    def boom(_args):
        raise KeyError("x")

    monkeypatch.setitem(cli._HANDLERS, ("check", None), boom)
    assert cli.main(["--db", str(tmp_path / "t.sqlite"), "check"]) == 1
    assert "发生意外错误" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- document


def _document_db(tmp_path: Path) -> Path:
    """A database with a decided case (〔2026〕第1号, 予以公开) and an open one (〔2026〕第2号)."""
    from app.domain.codes import Outcome
    from app.services.context import ServiceContext
    from app.services.profile import ensure_defaults
    from app.store.database import open_database
    from tests.conftest import MutableClock
    from tests.documents.cases import ARRIVED, closed_case, new_case

    path = tmp_path / "docs.sqlite"
    db = open_database(path)
    clock = MutableClock(ARRIVED)
    ctx = ServiceContext(db, now=clock)
    ensure_defaults(ctx)
    closed_case(ctx, clock, Outcome.DISCLOSED)
    new_case(ctx, clock, name="李四")
    db.dispose()
    return path


def test_document_issues_then_reprints_with_the_same_number(tmp_path):
    from tests.documents.cases import pdf_text

    db = _document_db(tmp_path)
    first = run(
        "--db", str(db), "document", "--request", "〔2026〕第1号", "--kind", "答复书", "--out", str(tmp_path / "a.pdf")
    )
    assert first.returncode == 0, first.stderr
    assert "已出具《政府信息公开申请答复书》" in first.stdout and "淄审批公开〔2026〕1号" in first.stdout
    text, _ = pdf_text((tmp_path / "a.pdf").read_bytes())
    assert "淄审批公开〔2026〕1号" in text and "张三：" in text and "2026年3月5日" in text and "第三十六条" in text
    again = run(
        "--db", str(db), "document", "--request", "〔2026〕第1号", "--kind", "答复书", "--out", str(tmp_path / "b.pdf")
    )
    assert again.returncode == 0, again.stderr
    assert "已按原文号重新打印" in again.stdout and "淄审批公开〔2026〕1号" in again.stdout
    assert (tmp_path / "b.pdf").read_bytes() == (tmp_path / "a.pdf").read_bytes()
    receipt = run(
        "--db",
        str(db),
        "document",
        "--request",
        "〔2026〕第2号",
        "--kind",
        "登记回执",
        "--out",
        str(tmp_path / "r.pdf"),
    )
    assert receipt.returncode == 0 and "〔2026〕第2号" in pdf_text((tmp_path / "r.pdf").read_bytes())[0]
    check = run("--db", str(db), "check")
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize(
    ("request_number", "kind", "out", "code", "message"),
    [
        ("〔2026〕第9号", "答复书", "x.pdf", 1, "找不到登记编号为“〔2026〕第9号”的申请"),
        ("〔2026〕第2号", "答复书", "x.pdf", 1, "尚未作出答复"),
        ("〔2026〕第2号", "补正告知书", "x.pdf", 1, "没有记录补正告知"),
        ("〔2026〕第1号", "说明理由告知书", "x.pdf", 1, "已办结"),
        ("〔2026〕第1号", "公告", "x.pdf", 2, "命令行参数错误"),
        ("〔2026〕第1号", "答复书", "x.txt", 1, "须为 .pdf"),
        ("〔2026〕第1号", "答复书", "no/such/x.pdf", 1, "找不到输出文件所在的文件夹"),
    ],
)
def test_document_errors_are_chinese_and_write_no_file(tmp_path, request_number, kind, out, code, message):
    db = _document_db(tmp_path)
    target = tmp_path / out
    r = run("--db", str(db), "document", "--request", request_number, "--kind", kind, "--out", str(target))
    assert r.returncode == code, r.stdout
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not target.exists() and not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".part-*"))


def test_unknown_commands_and_arguments_are_errors_not_a_silent_gui(tmp_path):
    code = textwrap.dedent(
        """
        import sys
        from app.__main__ import main
        codes = [main(["frobnicate"]), main(["--db", "x.sqlite", "--frobnicate"]), main(["--page", "工作台", "extra"])]
        print(codes, "PySide6" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[2, 2, 2] False"
    assert "未知的命令“frobnicate”" in out.stderr and "无法识别的参数：--frobnicate" in out.stderr
    assert "未知的命令“extra”" in out.stderr
    r = run("frobnicate")
    assert r.returncode == 2 and "未知的命令" in r.stderr
    r = run("--db", str(tmp_path / "t.sqlite"), "check", "--bogus")
    assert r.returncode == 2 and "无法识别的参数" in r.stderr


def test_the_desk_options_still_parse():
    from app.__main__ import _parse_gui_args

    args = _parse_gui_args(["--db", "a.sqlite", "--page", "申请台账", "--no-backup"])
    assert str(args.db) == "a.sqlite" and args.page == "申请台账" and args.no_backup
    assert _parse_gui_args([]).page == "工作台"


def test_an_import_into_a_missing_database_needs_create(tmp_path):
    db = tmp_path / "missing" / "t.sqlite"
    src = write_csv(generate_ledger(3, seed=2), tmp_path / "a.csv")
    r = run("--db", str(db), "ledger", "import", str(src))
    assert r.returncode == 1 and "找不到数据库文件" in r.stderr and not db.exists()
    r = run("--db", str(db), "ledger", "import", str(src), "--create")
    assert r.returncode == 0, r.stderr
    assert db.is_file() and "已导入 3 条申请" in r.stdout


def test_a_dry_run_for_a_database_still_to_be_created_leaves_no_file(tmp_path):
    db = tmp_path / "new" / "t.sqlite"
    src = write_csv(generate_ledger(3, seed=5), tmp_path / "a.csv")
    r = run("--db", str(db), "ledger", "import", str(src), "--dry-run", "--create")
    assert r.returncode == 0, r.stderr
    assert "校验通过" in r.stdout and not db.exists() and not db.parent.exists()


def test_the_help_lists_every_command():
    from app import cli

    r = run("--help")
    assert r.returncode == 0
    for command in cli.COMMANDS:
        assert f"\n  {command} " in r.stdout


def test_a_server_connection_string_is_kept_whole_and_migrate_to_needs_a_file(tmp_path, capsys):
    from app import cli

    url = "postgresql://clerk@db.example:5432/ogi"
    assert cli._db_arg(url) == url  # a Path would fold the "//"
    assert cli._db_arg(str(tmp_path / "a.sqlite")) == tmp_path / "a.sqlite"
    assert is_cli_command(["--db", url, "migrate-to", url])
    assert cli.main(["migrate-to", url]) == 1
    assert "请用 --db 指定要迁移的单机数据库文件" in capsys.readouterr().err
    assert cli.main(["--db", str(tmp_path / "missing.sqlite"), "migrate-to", url]) == 1
    assert "找不到数据库文件" in capsys.readouterr().err

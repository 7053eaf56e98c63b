"""The command line never creates a database by accident, never overwrites, and never shows a traceback."""

from __future__ import annotations

import errno
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from app import cli
from tests.conftest import MutableClock
from tests.factories import register_in_person


@pytest.fixture
def db(tmp_path: Path) -> Path:
    from app.services.context import ServiceContext
    from app.services.profile import ensure_defaults
    from app.store.database import open_database

    path = tmp_path / "data" / "ogi.sqlite"
    database = open_database(path)
    clock = MutableClock(datetime(2026, 2, 13, 10, 30))
    ctx = ServiceContext(database, now=clock)
    ensure_defaults(ctx)
    register_in_person(ctx, datetime(2026, 2, 2, 9, 0), clock, name="张三")
    register_in_person(ctx, datetime(2026, 2, 3, 9, 0), clock, name="李四")
    database.dispose()
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "Traceback" not in out.out
    return code, out.out, out.err


@pytest.mark.parametrize(
    "command", [["check"], ["backup"], ["ledger", "export", "x.csv"], ["report", "--year", "2026", "--out", "r.xlsx"]]
)
def test_a_missing_database_is_refused_never_created(tmp_path, capsys, command):
    for path in (tmp_path / "none.sqlite", tmp_path / "missing-folder" / "x.sqlite"):
        code, _out, err = run(capsys, "--db", str(path), *command)
        assert code == 1 and "找不到数据库文件" in err
        assert not path.exists() and not path.parent.joinpath(path.name + "-wal").exists()


def test_a_zero_length_database_is_refused_and_left_as_it_is(tmp_path, capsys):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    code, out, err = run(capsys, "--db", str(empty), "check")
    assert code == 1 and "数据库文件为空" in err and "数据完好" not in out
    assert empty.read_bytes() == b""


def test_check_prints_the_head_and_reports_deleted_newest_events(db, capsys):
    code, out, _err = run(capsys, "--db", str(db), "check")
    assert code == 0 and "结论：数据完好" in out and "审计链头：共" in out
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    conn.commit()
    conn.close()
    code, _out, err = run(capsys, "--db", str(db), "check")
    assert code == 1 and "少了 1 条" in err and "数据存在问题" in err


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE event SET event_date = '2026-99-99' WHERE id = 2", "记录 #2：日期无法读取"),
        ("UPDATE event SET data = 'not json' WHERE id = 2", "记录 #2：内容（JSON）无法读取"),
    ],
)
def test_garbage_in_an_event_is_named_not_an_unexpected_error(db, capsys, sql, expected):
    conn = sqlite3.connect(db)
    conn.execute(sql)
    conn.commit()
    conn.close()
    code, _out, err = run(capsys, "--db", str(db), "check")
    assert code == 1 and expected in err and "发生意外错误" not in err


def test_backup_destinations(db, tmp_path, capsys):
    folder = tmp_path / "usb"
    code, out, _err = run(capsys, "--db", str(db), "backup", "--out", str(folder) + "/")
    assert code == 0
    [made] = folder.glob("*.sqlite")
    assert f"已备份到：{made}" in out and made.name.startswith("ogi-备份-")

    other = tmp_path / "other.sqlite"
    other.write_text("not ours", encoding="utf-8")
    code, _out, err = run(capsys, "--db", str(db), "backup", "--out", str(other))
    assert code == 1 and "文件已存在，未覆盖" in err and "--force" in err
    assert other.read_text(encoding="utf-8") == "not ours"
    code, _out, _err = run(capsys, "--db", str(db), "backup", "--out", str(other), "--force")
    assert code == 0 and other.read_bytes().startswith(b"SQLite format 3\x00")

    before = db.read_bytes()
    for target in (db, Path(str(db) + "-wal")):
        code, _out, err = run(capsys, "--db", str(db), "backup", "--out", str(target), "--force")
        assert code == 1 and "数据库文件本身" in err
    assert db.read_bytes() == before


def test_restore_of_the_live_database_itself_is_refused(db, capsys):
    code, _out, err = run(capsys, "--db", str(db), "restore", str(db))
    assert code == 1 and "就是当前数据库文件本身" in err


def test_report_and_document_do_not_overwrite_and_accept_a_folder(db, tmp_path, capsys):
    existing = tmp_path / "报告.json"
    existing.write_text("{}", encoding="utf-8")
    code, _out, err = run(capsys, "--db", str(db), "report", "--year", "2026", "--out", str(existing))
    assert code == 1 and "文件已存在，未覆盖" in err and existing.read_text(encoding="utf-8") == "{}"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _out, err = run(capsys, "--db", str(db), "report", "--year", "2026", "--out", str(out_dir) + "/")
    assert code == 0, err
    assert (out_dir / "2026年政府信息公开工作年度报告.xlsx").is_file()
    code, _out, err = run(capsys, "--db", str(db), "report", "--year", "2026", "--out", str(db), "--force")
    assert code == 1


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (PermissionError(errno.EACCES, "Permission denied", "/mnt/ro/r.xlsx"), "没有权限"),
        (OSError(errno.EROFS, "Read-only file system", "/mnt/ro/r.xlsx"), "只读"),
        (OSError(errno.ENOSPC, "No space left on device", "/mnt/full/r.xlsx"), "磁盘空间已满"),
    ],
)
def test_file_system_failures_are_one_chinese_sentence(db, tmp_path, capsys, monkeypatch, exc, message):
    from app.services import report_export

    def fail(*_a, **_k):
        raise exc

    monkeypatch.setattr(report_export, "write_report", fail)
    code, _out, err = run(capsys, "--db", str(db), "report", "--year", "2026", "--out", str(tmp_path / "r.xlsx"))
    assert code == 1 and message in err and "Errno" not in err


def test_an_unexpected_error_gives_a_log_file_with_the_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OGI_DESK_LOG_DIR", str(tmp_path / "logs"))

    def boom(_args):
        raise ZeroDivisionError("内部错误")

    monkeypatch.setitem(cli._HANDLERS, ("check", None), boom)
    code, _out, err = run(capsys, "--db", str(tmp_path / "t.sqlite"), "check")
    assert code == 1 and "发生意外错误" in err and "ZeroDivisionError" not in err
    [log] = (tmp_path / "logs").glob("*.log")
    assert str(log) in err
    assert "Traceback" in log.read_text(encoding="utf-8") and "ZeroDivisionError" in log.read_text(encoding="utf-8")


def test_an_error_while_tidying_up_goes_to_the_log_not_the_screen(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setenv("OGI_DESK_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    cli.main(["--db", str(tmp_path / "none.sqlite"), "check"])

    class Closing:
        def __del__(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    Closing()
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert "ENOSPC" not in err and (tmp_path / "logs").is_dir()


@pytest.mark.parametrize("argv", [["bakup"], ["check", "--foo"], ["backup", "extra"], ["key"], ["check", "x"]])
def test_mistyped_commands_are_refused(tmp_path, capsys, argv):
    from app.__main__ import main

    code = main(["--db", str(tmp_path / "t.sqlite"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and ("未知的命令" in err or "命令行参数错误" in err)
    assert not (tmp_path / "t.sqlite").exists()

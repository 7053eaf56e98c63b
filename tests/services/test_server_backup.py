"""Backups, restores and ``check`` of a register on a PostgreSQL server: pg_dump / pg_restore, never a password
on a command line, nothing half-written, refusals in Chinese."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from app import cli
from app.services.backup import BackupError, auto_backup, backup_now, check_database, restore_database, verify_backup
from app.services.context import ServiceContext
from app.services.profile import ensure_defaults
from app.store import server_tools
from app.store.backup import default_backup_dir, read_sidecar
from app.store.database import open_database
from app.store.server import table_counts
from tests.conftest import MutableClock
from tests.factories import register_in_person

NOW = datetime(2026, 2, 13, 10, 30)


@pytest.fixture
def server(pg_server, tmp_path: Path):
    """A register on the test server with two applications; its local files beside ``tmp_path/ogi.pg``."""
    url = pg_server.fresh_database()
    db = open_database(url, files_at=tmp_path / "ogi.pg")
    clock = MutableClock(NOW)
    ctx = ServiceContext(db, now=clock)
    ensure_defaults(ctx)
    register_in_person(ctx, datetime(2026, 2, 2, 9, 0), clock, name="张三")
    register_in_person(ctx, datetime(2026, 2, 3, 9, 0), clock, name="李四")
    clock.value = NOW
    ctx.url = url  # type: ignore[attr-defined]  # the connection string with the password, for the tests
    ctx.clock = clock  # type: ignore[attr-defined]
    yield ctx
    db.dispose()
    pg_server.drop(url)


def _applications(ctx) -> int:
    return table_counts(ctx.db.engine, ["application"])["application"]


def test_backup_add_restore_brings_back_the_backed_up_register(server, tmp_path, monkeypatch):
    seen: list[list[str]] = []
    real_run = subprocess.run

    def spy(args, *a, **kw):
        seen.append([str(x) for x in args])
        return real_run(args, *a, **kw)

    monkeypatch.setattr(subprocess, "run", spy)
    backup = backup_now(server.db, tmp_path / "usb" / "b.dump", now=NOW)
    digest, anchor = read_sidecar(backup)
    assert backup.read_bytes()[:5] == b"PGDMP" and len(digest) == 64 and anchor is not None
    assert not list((tmp_path / "usb").glob("*.part"))
    assert verify_backup(backup)
    register_in_person(server, datetime(2026, 2, 13, 9, 0), server.clock, name="王五")
    assert _applications(server) == 3
    result = restore_database(backup, server.db, now=NOW)
    assert _applications(server) == 2  # the application added after the backup is gone
    assert result.replaced_kept_as is not None and result.replaced_kept_as.name.startswith("恢复前备份-")
    assert result.replaced_kept_as.parent == default_backup_dir(server.db.path) and result.replaced_kept_as.exists()
    report = check_database(server)
    assert report.verified, report.summary()
    assert "由数据库服务器" in report.summary()
    # the password went to no command line (the connection goes through the environment)
    assert seen and all("ogi_test" not in " ".join(args) for args in seen)
    # and the 恢复前备份 brings the third application back
    restore_database(result.replaced_kept_as, server.db, now=datetime(2026, 2, 13, 11, 0))
    assert _applications(server) == 3 and check_database(server).verified


def test_backup_names_and_no_overwrite_without_force(server, tmp_path):
    made = backup_now(server.db, str(tmp_path / "U盘") + "/", now=NOW)
    assert made.parent == tmp_path / "U盘" and made.name == "ogi-备份-20260213-103000.dump"
    assert backup_now(server.db, None, now=NOW).parent == default_backup_dir(server.db.path)
    other = tmp_path / "合同.dump"
    other.write_bytes(b"someone else's file")
    with pytest.raises(BackupError, match="文件已存在，未覆盖"):
        backup_now(server.db, other, now=NOW)
    assert other.read_bytes() == b"someone else's file"
    assert backup_now(server.db, other, now=NOW, force=True) == other
    verify_backup(other)


def test_without_pg_dump_the_clerk_is_told_what_to_install(server, tmp_path, monkeypatch):
    monkeypatch.setattr(server_tools.shutil, "which", lambda _name: None)
    monkeypatch.setattr(server_tools.glob, "glob", lambda _pattern: [])
    with pytest.raises(BackupError, match="没有安装 PostgreSQL 客户端工具 pg_dump") as err:
        backup_now(server.db, tmp_path / "b.dump", now=NOW)
    assert "未作任何改动" in str(err.value)
    assert list(tmp_path.glob("b.dump*")) == []
    assert auto_backup(server.db, now=NOW) is None  # the automatic backup is skipped, the desk works on


def test_a_failing_pg_dump_leaves_no_part_file(server, tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: connection to server failed' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(server_tools, "find_tool", lambda _name: fake)
    with pytest.raises(BackupError, match="备份失败"):
        backup_now(server.db, tmp_path / "b.dump", now=NOW)
    assert list(tmp_path.glob("b.dump*")) == []


def test_the_automatic_backup_runs_once_a_day_with_pg_dump(server):
    made = auto_backup(server.db, now=NOW)
    assert made is not None and made.name == "自动备份-20260213-103000.dump"
    assert auto_backup(server.db, now=NOW.replace(hour=15)) is None  # today's exists
    verify_backup(made)


def test_restore_refuses_what_it_cannot_trust_and_changes_nothing(server, tmp_path, pg_server):
    backup = backup_now(server.db, tmp_path / "b.dump", now=NOW)
    before = table_counts(server.db.engine, ["application", "event", "setting"])
    altered = tmp_path / "altered.dump"
    altered.write_bytes(backup.read_bytes()[:-10] + b"0123456789")
    altered.with_name(altered.name + ".sha256").write_text(
        backup.with_name(backup.name + ".sha256").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(BackupError, match="校验值"):
        restore_database(altered, server.db, now=NOW)
    not_a_dump = tmp_path / "x.dump"
    not_a_dump.write_bytes(b"hello")
    with pytest.raises(BackupError, match="不是本程序的服务器数据库备份"):
        restore_database(not_a_dump, server.db, now=NOW)
    with pytest.raises(BackupError, match="只能从服务器备份"):
        restore_database(tmp_path / "b.sqlite", server.db, now=NOW)
    # a dump made by a newer version of the program
    newer_url = pg_server.fresh_database()
    try:
        engine = create_engine(make_url(newer_url))
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        engine.dispose()
        newer = tmp_path / "newer.dump"
        server_tools.run_tool("pg_dump", ["--format=custom", f"--file={newer}"], make_url(newer_url), what="备份")
    finally:
        pg_server.drop(newer_url)
    with pytest.raises(BackupError, match="更新版本的程序"):
        restore_database(newer, server.db, now=NOW)
    assert table_counts(server.db.engine, ["application", "event", "setting"]) == before
    assert not list(default_backup_dir(server.db.path).glob("恢复前备份-*"))
    with pytest.raises(BackupError, match="不能恢复到单机数据库文件"):
        restore_database(backup, tmp_path / "desk.sqlite", now=NOW)


def test_the_command_line_backs_up_restores_and_checks_a_server(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the command's local folders for the server
    url = server.url
    assert cli.main(["--db", url, "backup", "--out", str(tmp_path / "cli.dump")]) == 0
    out = capsys.readouterr()
    assert "已备份服务器数据库" in out.out and "ogi_test:ogi_test" not in out.out + out.err
    register_in_person(server, datetime(2026, 2, 13, 9, 0), server.clock, name="王五")
    assert cli.main(["--db", url, "restore", str(tmp_path / "cli.dump")]) == 0
    assert "已从备份恢复" in capsys.readouterr().out
    assert _applications(server) == 2
    assert cli.main(["--db", url, "check"]) == 0
    text_out = capsys.readouterr().out
    assert "结论：数据完好" in text_out and "由数据库服务器" in text_out

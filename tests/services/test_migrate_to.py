"""migrate-to: a desk's SQLite register, with its attachments and documents, onto an empty PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain import procedure as P
from app.domain.codes import EventKind, Outcome
from app.domain.letters import DocumentKind
from app.services import applications as A
from app.services import documents as D
from app.services import migrate as M
from app.services.attachments import AttachmentCategory, add_attachment
from app.services.backup import check_database
from app.services.context import ServiceContext
from app.services.profile import ensure_defaults
from app.store.database import open_database
from app.store.models import Application, Base
from app.store.server import table_counts
from tests.conftest import MutableClock
from tests.factories import register_in_person

pytestmark = pytest.mark.sqlite_only  # the source is always a SQLite file; the target is the test server


@pytest.fixture
def desk(tmp_path: Path):
    """A populated SQLite register: three cases with events, a document, an attachment."""
    clock = MutableClock(datetime(2026, 2, 13, 10, 30))
    db = open_database(tmp_path / "desk" / "ogi.sqlite")
    ctx = ServiceContext(db, now=clock)
    ensure_defaults(ctx)
    first = register_in_person(ctx, datetime(2026, 2, 2, 9, 0), clock, name="张三")
    second = register_in_person(ctx, datetime(2026, 2, 3, 9, 0), clock, name="李四", content="另一文件")
    register_in_person(ctx, datetime(2026, 2, 4, 9, 0), clock, name="张三")
    clock.value = datetime(2026, 2, 13, 10, 0)
    A.record_event(ctx, second.id, EventKind.DECIDED, date(2026, 2, 10), P.Decided(outcome=Outcome("disclosed")))
    A.record_event(ctx, first.id, EventKind.NOTE, date(2026, 2, 11), note="电话询问进度")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan of the letter")
    add_attachment(ctx, first.id, scan, AttachmentCategory.APPLICATION_SCAN)
    D.issue(ctx, second.id, DocumentKind.RECEIPT)
    assert check_database(ctx).verified
    yield ctx
    db.dispose()


@pytest.fixture
def target(pg_server):
    url = pg_server.empty_database()
    yield url
    pg_server.drop(url)


def _counts(ctx: ServiceContext) -> dict[str, int]:
    names = [t.name for t in Base.metadata.sorted_tables if t.name not in M.SQLITE_ONLY_TABLES]
    return table_counts(ctx.db.engine, names)


def test_everything_is_copied_and_verified_and_a_second_copy_is_refused(desk, target, tmp_path):
    expected = _counts(desk)
    desk.db.dispose()
    anchor = tmp_path / "server" / "ogi.pg"
    report = M.migrate_to_server(desk.db.path, target, files_at=anchor)
    assert report.ok, report.summary()
    assert report.rows == expected
    assert report.files == {"附件": 1, "文书": 1}
    text = report.summary()
    assert "迁移完成，数据完好" in text and "办理记录防篡改校验：通过" in text and "审计链头" in text
    assert "ogi_test" in text and "ogi_test:ogi_test" not in text  # never the password
    # the server database works on: the next registration gets the next id and number
    db = open_database(target, files_at=anchor)
    try:
        ctx = ServiceContext(db, now=desk.now)
        case = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), MutableClock(datetime(2026, 2, 13, 10, 40)))
        with db.session_scope() as s:
            assert case.id == s.scalar(select(func.max(Application.id)))
        assert case.reg_number.endswith("第4号")
        assert check_database(ctx).verified
    finally:
        db.dispose()
    with pytest.raises(M.MigrationError, match="目标数据库不是空的"):
        M.migrate_to_server(desk.db.path, target, files_at=tmp_path / "again" / "ogi.pg")


def test_a_failure_midway_leaves_the_server_database_empty(desk, target, tmp_path, monkeypatch):
    real = M._copy_rows
    done: list[str] = []

    def failing(source, conn, table, progress):
        if table.name == "event":
            raise OSError(28, "No space left on device")
        done.append(table.name)
        return real(source, conn, table, progress)

    monkeypatch.setattr(M, "_copy_rows", failing)
    desk.db.dispose()
    anchor = tmp_path / "server" / "ogi.pg"
    with pytest.raises(M.MigrationError, match="服务器数据库未作任何改动"):
        M.migrate_to_server(desk.db.path, target, files_at=anchor)
    assert "application" in done  # it failed after rows were written
    db = open_database(target, files_at=anchor)
    try:
        counts = _counts(ServiceContext(db, now=datetime.now))
    finally:
        db.dispose()
    assert set(counts.values()) == {0}
    monkeypatch.setattr(M, "_copy_rows", real)
    assert M.migrate_to_server(desk.db.path, target, files_at=anchor).ok  # and it can simply be run again


def test_a_database_with_another_programs_tables_is_refused(desk, target, tmp_path, pg_server):
    from sqlalchemy import create_engine, make_url, text

    engine = create_engine(make_url(target).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE payroll (id integer)"))
    engine.dispose()
    desk.db.dispose()
    with pytest.raises(Exception, match="其他程序的数据表"):
        M.migrate_to_server(desk.db.path, target, files_at=tmp_path / "server" / "ogi.pg")


def test_the_command_line_migrates_and_says_so_in_chinese(desk, target, tmp_path):
    desk.db.dispose()
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")  # the server's local folders: not the real user's
    env["OGI_DESK_CONFIG_DIR"] = str(tmp_path / "config")
    done = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(desk.db.path), "migrate-to", target],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "迁移完成，数据完好" in done.stdout and "application：3 行" in done.stdout
    assert "ogi_test:ogi_test" not in done.stdout + done.stderr
    again = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(desk.db.path), "migrate-to", target],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert again.returncode == 1 and "目标数据库不是空的" in again.stderr

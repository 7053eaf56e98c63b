"""A registration killed mid-save (SIGKILL, after its rows are flushed, before the commit) leaves nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.services.context import ServiceContext
from app.store.database import open_database
from app.store.events import check_chain
from tests.dbdump import dump  # content dump shared with the ledger tests

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    from app.services import applications as A
    from app.services.context import ServiceContext
    from app.store.database import open_database
    from tests.factories import in_person

    from sqlalchemy import event

    db = open_database(sys.argv[1])
    # a tiny page cache makes SQLite spill the uncommitted pages into the WAL, as a big save would
    event.listen(db.engine, "connect", lambda conn, _r: conn.execute("PRAGMA cache_size=1"))
    db.engine.dispose()
    ctx = ServiceContext(db, now=lambda: datetime(2026, 2, 13, 10, 0))
    original = A.append_event

    def stall_after_flush(*args, **kwargs):
        event = original(*args, **kwargs)
        print("FLUSHED", flush=True)  # application, applicant, identity check and event are in the WAL
        time.sleep(60)
        return event

    A.append_event = stall_after_flush
    A.register_application(ctx, in_person(datetime(2026, 2, 13, 9, 30)))
    """
)


@pytest.mark.slow
@pytest.mark.sqlite_only  # the WAL of a file; a server's killed client: test_server_backup
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_save_killed_before_commit_leaves_the_database_as_before(ctx: ServiceContext, tmp_path: Path):
    from datetime import datetime

    from tests.factories import register_in_person

    register_in_person(ctx, datetime(2026, 2, 13, 9, 0))  # something to keep
    path = ctx.db.path
    ctx.db.dispose()
    before = dump(path)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        line = child.stdout.readline() if child.stdout else ""
        assert line.strip() == "FLUSHED", child.stderr.read() if child.stderr else ""
        assert (path.parent / (path.name + "-wal")).stat().st_size > 0
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert dump(path) == before
    db = open_database(path)
    with db.session_scope() as s:
        assert check_chain(s) == []
    db.dispose()


SERVER_CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from app.services import applications as A
    from app.services.context import ServiceContext
    from app.store.database import open_database
    from tests.factories import in_person

    db = open_database(sys.argv[1], files_at=Path(sys.argv[2]))
    ctx = ServiceContext(db, now=lambda: datetime(2026, 2, 13, 10, 0))
    original = A.append_event

    def stall_after_flush(*args, **kwargs):
        event = original(*args, **kwargs)
        print("FLUSHED", flush=True)  # the rows are on the server, in a transaction not yet committed
        time.sleep(60)
        return event

    A.append_event = stall_after_flush
    A.register_application(ctx, in_person(datetime(2026, 2, 13, 9, 30)))
    """
)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_desk_killed_mid_save_leaves_the_server_database_as_before(pg_server, tmp_path: Path):
    """The server's equivalent: the killed desk's transaction is rolled back by the server, and the next save
    (which waits for the writer lock the killed desk held) goes through."""
    from datetime import datetime

    from app.services.backup import check_database
    from app.services.profile import ensure_defaults
    from app.store.server import table_counts
    from tests.factories import register_in_person

    url = pg_server.fresh_database()
    db = open_database(url, files_at=tmp_path / "ogi.pg")
    try:
        ctx = ServiceContext(db, now=lambda: datetime(2026, 2, 13, 10, 0))
        ensure_defaults(ctx)
        register_in_person(ctx, datetime(2026, 2, 13, 9, 0))
        tables = ["application", "applicant", "event", "identity_check", "setting", "number_sequence"]
        before = table_counts(db.engine, tables)
        child = subprocess.Popen(
            [sys.executable, "-c", SERVER_CHILD, url, str(tmp_path / "ogi.pg")],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        try:
            line = child.stdout.readline() if child.stdout else ""
            assert line.strip() == "FLUSHED", child.stderr.read() if child.stderr else ""
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
        assert table_counts(db.engine, tables) == before
        after = register_in_person(ctx, datetime(2026, 2, 13, 9, 45))
        assert after.reg_number.endswith("第2号")  # the killed desk's number was never taken
        assert check_database(ctx).verified
    finally:
        db.dispose()
        pg_server.drop(url)

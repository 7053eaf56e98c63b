"""Several desks at once: numbers without gaps or duplicates, one verifiable chain, no lost update.

The multi-process tests start real processes (each its own connections, as separate desks are) that wait
for a start file so that they really register at the same time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.codes import EventKind
from app.services import applications as A
from app.services.context import ServiceContext
from app.services.errors import ConcurrentEdit, StorageFailure
from app.services.profile import ensure_defaults
from app.store.auditkey import own_key
from app.store.database import ConcurrentEdit as StoreConcurrentEdit
from app.store.database import Database, open_database
from app.store.events import check_chain
from app.store.models import Application, Event, NumberSequence
from tests.factories import register_in_person

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 2, 13, 10, 30)

#: One desk: opens the database, says it is ready, waits for the start file, registers *n* applications
#: (each applicant its own person, so no case shares an applicant's seal with another), prints the numbers.
DESK = r"""
import json, sys, time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from app.domain.codes import ApplicantKind, Channel, PostKind
from app.services import applications as A
from app.services.context import ServiceContext
from app.store.database import open_database

_root, where, files_at, desk, n, folder = sys.argv[1:7]
n = int(n)
folder = Path(folder)
db = open_database(where, files_at=Path(files_at)) if files_at else open_database(Path(where))
now = datetime(2026, 2, 13, 10, 30)
ctx = ServiceContext(db, now=lambda: now)
ctx.calendar()
(folder / f"ready-{desk}").touch()
while not (folder / "go").exists():
    time.sleep(0.005)
numbers, errors = [], []
started = time.monotonic()
for i in range(n):
    data = A.RegistrationInput(
        channel=Channel.LETTER,
        post_kind=PostKind.SIGNED,
        arrived_at=datetime(2026, 2, 13, 9, 0),
        applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, f"申请人{desk}-{i}", phone="1"),
        content=f"窗口{desk}的第{i}件",
        signed_on=datetime(2026, 2, 13).date(),
    )
    try:
        numbers.append(A.register_application(ctx, data).reg_number)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
db.dispose()
print(json.dumps({"numbers": numbers, "errors": errors, "seconds": time.monotonic() - started}))
"""


def _desks(where: str, files_at: Path | None, desks: int, each: int, folder: Path) -> list[dict]:
    """Run *desks* processes registering *each* applications at the same time; their reports."""
    folder.mkdir(parents=True, exist_ok=True)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", DESK, str(ROOT), where, str(files_at or ""), str(d), str(each), str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),  # the same audit key folder as this test process
        )
        for d in range(desks)
    ]
    deadline = time.monotonic() + 60
    while sum((folder / f"ready-{d}").exists() for d in range(desks)) < desks:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    (folder / "go").touch()
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def _prepare(db: Database) -> None:
    """What the first desk does once before the others start: the profile and this computer's audit key
    (made once here: desks making it at the same moment would each make another one)."""
    ensure_defaults(ServiceContext(db, now=lambda: NOW))
    own_key()


@pytest.mark.slow
def test_four_desks_registering_at_once_get_consecutive_numbers_and_one_chain(pg_server, tmp_path):
    url = pg_server.fresh_database()
    db = open_database(url, files_at=tmp_path / "ogi.pg")
    try:
        _prepare(db)
        started = time.monotonic()
        reports = _desks(url, tmp_path / "ogi.pg", 4, 250, tmp_path / "desks")
        elapsed = time.monotonic() - started
        assert [r["errors"] for r in reports] == [[]] * 4
        numbers = [n for r in reports for n in r["numbers"]]
        assert len(numbers) == 1000 and len(set(numbers)) == 1000
        with db.session_scope() as s:
            seqs = list(s.scalars(select(Application.seq).where(Application.year == 2026).order_by(Application.seq)))
            assert seqs == list(range(1, 1001))  # no gap, no duplicate
            assert {a.reg_number for a in s.scalars(select(Application))} == set(numbers)
            assert s.get(NumberSequence, ("registration", 2026)).last == 1000
            assert s.scalar(select(func.count(Event.id))) == 1000
            assert check_chain(s) == []
        from app.services.backup import check_database

        report = check_database(ServiceContext(db, now=lambda: NOW))
        assert report.ok, report.summary()
        print(f"\n4 desks x 250 registrations: {elapsed:.1f} s (desks: {[round(r['seconds'], 1) for r in reports]})")
        assert elapsed < 60
    finally:
        db.dispose()
        pg_server.drop(url)


def test_two_processes_on_one_file_never_share_a_number(tmp_path):
    """A SQLite file: the second desk waits for the write lock (busy timeout) and then numbers after the
    first; nothing is refused and no number is given twice."""
    path = tmp_path / "ogi.sqlite"
    db = open_database(path)
    try:
        _prepare(db)
        reports = _desks(str(path), None, 2, 25, tmp_path / "desks")
        assert [r["errors"] for r in reports] == [[], []]
        numbers = [n for r in reports for n in r["numbers"]]
        assert len(set(numbers)) == 50
        with db.session_scope() as s:
            seqs = list(s.scalars(select(Application.seq).order_by(Application.seq)))
            assert seqs == list(range(1, 51))
            assert check_chain(s) == []
    finally:
        db.dispose()


# ---------------------------------------------------------------------------------------------- optimistic lock


def _other_desk(ctx: ServiceContext) -> ServiceContext:
    """A second desk on the same database (the same file, or the same server database)."""
    if ctx.db.is_server:
        assert ctx.db.url is not None
        db = open_database(ctx.db.url.render_as_string(hide_password=False), files_at=ctx.db.path)
    else:
        db = open_database(ctx.db.path)
    return ServiceContext(db, now=ctx.now)


def _events(ctx: ServiceContext) -> int:
    with ctx.db.session_scope() as s:
        return int(s.scalar(select(func.count(Event.id))) or 0)


def test_the_second_of_two_desks_acting_on_the_same_shown_case_is_refused(ctx, clock):
    app_id = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock).id
    other = _other_desk(ctx)
    try:
        mine, theirs = A.get_application(ctx, app_id), A.get_application(other, app_id)
        assert mine.version == theirs.version
        A.record_event(
            ctx, app_id, EventKind.NOTE, date(2026, 2, 13), note="电话询问进度", expected_version=mine.version
        )
        before = _events(ctx)
        with pytest.raises(ConcurrentEdit) as err:
            A.record_event(
                other, app_id, EventKind.NOTE, date(2026, 2, 13), note="另一窗口的备注", expected_version=theirs.version
            )
        assert "该申请已被他人修改，请刷新" in str(err.value)
        with pytest.raises(ConcurrentEdit):
            A.edit_application(other, app_id, {"phone": "999"}, "改电话", expected_version=theirs.version)
        assert _events(ctx) == before
        shown = A.get_application(other, app_id)
        assert shown.phone == "1" and shown.version > theirs.version
        assert [e.note for e in shown.events if e.kind is EventKind.NOTE] == ["电话询问进度"]
        # after refreshing, the other desk acts on the case as it now stands
        assert A.edit_application(other, app_id, {"phone": "999"}, "改电话", expected_version=shown.version) == 1
        with ctx.db.session_scope() as s:
            assert check_chain(s) == []
    finally:
        other.db.dispose()


def test_every_change_of_a_case_moves_its_version_on(ctx, clock):
    app_id = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock).id
    v0 = A.get_application(ctx, app_id).version
    A.record_event(ctx, app_id, EventKind.NOTE, date(2026, 2, 13), note="一")  # no derived column changes
    v1 = A.get_application(ctx, app_id).version
    A.edit_application(ctx, app_id, {"notes": "加急"}, "补充备注")
    v2 = A.get_application(ctx, app_id).version
    assert v0 < v1 < v2
    with pytest.raises(ConcurrentEdit):
        A.void_application(ctx, app_id, A.VoidReason.MISTAKE, "误登记", expected_version=v1)
    assert A.get_application(ctx, app_id).status is not A.Status.VOIDED


def test_two_sessions_changing_the_same_row_lose_no_update(ctx, clock):
    """Two desks load the same row and both change it: the second finds its version gone and saves nothing
    (the guarded UPDATE; on a SQLite file the stale writer is refused as "locked" before it gets there)."""
    app_id = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock).id
    other = _other_desk(ctx)
    try:
        expected = StoreConcurrentEdit if ctx.db.is_server else StorageFailure
        with pytest.raises(expected) as err, ctx.db.session_scope() as s:
            mine = s.get(Application, app_id)
            assert mine is not None and mine.notes is None
            with other.db.session_scope() as t:  # the other desk saves first
                theirs = t.get(Application, app_id)
                assert theirs is not None
                theirs.notes = "另一窗口"
            mine.notes = "本窗口"
            s.flush()
        if ctx.db.is_server:
            assert str(err.value) == "该申请已被他人修改，请刷新。本次操作未保存。"
        assert A.get_application(ctx, app_id).notes == "另一窗口"
    finally:
        other.db.dispose()

"""Other desks' changes reach this window: the poll reloads the register and the 工作台, keeps the clerk's place,
and a failing poll only says so in the status bar (no dialog, no exception)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.services.context import ServiceContext
from app.ui.main_window import CONNECTION_LOST, FILE_UNREADABLE, MainWindow
from tests.factories import register_in_person


@pytest.fixture
def window(qtbot, ctx):
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def poll(qtbot, window: MainWindow) -> None:
    window.poll_changes()
    window._poll.wait(10)
    qtbot.waitUntil(lambda: not window._poll.running())
    qtbot.wait(50)  # the answer is delivered by the event loop


def test_the_register_shows_what_another_desk_registered(qtbot, window, ctx, clock):
    mine = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, name="甲某")
    window.go_to("申请台账")
    page = window.register
    page.reload_keeping_place()
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    other = ServiceContext(ctx.db, now=clock)  # another desk on the same register
    theirs = register_in_person(other, datetime(2026, 2, 13, 9, 30), clock, name="乙某")
    assert page.model.rowCount() == 1  # nothing moves before the poll
    poll(qtbot, window)
    assert page.model.rowCount() == 2
    assert {page.model.id_at(0), page.model.id_at(1)} == {mine.id, theirs.id}
    selected = page.table.currentIndex()
    assert selected.isValid() and page.model.id_at(selected.row()) == mine.id  # the clerk's row stays selected


def test_a_second_file_context_is_seen_and_the_dashboard_follows(qtbot, window, ctx, clock, tmp_path):
    from app.services.bootstrap import open_context

    window.go_to("工作台")
    before = window.dashboard.board.received_today
    other = open_context(ctx.db.path, now=clock)  # another program (the command line) on the same file
    try:
        register_in_person(other, datetime(2026, 2, 13, 10, 0), clock, name="丙某")
    finally:
        other.db.dispose()
    poll(qtbot, window)
    assert window.dashboard.board.received_today == before + 1
    window.go_to("申请台账")  # built now: shows it too
    assert window.register.model.rowCount() == 1


def test_nothing_reloads_when_nothing_changed(qtbot, window, monkeypatch):
    window.go_to("申请台账")
    calls: list[int] = []
    monkeypatch.setattr(window.register, "reload_keeping_place", lambda: calls.append(1))
    poll(qtbot, window)
    assert calls == []


def test_a_failing_poll_says_so_quietly_and_recovers(qtbot, window, monkeypatch):
    from app.ui import msgbox

    shown: list[str] = []
    for name in ("error", "warning", "information"):
        monkeypatch.setattr(msgbox, name, lambda *a, **k: shown.append(str(a)))

    def broken(_ctx):
        raise OSError("server gone")

    real = window.stamp_function
    window.stamp_function = broken
    poll(qtbot, window)
    assert window.connection_label.isVisible()
    assert window.connection_label.text() in (CONNECTION_LOST, FILE_UNREADABLE)
    assert shown == []
    window.stamp_function = real
    poll(qtbot, window)
    assert not window.connection_label.isVisible()


def test_about_names_the_database_file(window, ctx):
    assert f"数据库文件：{ctx.db.path}" in window.about_text()


def test_on_a_server_the_window_names_it_without_the_password(qtbot, pg_server, tmp_path, clock):
    from sqlalchemy import make_url

    from app.services.profile import ensure_defaults
    from app.store.database import open_database

    url = pg_server.fresh_database()
    db = open_database(url, files_at=tmp_path / "ogi.pg")
    try:
        server_ctx = ServiceContext(db, now=clock)
        ensure_defaults(server_ctx)
        w = MainWindow(server_ctx)
        qtbot.addWidget(w)
        w.show()
        password = make_url(url).password
        assert "数据库服务器：postgresql://" in w.about_text()
        assert "数据库服务器" in w.windowTitle()
        if password:
            assert f":{password}@" not in w.about_text() + w.windowTitle()
        other = ServiceContext(db, now=clock)
        register_in_person(other, datetime(2026, 2, 13, 9, 0), clock, name="丁某")
        w.go_to("申请台账")
        assert w.register.model.rowCount() == 1
        register_in_person(other, datetime(2026, 2, 13, 9, 10), clock, name="戊某")
        poll(qtbot, w)
        assert w.register.model.rowCount() == 2

        def dropped(_ctx):
            raise OSError("connection refused")

        w.stamp_function = dropped
        poll(qtbot, w)
        assert w.connection_label.text() == CONNECTION_LOST
        w.close()
    finally:
        db.dispose()
        pg_server.drop(url)

"""经办人 is the desk's: on a server each clerk's steps carry their own name, whoever typed a name last; on a
desk's own file the name stays in the file as before."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.services.context import ServiceContext
from app.services.profile import ensure_defaults
from app.store.database import open_database
from app.store.desk import desk_file
from app.store.models import Event, Setting
from tests.factories import register_in_person


def test_on_either_engine_the_name_signs_the_steps(ctx, clock):
    assert ctx.set_setting("clerk_name", "李娜")
    assert not ctx.set_setting("clerk_name", "李娜")  # unchanged: nothing written
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    with ctx.db.session_scope() as s:
        actors = {e.actor for e in s.scalars(select(Event).where(Event.application_id == r.id))}
        stored = s.get(Setting, "clerk_name")
        changes = [e.data for e in s.scalars(select(Event).where(Event.kind == "setting_changed"))]
    assert actors == {"李娜"} and ctx.clerk() == "李娜"
    assert any(c["key"] == "clerk_name" and c["new"] == "李娜" for c in changes)  # in the audit chain either way
    if ctx.db.is_server:
        assert stored is None and "李娜" in desk_file().read_text(encoding="utf-8")
    else:
        assert stored is not None and stored.value == "李娜" and not desk_file().exists()


def test_two_desks_on_one_server_each_sign_with_their_own_name(pg_server, tmp_path, monkeypatch):
    url = pg_server.fresh_database()
    now = datetime(2026, 2, 13, 10, 30)
    desks = []
    try:
        for name, folder in (("张敏", "a"), ("王强", "b")):
            monkeypatch.setenv("OGI_DESK_CONFIG_DIR", str(tmp_path / folder))
            ctx = ServiceContext(open_database(url, files_at=tmp_path / f"{folder}.pg"), now=lambda: now)
            ensure_defaults(ctx)
            ctx.set_setting("clerk_name", name)
            desks.append((folder, ctx))
        made = []
        for folder, ctx in desks:  # each desk registers on its own account's configuration
            monkeypatch.setenv("OGI_DESK_CONFIG_DIR", str(tmp_path / folder))
            made.append(register_in_person(ctx, datetime(2026, 2, 13, 9, len(made)), lambda: now).id)
        with desks[0][1].db.session_scope() as s:
            by_case = {
                app_id: {e.actor for e in s.scalars(select(Event).where(Event.application_id == app_id))}
                for app_id in made
            }
        assert by_case == {made[0]: {"张敏"}, made[1]: {"王强"}}
    finally:
        for _folder, ctx in desks:
            ctx.db.dispose()
        pg_server.drop(url)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", ""])
def test_an_unreadable_desk_file_means_no_name_yet(pg_server, tmp_path, content):
    url = pg_server.fresh_database()
    try:
        ctx = ServiceContext(open_database(url, files_at=tmp_path / "x.pg"))
        desk_file().parent.mkdir(parents=True, exist_ok=True)
        desk_file().write_text(content, encoding="utf-8")
        assert ctx.clerk() == "窗口工作人员" and ctx.setting("clerk_name_set") is False
        ctx.db.dispose()
    finally:
        pg_server.drop(url)

"""Opening a register on a PostgreSQL server: every refusal is Chinese and changes nothing, and a dropped
connection costs the one action, not the desk (the next action works without a restart)."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import create_engine, make_url, text

from app.services.context import ServiceContext
from app.services.profile import ensure_defaults
from app.store import server as S
from app.store.database import DatabaseOpenError, DatabaseRuntimeError, open_database
from tests.factories import register_in_person

TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"


def _tables(url: str) -> set[str]:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        names = set(
            conn.execute(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            ).scalars()
        )
    engine.dispose()
    return names


def _execute(url: str, sql: str) -> None:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def test_an_empty_database_is_migrated_and_the_password_is_never_shown(pg_server, tmp_path):
    url = pg_server.empty_database()
    db = open_database(url, files_at=tmp_path / "x.pg")
    try:
        assert db.is_server and "alembic_version" in _tables(url) and "application" in _tables(url)
        password = make_url(url).password
        assert password and f":{password}@" not in db.location and ":***@" in db.location
        assert f":{password}@" not in repr(db.url)  # SQLAlchemy hides it in the URL's repr as well
    finally:
        db.dispose()
        pg_server.drop(url)


def test_an_unreachable_server_is_a_chinese_message(tmp_path):
    with pytest.raises(DatabaseOpenError) as err:
        open_database("postgresql://nobody@127.0.0.1:1/ogi", files_at=tmp_path / "x.pg")
    assert err.value.kind == "unreachable"
    assert "无法连接数据库服务器" in str(err.value) and "127.0.0.1:1" in str(err.value)


def test_a_wrong_password_says_so_and_names_the_password_file(pg_server, tmp_path):
    wrong = pg_server.admin.set(password="not-the-password").render_as_string(hide_password=False)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(wrong, files_at=tmp_path / "x.pg")
    assert err.value.kind == "auth" and "用户名或密码不正确" in str(err.value)
    assert "not-the-password" not in str(err.value)


def test_a_missing_database_says_to_create_it(pg_server, tmp_path):
    missing = pg_server.admin.set(database="ogi_no_such_db").render_as_string(hide_password=False)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(missing, files_at=tmp_path / "x.pg")
    assert err.value.kind == "missing" and "没有这个数据库" in str(err.value)


def test_a_database_of_another_program_is_refused_untouched(pg_server, tmp_path):
    url = pg_server.empty_database()
    try:
        _execute(url, "CREATE TABLE customers (id integer primary key)")
        with pytest.raises(DatabaseOpenError) as err:
            open_database(url, files_at=tmp_path / "x.pg")
        assert err.value.kind == "foreign" and "其他程序" in str(err.value)
        assert _tables(url) == {"customers"}
    finally:
        pg_server.drop(url)


def test_a_newer_schema_is_refused_untouched(pg_server, tmp_path):
    url = pg_server.fresh_database()
    try:
        _execute(url, "UPDATE alembic_version SET version_num = '9999'")
        with pytest.raises(DatabaseOpenError) as err:
            open_database(url, files_at=tmp_path / "x.pg")
        assert err.value.kind == "newer" and "9999" in str(err.value)
    finally:
        pg_server.drop(url)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("postgresql://", "缺少数据库名"),
        ("postgresql://clerk@host:port/ogi", "格式不正确"),
        ("postgresql://clerk@host/", "缺少数据库名"),
    ],
)
def test_a_malformed_connection_string_is_explained(value, words, tmp_path):
    with pytest.raises(DatabaseOpenError) as err:
        open_database(value, files_at=tmp_path / "x.pg")
    assert err.value.kind == "url" and words in str(err.value)


def test_a_connection_dropped_mid_action_saves_nothing_and_the_next_action_works(pg_server, tmp_path):
    url = pg_server.fresh_database()
    db = open_database(url, files_at=tmp_path / "x.pg")
    try:
        ctx = ServiceContext(db, now=lambda: datetime(2026, 2, 13, 10, 30))
        ensure_defaults(ctx)
        register_in_person(ctx, datetime(2026, 2, 13, 9, 0))
        name = make_url(url).database
        with pytest.raises(DatabaseRuntimeError) as err, db.session_scope() as s:
            s.execute(text("INSERT INTO setting (key, value) VALUES ('half', '1')"))
            _execute(
                pg_server.admin.render_as_string(hide_password=False),
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                "AND pid <> pg_backend_pid() AND usename = current_user",  # the desk's, never autovacuum
            )
            s.execute(text("SELECT 1"))
        assert err.value.kind == "unreachable" and "连接中断" in str(err.value) and "无需重启" in str(err.value)
        register_in_person(ctx, datetime(2026, 2, 13, 9, 5))  # the pool reconnects: no restart
        with db.session_scope() as s:
            assert s.execute(text("SELECT count(*) FROM setting WHERE key = 'half'")).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM application")).scalar() == 2
    finally:
        db.dispose()
        pg_server.drop(url)


def test_the_password_file_is_private_and_keeps_other_lines(tmp_path, monkeypatch):
    monkeypatch.setenv(S.ENV_CONFIG_DIR, str(tmp_path))
    monkeypatch.delenv("PGPASSFILE", raising=False)
    url = S.server_url("postgresql://clerk@db.example:5433/ogi")
    other = S.server_url("postgresql://boss@db.example/ogi")
    S.save_password(other, "b:oss")
    path = S.save_password(url, "first")
    path = S.save_password(url, "sec:ret")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == ["db.example:5432:ogi:boss:b\\:oss", "db.example:5433:ogi:clerk:sec\\:ret"]
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    assert S._connect_args(url)["passfile"] == str(path)

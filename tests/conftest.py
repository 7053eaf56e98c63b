"""Shared fixtures: a fresh SQLite file per test, a fixed "now", GUI tests marked automatically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the audit key of the tests' installation: a temporary folder, never the real user's configuration folder
os.environ.setdefault("OGI_DESK_AUDIT_KEY_DIR", tempfile.mkdtemp(prefix="ogi-audit-key-"))
os.environ.setdefault("OGI_DESK_LOG_DIR", tempfile.mkdtemp(prefix="ogi-log-"))
# the connection setting, the password file and the desk's own settings: never the real user's folder
os.environ.setdefault("OGI_DESK_CONFIG_DIR", tempfile.mkdtemp(prefix="ogi-config-"))

from app.services.context import ServiceContext
from app.services.profile import ensure_defaults
from app.store.database import Database, open_database
from tests.pgserver import PgServer

FIXED_NOW = datetime(2026, 2, 13, 10, 30)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/ui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


def _reverse_unordered(dbapi_connection, _record) -> None:
    # Any query that forgot ORDER BY returns rows in the opposite order and fails its test.
    dbapi_connection.execute("PRAGMA reverse_unordered_selects=ON")


#: Tests of these folders run on both engines (a SQLite file, and a PostgreSQL server): the same services, the
#: same register SQL, the same report. A test about the file itself is marked ``sqlite_only``.
BOTH_ENGINES = ("/tests/services/", "/tests/store/")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_kind" not in metafunc.fixturenames:
        return
    where = str(metafunc.definition.fspath).replace(os.sep, "/")
    both = any(part in where for part in BOTH_ENGINES) and not metafunc.definition.get_closest_marker("sqlite_only")
    metafunc.parametrize("engine_kind", ["sqlite", "postgresql"] if both else ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own configuration folder: a desk's settings written by one test never reach another."""
    monkeypatch.setenv("OGI_DESK_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def engine_kind(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer.start()
    yield server
    server.close()


@pytest.fixture
def database(tmp_path: Path, engine_kind: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    if engine_kind == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.fresh_database()
        db = open_database(url, files_at=tmp_path / "ogi.pg")
        yield db
        db.dispose()
        server.drop(url)
        return
    db = open_database(tmp_path / "ogi.sqlite")
    event.listen(db.engine, "connect", _reverse_unordered)
    db.engine.dispose()  # reconnect with the pragma
    yield db
    db.dispose()


class MutableClock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(FIXED_NOW)


@pytest.fixture
def ctx(database: Database, clock: MutableClock) -> ServiceContext:
    context = ServiceContext(database, now=clock)
    ensure_defaults(context)
    return context

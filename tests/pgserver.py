"""A PostgreSQL server for the tests: one migrated template per run, a fresh database per test made from it.

The server is named by ``OGI_TEST_PG`` (a connection string of a role that may create databases; default
``postgresql://ogi_test:ogi_test@localhost:5432/postgres``, the role ``scripts/test-postgres.sh`` makes).
Without a server the tests that need one are skipped, saying why; with ``OGI_TEST_PG_REQUIRED=1`` (CI, which
always starts one) they fail instead.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from app.store.database import open_database

DEFAULT_ADMIN = "postgresql://ogi_test:ogi_test@localhost:5432/postgres"


def admin_url() -> URL:
    return make_url(os.environ.get("OGI_TEST_PG") or DEFAULT_ADMIN).set(drivername="postgresql+psycopg")


def required() -> bool:
    return os.environ.get("OGI_TEST_PG_REQUIRED") == "1"


class PgServer:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, admin: URL, template: str) -> None:
        self.admin = admin
        self.template = template
        self._engine = create_engine(admin, isolation_level="AUTOCOMMIT", pool_size=1)
        self._leftover: list[str] = []

    @classmethod
    def start(cls) -> PgServer:
        try:
            admin = admin_url()
        except Exception as exc:  # a malformed OGI_TEST_PG: one clear reason, not an error in every test
            reason = f"OGI_TEST_PG 不是可用的连接字符串（{exc}）"
            if required():
                pytest.fail(reason, pytrace=False)
            pytest.skip(reason)
        try:
            probe = create_engine(admin, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
            probe.dispose()
        except Exception as exc:  # no server: skip (or fail in CI)
            reason = (
                f"没有可用的 PostgreSQL 测试服务器（{admin.render_as_string(hide_password=True)}）："
                f"{str(exc).splitlines()[0] if str(exc) else exc!r}。运行 scripts/test-postgres.sh 启动一个。"
            )
            if required():
                pytest.fail(reason, pytrace=False)
            pytest.skip(reason)
        template = f"ogi_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        server = cls(admin, template)
        server._create(template)
        db = open_database(server.url_of(template).render_as_string(hide_password=False))  # migrate to head once
        db.dispose()
        return server

    def url_of(self, name: str) -> URL:
        return self.admin.set(database=name)

    def _create(self, name: str, template: str | None = None) -> None:
        with self._engine.connect() as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))

    def fresh_database(self) -> str:
        """A new migrated database (a copy of the template); its connection string with the password."""
        name = f"ogi_t_{uuid.uuid4().hex[:12]}"
        self._create(name, self.template)
        return self.url_of(name).render_as_string(hide_password=False)

    def empty_database(self) -> str:
        """A new database with no tables at all."""
        name = f"ogi_e_{uuid.uuid4().hex[:12]}"
        self._create(name)
        return self.url_of(name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        """Drop a test database. A server process of another role (autovacuum, which starts on a fresh copy)
        cannot be terminated by the test role, so a refused drop is tried again, and one still refused is
        left for :meth:`close` rather than failing the test that used it."""
        name = str(make_url(url).database)
        if not self._drop(name, attempts=20):
            self._leftover.append(name)

    def _drop(self, name: str, attempts: int) -> bool:
        for _ in range(attempts):
            try:
                with self._engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return True
            except DBAPIError:
                time.sleep(0.25)
        return False

    def close(self) -> None:
        for name in [*self._leftover, self.template]:
            self._drop(name, attempts=40)
        self._engine.dispose()

"""Opening the database: fresh files, migrations matching the models, and every refusal leaving the file alone."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.store.database import DatabaseOpenError, head_revision, open_database
from app.store.models import Base


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_database_uses_wal_and_foreign_keys(tmp_path: Path):
    db = open_database(tmp_path / "sub" / "ogi.sqlite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
    db.dispose()


def _not_the_search_index(_obj, name, type_, _reflected, _compare_to) -> bool:
    """The FTS5 search index and its shadow tables (migration 0007) are SQLite's own, not in the models; nor is
    the expression index of the register's sort by receipt date (migration 0007)."""
    if type_ == "table" and name is not None and name.startswith("application_search"):
        return False
    return not (type_ == "index" and name == "ix_application_receipt_order")


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrations_produce_exactly_the_models(tmp_path: Path):
    db = open_database(tmp_path / "ogi.sqlite")
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _not_the_search_index})
        diff = compare_metadata(context, Base.metadata)
    db.dispose()
    assert diff == []


def test_the_head_revision_constant_is_the_scripts_head():
    """Opening an up-to-date database reads the head from a constant, without importing Alembic."""
    from alembic.script import ScriptDirectory

    from app.store.database import KNOWN_REVISIONS, alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head()
    assert set(KNOWN_REVISIONS) == {rev.revision for rev in scripts.walk_revisions()}


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path: Path):
    import subprocess

    path = tmp_path / "ogi.sqlite"
    open_database(path).dispose()
    code = (
        "import sys\n"
        "from app.store.database import open_database\n"
        f"open_database({str(path)!r}).dispose()\n"
        "assert 'alembic' not in sys.modules, 'alembic imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_a_database_one_migration_behind_is_migrated_at_open(tmp_path: Path):
    from alembic import command

    from app.store.database import KNOWN_REVISIONS, alembic_config, make_engine

    path = tmp_path / "ogi.sqlite"
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, KNOWN_REVISIONS[-2])
    engine.dispose()
    db = open_database(path, defer_integrity_check=True)
    assert db.backup_before_migration is not None and KNOWN_REVISIONS[-2] in db.backup_before_migration.name
    assert db.integrity_checked  # checked before migrating, not deferred
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
    db.dispose()


def test_the_integrity_check_runs_whatever_the_size_or_deferred(tmp_path: Path):
    path = tmp_path / "ogi.sqlite"
    open_database(path).dispose()
    db = open_database(path, defer_integrity_check=True)
    assert not db.integrity_checked
    db.verify_integrity()
    assert db.integrity_checked
    db.dispose()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_database_and_its_folder_are_private(tmp_path: Path):
    folder = tmp_path / "data"
    path = folder / "ogi.sqlite"
    open_database(path).dispose()
    folder.chmod(0o755)
    path.chmod(0o644)
    db = open_database(path)  # fixes what an older version left readable for everyone
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        assert path.stat().st_mode & 0o777 == 0o600
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                assert extra.stat().st_mode & 0o777 == 0o600
    db.dispose()
    fresh = tmp_path / "new" / "ogi.sqlite"
    open_database(fresh).dispose()
    assert fresh.parent.stat().st_mode & 0o777 == 0o700  # a folder the program made is private


@pytest.mark.parametrize("name", ["a?b.sqlite", "50%.sqlite", "x#1.sqlite", "c%3Fd.sqlite"])
def test_special_characters_in_the_file_name_open_exactly_that_file(tmp_path: Path, name: str):
    path = tmp_path / name
    db = open_database(path)
    db.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite") == [name]


def test_reopening_an_up_to_date_database_changes_nothing(tmp_path: Path):
    from tests.dbdump import dump

    path = tmp_path / "ogi.sqlite"
    open_database(path).dispose()
    before = dump(path)
    db = open_database(path)
    assert db.backup_before_migration is None
    db.dispose()
    assert dump(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if "迁移前备份" in p.name) == []  # no copy made aside


def test_garbage_file_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "ogi.sqlite"
    path.write_bytes(b"this is an Excel file, not a database" * 100)
    before = digest(path)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert err.value.kind == "corrupt" and "损坏" in str(err.value)
    assert digest(path) == before


def test_damaged_pages_are_refused_untouched(tmp_path: Path):
    path = tmp_path / "ogi.sqlite"
    db = open_database(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (x TEXT)")
        for _ in range(200):
            conn.exec_driver_sql("INSERT INTO filler VALUES (hex(randomblob(400)))")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, len(data) - 4096, 4096):
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert err.value.kind == "corrupt"
    assert str(err.value).startswith("数据库文件已损坏") and "文件未作任何改动。请从备份恢复" in str(err.value)
    assert digest(path) == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert err.value.kind == "foreign"
    assert str(err.value) == f"该 SQLite 文件不是本程序的数据库（缺少版本信息）：\n{path}\n文件未作任何改动。"
    assert digest(path) == before


def test_newer_schema_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "ogi.sqlite"
    open_database(path).dispose()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert err.value.kind == "newer" and "更新版本" in str(err.value)
    assert digest(path) == before


def test_locked_database_is_reported(tmp_path: Path):
    path = tmp_path / "ogi.sqlite"
    open_database(path).dispose()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseOpenError) as err:
            open_database(path)
        assert err.value.kind == "locked" and "占用" in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_database_is_reported(tmp_path: Path):  # pragma: no cover - CI runs as root
    path = tmp_path / "ogi.sqlite"
    open_database(path).dispose()
    path.chmod(0o444)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert err.value.kind == "readonly" and "只读" in str(err.value) and "文件未作任何改动" in str(err.value)


def test_read_only_database_is_reported_even_for_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "ogi.sqlite"
    open_database(path).dispose()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    before = digest(path)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert err.value.kind == "readonly"
    assert str(err.value).startswith("数据库文件或其所在文件夹为只读，无法保存登记：")
    assert digest(path) == before


def test_database_without_version_is_copied_aside_before_migration(tmp_path: Path):
    """A database created by this program but never stamped (interrupted first run) is migrated after a copy."""
    path = tmp_path / "ogi.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.commit()
    conn.close()
    original = digest(path)
    db = open_database(path)
    copy = db.backup_before_migration
    assert copy is not None and copy.name.startswith("ogi.迁移前备份-空-") and digest(copy) == original
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
    db.dispose()


def test_a_save_while_another_program_writes_is_refused_in_chinese_and_rolled_back(tmp_path: Path):
    from sqlalchemy import func, select, text

    from app.store.database import DatabaseRuntimeError
    from app.store.models import Setting

    db = open_database(tmp_path / "ogi.sqlite")
    holder = sqlite3.connect(tmp_path / "ogi.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseRuntimeError) as err, db.session_scope() as s:
            s.execute(text("PRAGMA busy_timeout=100"))  # do not wait the usual 5 s in a test
            s.add(Setting(key="k", value=1))
            s.flush()
        assert err.value.kind == "locked" and "未保存" in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with db.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Setting)) == 0
    db.dispose()


def test_a_database_of_the_first_schema_is_copied_aside_and_migrated_with_its_data(tmp_path: Path):
    from alembic import command

    from app.store.database import alembic_config, make_engine

    path = tmp_path / "ogi.sqlite"
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql(
            "INSERT INTO applicant (id, kind, name, created_at) VALUES (1, 'natural_person', '张三', '2026-01-05')"
        )
    engine.dispose()
    db = open_database(path)
    assert db.backup_before_migration is not None and "0001" in db.backup_before_migration.name
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
        assert conn.exec_driver_sql("SELECT name FROM applicant").scalar() == "张三"
        columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(application)")}
    assert "applicant_snapshot" in columns
    backup = sqlite3.connect(db.backup_before_migration)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    backup.close()
    db.dispose()


def test_a_deferred_integrity_check_still_finds_damage(tmp_path: Path):
    path = tmp_path / "ogi.sqlite"
    db = open_database(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (x TEXT)")
        for _ in range(200):
            conn.exec_driver_sql("INSERT INTO filler VALUES (hex(randomblob(400)))")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    data = bytearray(path.read_bytes())
    last = len(data) - 4096  # a page of the filler table, far from the schema
    data[last + 8 : last + 72] = b"\xff" * 64
    path.write_bytes(bytes(data))
    try:
        opened = open_database(path, defer_integrity_check=True)
    except DatabaseOpenError as err:  # the damage showed already while opening: as good
        assert err.kind == "corrupt"
        return
    with pytest.raises(DatabaseOpenError) as err:
        opened.verify_integrity()
    opened.dispose()
    assert err.value.kind == "corrupt" and "损坏" in str(err.value)

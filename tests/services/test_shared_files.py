"""Several desks on one server register with one shared files folder (设置 → 数据库, 附件与文书文件夹): an
attachment added or a document issued at one desk opens at another; a shared folder that cannot be reached
refuses the start in Chinese instead of falling back to the desk's own folder."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from app.domain.letters import DocumentKind
from app.services import documents as D
from app.services.attachments import AttachmentCategory, add_attachment, attachment_path, list_attachments
from app.services.bootstrap import database_target, files_anchor_for, open_context
from app.services.errors import DatabaseUnavailable
from app.store.connection import load_connection, load_files_folder, save_connection
from app.store.models import IssuedDocument
from app.store.server import files_anchor
from tests.conftest import MutableClock
from tests.documents.cases import new_case, pdf_text

NOW = datetime(2026, 2, 13, 10, 30)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("OGI_DESK_CONFIG_DIR", str(folder))
    monkeypatch.delenv("PGPASSFILE", raising=False)
    return folder


@pytest.fixture
def server_url(pg_server):
    url = pg_server.fresh_database()
    yield url
    pg_server.drop(url)


def _desk(config: Path, target: str | None, clock: MutableClock, monkeypatch, data_dir: Path):
    """Open the register as a desk with its own configuration and user data folders would."""
    monkeypatch.setenv("OGI_DESK_CONFIG_DIR", str(config))
    monkeypatch.setattr("app.store.database.default_db_path", lambda: data_dir / "ogi.sqlite")
    return open_context(target, now=clock)


def test_an_attachment_and_a_document_from_desk_a_open_at_desk_b(server_url, tmp_path, monkeypatch):
    shared = tmp_path / "共享" / "ogi"
    shared.mkdir(parents=True)
    url = make_url(server_url)
    bare = url.set(password=None).render_as_string(hide_password=False)
    if url.password:
        monkeypatch.setenv("PGPASSWORD", url.password)  # a desk's password file, for desk A's saved server
    clock = MutableClock(NOW)
    desks = []
    for name in ("A", "B"):
        config = tmp_path / f"config-{name}"
        monkeypatch.setenv("OGI_DESK_CONFIG_DIR", str(config))
        save_connection(bare, shared)  # as 设置 → 数据库 → 保存 does (the password in the environment here)
        assert load_files_folder() == shared
    try:
        # desk A: the saved server (database_target(None)); desk B: the same server named with --db
        a = _desk(tmp_path / "config-A", None, clock, monkeypatch, tmp_path / "local-A")
        desks.append(a)
        b = _desk(tmp_path / "config-B", server_url, clock, monkeypatch, tmp_path / "local-B")
        desks.append(b)
        anchor = shared / files_anchor(make_url(server_url), shared).name
        assert a.db.path == b.db.path == anchor
        app_id = new_case(a, clock)
        data = "申请书扫描件（第1页）".encode()
        source = tmp_path / "扫描件.pdf"
        source.write_bytes(data)
        view = add_attachment(a, app_id, source, AttachmentCategory.APPLICATION_SCAN)
        at_b = attachment_path(b, view.id)  # hash verified
        assert at_b.read_bytes() == data and hashlib.sha256(data).hexdigest() == view.sha256
        assert at_b.is_relative_to(shared)
        assert [v.ok for v in list_attachments(b, app_id)] == [True]
        issued = D.issue(a, app_id, DocumentKind.RECEIPT)
        with b.db.session_scope() as s:
            doc = s.execute(select(IssuedDocument).where(IssuedDocument.id == issued.id)).scalar_one()
            stored, digest = doc.file_path, doc.sha256
        pdf = D.document_pdf(b, issued.id)
        assert hashlib.sha256(pdf).hexdigest() == digest  # the stored file, not a re-rendering
        assert stored and (anchor.with_name(anchor.stem + ".documents") / stored).read_bytes() == pdf
        assert "登记编号：〔2026〕第1号" in pdf_text(pdf)[0]
        assert not (tmp_path / "local-A").exists() and not (tmp_path / "local-B").exists()  # nothing kept locally
    finally:
        for ctx in desks:
            ctx.db.dispose()


def test_a_missing_shared_folder_refuses_the_start_in_chinese(server_url, tmp_path, monkeypatch):
    missing = tmp_path / "未连接的共享"
    save_connection(server_url, missing)
    with pytest.raises(DatabaseUnavailable) as err:
        open_context(None)
    assert err.value.kind == "files"
    assert str(missing) in str(err.value) and "附件与文书文件夹不存在或无法访问" in str(err.value)
    assert "ogi_test:" not in str(err.value)  # never the password
    a_file = tmp_path / "不是文件夹"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(DatabaseUnavailable, match="不是文件夹"):
        open_context(server_url, files=a_file)


def test_the_saved_folder_belongs_to_the_saved_server_only(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    save_connection("postgresql://clerk@db.example:5433/ogi", shared)
    saved = json.loads((tmp_path / "config" / "connection.json").read_text(encoding="utf-8"))
    assert saved == {"server": "postgresql://clerk@db.example:5433/ogi", "files": str(shared)}
    expected = shared / "db.example-5433-ogi.pg"
    assert files_anchor_for("postgresql://clerk@db.example:5433/ogi") == expected
    assert files_anchor_for("postgresql://other:pw@DB.example:5433/ogi") == expected  # same database
    assert files_anchor_for("postgresql://clerk@db.example:5433/other") is None  # another server: own folder
    assert files_anchor_for(tmp_path / "x.sqlite") is None
    other = tmp_path / "other"
    other.mkdir()
    assert files_anchor_for("postgresql://clerk@db.example:5433/other", other) == other / "db.example-5433-other.pg"


def test_a_setting_without_files_still_loads(config_dir: Path):
    config_dir.mkdir(parents=True)
    (config_dir / "connection.json").write_text(
        json.dumps({"server": "postgresql://clerk@db.example:5433/ogi"}), encoding="utf-8"
    )
    assert load_connection() == "postgresql://clerk@db.example:5433/ogi"
    assert load_files_folder() is None
    assert database_target(None) == "postgresql://clerk@db.example:5433/ogi"
    assert files_anchor_for(database_target(None)) is None  # this desk's own folder, as before
    (config_dir / "connection.json").write_text(
        json.dumps({"server": "postgresql://clerk@db.example:5433/ogi", "files": "相对路径"}), encoding="utf-8"
    )
    assert load_files_folder() is None  # not an absolute path: ignored

"""The audit key: outside the database, private, created once, exported and imported."""

from __future__ import annotations

import os
import stat

import pytest

from app.store import auditkey


@pytest.fixture
def key_folder(tmp_path, monkeypatch):
    folder = tmp_path / "config" / "ogi-desk"
    monkeypatch.setenv(auditkey.ENV_KEY_DIR, str(folder))
    return folder


def test_the_key_is_created_once_and_private(key_folder):
    assert auditkey.load_keys() == {}
    kid, key = auditkey.own_key()
    assert auditkey.own_key() == (kid, key) and auditkey.load_keys() == {kid: key} and len(key) == 32
    if os.name == "posix":
        assert stat.S_IMODE(auditkey.key_file().stat().st_mode) == 0o600
        assert stat.S_IMODE(key_folder.stat().st_mode) == 0o700


def test_the_default_folder_is_not_the_data_folder(monkeypatch):
    from app.store.database import default_db_path

    monkeypatch.delenv(auditkey.ENV_KEY_DIR, raising=False)
    assert auditkey.key_dir() != default_db_path().parent


def test_export_never_overwrites_and_import_adds_once(key_folder, tmp_path):
    kid, _key = auditkey.own_key()
    out = tmp_path / "key.txt"
    auditkey.export_key(out)
    with pytest.raises(auditkey.KeyFileError, match="文件已存在"):
        auditkey.export_key(out)
    other = tmp_path / "other.key"
    other.write_text("ab" * 32 + "\n", encoding="utf-8")
    [new] = auditkey.import_key(other)
    assert set(auditkey.load_keys()) == {kid, new} and auditkey.own_key()[0] == kid
    assert auditkey.import_key(other) == []
    (tmp_path / "empty.key").write_text("nothing here", encoding="utf-8")
    with pytest.raises(auditkey.KeyFileError, match="没有审计密钥"):
        auditkey.import_key(tmp_path / "empty.key")

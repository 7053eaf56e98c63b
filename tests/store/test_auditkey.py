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


def test_programs_starting_at_once_share_one_key(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "keys"
    script = (
        "import os, sys, time\n"
        "os.environ['OGI_DESK_AUDIT_KEY_DIR'] = sys.argv[1]\n"
        "from app.store.auditkey import own_key\n"
        "while not os.path.exists(sys.argv[2]): time.sleep(0.001)\n"
        "print(own_key()[0])\n"
    )
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(folder), str(go)], stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    import time

    time.sleep(1.0)
    go.touch()
    ids = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(ids) == 1 and "" not in ids
    assert not [p for p in folder.iterdir() if p.name != "audit.key"]  # no stray temporary files

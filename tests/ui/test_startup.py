"""Starting the program on a database it must not touch: a Chinese message, exit status 2, file unchanged."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from app.ui import application, msgbox


def test_corrupt_database_is_explained_and_left_alone(qapp, tmp_path: Path, monkeypatch):
    path = tmp_path / "ogi.sqlite"
    path.write_bytes(b"PK\x03\x04 this is a zip file" * 50)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(msgbox, "error", lambda _p, title, text, details="": shown.append((title, text)))
    assert application.run_gui(path, auto_backup=False) == 2
    assert shown and shown[0][0] == "无法打开数据库" and "损坏" in shown[0][1]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_locked_database_is_explained(qapp, tmp_path: Path, monkeypatch):
    from app.store.database import open_database

    path = tmp_path / "ogi.sqlite"
    open_database(path).dispose()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    shown: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda _p, _title, text, details="": shown.append(text))
    try:
        assert application.run_gui(path, auto_backup=False) == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "占用" in shown[0]

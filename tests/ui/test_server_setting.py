"""设置 → 数据库 and the start on a server: the choice is kept without the password, tested in the background,
and a server that cannot be used at start offers 重试 / 修改连接设置 / 本机数据库文件 instead of quitting."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from app.services.bootstrap import ServerSetting, database_target, save_server_setting
from app.ui import msgbox, server_dialog
from app.ui.server_dialog import DatabaseSettingsForm, recover_start, restart_arguments

UNREACHABLE = "postgresql://clerk@127.0.0.1:1/ogi"


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("OGI_DESK_CONFIG_DIR", str(folder))
    monkeypatch.delenv("PGPASSFILE", raising=False)
    return folder


def test_the_choice_is_kept_without_the_password(config_dir: Path):
    from app.store.connection import load_connection, save_connection

    assert load_connection() is None  # nothing saved: the desk's own file
    save_connection("postgresql://clerk:secret@db.example:5433/ogi")
    saved = config_dir / "connection.json"
    assert "secret" not in saved.read_text(encoding="utf-8")
    assert load_connection() == "postgresql://clerk@db.example:5433/ogi"
    if os.name == "posix":
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    save_connection(None)
    assert load_connection() is None


def test_a_damaged_setting_means_the_local_file(config_dir: Path, caplog):
    from app.store.connection import load_connection

    config_dir.mkdir(parents=True)
    (config_dir / "connection.json").write_text("{not json", encoding="utf-8")
    assert load_connection() is None
    (config_dir / "connection.json").write_text(json.dumps({"server": "/etc/passwd"}), encoding="utf-8")
    assert load_connection() is None
    assert database_target(None) == database_target(None)  # still a file path
    assert isinstance(database_target(None), Path)


def test_the_start_follows_the_saved_choice_unless_told_otherwise(tmp_path: Path):
    save_server_setting(ServerSetting("db.example", 5433, "ogi", "clerk"), "secret")
    assert database_target(None) == "postgresql://clerk@db.example:5433/ogi"
    assert database_target(tmp_path / "x.sqlite") == tmp_path / "x.sqlite"
    assert database_target(str(tmp_path / "x.sqlite")) == tmp_path / "x.sqlite"
    assert database_target(UNREACHABLE) == UNREACHABLE
    save_server_setting(None)
    assert isinstance(database_target(None), Path)


def test_the_form_saves_the_server_and_the_password_only_in_the_password_file(qtbot, ctx, config_dir, monkeypatch):
    asked: list[bool] = []
    monkeypatch.setattr(server_dialog, "ask_restart", lambda _parent: asked.append(True) or False)
    form = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
    qtbot.addWidget(form)
    assert str(ctx.db.path) in form.current_label.text()
    assert form.local_radio.isChecked() and not form.host.isEnabled()
    form.server_radio.setChecked(True)
    assert form.host.isEnabled()
    form.host.setText("192.168.1.10")
    form.database.setText("ogi")
    form.user.setText("clerk")
    form.password.setText("s3cret:x")
    assert form.save()
    assert asked == [True]
    setting = json.loads((config_dir / "connection.json").read_text(encoding="utf-8"))
    assert setting == {"server": "postgresql://clerk@192.168.1.10:5432/ogi"}
    passfile = (config_dir / "pgpass").read_text(encoding="utf-8")
    assert passfile.strip() == "192.168.1.10:5432:ogi:clerk:s3cret\\:x"
    assert form.password.text() == ""
    again = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
    qtbot.addWidget(again)
    assert again.server_radio.isChecked() and again.host.text() == "192.168.1.10"
    again.local_radio.setChecked(True)
    assert again.save()
    assert json.loads((config_dir / "connection.json").read_text(encoding="utf-8")) == {"server": None}


def test_an_incomplete_server_is_refused_in_chinese(qtbot, ctx):
    form = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
    qtbot.addWidget(form)
    form.server_radio.setChecked(True)
    assert not form.save()
    assert "请填写服务器地址" in form.result.text()
    form.test_connection()
    assert "请填写服务器地址" in form.result.text()


def test_the_connection_test_runs_in_the_background_and_says_why(qtbot, ctx):
    form = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
    qtbot.addWidget(form)
    form.server_radio.setChecked(True)
    form.host.setText("127.0.0.1")
    form.port.setValue(1)
    form.database.setText("ogi")
    form.user.setText("clerk")
    form.test_connection()
    qtbot.waitUntil(lambda: form.test_button.isEnabled(), timeout=15_000)
    assert "无法连接数据库服务器" in form.result.text()


def test_the_connection_test_on_a_real_server(qtbot, ctx, pg_server):
    from sqlalchemy import make_url

    url = make_url(pg_server.empty_database())
    try:
        form = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
        qtbot.addWidget(form)
        form.server_radio.setChecked(True)
        form.host.setText(url.host or "localhost")
        form.port.setValue(url.port or 5432)
        form.database.setText(url.database or "")
        form.user.setText(url.username or "")
        form.password.setText(url.password or "")
        form.test_connection()
        qtbot.waitUntil(lambda: form.test_button.isEnabled(), timeout=15_000)
        assert "连接成功" in form.result.text() and "空数据库" in form.result.text()
        if url.password:
            assert f":{url.password}@" not in form.result.text() and "***" not in form.result.text()
    finally:
        pg_server.drop(url.render_as_string(hide_password=False))


def test_an_unusable_server_at_start_offers_retry_and_the_local_file(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from app.services.errors import DatabaseUnavailable

    window = QWidget()
    qtbot.addWidget(window)
    save_server_setting(ServerSetting("127.0.0.1", 1, "ogi", "clerk"))
    answers = iter([server_dialog.RETRY, server_dialog.LOCAL])
    asked: list[str] = []
    monkeypatch.setattr(server_dialog, "ask_startup_choice", lambda _p, text: asked.append(text) or next(answers))
    monkeypatch.setattr(server_dialog, "default_file", lambda: tmp_path / "local.sqlite")
    monkeypatch.setattr(msgbox, "error", lambda *a, **k: pytest.fail("no plain error for a server"))
    opened: list[object] = []

    def opener(target):
        opened.append(target)
        if isinstance(target, str):
            raise DatabaseUnavailable("无法连接数据库服务器（第二次）", kind="unreachable")
        return "ctx"

    first = DatabaseUnavailable("无法连接数据库服务器", kind="unreachable")
    assert recover_start(window, None, first, opener) == "ctx"
    assert opened == ["postgresql://clerk@127.0.0.1:1/ogi", tmp_path / "local.sqlite"]
    assert asked == ["无法连接数据库服务器", "无法连接数据库服务器（第二次）"]


def test_quitting_at_start_and_a_damaged_file_end_the_program(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from app.services.errors import DatabaseUnavailable

    window = QWidget()
    qtbot.addWidget(window)
    monkeypatch.setattr(server_dialog, "ask_startup_choice", lambda _p, _t: server_dialog.QUIT)
    err = DatabaseUnavailable("拒绝登录", kind="auth")
    assert recover_start(window, UNREACHABLE, err, lambda t: pytest.fail("no retry")) is None
    shown: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda _p, title, text, details="": shown.append(title))
    assert recover_start(window, tmp_path / "x.sqlite", err, lambda t: pytest.fail("no retry")) is None
    assert shown == ["无法打开数据库"]


def test_a_restart_uses_the_saved_choice():
    assert restart_arguments(["--db", "/x.sqlite", "--page", "设置"]) == ["--page", "设置"]
    assert restart_arguments(["--db=postgresql://a@b/c", "--no-backup"]) == ["--no-backup"]


def test_the_settings_page_has_the_database_tab(qtbot, ctx):
    from app.ui.settings_page import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert "数据库" in titles


def test_the_form_keeps_a_shared_files_folder(qtbot, ctx, config_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(server_dialog, "ask_restart", lambda _parent: False)
    shared = tmp_path / "共享文件夹"
    shared.mkdir()
    monkeypatch.setattr(server_dialog, "choose_folder", lambda _parent, _start: str(shared))
    form = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
    qtbot.addWidget(form)
    assert not form.files.isEnabled() and not form.files_button.isEnabled()  # the local file: no folder
    form.server_radio.setChecked(True)
    form.host.setText("192.168.1.10")
    form.database.setText("ogi")
    form.user.setText("clerk")
    form.files_button.click()
    assert form.files.text() == str(shared)
    assert form.save()
    setting = json.loads((config_dir / "connection.json").read_text(encoding="utf-8"))
    assert setting == {"server": "postgresql://clerk@192.168.1.10:5432/ogi", "files": str(shared)}
    assert list(shared.iterdir()) == []  # the write probe is removed
    again = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
    qtbot.addWidget(again)
    assert again.files.text() == str(shared)  # the current folder is shown
    again.files.clear()
    assert again.save()
    assert "files" not in json.loads((config_dir / "connection.json").read_text(encoding="utf-8"))


def test_an_unusable_files_folder_is_refused_on_save(qtbot, ctx, config_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(server_dialog, "ask_restart", lambda _parent: pytest.fail("nothing was saved"))
    form = DatabaseSettingsForm(ctx.db.location, ctx.db.is_server)
    qtbot.addWidget(form)
    form.server_radio.setChecked(True)
    form.host.setText("192.168.1.10")
    form.database.setText("ogi")
    form.user.setText("clerk")
    form.files.setText(str(tmp_path / "没有这个文件夹"))
    assert not form.save()
    assert "附件与文书文件夹不存在或无法访问" in form.result.text()
    a_file = tmp_path / "文件.txt"
    a_file.write_text("x", encoding="utf-8")
    form.files.setText(str(a_file))
    assert not form.save()
    assert "不是文件夹" in form.result.text()
    form.files.setText("相对/路径")
    assert not form.save()
    assert "完整路径" in form.result.text()
    if os.name == "posix" and os.geteuid() != 0:
        locked = tmp_path / "只读"
        locked.mkdir()
        locked.chmod(0o500)
        form.files.setText(str(locked))
        assert not form.save()
        assert "无法写入" in form.result.text()
    assert not (config_dir / "connection.json").exists()


def test_a_shared_folder_out_of_reach_at_start_offers_the_connection_settings(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from app.services.bootstrap import open_context
    from app.services.errors import DatabaseUnavailable
    from app.store.connection import save_connection

    window = QWidget()
    qtbot.addWidget(window)
    save_connection(UNREACHABLE, tmp_path / "网络共享未连接")
    with pytest.raises(DatabaseUnavailable) as err:
        open_context(None)  # refused before any connection: never this desk's own folder instead
    assert err.value.kind == "files" and str(tmp_path / "网络共享未连接") in str(err.value)
    asked: list[str] = []
    monkeypatch.setattr(server_dialog, "ask_startup_choice", lambda _p, text: asked.append(text) or server_dialog.QUIT)
    assert recover_start(window, None, err.value, lambda t: pytest.fail("quit")) is None
    assert asked == [str(err.value)]  # the server's choices (重试 / 修改连接设置 / …), not a plain error

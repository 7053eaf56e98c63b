"""Starting the program: a database it must not touch is refused in Chinese (exit status 2, file unchanged);
the window appears before the database and its pages are built when needed; a database behind is migrated."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator

from app.ui import application, msgbox


@pytest.fixture(autouse=True)
def _qapp_left_as_found(qapp, monkeypatch) -> Iterator[None]:
    """run_gui styles and translates the one QApplication of the test session: undo it for the tests after."""
    sheet, font, locale = qapp.styleSheet(), qapp.font(), QLocale()
    installed: list[QTranslator] = []
    real = application.install_translations
    monkeypatch.setattr(application, "install_translations", lambda app: installed.extend(real(app)) or installed)
    yield
    for translator in installed:
        qapp.removeTranslator(translator)
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    QLocale.setDefault(locale)


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


def test_the_window_module_imports_no_database_and_no_heavy_library():
    """The window shows before SQLAlchemy, Alembic, the PDF, spreadsheet or holiday libraries are loaded."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import app.ui.application, app.ui.main_window\n"
        "heavy = {'alembic', 'sqlalchemy', 'reportlab', 'openpyxl', 'holidays', 'jinja2', 'pypinyin', 'docx'}\n"
        "loaded = sorted(heavy & {m.split('.')[0] for m in sys.modules})\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_qt_speaks_chinese(qapp):
    from PySide6.QtCore import QCoreApplication

    application.install_translations(qapp)  # (removed again after the test)
    assert QCoreApplication.translate("QFileDialog", "Open") == "打开"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_pages_are_built_when_needed_and_reached_from_the_keyboard(qtbot, ctx, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QShortcut

    from app.ui.main_window import MainWindow

    window = MainWindow()  # the window first, the database after (as at start)
    qtbot.addWidget(window)
    window.show()
    assert window._pages == {}
    window.attach(ctx)
    assert list(window._pages) == ["工作台"] and window.stack.currentWidget() is window.dashboard
    assert window.nav.focusPolicy() != Qt.FocusPolicy.NoFocus
    shortcuts = {sc.key().toString(): sc for sc in window.findChildren(QShortcut)}
    assert sorted(shortcuts) == [f"Ctrl+{n}" for n in range(1, len(MainWindow.PAGES) + 1)]
    shortcuts["Ctrl+3"].activated.emit()
    assert window.nav.currentRow() == 2 and window.stack.currentWidget() is window.register
    shortcuts["Ctrl+6"].activated.emit()
    assert window.stack.currentWidget() is window.settings
    assert "年度报告" not in window._pages and "审计日志" not in window._pages
    assert str(ctx.db.path) not in window.statusBar().currentMessage()  # not in the clerk's working view
    shown: list[str] = []
    monkeypatch.setattr(msgbox, "information", lambda _p, _title, text, details="": shown.append(text))
    window.show_about()
    assert str(ctx.db.path) in shown[0]


def test_a_database_one_migration_behind_is_migrated_at_start(tmp_path: Path):
    """The program itself, started on a database one migration behind, migrates it and shows its first page."""
    import os
    import subprocess

    from alembic import command

    from app.store.database import KNOWN_REVISIONS, alembic_config, head_revision, make_engine

    path = tmp_path / "ogi.sqlite"
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, KNOWN_REVISIONS[-2])
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES ('clerk_name_set', 'true')")
    engine.dispose()
    trace = tmp_path / "start.trace"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        application.STARTUP_TRACE_ENV: str(trace),
        application.STARTUP_QUIT_ENV: "1",  # quit once the first page is up
    }
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(path), "--no-backup"], env=env, cwd=root, timeout=120
    )
    assert done.returncode == 0
    assert [line.split()[0] for line in trace.read_text().splitlines()][-1] == "ready"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    conn.close()


def test_the_window_keeps_the_search_index_up_to_date_in_the_background(qtbot, ctx):
    import random

    from app.services import register
    from app.ui.main_window import MainWindow
    from tests.services.test_search_index import _fill

    _fill(ctx, random.Random(1), 50)  # written as another program would: pending, names unkeyed
    assert register.pending_count(ctx) == 100
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.schedule_index_upkeep(0)
    qtbot.waitUntil(lambda: register.pending_count(ctx) == 0, timeout=10_000)

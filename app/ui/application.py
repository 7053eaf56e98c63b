"""Start the GUI: Qt application, Chinese translations, style, database, main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.services.context import ServiceContext
from app.services.profile import ensure_defaults
from app.store.database import DatabaseOpenError, open_database
from app.ui import msgbox

log = logging.getLogger(__name__)
RESOURCES = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2])) / "resources"


def install_translations(app: QApplication) -> list[QTranslator]:
    """Load Qt's own Chinese catalogue so standard buttons read 确定/取消/是/否."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translators: list[QTranslator] = []
    for folder in (
        RESOURCES / "translations",
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ):
        tr = QTranslator(app)
        if tr.load("qtbase_zh_CN", str(folder)):
            app.installTranslator(tr)
            translators.append(tr)
            break
    return translators


def apply_style(app: QApplication) -> None:
    font = QFont()
    font.setFamilies(["Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "SimSun"])
    font.setPointSize(10)
    app.setFont(font)
    qss = RESOURCES / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))


def create_qapplication() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("政府信息公开申请办理")
    app.setOrganizationName("ogi-desk")
    install_translations(app)
    apply_style(app)
    return app


def run_gui(db_path: Path | None, *, auto_backup: bool = True, page: str = "工作台") -> int:
    app = create_qapplication()
    try:
        db = open_database(db_path)
    except DatabaseOpenError as exc:
        msgbox.error(None, "无法打开数据库", str(exc))
        return 2
    ctx = ServiceContext(db)
    ensure_defaults(ctx)
    if auto_backup:
        _auto_backup(db.path)
    from app.ui.main_window import MainWindow

    window = MainWindow(ctx)
    if page in MainWindow.PAGES:
        window.go_to(page)
    window.show()
    code = app.exec()
    db.dispose()
    return code


def _auto_backup(db_path: Path) -> None:
    try:
        from app.services.backup import auto_backup
    except ImportError:
        return
    try:
        auto_backup(db_path)
    except Exception as exc:  # a failed backup must not stop the counter from working
        log.warning("自动备份失败：%s", exc)

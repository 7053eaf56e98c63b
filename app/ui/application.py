"""Start the GUI: Qt application, Chinese translations, style, database, main window."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
import types
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QInputDialog

from app.services.bootstrap import open_context
from app.services.context import ServiceContext
from app.services.errors import ClerkError, DatabaseUnavailable
from app.services.maintenance import recompute_if_calendar_changed
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
        ctx = open_context(db_path)
    except DatabaseUnavailable as exc:
        msgbox.error(None, "无法打开数据库", str(exc))
        return 2
    db = ctx.db
    moved = recompute_if_calendar_changed(ctx)
    install_excepthook()
    from app.ui.main_window import MainWindow

    ask_clerk_name_once(ctx)
    window = MainWindow(ctx)
    if page in MainWindow.PAGES:
        window.go_to(page)
    window.showMaximized()
    if moved:
        window.statusBar().showMessage(f"工作日历已更新，已重新计算答复期限，{len(moved)} 件申请的期限有变化", 15000)
    runner = AutoBackupRunner(db.path, window) if auto_backup else None
    if runner is not None:
        runner.finished.connect(window.statusBar().showMessage)
        QTimer.singleShot(1000, runner.start)  # after the window is up: a large database takes a while
    code = app.exec()
    if runner is not None:
        runner.wait()
    db.dispose()
    return code


def ask_clerk_name_once(ctx: ServiceContext) -> None:
    """Every event records who did it: ask the clerk's name on first use instead of a generic default."""
    if ctx.setting("clerk_name_set"):
        return
    name, ok = QInputDialog.getText(
        None,
        "经办人",
        "请输入您的姓名。办理记录和身份核验将记录经办人（可在 设置 → 工作参数 中修改）：",
        text="",
    )
    if ok and name.strip():
        ctx.set_setting("clerk_name", name.strip())
        ctx.set_setting("clerk_name_set", True)


def install_excepthook() -> None:
    """Any error escaping a button's handler is shown in Chinese instead of vanishing into a console."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: types.TracebackType | None) -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("未处理的错误：%s", details)
        if isinstance(exc, ClerkError):
            msgbox.error(None, "操作未完成", str(exc))
        else:
            msgbox.error(
                None,
                "程序出错",
                "操作未能完成，已保存的数据不受影响。请将“详细信息”中的内容告知系统维护人员。",
                details,
            )

    sys.excepthook = hook


class AutoBackupRunner(QObject):
    """The once-a-day backup (SQLite online backup, consistent while the clerk works), off the UI thread."""

    finished = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="auto-backup", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self) -> None:
        from app.services.backup import auto_backup

        try:
            made = auto_backup(self.db_path)
        except Exception as exc:  # a failed backup must not stop the counter from working, but must be seen
            log.warning("自动备份失败：%s", exc)
            self.finished.emit(f"⚠ 今日自动备份失败：{exc}（请在 设置 → 数据与备份 中手动备份）")
            return
        if made is not None:
            self.finished.emit(f"已完成今日自动备份：{made}")

"""Start the GUI: Qt application, Chinese translations, style, the window, then the database and the first page.

The window appears first (about as fast as an empty Qt window: nothing but Qt is imported before it shows),
then the database is opened and the first page filled. Work that can wait — the whole-file integrity check,
the calendar recompute, the daily backup, the search index upkeep — runs after the first page is up.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget

from app.ui import msgbox
from app.ui.widgets import BackgroundJob

if TYPE_CHECKING:
    from app.services.context import ServiceContext
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)
RESOURCES = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2])) / "resources"

#: Set to a file name, the program appends "window <time>" when its window is first painted and "ready <time>"
#: when the first page is filled and input is accepted (time.time(); for scripts/bench_startup.py).
STARTUP_TRACE_ENV = "OGI_DESK_STARTUP_TRACE"
#: Set (with the trace), the program quits once it is ready: one launch measured, nothing else done.
STARTUP_QUIT_ENV = "OGI_DESK_STARTUP_QUIT"


def install_translations(app: QApplication) -> list[QTranslator]:
    """Load Qt's own Chinese catalogue so standard buttons and file dialogs read 确定/取消/是/否/打开."""
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


class StartupTrace(QObject):
    """Runs *then* once the window has been painted (or after a second at the latest), and notes when the
    window was first painted and when the first page was ready (written only when asked by env)."""

    def __init__(self, path: str | None, started: float, then: Callable[[], None]) -> None:
        super().__init__()
        self.path = path
        self.started = started
        self.painted: float | None = None
        self._then: Callable[[], None] | None = then

    def watch(self, window: QWidget) -> None:
        window.installEventFilter(self)
        QTimer.singleShot(1000, self._go_on)  # no paint (minimised, no screen): go on anyway

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.painted is None and event.type() == QEvent.Type.Paint:
            self.painted = time.time()
            self._write("window", self.painted)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._go_on)  # after this paint has reached the screen
        return False

    def _go_on(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()

    def ready(self) -> None:
        self._write("ready", time.time())

    def mark(self, what: str) -> None:
        """An intermediate moment of the start (for the benchmark's breakdown)."""
        self._write(what, time.time())

    def _write(self, what: str, when: float) -> None:
        if self.path:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(f"{what} {when:.6f}\n")


def run_gui(db_path: Path | str | None, *, auto_backup: bool = True, page: str = "工作台") -> int:
    started = time.time()
    app = create_qapplication()
    from app.ui.main_window import MainWindow  # Qt only: the window shows before any service is imported

    window = MainWindow()
    state: dict[str, object] = {"code": 0}  # "code": 2 when the database could not be used
    trace = StartupTrace(
        os.environ.get(STARTUP_TRACE_ENV),
        started,
        lambda: _open_and_fill(app, window, db_path, auto_backup, trace, state),
    )
    trace.watch(window)
    if page in MainWindow.PAGES:
        window.go_to(page)
    window.showMaximized()
    code = app.exec()
    runner = state.get("backup")
    if isinstance(runner, AutoBackupRunner):
        runner.wait()
    ctx = state.get("ctx")
    if ctx is not None:
        ctx.db.dispose()  # type: ignore[attr-defined]
    return 2 if state["code"] == 2 else code


def _open_and_fill(
    app: QApplication,
    window: MainWindow,
    db_path: Path | str | None,
    auto_backup: bool,
    trace: StartupTrace,
    state: dict[str, object],
) -> None:
    """After the window's first paint: open the database, fill the first page, then schedule what can wait.

    Done on the UI thread on purpose: the work is Python (imports, SQL compilation), so a second thread would
    only take turns with this one for the interpreter lock while the window is drawn.
    """
    trace.mark("painted")
    from app.services.bootstrap import open_context
    from app.services.errors import DatabaseUnavailable

    trace.mark("imported")
    t0 = time.perf_counter()
    try:
        ctx = open_context(db_path, defer_integrity_check=True)
    except DatabaseUnavailable as exc:  # a file: explained, then the end; a server: retry, settings or the file
        from app.ui.server_dialog import recover_start

        recovered = recover_start(window, db_path, exc, lambda t: open_context(t, defer_integrity_check=True))
        if recovered is None:
            state["code"] = 2
            app.exit(2)
            return
        ctx = recovered
    state["ctx"] = ctx
    trace.mark("opened")
    from app.ui.widgets import install_input_guards  # after the first paint: the shell has no form

    install_input_guards(app)  # before any form: the wheel never changes a date or a choice by accident
    window.note_timing("打开数据库", time.perf_counter() - t0)
    install_excepthook()
    ask_clerk_name_once(ctx)
    t1 = time.perf_counter()
    window.attach(ctx)
    trace.mark("filled")
    window.note_timing("显示首页", time.perf_counter() - t1)
    window.note_timing("启动至首页可用", time.time() - trace.started)

    def ready() -> None:
        trace.ready()
        if os.environ.get(STARTUP_QUIT_ENV) and trace.path:
            app.exit(0)
            return
        _after_first_page(app, window, ctx, auto_backup, state)

    QTimer.singleShot(0, ready)  # the event loop is idle again: the first page takes input


def _after_first_page(
    app: QApplication, window: MainWindow, ctx: ServiceContext, auto_backup: bool, state: dict[str, object]
) -> None:
    """What may wait until the clerk sees the first page: integrity check, calendar recompute, backup, index."""
    checker = IntegrityCheckRunner(ctx, window)
    state["checker"] = checker
    checker.failed.connect(lambda text: _damaged(app, window, text, state))
    checker.start()

    def recompute() -> None:
        from app.services.maintenance import recompute_if_calendar_changed

        moved = recompute_if_calendar_changed(ctx)
        if moved:
            window.refresh_data()  # the first page was drawn with the dates before the recompute
            window.statusBar().showMessage(
                f"工作日历已更新，已重新计算答复期限，{len(moved)} 件申请的期限有变化", 15000
            )

    QTimer.singleShot(0, recompute)
    if not auto_backup:  # the automatic backup removes what a killed backup or restore left; without it, here

        def tidy() -> None:
            from app.services.maintenance import cleanup_temporary

            cleanup_temporary(ctx.db.path)

        QTimer.singleShot(500, tidy)
    if auto_backup:
        runner = AutoBackupRunner(ctx.db, window)
        state["backup"] = runner
        runner.finished.connect(window.statusBar().showMessage)
        QTimer.singleShot(1000, runner.start)  # after the window is up: a large database takes a while
    window.schedule_index_upkeep(1500)


def _damaged(app: QApplication, window: MainWindow, text: str, state: dict[str, object]) -> None:
    window.hide()
    msgbox.error(None, "数据库文件已损坏", text)
    state["code"] = 2
    app.exit(2)


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
    from app.services.errors import ClerkError

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


class IntegrityCheckRunner(BackgroundJob):
    """``PRAGMA quick_check`` of the whole file, off the UI thread, right after the first page is up."""

    failed = Signal(str)
    thread_name = "integrity-check"

    def __init__(self, ctx: ServiceContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def start(self) -> None:
        if not self.ctx.db.integrity_checked:
            super().start()

    def _run(self) -> None:
        from app.services.errors import DatabaseUnavailable

        try:
            self.ctx.db.verify_integrity()
        except DatabaseUnavailable as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # the check itself failed (I/O): say so, the clerk decides
            log.warning("完整性检查未能完成：%s", exc)


class AutoBackupRunner(BackgroundJob):
    """The once-a-day backup (SQLite online backup, consistent while the clerk works; on a server pg_dump,
    skipped with a log line when this computer has none), off the UI thread."""

    finished = Signal(str)
    thread_name = "auto-backup"

    def __init__(self, db_path: object, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path  # the database file, or the opened Database (a server's needs its connection)

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

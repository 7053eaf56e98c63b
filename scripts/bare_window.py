"""A bare PySide6 window — the baseline of the start-up goal (scripts/bench_startup.py).

Shown maximized like the program's window; with ``OGI_DESK_STARTUP_TRACE`` set it appends "window <time>" at
its first paint and quits.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    def __init__(self, path: str | None) -> None:
        super().__init__()
        self.path = path
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            if self.path:
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write(f"window {time.time():.6f}\n")
                QTimer.singleShot(0, QApplication.quit)
        return False


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("bare")
    watcher = FirstPaint(os.environ.get("OGI_DESK_STARTUP_TRACE"))
    window.installEventFilter(watcher)
    window.showMaximized()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())

"""Small widgets shared by the pages, and the application-wide input guard."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget


class ValueCombo(QComboBox):
    """A combo box holding Python values (enums keep their type; Qt would hand back plain str)."""

    def __init__(self, items: Iterable[tuple[str, Any]] = (), name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: list[Any] = []
        if name:
            self.setObjectName(name)
        self.set_items(items)

    def set_items(self, items: Iterable[tuple[str, Any]]) -> None:
        was = self.blockSignals(True)
        self.clear()
        self._values = []
        for label, value in items:
            self._values.append(value)
            self.addItem(label)
        self.blockSignals(was)

    def value(self) -> Any:
        i = self.currentIndex()
        return self._values[i] if 0 <= i < len(self._values) else None

    def values(self) -> list[Any]:
        return list(self._values)

    def set_value(self, value: Any) -> bool:
        for i, v in enumerate(self._values):
            if v == value:
                self.setCurrentIndex(i)
                return True
        return False


class InputGuard(QObject):
    """Application-wide event filter: the mouse wheel never changes a value the clerk did not pick.

    A wheel turned over a date, time, number or drop-down only changes it when that field has the focus and
    was clicked first; otherwise the wheel scrolls the form (or dialog) around it. Without this, scrolling a
    long form silently moved a receipt date by years or switched the channel. Fields also stop taking the
    focus from the wheel, so scrolling never moves the keyboard focus.
    """

    GUARDED: tuple[type[QWidget], ...] = (QAbstractSpinBox, QComboBox)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._armed: QWidget | None = None  # the guarded field last clicked, while it keeps the focus

    def guarded_field(self, obj: QObject) -> QWidget | None:
        """The date, time, number or choice field ``obj`` belongs to (itself or an ancestor), if any."""
        w = obj if isinstance(obj, QWidget) else None
        while w is not None:
            if isinstance(w, self.GUARDED):
                return w
            if w.isWindow():
                return None
            w = w.parentWidget()
        return None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(obj, self.GUARDED):
            if obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.MouseButtonPress:
            field = self.guarded_field(obj)
            if field is not None:
                self._armed = field
        elif kind == QEvent.Type.FocusOut and obj is self._armed:
            self._armed = None
        elif kind == QEvent.Type.Wheel:
            field = self.guarded_field(obj)
            if field is None:
                return False
            if field is self._armed and field.hasFocus():
                return False
            self._scroll_around(field, event)
            return True
        return False

    def _scroll_around(self, field: QWidget, event: QEvent) -> None:
        """Hand the wheel to the nearest scroll area around ``field`` (nothing happens when there is none)."""
        w = field.parentWidget()
        while w is not None:
            if isinstance(w, QAbstractScrollArea) and not isinstance(w, QComboBox):
                bar = w.verticalScrollBar()
                if bar is not None and bar.maximum() > bar.minimum():
                    QCoreApplication.sendEvent(bar, event)
                    return
            if w.isWindow():
                return
            w = w.parentWidget()


def install_input_guards(app: QApplication) -> InputGuard:
    """Install :class:`InputGuard` on ``app`` once (every form and dialog is covered); returns the guard."""
    existing = app.findChild(InputGuard, "inputGuard")
    if isinstance(existing, InputGuard):
        return existing
    guard = InputGuard(app)
    guard.setObjectName("inputGuard")
    app.installEventFilter(guard)
    return guard


class BackgroundJob(QObject):
    """One piece of work run once per :meth:`start` on a daemon thread, so the window never freezes; the
    subclass's ``_run`` reports back through its own signals (delivered in the window's thread by Qt)."""

    thread_name = "background-job"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = 60.0) -> None:
        """Wait for the work to end (closing the program, tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        raise NotImplementedError

"""Windows that fit the screen they open on (a 1366×768 office screen, task bar included) and scroll inside."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

#: Room left for the window manager's title bar and frame, which are not part of a window's own geometry.
FRAME_WIDTH = 16
FRAME_HEIGHT = 40


def available_size(widget: QWidget) -> tuple[int, int]:
    """Width and height a window on *widget*'s screen may take, title bar and frame left out."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return 100_000, 100_000
    area = screen.availableGeometry()
    return area.width() - FRAME_WIDTH, area.height() - FRAME_HEIGHT


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Open *window* at width×height, or smaller where the screen is smaller; never larger than it."""
    max_w, max_h = available_size(window)
    window.resize(min(width, max_w), min(height, max_h))


def scrolling(content: QWidget, name: str = "") -> QScrollArea:
    """*content* in a frameless scroll area: it scrolls when the window is smaller than it wants to be."""
    area = QScrollArea()
    if name:
        area.setObjectName(name)
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area

"""The Qt binding must not release references it does not own.

PySide6-Essentials 6.12.0 under Python 3.11 drops one reference to ``None`` on every repaint and focus
change. None is an ordinary object before Python 3.12, so a day at the counter (millions of paints) brings
its count to zero and the interpreter aborts ("Fatal Python error: none_dealloc") — the window vanishes
mid-registration. pyproject.toml keeps that release out; this test fails on any binding with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QDateEdit, QLineEdit, QVBoxLayout, QWidget


def test_painting_and_focus_keep_the_reference_counts_of_none_true_and_false(qtbot, qapp):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    first, second = QDateEdit(), QLineEdit()
    layout.addWidget(first)
    layout.addWidget(second)
    window.show()
    qapp.processEvents()
    before = [sys.getrefcount(obj) for obj in (None, True, False)]
    for _ in range(300):
        first.setFocus()
        qapp.processEvents()
        second.setFocus()
        qapp.processEvents()
        window.repaint()
    after = [sys.getrefcount(obj) for obj in (None, True, False)]
    lost = [b - a for a, b in zip(after, before, strict=True)]
    assert max(lost) < 50, f"references lost per 300 rounds (None, True, False): {lost}"

"""Small widgets shared by the pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget


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

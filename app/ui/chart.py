"""A small bar chart drawn with QPainter (QtCharts is in the 400 MB Addons package; this needs nothing more)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar ("3月")
    value: int
    tooltip: str = ""  # shown on hover and read by screen readers ("2026年3月：收到 12 件")
    highlight: bool = False  # drawn lighter (e.g. the month still running)


BAR = QColor("#2f5d94")
BAR_LIGHT = QColor("#8fb0d9")
AXIS = QColor("#cfd8e3")
TEXT = QColor("#1d1d1f")
MUTED = QColor("#5f6b7a")


class BarChart(QWidget):
    """Vertical bars with their value above and their label below; a zero bar is a hairline on the axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: tuple[Bar, ...] = ()
        self.setObjectName("barChart")
        self.setMinimumSize(300, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_bars(self, bars: list[Bar] | tuple[Bar, ...]) -> None:
        self._bars = tuple(bars)
        self.setAccessibleDescription("；".join(b.tooltip or f"{b.label}：{b.value}" for b in self._bars))
        self.update()

    def bars(self) -> tuple[Bar, ...]:
        return self._bars

    def sizeHint(self) -> QSize:
        return QSize(460, 200)

    # ----- geometry --------------------------------------------------------------------------------
    def _plot(self) -> QRect:
        fm = self.fontMetrics()
        top = fm.height() + 6  # room for the value above the tallest bar
        bottom = fm.height() + 8  # room for the labels
        return self.rect().adjusted(6, top, -6, -bottom)

    def bar_rect(self, index: int) -> QRectF:
        """Where bar *index* is drawn (its full column height when the value is 0)."""
        plot = self._plot()
        n = max(1, len(self._bars))
        slot = plot.width() / n
        width = max(4.0, slot * 0.62)
        left = plot.left() + slot * index + (slot - width) / 2
        top_value = max((b.value for b in self._bars), default=0)
        value = self._bars[index].value if 0 <= index < len(self._bars) else 0
        height = 0.0 if top_value == 0 else plot.height() * value / top_value
        return QRectF(left, plot.bottom() - height, width, height)

    def bar_at(self, pos: QPoint) -> int | None:
        plot = self._plot()
        if not self._bars or not self.rect().contains(pos):
            return None
        slot = plot.width() / len(self._bars)
        index = int((pos.x() - plot.left()) // slot) if slot > 0 else -1
        return index if 0 <= index < len(self._bars) else None

    # ----- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = self._plot()
        fm = self.fontMetrics()
        p.setPen(QPen(AXIS, 1))
        p.drawLine(plot.left(), plot.bottom(), plot.right(), plot.bottom())
        slot = plot.width() / max(1, len(self._bars))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        for i, bar in enumerate(self._bars):
            rect = self.bar_rect(i)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(BAR_LIGHT if bar.highlight else BAR)
            if bar.value > 0:
                p.drawRect(rect.adjusted(0, 0, 0, -0.5))
            p.setPen(TEXT)
            p.setFont(self.font())
            value_box = QRectF(plot.left() + slot * i, rect.top() - fm.height() - 2, slot, fm.height())
            p.drawText(value_box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), str(bar.value))
            p.setPen(MUTED)
            p.setFont(small)
            label_box = QRectF(plot.left() + slot * i, plot.bottom() + 4, slot, fm.height() + 2)
            p.drawText(label_box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), bar.label)
        p.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.bar_at(event.pos())
            if index is None:
                QToolTip.hideText()
            else:
                bar = self._bars[index]
                QToolTip.showText(event.globalPos(), bar.tooltip or f"{bar.label}：{bar.value}", self)
            return True
        return super().event(event)

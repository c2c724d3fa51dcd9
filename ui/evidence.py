"""A small bar list of match evidence: each field's level and weight (Splink-style), positive
weights to the right in green, negative to the left in red, with the total at the bottom."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

ROW_H = 22


class EvidenceBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[Any] = []
        self.total = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_items(self, items: list[Any], total: float) -> None:
        self.items, self.total = list(items), total
        self.updateGeometry()
        self.setMinimumHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, ROW_H * (len(self.items) + 1) + 6)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width()
        label_w = min(260, int(width * 0.45))
        axis = label_w + (width - label_w) / 2
        half = (width - label_w) / 2 - 40
        scale = max([abs(i.weight) for i in self.items] + [1.0])
        fg = self.palette().windowText().color()
        for row, it in enumerate(self.items + [None]):
            y = row * ROW_H + 3
            if it is None:
                p.setPen(fg)
                font = p.font()
                font.setBold(True)
                p.setFont(font)
                p.drawText(QRectF(0, y, label_w, ROW_H), Qt.AlignmentFlag.AlignVCenter,
                           "Total score")
                p.drawText(QRectF(axis - 60, y, 120, ROW_H), Qt.AlignmentFlag.AlignCenter,
                           f"{self.total:+.1f}")
                break
            p.setPen(fg)
            p.drawText(QRectF(4, y, label_w - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter,
                       f"{it.field}: {it.level.replace('_', ' ')}")
            length = half * abs(it.weight) / scale
            colour = QColor("#3E9B5B") if it.weight >= 0 else QColor("#C8553D")
            rect = (QRectF(axis, y + 4, length, ROW_H - 8) if it.weight >= 0
                    else QRectF(axis - length, y + 4, length, ROW_H - 8))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(rect, 3, 3)
            p.setPen(fg)
            text_x = rect.right() + 4 if it.weight >= 0 else rect.left() - 40
            p.drawText(QRectF(text_x, y, 40, ROW_H), Qt.AlignmentFlag.AlignVCenter,
                       f"{it.weight:+.1f}")
        p.setPen(QColor("#999999"))
        p.drawLine(int(axis), 0, int(axis), self.height())
        p.end()

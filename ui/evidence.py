"""The match evidence as a waterfall: the starting point (the prior) first, then one bar per
piece of evidence in plain words, positive weights to the right in green, negative to the left
in red, and the total at the bottom. The rows shown always add up to the total shown
(app.services.evidence rounds them so)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.services.evidence import Waterfall, WaterfallRow, waterfall
from ui.colours import bar_colours

ROW_H = 22
TOTAL_LABEL = "Total score"


class EvidenceBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[WaterfallRow, ...] = ()
        self.total = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setObjectName("evidenceBars")

    @property
    def items(self) -> tuple[WaterfallRow, ...]:
        """The rows shown (kept under the old name for callers that check for evidence)."""
        return self.rows

    def set_items(self, items: list[Any], total: float) -> None:
        """Show an explanation (the engine's items) whose score is ``total``."""
        self.set_waterfall(waterfall(items, total))

    def set_waterfall(self, chart: Waterfall) -> None:
        self.rows, self.total = chart.rows, chart.total
        self.setVisible(bool(self.rows))
        self.updateGeometry()
        self.setMinimumHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, ROW_H * (len(self.rows) + 1) + 6)

    def _label_width(self) -> int:
        return min(340, int(self.width() * 0.55))

    def row_at(self, y: float) -> WaterfallRow | None:
        index = int((y - 3) // ROW_H)
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def event(self, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = self.row_at(event.pos().y())
            if row is None:
                QToolTip.hideText()
            else:
                text = f"{row.label} ({row.weight:+.1f})"
                QToolTip.showText(event.globalPos(),
                                  f"{text}\n{row.tooltip}" if row.tooltip else text, self)
            return True
        return super().event(event)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width()
        label_w = self._label_width()
        axis = label_w + (width - label_w) / 2
        half = (width - label_w) / 2 - 40
        scale = max([abs(r.weight) for r in self.rows] + [1.0])
        fg = self.palette().windowText().color()
        # From the palette, so the bars and the axis read in a light and a dark theme.
        gain, loss, prior = bar_colours(self.palette())
        metrics = QFontMetrics(p.font())
        for index, row in enumerate(self.rows):
            y = index * ROW_H + 3
            p.setPen(fg)
            text = metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, label_w - 8)
            p.drawText(QRectF(4, y, label_w - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter, text)
            length = half * abs(row.weight) / scale
            colour = prior if row.is_prior else gain if row.weight >= 0 else loss
            rect = (QRectF(axis, y + 4, length, ROW_H - 8) if row.weight >= 0
                    else QRectF(axis - length, y + 4, length, ROW_H - 8))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(rect, 3, 3)
            p.setPen(fg)
            text_x = rect.right() + 4 if row.weight >= 0 else rect.left() - 40
            p.drawText(QRectF(text_x, y, 40, ROW_H), Qt.AlignmentFlag.AlignVCenter,
                       f"{row.weight:+.1f}")
        y = len(self.rows) * ROW_H + 3
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(4, y, label_w - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter, TOTAL_LABEL)
        p.drawText(QRectF(axis - 60, y, 120, ROW_H), Qt.AlignmentFlag.AlignCenter,
                   f"{self.total:+.1f}")
        p.setPen(self.palette().color(QPalette.ColorRole.Mid))
        p.drawLine(int(axis), 0, int(axis), self.height())
        p.end()

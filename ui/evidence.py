"""The match evidence as a waterfall: the starting point (the prior) first, then one bar per
piece of evidence in plain words, positive weights to the right in green, negative to the left
in red, and the total at the bottom. The rows shown always add up to the total shown
(app.services.evidence rounds them so)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.services.evidence import Waterfall, WaterfallRow, waterfall
from ui.colours import bar_colours

ROW_H = 22
TOTAL_LABEL = "Total score"


#: Widest the sentence column gets, and its share of a narrower chart.
LABEL_MAX_W = 340
LABEL_SHARE = 0.55
#: Room above and below a sentence that wraps onto more lines.
PAD = 3
_WRAP = Qt.TextFlag.TextWordWrap


class EvidenceBars(QWidget):
    """The waterfall, painted. A sentence too long for its column wraps onto more lines (the
    row grows), never cut off: "Different birthdays (12 July 1953 and 7 December 19…" hid
    the very date that was the evidence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[WaterfallRow, ...] = ()
        self.total = 0.0
        self._laid_for: tuple[int, tuple[WaterfallRow, ...]] | None = None
        self._tops: list[int] = []
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
        self._fit_height()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, self._height_for(self.width() if self.width() > 0 else 420))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()

    def _fit_height(self) -> None:
        """Ask the layout for the height the rows need at this width (wrapping changes it)."""
        height = self.sizeHint().height()
        if height != self.minimumHeight():
            self.setMinimumHeight(height)
            self.updateGeometry()

    def _label_width(self, width: int | None = None) -> int:
        return min(LABEL_MAX_W, int((self.width() if width is None else width) * LABEL_SHARE))

    def _row_tops(self, width: int) -> list[int]:
        """The top of every row and of the total line after them, at ``width``."""
        if self._laid_for != (width, self.rows):
            text_w = max(self._label_width(width) - 8, 40)
            metrics = QFontMetrics(self.font())
            tops, y = [], 3
            for row in self.rows:
                tops.append(y)
                lines = metrics.boundingRect(QRect(0, 0, text_w, 10_000), _WRAP, row.label)
                y += max(ROW_H, lines.height() + 2 * PAD)
            tops.append(y)
            self._laid_for, self._tops = (width, self.rows), tops
        return self._tops

    def _height_for(self, width: int) -> int:
        return self._row_tops(width)[-1] + ROW_H + 3

    def row_at(self, y: float) -> WaterfallRow | None:
        tops = self._row_tops(self.width())
        for index, row in enumerate(self.rows):
            if tops[index] <= y < tops[index + 1]:
                return row
        return None

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
        tops = self._row_tops(width)
        for index, row in enumerate(self.rows):
            y, height = tops[index], tops[index + 1] - tops[index]
            p.setPen(fg)
            p.drawText(QRectF(4, y, label_w - 8, height),
                       int(Qt.AlignmentFlag.AlignVCenter) | int(_WRAP), row.label)
            length = half * abs(row.weight) / scale
            colour = prior if row.is_prior else gain if row.weight >= 0 else loss
            bar_y = y + (height - ROW_H) / 2 + 4
            rect = (QRectF(axis, bar_y, length, ROW_H - 8) if row.weight >= 0
                    else QRectF(axis - length, bar_y, length, ROW_H - 8))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(rect, 3, 3)
            p.setPen(fg)
            text_x = rect.right() + 4 if row.weight >= 0 else rect.left() - 40
            p.drawText(QRectF(text_x, y, 40, height), Qt.AlignmentFlag.AlignVCenter,
                       f"{row.weight:+.1f}")
        y = tops[-1]
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(4, y, label_w - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter, TOTAL_LABEL)
        p.drawText(QRectF(axis - 60, y, 120, ROW_H), Qt.AlignmentFlag.AlignCenter,
                   f"{self.total:+.1f}")
        p.setPen(self.palette().color(QPalette.ColorRole.Mid))
        p.drawLine(int(axis), 0, int(axis), y)  # down to the total, not through it
        p.end()

"""Source names as small rounded badges ("google", "vcard"...) for the contact list.

A row's badges are drawn once into a pixmap per (sources, font, pixel ratio) and reused: most
contacts share one of a handful of source combinations, so scrolling the list blits pixmaps
instead of laying out text and rounded rectangles on every paint.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap

BADGE_COLOURS = {"google": "#4285F4", "carddav": "#2E9E6A", "vcard": "#8A6FD1"}
#: Distinct badge pixmaps kept (source combinations are few; this is only a safety bound).
CACHE_LIMIT = 256


def _badges(sources: tuple[str, ...], font: QFont,
            ratio: float) -> tuple[QPixmap, list[float]]:
    """The badges for ``sources`` side by side on a transparent pixmap, and where each ends
    (a narrow column shows only the badges that fit whole)."""
    metrics = QFontMetrics(font)
    height = metrics.height() + 2
    widths = [metrics.horizontalAdvance(name) + 10 for name in sources]
    width = sum(widths) + 4 * (len(sources) - 1)
    pix = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(font)
    x = 0.0
    ends: list[float] = []
    for name, w in zip(sources, widths, strict=True):
        rect = QRectF(x, 0, w, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BADGE_COLOURS.get(name, "#7A8B99")))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)
        ends.append(x + w)
        x += w + 4
    painter.end()
    return pix, ends


class SourceBadges:
    """Draws a row's source badges into a cell, from cached pixmaps.

    :meth:`use` is called once per paint with the view's font and pixel ratio, so drawing a
    row costs a dict lookup and one pixmap blit."""

    def __init__(self) -> None:
        self._cache: dict[tuple[tuple[str, ...], str, float],
                          tuple[QPixmap, list[float]]] = {}
        self._base: QFont | None = None
        self._small = QFont()
        self._font_key = ""
        self._ratio = 1.0

    def use(self, font: QFont, ratio: float) -> None:
        """The font (badges use it 15% smaller) and device pixel ratio of the next draws."""
        if self._base is None or font != self._base:
            self._base = QFont(font)
            self._small = QFont(font)
            self._small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            self._font_key = self._small.key()
        self._ratio = ratio

    def draw(self, painter: QPainter, cell: QRect, sources: Sequence[str]) -> None:
        """Badges left-aligned in ``cell``, as many as fit whole."""
        if not sources:
            return
        ratio = self._ratio
        key = (tuple(sources), self._font_key, ratio)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            cached = self._cache[key] = _badges(key[0], self._small, ratio)
        pix, ends = cached
        size = pix.deviceIndependentSize()
        visible = max((end for end in ends if end <= cell.width() - 8), default=0.0)
        if visible <= 0:
            return
        y = cell.y() + (cell.height() - size.height()) / 2
        painter.drawPixmap(QRectF(cell.x() + 4, y, visible, size.height()), pix,
                           QRectF(0, 0, visible * ratio, size.height() * ratio))

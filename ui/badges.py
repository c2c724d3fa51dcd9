"""A delegate that paints source names as small rounded badges ("google", "vcard"...).

A row's badges are drawn once into a pixmap per (sources, font, pixel ratio) and reused: most
contacts share one of a handful of source combinations, so scrolling the list blits pixmaps
instead of laying out text and rounded rectangles on every paint.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.contact_model import SOURCES_ROLE

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


class SourceBadgeDelegate(QStyledItemDelegate):
    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self._cache: dict[tuple[tuple[str, ...], str, float],
                          tuple[QPixmap, list[float]]] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        sources = index.data(SOURCES_ROLE)
        if not sources:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # the cell's background: selection, alternate rows
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                widget)
        font = QFont(option.font)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        key = (tuple(sources), font.key(), ratio)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            cached = self._cache[key] = _badges(key[0], font, ratio)
        pix, ends = cached
        rect = option.rect
        size = pix.deviceIndependentSize()
        visible = max((end for end in ends if end <= rect.width() - 8), default=0.0)
        if visible <= 0:
            return
        y = rect.y() + (rect.height() - size.height()) / 2
        painter.drawPixmap(QRectF(rect.x() + 4, y, visible, size.height()), pix,
                           QRectF(0, 0, visible * ratio, size.height() * ratio))

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 120), hint.height())

"""A delegate that paints source names as small rounded badges ("google", "vcard"...)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.contact_model import SOURCES_ROLE

BADGE_COLOURS = {"google": "#4285F4", "carddav": "#2E9E6A", "vcard": "#8A6FD1"}


class SourceBadgeDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        sources = index.data(SOURCES_ROLE)
        if not sources:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else None
        if style is not None:
            blank = QStyleOptionViewItem(option)
            self.initStyleOption(blank, index)
            blank.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, blank, painter,
                              option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = option.font
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        x = option.rect.x() + 4
        height = metrics.height() + 2
        y = option.rect.y() + (option.rect.height() - height) / 2
        for name in sources:
            width = metrics.horizontalAdvance(name) + 10
            if x + width > option.rect.right():
                break
            rect = QRectF(x, y, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(BADGE_COLOURS.get(name, "#7A8B99")))
            painter.drawRoundedRect(rect, height / 2, height / 2)
            painter.setPen(QColor("white"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)
            x += width + 4
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 120), hint.height())

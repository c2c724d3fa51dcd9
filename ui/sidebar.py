"""The sidebar: the window's sections with an icon, and a live count beside each one that
needs the owner (suggestions to review, contested handles, sources in error).

A count is painted as a small badge at the row's right edge, so the title never moves or gets
clipped when the count grows; an alert count (sources in error) is drawn in the palette's
highlight colours so it reads under a light or a dark palette.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

COUNT_ROLE = Qt.ItemDataRole.UserRole + 1
ALERT_ROLE = Qt.ItemDataRole.UserRole + 2
TIP_ROLE = Qt.ItemDataRole.UserRole + 3
KEY_ROLE = Qt.ItemDataRole.UserRole
#: Room beside the widest title: the icon and its gaps, a 3-digit badge, the frame. A bigger
#: count elides the title (the tooltip names it): at 800 px the list needs every pixel.
ICON, GAPS = 20, 36

ICONS = {
    "contacts": QStyle.StandardPixmap.SP_DirHomeIcon,
    "handles": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "review": QStyle.StandardPixmap.SP_MessageBoxQuestion,
    "history": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "sources": QStyle.StandardPixmap.SP_DriveNetIcon,
}


def _mix(a: QColor, b: QColor, share_a: float) -> QColor:
    return QColor.fromRgbF(*(share_a * x + (1 - share_a) * y for x, y in
                             zip(a.getRgbF()[:3], b.getRgbF()[:3], strict=True)))


def badge_colours(palette: QPalette, selected: bool, alert: bool) -> tuple[QColor, QColor]:
    """(fill, ink) of a count badge, from the palette so it reads in light and dark themes:
    a neutral badge is the text colour softened towards the background with the background
    as ink; an alert one uses the highlight colours; on a selected row, the reverse."""
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    on_highlight = palette.color(QPalette.ColorRole.HighlightedText)
    if selected:
        return on_highlight, highlight
    if alert:
        return highlight, on_highlight
    return _mix(text, base, 0.62), base


def badge_text(count: int) -> str:
    return f"{count:,}" if count < 100_000 else "99,999+"


class _BadgeDelegate(QStyledItemDelegate):
    """Paints the row as the style does, its title elided short of the badge, then the badge."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        count = index.data(COUNT_ROLE) or 0
        if not count:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        badge = badge_text(count)
        fm = QFontMetrics(opt.font)
        width = fm.horizontalAdvance(badge) + 12
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        available = max(0, text_rect.width() - width - 8)
        opt.text = fm.elidedText(opt.text, Qt.TextElideMode.ElideRight, available)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        self._paint_badge(painter, option, QRect(option.rect), badge, width,
                          bool(index.data(ALERT_ROLE)))

    def _paint_badge(self, painter: QPainter, option: QStyleOptionViewItem, full: QRect,
                     text: str, width: int, alert: bool) -> None:
        fm = QFontMetrics(option.font)
        height = fm.height() + 2
        rect = QRect(full.right() - width - 2, full.center().y() - height // 2 + 1, width,
                     height)
        fill, ink = badge_colours(option.palette,
                                  bool(option.state & QStyle.StateFlag.State_Selected), alert)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(ink)
        painter.setFont(option.font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), 30))


class Sidebar(QListWidget):
    """The list of sections; ``sectionChanged`` says which one the owner picked."""

    sectionChanged = Signal(str)

    def __init__(self, sections: tuple[tuple[str, str], ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setAccessibleName("Sections")
        self.setIconSize(QSize(ICON, ICON))
        self.setItemDelegate(_BadgeDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._keys = [key for key, _ in sections]
        style = self.style()
        for key, title in sections:
            item = QListWidgetItem(_unselected_look(style.standardIcon(ICONS[key])), title, self)
            item.setData(KEY_ROLE, key)
            item.setData(COUNT_ROLE, 0)
            item.setToolTip(title)
        self._titles = dict(sections)
        self._shortcuts: dict[str, str] = {}
        # As wide as the titles and a badge need at this font, no wider: at 800 px every
        # pixel the sidebar does not take goes to the contact list.
        fm = self.fontMetrics()
        titles = max(fm.horizontalAdvance(title) for _, title in sections)
        self.setFixedWidth(titles + ICON + fm.horizontalAdvance("999") + 12 + GAPS)
        self.currentRowChanged.connect(self._emit)

    def _emit(self, row: int) -> None:
        if 0 <= row < len(self._keys):
            self.sectionChanged.emit(self._keys[row])

    def current_key(self) -> str:
        row = self.currentRow()
        return self._keys[row] if 0 <= row < len(self._keys) else self._keys[0]

    def set_current(self, key: str) -> None:
        self.setCurrentRow(self._keys.index(key))

    def set_count(self, key: str, count: int, tip: str = "", alert: bool = False) -> None:
        """Show ``count`` beside the section (0 hides it); ``tip`` explains it on hover."""
        item = self.item(self._keys.index(key))
        item.setData(COUNT_ROLE, int(count))
        item.setData(ALERT_ROLE, alert)
        item.setData(TIP_ROLE, tip)
        self._update_tooltip(key)
        # Screen readers read the count the badge shows.
        title = self._titles[key]
        item.setData(Qt.ItemDataRole.AccessibleTextRole,
                     f"{title}, {count} {tip}".strip() if count else title)

    def set_keys(self, key: str, keys: str) -> None:
        """The section's shortcut ("Ctrl+2"), shown in its tooltip."""
        self._shortcuts[key] = keys
        self._update_tooltip(key)

    def _update_tooltip(self, key: str) -> None:
        item = self.item(self._keys.index(key))
        title = self._titles[key]
        keys = self._shortcuts.get(key, "")
        head = f"{title} ({keys})" if keys else title
        count, tip = item.data(COUNT_ROLE) or 0, item.data(TIP_ROLE) or ""
        item.setToolTip(f"{head}: {count:,} {tip}" if count and tip else head)

    def count_of(self, key: str) -> int:
        return int(self.item(self._keys.index(key)).data(COUNT_ROLE) or 0)


def _unselected_look(icon: QIcon) -> QIcon:
    """``icon`` drawn as itself on the selected row too: the style's selected mode tints
    it with the highlight colour, and Review's blue icon vanished on the blue row."""
    fixed = QIcon()
    for size in icon.availableSizes() or [QSize(ICON, ICON)]:
        pixmap = icon.pixmap(size)
        fixed.addPixmap(pixmap, QIcon.Mode.Normal)
        fixed.addPixmap(pixmap, QIcon.Mode.Selected)
    return fixed

"""Finds text that does not fit: every visible button and label under a widget whose text is
wider (or, for labels, taller) than the room its widget gives it, and widgets cut off by the
window's edge. Used by tests/ui/test_layout.py; run on any window or dialog.

What counts as room: a label's contents rect less its margin and indent; a push button's
contents rect as the style lays it out (less the icon); a check box's or radio button's size
hint (indicator, spacing and text) against its width; a tool button's width less its icon.
A label that elides itself (``elides = True``, ui.widgets.ElidedLabel) always fits.

Lists and tables: their columns must fit the view (no sideways scrolling to reach a column),
and a value cut short (elided) must show its full text in a tooltip, asked for as the owner
asks: a real tooltip event on the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QTableView,
    QToolButton,
    QToolTip,
    QWidget,
)

#: A pixel of rounding either way is not clipping.
SLACK = 1


@dataclass(frozen=True)
class Clipped:
    widget: str  # class and object name
    text: str
    needed: int
    room: int
    why: str

    def __str__(self) -> str:
        return f"{self.widget} {self.text!r}: {self.why} (needs {self.needed}, has {self.room})"


def _name(widget: QWidget) -> str:
    owner = widget
    while owner is not None and (not owner.objectName()
                                 or owner.objectName().startswith("qt_")):
        owner = owner.parentWidget()
    where = f" in {owner.objectName()}" if owner is not None and owner is not widget else ""
    return f"{type(widget).__name__}({widget.objectName()}){where}"


def _plain(text: str, rich: bool) -> str:
    if rich:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _mnemonic_free(text: str) -> str:
    return re.sub(r"&(.)", r"\1", text.replace("&&", "\0")).replace("\0", "&")


def check_label(label: QLabel) -> list[Clipped]:
    if getattr(label, "elides", False) or not label.text() or label.pixmap() and \
            not label.pixmap().isNull():
        return []
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text()))
    text = _plain(label.text(), rich)
    fm = QFontMetrics(label.font())
    room = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(),
                                         -label.margin())
    indent = max(0, label.indent())
    width = room.width() - indent
    out: list[Clipped] = []
    if label.wordWrap():
        longest = max((fm.horizontalAdvance(word) for word in text.split()), default=0)
        if longest > width + SLACK:
            out.append(Clipped(_name(label), text, longest, width, "a word is wider than it"))
        needed = label.heightForWidth(label.width())
        if needed > label.height() + SLACK:
            out.append(Clipped(_name(label), text, needed, label.height(),
                               "wrapped text is taller than it"))
        return out
    lines = text.split("\n")
    needed_w = max(fm.horizontalAdvance(line) for line in lines)
    if needed_w > width + SLACK:
        out.append(Clipped(_name(label), text, needed_w, width, "text is wider than it"))
    needed_h = fm.height() * len(lines)
    if needed_h > room.height() + SLACK:
        out.append(Clipped(_name(label), text, needed_h, room.height(),
                           "text is taller than it"))
    return out


def check_button(button: QAbstractButton) -> list[Clipped]:
    text = _mnemonic_free(button.text())
    if not text:
        return []
    fm = QFontMetrics(button.font())
    needed = max(fm.horizontalAdvance(line) for line in text.split("\n"))
    if isinstance(button, QCheckBox | QRadioButton):
        hint = button.sizeHint().width()
        if hint > button.width() + SLACK:
            return [Clipped(_name(button), text, hint, button.width(), "text is wider than it")]
        return []
    if isinstance(button, QToolButton):
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
            return []
        room = button.width() - 8
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon \
                and not button.icon().isNull():
            room -= button.iconSize().width() + 4
    elif isinstance(button, QPushButton):
        opt = QStyleOptionButton()
        opt.initFrom(button)
        opt.text = button.text()
        opt.icon = button.icon()
        opt.iconSize = button.iconSize()
        room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt,
                                             button).width()
        if not button.icon().isNull():
            room -= button.iconSize().width() + 4
    else:
        room = button.contentsRect().width()
    if needed > room + SLACK:
        return [Clipped(_name(button), text, needed, room, "text is wider than it")]
    return []


def _sideways(widget: QWidget, window: QWidget) -> Clipped | None:
    """A button inside a scroll area that only scrolling sideways brings into view (a
    vertical scroll is how lists work; a horizontal one hides things from the owner)."""
    if not isinstance(widget, QAbstractButton):
        return None
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            left = widget.mapTo(parent, QPoint(0, 0)).x()
            if left + widget.width() > parent.width() + SLACK or left < -SLACK:
                return Clipped(_name(widget), _mnemonic_free(widget.text()),
                               left + widget.width(), parent.width(),
                               "only scrolling sideways brings it into view")
            return None
        parent = parent.parentWidget()
    return None


def _cut_by_window(widget: QWidget, window: QWidget) -> Clipped | None:
    """The widget reaches past the window's right or bottom edge (no scroll area between)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea) or isinstance(
                parent.parentWidget(), QAbstractScrollArea):
            return _sideways(widget, window)  # inside a scroll area: it scrolls into view
        parent = parent.parentWidget()
    top_left = widget.mapTo(window, QPoint(0, 0))
    rect = QRect(top_left, widget.size())
    inside = window.rect()
    if rect.right() > inside.right() + SLACK or rect.bottom() > inside.bottom() + SLACK:
        text = getattr(widget, "text", lambda: "")()
        return Clipped(_name(widget), _mnemonic_free(str(text)), rect.right(), inside.right(),
                       "reaches past the window's edge")
    return None


def check_header(header: QHeaderView) -> list[Clipped]:
    """Column titles: each visible section's title fits the section (with the sort arrow's
    and the style's margins). Sections the owner can scroll to count as well."""
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return []
    fm = QFontMetrics(header.font())
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    out: list[Clipped] = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        title = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        if not title:
            continue
        needed = fm.horizontalAdvance(title) + 2 * margin
        room = header.sectionSize(section)
        last = section == header.logicalIndex(header.count() - 1)
        if needed > room + SLACK and not (last and header.stretchLastSection()
                                          and room >= header.width() - header.sectionPosition(
                                              section) - SLACK):
            out.append(Clipped(_name(header.parentWidget() or header), title, needed, room,
                               "column title is wider than its column"))
    return out


def check_sideways(view: QAbstractItemView) -> list[Clipped]:
    """Columns (or list rows) wider than the view: only scrolling sideways shows them."""
    width = view.viewport().width()
    header = getattr(view, "horizontalHeader", lambda: None)()
    if header is not None and header.isVisibleTo(view) and header.model() is not None:
        model = header.model()
        cut = [str(model.headerData(header.logicalIndex(v), Qt.Orientation.Horizontal) or "")
               for v in range(header.count())
               if not header.isSectionHidden(header.logicalIndex(v))
               and header.sectionViewportPosition(header.logicalIndex(v))
               + header.sectionSize(header.logicalIndex(v)) > width + SLACK]
        if cut or view.horizontalScrollBar().maximum() > 0:
            return [Clipped(_name(view), ", ".join(cut) or "(scrolled)", header.length(), width,
                            "only scrolling sideways shows these columns")]
        return []
    if view.horizontalScrollBar().maximum() > 0:
        return [Clipped(_name(view), "", width + view.horizontalScrollBar().maximum(), width,
                        "its rows are wider than it: only scrolling sideways shows them")]
    return []


def tooltip_of(view: QAbstractItemView, index: QModelIndex) -> str:
    """The tooltip the owner sees when resting the mouse on ``index``."""
    pos = view.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    _hide_tooltip()
    QApplication.sendEvent(view.viewport(), event)
    text = QToolTip.text() if QToolTip.isVisible() else ""
    _hide_tooltip()
    return text


def _hide_tooltip() -> None:
    """Hide the tooltip now (QToolTip.hideText() lets it linger a moment, still visible)."""
    QToolTip.hideText()
    for widget in QApplication.topLevelWidgets():
        if widget.inherits("QTipLabel"):
            widget.hide()


#: Rows of a list or table looked at (those in view first).
CELLS_CHECKED = 60


def check_cells(view: QAbstractItemView) -> list[Clipped]:
    """Values cut short (elided or cut by the view's edge) whose full text no tooltip shows."""
    model = view.model()
    if model is None:
        return []
    fm = QFontMetrics(view.font())
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None,
                                           view) + 1)
    width = view.viewport().width()
    out: list[Clipped] = []
    root = view.rootIndex()
    for row in range(min(model.rowCount(root), CELLS_CHECKED)):
        if isinstance(view, QListView | QTableView) and view.isRowHidden(row):
            continue
        # (a QListWidget's model keeps columnCount private)
        columns = range(view.horizontalHeader().count()) if isinstance(view, QTableView) \
            else [view.modelColumn() if isinstance(view, QListView) else 0]
        for col in columns:
            if isinstance(view, QTableView) and view.isColumnHidden(col):
                continue
            index = model.index(row, col, root)
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            if not text or view.indexWidget(index) is not None:
                continue
            rect = view.visualRect(index)
            room = min(rect.right() + 1, width) - max(rect.left(), 0) - margin
            if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                room -= view.iconSize().width() if view.iconSize().isValid() else \
                    view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 4
            needed = max(fm.horizontalAdvance(line) for line in text.split("\n"))
            if needed <= room + SLACK:
                continue
            tip = tooltip_of(view, index)
            if text.replace("\n", " ") not in tip.replace("\n", " "):
                out.append(Clipped(_name(view), text, needed, room,
                                   "value cut short and no tooltip shows it whole"))
    return out


def find_clipped(window: QWidget) -> list[Clipped]:
    """Every visible button, label, column title and list value under ``window`` whose text
    does not fit."""
    found: list[Clipped] = []
    for header in window.findChildren(QHeaderView):
        if header.isVisibleTo(window):
            found += check_header(header)
    for view in window.findChildren(QAbstractItemView):
        if isinstance(view, QHeaderView) or not view.isVisibleTo(window):
            continue
        found += check_sideways(view)
        found += check_cells(view)
    widgets: list[QWidget] = [*window.findChildren(QLabel), *window.findChildren(QAbstractButton)]
    for widget in widgets:
        if not widget.isVisibleTo(window) or widget.width() <= 0 or widget.height() <= 0:
            continue
        if isinstance(widget, QLabel):
            found += check_label(widget)
        else:
            found += check_button(widget)
        cut = _cut_by_window(widget, window)
        if cut is not None:
            found.append(cut)
    return found

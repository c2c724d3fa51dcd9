"""Paints the contact table's visible rows in one Python call per paint.

Why not QTableView's own painting: it asks the model for each cell's data about eight times
(display, decoration, font, alignment, colours, check state...) and runs the style's
item-view drawing per cell, each a crossing between C++ and Python. A page of 25 rows cost
6-13 ms of GUI-thread CPU that way, as much as the whole frame budget of a scroll step.
Here the table walks its visible rows once, takes each row's ready-made entry from the
model (ui.contact_model), and draws background, avatar, texts and source badges itself:
2-5 ms a page. Elided texts are kept on the entry per column width, so repainting a row
(a selection change, a scroll back) lays out no text again.

What the view still does: geometry (headers, scroll bars, rowAt/visualRect), selection and
keyboard handling, tooltips and accessibility (both through the model's data()).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPalette

from ui.contact_model import AVATAR_SIZE, NAME, SOURCES, ContactListModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTableView

    from ui.badges import SourceBadges

#: Space between a cell's left edge and its content, and between avatar and name.
MARGIN, AVATAR_GAP = 4, 6
_ELIDE = Qt.TextElideMode.ElideRight
_PLACEHOLDER = "…"


def _colour_group(view: QTableView) -> QPalette.ColorGroup:
    if not view.isEnabled():
        return QPalette.ColorGroup.Disabled
    if view.isActiveWindow():
        return QPalette.ColorGroup.Active
    return QPalette.ColorGroup.Inactive


def _columns(view: QTableView, area: QRect) -> list[tuple[int, int, int]]:
    """(logical column, x, width) of every shown column that meets ``area``, in visual order
    (the owner may have moved or hidden columns)."""
    header = view.horizontalHeader()
    shown = []
    for visual in range(header.count()):
        logical = header.logicalIndex(visual)
        if header.isSectionHidden(logical):
            continue
        x, width = header.sectionViewportPosition(logical), header.sectionSize(logical)
        if x + width > area.left() and x <= area.right():
            shown.append((logical, x, width))
    return shown


def paint_rows(view: QTableView, model: ContactListModel, area: QRect,
               badges: SourceBadges) -> None:
    """Paint the rows of ``view`` that meet ``area`` (viewport coordinates)."""
    viewport = view.viewport()
    painter = QPainter(viewport)
    palette = view.palette()
    group = _colour_group(view)
    base, alternate = palette.brush(group, QPalette.ColorRole.Base), palette.brush(
        group, QPalette.ColorRole.AlternateBase)
    highlight = palette.brush(group, QPalette.ColorRole.Highlight)
    text = palette.color(group, QPalette.ColorRole.Text)
    highlighted_text = palette.color(group, QPalette.ColorRole.HighlightedText)
    width = viewport.width()
    count = model.rowCount()
    first = view.rowAt(area.top()) if count else -1
    if first < 0:  # no rows, or the area is below the last one
        painter.fillRect(area, base)
        painter.end()
        return
    last = view.rowAt(area.bottom())
    last = count - 1 if last < 0 else last
    row_height = view.verticalHeader().defaultSectionSize()
    metrics = view.fontMetrics()
    font_key = view.font().key()  # elided texts are kept per (width, font)
    baseline = (row_height - metrics.height()) // 2 + metrics.ascent()
    device = painter.device()
    badges.use(view.font(), device.devicePixelRatioF() if device is not None else 1.0)
    columns = _columns(view, area)
    selection = view.selectionModel()
    alternating = view.alternatingRowColors()
    y = view.rowViewportPosition(first)
    for row in range(first, last + 1):
        selected = selection is not None and selection.isRowSelected(row)
        background = highlight if selected else (
            alternate if alternating and row & 1 else base)
        painter.fillRect(0, y, width, row_height, background)
        entry = model.paint_entry(row)
        if entry is None:  # on its way: a placeholder in the first column
            if columns:
                painter.setPen(highlighted_text if selected else text)
                painter.drawText(columns[0][1] + MARGIN, y + baseline, _PLACEHOLDER)
            y += row_height
            continue
        elided = entry.elided
        for col, x, cell_width in columns:
            if col == SOURCES:
                badges.draw(painter, QRect(x, y, cell_width, row_height), entry.sources)
                continue
            left = x + MARGIN
            if col == NAME:
                painter.drawPixmap(left, y + (row_height - AVATAR_SIZE) // 2,
                                   entry.avatar_pixmap())
                left += AVATAR_SIZE + AVATAR_GAP
            room = x + cell_width - left - MARGIN
            shown = elided[col]
            if shown is None or shown[0] != room or shown[1] != font_key:
                shown = elided[col] = (room, font_key,
                                       metrics.elidedText(entry.display[col], _ELIDE, room))
            if not shown[2]:
                continue
            colour = entry.foreground[col]
            painter.setPen(highlighted_text if selected else (
                text if colour is None else colour))
            painter.drawText(left, y + baseline, shown[2])
        y += row_height
    if y <= area.bottom():  # below the last row
        painter.fillRect(0, y, width, area.bottom() - y + 1, base)
    painter.end()

"""The contact list's table view: a QTableView that paints its rows itself and does not
repaint for rows it cannot show.

Painting: see ui.contact_rows (one Python call per paint instead of eight data() calls and a
style pass per cell). Other models (none today) fall back to QTableView's painting.

Appends: a search arrives in two steps (see ui.contact_list): its first page, then every other id
appended behind it. Qt answers any row insertion with a delayed "items layout" that repaints
the whole viewport, although rows appended below the last visible one change no pixel but
the scroll bar's. At 100,000 contacts that repaint is a full page of cells (8-20 ms on the
GUI thread) for every search, and when the owner types on, it lands inside the next keystroke.
So the view remembers whether everything since the last layout was such an out-of-sight
append, and then only updates its geometry (the scroll bar range).

Keyboard: the table is one pane of the window, a list of contacts rather than a grid of cells.
Tab leaves it for the next pane (it never walks cell by cell); Up/Down and Page Up/Down move
from contact to contact, Home/End go to the first/last contact (not the first/last column),
Left/Right never move the current cell off the Name column (the columns fit the view,
ui.contact_columns, so there is nothing to scroll to unless the list is very narrow), and Enter
asks to edit the contact (:attr:`ContactTable.editRequested`; a double click is the Edit
action's own doubleClicked connection, ui.contact_actions). Tabbing into the list with no
contact selected selects the first one, so the focus shows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTableView

from ui.badges import SourceBadges
from ui.contact_model import ContactListModel
from ui.contact_rows import paint_rows

Move = QAbstractItemView.CursorAction
#: Enter keys that edit the current contact.
EDIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ContactTable(QTableView):
    """The table of contacts (see the module docstring for what it does differently)."""

    #: Enter on a contact: edit it (row).
    editRequested = Signal(int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setTabKeyNavigation(False)
        #: Every change since the last items layout was rows appended out of sight.
        self._only_hidden_appends = False
        self._badges = SourceBadges()
        #: Something else (a reset, a removal, a visible insert) asked for a layout not done
        #: yet. Font and style changes also ask for one, but they repaint the widget anyway.
        self._full_layout_due = False

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        model = self.model()
        if event.type() == QEvent.Type.PaletteChange and isinstance(model, ContactListModel):
            model.set_palette(self.palette())  # status colours readable in the new theme

    def focusInEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        """Tabbing in with no contact selected selects the first: Qt only made it current,
        which the list does not paint, so the owner saw no focus and Down went to the
        second contact."""
        super().focusInEvent(event)
        keyboard = event.reason() in (Qt.FocusReason.TabFocusReason,
                                      Qt.FocusReason.BacktabFocusReason)
        model, selection = self.model(), self.selectionModel()
        if (keyboard and model is not None and selection is not None and model.rowCount()
                and not selection.hasSelection()):
            current = self.currentIndex()
            self.selectRow(current.row() if current.isValid() else 0)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        model = self.model()
        if isinstance(model, ContactListModel):
            paint_rows(self, model, event.rect(), self._badges)  # see ui.contact_rows
        else:
            super().paintEvent(event)

    def rowsInserted(self, parent: Any, start: int, end: int) -> None:  # noqa: N802
        # The view hears of the insertion before its vertical header does, so rowAt() still
        # answers for the rows before it: -1 when they do not fill the viewport.
        last_visible = self.rowAt(self.viewport().height() - 1)
        out_of_sight = (not parent.isValid() and last_visible != -1 and start > last_visible
                        and not self._full_layout_due)
        self._only_hidden_appends = out_of_sight
        if not out_of_sight:
            self._full_layout_due = True
        super().rowsInserted(parent, start, end)

    def rowsAboutToBeRemoved(self, parent: Any, start: int, end: int) -> None:  # noqa: N802
        self._full_layout_due = True
        self._only_hidden_appends = False
        super().rowsAboutToBeRemoved(parent, start, end)

    def reset(self) -> None:
        self._full_layout_due = True
        self._only_hidden_appends = False
        super().reset()

    def doItemsLayout(self) -> None:  # noqa: N802 - Qt override
        hidden_only = self._only_hidden_appends and not self._full_layout_due
        self._only_hidden_appends = self._full_layout_due = False
        if hidden_only:
            self.updateGeometries()  # the scroll bar's range; no visible cell changed
            return
        super().doItemsLayout()

    # -- keyboard -----------------------------------------------------------------------------
    def moveCursor(self, action: Move, modifiers: Any) -> QModelIndex:  # noqa: N802
        """Rows, not cells: Home/End are the first/last contact, Left/Right only scroll."""
        model = self.model()
        current = self.currentIndex()
        column = current.column() if current.isValid() else 0
        rows = model.rowCount() if model is not None else 0
        if rows and action in (Move.MoveHome, Move.MoveEnd):
            return model.index(0 if action == Move.MoveHome else rows - 1, column)
        if action in (Move.MoveLeft, Move.MoveRight):
            bar = self.horizontalScrollBar()
            step = bar.singleStep() * 4
            bar.setValue(bar.value() + (step if action == Move.MoveRight else -step))
            return current
        if action in (Move.MoveNext, Move.MovePrevious):
            return current  # Tab is handled by the window (focus moves to the next pane)
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() in EDIT_KEYS and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            current = self.currentIndex()
            if current.isValid():
                self.editRequested.emit(current.row())
                event.accept()
                return
        super().keyPressEvent(event)

"""The contacts page's split: the list on the left, the contact card on the right.

Until the owner drags the handle (or a saved split is restored), the card gets its share of
the width but never less than it needs: at 800x600 its buttons and columns stay in view, and
at 1280x800 the list keeps room for its Organisation column. A plain proportional split could
not do both once the sidebar grew to fit "Emails & phones".
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

#: The card's least width (px at the default font) and its share of wider windows.
CARD_LEAST, CARD_SHARE = 290, 0.42


class ContactSplitter(QSplitter):
    """A two-pane QSplitter placing its handle by the rule above until the owner moves it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._owner_placed = False
        self.splitterMoved.connect(self._on_moved)

    def _on_moved(self, _pos: int, _index: int) -> None:
        self._owner_placed = True

    def restoreState(self, state: QByteArray | bytes) -> bool:  # noqa: N802 - Qt's name
        restored = super().restoreState(state)
        self._owner_placed = self._owner_placed or restored
        return restored

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if not self._owner_placed and self.count() == 2:
            self.place()

    def place(self) -> None:
        """List | card by the rule in the module docstring."""
        total = sum(self.sizes())
        if total <= 0:
            return
        card = min(total // 2, max(CARD_LEAST, round(total * CARD_SHARE)))
        self.setSizes([total - card, card])

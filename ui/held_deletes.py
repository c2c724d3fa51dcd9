"""The sources panel's notice for a sync whose removals were held (mass-delete guard).

"This sync would remove 5,000 contacts from Work on dav.example.org" with Apply and Keep.
Hidden while no source holds removals; with several, it speaks about the first and says how
many others wait. The panel runs the owner's answer (``apply`` / ``keep`` signals carry the
source id) through ``app.services.syncing``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class HeldDeletesNotice(QFrame):
    """A one-line notice with Apply / Keep for the first source holding removals."""

    apply = Signal(int)
    keep = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heldDeletes")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.source_id: int | None = None
        self.text = QLabel("")
        self.text.setObjectName("heldDeletesText")
        self.text.setWordWrap(True)
        self.apply_button = QPushButton("Apply removals")
        self.apply_button.setObjectName("heldDeletesApply")
        self.apply_button.setToolTip("Remove these contacts from Kith as the source did")
        self.keep_button = QPushButton("Keep contacts")
        self.keep_button.setObjectName("heldDeletesKeep")
        self.keep_button.setToolTip("Keep these contacts; they are not proposed again")
        self.apply_button.clicked.connect(lambda: self._answer(self.apply))
        self.keep_button.clicked.connect(lambda: self._answer(self.keep))
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.apply_button)
        layout.addWidget(self.keep_button)
        self.setVisible(False)

    def show_for(self, rows: Sequence[Any]) -> None:
        """Update from the panel's source rows (each with ``id``, ``label``,
        ``held_deletes``)."""
        held = [r for r in rows if getattr(r, "held_deletes", 0)]
        if not held:
            self.source_id = None
            self.setVisible(False)
            return
        first = held[0]
        self.source_id = first.id
        more = (f" ({len(held) - 1} other source{'s' if len(held) > 2 else ''} also "
                "waiting)" if len(held) > 1 else "")
        self.text.setText(f"The last sync would remove {first.held_deletes:,} contacts from "
                          f"{first.label}. Nothing was removed yet.{more}")
        self.setVisible(True)

    def _answer(self, signal: Any) -> None:
        if self.source_id is not None:
            source_id, self.source_id = self.source_id, None
            self.apply_button.setEnabled(False)
            self.keep_button.setEnabled(False)
            signal.emit(source_id)
            self.apply_button.setEnabled(True)
            self.keep_button.setEnabled(True)

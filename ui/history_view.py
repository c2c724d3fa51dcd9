"""History: the owner's decisions (merges, not-the-same, address verdicts, shared marks,
unknown senders) and field edits, each as a sentence with names and readable values.

Undo acts only on a row the owner picked (nothing is pre-selected) and asks first; the
selection stays on the same entry when the list reloads."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from ui.action_errors import action_error
from ui.columns import fit_columns
from ui.widgets import item, plain_table, when

review = service("app.services.review")

EMPTY_TEXT = ("Nothing here yet. Every merge, every “not the same person”, every address you "
              "confirm or dismiss and every edit you make is listed here, and most can be "
              "undone.")


class HistoryView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Any] = []
        #: The last undo confirmation asked (tests answer it).
        self.confirm_box: QMessageBox | None = None
        self.table = plain_table(["When", "What", "What happened", "State"])
        self.table.setObjectName("decisionTable")
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("historyEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        self.undo_button = QPushButton("&Undo…")
        self.undo_button.setObjectName("undoDecision")
        self.undo_button.setToolTip("Undo the entry you picked in the list (asks first)")
        self.undo_button.clicked.connect(self.undo_selected)
        self.status = QLabel("")
        self.status.setObjectName("historyStatus")
        self.status.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._update)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        ctx.runner.changed.connect(lambda topics: self.reload()
                                   if topics & {tasks.REVIEW, tasks.HANDLES, tasks.PARTIES}
                                   else None)
        self._update()

    def start(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.ctx.read(review.history, name="history", on_result=self._fill)

    def _fill(self, rows: list[Any]) -> None:
        picked = self._selected()
        key = picked.key if picked is not None else None
        self.rows = rows
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(rows))
        for r, d in enumerate(rows):
            self.table.setItem(r, 0, item(when(d.created_at), d.key))
            self.table.setItem(r, 1, item(d.label))
            cell = item(d.sentence)
            cell.setToolTip(d.sentence)
            self.table.setItem(r, 2, cell)
            state = (f"undone {when(d.revoked_at)}" if d.revoked_at
                     else "can be undone" if d.can_undo else "")
            self.table.setItem(r, 3, item(state))
        # "What happened" takes the room left; at 800 px a long sentence elides and its
        # tooltip shows it whole, and "State" stays in view.
        fit_columns(self.table, stretch=2)
        if key is not None:
            for r, d in enumerate(rows):
                if d.key == key:
                    self.table.selectRow(r)
        self.table.blockSignals(False)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self._update()

    def _selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        key = cell.data(Qt.ItemDataRole.UserRole) if cell else None
        return next((d for d in self.rows if d.key == key), None)

    def _update(self) -> None:
        d = self._selected()
        self.undo_button.setEnabled(d is not None and d.can_undo)

    def undo_selected(self) -> None:
        d = self._selected()
        if d is not None and d.can_undo:
            self.undo(d)

    def confirm_undo(self, entry: Any) -> bool:
        """Ask before undoing: a merge undone splits a contact the owner may have edited."""
        box = QMessageBox(QMessageBox.Icon.Question, "Undo",
                          f"Undo “{entry.sentence}”?", parent=self)
        box.setInformativeText("Kith puts things back as they were before this decision; "
                               "your later edits stay.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText("Undo")
        box.button(QMessageBox.StandardButton.No).setText("Keep")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.confirm_box = box
        try:
            return box.exec() == QMessageBox.StandardButton.Yes
        finally:
            self.confirm_box = None
            box.deleteLater()

    def undo(self, entry: Any, confirm: bool = True) -> None:
        """Undo one entry (after asking, unless ``confirm`` is False)."""
        if entry.decision_id is None or not entry.can_undo:
            return
        if confirm and not self.confirm_undo(entry):
            self.status.setText("Nothing was undone.")
            return
        self.status.setText("Undoing…")
        self.ctx.write(review.undo, entry.decision_id, name="undo", changes=tasks.ALL_TOPICS,
                       on_result=lambda _r: self.status.setText(f"Undone: {entry.sentence}."),
                       on_error=lambda exc: self.status.setText(
                           f"Could not undo: {action_error(exc)}"))

"""The decision log (merges, not-the-same, link verdicts, shared marks) with Undo per entry."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from ui.widgets import item, plain_table, when

review = service("app.services.review")


class HistoryView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Any] = []
        self.table = plain_table(["When", "Decision", "Summary", "State"])
        self.table.setObjectName("decisionTable")
        self.undo_button = QPushButton("&Undo selected decision")
        self.undo_button.setObjectName("undoDecision")
        self.undo_button.clicked.connect(self.undo_selected)
        self.status = QLabel("")
        self.table.itemSelectionChanged.connect(self._update)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        ctx.runner.changed.connect(lambda topics: self.reload()
                                   if topics & {tasks.REVIEW, tasks.HANDLES} else None)
        self._update()

    def start(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.ctx.read(review.decisions, name="decisions", on_result=self._fill)

    def _fill(self, rows: list[Any]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, d in enumerate(rows):
            self.table.setItem(r, 0, item(when(d.created_at), d.id))
            self.table.setItem(r, 1, item(d.kind.replace("_", " ")))
            self.table.setItem(r, 2, item(d.summary))
            self.table.setItem(r, 3, item(f"undone {when(d.revoked_at)}" if d.revoked_at
                                          else "active"))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self._update()

    def _selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        did = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((d for d in self.rows if d.id == did), None)

    def _update(self) -> None:
        d = self._selected()
        self.undo_button.setEnabled(d is not None and d.revoked_at is None)

    def undo_selected(self) -> None:
        d = self._selected()
        if d is None:
            return
        self.ctx.write(review.undo, d.id, name="undo", changes=tasks.ALL_TOPICS,
                       on_result=lambda _r: self.status.setText("Undone."),
                       on_error=lambda exc: self.status.setText(tasks.readable_error(exc)))

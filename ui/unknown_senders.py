"""The "Unknown senders" pane of the review page: people who wrote to the owner from an
address or number Kith did not know. Each one is a temporary contact until the owner says who
it is (attach to an existing contact) or makes it a contact of its own (promote).

The pane explains itself, shows an empty state when nobody is waiting, and its buttons are
enabled only when they can act (a sender picked; for Attach also a person picked)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.columns import fit_list

EXPLANATION = ("Someone wrote to you from an address or number Kith does not know. Pick the "
               "sender, then either find the person it belongs to and attach it, or make it "
               "a new contact.")
EMPTY_TEXT = ("No unknown senders. When a message arrives from an address or number that is "
              "not in your contacts, it waits here until you say who it is.")


def sender_text(sender: Any) -> str:
    """A sender on two lines, name over addresses, so a narrow list shows both."""
    return f"{sender.display_name or 'Unknown'}\n{', '.join(sender.handles)}".strip()


class SendersPane(QWidget):
    """List of unknown senders, a person search and Attach / Promote (owner: the review
    queue, which runs the actions)."""

    def __init__(self, owner: Any) -> None:
        super().__init__()
        self.explanation = QLabel(EXPLANATION)
        self.explanation.setObjectName("senderExplanation")
        self.explanation.setWordWrap(True)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("senderEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Both lists elide a long row (its tooltip has it whole) instead of scrolling
        # sideways: "Emily Robinson   emilyr533@gmail.com, +4" had a scroll bar at 800x600.
        self.list = QListWidget()
        self.list.setObjectName("senderList")
        fit_list(self.list)
        self.search = QLineEdit(placeholderText="Find the person this sender is…")
        self.search.setObjectName("senderSearch")
        self.matches = QListWidget()
        self.matches.setObjectName("senderMatches")
        fit_list(self.matches)
        self.attach_button = QPushButton("&Attach to this person")
        self.attach_button.setObjectName("attachSender")
        self.attach_button.setToolTip("The sender is the person picked on the right: their "
                                      "address or number joins that contact")
        # "Promote" was the engine's word for it.
        self.promote_button = QPushButton("&Keep as a new contact")
        self.promote_button.setObjectName("promoteSender")
        self.promote_button.setToolTip("The sender is someone new: keep them as a contact")
        self.search.textChanged.connect(owner._search_people)
        self.attach_button.clicked.connect(owner.attach_current)
        self.promote_button.clicked.connect(owner.promote_current)
        self.list.currentRowChanged.connect(lambda _row: self.update_buttons())
        self.matches.currentRowChanged.connect(lambda _row: self.update_buttons())

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.search)
        rl.addWidget(self.matches, 1)
        row = QHBoxLayout()
        row.addWidget(self.attach_button)
        row.addWidget(self.promote_button)
        row.addStretch(1)
        rl.addLayout(row)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(split)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.explanation)
        layout.addWidget(self.stack, 1)
        self.fill([])

    def fill(self, rows: list[Any]) -> None:
        """Show the senders (display name and their addresses); keep the picked one."""
        current = self.current_sender()
        self.list.blockSignals(True)
        self.list.clear()
        for s in rows:
            item = QListWidgetItem(sender_text(s))
            item.setData(Qt.ItemDataRole.UserRole, s.party_id)
            self.list.addItem(item)
            if s.party_id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.stack.setCurrentIndex(1 if rows else 0)
        # "Someone wrote to you…" above "No unknown senders" said two opposite things.
        self.explanation.setVisible(bool(rows))
        self.search.setEnabled(bool(rows))
        self.update_buttons()

    def show_matches(self, rows: list[Any]) -> None:
        """The people the search found, less the unknown senders themselves: a sender
        offered as the person it belongs to (itself, or another stranger) read as a
        contact already known."""
        senders = {self.list.item(i).data(Qt.ItemDataRole.UserRole)
                   for i in range(self.list.count())}
        self.matches.clear()
        for r in rows:
            if r.id in senders:
                continue
            item = QListWidgetItem(f"{r.display_name}   {r.primary_email}".strip())
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.matches.addItem(item)
        self.update_buttons()

    def current_sender(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def current_match(self) -> int | None:
        item = self.matches.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def update_buttons(self) -> None:
        sender = self.current_sender()
        self.promote_button.setEnabled(sender is not None)
        self.attach_button.setEnabled(sender is not None and self.current_match() is not None
                                      and self.current_match() != sender)

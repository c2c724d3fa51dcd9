"""The first-run page: import a vCard or CSV file (ui.import_flow), add a Google or CardDAV
source, or load demo data."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    importVcard = Signal()
    addGoogle = Signal()
    addCardDav = Signal()
    loadDemo = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Welcome to Kith")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        text = QLabel("Kith gathers your contacts from every place they live\n"
                      "into one list you can trust. Start with a source:")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel("")
        self.status.setObjectName("emptyStatus")
        self.status.setWordWrap(True)
        # Full width, centred text: a wrapped label squeezed to its empty size hint by an
        # alignment flag was cut top and bottom once "Loading the demo data…" arrived.
        self.status.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        self.buttons: dict[str, QPushButton] = {}
        for key, label, signal in (
            ("vcard", "Import a vCard or CSV file…", self.importVcard),
            ("google", "Add a Google account…", self.addGoogle),
            ("carddav", "Add a CardDAV account (Nextcloud, iCloud…)…", self.addCardDav),
            ("demo", "Load the demo data", self.loadDemo),
        ):
            button = QPushButton(label)
            button.setObjectName(f"empty_{key}")
            button.setMinimumWidth(320)
            button.clicked.connect(signal.emit)
            self.buttons[key] = button
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.status)
        layout.addStretch(2)

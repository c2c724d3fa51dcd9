"""Help > Keyboard shortcuts: every key Kith understands, in one table.

The rows are read from the window itself, not typed twice: each menu's actions with their
shortcuts (so actions added later, such as the contact commands, are listed too), then the
keys that have no menu entry (moving between panes and through the list, the review keys),
then any QShortcut in the window that describes itself with ``setWhatsThis``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.menus import plain_text, shortcut_text

#: Keys without a menu entry: (where, keys, what they do).
MOVING = (
    ("Window", "Tab / Shift+Tab", "Move between the panes: sections, search, list, details"),
    ("Contact list", "Up / Down, Page Up / Page Down", "Previous / next contact"),
    ("Contact list", "Home / End", "First / last contact"),
    ("Contact list", "Enter", "Edit the selected contact"),
    ("Search", "Down", "Go from the search field to the list"),
    ("Search", "Escape", "Clear the search"),
    ("Review", "M", "Merge the two contacts shown"),
    ("Review", "N", "Not the same person"),
    ("Review", "L", "Decide later"),
    ("Review", "J / K", "Next / previous suggestion"),
)


def collect(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every shortcut in the window, menus first."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def walk(menu: QMenu, where: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{where} › {plain_text(action)}")
            elif not action.isSeparator() and shortcut_text(action):
                seen.add(id(action))
                rows.append((where, shortcut_text(action), _what(action)))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), f"{plain_text(top)} menu")
    for action in window.findChildren(QAction):
        if id(action) not in seen and shortcut_text(action) and action.text():
            rows.append(("Window", shortcut_text(action), _what(action)))
    rows.extend(MOVING)
    listed = {keys for _, keys, _ in rows}
    for shortcut in window.findChildren(QShortcut):
        keys = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
        if shortcut.whatsThis() and keys not in listed:
            rows.append(("Window", keys, shortcut.whatsThis()))
    return rows


def _what(action: QAction) -> str:
    text = plain_text(action).rstrip("…")
    tip = action.statusTip()
    return f"{text}: {tip}" if tip and tip != text else text


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        rows = collect(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(r, c, cell)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(min(720, window.width()), min(520, window.height()))
        self.setWindowModality(Qt.WindowModality.WindowModal)

    def rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
                for r in range(self.table.rowCount())]

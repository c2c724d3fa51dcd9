"""The contact list's item model: it holds party ids and builds rows lazily (Anki-style).

The model never touches the database. When the view asks for a row that is not cached, the
model asks its *fetcher* (a function that runs a read task) for a window of rows around it and
shows a placeholder until they arrive; the reply fills the cache and emits ``dataChanged``.
So scrolling 100,000 contacts only ever loads what is on screen (plus a margin).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from ui.avatars import initials_pixmap

#: Rows fetched around a missing one (before, after): a page up and a few pages down.
WINDOW_BEFORE, WINDOW_AFTER = 60, 180
#: Rows cached at most; beyond this the cache is dropped and refilled from what is visible.
CACHE_LIMIT = 20_000

PARTY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NEEDS_REVIEW_ROLE = Qt.ItemDataRole.UserRole + 2
SOURCES_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Name", "Email", "Phone", "Organisation", "Sources", "Review")
NAME, EMAIL, PHONE, ORG, SOURCES, REVIEW = range(len(COLUMNS))

Index = QModelIndex | QPersistentModelIndex
#: fetcher(ids, deliver): load rows for ids off the GUI thread, then call deliver(rows).
Fetcher = Callable[[list[int], Callable[[list[Any]], None]], None]


class ContactListModel(QAbstractTableModel):
    """Rows are party ids; row data (core.views.party.PartyRow) is fetched on demand."""

    #: The first time fetched rows arrived after a reset (benchmarks time "painted list").
    rowsLoaded = Signal()

    def __init__(self, fetcher: Fetcher | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetcher = fetcher
        self._ids: list[int] = []
        self._pos: dict[int, int] = {}
        self._cache: dict[int, Any] = {}
        self._pending: set[int] = set()
        self._generation = 0

    # -- feeding --------------------------------------------------------------------------
    def set_fetcher(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher

    def set_ids(self, ids: Sequence[int]) -> None:
        """Show these parties in this order (a new search or filter result)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._pos = {pid: row for row, pid in enumerate(self._ids)}
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        self.endResetModel()

    def invalidate(self) -> None:
        """Data changed in the database: forget cached rows; visible ones refetch on paint."""
        self._generation += 1
        self._cache.clear()
        self._pending.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1,
                                                                len(COLUMNS) - 1))

    def ids(self) -> list[int]:
        return list(self._ids)

    def party_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, party_id: int) -> int | None:
        return self._pos.get(party_id)

    def cached(self, party_id: int) -> Any | None:
        return self._cache.get(party_id)

    def _request(self, row: int) -> None:
        if self._fetcher is None:
            return
        start, end = max(0, row - WINDOW_BEFORE), min(len(self._ids), row + WINDOW_AFTER)
        wanted = [pid for pid in self._ids[start:end]
                  if pid not in self._cache and pid not in self._pending]
        if not wanted:
            return
        self._pending.update(wanted)
        generation = self._generation

        def deliver(rows: list[Any]) -> None:
            self._deliver(generation, wanted, rows)

        self._fetcher(wanted, deliver)

    def _read_ahead(self, row: int) -> None:
        """While the owner scrolls through cached rows, fetch the next window before they
        reach it, so a page down paints real rows, not placeholders."""
        ahead = row + WINDOW_AFTER // 2
        if ahead < len(self._ids):
            pid = self._ids[ahead]
            if pid not in self._cache and pid not in self._pending:
                self._request(ahead)

    def _deliver(self, generation: int, wanted: list[int], rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self._pending.difference_update(wanted)
        for row in rows:
            self._cache[row.id] = row
        positions = [self._pos[r.id] for r in rows if r.id in self._pos]
        if positions:
            self.dataChanged.emit(self.index(min(positions), 0),
                                  self.index(max(positions), len(COLUMNS) - 1))
            self.rowsLoaded.emit()

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        pid = self._ids[index.row()]
        if role == PARTY_ID_ROLE:
            return pid
        row = self._cache.get(pid)
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                if pid not in self._pending:
                    self._request(index.row())
                return "…" if index.column() == NAME else ""
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole and col == NAME:
            self._read_ahead(index.row())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, col, role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.DecorationRole and col == NAME:
            return initials_pixmap(row.initials, row.display_name or str(row.id), 22)
        if role == Qt.ItemDataRole.ForegroundRole and col == REVIEW and row.needs_review:
            return QColor("#C0602A")
        if role == Qt.ItemDataRole.ForegroundRole and row.archived:
            return QColor("#8A8F98")
        if role == NEEDS_REVIEW_ROLE:
            return row.needs_review
        if role == SOURCES_ROLE:
            return list(row.sources)
        return None

    @staticmethod
    def _text(row: Any, col: int, tooltip: bool) -> str:
        if col == NAME:
            return row.display_name or "(no name)"
        if col == EMAIL:
            return row.primary_email
        if col == PHONE:
            return row.primary_phone
        if col == ORG:
            return row.organization
        if col == SOURCES:
            return " · ".join(row.sources)
        if col == REVIEW:
            if row.needs_review:
                return "Needs review: unknown sender or no live source" if tooltip else "⚑ review"
            return "archived" if row.archived else ""
        return ""

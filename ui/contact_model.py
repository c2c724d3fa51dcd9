"""The contact list's item model: it holds party ids and builds rows lazily (Anki-style).

The model never touches the database. When the view asks for a row that is not cached, the
model asks its *fetcher* (a function that runs a read task) for a window of rows around it and
shows a placeholder until they arrive; the reply fills the cache and emits ``dataChanged``.
So scrolling 100,000 contacts only ever loads what is on screen (plus a margin), and it loads
the next windows *before* the owner scrolls into them.

Speed matters here: Qt calls :meth:`ContactListModel.data` about eight times per cell on
every paint (display, decoration, font, alignment, colours...), so rows are turned into
ready-made per-column tuples once, when they arrive, and ``data`` is a few lookups. The ids
live in a compact ``array`` (100,000 ids = 800 KB), and a search result can arrive in two
steps: its first page (what the owner sees at once), then the rest appended behind it.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from core.views.phone_display import format_phone
from ui.avatars import initials_pixmap
from ui.colours import status_colours

#: Rows fetched around a missing row on screen (before, after): small, so it paints soon.
WINDOW_BEFORE, WINDOW_AFTER = 40, 160
#: While scrolling through cached rows, look this many rows ahead (every READ_AHEAD_STEP rows)
#: and fetch READ_AHEAD_WINDOW rows from the first gap. Far and big enough that a window
#: arrives in time even when the owner scrolls page after page without pause: the fetch then
#: shares the GIL with the painting GUI thread, and 1,000 rows took up to 130 ms (about 300
#: rows of scrolling) in the GUI benchmark. A gap closer than READ_AHEAD_NEAR rows gets the
#: small window instead, which arrives sooner.
READ_AHEAD, READ_AHEAD_STEP, READ_AHEAD_WINDOW, READ_AHEAD_NEAR = 1000, 50, 1000, 200
#: Rows cached at most; beyond this the cache is dropped and refilled from what is visible.
CACHE_LIMIT = 20_000

PARTY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NEEDS_REVIEW_ROLE = Qt.ItemDataRole.UserRole + 2
SOURCES_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Name", "Email", "Phone", "Organisation", "Sources", "Review")
NAME, EMAIL, PHONE, ORG, SOURCES, REVIEW = range(len(COLUMNS))

# Plain ints: data() compares roles millions of times, and enum comparisons are slower.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_DECORATION = Qt.ItemDataRole.DecorationRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_PARTY_ID = int(PARTY_ID_ROLE)
_NEEDS_REVIEW = int(NEEDS_REVIEW_ROLE)
_SOURCES = int(SOURCES_ROLE)
#: Every role data() answers; all others return None at once.
_SERVED = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _FOREGROUND, _PARTY_ID, _NEEDS_REVIEW,
                     _SOURCES})

#: Built once: combining enum flags in Python costs microseconds, and Qt asks for every cell.
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_PLACEHOLDER = ("…", "", "", "", "", "")
AVATAR_SIZE = 22

Index = QModelIndex | QPersistentModelIndex
#: fetcher(ids, deliver, ahead): load rows for ids off the GUI thread, then call
#: deliver(rows); ``ahead`` is True for rows fetched before they are needed (read-ahead), which
#: may wait behind what the owner is waiting for (rows on screen, a search).
Fetcher = Callable[[list[int], Callable[[list[Any]], None], bool], None]


class _Entry:
    """One cached row, ready for data(): per-column texts, tooltips and colours."""

    __slots__ = ("avatar", "display", "elided", "foreground", "needs_review", "row",
                 "sources", "tooltips")

    def __init__(self, row: Any, colours: tuple[QColor, QColor]) -> None:
        self.row = row
        name = row.display_name or "(no name)"
        sources = " · ".join(row.sources)
        if row.needs_review:
            review, review_tip = "⚑ review", ("Needs review: an unknown sender, or no source "
                                              "has it any more")
        else:
            review = review_tip = "archived" if row.archived else ""
        # Formatted as the card shows it; rows read far ahead come unformatted (see
        # core.views.list_rows.FORMAT_ROWS) and are formatted here, once, when first painted.
        phone = row.phone_display or (format_phone(row.primary_phone) if row.primary_phone
                                      else "")
        self.display = (name, row.primary_email, phone, row.organization, sources, review)
        self.tooltips = (name, row.primary_email, phone, row.organization, sources, review_tip)
        review_colour, archived_colour = colours  # from the palette (ui.colours)
        colour = archived_colour if row.archived else None
        self.foreground = (colour, colour, colour, colour, colour,
                           review_colour if row.needs_review else colour)
        self.needs_review = row.needs_review
        self.sources = tuple(row.sources)
        self.avatar: Any = None  # the initials pixmap, made on first paint
        #: Per column: (width, font key, text elided to that width), kept by the painter
        #: (ui.contact_rows) so repainting a row lays out no text again.
        self.elided: list[Any] = [None] * len(COLUMNS)

    def avatar_pixmap(self) -> Any:
        if self.avatar is None:
            row = self.row
            self.avatar = initials_pixmap(row.initials, row.display_name or str(row.id),
                                          AVATAR_SIZE)
        return self.avatar


class ContactListModel(QAbstractTableModel):
    """Rows are party ids; row data (core.views.party.PartyRow) is fetched on demand."""

    #: The first time fetched rows arrived after a reset (benchmarks time "painted list").
    rowsLoaded = Signal()

    def __init__(self, fetcher: Fetcher | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetcher = fetcher
        #: (needs review, archived) text colours, readable on the palette (set_palette).
        self._colours = status_colours(QGuiApplication.palette() if QGuiApplication.instance()
                                       else QPalette())
        self._ids: array = array("q")
        #: party id -> fetched row (PartyRow), or its _Entry once painted.
        self._cache: dict[int, Any] = {}
        self._pending: set[int] = set()
        #: Rows on the way that were painted meanwhile (as placeholders or stale): only these
        #: are repainted when they arrive. Rows read ahead were never painted, and repainting
        #: the whole list for them cost a full paint (10-20 ms) per window.
        self._painted_missing: set[int] = set()
        #: The cache before the last invalidate(): shown until fresh rows replace it.
        self._stale: dict[int, Any] = {}
        self._generation = 0

    # -- feeding --------------------------------------------------------------------------
    def set_fetcher(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher

    def set_ids(self, ids: Sequence[int] | array, rows: Iterable[Any] = ()) -> None:
        """Show these parties in this order (a new search or filter result).

        ``rows`` may carry already-loaded rows (a search's first page), so they paint at once.
        """
        self.beginResetModel()
        self._ids = ids if isinstance(ids, array) else array("q", ids)
        self._painted_missing.clear()  # the reset repaints every row anyway
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        loaded = self._store(rows)
        self.endResetModel()
        if loaded:
            self.rowsLoaded.emit()

    def extend_ids(self, more: Sequence[int] | array) -> None:
        """Append the rest of a result behind the first page already shown (no reset: the
        selection, scroll position and painted rows stay)."""
        if not len(more):
            return
        first = len(self._ids)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._ids.extend(more if isinstance(more, array) else array("q", more))
        self.endInsertRows()

    def starts_with(self, ids: Sequence[int] | array) -> bool:
        """True when the ids shown now are the first ``len(ids shown)`` of ``ids``."""
        count = len(self._ids)
        return count <= len(ids) and self._ids == array("q", ids[:count])

    def invalidate(self) -> None:
        """Data changed in the database: forget cached rows; visible ones refetch on paint.

        The rows stay on screen until their fresh copies arrive (no flash of placeholders)."""
        self._generation += 1
        if self._stale and len(self._stale) + len(self._cache) <= CACHE_LIMIT:
            self._stale.update(self._cache)  # two notices in a row: keep showing both
        else:
            self._stale = self._cache
        self._cache = {}
        self._pending.clear()
        self._painted_missing.clear()
        if len(self._ids):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1,
                                                                len(COLUMNS) - 1))

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_array(self) -> array:
        """A copy of every id in list order (one memory copy: 0.8 MB at 100,000)."""
        return self._ids[:]

    def head(self, count: int) -> list[int]:
        """The first ``count`` ids in list order."""
        return list(self._ids[:count])

    def party_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, party_id: int) -> int | None:
        try:
            return self._ids.index(party_id)
        except ValueError:
            return None

    def cached(self, party_id: int) -> Any | None:
        entry = self._cache.get(party_id)
        return entry.row if isinstance(entry, _Entry) else entry

    def _store(self, rows: Iterable[Any]) -> list[int]:
        """Cache fetched rows as they came: each becomes an :class:`_Entry` when it is first
        painted (:meth:`_entry`), so a window of a thousand rows costs the GUI thread a dict
        update when it arrives, not a thousand entries it may never show."""
        cache = self._cache
        stored = []
        for row in rows:
            cache[row.id] = row
            stored.append(row.id)
        return stored

    def _entry(self, pid: int) -> _Entry | None:
        """The painted form of a cached (or, until fresh rows come, stale) row."""
        cache = self._cache
        entry = cache.get(pid)
        if entry is None and self._stale:
            cache = self._stale
            entry = cache.get(pid)
        if entry is None or entry.__class__ is _Entry:
            return entry
        entry = cache[pid] = _Entry(entry, self._colours)
        return entry

    def _request(self, row: int, before: int = WINDOW_BEFORE, after: int = WINDOW_AFTER,
                 ahead: bool = False) -> None:
        """Fetch the rows from ``row - before`` to ``row + after`` not cached or on the way."""
        if self._fetcher is None:
            return
        start, end = max(0, row - before), min(len(self._ids), row + after)
        cache, pending = self._cache, self._pending
        wanted = [pid for pid in self._ids[start:end] if pid not in cache and pid not in pending]
        if not wanted:
            return
        pending.update(wanted)
        generation = self._generation

        def deliver(rows: list[Any]) -> None:
            self._deliver(generation, wanted, start, end, rows)

        self._fetcher(wanted, deliver, ahead)

    def _read_ahead(self, row: int) -> None:
        """While the owner scrolls through cached rows, fetch the next window before they
        reach it, so a page down paints real rows, not placeholders. A few rows between here
        and READ_AHEAD are looked at, so a gap (say behind a search's first page) is found
        too, not only the row READ_AHEAD down."""
        ids, cache, pending = self._ids, self._cache, self._pending
        checked = row
        for ahead in range(row + READ_AHEAD_STEP, min(len(ids), row + READ_AHEAD + 1),
                           READ_AHEAD_STEP):
            pid = ids[ahead]
            if pid not in cache and pid not in pending:
                # The gap may start anywhere after the last row looked at: find its start,
                # and the window starts there.
                gap = next(r for r in range(checked + 1, ahead + 1)
                           if ids[r] not in cache and ids[r] not in pending)
                near = gap - row < READ_AHEAD_NEAR
                self._request(gap, 0, WINDOW_AFTER if near else READ_AHEAD_WINDOW, ahead=True)
                return
            checked = ahead

    def _deliver(self, generation: int, wanted: list[int], start: int, end: int,
                 rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self._pending.difference_update(wanted)
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        if not self._store(rows):
            return
        if self._stale:
            for pid in wanted:
                self._stale.pop(pid, None)
        painted = self._painted_missing
        if painted:
            shown = [row for row, pid in enumerate(self._ids[start:end], start) if pid in painted]
            painted.difference_update(wanted)
            if shown:
                self.dataChanged.emit(self.index(shown[0], 0),
                                      self.index(shown[-1], len(COLUMNS) - 1))
        self.rowsLoaded.emit()

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == _DISPLAY
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def set_palette(self, palette: QPalette) -> None:
        """Take the status colours from ``palette`` (a theme change): painted rows are
        painted again with them."""
        self._colours = status_colours(palette)
        for cache in (self._cache, self._stale):
            for pid, entry in cache.items():
                if entry.__class__ is _Entry:
                    cache[pid] = entry.row
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role not in _SERVED:
            return None
        row = index.row()
        ids = self._ids
        if not 0 <= row < len(ids):
            return None
        pid = ids[row]
        if role == _PARTY_ID:
            return pid
        entry = self._entry(pid)
        if entry is None or pid not in self._cache:
            if role == _DISPLAY:
                self._painting_missing(row, pid)
            if entry is None:
                return _PLACEHOLDER[index.column()] if role == _DISPLAY else None
        if role == _DISPLAY:
            col = index.column()
            if col == NAME:
                self._read_ahead(row)
            return entry.display[col]
        if role == _FOREGROUND:
            return entry.foreground[index.column()]
        if role == _DECORATION:
            return entry.avatar_pixmap() if index.column() == NAME else None
        if role == _TOOLTIP:
            return entry.tooltips[index.column()]
        if role == _NEEDS_REVIEW:
            return entry.needs_review
        return list(entry.sources)  # _SOURCES

    def paint_entry(self, row: int) -> _Entry | None:
        """The painted form of ``row`` for the table's own painter (ui.contact_rows), with
        what a paint of the row through data() does: a missing row is fetched (and marked to
        repaint when it comes), and rows further down are read ahead. None while missing."""
        pid = self._ids[row]
        entry = self._entry(pid)
        if entry is None or pid not in self._cache:
            self._painting_missing(row, pid)
            if entry is None:
                return None
        self._read_ahead(row)
        return entry

    def _painting_missing(self, row: int, pid: int) -> None:
        """``row`` is painted without its fresh data: fetch it, and repaint it on arrival."""
        self._painted_missing.add(pid)  # before the request: a fetch may deliver now
        if pid not in self._pending:
            self._request(row)

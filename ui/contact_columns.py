"""The contact list's columns always fit the list: no sideways scrolling at any window size.

As in Thunderbird's address book: Name gets the most room, the less important columns give
way first. Each column has a natural width (its widest value among the first rows shown, and
its title) and a least width below which it reads badly. When the list is narrower than the
natural widths, columns are narrowed in reverse order of :data:`PRIORITY` (Sources first),
each down to its least width, Name and Email last (the wider of the two first); Phone and
Review are never cut. When even the least widths do not fit, the least important columns
hide themselves, down to Name and one contact value, which then share the room. Values
cut short are painted with "…" (ui.contact_rows) and the model's tooltip holds them whole.

The owner chooses the visible columns from the header's context menu and may drag a column
to another width; both are remembered across restarts (app.settings HIDDEN_COLUMNS and
COLUMN_WIDTHS) and both are kept as far as the room allows: a column the owner wants but
that has no room is shown again once the list is wide enough.

The fit runs when the list's viewport changes width (window resized, splitter moved, the
vertical scroll bar shown) and once when the first rows arrive; painting does no extra work.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from app import settings as cfg
from app.settings import Settings
from ui.columns import share
from ui.contact_model import (
    AVATAR_SIZE,
    COLUMNS,
    EMAIL,
    NAME,
    ORG,
    PHONE,
    REVIEW,
    SOURCES,
    SOURCES_ROLE,
    ContactListModel,
)

#: Most important first; the last columns give way (narrow, then hide) first.
PRIORITY = (NAME, EMAIL, PHONE, ORG, REVIEW, SOURCES)
#: Columns always kept when the list is narrow: Name and the first shown contact value.
KEEP = 2
#: Natural widths within these bounds: wide enough for a whole email or formatted phone,
#: never so wide that one long value takes the row.
NATURAL_LIMITS = {NAME: (150, 280), EMAIL: (120, 300), PHONE: (100, 190), ORG: (90, 220),
                  REVIEW: (40, 140), SOURCES: (40, 220)}
#: Below these widths a column reads badly (a name or an email cut to a few letters): it
#: hides itself before narrowing further. Phone and Review are never cut (part of a number
#: is no use, "⚑ review" is one word): they show whole or not at all.
LEAST = {NAME: 170, EMAIL: 180, ORG: 90, SOURCES: 70}
#: Rows measured for the natural widths (the first page; ~1 µs a cell).
FIT_ROWS = 60
#: Room around a cell's text (ui.contact_rows paints 4 px either side) and a header's title
#: (its sort arrow and margins).
CELL_PAD, HEADER_PAD = 12, 28
#: Source badges (ui.badges): 85% of the font, 10 px padding, 4 px apart, 4 px from the
#: cell's left edge and drawn only while they end 8 px before its right edge.
BADGE_PAD, BADGE_GAP, BADGE_ROOM = 10, 4, 9


def plan(room: int, natural: dict[int, int], least: dict[int, int], titles: dict[int, int],
         wanted: Iterable[int]) -> dict[int, int]:
    """Widths of the columns to show (the others hide), adding up to ``room`` when it allows.

    ``wanted`` are the columns the owner chose; Name always shows. The less important
    columns narrow first, least important first, each to its ``least``; then Name and the
    first contact value share what is left, the wider of the two narrowed first (a long
    email gives way before a name does). Columns whose least widths do not fit hide, least
    important first, down to KEEP columns, which then share the room (never below their
    ``titles``)."""
    shown = [c for c in PRIORITY if c in set(wanted) or c == NAME]
    floor = {c: min(least[c], natural[c]) for c in shown}
    while len(shown) > KEEP and sum(floor[c] for c in shown) > room:
        shown.pop()
    if sum(floor[c] for c in shown) > room:
        return share(room, {c: natural[c] for c in shown}, {c: titles[c] for c in shown}, NAME)
    first, others = shown[:KEEP], shown[KEEP:]
    widths = {c: natural[c] for c in shown}
    excess = sum(widths.values()) - room
    for c in reversed(others):  # the least important give way first
        if excess <= 0:
            break
        cut = min(excess, widths[c] - floor[c])
        widths[c] -= cut
        excess -= cut
    left = room - sum(widths[c] for c in others)
    widths.update(share(left, {c: natural[c] for c in first}, {c: floor[c] for c in first},
                        NAME))  # the room left over goes to Name
    return widths


class ContactColumns(QObject):
    """Sizes, hides and remembers the contact table's columns (see the module docstring)."""

    def __init__(self, table: QTableView, model: ContactListModel,
                 settings: Settings) -> None:
        super().__init__(table)
        self.table, self.model, self.settings = table, model, settings
        self.natural: dict[int, int] = {}
        self.titles: dict[int, int] = {}
        #: Widths the owner dragged columns to (by column), kept while the room allows.
        self.preferred = _read_widths(settings.get(cfg.COLUMN_WIDTHS))
        #: Columns the owner chose to show (Name always).
        self.wanted = {c for c in range(len(COLUMNS))
                       if COLUMNS[c] not in _names(settings.get(cfg.HIDDEN_COLUMNS))}
        self._fitting = False
        header = table.horizontalHeader()
        self._setup_header(header)
        header.sectionResized.connect(self._resized_by_owner)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.viewport().installEventFilter(self)
        self.measure()

    @staticmethod
    def _setup_header(header: QHeaderView) -> None:
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(24)

    def restore_header(self, state: bytes) -> None:
        """The owner's column order from an earlier run (HEADER_STATE); widths and hidden
        columns are this fitter's to decide (a saved state also carries them)."""
        self._fitting = True
        try:
            self.table.horizontalHeader().restoreState(state)
            self._setup_header(self.table.horizontalHeader())
        finally:
            self._fitting = False
        self.fit()

    # -- measuring and fitting --------------------------------------------------------------
    def measure(self) -> None:
        """Natural widths from the titles and the first rows' values, then fit."""
        model, table = self.model, self.table
        cells = table.fontMetrics()
        titles = table.horizontalHeader().fontMetrics()
        badge_font = QFont(table.font())
        badge_font.setPointSizeF(max(6.0, table.font().pointSizeF() * 0.85))
        badges = QFontMetrics(badge_font)
        rows = [r for r in range(min(model.rowCount(), FIT_ROWS))
                if model.cached(model.party_id(r)) is not None]
        for col, (low, high) in NATURAL_LIMITS.items():
            self.titles[col] = titles.horizontalAdvance(COLUMNS[col]) + HEADER_PAD
            widest = self.titles[col]
            extra = CELL_PAD + (AVATAR_SIZE + 6 if col == NAME else 0)
            for r in rows:
                index = model.index(r, col)
                if col == SOURCES:
                    names = index.data(SOURCES_ROLE) or []
                    if names:
                        widest = max(widest, BADGE_ROOM + sum(
                            badges.horizontalAdvance(n) + BADGE_PAD for n in names)
                            + BADGE_GAP * (len(names) - 1))
                    continue
                text = index.data()
                if text:
                    widest = max(widest, cells.horizontalAdvance(str(text)) + extra)
            self.natural[col] = max(low, min(high, widest))
        self.fit()

    def fit(self) -> None:
        """Share the viewport's width among the columns (hiding those without room)."""
        room = self.table.viewport().width()
        if room <= 0 or not self.natural:
            return
        natural = {c: max(self.titles[c], self.preferred.get(c, w))
                   for c, w in self.natural.items()}
        least = {c: LEAST.get(c, natural[c]) for c in natural}
        widths = plan(room, natural, least, self.titles, self.wanted)
        header = self.table.horizontalHeader()
        self._fitting = True
        try:
            for c in range(len(COLUMNS)):
                if header.isSectionHidden(c) != (c not in widths):
                    header.setSectionHidden(c, c not in widths)
            for c, w in widths.items():
                if header.sectionSize(c) != w:
                    header.resizeSection(c, w)
        finally:
            self._fitting = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def _resized_by_owner(self, col: int, _old: int, new: int) -> None:
        """A column dragged to a new width: kept as its width from now on."""
        if self._fitting or new <= 0 or self.table.horizontalHeader().isSectionHidden(col):
            return
        self.preferred[col] = new
        self.settings.set(cfg.COLUMN_WIDTHS, _write_widths(self.preferred))
        self.fit()

    # -- the owner's choice -----------------------------------------------------------------
    def set_wanted(self, col: int, wanted: bool) -> None:
        """Show or hide a column by the owner's choice (remembered across restarts)."""
        if col == NAME:
            return
        if wanted:
            self.wanted.add(col)
        else:
            self.wanted.discard(col)
        hidden = [COLUMNS[c] for c in range(len(COLUMNS)) if c not in self.wanted]
        self.settings.set(cfg.HIDDEN_COLUMNS, ",".join(hidden))
        self.fit()

    def reset_widths(self) -> None:
        """Forget the widths the owner dragged columns to."""
        self.preferred.clear()
        self.settings.set(cfg.COLUMN_WIDTHS, "")
        self.fit()

    def menu(self) -> QMenu:
        """The header's context menu: a check box per column, and a reset of the widths."""
        menu = QMenu(self.table)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            action = QAction(COLUMNS[col], menu, checkable=True)
            action.setChecked(col in self.wanted or col == NAME)
            action.setEnabled(col != NAME)
            if col in self.wanted and header.isSectionHidden(col):
                action.setText(f"{COLUMNS[col]} (no room: widen the list)")
            action.toggled.connect(lambda on, c=col: self.set_wanted(c, on))
            menu.addAction(action)
        menu.addSeparator()
        reset = menu.addAction("Reset column widths")
        reset.setEnabled(bool(self.preferred))
        reset.triggered.connect(self.reset_widths)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))


def _names(text: str) -> set[str]:
    return {n.strip() for n in text.split(",") if n.strip()}


def _read_widths(text: str) -> dict[int, int]:
    """``"Email=180,Phone=120"`` -> {column: width}; unknown names and bad numbers are
    skipped (a setting from another version must not break the list)."""
    widths: dict[int, int] = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        if name.strip() in COLUMNS and value.strip().isdigit():
            widths[COLUMNS.index(name.strip())] = int(value)
    return widths


def _write_widths(widths: dict[int, int]) -> str:
    return ",".join(f"{COLUMNS[c]}={w}" for c, w in sorted(widths.items()))


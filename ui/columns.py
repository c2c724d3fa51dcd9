"""Lists and tables that read without sideways scrolling: columns sized to their contents and
squeezed to the view's width when the window is small, values cut short with "…" and their
full text in a tooltip.

``fit_columns(table, stretch)`` sizes a table's columns to their contents (titles included),
gives the room left to the ``stretch`` column (the most useful one) and, when the window is
too narrow for every value, narrows the widest columns first, never below their titles: every
column stays in view at 800x600 and a value that does not fit is elided, not hidden off to
the right. ``keep`` names columns narrowed only when nothing else can give: the phone number
a row is about ("+49 30 22…" at 800x600) rather than the name beside it; ``optional``
columns are hidden while the others do not fit whole (a "Type" column beside values that
show their type). It refits
whenever the view changes width (window resized, splitter moved, a vertical scroll bar
shown).

``TipDelegate`` shows the whole value of a cell cut short by elision as its tooltip (before
the cell's own tooltip, when it has one that does not already hold the value); ``fit_list``
does the same for a list, whose rows are never wider than the list."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)


def is_elided(option: QStyleOptionViewItem, view: QWidget | None) -> bool:
    """The item's text is wider than the room the style gives it (so it is painted with "…")."""
    text = option.text
    if not text:
        return False
    style = view.style() if view is not None else option.widget.style()
    rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    needed = max(option.fontMetrics.horizontalAdvance(line)
                 for line in text.replace("\u2028", "\n").split("\n"))
    return needed > rect.width() - 2 * margin


class TipDelegate(QStyledItemDelegate):
    """A plain item delegate whose tooltip is the whole text of a value shown cut short."""

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,  # noqa: N802 - Qt
                  option: QStyleOptionViewItem, index: QModelIndex) -> bool:
        if event is not None and event.type() == QEvent.Type.ToolTip and index.isValid():
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            own = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
            # The style option holds a two-line value's break as U+2028: the tooltip showed
            # it as a box or ran the lines together.
            text = opt.text.replace("\u2028", "\n")
            if text not in own and is_elided(opt, view):
                # The whole value first, then what the cell's own tooltip adds.
                tip = f"{text}\n{own}" if own else text
                QToolTip.showText(event.globalPos(), tip, view.viewport() if view else None,
                                  option.rect)
                return True
        return super().helpEvent(event, view, option, index)


def tip_delegate(view: QAbstractItemView) -> TipDelegate:
    """Give ``view`` the tooltip delegate (kept alive by the view)."""
    delegate = TipDelegate(view)
    view.setItemDelegate(delegate)
    return delegate


class ColumnFitter(QObject):
    """Keeps a table's columns inside its view (see the module docstring)."""

    def __init__(self, table: QTableView, stretch: int, keep: tuple[int, ...] = (),
                 optional: tuple[int, ...] = ()) -> None:
        super().__init__(table)
        self.table = table
        self.stretch = stretch
        self.keep = keep
        self.optional = optional
        self.natural: list[int] = []
        self.titles: list[int] = []
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.viewport().installEventFilter(self)

    def measure(self) -> None:
        """Each column's width for its widest value (the rows Qt samples) and its title."""
        header = self.table.horizontalHeader()
        self.titles = [header.sectionSizeFromContents(c).width()
                       for c in range(header.count())]
        self.natural = [max(self.titles[c], self.table.sizeHintForColumn(c))
                        for c in range(header.count())]
        self.fit()

    def fit(self) -> None:
        """Share the view's width among the columns."""
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        shown = [c for c in range(min(header.count(), len(self.natural)))
                 if not header.isSectionHidden(c) or c in self.optional]
        if not shown or room <= 0:
            return
        crowded = sum(self.natural[c] for c in shown) > room
        for c in self.optional:
            if c < header.count() and header.isSectionHidden(c) != crowded:
                header.setSectionHidden(c, crowded)
        shown = [c for c in shown if not (crowded and c in self.optional)]
        widths = share(room, {c: self.natural[c] for c in shown},
                       {c: self.titles[c] for c in shown},
                       self.stretch if self.stretch in shown else shown[-1], self.keep)
        for c, w in widths.items():
            if header.sectionSize(c) != w:
                header.resizeSection(c, w)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show) and self.natural:
            self.fit()
        return False


def share(room: int, natural: dict[int, int], least: dict[int, int],
          stretch: int, keep: tuple[int, ...] = ()) -> dict[int, int]:
    """Column widths that add up to ``room``: the natural widths with the rest given to
    ``stretch``; when they do not fit, the widest columns are narrowed to one common width
    (never below their ``least``) until they do, the ``keep`` columns last of all: the
    others go down to their ``least`` before a kept column loses a pixel."""
    total = sum(natural.values())
    if total <= room:
        widths = dict(natural)
        widths[stretch] += room - total
        return widths
    kept = {c: natural[c] for c in keep if c in natural}
    rest = [c for c in natural if c not in kept]
    rest_floor = sum(min(least[c], natural[c]) for c in rest)
    if kept and rest and sum(kept.values()) + rest_floor > room \
            and sum(min(least[c], natural[c]) for c in kept) + rest_floor <= room:
        # One long email made the kept column too wide for the room: the others give all
        # they can before it is narrowed, so the phone numbers in it stay whole (they were
        # "+49 150 474…" beside a whole owner's name at 800x600).
        kept = share(room - rest_floor, kept, {c: least[c] for c in kept},
                     stretch if stretch in kept else next(iter(kept)))
    if kept and rest and sum(kept.values()) + rest_floor <= room:
        widths = share(room - sum(kept.values()), {c: natural[c] for c in rest},
                       {c: least[c] for c in rest}, stretch if stretch in rest else rest[-1])
        return {c: kept.get(c, widths.get(c, 0)) for c in natural}
    floor = {c: min(least[c], natural[c]) for c in natural}
    if sum(floor.values()) >= room:
        return floor  # too narrow even for the titles: the layout test says so

    def used(cap: int) -> int:
        return sum(max(floor[c], min(natural[c], cap)) for c in natural)

    lo, hi = 0, max(natural.values())
    while lo < hi:  # the largest common width that still fits
        mid = (lo + hi + 1) // 2
        if used(mid) <= room:
            lo = mid
        else:
            hi = mid - 1
    widths = {c: max(floor[c], min(natural[c], lo)) for c in natural}
    widths[stretch] += room - sum(widths.values())  # the pixels the rounding left
    return widths


def fit_columns(table: QTableView, stretch: int, keep: tuple[int, ...] = (),
                optional: tuple[int, ...] = ()) -> ColumnFitter:
    """Size ``table``'s columns to their contents within its view, now and whenever it
    resizes; call again after refilling the table. ``keep``: columns narrowed last;
    ``optional``: columns hidden while the others do not fit whole."""
    fitter = table.findChild(ColumnFitter)
    if fitter is None or fitter.parent() is not table:
        fitter = ColumnFitter(table, stretch, keep, optional)
    fitter.stretch = stretch
    fitter.keep = keep
    fitter.optional = optional
    fitter.measure()
    return fitter


class ListTipDelegate(TipDelegate):
    """For a list: no row is wider than the view, so a long row is elided (with its tooltip)
    instead of pushing the list into sideways scrolling."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(min(hint.width(), max(1, self.view.viewport().width())), hint.height())


def fit_list(view: QListView) -> ListTipDelegate:
    """Rows as wide as the list, long ones elided with their full text as tooltip; re-laid
    out whenever the list changes width."""
    delegate = ListTipDelegate(view)
    view.setItemDelegate(delegate)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return delegate

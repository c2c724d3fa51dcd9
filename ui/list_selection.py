"""Two things the contact list does with its selection besides showing it.

:class:`SelectionFollow` tells the detail pane which contact is selected, once per change;
a selection a search made (the first match) waits until typing rests (``settle_ms``), so
each keystroke does not load and lay out a contact.

:class:`RestoredContact` is the contact selected when Kith closed: selected again as soon as
a full, unsearched list holds it (start-up's first look may not reach it), then scrolled to
the list's middle, which waits until the list is shown when Kith opened on another section.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView

from app.services.list_query import ListQuery
from ui.contact_model import NAME, ContactListModel


class SelectionFollow(QObject):
    """Announces the selected party (None as -1) through ``announce``."""

    def __init__(self, announce: Callable[[int], None], settle_ms: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._emit = announce
        self.announced: int | None = None  # the party the detail pane was told about
        self._pid: int | None = None
        self._timer = QTimer(self, singleShot=True, interval=settle_ms)
        self._timer.timeout.connect(lambda: self.now(self._pid))

    def after_typing(self, pid: int | None) -> None:
        """Chosen by a search, not the owner: announce once typing pauses."""
        self._timer.start()
        self._pid = pid

    def now(self, pid: int | None) -> None:
        """Tell the detail pane, once per change of the selected party."""
        self._timer.stop()
        self._pid = pid
        if pid != self.announced:
            self.announced = pid
            self._emit(pid if pid is not None else -1)


class RestoredContact:
    """The contact to select again at start-up, and scrolling it into the middle."""

    def __init__(self, table: QAbstractItemView, model: ContactListModel) -> None:
        self.table = table
        self.model = model
        #: A contact to select once the list holds it (the one selected when Kith closed).
        self.wanted: int | None = None
        self._center_pending: int | None = None

    def take(self, query: ListQuery, selected: int | None) -> int | None:
        """A full list is shown: the wanted contact, if it is to be selected now (nothing
        else selected, no search, and the list holds it). Asked once."""
        if self.wanted is None:
            return None
        wanted, self.wanted = self.wanted, None
        row = self.model.row_of(wanted) if selected is None and not query.search else None
        return wanted if row is not None else None

    def center_soon(self, party_id: int) -> None:
        """In the middle of the list, once the appended rows' scroll range is laid out."""
        QTimer.singleShot(0, lambda: self.center(party_id))

    def center(self, party_id: int) -> None:
        """Scroll the restored contact to the middle; a hidden list (Kith opened on another
        section) has no height yet, so it waits until it is shown (:meth:`shown`)."""
        self._center_pending = None
        row = self.model.row_of(party_id)
        if row is None:
            return
        if not self.table.isVisible():
            self._center_pending = party_id
            return
        self.table.scrollTo(self.model.index(row, NAME),
                            QAbstractItemView.ScrollHint.PositionAtCenter)

    def shown(self) -> None:
        """The list was shown: a centring that waited for it now runs."""
        if self._center_pending is not None:
            self.center_soon(self._center_pending)

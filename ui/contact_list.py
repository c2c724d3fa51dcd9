"""The contact list panel: search-as-you-type, filters, and the lazily-filled table.

Search runs in SQL on a worker thread. Keystrokes are coalesced, not debounced: the first
keystroke searches at once, and while a search runs only the newest text waits, so typing fast
never queues stale queries and the list follows the keyboard closely.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services import contacts
from app.services.contacts import ListQuery
from ui.badges import SourceBadgeDelegate
from ui.contact_model import COLUMNS, NAME, SOURCES, ContactListModel

#: The list is what the owner looks at: its reads jump the queue of other views' reads.
VISIBLE_PRIORITY = 10

BASE_FILTERS = [("All contacts", ListQuery()),
                ("Needs review", ListQuery(filter_name="needs_review")),
                ("Archived", ListQuery(filter_name="archived"))]


class ContactTable(QTableView):
    """The table; Return opens the current contact, type-ahead goes to the search box."""

    activatedParty = Signal(int)


class ContactListPanel(QWidget):
    #: The selected party changed (id, or -1 for none).
    partySelected = Signal(int)
    #: A search finished and the list shows its result (count).
    listUpdated = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit(placeholderText="Search names, emails, phones, organisations")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("contactSearch")
        self.filter = QComboBox()
        self.filter.setObjectName("contactFilter")
        self.count_label = QLabel("")
        self.count_label.setObjectName("contactCount")
        self.model = ContactListModel(self._fetch_rows, self)
        self.table = ContactTable()
        self.table.setModel(self.model)
        self.table.setObjectName("contactTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setItemDelegateForColumn(SOURCES, SourceBadgeDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        for col, width in zip(range(len(COLUMNS)), (220, 220, 140, 160, 130, 80), strict=True):
            self.table.setColumnWidth(col, width)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._query = ListQuery()
        self._filters: list[ListQuery] = [q for _, q in BASE_FILTERS]
        for text, _ in BASE_FILTERS:
            self.filter.addItem(text)
        self._searching = False
        self._pending: ListQuery | None = None
        self._last_shown: ListQuery | None = None
        self.search.textChanged.connect(self._on_text)
        self.search.returnPressed.connect(self.table.setFocus)
        self.filter.currentIndexChanged.connect(self._on_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence("Escape"), self.search, self.search.clear)
        ctx.runner.changed.connect(self._on_changed)

    # -- loading ----------------------------------------------------------------------------
    def start(self) -> None:
        """Load the list and the filter options (called once the database is open)."""
        self.refresh()
        self.reload_filters()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _fetch_rows(self, ids: list[int], deliver: Any) -> None:
        self.ctx.read(contacts.rows, ids, name="contact rows", on_result=deliver,
                      priority=VISIBLE_PRIORITY)

    def current_query(self) -> ListQuery:
        base = self._filters[max(0, self.filter.currentIndex())]
        return ListQuery(self.search.text().strip(), base.filter_name, base.label,
                         base.account_id)

    def refresh(self) -> None:
        self._run(self.current_query())

    def _on_text(self, _text: str) -> None:
        self.refresh()

    def _on_filter(self, _index: int) -> None:
        self.refresh()

    def _run(self, query: ListQuery) -> None:
        if self._searching:
            self._pending = query
            return
        self._searching = True
        self.ctx.read(contacts.search_ids, query, name="search", priority=VISIBLE_PRIORITY,
                      on_result=lambda ids: self._show(query, ids),
                      on_error=self._search_failed)

    def _search_failed(self, exc: BaseException) -> None:
        self._searching = False
        self.count_label.setText(f"Search failed: {tasks.readable_error(exc)}")
        self._next()

    def _next(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._run(pending)

    def _show(self, query: ListQuery, ids: list[int]) -> None:
        self._searching = False
        if self._pending is not None and self._pending != query:
            self._next()  # a newer query is waiting; skip painting this stale result
            return
        self._pending = None
        selected = self.selected_party()
        self.model.set_ids(ids)
        self._last_shown = query
        noun = "contact" if len(ids) == 1 else "contacts"
        self.count_label.setText(f"{len(ids):,} {noun}")
        row = self.model.row_of(selected) if selected is not None else None
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, NAME),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self.listUpdated.emit(len(ids))

    def reload_filters(self) -> None:
        self.ctx.read(contacts.filter_options, name="filters", on_result=self._set_filters)

    def _set_filters(self, options: contacts.FilterOptions) -> None:
        current = self._filters[max(0, self.filter.currentIndex())]
        self.filter.blockSignals(True)
        self.filter.clear()
        self._filters = [q for _, q in BASE_FILTERS]
        for text, _ in BASE_FILTERS:
            self.filter.addItem(text)
        for label in options.labels:
            self.filter.addItem(f"Label: {label}")
            self._filters.append(ListQuery(label=label))
        for account_id, text in options.sources:
            self.filter.addItem(f"Source: {text}")
            self._filters.append(ListQuery(account_id=account_id))
        index = self._filters.index(current) if current in self._filters else 0
        self.filter.setCurrentIndex(index)
        self.filter.blockSignals(False)
        if index == 0 and current != self._filters[0]:
            self.refresh()

    def _on_changed(self, topics: frozenset[str]) -> None:
        if tasks.PARTIES in topics or tasks.HANDLES in topics:
            self.model.invalidate()
            self.refresh()
        if tasks.SOURCES in topics or tasks.PARTIES in topics:
            self.reload_filters()

    # -- selection ----------------------------------------------------------------------------
    def selected_party(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.party_id(index.row()) if index.isValid() else None

    def select_party(self, party_id: int) -> bool:
        row = self.model.row_of(party_id)
        if row is None:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, NAME),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, NAME))
        return True

    def _on_current(self, current: Any, _previous: Any) -> None:
        pid = self.model.party_id(current.row()) if current.isValid() else None
        self.partySelected.emit(pid if pid is not None else -1)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus():
            self.table.setFocus()
            if not self.table.currentIndex().isValid() and self.model.rowCount():
                self.table.selectRow(0)
            return
        super().keyPressEvent(event)

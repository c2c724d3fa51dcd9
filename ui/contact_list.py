"""The contact list panel: search-as-you-type, filters, and the lazily-filled table.

Search runs on a worker thread, in two steps. Step 1 fetches the result's first page with its
rows (when a letter was typed onto the last search, from the rows on screen, see
core.views.refine; otherwise SQL that stops after a page), so the list repaints within a few
milliseconds even when 100,000 contacts match. Step 2 fetches every id and appends them behind
that page; a newer keystroke interrupts it. Keystrokes are coalesced, not debounced: the first
searches at once, and while step 1 runs only the newest text waits. After a search the detail
pane follows the selection: the selected contact stays if it still matches, else the first
match is shown once typing pauses (SELECT_SETTLE_MS), and nothing when nothing matches.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from app.services.list_query import FIRST_PAGE, FilterOptions, FirstPage, ListQuery, Shown
from app.tasks import TaskHandle
from ui.contact_columns import ContactColumns
from ui.contact_filters import ContactFilter
from ui.contact_model import NAME, ContactListModel
from ui.contact_table import ContactTable
from ui.empty_list_hint import EmptyListHint
from ui.list_selection import RestoredContact, SelectionFollow

#: The list is what the owner looks at: its reads jump the queue of other views' reads.
VISIBLE_PRIORITY = 10
#: Rows read ahead of the scrolling wait behind searches and rows on screen.
AHEAD_PRIORITY = 5
#: Rows of the current list offered to the next keystroke to narrow (refinement).
REFINE_ROWS = 200
#: After a search moved the selection, the detail pane follows once typing rests this long.
#: Loading a contact costs the GUI thread 10-27 ms (its tables, bars and a layout); at 150 ms
#: it often loaded between two keystrokes of ordinary typing (gaps of 150-250 ms) and
#: delayed the next keystroke's list by as much, the slowest keystrokes in the benchmark.
SELECT_SETTLE_MS = 300
contacts = service("app.services.contacts")

class ContactListPanel(QWidget):
    #: The selected party changed (id, or -1 for none).
    partySelected = Signal(int)
    #: A search finished and the list shows its result (count).
    listUpdated = Signal(int)
    #: Enter on a contact: edit it (party id).
    editRequested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Short enough to show whole in a narrow list; the tooltip says the rest.
        self.search = QLineEdit(placeholderText="Search names, emails, phones…")
        self.search.setToolTip("Search names, emails, phones and organisations (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("contactSearch")
        self.filter = ContactFilter()
        self.count_label = QLabel("")
        self.count_label.setObjectName("contactCount")
        self.model = ContactListModel(None, self)  # it fetches rows once the database is open
        self.table = ContactTable()
        self.table.setModel(self.model)
        self.table.setObjectName("contactTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionsMovable(True)
        #: Columns sized to the list's width (ui.contact_columns): no sideways scrolling.
        self.columns = ContactColumns(self.table, self.model, ctx.settings)
        #: Says why the list is empty (no match, an empty filter) and what to do.
        self.empty_hint = EmptyListHint(self.table)
        self.model.modelReset.connect(lambda: self.model.rowCount() and self.empty_hint.hide())

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._query = ListQuery()
        self._first_busy = False  # a first page is being fetched
        self._pending: ListQuery | None = None  # the newest query, waiting for that
        self._full: TaskHandle | None = None  # the running "all ids" step
        self._first_shown: ListQuery | None = None  # its first page is on screen
        self._last_shown: ListQuery | None = None  # its whole result is on screen
        #: A first page that arrived after the owner typed on (not painted): the newest
        #: rows at hand, so the waiting query refines from it (see _shown_now).
        self._skipped: FirstPage | None = None
        #: Counts the database changes announced (contacts or their handles): a page read
        #: before the newest one is painted but searched again, and is never narrowed
        #: (the contact an undo or a sync just brought back is not in it).
        self._generation = 0
        self._shown_generation = 0  # the generation of the rows on screen
        self._skipped_generation = 0
        self._search_selects = False  # the next current-row change comes from a search
        self.follow = SelectionFollow(self.partySelected.emit, SELECT_SETTLE_MS, self)
        self.search.textChanged.connect(self._on_text)
        self.search.returnPressed.connect(self.table.setFocus)
        self.filter.currentIndexChanged.connect(self._on_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        # Find (Ctrl+F) is the window's Edit > Find action (ui.menus), which calls focus_search.
        QShortcut(QKeySequence("Escape"), self.search, self.search.clear)
        self.table.editRequested.connect(self._edit_row)
        #: Measure the columns on the first rows shown (once: later lists keep the widths).
        self.auto_fit = True
        self.model.rowsLoaded.connect(self._fit_once)
        self.restored = RestoredContact(self.table, self.model)
        ctx.runner.changed.connect(self._on_changed)

    # -- loading ----------------------------------------------------------------------------
    def show_first_look(self, page: FirstPage) -> None:
        """The top of the list, read before the database opened (app.first_look): shown now;
        :meth:`start` then fetches the rest behind it."""
        if self.ctx.db is not None or self.current_query() != page.query:
            return  # the real list is loading, or the owner already typed a search
        self.model.set_ids(page.ids, page.rows)
        self._first_shown = page.query
        count = len(page.ids)
        self.count_label.setText(f"{count:,} contacts" if page.complete
                                 else f"{count:,}+ contacts…")

    def start(self) -> None:
        """Load the list and the filter options (called once the database is open)."""
        self.model.set_fetcher(self._fetch_rows)
        query = self.current_query()
        if self._first_shown == query and not self._searching:
            self._fetch_full(query, None)  # the first look shows its top: append the rest
        else:
            self._pending = None
            self._run(query)
        self.reload_filters()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _fetch_rows(self, ids: list[int], deliver: Any, ahead: bool) -> None:
        self.ctx.read(contacts.rows, ids, name="contact rows", on_result=deliver,
                      priority=AHEAD_PRIORITY if ahead else VISIBLE_PRIORITY)

    def current_query(self) -> ListQuery:
        base = self.filter.base()
        return ListQuery(self.search.text().strip(), base.filter_name, base.label,
                         base.account_id)

    @property
    def _searching(self) -> bool:
        """A search is under way (its first page or its full result is not shown yet)."""
        return self._first_busy or self._pending is not None or self._full is not None

    def refresh(self) -> None:
        self._run(self.current_query())

    def _on_text(self, _text: str) -> None:
        self.refresh()

    def _on_filter(self, _index: int) -> None:
        self.refresh()

    def _run(self, query: ListQuery) -> None:
        """Step 1 of a search: the first page (ids and rows), shown as soon as it arrives."""
        if self._first_busy or self.ctx.db is None:
            self._pending = query  # coalesce: only the newest text waits (or the database)
            return
        self._cancel_full()
        self._first_busy = True
        generation = self._generation
        self.ctx.read(contacts.first_page, query, FIRST_PAGE, self._shown_now(),
                      name="search", priority=VISIBLE_PRIORITY,
                      on_result=lambda page: self._show_first(page, generation),
                      on_error=self._search_failed)

    def _shown_now(self) -> Shown | None:
        """The top of what the list shows, so one more letter narrows it without a full
        search (see core.views.refine)."""
        skipped, self._skipped = self._skipped, None
        if skipped is not None and self._skipped_generation == self._generation:
            # Newer than what the list shows: typing on over a selected search, the page of
            # "a" arrives while "an" waits. Refined from that page the next page takes a few
            # ms; the old search on screen cannot be narrowed, and SQL over every contact
            # took 15-25 ms on 100,000 contacts for a letter or digit most of them have.
            return Shown(skipped.query, tuple(skipped.ids[:REFINE_ROWS]), skipped.complete)
        query = self._first_shown
        if query is None or self._shown_generation != self._generation:
            return None
        count = self.model.rowCount()
        whole = self._last_shown == query
        return Shown(query, tuple(self.model.head(REFINE_ROWS)), whole and count <= REFINE_ROWS,
                     self.model.id_array() if whole else None)

    def _search_failed(self, exc: BaseException) -> None:
        self._first_busy = False
        self.count_label.setText(f"Search failed: {tasks.readable_error(exc)}")
        self._next()

    def _next(self) -> bool:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._run(pending)
        return pending is not None

    def _show_first(self, page: FirstPage, generation: int) -> None:
        self._first_busy = False
        if self._pending is not None and self._pending != page.query:
            self._skipped = page  # a newer query is waiting: skip painting this page,
            self._skipped_generation = generation
            self._next()  # but let that query narrow it
            return
        self._pending = None
        selected = self.selected_party()
        self.model.set_ids(page.ids, page.rows)
        self._first_shown = page.query
        self._last_shown = None
        self._shown_generation = generation
        if generation != self._generation:
            # The data changed while this page was read: painted (better than nothing),
            # then the same query again over today's data.
            self._restore_selection(selected, fallback=False)
            self._run(page.query)
            return
        if page.complete:
            self._shown(page.query, selected)
            return
        count = len(page.ids)
        self.count_label.setText(f"{count:,}+ contacts…")
        self._restore_selection(selected, fallback=False)  # it may be further down
        self._fetch_full(page.query, selected)

    def _fetch_full(self, query: ListQuery, selected: int | None) -> None:
        """Step 2: every id of the result, appended behind the page already on screen."""
        box: list[TaskHandle] = []
        generation = self._generation

        def done(ids: Any) -> None:
            if self._full is box[0]:
                self._full = None
                self._show_full(query, ids, selected, generation)

        def failed(exc: BaseException) -> None:
            if self._full is box[0]:
                self._full = None
                if not isinstance(exc, tasks.TaskCancelled):
                    self.count_label.setText(f"Search failed: {tasks.readable_error(exc)}")

        box.append(self.ctx.read(contacts.search_ids, query, name="search (all)",
                                 on_result=done, on_error=failed))
        self._full = box[0]

    def _cancel_full(self) -> None:
        if self._full is not None:
            self._full.cancel()  # interrupts the SQL; its late reply is ignored
            self._full = None

    def _show_full(self, query: ListQuery, ids: Any, selected: int | None,
                   generation: int) -> None:
        if self.model.starts_with(ids):
            self.model.extend_ids(ids[self.model.rowCount():])
        else:  # the data changed between the two steps
            scroll = self.table.verticalScrollBar().value()
            self.model.set_ids(ids)
            self.table.verticalScrollBar().setValue(scroll)
        self._shown_generation = generation
        self._shown(query, self.selected_party() or selected)

    def _shown(self, query: ListQuery, selected: int | None) -> None:
        """The whole result is on screen: count, selection, listeners."""
        self._last_shown = query
        restored = self.restored.take(query, selected)
        if restored is not None:
            selected = restored
        count = self.model.rowCount()
        noun = "contact" if count == 1 else "contacts"
        self.count_label.setText(f"{count:,} {noun}")
        self.empty_hint.show_for(count, query, self.filter.currentText())
        self._restore_selection(selected)
        if restored is not None:
            self.follow.now(restored)  # the owner's own choice: the details show it at once
            self.restored.center_soon(restored)
        self.listUpdated.emit(count)

    def _restore_selection(self, selected: int | None, fallback: bool = True) -> None:
        """Keep the selected contact selected when it is still in the list; otherwise (after
        a search) the first match becomes current, so the detail pane always shows what the
        list selects, and shows nothing when nothing is selected."""
        model = self.model
        current = self.table.selectionModel().currentIndex()
        if current.isValid() and model.party_id(current.row()) == selected:
            return
        row = model.row_of(selected) if selected is not None else None
        if row is None and not fallback:
            return
        if row is None and model.rowCount() and self.search.text().strip():
            row = 0
        self._search_selects = True
        if row is None:
            self.table.selectionModel().clearCurrentIndex()
            self.follow.now(None)
            return
        self.table.selectionModel().setCurrentIndex(
            model.index(row, NAME),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self._search_selects = False

    def reload_filters(self) -> None:
        self.ctx.read(contacts.filter_options, name="filters", on_result=self._set_filters)

    def _set_filters(self, options: FilterOptions) -> None:
        if self.filter.set_options(options):  # the chosen filter went away: All contacts
            self.refresh()

    def _on_changed(self, topics: frozenset[str]) -> None:
        if tasks.PARTIES in topics or tasks.HANDLES in topics:
            self._generation += 1
            self.model.invalidate()  # rows on screen refetch; they stay visible meanwhile
            query = self.current_query()
            if self._last_shown == query and not self._searching:
                # Same list, new data: fetch the ids quietly and keep scroll and selection.
                self._fetch_full(query, self.selected_party())
            else:
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

    def _fit_once(self) -> None:
        if self.auto_fit and self.model.rowCount():
            self.auto_fit = False
            self.columns.measure()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.restored.shown()

    def restore_party(self, party_id: int) -> None:
        """Select ``party_id`` now if the list shows it, else as soon as a full list does
        (start-up: the first look's page may not reach it). The first search or click wins."""
        if not self.select_party(party_id):
            self.restored.wanted = party_id

    def _edit_row(self, row: int) -> None:
        pid = self.model.party_id(row)
        if pid is not None:
            self.editRequested.emit(pid)

    def _on_current(self, current: Any, _previous: Any) -> None:
        pid = self.model.party_id(current.row()) if current.isValid() else None
        if self._search_selects:
            # Chosen by a search, not the owner: wait until typing pauses before the detail
            # pane loads, so each keystroke does not load (and lay out) a contact.
            self.follow.after_typing(pid)
            self._search_selects = False
            return
        self.follow.now(pid)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus():
            self.table.setFocus()
            if not self.table.currentIndex().isValid() and self.model.rowCount():
                self.table.selectRow(0)
            return
        super().keyPressEvent(event)

"""The main window: menu bar and toolbar (ui.menus), the sidebar of sections with live counts
(ui.sidebar), the pages, and a status bar whose messages end with their task
(ui.status_messages). Geometry, splitter, columns, the section and the selected contact persist
in the settings.

Keyboard: Tab moves between the panes (sidebar, search, filter, list, details); the list's own
keys are in ui.contact_table; every shortcut is an action listed in Help > Keyboard shortcuts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from app import settings as cfg
from app import tasks
from app.appcontext import AppContext
from app.model_upkeep import ModelUpkeep
from app.paths import resource_path
from app.services.lazy import service
from ui import import_flow
from ui.contact_actions import install as install_contact_actions
from ui.contact_detail import ContactDetail
from ui.contact_list import ContactListPanel
from ui.contact_splitter import ContactSplitter
from ui.empty_state import EmptyState
from ui.handles_view import HandlesView
from ui.history_view import HistoryView
from ui.menus import SECTIONS, WindowActions, shortcut_text
from ui.review_queue import ReviewQueue
from ui.sidebar import Sidebar
from ui.status_messages import StatusMessages
from ui.sync_panel import SyncPanel
from ui.widgets import ElidedLabel

if TYPE_CHECKING:  # the database handle is opaque to ui/: only app/ services use it
    from app.appcontext import Database
    from app.services.list_query import FirstPage

demo = service("app.services.demo")
overview = service("app.services.overview")

#: Tune the GC after the first painted list, or after this long if the list stays empty.
TUNE_AFTER_MS = 2000
#: The sidebar's counts are read again this long after the last change notice (a sync sends
#: many in a row).
COUNTS_AFTER_MS = 400

#: The first window on a big screen; on a small one (800x600) the window fills the screen's
#: free area instead of reaching past its edges.
DEFAULT_SIZE = QSize(1200, 760)

PAGES = tuple(key for key, _ in SECTIONS)
TITLES = dict(SECTIONS)


def default_size(window: QWidget) -> QSize:
    screen = window.screen()
    if screen is None:
        return DEFAULT_SIZE
    free = screen.availableGeometry().size()
    return DEFAULT_SIZE.boundedTo(QSize(free.width() - 16, free.height() - 48))


class MainWindow(QMainWindow):
    #: The first time the contact list shows rows (benchmarks: "painted list").
    listPainted = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Kith")
        icon = resource_path("icons", "kith.png")
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.nav = Sidebar(SECTIONS)
        self.pages = QStackedWidget()

        self.contact_list = ContactListPanel(ctx)
        self.detail = ContactDetail(ctx)
        self.splitter = ContactSplitter()
        self.splitter.addWidget(self.contact_list)
        self.splitter.addWidget(self.detail)
        self.empty = EmptyState()
        self.contacts_page = QStackedWidget()
        self.contacts_page.addWidget(self.splitter)
        self.contacts_page.addWidget(self.empty)
        self.handles = HandlesView(ctx)
        self.review = ReviewQueue(ctx)
        self.history = HistoryView(ctx)
        self.sync_panel = SyncPanel(ctx)
        for page in (self.contacts_page, self.handles, self.review, self.history,
                     self.sync_panel):
            self.pages.addWidget(page)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.task_label = ElidedLabel("Opening the database…")
        self.task_label.setObjectName("statusText")
        self.task_progress = QProgressBar()
        self.task_progress.setRange(0, 1000)
        self.task_progress.setMaximumWidth(200)
        self.task_progress.setVisible(False)
        self.statusBar().addWidget(self.task_label, 1)
        self.statusBar().addPermanentWidget(self.task_progress)
        self.status = StatusMessages(self.task_label, self.task_progress, ctx.runner, self)

        self.commands = WindowActions(self)
        self.commands.build()
        self._wire_commands()

        self.nav.sectionChanged.connect(self._section_shown)
        self.contact_list.partySelected.connect(self.detail.show_party)
        self.contact_list.model.rowsLoaded.connect(self._first_paint)
        self.contact_list.editRequested.connect(self.edit_contact)
        self.detail.openHandle.connect(self.open_handle)
        self.detail.message.connect(self.status.note)
        self.handles.openParty.connect(self.open_party)
        self.review.countChanged.connect(self._set_review_count)
        self.empty.importVcard.connect(lambda: import_flow.ask_import(self))
        self.empty.addGoogle.connect(self.sync_panel.ask_google)
        self.empty.addCardDav.connect(self.sync_panel.ask_carddav)
        self.empty.loadDemo.connect(self.load_demo)
        ctx.runner.changed.connect(self._on_changed)
        self._counts_timer = QTimer(self, singleShot=True, interval=COUNTS_AFTER_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self._set_tab_order()
        self._painted = False
        self._tuned = False
        # New contact, Edit, Archive, Restore, Delete, Export (ui.contact_actions).
        self.contact_actions = install_contact_actions(self)
        self._restore()

    # -- start-up -----------------------------------------------------------------------------
    def start(self, db: Database, sync_on_start: bool | None = None) -> None:
        """The database is open: load every view."""
        self.ctx.db = db
        self.status.clear()
        self.contact_list.start()
        self.handles.start()
        self.review.start()
        self.history.start()
        self.sync_panel.start(sync_on_start)
        # Re-learn the duplicate model after big imports (and now, if one is due): a worker.
        if getattr(self, "model_upkeep", None) is None:
            self.model_upkeep = ModelUpkeep(self.ctx, self)
            self.model_upkeep.learnt.connect(self._model_learnt)
        self.model_upkeep.start()
        self._check_empty()
        self.refresh_counts()
        # The GC tuning runs a full collection: not before the list is painted (start-up).
        QTimer.singleShot(TUNE_AFTER_MS, self._tune)

    def _model_learnt(self, summary: dict) -> None:
        parties = summary.get("parties", 0)
        self.status.note(f"Duplicate suggestions updated: Kith learnt from your {parties:,} "
                         "contacts.")

    def show_first_look(self, page: FirstPage) -> None:
        """The list's top, read before the database opened (app.first_look): painted now,
        before the database layer loads and competes for the interpreter."""
        self.contact_list.show_first_look(page)
        self.contact_list.table.viewport().repaint()

    def _tune(self) -> None:
        if not self._tuned:
            self._tuned = True
            tasks.tune_for_gui()

    def _check_empty(self) -> None:
        self.ctx.read(demo.is_empty, name="first run?", on_result=self._set_empty)

    def _set_empty(self, empty: bool) -> None:
        """First run: the welcome page, and no Export or Sync all (nothing to act on)."""
        self.contacts_page.setCurrentWidget(self.empty if empty else self.splitter)
        self.commands.export.setEnabled(not empty)
        self.commands.sync_all.setEnabled(not empty)

    def _first_paint(self) -> None:
        if not self._painted:
            self._painted = True
            self.listPainted.emit()
            if self.ctx.db is not None:  # after a first look, start() tunes once all loaded
                QTimer.singleShot(0, self._tune)

    def load_demo(self) -> None:
        self.empty.status.setText("Loading the demo data…")
        self.empty.buttons["demo"].setEnabled(False)
        self.ctx.write(demo.load_demo, name="load demo data", changes=tasks.ALL_TOPICS,
                       on_result=lambda _c: self.empty.status.setText(""),
                       on_error=self._demo_failed)

    def _demo_failed(self, exc: BaseException) -> None:
        self.empty.buttons["demo"].setEnabled(True)
        self.empty.status.setText(f"Could not load the demo data: {tasks.readable_error(exc)}")

    # -- commands -------------------------------------------------------------------------------
    def _wire_commands(self) -> None:
        c = self.commands
        c.import_.triggered.connect(lambda: import_flow.ask_import(self))
        c.export.triggered.connect(lambda: import_flow.ask_export(self))
        c.add_vcard.triggered.connect(lambda: self.sync_panel.ask_vcard(folder=False))
        c.add_folder.triggered.connect(lambda: self.sync_panel.ask_vcard(folder=True))
        c.add_carddav.triggered.connect(self.sync_panel.ask_carddav)
        c.add_google.triggered.connect(self.sync_panel.ask_google)
        c.sync_all.triggered.connect(self.sync_panel.sync_all)
        c.quit.triggered.connect(self.close)
        c.find.triggered.connect(self.find)
        c.shortcuts.triggered.connect(self.show_shortcuts)
        c.about.triggered.connect(self.show_about)
        for key, action in c.section.items():
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            self.nav.set_keys(key, shortcut_text(action))

    def install_contact_actions(self, actions: list[QAction], edit: QAction | None = None) -> None:
        """The contact commands (ui.contact_actions) into the Edit menu (above Find) and, those
        with an icon, the toolbar (before Sync all); ``edit`` is what Enter on a contact
        triggers. Their shortcuts then show in tooltips and Help > Keyboard shortcuts.
        Messages for the owner: ``self.status.note(text)`` (expires, replaced by the next)."""
        self.commands.insert_contact_actions(actions, edit)

    def edit_contact(self, party_id: int) -> None:
        """Enter on a contact: the Edit action when there is one, else into the details."""
        action = self.commands.edit_contact
        if action is not None and action.isEnabled():
            action.trigger()
            return
        self.detail.setFocus(Qt.FocusReason.TabFocusReason)
        self.detail.focusNextChild()

    def find(self) -> None:
        self.show_page("contacts")
        self.contact_list.focus_search()

    def show_shortcuts(self) -> None:
        from ui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self).open()

    def show_about(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("kith")
        except PackageNotFoundError:
            number = "development"
        QMessageBox.about(self, "About Kith", (
            f"<h3>Kith {number}</h3><p>One address book from your Google, CardDAV and vCard "
            "contacts. Nothing Kith does on its own is irreversible: every merge and every "
            "link can be undone from History.</p><p>MIT licence.</p>"))

    def _set_tab_order(self) -> None:
        """Sidebar -> search -> filter -> list -> details: the panes, in reading order."""
        chain = [self.nav, self.contact_list.search, self.contact_list.filter,
                 self.contact_list.table, self.detail]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- navigation -----------------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        self.nav.set_current(key)

    def _section_shown(self, key: str) -> None:
        self.pages.setCurrentIndex(PAGES.index(key))
        self.commands.section[key].setChecked(True)

    def refresh_counts(self) -> None:
        if self.ctx.db is not None:
            self.ctx.read(overview.sidebar_counts, name="sidebar counts",
                          on_result=self._set_counts)

    def _set_counts(self, counts: Any) -> None:
        self.nav.set_count("handles", counts.contested_handles, "claimed by two or more "
                           "contacts")
        self.nav.set_count("sources", counts.sources_failing, "need attention", alert=True)

    def open_handle(self, handle_id: int) -> None:
        self.show_page("handles")
        self.handles.open_handle(handle_id)

    def open_party(self, party_id: int) -> None:
        self.show_page("contacts")
        if not self.contact_list.select_party(party_id):
            self.detail.show_party(party_id)

    def _set_review_count(self, count: int) -> None:
        self.nav.set_count("review", count, "to review")

    def _on_changed(self, topics: frozenset[str]) -> None:
        if topics & {tasks.PARTIES, tasks.SOURCES}:
            self._check_empty()
        self._counts_timer.start()

    # -- persistence ------------------------------------------------------------------------------
    def _restore(self) -> None:
        s = self.ctx.settings
        geometry = s.get(cfg.WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(default_size(self))
        splitter = s.get(cfg.SPLITTER_STATE)
        if splitter:
            self.splitter.restoreState(QByteArray(splitter))
        header = s.get(cfg.HEADER_STATE)
        if header:
            self.contact_list.columns.restore_header(QByteArray(header))
        last = s.get(cfg.LAST_VIEW)
        self.show_page(last if last in PAGES else "contacts")
        party = s.get(cfg.LAST_PARTY)
        if party > 0:
            self.contact_list.restore_party(party)

    def save_state(self) -> None:
        s = self.ctx.settings
        s.set(cfg.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        s.set(cfg.SPLITTER_STATE, bytes(self.splitter.saveState().data()))
        s.set(cfg.HEADER_STATE,
              bytes(self.contact_list.table.horizontalHeader().saveState().data()))
        s.set(cfg.LAST_VIEW, self.nav.current_key())
        s.set(cfg.LAST_PARTY, self.contact_list.selected_party() or 0)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the layout, cancel running syncs and wait for the workers to stop cleanly."""
        self.save_state()
        self.sync_panel.schedule.stop()
        self.status.note("Stopping background work…")
        self.ctx.runner.shutdown()
        event.accept()

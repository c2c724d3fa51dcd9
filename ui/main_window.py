"""The main window: navigation (Contacts, Handles, Review, History, Sources), the pages, and a
status bar that shows background tasks. Geometry, splitter and columns persist in QSettings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from app import settings as cfg
from app import tasks
from app.appcontext import AppContext
from app.paths import resource_path
from app.services.lazy import service
from ui.contact_actions import install as install_contact_actions
from ui.contact_detail import ContactDetail
from ui.contact_list import ContactListPanel
from ui.empty_state import EmptyState
from ui.handles_view import HandlesView
from ui.history_view import HistoryView
from ui.review_queue import ReviewQueue
from ui.sync_panel import SyncPanel

if TYPE_CHECKING:  # the database handle is opaque to ui/: only app/ services use it
    from app.appcontext import Database
    from app.services.list_query import FirstPage

demo = service("app.services.demo")

#: Tune the GC after the first painted list, or after this long if the list stays empty.
TUNE_AFTER_MS = 2000

PAGES = ("contacts", "handles", "review", "history", "sources")
TITLES = {"contacts": "Contacts", "handles": "Handles", "review": "Review",
          "history": "History", "sources": "Sources"}


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
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        for key in PAGES:
            QListWidgetItem(TITLES[key], self.nav).setData(Qt.ItemDataRole.UserRole, key)
        self.pages = QStackedWidget()

        self.contact_list = ContactListPanel(ctx)
        self.detail = ContactDetail(ctx)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.contact_list)
        self.splitter.addWidget(self.detail)
        self.splitter.setSizes([640, 520])
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

        self.task_label = QLabel("Opening the database…")
        self.task_progress = QProgressBar()
        self.task_progress.setRange(0, 1000)
        self.task_progress.setMaximumWidth(200)
        self.task_progress.setVisible(False)
        self.statusBar().addWidget(self.task_label, 1)
        self.statusBar().addPermanentWidget(self.task_progress)

        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.contact_list.partySelected.connect(self.detail.show_party)
        self.contact_list.model.rowsLoaded.connect(self._first_paint)
        self.detail.openHandle.connect(self.open_handle)
        self.handles.openParty.connect(self.open_party)
        self.review.countChanged.connect(self._set_review_count)
        self.empty.importVcard.connect(lambda: self.sync_panel.ask_vcard(folder=False))
        self.empty.addGoogle.connect(self.sync_panel.ask_google)
        self.empty.addCardDav.connect(self.sync_panel.ask_carddav)
        self.empty.loadDemo.connect(self.load_demo)
        ctx.runner.started.connect(self._task_started)
        ctx.runner.progressed.connect(self._task_progress)
        ctx.runner.finished.connect(self._task_finished)
        ctx.runner.error.connect(self._task_error)
        ctx.runner.changed.connect(self._on_changed)
        for number, key in enumerate(PAGES, start=1):
            QShortcut(QKeySequence(f"Ctrl+{number}"), self,
                      lambda k=key: self.show_page(k))
        self._painted = False
        self._tuned = False
        # New contact, Edit, Archive, Restore, Delete, Export (ui.contact_actions).
        self.contact_actions = install_contact_actions(self)
        self._restore()

    # -- start-up -----------------------------------------------------------------------------
    def start(self, db: Database, sync_on_start: bool | None = None) -> None:
        """The database is open: load every view."""
        self.ctx.db = db
        self.task_label.setText("")
        self.contact_list.start()
        self.handles.start()
        self.review.start()
        self.history.start()
        self.sync_panel.start(sync_on_start)
        self._check_empty()
        # The GC tuning runs a full collection: not before the list is painted (start-up).
        QTimer.singleShot(TUNE_AFTER_MS, self._tune)

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
        self.ctx.read(demo.is_empty, name="first run?",
                      on_result=lambda empty: self.contacts_page.setCurrentWidget(
                          self.empty if empty else self.splitter))

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

    # -- navigation -----------------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(PAGES.index(key))

    def open_handle(self, handle_id: int) -> None:
        self.show_page("handles")
        self.handles.open_handle(handle_id)

    def open_party(self, party_id: int) -> None:
        self.show_page("contacts")
        if not self.contact_list.select_party(party_id):
            self.detail.show_party(party_id)

    def _set_review_count(self, count: int) -> None:
        item = self.nav.item(PAGES.index("review"))
        item.setText(f"Review ({count})" if count else "Review")

    def _on_changed(self, topics: frozenset[str]) -> None:
        if topics & {tasks.PARTIES, tasks.SOURCES}:
            self._check_empty()

    # -- task feedback ---------------------------------------------------------------------------
    def _task_started(self, handle: Any) -> None:
        if handle.write:
            self.task_label.setText(f"{handle.name}…")

    def _task_progress(self, handle: Any, fraction: float, text: str) -> None:
        self.task_progress.setVisible(True)
        if fraction <= 0.0:
            self.task_progress.setRange(0, 0)
        else:
            self.task_progress.setRange(0, 1000)
            self.task_progress.setValue(int(fraction * 1000))
        if text:
            self.task_label.setText(text)

    def _task_finished(self, handle: Any) -> None:
        if not any(h.write for h in self.ctx.runner.running):
            self.task_progress.setVisible(False)
            if handle.write and handle.error is None:
                self.task_label.setText("")

    def _task_error(self, handle: Any, message: str) -> None:
        self.task_label.setText(f"{handle.name} failed: {message} (details in the log file)")

    # -- persistence ------------------------------------------------------------------------------
    def _restore(self) -> None:
        s = self.ctx.settings
        geometry = s.get(cfg.WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1200, 760)
        splitter = s.get(cfg.SPLITTER_STATE)
        if splitter:
            self.splitter.restoreState(QByteArray(splitter))
        header = s.get(cfg.HEADER_STATE)
        if header:
            self.contact_list.table.horizontalHeader().restoreState(QByteArray(header))
        last = s.get(cfg.LAST_VIEW)
        self.show_page(last if last in PAGES else "contacts")

    def save_state(self) -> None:
        s = self.ctx.settings
        s.set(cfg.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        s.set(cfg.SPLITTER_STATE, bytes(self.splitter.saveState().data()))
        s.set(cfg.HEADER_STATE,
              bytes(self.contact_list.table.horizontalHeader().saveState().data()))
        s.set(cfg.LAST_VIEW, PAGES[max(0, self.nav.currentRow())])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the layout, cancel running syncs and wait for the workers to stop cleanly."""
        self.save_state()
        self.sync_panel.schedule.stop()
        self.task_label.setText("Stopping background work…")
        self.ctx.runner.shutdown()
        event.accept()

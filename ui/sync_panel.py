"""The sync status panel: one row per source, Sync now / Full sync / Cancel, progress, and
the recent activity. Also runs the schedule (every 15 minutes while the app is open). The
page's words (columns, counts, health, next sync) are ui.sync_words'."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import settings as cfg
from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from app.source_words import kind_text
from app.tasks import TaskHandle
from ui.activity_words import activity_line
from ui.columns import fit_columns, fit_list
from ui.empty_list_hint import EmptyListHint
from ui.held_deletes import HeldDeletesNotice
from ui.source_adding import SourceAdding
from ui.sync_words import (
    COLUMNS,
    HEADERS,
    HEALTH_TEXT,
    count_text,
    next_sync,
    next_sync_tip,
    sync_summary,
)
from ui.widgets import item, plain_table, short_when, when

source_services = service("app.services.sources")
syncing = service("app.services.syncing")

#: Columns by name (tests and the fill below).
HEALTH_COL, RESULT_COL = 2, 5
#: How often the schedule is consulted; the runtime sets each source's next run (15 minutes).
SCHEDULE_CHECK_MS = 60_000

#: What a sync started before the list knows the source's name calls it (never its number).
PROVISIONAL_NAME = "the new source"
#: What the sources table says while there is none (it was an empty table).
NO_SOURCES = ("No sources yet. Add source (above) keeps a vCard file or folder, a CardDAV "
              "account (Nextcloud, iCloud…) or a Google account in sync with Kith; "
              "File > Import… reads a file once.")


class SyncPanel(QWidget, SourceAdding):
    #: A sync ended (account id, counts or None on error/cancel).
    syncFinished = Signal(int, object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Any] = []
        self.running: dict[int, TaskHandle] = {}
        self.table = plain_table(HEADERS)
        for col, (_title, tip) in enumerate(COLUMNS):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.setObjectName("sourcesTable")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty_hint = EmptyListHint(self.table, "sourcesEmpty")
        self.sync_button = QPushButton("Sync &now")
        self.sync_button.setObjectName("syncNow")
        self.full_button = QPushButton("&Full sync")
        self.full_button.setObjectName("fullSync")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setObjectName("cancelSync")
        # The entries of the "Add source" menu: what the owner has, in the File menu's words
        # ("Add CardDAV…" told a new user nothing about Nextcloud or iCloud).
        self.add_vcard = QPushButton("vCard file…")
        self.add_folder = QPushButton("Folder of vCards…")
        self.add_carddav = QPushButton("CardDAV account (Nextcloud, iCloud…)…")
        self.add_google = QPushButton("Google account…")
        self.remove_button = QPushButton("Remove…")
        self.sync_button.clicked.connect(lambda: self.sync_selected(full=False))
        self.full_button.clicked.connect(lambda: self.sync_selected(full=True))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.add_vcard.clicked.connect(lambda: self.ask_vcard(folder=False))
        self.add_folder.clicked.connect(lambda: self.ask_vcard(folder=True))
        self.add_carddav.clicked.connect(self.ask_carddav)
        self.add_google.clicked.connect(self.ask_google)
        self.remove_button.clicked.connect(self.ask_remove)
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = QLabel("")
        self.status.setObjectName("syncStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.activity = QListWidget()
        self.activity.setObjectName("activityList")
        fit_list(self.activity)  # a long line elides, its tooltip shows it whole

        actions = QHBoxLayout()
        for b in (self.sync_button, self.full_button, self.cancel_button):
            actions.addWidget(b)
        actions.addStretch(1)
        # The four ways to add a source share one "Add source" menu button (also File > Add
        # source): five buttons side by side made the window 976 px wide at least.
        add_menu = QMenu(self)
        for b in (self.add_vcard, self.add_folder, self.add_carddav, self.add_google):
            add_menu.addAction(b.text(), b.click)
        self.add_button = QPushButton("Add source")
        self.add_button.setObjectName("addSource")
        self.add_button.setMenu(add_menu)
        actions.addWidget(self.add_button)
        actions.addWidget(self.remove_button)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(actions)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.progress)
        tl.addWidget(self.status)
        self.held = HeldDeletesNotice()
        self.held.apply.connect(lambda sid: self._decide_held(syncing.apply_held_deletes, sid))
        self.held.keep.connect(lambda sid: self._decide_held(syncing.keep_held_deletes, sid))
        tl.addWidget(self.held)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(QLabel("Recent activity"))
        bl.addWidget(self.activity, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([400, 220])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.schedule = QTimer(self)
        self.schedule.setInterval(SCHEDULE_CHECK_MS)
        self.schedule.timeout.connect(lambda: self.run_due(startup=False))
        ctx.runner.changed.connect(self._on_changed)
        ctx.runner.began.connect(self._began)
        self._update_buttons()

    def start(self, sync_now: bool | None = None) -> None:
        """Load the panel and start the schedule; sync every source at start-up if enabled."""
        self.schedule.start()
        startup = self.ctx.settings.get(cfg.SYNC_ON_STARTUP) if sync_now is None else sync_now
        self.reload(then_sync=startup)

    def run_due(self, startup: bool = False) -> None:
        """Ask the schedule which sources are due and sync them (the timer calls this)."""
        def got(ids: list[int]) -> None:
            for account_id in ids:
                if account_id not in self.running:
                    self.sync(account_id)

        self.ctx.read(syncing.due_sources, startup, name="due syncs", on_result=got)

    def reload(self, then_sync: bool = False, then: Any = None) -> None:
        def got(rows: list[Any]) -> None:
            self._fill(rows)
            if then_sync:
                self.run_due(startup=True)
            if then is not None:
                then()

        self.ctx.read(source_services.sources, name="sources", on_result=got)
        self.ctx.read(source_services.activity, 50, name="activity", on_result=self._fill_activity)

    def _fill(self, rows: list[Any]) -> None:
        selected = self.selected_source()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, s in enumerate(rows):
            c = s.last_counts or {}
            counts = count_text(c)
            handle = self.running.get(s.id)
            if handle is None:
                health = HEALTH_TEXT.get(s.health, s.health)
            else:  # writes run one at a time: the others wait their turn
                health = "⟳ syncing" if handle.began else "… queued"
            cells = [kind_text(s.provider), s.label, health,
                     short_when(s.last_success_at), next_sync(s.next_run_at, s.next_full_at),
                     counts if c else "—", f"{s.live_records:,}"]
            tips = {HEALTH_COL: s.last_error or "",
                    3: when(s.last_success_at) if s.last_success_at else "",
                    4: next_sync_tip(s.next_run_at, s.next_full_at)}
            for col, text in enumerate(cells):
                cell = item(text, s.id if col == 0 else None)
                if tips.get(col):
                    cell.setToolTip(tips[col])
                if col == len(cells) - 1:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, cell)
            if s.id == selected:
                self.table.selectRow(r)
        fit_columns(self.table, stretch=1)  # the source's name takes the room left
        if selected is None and rows:
            self.table.selectRow(0)
        if self.status.text() == f"Syncing {PROVISIONAL_NAME}…" and len(self.running) == 1:
            name = self.label_of(next(iter(self.running)))
            if name:
                self.status.setText(f"Syncing {name}…")
        errors = [f"{s.label}: {s.last_error}" for s in rows
                  if s.health in ("error", "degraded") and s.last_error]
        if errors and not self.running:
            self.status.setText("\n".join(errors))
        self.held.show_for(rows)
        self.empty_hint.show_text("" if rows else NO_SOURCES)
        self._update_buttons()

    def _decide_held(self, decision: Any, account_id: int) -> None:
        """Apply or keep the removals a sync held (the notice's buttons)."""
        self.ctx.write(decision, account_id, name="held removals", changes=tasks.ALL_TOPICS,
                       on_error=self._failed)

    def _fill_activity(self, events: list[Any]) -> None:
        self.activity.clear()
        for ev in events:
            self.activity.addItem(activity_line(ev))

    def selected_source(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        return int(cell.data(Qt.ItemDataRole.UserRole)) if cell else None

    def select_source(self, account_id: int) -> None:
        for r, s in enumerate(self.rows):
            if s.id == account_id:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        sid = self.selected_source()
        self.sync_button.setEnabled(sid is not None and sid not in self.running)
        self.full_button.setEnabled(sid is not None and sid not in self.running)
        self.cancel_button.setEnabled(sid is not None and sid in self.running)
        self.remove_button.setEnabled(sid is not None and sid not in self.running)

    # -- running ---------------------------------------------------------------------------------
    def sync_all(self) -> None:
        for s in self.rows:
            if s.id not in self.running:
                self.sync(s.id, full=False)

    def sync_selected(self, full: bool) -> None:
        sid = self.selected_source()
        if sid is not None:
            self.sync(sid, full)

    def label_of(self, account_id: int) -> str | None:
        """The source's name as every message uses it (None until the list has it)."""
        return next((s.label for s in self.rows if s.id == account_id), None)

    def sync(self, account_id: int, full: bool = False) -> TaskHandle | None:
        if account_id in self.running:
            return None
        known = self.label_of(account_id)
        if known is None:  # added elsewhere a moment ago: the list learns its name meanwhile
            self.reload()
        elif self._wants_unlock(account_id, full):
            return None
        provisional = known or PROVISIONAL_NAME

        def label() -> str:  # never the source's number, its name as soon as it is known
            return self.label_of(account_id) or provisional

        self.status.setText(f"Syncing {provisional}…")
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        handle = self.ctx.write(
            syncing.sync_source, account_id, full, name=f"sync {provisional}",
            changes={tasks.PARTIES, tasks.HANDLES, tasks.SOURCES, tasks.REVIEW},
            on_progress=lambda fraction, text: self._on_progress(
                fraction, f"{label()}: {text}" if text and not text.startswith(label())
                else text),
            on_result=lambda counts: self._done(account_id, label(), counts, None),
            on_error=lambda exc: self._done(account_id, label(), None, exc),
        )
        self.running[account_id] = handle
        self._fill(self.rows)
        return handle

    def _on_progress(self, fraction: float, text: str) -> None:
        if fraction <= 0.0:
            self.progress.setRange(0, 0)  # the runtime reports counts, not a fraction: busy bar
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        if text:
            self.status.setText(text)

    def _began(self, handle: TaskHandle) -> None:
        if handle in self.running.values():
            self._fill(self.rows)  # "queued" -> "syncing"

    def _done(self, account_id: int, label: str, counts: Any, exc: BaseException | None) -> None:
        self.running.pop(account_id, None)
        self._fill(self.rows)  # not "syncing" any more; the reload brings the new figures
        if not self.running:
            self.progress.setVisible(False)
        if exc is None:
            self.status.setText(sync_summary(label, counts or {}))
        elif isinstance(exc, tasks.TaskCancelled):
            self.status.setText(f"{label}: sync cancelled.")
        else:
            self.status.setText(f"{label}: sync failed: {tasks.readable_error(exc)}")
        self._update_buttons()
        self.syncFinished.emit(account_id, counts if exc is None else None)

    def cancel_selected(self) -> None:
        sid = self.selected_source()
        handle = self.running.get(sid) if sid is not None else None
        if handle is not None:
            handle.cancel()
            self.status.setText("Cancelling…")

    def _on_changed(self, topics: frozenset[str]) -> None:
        if topics & {tasks.SOURCES, tasks.PARTIES}:
            self.reload()

    def _wants_unlock(self, account_id: int, full: bool) -> bool:
        """A CardDAV/Google source on a computer without a keyring whose passwords file is
        still locked: ask for the passphrase first, then sync."""
        provider = next((s.provider for s in self.rows if s.id == account_id), "")
        if provider not in ("carddav", "google"):
            return False
        from app import keyring_setup

        if not keyring_setup.needs_choice() or not keyring_setup.secrets_file_exists():
            return False
        from ui.keyring_dialog import KeyringDialog

        dialog = KeyringDialog(self.ctx, f"“{self.label_of(account_id)}”", self)
        self.keyring_dialog = dialog
        dialog.accepted.connect(lambda: self.sync(account_id, full))
        dialog.rejected.connect(lambda: self.status.setText(
            f"{self.label_of(account_id)}: not synced. Kith needs the passphrase of your "
            "passwords file to read this account's password."))
        self.status.setText(f"{self.label_of(account_id)}: waiting for the passphrase of "
                            "your passwords file…")
        dialog.open()
        return True

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(tasks.readable_error(exc))

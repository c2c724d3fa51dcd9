"""Emails & phones (the engine's "handles"): one address or number's candidate contacts with
confidence and verdict; Confirm/Dismiss re-resolve the owner at once. Beside it, the ones
claimed by several contacts and the shared ones to work through. The words are the owner's:
"Claimed by several", not "Contested"; "Contacts", not "Links"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from app.source_words import kind_text
from ui.action_errors import action_error
from ui.columns import fit_columns
from ui.field_labels import platform_name
from ui.widgets import confidence_bar, item, plain_table

handles = service("app.services.handles")

#: Handles listed per tab (the first ones; the tab says "300+" when there are more).
SHOWN_HANDLES = 300
#: The two lists' tab titles (a count follows).
CLAIMED_TAB, SHARED_TAB = "Claimed by several", "Shared"
PICK_TEXT = "Pick an address or number on the left to see who it belongs to."
NOTHING_CONTESTED = ("Nothing to decide: no email address or phone number is claimed by two "
                     "contacts. When one is, it is listed here for you to settle.")
#: Where a link came from, in the owner's words (short: a column at 800x600).
LINK_SOURCES = {"manual": "added by you", "temp_contact": "unknown sender", "merge": "a merge"}
#: The lists' column kept whole longest: the address or number itself.
LIST_KEEP = (1,)
#: Hidden when the list is too narrow for every column: an address or number shows its
#: kind itself (and the picked one's title names it).
LIST_OPTIONAL = (0,)
#: The handle lists' columns, with what each says (header tooltips).
LIST_COLUMNS = (("Type", "Email address, phone number, …"),
                ("Value", "The address or number"),
                ("Contacts", "How many contacts hold it in a source"),
                ("Owner", "The contact it belongs to now"))
LINK_COLUMNS = (("Contact", "A contact that holds this address or number"),
                ("Verdict", "Confirmed or dismissed by you; else how sure Kith is"),
                ("Source", "Where the link came from"),
                ("Owner", "★ marks the contact it belongs to"))


def link_source(source: str) -> str:
    """"source:carddav" -> "CardDAV"; "manual" -> "added by you"."""
    if source.startswith("source:"):
        return kind_text(source.split(":", 1)[1])
    return LINK_SOURCES.get(source, source.replace("_", " ") or "—")


def titled_table(columns: tuple[tuple[str, str], ...]) -> Any:
    """A plain table whose column titles explain themselves in a tooltip."""
    table = plain_table([title for title, _ in columns])
    for c, (_title, tip) in enumerate(columns):
        table.horizontalHeaderItem(c).setToolTip(tip)
    return table


class HandlesView(QWidget):
    #: Open this party in the contact view.
    openParty = Signal(int)
    #: A handle finished loading (handle id).
    loaded = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.handle_id: int | None = None
        self.info: Any = None
        self._filling = False
        #: The next change notice is our own action's: keep its message.
        self._own_notice = False

        self.tabs = QTabWidget()
        self.contested = titled_table(LIST_COLUMNS)
        self.contested.setObjectName("contestedHandles")
        self.shared = titled_table(LIST_COLUMNS)
        self.shared.setObjectName("sharedHandles")
        self.tabs.addTab(self.contested, CLAIMED_TAB)
        self.tabs.setTabToolTip(0, "Email addresses and phone numbers that two or more contacts "
                                   "hold: pick one to say whose it is")
        self.tabs.addTab(self.shared, SHARED_TAB)
        self.tabs.setTabToolTip(1, "Marked as shared (a family landline, an info@ address): "
                                   "they never make two contacts one person")
        for table in (self.contested, self.shared):
            table.itemSelectionChanged.connect(lambda t=table: self._pick(t))

        self.title = QLabel(PICK_TEXT)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.owner = QLabel("")
        self.owner.setObjectName("handleOwner")
        self.shared_box = QCheckBox("Shared by several people: never merges")
        self.shared_box.setToolTip("A family landline or an info@ address: it never makes two "
                                   "contacts one person")
        self.shared_box.setObjectName("handleShared")
        self.shared_box.toggled.connect(self._on_shared)
        self.links = titled_table(LINK_COLUMNS)
        self.links.setObjectName("handleLinks")
        self.links.cellDoubleClicked.connect(self._on_link_activated)
        self.confirm_button = QPushButton("&Confirm")
        self.confirm_button.setObjectName("confirmLink")
        self.confirm_button.setToolTip("This address or number belongs to the selected contact")
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.setObjectName("dismissLink")
        self.dismiss_button.setToolTip("This address or number is not the selected contact's")
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.status = QLabel("")
        self.status.setObjectName("handleStatus")
        # Wrapped: "Confirmed. Owner changed from … to …" on one line widened its side of
        # the splitter and squeezed the lists into sideways scrolling at 800x600.
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        right = QWidget()
        rlayout = QVBoxLayout(right)
        rlayout.addWidget(self.title)
        rlayout.addWidget(self.owner)
        rlayout.addWidget(self.shared_box)
        rlayout.addWidget(self.links, 1)
        rlayout.addLayout(buttons)
        rlayout.addWidget(self.status)
        split = QSplitter()
        split.addWidget(self.tabs)
        split.addWidget(right)
        split.setSizes([500, 500])  # at 800x600 both lists show every column
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        for table, stretch in ((self.contested, 3), (self.shared, 3), (self.links, 0)):
            if table is self.links:
                fit_columns(table, stretch)
            else:
                fit_columns(table, stretch, LIST_KEEP, LIST_OPTIONAL)
        self._enable(False)
        ctx.runner.changed.connect(self._on_changed)

    def start(self) -> None:
        self.reload_lists()

    def reload_lists(self) -> None:
        self.ctx.read(handles.contested, SHOWN_HANDLES + 1, name="addresses claimed by several",
                      on_result=lambda rows: self._fill_list(self.contested, rows))
        self.ctx.read(handles.shared, SHOWN_HANDLES + 1, name="shared addresses",
                      on_result=lambda rows: self._fill_list(self.shared, rows))

    def _fill_list(self, table: Any, rows: list[Any]) -> None:
        more = len(rows) > SHOWN_HANDLES  # refilled after every import: keep it short
        rows = rows[:SHOWN_HANDLES]
        table.blockSignals(True)  # refilling must not open another handle
        table.clearSelection()
        table.setRowCount(len(rows))
        for r, h in enumerate(rows):
            table.setItem(r, 0, item(platform_name(h.platform), h.id))
            table.setItem(r, 1, item(h.value))
            table.setItem(r, 2, item(str(h.live_links)))
            table.setItem(r, 3, item(h.owner_name or "—"))
            if h.id == self.handle_id:  # the selection stays put
                table.selectRow(r)
        table.blockSignals(False)
        # Every column in view; the address or number whole ("+49 30 22…" at 800x600 told
        # the owner nothing), the owner's name (shown whole once picked) elides first.
        fit_columns(table, stretch=3, keep=LIST_KEEP, optional=LIST_OPTIONAL)
        if table is self.contested and self.handle_id is None:
            self.title.setText(PICK_TEXT if rows else NOTHING_CONTESTED)
        index = self.tabs.indexOf(table)
        self.tabs.setTabText(index, f"{CLAIMED_TAB if table is self.contested else SHARED_TAB}"
                                    f" ({len(rows)}{'+' if more else ''})")

    def _pick(self, table: Any) -> None:
        rows = table.selectionModel().selectedRows()
        if rows:
            self.open_handle(int(table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)))

    def open_handle(self, handle_id: int) -> None:
        if handle_id != self.handle_id:
            # "Confirmed. Owner unchanged (Eun-ji Kang)." was about the address picked
            # before: under another one it read as this one's.
            self.status.setText("")
        self.handle_id = handle_id
        self.ctx.read(handles.info, handle_id, name="whose address",
                      on_result=lambda info: self._fill(handle_id, info),
                      on_error=lambda exc: self.status.setText(action_error(exc)))

    def _fill(self, handle_id: int, info: Any) -> None:
        if handle_id != self.handle_id:
            return
        self.info = info
        self._filling = True
        picked = self.selected_party()
        self.title.setText(f"{platform_name(info.platform)} "
                           f"{info.display_value or info.value}")
        self.owner.setText(f"Owner: {info.owner_name}" if info.owner_id else "Owner: nobody")
        self.shared_box.setChecked(info.is_shared)
        self.links.clearSelection()
        self.links.setRowCount(len(info.links))
        for r, link in enumerate(info.links):
            self.links.setItem(r, 0, item(link.party_name, link.party_id))
            self.links.removeCellWidget(r, 1)
            if link.confirmed or link.dismissed:  # the owner decided: no guess to show
                self.links.setItem(r, 1, item("Confirmed" if link.confirmed and not
                                              link.dismissed else "Dismissed"))
            else:  # not decided yet: how sure Kith is
                self.links.setItem(r, 1, item(""))
                bar = confidence_bar(link.confidence)
                bar.setToolTip(f"Not decided yet: Kith is {link.confidence:.0%} sure "
                               "it is theirs")
                self.links.setCellWidget(r, 1, bar)
            self.links.setItem(r, 2, item(link_source(link.source)))
            owner = item("★" if link.is_owner else "")
            owner.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.links.setItem(r, 3, owner)
        fit_columns(self.links, stretch=0)  # the contact's name gets the room left
        parties = [link.party_id for link in info.links]
        if picked in parties:  # the selection stays on the contact the owner picked
            self.links.selectRow(parties.index(picked))
        elif info.links:
            self.links.selectRow(0)
        self._filling = False
        self._enable(bool(info.links))
        self.loaded.emit(handle_id)

    def _enable(self, on: bool) -> None:
        self.confirm_button.setEnabled(on)
        self.dismiss_button.setEnabled(on)
        self.shared_box.setEnabled(self.handle_id is not None)

    def selected_party(self) -> int | None:
        rows = self.links.selectionModel().selectedRows()
        if not rows:
            return None
        return int(self.links.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def select_party(self, party_id: int) -> bool:
        for r in range(self.links.rowCount()):
            if self.links.item(r, 0).data(Qt.ItemDataRole.UserRole) == party_id:
                self.links.selectRow(r)
                return True
        return False

    def confirm_selected(self) -> None:
        self._verdict(handles.confirm, "Confirmed")

    def dismiss_selected(self) -> None:
        self._verdict(handles.dismiss, "Dismissed")

    def _verdict(self, fn: Any, verb: str) -> None:
        party = self.selected_party()
        if self.handle_id is None or party is None:
            return
        self.status.setText(f"{verb}…")

        def done(change: Any) -> None:
            self._own_notice = True
            self.status.setText(change.message(verb))

        self.ctx.write(fn, self.handle_id, party, name=verb.lower(),
                       changes={tasks.HANDLES, tasks.PARTIES}, on_result=done,
                       on_error=self._failed)

    def _on_shared(self, on: bool) -> None:
        if self._filling or self.handle_id is None:
            return
        def done(_result: Any) -> None:
            self._own_notice = True
            self.status.setText("Marked as shared: it never merges contacts by itself." if on
                                else "No longer marked as shared.")

        self.ctx.write(handles.set_shared, self.handle_id, on, name="mark shared",
                       changes={tasks.HANDLES}, on_result=done, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        """An action failed: say why. A failed write still announces its changes, and that
        notice (ours) must not clear the message before the owner read it."""
        self._own_notice = True
        self.status.setText(action_error(exc))

    def _on_link_activated(self, row: int, _col: int) -> None:
        self.openParty.emit(int(self.links.item(row, 0).data(Qt.ItemDataRole.UserRole)))

    def _on_changed(self, topics: frozenset[str]) -> None:
        if self._own_notice:
            self._own_notice = False
        elif topics & {tasks.HANDLES, tasks.PARTIES}:
            self.status.setText("")  # changed elsewhere (an undo): the message may be stale
        if topics & {tasks.HANDLES, tasks.PARTIES, tasks.SOURCES}:
            self.reload_lists()
            if self.handle_id is not None:
                self.open_handle(self.handle_id)

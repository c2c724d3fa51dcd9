"""The contact card: what the owner knows about one person, and where each value came from.

At the top, the photo (or initials), the name, the work line, flags, and the contact's
actions (ui.contact_actions). Then the card itself (ui.contact_card): phones formatted as
the list shows them, emails, web pages, addresses, dates in the locale's words, every extra
line the read model has, labels and notes; empty fields are left out and every value names
its sources. Below, for the details: the fields with their provenance (ui.detail_fields: a
double-click edits one locally, "Use source value" takes a source's back), the handles
with their link state, and the copies the sources hold (ui.detail_copies: "Split off"
makes one its own contact).

The pane never scrolls sideways: columns are fitted to its width whenever it or the contact
changes, texts elide, and the row buttons stay in view (they were off-screen at 1024x700).
With no contact selected it says what it is for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from ui.action_errors import action_error, gone_why
from ui.avatars import initials_pixmap, photo_pixmap
from ui.colours import muted_text
from ui.contact_card import (
    belongs_to,
    card_html,
    fit_columns,
    handle_state,
    source_label,
)
from ui.detail_copies import RECORD_COLUMNS, SPLIT_COLUMN, fill_copies
from ui.detail_fields import fill_fields
from ui.field_labels import FIELD_LABELS, platform_name
from ui.widgets import confidence_bar, item, plain_table, section

if TYPE_CHECKING:
    from app.services.contacts import ContactBundle
    from ui.contact_actions import ContactActions

#: Widest share of the pane the Fields table's name column takes (see _fit_columns).
LABEL_SHARE = 0.36
EMPTY_TEXT = ("<h3>Contact card</h3><p>Select a contact in the list to see their phones, "
              "emails, addresses and dates, and where each value came from.</p>"
              "<p>To add someone, choose <b>New contact</b> (Ctrl+N).</p>")
AVATAR = 80
contacts = service("app.services.contacts")
review = service("app.services.review")


def _fit_height(table: QTableWidget) -> None:
    """Size a table to its rows so the pane scrolls as a whole, not table by table."""
    height = table.horizontalHeader().height() + 4
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(max(height, 40))
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setMinimumWidth(0)


class ContactDetail(QScrollArea):
    #: The owner wants to see this handle's links (handle id).
    openHandle = Signal(int)
    #: A detail finished loading (party id): tests and screenshots wait for it.
    loaded = Signal(int)
    #: A result for the status bar ("Split off …").
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.party_id: int | None = None
        self.bundle: ContactBundle | None = None
        self._filling = False
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.setWidget(body)
        outer = QVBoxLayout(body)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("detailEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.empty, 1)
        self.content = QWidget()
        outer.addWidget(self.content)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.avatar = QLabel()
        self.avatar.setObjectName("detailPhoto")
        self.avatar.setFixedSize(AVATAR, AVATAR)
        self.title = QLabel("")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel("")
        self.subtitle.setWordWrap(True)
        self.flags = QLabel("")
        self.flags.setObjectName("detailFlags")
        self.flags.setWordWrap(True)
        names = QVBoxLayout()
        for label in (self.title, self.subtitle, self.flags):
            names.addWidget(label)
        header.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(names, 1)
        layout.addLayout(header)
        self.action_bar = QHBoxLayout()
        layout.addLayout(self.action_bar)

        self.card = QLabel("")
        self.card.setObjectName("contactCard")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.card.setOpenExternalLinks(True)
        self.more = self.card  # the name earlier code and tests know it by
        layout.addWidget(self.card)

        layout.addWidget(section("Fields and where they come from"))
        self.fields = plain_table(["Field", "Value", "Source"])
        self.fields.setObjectName("detailFields")
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                    | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.fields.itemChanged.connect(self._on_field_edited)
        layout.addWidget(self.fields)

        self.handles_title = section("Emails & phones")
        layout.addWidget(self.handles_title)
        # "How sure", not "Confidence": the shorter title left "anna@example.co…" cut at
        # 800x600; the title's tooltip says whose and how sure.
        self.handles = plain_table(["Type", "Value", "How sure", "State", "Owner"])
        self.handles.horizontalHeaderItem(2).setToolTip(
            "How sure Kith is that the address or number is this contact's")
        self.handles.setObjectName("detailHandles")
        self.handles.cellDoubleClicked.connect(self._on_handle_activated)
        layout.addWidget(self.handles)

        layout.addWidget(section("Copies in your sources"))
        self.records = plain_table(RECORD_COLUMNS)
        self.records.setObjectName("detailRecords")
        layout.addWidget(self.records)
        outer.addStretch(0)
        self.status = QLabel("")
        self.status.setObjectName("detailStatus")
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        ctx.runner.changed.connect(self._on_changed)
        self._clear()

    def set_actions(self, actions: ContactActions) -> None:
        """Buttons for the contact's actions on the card (they follow the actions' state)."""
        for action in (actions.edit, actions.archive, actions.restore, actions.delete,
                       actions.export_selected):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setObjectName(f"card_{action.objectName()}")
            self.action_bar.addWidget(button)
            if action in (actions.archive, actions.restore):
                # One of the two applies: the other leaves room (the pane may be narrow).
                action.changed.connect(lambda b=button, a=action: b.setVisible(a.isEnabled()))
                button.setVisible(action.isEnabled())
        self.action_bar.addStretch(1)

    # -- loading ------------------------------------------------------------------------------
    def show_party(self, party_id: int | None) -> None:
        self.party_id = party_id if party_id is not None and party_id >= 0 else None
        if self.party_id is None:
            self._clear()
            return
        self.reload()

    def reload(self) -> None:
        if self.party_id is None:
            return
        wanted = self.party_id
        self.ctx.read(contacts.detail, wanted, name="contact detail",
                      on_result=lambda bundle: self._fill(wanted, bundle),
                      on_error=lambda exc: self._failed(wanted, exc))

    def _on_changed(self, topics: frozenset[str]) -> None:
        if self.party_id is not None and topics & {tasks.PARTIES, tasks.HANDLES, tasks.REVIEW}:
            self.reload()

    def _failed(self, wanted: int, exc: BaseException) -> None:
        if wanted == self.party_id:
            self._clear()
            self.empty.setText("<h3>This contact is not available any more</h3>"
                               f"<p>{gone_why(exc)}</p>")

    def _clear(self) -> None:
        self.bundle = None
        self.empty.setText(EMPTY_TEXT)
        self.empty.setVisible(True)
        self.content.setVisible(False)
        self.title.setText("")
        self.subtitle.setText("")
        self.flags.setText("")
        self.avatar.clear()
        for table in (self.fields, self.handles, self.records):
            table.setRowCount(0)
        self.card.setText("")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.bundle is not None:
            # The card's greys come from the palette: a theme change paints them anew.
            self.card.setText(card_html(self.bundle.detail, muted_text(self.palette())))

    def _fill(self, wanted: int, bundle: ContactBundle) -> None:
        if wanted != self.party_id:
            return
        if bundle == self.bundle and self.content.isVisible():
            # Reloaded after a change elsewhere (a sync touches thousands of contacts): the
            # same card again costs nothing, where laying it out again cost 10-40 ms.
            self.loaded.emit(bundle.detail.id)
            return
        self.bundle = bundle
        d = bundle.detail
        self.empty.setVisible(False)
        self.content.setVisible(True)
        self.title.setText(d.display_name or "(no name)")
        self.subtitle.setText(" · ".join(x for x in (d.title, d.organization) if x))
        flags = []
        if d.needs_disambiguation:
            flags.append("⚑ Unknown sender: needs review")
        if d.needs_archival_review:
            flags.append("⚑ No source has this contact any more (Archive hides it)")
        if d.archived:
            flags.append("Archived: not in the contact list (Restore brings it back)")
        self.flags.setText("   ".join(flags))
        self.flags.setVisible(bool(flags))
        self.subtitle.setVisible(bool(self.subtitle.text()))
        pix = photo_pixmap(bundle.photo, AVATAR) if bundle.photo else None
        initials = "".join(w[0] for w in (d.display_name or "?").split()[:2]).upper()
        self.avatar.setPixmap(pix or initials_pixmap(initials, d.display_name or str(d.id),
                                                     AVATAR))
        self.avatar.setToolTip("Photo" if pix else "No photo")
        card = card_html(d, muted_text(self.palette()))
        if card != self.card.text():  # laying out rich text is most of a fill's cost
            self.card.setText(card)
        self._fill_fields(d)
        self._fill_handles(d)
        self._fill_records(d, bundle.copy_names)
        self._fit_columns()
        self.horizontalScrollBar().setValue(0)
        self.status.setText("")
        self.loaded.emit(d.id)

    def _fill_fields(self, d: Any) -> None:
        """The fields that have a value (or a local edit), with their provenance."""
        self._filling = True
        fill_fields(self.fields, d, self.take_source_value)
        _fit_height(self.fields)
        self._filling = False

    def _fill_handles(self, d: Any) -> None:
        # No emails or phones: no empty table with only its headings.
        self.handles_title.setVisible(bool(d.handles))
        self.handles.setVisible(bool(d.handles))
        self.handles.setRowCount(len(d.handles))
        for row, h in enumerate(d.handles):
            self.handles.setItem(row, 0, item(platform_name(h.platform), h.id))
            text = h.shown or h.display_value or h.value
            cell = item(text + ("" if h.is_valid else "  (not valid)"))
            cell.setToolTip(f"{text}\nFrom: {', '.join(map(source_label, h.sources)) or 'a link'}")
            self.handles.setItem(row, 1, cell)
            self.handles.setCellWidget(row, 2, confidence_bar(h.confidence))
            self.handles.setItem(row, 3, item(handle_state(h)))
            self.handles.setItem(row, 4, item(belongs_to(h, d.id)))
        # State says what the owner decided, Owner whose it is when not this contact's: an
        # empty State and a column of "this contact" took the room the address needed
        # ("ajohnson@acmegm…" at 1280x800, "kather…" at 800x600).
        self.handles.setColumnHidden(3, not any(handle_state(h) for h in d.handles))
        self.handles.setColumnHidden(4, all(h.resolved_owner == d.id for h in d.handles))
        _fit_height(self.handles)

    def _fill_records(self, d: Any, copy_names: dict[int, str]) -> None:
        fill_copies(self.records, d, copy_names, self.split_record)
        _fit_height(self.records)

    def _fit_columns(self) -> None:
        width = self.viewport().width() - 2 * self.widget().layout().contentsMargins().left()
        # The field's name is short and says what the value is: whole at 800x600 ("Display
        # name" was "Display…" at 26%), the source's file name elides first.
        fit_columns(self.fields, width, stretch=1, buttons=(2,), shares={0: LABEL_SHARE})
        fit_columns(self.handles, width, stretch=1, buttons=())
        fit_columns(self.records, width, stretch=0, buttons=(SPLIT_COLUMN,))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.bundle is not None:
            self._fit_columns()

    # -- actions -----------------------------------------------------------------------------
    def _on_field_edited(self, cell: QTableWidgetItem) -> None:
        if self._filling or cell.column() != 1 or self.party_id is None:
            return
        name = cell.data(Qt.ItemDataRole.UserRole)
        self.edit_field(name, cell.text())

    def edit_field(self, name: str, value: str) -> None:
        if self.party_id is None:
            return
        self.status.setText(f"Saving {FIELD_LABELS.get(name, name)}…")
        self.ctx.write(contacts.edit_field, self.party_id, name, value, name="edit field",
                       changes={tasks.PARTIES}, on_error=self._action_failed)

    def take_source_value(self, name: str) -> None:
        if self.party_id is None:
            return
        self.ctx.write(contacts.take_source_value, self.party_id, name, name="take source value",
                       changes={tasks.PARTIES}, on_error=self._action_failed)

    def split_record(self, record_id: int, text: str = "the copy") -> None:
        """Make a copy a contact of its own, and say so in the status bar: the card only
        lost a row, which was easy to miss."""
        self.ctx.write(review.split_record, record_id, name="split record",
                       changes={tasks.PARTIES, tasks.HANDLES, tasks.REVIEW},
                       on_result=lambda _new: self.message.emit(
                           f"Split off {text}: it is a contact of its own now. History can "
                           "undo it."),
                       on_error=self._action_failed)

    def _action_failed(self, exc: BaseException) -> None:
        self.status.setText(action_error(exc))
        self.reload()

    def _on_handle_activated(self, row: int, _col: int) -> None:
        cell = self.handles.item(row, 0)
        if cell is not None:
            self.openHandle.emit(int(cell.data(Qt.ItemDataRole.UserRole)))


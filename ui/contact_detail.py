"""The contact detail pane: every field with its provenance, inline edits, handles, records.

A double-click (or F2) on a value edits it locally: the edit wins over every source until
"Use source value" takes the source's value back. Handles show their link confidence and
state; double-clicking one opens it in the handle-links view.
"""

from __future__ import annotations

import html
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from ui.avatars import initials_pixmap, photo_pixmap
from ui.widgets import confidence_bar, item, plain_table, section, when

if TYPE_CHECKING:
    from app.services.contacts import ContactBundle

FIELD_LABELS = {
    "display_name": "Display name", "given_name": "Given name", "family_name": "Family name",
    "middle_name": "Middle name", "name_prefix": "Prefix", "name_suffix": "Suffix",
    "nickname": "Nickname", "organization": "Organisation", "title": "Title", "notes": "Notes",
    "birthday": "Birthday",
}
contacts = service("app.services.contacts")
review = service("app.services.review")


@cache
def shown_fields() -> list[str]:
    """The editable fields the pane lists, in the engine's order. Read when the first contact
    is shown: by then a worker has imported the contacts service (see app.services.lazy)."""
    from app.services.contacts import EDITABLE_FIELDS

    return [f for f in EDITABLE_FIELDS if f in FIELD_LABELS]


def _fit(table: QTableWidget) -> None:
    """Size a table to its rows so the pane scrolls as a whole, not table by table."""
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    height = table.horizontalHeader().height() + 4
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(max(height, 40))
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


class ContactDetail(QScrollArea):
    #: The owner wants to see this handle's links (handle id).
    openHandle = Signal(int)
    #: A detail finished loading (party id): tests and screenshots wait for it.
    loaded = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.party_id: int | None = None
        self.bundle: ContactBundle | None = None
        self._filling = False
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        header = QHBoxLayout()
        self.avatar = QLabel()
        self.avatar.setFixedSize(64, 64)
        self.title = QLabel("Select a contact")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel("")
        self.flags = QLabel("")
        self.flags.setObjectName("detailFlags")
        names = QVBoxLayout()
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        names.addWidget(self.flags)
        header.addWidget(self.avatar)
        header.addLayout(names, 1)
        layout.addLayout(header)

        layout.addWidget(section("Fields"))
        self.fields = plain_table(["Field", "Value", "Source", "Updated", ""])
        self.fields.setObjectName("detailFields")
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                    | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.fields.itemChanged.connect(self._on_field_edited)
        layout.addWidget(self.fields)

        layout.addWidget(section("Handles"))
        self.handles = plain_table(["Type", "Value", "Confidence", "State", "Owner"])
        self.handles.setObjectName("detailHandles")
        self.handles.cellDoubleClicked.connect(self._on_handle_activated)
        layout.addWidget(self.handles)

        layout.addWidget(section("Source records"))
        self.records = plain_table(["Source", "External id", "First seen", "Last seen", "State",
                                    ""])
        self.records.setObjectName("detailRecords")
        layout.addWidget(self.records)

        layout.addWidget(section("More"))
        self.more = QLabel("")
        self.more.setWordWrap(True)
        self.more.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.more)
        layout.addStretch(1)
        self.status = QLabel("")
        self.status.setObjectName("detailStatus")
        layout.addWidget(self.status)
        ctx.runner.changed.connect(self._on_changed)
        self._clear()

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
            self.title.setText("Contact not available")
            self.status.setText(tasks.readable_error(exc))

    def _clear(self) -> None:
        self.bundle = None
        self.title.setText("Select a contact")
        self.subtitle.setText("")
        self.flags.setText("")
        self.avatar.clear()
        for table in (self.fields, self.handles, self.records):
            table.setRowCount(0)
        self.more.setText("")

    def _fill(self, wanted: int, bundle: ContactBundle) -> None:
        if wanted != self.party_id:
            return
        self.bundle = bundle
        d = bundle.detail
        self.title.setText(d.display_name or "(no name)")
        self.subtitle.setText(" · ".join(x for x in (d.title, d.organization) if x))
        flags = []
        if d.needs_disambiguation:
            flags.append("⚑ Unknown sender: needs review")
        if d.needs_archival_review:
            flags.append("⚑ No live source left: review for archiving")
        if d.archived:
            flags.append("Archived")
        self.flags.setText("   ".join(flags))
        pix = photo_pixmap(bundle.photo, 64) if bundle.photo else None
        initials = "".join(w[0] for w in (d.display_name or "?").split()[:2]).upper()
        self.avatar.setPixmap(pix or initials_pixmap(initials, d.display_name or str(d.id), 64))
        self._fill_fields(d)
        self._fill_handles(d)
        self._fill_records(d)
        self._fill_more(d)
        self.status.setText("")
        self.loaded.emit(d.id)

    def _fill_fields(self, d: Any) -> None:
        self._filling = True
        prov = {f.name: f for f in d.fields}
        fields = shown_fields()
        self.fields.setRowCount(len(fields))
        for row, name in enumerate(fields):
            p = prov.get(name)
            value = getattr(d, name, "") if hasattr(d, name) else (p.value if p else "")
            if value in (None, "") and p is not None:
                value = p.value
            self.fields.setItem(row, 0, item(FIELD_LABELS[name], name))
            cell = QTableWidgetItem(str(value or ""))
            cell.setData(Qt.ItemDataRole.UserRole, name)
            cell.setToolTip("Double-click to edit; your edit wins over every source")
            self.fields.setItem(row, 1, cell)
            source = "✎ local edit" if p and p.is_local else (p.source if p else "")
            self.fields.setItem(row, 2, item(source))
            self.fields.setItem(row, 3, item(when(p.updated_at) if p else ""))
            if p and p.is_local:
                button = QPushButton("Use source value")
                button.setObjectName(f"takeSource_{name}")
                button.clicked.connect(lambda _=False, n=name: self.take_source_value(n))
                self.fields.setCellWidget(row, 4, button)
            else:
                self.fields.removeCellWidget(row, 4)
                self.fields.setItem(row, 4, item(""))
            for col in (0, 2, 3, 4):
                cell_item = self.fields.item(row, col)
                if cell_item is not None:
                    cell_item.setFlags(cell_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        _fit(self.fields)
        self._filling = False

    def _fill_handles(self, d: Any) -> None:
        self.handles.setRowCount(len(d.handles))
        for row, h in enumerate(d.handles):
            self.handles.setItem(row, 0, item(h.platform, h.id))
            text = h.display_value or h.value
            self.handles.setItem(row, 1, item(text + ("" if h.is_valid else "  (not valid)")))
            self.handles.setCellWidget(row, 2, confidence_bar(h.confidence))
            states = []
            if h.dismissed:
                states.append("dismissed")
            elif h.confirmed:
                states.append("confirmed")
            if h.resolved_owner == d.id:
                states.append("owner")
            if h.is_shared:
                states.append("shared")
            self.handles.setItem(row, 3, item(", ".join(states) or "candidate"))
            owner = h.resolved_owner_name if h.resolved_owner not in (None, d.id) else ""
            self.handles.setItem(row, 4, item(owner or ("—" if h.resolved_owner is None else "")))
        _fit(self.handles)

    def _fill_records(self, d: Any) -> None:
        can_split = len(d.records) > 1
        self.records.setRowCount(len(d.records))
        for row, r in enumerate(d.records):
            self.records.setItem(row, 0, item(f"{r.provider}: {r.account}", r.id))
            self.records.setItem(row, 1, item(r.external_id))
            self.records.setItem(row, 2, item(when(r.first_seen)))
            self.records.setItem(row, 3, item(when(r.last_seen)))
            self.records.setItem(row, 4, item("deleted at source" if r.deleted_at else "live"))
            button = QPushButton("Split off")
            button.setEnabled(can_split)
            button.setToolTip("Make this record its own contact" if can_split else
                              "Needs a contact made of two or more records")
            button.clicked.connect(lambda _=False, rid=r.id: self.split_record(rid))
            self.records.setCellWidget(row, 5, button)
        _fit(self.records)

    def _fill_more(self, d: Any) -> None:
        """Labels, dates, addresses and web pages, each with where it came from. The same
        value from several sources (a birthday in both the phone and the CardDAV copy) is one
        line naming every source."""
        entries: dict[tuple[str, str], list[str]] = {}
        for x in d.dates:
            entries.setdefault((x["kind"].title(), x["date"]), []).append(x["source"])
        for a in d.addresses:
            text = ", ".join(v for v in (a["street"], a["postal_code"] + " " + a["locality"],
                                         a["region"], a["country"]) if v.strip())
            entries.setdefault(((a["label"] or "Address").title(), text), []).append(
                a["source"])
        for u in d.urls:
            entries.setdefault(("Web", u["url"]), []).append(u["source"])
        parts = ["<b>Labels:</b> " + html.escape(", ".join(d.labels))] if d.labels else []
        for (label, value), sources in entries.items():
            origin = ", ".join(dict.fromkeys(sources))
            parts.append(f"<b>{html.escape(label)}:</b> {html.escape(value)} "
                         f"<i>({html.escape(origin)})</i>")
        self.more.setText("<br>".join(parts) or "—")

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

    def split_record(self, record_id: int) -> None:
        self.ctx.write(review.split_record, record_id, name="split record",
                       changes={tasks.PARTIES, tasks.HANDLES, tasks.REVIEW},
                       on_error=self._action_failed)

    def _action_failed(self, exc: BaseException) -> None:
        self.status.setText(tasks.readable_error(exc))
        self.reload()

    def _on_handle_activated(self, row: int, _col: int) -> None:
        cell = self.handles.item(row, 0)
        if cell is not None:
            self.openHandle.emit(int(cell.data(Qt.ItemDataRole.UserRole)))

"""The contact editor: every field of a contact, in tabs that fit an 800x600 screen.

It edits a :class:`core.views.contact_draft.ContactDraft` and hands the edited copy back
(``accepted_draft``); it never touches the database. Cancel, Escape or closing the window
with changes asks before throwing them away (Escape used to drop a page of typing
silently). Values a source holds are shown greyed with where they come from: an email or
phone can be removed ("not this person's", a decision undoable in History), an address,
date or web page stays as its source has it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.views.contact_draft import (
    ContactDraft,
    DraftAddress,
    DraftDate,
    DraftValue,
)
from ui.contact_card import source_label
from ui.country_field import VALUE, CountryDelegate
from ui.country_names import country_label, country_value
from ui.field_labels import NAME_FIELDS

ADDRESS_COLUMNS = (("label", "Label"), ("street", "Street"), ("postal_code", "Postcode"),
                   ("locality", "City"), ("region", "Region"), ("country", "Country"))
DATE_KINDS = {"birthday": "Birthday", "anniversary": "Anniversary"}
#: Under the tabs when some values come from a source (they are greyed).
SOURCE_NOTE = ("Greyed values come from a source (see From) and are changed there; an email "
               "or phone that is not this person's can be removed.")


class Coded(NamedTuple):
    """A column whose cells show a label for the value they keep (``VALUE``): a country's
    name for its ISO code."""

    label: Callable[[str], str]
    value: Callable[[str], str]


class _ListEditor(QWidget):
    """A small table of values with Add and Remove; rows a source holds are read-only."""

    def __init__(self, columns: list[str], what: str, removable_sources: bool,
                 coded: dict[int, Coded] | None = None) -> None:
        super().__init__()
        self.columns = columns
        self.coded = coded or {}
        self.removable_sources = removable_sources
        self.table = QTableWidget(0, len(columns) + 1)
        self.table.setHorizontalHeaderLabels([*columns, "From"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.add_button = QPushButton(f"Add {what}")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(lambda: self.add_row([""] * len(columns)))
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemSelectionChanged.connect(self._update)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.rows: list[object] = []  # the draft item behind each row (None: a new row)
        self.sources: list[str] = []  # where each row's value comes from ("": the owner)
        self._update()

    def add_row(self, texts: list[str], source: str = "", original: object = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        grey = QBrush(self.palette().color(QPalette.ColorGroup.Disabled,
                                           QPalette.ColorRole.Text))
        for col, text in enumerate([*texts, source_label(source) if source else "you"]):
            coded = self.coded.get(col)
            cell = QTableWidgetItem(coded.label(text) if coded else text)
            if coded:
                cell.setData(VALUE, text)
            if source or col == len(texts):
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if source:
                    cell.setForeground(grey)
                    cell.setToolTip(f"From {source_label(source)}: change it there")
            self.table.setItem(row, col, cell)
        self.rows.append(original)
        self.sources.append(source)
        if not source:
            self.table.setCurrentCell(row, 0)
        return row

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row >= 0 and self._removable(row):
            self.table.removeRow(row)
            del self.rows[row]
            del self.sources[row]
        self._update()

    def _removable(self, row: int) -> bool:
        return not self.sources[row] or self.removable_sources

    def _update(self) -> None:
        row = self.table.currentRow()
        self.remove_button.setEnabled(row >= 0 and self._removable(row))

    def texts(self) -> list[tuple[list[str], object]]:
        """Each row's texts with the draft item it came from (None for a new row)."""
        out = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(len(self.columns))]
            out.append(([self._value(col, c) for col, c in enumerate(cells)], self.rows[row]))
        return out

    def _value(self, col: int, cell: QTableWidgetItem | None) -> str:
        """A cell's value: its text, or for a coded column the value it keeps (the text
        read as a value when it was set without one)."""
        text = cell.text().strip() if cell else ""
        coded = self.coded.get(col)
        if coded is None or cell is None:
            return text
        kept = cell.data(VALUE)
        if isinstance(kept, str) and coded.label(kept) == text:
            return kept
        return coded.value(text)


class ContactEditor(QDialog):
    """Edit a contact; ``accepted_draft`` carries the edited copy when the owner saves."""

    accepted_draft = Signal(object)

    def __init__(self, draft: ContactDraft, *, new: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactEditor")
        self.draft = copy.deepcopy(draft)
        name = draft.shown_name()
        self.setWindowTitle("New contact" if new else f"Edit {name or 'contact'}")
        self.tabs = QTabWidget()
        self.line: dict[str, QLineEdit] = {}
        names = QWidget()
        form = QFormLayout(names)
        for key, label in NAME_FIELDS.items():
            edit = QLineEdit(draft.fields.get(key, ""))
            edit.setObjectName(f"edit_{key}")
            if key == "display_name":
                edit.setPlaceholderText("Made from the name when empty")
            self.line[key] = edit
            form.addRow(f"{label}:", edit)
        self.tabs.addTab(names, "&Name and work")

        self.phones = _ListEditor(["Phone", "Label"], "phone", removable_sources=True)
        self.emails = _ListEditor(["Email", "Label"], "email", removable_sources=True)
        for editor, values in ((self.phones, draft.phones), (self.emails, draft.emails)):
            for v in values:
                editor.add_row([v.value, v.label], v.source, v)
        reach = QWidget()
        reach_layout = QVBoxLayout(reach)
        reach_layout.addWidget(QLabel("Phones"))
        reach_layout.addWidget(self.phones, 1)
        reach_layout.addWidget(QLabel("Emails"))
        reach_layout.addWidget(self.emails, 1)
        self.tabs.addTab(reach, "&Phones and emails")

        country = [c[0] for c in ADDRESS_COLUMNS].index("country")
        self.addresses = _ListEditor([c[1] for c in ADDRESS_COLUMNS], "address",
                                     removable_sources=False,
                                     coded={country: Coded(country_label, country_value)})
        self.addresses.table.setItemDelegateForColumn(
            country, CountryDelegate(self.addresses.table))
        for a in draft.addresses:
            self.addresses.add_row([getattr(a, c[0]) for c in ADDRESS_COLUMNS], a.source, a)
        self.tabs.addTab(self.addresses, "&Addresses")

        self.dates = _ListEditor(["Kind", "Day", "Month", "Year", "Label"], "date",
                                 removable_sources=False)
        for d in draft.dates:
            self.dates.add_row([DATE_KINDS.get(d.kind, d.kind), str(d.day), str(d.month),
                                str(d.year or ""), d.label], d.source, d)
        self.dates.table.setToolTip("Kind: Birthday or Anniversary; the year may stay empty")
        self.urls = _ListEditor(["Web page", "Label"], "web page", removable_sources=False)
        for u in draft.urls:
            self.urls.add_row([u.value, u.label], u.source, u)
        more = QWidget()
        more_layout = QVBoxLayout(more)
        more_layout.addWidget(QLabel("Birthdays and anniversaries"))
        more_layout.addWidget(self.dates, 1)
        more_layout.addWidget(QLabel("Web pages"))
        more_layout.addWidget(self.urls, 1)
        self.tabs.addTab(more, "&Dates and web")

        self.notes = QPlainTextEdit(draft.fields.get("notes", ""))
        self.notes.setObjectName("edit_notes")
        self.tabs.addTab(self.notes, "N&otes")

        self.error = QLabel("")
        self.error.setObjectName("editorError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        # Greyed rows said why only in a tooltip: a new user took them for a broken form.
        sourced = any(v.source for v in (*draft.phones, *draft.emails, *draft.addresses,
                                         *draft.dates, *draft.urls))
        self.source_note = QLabel(SOURCE_NOTE)
        self.source_note.setObjectName("editorSourceNote")
        self.source_note.setWordWrap(True)
        self.source_note.setVisible(sourced)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.source_note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 480)
        # Typing starts with the first name (the tab bar had the focus: Ctrl+N, then typing
        # a name, typed nothing).
        self.line["given_name"].setFocus()
        #: Asks whether to drop the owner's changes (True: drop them); tests may answer.
        self.confirm_discard: Callable[[], bool] = self._ask_discard
        self._baseline = self._snapshot()

    def _snapshot(self) -> ContactDraft | None:
        """What the dialog shows, comparable with a later one (None: a value is invalid)."""
        try:
            return self.edited()
        except ValueError:
            return None

    def has_changes(self) -> bool:
        """The owner changed something since the dialog opened."""
        now = self._snapshot()
        return now is None or now != self._baseline

    def reject(self) -> None:
        """Cancel, Escape or the window's close button: changes are dropped only when the
        owner says so."""
        if self.has_changes() and not self.confirm_discard():
            return
        super().reject()

    def _ask_discard(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Discard changes?",
                          "Discard your changes to this contact?",
                          QMessageBox.StandardButton.NoButton, self)
        discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is discard

    def edited(self) -> ContactDraft:
        """The draft as the dialog shows it now; ValueError names a value that is wrong."""
        out = copy.deepcopy(self.draft)
        for key, edit in self.line.items():
            out.fields[key] = edit.text().strip()
        out.fields["notes"] = self.notes.toPlainText().strip()
        out.phones = self._values(self.phones)
        out.emails = self._values(self.emails)
        out.urls = self._values(self.urls)
        out.addresses = []
        for texts, original in self.addresses.texts():
            if isinstance(original, DraftAddress) and original.source:
                out.addresses.append(original)
                continue
            address = DraftAddress(**dict(zip([c[0] for c in ADDRESS_COLUMNS], texts,
                                              strict=True)))
            if not address.is_blank():
                out.addresses.append(address)
        out.dates = []
        for number, (texts, original) in enumerate(self.dates.texts(), start=1):
            if isinstance(original, DraftDate) and original.source:
                out.dates.append(original)
            elif any(texts[1:4]):
                out.dates.append(_date(number, texts))
        return out

    @staticmethod
    def _values(editor: _ListEditor) -> list[DraftValue]:
        values = []
        for texts, original in editor.texts():
            if isinstance(original, DraftValue) and original.source:
                values.append(original)  # a source's value stays as it is
            elif texts[0]:
                values.append(DraftValue(texts[0], texts[1],
                                         handle_id=getattr(original, "handle_id", None)))
        return values

    def save(self) -> None:
        try:
            draft = self.edited()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        if not (draft.shown_name() or draft.phones or draft.emails):
            self.error.setText("Give the contact a name, an organisation, a phone or an email.")
            return
        self.accepted_draft.emit(draft)
        self.accept()


def _date(number: int, texts: list[str]) -> DraftDate:
    kind_text, day, month, year, label = texts
    kinds = {v.casefold(): k for k, v in DATE_KINDS.items()}
    kind = kinds.get(kind_text.casefold(), "birthday" if not kind_text else "")
    if not kind:
        raise ValueError(f"Date {number}: the kind is “Birthday” or “Anniversary”")
    try:
        d, m = int(day), int(month)
        y = int(year) if year else None
    except ValueError:
        raise ValueError(f"Date {number}: day, month and year are numbers") from None
    if not (1 <= m <= 12 and 1 <= d <= 31) or (y is not None and not 1 <= y <= 9999):
        raise ValueError(f"Date {number}: {day}.{month}. is not a day of the year")
    return DraftDate(kind, m, d, y, label)

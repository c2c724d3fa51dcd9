"""The contact card's "Fields and where they come from" table: each field that has a value
(or the owner's edit), the source it comes from, and for an edit a "Use source value"
button that drops it. A double-click edits a value in place (ui.contact_detail saves it).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget, QTableWidgetItem

from ui.contact_card import locale_date, source_label
from ui.field_labels import FIELD_LABELS
from ui.widgets import item, when


@cache
def shown_fields() -> list[str]:
    """The editable fields the pane lists, in the engine's order. Read when the first contact
    is shown: by then a worker has imported the contacts service (see app.services.lazy)."""
    from app.services.contacts import EDITABLE_FIELDS

    return [f for f in EDITABLE_FIELDS if f in FIELD_LABELS]


def field_rows(d: Any) -> list[tuple[str, str, Any]]:
    """(field, value, provenance) for each field with a value or a local edit."""
    prov = {f.name: f for f in d.fields}
    rows = []
    for name in shown_fields():
        p = prov.get(name)
        value = getattr(d, name, "") if hasattr(d, name) else (p.value if p else "")
        if value in (None, "") and p is not None:
            value = p.value
        if value not in (None, "") or (p is not None and p.is_local):
            rows.append((name, "" if value is None else str(value), p))
    return rows


def fill_fields(table: QTableWidget, d: Any, take_source: Callable[[str], None]) -> None:
    """Fill ``table`` (Field, Value, Source) for the contact ``d``; ``take_source(name)``
    is what a field's "Use source value" button calls."""
    rows = field_rows(d)
    table.setRowCount(len(rows))
    for row, (name, value, p) in enumerate(rows):
        table.setItem(row, 0, item(FIELD_LABELS[name], name))
        shown = locale_date(value) if name == "birthday" else value
        cell = QTableWidgetItem(shown)
        cell.setData(Qt.ItemDataRole.UserRole, name)
        if name == "birthday":
            cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
            cell.setToolTip("Change dates with Edit contact")
        else:
            cell.setToolTip(f"{value}\n\nDouble-click to edit; your edit wins over every "
                            "source")
        table.setItem(row, 1, cell)
        source = ("✎ local edit" if p and p.is_local
                  else source_label(p.source) if p else "")
        source_cell = item(source)
        source_cell.setToolTip(f"{source_label(source)}, {when(p.updated_at)}" if p else "")
        table.setItem(row, 2, source_cell)
        if p and p.is_local:  # the owner's edit: its source cell takes the source back
            button = QPushButton("Use source value")
            button.setObjectName(f"takeSource_{name}")
            button.setToolTip(f"Your edit ({when(p.updated_at)}): click to drop it and "
                              "show what the source says")
            button.clicked.connect(lambda _=False, n=name: take_source(n))
            table.setCellWidget(row, 2, button)
        else:
            table.removeCellWidget(row, 2)
        for col in (0, 2):
            cell_item = table.item(row, col)
            if cell_item is not None:
                cell_item.setFlags(cell_item.flags() & ~Qt.ItemFlag.ItemIsEditable)

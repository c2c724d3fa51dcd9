"""The contact card's "Copies in your sources" table: each source's copy of the contact,
whether the source still has it, and "Split off" to make one a contact of its own.

The engine calls these source records and a present one "live"; the owner reads which
source holds a copy and whether it is "still there" or "removed" there, with the times in
the state's tooltip. A copy that goes by another name there is named first ("“Kate M.” in
vCard phone.vcf"): three copies from one book read alike, and at 800x600 the text elides
from its end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QPushButton, QTableWidget

from ui.contact_card import source_label
from ui.widgets import item, when

#: Which source, whether it still has the copy, and "Split off". The state and its times
#: share one column (a "Last seen" column cut the source's name to "vC…" at 800x600).
RECORD_COLUMNS = ["Source", "At the source", ""]
SPLIT_COLUMN = 2


def copy_text(source: str, copy_name: str, card_name: str) -> str:
    """A copy's row: its source, after the name it goes by there when that is not the
    card's ("“Kate M.” in vCard phone.vcf"), so copies of one source read apart."""
    if copy_name and copy_name.casefold() != (card_name or "").casefold():
        return f"“{copy_name}” in {source}"
    return source


def record_state(record: Any, source: str) -> tuple[str, str]:
    """A copy's state in the owner's words ("still there", "removed") and the tooltip that
    says when: "live" was the engine's word for a record its source still has."""
    # The times after a colon: ``when`` says "Yesterday 18:41", capitalised.
    if record.deleted_at is not None:
        return "removed", (f"Removed from {source}. Kith noticed it: "
                           f"{when(record.deleted_at)}.\nKith keeps what it had; split it off "
                           "or archive the contact if you no longer want it.")
    return "still there", (f"Still in {source}.\nLast read: {when(record.last_seen)}; first "
                           f"read: {when(record.first_seen)}.")


def fill_copies(table: QTableWidget, d: Any, copy_names: dict[int, str],
                split: Callable[[int, str], None]) -> None:
    """The copies of PartyDetail ``d``; "Split off" calls ``split(record id, its text)``
    (only when there are two or more: one copy cannot be split off)."""
    can_split = len(d.records) > 1
    table.setRowCount(len(d.records))
    for row, r in enumerate(d.records):
        name = source_label(f"{r.provider}:{r.account}")
        text = copy_text(name, copy_names.get(r.id, ""), d.display_name)
        source = item(text, r.id)
        # The text first: at 800x600 it elides, and the tooltip shows it whole.
        source.setToolTip(f"{text}\nIts id there: {r.external_id}")
        table.setItem(row, 0, source)
        words, tip = record_state(r, name)
        state = item(words)
        state.setToolTip(tip)
        table.setItem(row, 1, state)
        if not can_split:
            table.removeCellWidget(row, SPLIT_COLUMN)
            continue
        button = QPushButton("Split off")
        button.setObjectName(f"splitRecord_{row}")
        button.setToolTip("Make this copy its own contact")
        button.clicked.connect(lambda _=False, rid=r.id, t=text: split(rid, t))
        table.setCellWidget(row, SPLIT_COLUMN, button)
    # One copy cannot be split off: no column of disabled buttons, and the source's name
    # gets the room ("you (t…" at 800x600).
    table.setColumnHidden(SPLIT_COLUMN, not can_split)

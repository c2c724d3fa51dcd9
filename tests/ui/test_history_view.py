"""History: entries read as sentences with names and readable values (no row ids), field
edits are listed, nothing is pre-selected, the selection stays put across reloads."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.db.models import Handle
from core.ingest.fields import edit_field
from core.match.decisions import confirm_handle_link
from core.match.merge import merge_parties
from tests.ui.test_review import add_kate_pair
from ui.history_view import HistoryView


def history_for(qtbot, ctx) -> HistoryView:  # noqa: ANN001
    view = HistoryView(ctx)
    qtbot.addWidget(view)
    view.show()
    return view


def test_empty_history_says_what_it_is_for(qtbot, ctx) -> None:  # noqa: ANN001
    view = history_for(qtbot, ctx)
    view.start()
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.empty, timeout=5000)
    assert "undone" in view.empty.text()
    assert not view.undo_button.isEnabled()


def test_entries_are_sentences_with_names_and_formatted_values(qtbot, ctx, people) -> None:  # noqa: ANN001
    kate, katherine = add_kate_pair(ctx.db, people)
    with ctx.db.session() as session:
        merge_parties(session, [kate, katherine], keep_id=kate)
        hid = session.scalar(select(Handle.id).where(Handle.value == "+49301234567"))
        confirm_handle_link(session, hid, people["anna"])
        edit_field(session, people["bjorn"], "nickname", "Bjö")
        session.commit()
    view = history_for(qtbot, ctx)
    view.start()
    qtbot.waitUntil(lambda: len(view.rows) == 3, timeout=5000)
    sentences = [view.table.item(r, 2).text() for r in range(view.table.rowCount())]
    assert "Merged Kate Müller and Katherine Müller" in sentences
    assert "+49 30 1234567 belongs to Anna Müller" in sentences
    assert any(s.startswith("Edited the nickname of Björn Johansson")
               or s.startswith("Changed the nickname of Björn Johansson") for s in sentences)
    assert not any(re.search(r"\[\d+\]", s) for s in sentences)  # no row ids
    assert "+49301234567" not in " ".join(sentences)
    assert view.table.item(0, 1).text() in {"Edited", "Confirmed", "Merged"}
    # Nothing pre-selected; the edit cannot be undone here, a decision can.
    assert not view.table.selectionModel().selectedRows()
    assert not view.undo_button.isEnabled()
    edit_row = next(r for r, d in enumerate(view.rows) if d.kind == "edit")
    view.table.selectRow(edit_row)
    assert not view.undo_button.isEnabled()
    merge_row = next(r for r, d in enumerate(view.rows) if d.kind == "merge")
    view.table.selectRow(merge_row)
    assert view.undo_button.isEnabled()
    # The selection stays on the same entry when the list reloads.
    key = view.rows[merge_row].key
    view.reload()
    qtbot.wait(300)
    qtbot.waitUntil(lambda: not ctx.runner.busy(), timeout=5000)
    picked = view.table.selectionModel().selectedRows()
    assert picked and view.rows[picked[0].row()].key == key

"""Contact list: search narrows (diacritics-insensitive, in SQL), filters, keyboard, and the
lazy model passes qtmodeltester."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.services import contacts
from core.tasks import TaskState
from core.views.party import PartyRow
from ui.contact_model import (
    EMAIL,
    NAME,
    READ_AHEAD_WINDOW,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    ContactListModel,
)


def names(window) -> list[str]:  # noqa: ANN001
    model = window.contact_list.model
    return [model.cached(pid).display_name for pid in model.ids() if model.cached(pid)]


def wait_rows(qtbot, window, count: int) -> None:  # noqa: ANN001
    model = window.contact_list.model
    qtbot.waitUntil(lambda: model.rowCount() == count
                    and all(model.cached(pid) for pid in model.ids()), timeout=5000)


def wait_names(qtbot, window, expected: list[str]) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: sorted(names(window)) == sorted(expected)
                    and window.contact_list.model.rowCount() == len(expected), timeout=5000)


def test_list_shows_every_party_with_rows(qtbot, window, people) -> None:  # noqa: ANN001
    wait_rows(qtbot, window, 6)
    model = window.contact_list.model
    row = model.row_of(people["anna"])
    assert model.index(row, NAME).data() == "Anna Müller"
    assert model.index(row, EMAIL).data() == "anna@example.com"
    assert model.index(row, NAME).data(Qt.ItemDataRole.DecorationRole) is not None
    assert window.contact_list.count_label.text() == "6 contacts"


def test_search_narrows_the_list_without_diacritics(qtbot, window, people) -> None:  # noqa: ANN001
    panel = window.contact_list
    qtbot.keyClicks(panel.search, "muller")
    wait_names(qtbot, window, ["Anna Müller"])
    panel.search.clear()
    wait_rows(qtbot, window, 6)
    qtbot.keyClicks(panel.search, "example.org")  # by email
    wait_names(qtbot, window, ["Björn Johansson"])
    panel.search.setText("globex")  # by organisation
    wait_names(qtbot, window, ["Chloé Dubois"])
    panel.search.setText("+4930")  # by phone
    wait_names(qtbot, window, ["Anna Müller"])
    panel.search.setText("nobody-like-this")
    wait_rows(qtbot, window, 0)
    assert panel.count_label.text() == "0 contacts"


def test_a_letter_typed_while_a_page_loads_narrows_that_page(qtbot, window,
                                                             people) -> None:  # noqa: ANN001
    """A search typed over another one ("an" after selecting "nobody..."), fast: the page
    of "a" arrives while "n" waits. It is not painted, but "an" is narrowed from it (refined,
    no SQL over every contact), not searched afresh because the list still shows the old
    search, which it cannot narrow."""
    panel = window.contact_list
    panel.search.setText("nobody-like-this")
    wait_rows(qtbot, window, 0)
    pages: list[Any] = []
    show_first = panel._show_first  # noqa: SLF001 - what the searches deliver
    panel._show_first = lambda page, *rest: (pages.append(page), show_first(page, *rest))  # noqa: SLF001
    panel.search.setText("a")
    panel.search.setText("an")  # typed before the page of "a" came back
    wait_names(qtbot, window, ["Anna Müller"])
    assert [(p.query.search, p.refined) for p in pages] == [("a", False), ("an", True)]


def test_a_change_saved_while_a_search_runs_is_searched_again(qtbot, window, people,  # noqa: ANN001
                                                              monkeypatch) -> None:
    """The owner undoes a delete and types the contact's address at once: the search read
    the database just before the undo was saved. Its page is stale, so the list searches
    again (it used to keep the empty page: the waiting re-run was the same query)."""
    from app import tasks
    from core.views.contact_draft import ContactDraft, DraftValue

    panel = window.contact_list
    wait_rows(qtbot, window, len(names(window)) or 1)
    first_page = contacts.first_page
    saved: list[int] = []

    def read_then_someone_saves(*args: Any, **kwargs: Any) -> Any:
        page = first_page(*args, **kwargs)
        if not saved:  # the write lands after this read, and is announced before it returns
            draft = ContactDraft()
            draft.fields.update(given_name="Ola", family_name="Nordmann")
            draft.emails = [DraftValue("ola@example.no")]
            saved.append(contacts.create(window.ctx.db, draft, state=TaskState()))
            window.ctx.runner.changed.emit(frozenset({tasks.PARTIES}))
        return page

    monkeypatch.setattr(contacts, "first_page", read_then_someone_saves)
    panel.search.setText("ola@example.no")
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    wait_names(qtbot, window, ["Ola Nordmann"])


def test_filters_needs_review_label_and_source(qtbot, window, people) -> None:  # noqa: ANN001
    panel = window.contact_list
    qtbot.waitUntil(lambda: panel.filter.count() > 3, timeout=5000)
    panel.filter.setCurrentIndex(1)  # Needs review
    wait_rows(qtbot, window, 1)
    assert window.contact_list.model.ids() == [people["stranger"]]
    panel.filter.setCurrentIndex(panel.filter.findText("Label: Friends"))
    wait_names(qtbot, window, ["Anna Müller", "Chloé Dubois"])
    panel.filter.setCurrentIndex(panel.filter.findText("Source: mail@dav.example (CardDAV)"))
    wait_names(qtbot, window, ["Chloé Dubois", "José García", "Liam Smith"])


def test_keyboard_moves_from_search_into_the_list(qtbot, window, people) -> None:  # noqa: ANN001
    wait_rows(qtbot, window, 6)
    panel = window.contact_list
    panel.focus_search()
    with qtbot.waitSignal(panel.partySelected, timeout=3000):
        qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert panel.selected_party() == panel.model.party_id(0)
    with qtbot.waitSignal(window.detail.loaded, timeout=3000):
        qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert panel.selected_party() == panel.model.party_id(1)


def test_model_passes_qtmodeltester(qtmodeltester, db, people) -> None:  # noqa: ANN001
    ids = contacts.search_ids(db, contacts.ListQuery(), state=TaskState())

    def fetch(wanted, deliver, _ahead) -> None:  # noqa: ANN001 - synchronous fetcher for the tester
        deliver(contacts.rows(db, wanted, state=TaskState()))

    model = ContactListModel(fetch)
    model.set_ids(ids)
    qtmodeltester.check(model, force_py=True)
    model.invalidate()
    qtmodeltester.check(model, force_py=True)


def test_model_builds_rows_lazily(qtbot) -> None:  # noqa: ANN001
    requested: list[list[int]] = []
    model = ContactListModel(lambda ids, deliver, _ahead: requested.append(ids))
    model.set_ids(list(range(1, 100_001)))
    assert model.rowCount() == 100_000
    assert model.index(50_000, NAME).data() == "…"
    assert len(requested) == 1 and 0 < len(requested[0]) <= WINDOW_BEFORE + WINDOW_AFTER
    assert 50_001 in requested[0]
    model.index(50_001, NAME).data()  # already pending: no second request
    assert len(requested) == 1


@pytest.mark.parametrize(("loaded", "window"), [(80, WINDOW_AFTER), (500, READ_AHEAD_WINDOW)])
def test_model_reads_ahead_from_the_first_gap(qtbot, loaded: int, window: int) -> None:  # noqa: ANN001
    """Painting cached rows asks for the rows behind them before the owner scrolls there:
    from the first missing row, a small window when the gap is near, a big one when far."""
    requested: list[tuple[list[int], bool]] = []
    model = ContactListModel(lambda ids, deliver, ahead: requested.append((ids, ahead)))
    ids = list(range(1, 100_001))
    rows = [PartyRow(i, f"Person {i}", "", "", "", ["vcard"], False, False)
            for i in ids[:loaded]]
    model.set_ids(ids, rows)
    assert model.index(0, NAME).data() == "Person 1"  # on screen at once, no placeholder
    assert len(requested) == 1
    wanted, ahead = requested[0]
    assert ahead and wanted == ids[loaded:loaded + window]
    model.index(1, NAME).data()  # later paints read further ahead, never a row twice
    asked = [pid for wanted, _ in requested for pid in wanted]
    assert len(asked) == len(set(asked)) and asked == ids[loaded:loaded + len(asked)]


def test_model_repaints_only_rows_painted_while_missing(qtbot) -> None:  # noqa: ANN001
    """Rows read ahead arrive silently (no repaint of the list); rows that were painted as
    placeholders are repainted when theirs arrive."""
    calls: list[tuple[list[int], Any, bool]] = []
    model = ContactListModel(lambda ids, deliver, ahead: calls.append((ids, deliver, ahead)))
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: changed.append((top.row(), bottom.row())))
    ids = list(range(1, 100_001))

    def rows(wanted: list[int]) -> list[PartyRow]:
        return [PartyRow(i, f"Person {i}", "", "", "", [], False, False) for i in wanted]

    model.set_ids(ids, rows(ids[:500]))
    model.index(0, NAME).data()  # painting the top reads ahead from row 500
    (ahead_ids, deliver_ahead, ahead), = calls
    assert ahead
    deliver_ahead(rows(ahead_ids))
    assert changed == []  # nothing painted was missing: no repaint
    assert model.index(600, NAME).data() == "Person 601"

    assert model.index(50_000, NAME).data() == "…"  # painted as a placeholder
    visible_ids, deliver_visible, ahead = calls[-1]
    assert not ahead and 50_001 in visible_ids
    deliver_visible(rows(visible_ids))
    assert changed == [(50_000, 50_000)]
    assert model.index(50_000, NAME).data() == "Person 50001"


def test_an_empty_result_says_why_and_what_to_do(qtbot, window, people) -> None:  # noqa: ANN001
    """A search that matched nobody left a blank white table: the list now says which search
    found nobody and how to get everyone back, and the words go once rows are back."""
    panel = window.contact_list
    hint = panel.empty_hint
    wait_rows(qtbot, window, 6)
    assert not hint.isVisible()
    panel.search.setText("zzqx")
    wait_rows(qtbot, window, 0)
    qtbot.waitUntil(hint.isVisible, timeout=5000)
    assert "No contact matches “zzqx”" in hint.text() and "Esc" in hint.text()
    assert hint.geometry() == panel.table.viewport().rect()
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    wait_rows(qtbot, window, 6)
    assert not hint.isVisible()
    panel.filter.setCurrentIndex(2)  # "Archived": nobody is
    wait_rows(qtbot, window, 0)
    qtbot.waitUntil(hint.isVisible, timeout=5000)
    assert hint.text().startswith("No archived contacts")

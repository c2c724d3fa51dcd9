"""The address-book actions in the window: create, edit, archive/restore, delete with undo in
History, export; each enabled only when it can act (offscreen Qt over a real database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from app import tasks
from app.services import contacts
from core.tasks import TaskState
from core.views.contact_draft import ContactDraft, DraftValue
from core.views.phone_display import set_owner_region


@pytest.fixture(autouse=True)
def owner_in_germany():  # noqa: ANN201
    """The owner's region (settings): national numbers parse and show in national form."""
    set_owner_region("DE")
    yield
    set_owner_region("")


def show(qtbot, window, party_id: int) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.detail.loaded, timeout=5000):
        assert window.contact_list.select_party(party_id)


def run(qtbot, window, action) -> None:  # noqa: ANN001
    """Trigger an action and wait until its write finished and the list caught up."""
    assert action.isEnabled(), action.objectName()
    with qtbot.waitSignal(window.contact_actions.done, timeout=10_000):
        action.trigger()
    qtbot.waitUntil(lambda: not window.contact_list._searching, timeout=10_000)  # noqa: SLF001


def shown_ids(window) -> list[int]:  # noqa: ANN001
    model = window.contact_list.model
    return [model.party_id(r) for r in range(model.rowCount())]


def editor_of(qtbot, window):  # noqa: ANN001, ANN201
    qtbot.waitUntil(lambda: getattr(window.contact_actions, "editor", None) is not None
                    and window.contact_actions.editor.isVisible(), timeout=5000)
    return window.contact_actions.editor


def test_actions_follow_the_selection(qtbot, window, people) -> None:  # noqa: ANN001
    actions = window.contact_actions
    assert actions.new.isEnabled()
    for action in (actions.edit, actions.archive, actions.restore, actions.delete,
                   actions.export_selected):
        assert not action.isEnabled(), action.objectName()
    assert window.detail.empty.isVisible() and "Select a contact" in window.detail.empty.text()
    show(qtbot, window, people["anna"])
    assert actions.edit.isEnabled() and actions.archive.isEnabled()
    assert not actions.restore.isEnabled()
    assert not actions.delete.isEnabled()  # a source holds Anna: archive, not delete
    assert "archive it instead" in actions.delete.toolTip()
    assert actions.new.shortcut().matches(actions.new.shortcut()) and not actions.new.shortcut(
    ).isEmpty()
    card_buttons = {b.objectName() for b in window.detail.findChildren(
        type(window.detail.findChild(object, "card_editContact")))}
    assert {"card_editContact", "card_archiveContact", "card_deleteContact"} <= card_buttons
    assert actions.archive in window.contact_list.table.actions()  # the context menu


def test_new_contact_is_created_selected_and_found_by_phone(qtbot, window, people) -> None:  # noqa: ANN001
    actions = window.contact_actions
    actions.new.trigger()
    editor = editor_of(qtbot, window)
    editor.line["given_name"].setText("Zoë")
    editor.line["family_name"].setText("Neumann")
    editor.phones.add_button.click()
    row = editor.phones.table.rowCount() - 1
    editor.phones.table.item(row, 0).setText("01513018681")  # bare digits: laid out for reading
    editor.phones.table.item(row, 1).setText("cell")
    with qtbot.waitSignal(actions.done, timeout=10_000):
        editor.save_button.click()
    qtbot.waitUntil(lambda: window.detail.title.text() == "Zoë Neumann", timeout=10_000)
    new_id = window.detail.party_id
    assert window.contact_list.selected_party() == new_id
    qtbot.waitUntil(actions.delete.isEnabled, timeout=5000)  # Kith alone holds it
    assert "0151 3018681" in window.detail.card.text()  # national: the owner's region
    window.contact_list.search.setText("0151-3018681")
    qtbot.waitUntil(lambda: shown_ids(window) == [new_id], timeout=10_000)


def test_edit_every_kind_of_field(qtbot, window, people) -> None:  # noqa: ANN001
    show(qtbot, window, people["jose"])
    window.contact_actions.edit.trigger()
    editor = editor_of(qtbot, window)
    editor.line["title"].setText("Head of Sales")
    editor.line["nickname"].setText("Pepe")
    editor.notes.setPlainText("Prefers calls")
    for table_editor, texts in (
            (editor.phones, ["030 2297980", "work"]),
            (editor.urls, ["https://jose.example.es", ""]),
            (editor.addresses, ["home", "Calle Mayor 1", "28013", "Madrid", "", "Spain"]),
            (editor.dates, ["Birthday", "16", "6", "", ""])):
        table_editor.add_button.click()
        row = table_editor.table.rowCount() - 1
        for col, text in enumerate(texts):
            table_editor.table.item(row, col).setText(text)
    with qtbot.waitSignal(window.contact_actions.done, timeout=10_000):
        editor.save_button.click()
    detail = window.detail
    qtbot.waitUntil(lambda: "Madrid" in detail.card.text(), timeout=10_000)
    card = detail.card.text()
    for text in ("030 2297980", "jose.example.es", "Calle Mayor 1", "Prefers calls"):
        assert text in card
    fields = {detail.fields.item(r, 0).text(): detail.fields.item(r, 1).text()
              for r in range(detail.fields.rowCount())}
    assert fields["Nickname"] == "Pepe" and fields["Job title"] == "Head of Sales"
    assert "--06-16" not in card
    assert detail.subtitle.text() == "Head of Sales · Initech"


def test_a_date_that_is_not_a_day_is_refused_in_the_editor(qtbot, window, people) -> None:  # noqa: ANN001
    show(qtbot, window, people["jose"])
    window.contact_actions.edit.trigger()
    editor = editor_of(qtbot, window)
    editor.dates.add_button.click()
    for col, text in enumerate(["Birthday", "31", "13", "", ""]):
        editor.dates.table.item(0, col).setText(text)
    editor.save_button.click()
    assert "Date 1" in editor.error.text() and editor.isVisible()
    editor.confirm_discard = lambda: True  # "Discard changes"
    editor.reject()
    assert not editor.isVisible()


def test_archive_restore_and_undo_in_history(qtbot, window, people) -> None:  # noqa: ANN001
    actions, anna = window.contact_actions, people["anna"]
    show(qtbot, window, anna)
    run(qtbot, window, actions.archive)
    qtbot.waitUntil(lambda: anna not in shown_ids(window), timeout=10_000)
    assert "Undo it in History" in window.status.text
    window.contact_list.filter.setCurrentIndex(2)  # "Archived"
    qtbot.waitUntil(lambda: shown_ids(window) == [anna], timeout=10_000)
    show(qtbot, window, anna)
    assert actions.restore.isEnabled() and not actions.archive.isEnabled()
    run(qtbot, window, actions.restore)
    qtbot.waitUntil(lambda: shown_ids(window) == [], timeout=10_000)
    window.contact_list.filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: anna in shown_ids(window), timeout=10_000)
    show(qtbot, window, anna)
    run(qtbot, window, actions.archive)
    qtbot.waitUntil(lambda: anna not in shown_ids(window), timeout=10_000)
    _undo_newest(qtbot, window, "Archived Anna Müller")
    qtbot.waitUntil(lambda: anna in shown_ids(window), timeout=10_000)


def _undo_newest(qtbot, window, summary: str) -> None:  # noqa: ANN001
    history = window.history
    qtbot.waitUntil(lambda: any(d.sentence == summary and d.revoked_at is None
                                for d in history.rows), timeout=10_000)
    row = next(r for r, d in enumerate(history.rows) if d.sentence == summary
               and d.revoked_at is None)
    history.table.selectRow(row)
    history.confirm_undo = lambda entry: True  # the owner answers "Undo" in the question
    history.undo_selected()


def test_delete_a_local_contact_and_undo_in_history(qtbot, window, people) -> None:  # noqa: ANN001
    draft = ContactDraft()
    draft.fields.update(given_name="Ola", family_name="Nordmann")
    draft.emails = [DraftValue("ola@example.no")]
    pid = contacts.create(window.ctx.db, draft, state=TaskState())
    window.ctx.runner.changed.emit(frozenset({tasks.PARTIES}))  # as a write task announces
    qtbot.waitUntil(lambda: pid in shown_ids(window), timeout=10_000)
    show(qtbot, window, pid)
    actions = window.contact_actions
    run(qtbot, window, actions.delete)
    qtbot.waitUntil(lambda: pid not in shown_ids(window), timeout=10_000)
    assert "Deleted Ola Nordmann" in window.status.text
    _undo_newest(qtbot, window, "Deleted Ola Nordmann")
    window.contact_list.search.setText("ola@example.no")
    qtbot.waitUntil(lambda: len(shown_ids(window)) == 1, timeout=10_000)


def test_export_the_selected_contact(qtbot, window, people, tmp_path: Path) -> None:  # noqa: ANN001
    show(qtbot, window, people["chloe"])
    target = tmp_path / "out.vcf"
    window.contact_actions.ask_path = lambda _suggested: str(target)
    with qtbot.waitSignal(window.contact_actions.done, timeout=10_000):
        window.contact_actions.export_selected.trigger()
    text = target.read_text(encoding="utf-8")
    assert "FN:Chloé Dubois" in text and text.count("BEGIN:VCARD") == 1
    assert "Exported 1 contact" in window.status.text


def test_the_actions_are_in_the_menus_and_the_toolbar(qtbot, window, people) -> None:  # noqa: ANN001
    actions = window.contact_actions
    edit_menu = window.menuBar().findChild(QMenu, "menu_edit")
    assert [a.objectName() for a in edit_menu.actions()][:5] == [
        "newContact", "editContact", "archiveContact", "restoreContact", "deleteContact"]
    file_menu = window.menuBar().findChild(QMenu, "menu_file")
    names = [a.objectName() for a in file_menu.actions()]
    assert names.index("exportSelected") == names.index("action_export") + 1
    toolbar = window.commands.toolbar.actions()
    assert {actions.new, actions.edit, actions.archive, actions.delete} <= set(toolbar)
    assert "Ctrl+N" in actions.new.toolTip() and actions.new.toolTip().count("Ctrl+N") == 1
    assert window.commands.edit_contact is actions.edit  # Enter edits
    opened: list[int] = []
    actions.open_editor = lambda _draft, pid, _accepted: opened.append(pid)
    table = window.contact_list.table
    assert window.contact_list.select_party(people["liam"])  # the press selects the row
    row = window.contact_list.model.row_of(people["liam"])
    table.doubleClicked.emit(window.contact_list.model.index(row, 0))  # a double click edits
    qtbot.waitUntil(lambda: opened == [people["liam"]], timeout=5000)


def test_context_menu_policy_shows_the_actions(qtbot, window, people) -> None:  # noqa: ANN001
    table = window.contact_list.table
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    names = [a.objectName() for a in table.actions()]
    assert names[:4] == ["editContact", "archiveContact", "restoreContact", "deleteContact"]


def test_contact_commands_act_only_where_the_contact_is_in_view(qtbot, window, people) -> None:  # noqa: ANN001
    """From Sources, Ctrl+Shift+A (Archive) archived the contact still selected in the hidden
    list: the owner saw nothing but a status line. Away from Contacts the commands on the
    selected contact are off; New contact shows the Contacts section it adds to."""
    actions, anna = window.contact_actions, people["anna"]
    show(qtbot, window, anna)
    assert actions.archive.isEnabled()
    window.show_page("sources")
    for action in (actions.edit, actions.archive, actions.delete, actions.export_selected):
        assert not action.isEnabled(), action.objectName()
    qtbot.keyClick(window, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    window.ctx.runner.wait(5000)
    assert anna in shown_ids(window)  # not archived
    window.show_page("contacts")
    assert actions.archive.isEnabled() and actions.edit.isEnabled()
    window.show_page("history")
    actions.new.trigger()
    editor = editor_of(qtbot, window)
    assert window.nav.current_key() == "contacts"
    editor.reject()


def test_cancel_asks_before_dropping_changes(qtbot, window, people) -> None:  # noqa: ANN001
    """Escape in the editor threw a page of typing away without a word: with changes it
    now asks (Keep editing is the default); without changes it closes at once."""
    show(qtbot, window, people["jose"])
    window.contact_actions.edit.trigger()
    editor = editor_of(qtbot, window)
    asked: list[bool] = []

    def answer(drop: bool):  # noqa: ANN202
        def ask() -> bool:
            asked.append(drop)
            return drop
        return ask

    editor.confirm_discard = answer(False)
    editor.reject()  # nothing changed: no question
    assert asked == [] and not editor.isVisible()
    window.contact_actions.edit.trigger()
    qtbot.waitUntil(lambda: window.contact_actions.editor is not editor, timeout=5000)
    editor = editor_of(qtbot, window)
    editor.confirm_discard = answer(False)
    editor.line["nickname"].setText("Pepe")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert asked == [False] and editor.isVisible()  # "Keep editing"
    assert editor.line["nickname"].text() == "Pepe"
    editor.confirm_discard = answer(True)
    editor.reject()
    assert asked == [False, True] and not editor.isVisible()


def test_the_editor_says_why_some_values_are_greyed(qtbot, window, people) -> None:  # noqa: ANN001
    """Values a source holds are greyed and read-only; only a tooltip said why. A line under
    the tabs says it when there are such values, and a new contact has none."""
    show(qtbot, window, people["anna"])
    window.contact_actions.edit.trigger()
    editor = editor_of(qtbot, window)
    assert editor.source_note.isVisible() and "come from a source" in editor.source_note.text()
    editor.reject()
    window.contact_actions.new.trigger()
    qtbot.waitUntil(lambda: window.contact_actions.editor is not editor, timeout=5000)
    new = editor_of(qtbot, window)
    assert not new.source_note.isVisible()
    new.reject()


def test_a_new_contact_starts_with_the_given_name(qtbot, window) -> None:  # noqa: ANN001
    """Ctrl+N then typing a name typed into the tab bar, which had the focus."""
    window.contact_actions.new.trigger()
    editor = editor_of(qtbot, window)
    assert editor.focusWidget() is editor.line["given_name"]
    editor.reject()

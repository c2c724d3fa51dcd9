"""Contact detail: fields with provenance, a local edit wins and is marked, the source value
can be taken back; handles open in the handle-links view."""

from __future__ import annotations

from PySide6.QtCore import Qt


def show(qtbot, window, party_id: int) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.detail.loaded, timeout=5000):
        assert window.contact_list.select_party(party_id)


def field_row(detail, name: str) -> int:  # noqa: ANN001
    for row in range(detail.fields.rowCount()):
        if detail.fields.item(row, 0).data(Qt.ItemDataRole.UserRole) == name:
            return row
    raise AssertionError(name)


def test_detail_shows_fields_with_provenance(qtbot, window, people) -> None:  # noqa: ANN001
    show(qtbot, window, people["anna"])
    detail = window.detail
    assert detail.title.text() == "Anna Müller"
    row = field_row(detail, "organization")
    assert detail.fields.item(row, 1).text() == "Acme GmbH"
    assert detail.fields.item(row, 2).text() == "vCard phone.vcf"
    handles = {detail.handles.item(r, 1).text() for r in range(detail.handles.rowCount())}
    assert "anna@example.com" in handles
    assert "uid-anna" in detail.records.item(0, 0).toolTip()  # its id there, on hover
    assert "Friends" in detail.more.text()


def test_inline_edit_is_local_and_can_be_taken_back(qtbot, window, people) -> None:  # noqa: ANN001
    show(qtbot, window, people["anna"])
    detail = window.detail
    row = field_row(detail, "organization")
    detail.fields.item(row, 1).setText("Acme Berlin")  # what the inline editor commits
    qtbot.waitUntil(lambda: detail.fields.item(row, 2).text() == "✎ local edit", timeout=5000)
    assert detail.fields.item(row, 1).text() == "Acme Berlin"
    button = detail.fields.cellWidget(row, 2)
    assert button is not None and button.text() == "Use source value"
    # The list follows the change notice too.
    model = window.contact_list.model
    qtbot.waitUntil(lambda: (model.cached(people["anna"]) is not None
                             and model.cached(people["anna"]).organization == "Acme Berlin"),
                    timeout=5000)
    button.click()
    qtbot.waitUntil(lambda: detail.fields.item(row, 2).text() == "vCard phone.vcf", timeout=5000)
    assert detail.fields.item(row, 1).text() == "Acme GmbH"


def test_double_click_on_handle_opens_links_view(qtbot, window, people) -> None:  # noqa: ANN001
    show(qtbot, window, people["anna"])
    with qtbot.waitSignal(window.handles.loaded, timeout=5000):
        window.detail.handles.cellDoubleClicked.emit(0, 1)
    assert window.pages.currentWidget() is window.handles
    assert window.handles.info.owner_id == people["anna"]


def test_split_one_record_off(qtbot, window, people) -> None:  # noqa: ANN001
    from sqlalchemy import func, select

    from core.db.models import Party, SourceRecord
    from core.ingest.engine import ingest_contacts
    from tests.ui.helpers import contact

    db = window.ctx.db
    with db.session() as session:  # the same Anna from the mail source: attaches by email
        ingest_contacts(session, people["acct:mail"],
                        [contact("anna-mail", "Anna", "Müller", "anna@example.com")])
        session.commit()
    show(qtbot, window, people["anna"])
    detail = window.detail
    assert detail.records.rowCount() == 2
    button = detail.records.cellWidget(1, 2)
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: detail.records.rowCount() == 1, timeout=10_000)
    with db.session() as session:
        owner = session.scalar(select(SourceRecord.party_id)
                               .where(SourceRecord.external_id == "uid-anna-mail"))
        assert owner != people["anna"]
        assert session.scalar(select(func.count()).select_from(Party)
                              .where(Party.merged_into_id.is_(None))) == 7


def test_detail_follows_the_list_selection_after_a_search(qtbot, window, people) -> None:  # noqa: ANN001
    """A search keeps the selected contact when it still matches; otherwise the first match
    becomes current and the detail pane shows it; no match clears the pane."""
    show(qtbot, window, people["anna"])
    panel, detail = window.contact_list, window.detail
    panel.search.setText("example.com")  # Anna and Liam: Anna stays selected
    qtbot.waitUntil(lambda: panel._last_shown is not None  # noqa: SLF001
                    and panel._last_shown.search == "example.com", timeout=5000)
    assert panel.model.rowCount() == 2 and panel.selected_party() == people["anna"]
    assert detail.party_id == people["anna"]
    with qtbot.waitSignal(detail.loaded, timeout=5000) as blocker:
        panel.search.setText("globex")  # only Chloé
    assert blocker.args == [people["chloe"]]
    assert panel.selected_party() == people["chloe"] and detail.title.text() == "Chloé Dubois"
    panel.search.setText("nobody-like-this")
    qtbot.waitUntil(lambda: detail.party_id is None, timeout=5000)
    assert panel.selected_party() is None


def test_a_value_from_two_sources_is_one_line_naming_both(qtbot, window, people) -> None:  # noqa: ANN001
    """Anna's second copy (another source, same email and birthday) joins her contact; the
    birthday shows once, with both sources."""
    from core.ingest.engine import ingest_contacts
    from tests.ui.helpers import contact

    with window.ctx.db.session() as session:
        ingest_contacts(session, people["acct:mail"],
                        [contact("anna-dav", "Anna", "Müller", "anna@example.com")], region="DE")
        session.commit()
    show(qtbot, window, people["anna"])
    qtbot.waitUntil(lambda: window.detail.records.rowCount() == 2)
    more = window.detail.more.text()
    assert more.count("Birthday:") == 1
    assert "vCard phone.vcf, CardDAV mail@dav.example" in more


def test_a_contact_of_one_record_without_emails_shows_no_empty_tables(
        qtbot, window, people) -> None:  # noqa: ANN001
    """A contact the owner made with a name alone: no "Emails & phones" table of headings,
    no disabled "Split off" beside its one record, whose source reads whole."""
    from tests.ui.test_contact_actions import editor_of

    window.resize(800, 600)
    actions = window.contact_actions
    actions.new.trigger()
    editor = editor_of(qtbot, window)
    editor.line["given_name"].setText("Zelda")
    editor.line["family_name"].setText("Quast")
    with qtbot.waitSignal(actions.done, timeout=10_000):
        editor.save_button.click()
    detail = window.detail
    qtbot.waitUntil(lambda: detail.title.text() == "Zelda Quast", timeout=10_000)
    qtbot.waitUntil(lambda: detail.records.rowCount() == 1, timeout=5000)
    assert detail.handles.isHidden() and detail.handles_title.isHidden()
    assert detail.records.isColumnHidden(2) and detail.records.cellWidget(0, 2) is None
    source = detail.records.item(0, 0)
    assert source.text() == "you, on this computer"
    needed = detail.records.fontMetrics().horizontalAdvance(source.text())
    assert detail.records.columnWidth(0) > needed  # whole, not "you (t…"

    show(qtbot, window, people["anna"])  # emails and phones: the table is back
    assert detail.handles.isVisibleTo(window) and detail.handles_title.isVisibleTo(window)


def test_card_and_editor_name_fields_and_kinds_alike(qtbot, window, people) -> None:  # noqa: ANN001
    """The card's Emails & phones table showed the stored keys "email" and "phone", and its
    Fields table said "Title" where the editor said "Job title" (and "Display name" where
    it said "Shown as"): the words are now the Emails & phones view's and the editor's."""
    from ui.contact_editor import ContactEditor
    from ui.field_labels import NAME_FIELDS

    show(qtbot, window, people["anna"])
    detail = window.detail
    kinds = {detail.handles.item(r, 0).text() for r in range(detail.handles.rowCount())}
    assert kinds == {"Email", "Phone"}
    names = {detail.fields.item(r, 0).text() for r in range(detail.fields.rowCount())}
    editor = ContactEditor(_draft(window, people["anna"]),
                           new=False, parent=window)
    qtbot.addWidget(editor)
    form = editor.tabs.widget(0).layout()
    editor_names = {form.itemAt(r, form.ItemRole.LabelRole).widget().text().rstrip(":")
                    for r in range(form.rowCount())}
    assert names <= editor_names | {"Birthday", "Notes"}, names - editor_names
    assert set(NAME_FIELDS.values()) == editor_names
    editor.reject()


def _draft(window, party_id: int):  # noqa: ANN001, ANN202
    from app.services import contacts
    from core.tasks import TaskState

    return contacts.draft(window.ctx.db, party_id, state=TaskState())


def test_the_state_column_shows_only_when_something_is_decided(qtbot, window, people) -> None:  # noqa: ANN001
    """An empty State column and a column of "this contact" took the room the address
    needed ("ajohnson@acmegm…"): State shows once the owner confirmed or dismissed one of
    the contact's addresses, Owner once one is not this contact's."""
    from app.services import handles
    from core.tasks import TaskState

    show(qtbot, window, people["anna"])
    detail = window.detail
    assert detail.handles.isColumnHidden(3) and detail.handles.isColumnHidden(4)
    assert detail.handles.columnWidth(1) >= detail.handles.sizeHintForColumn(1)
    handle_id = int(detail.handles.item(0, 0).data(Qt.ItemDataRole.UserRole))
    handles.confirm(window.ctx.db, handle_id, people["anna"], state=TaskState())
    with qtbot.waitSignal(detail.loaded, timeout=5000):
        detail.reload()
    assert not detail.handles.isColumnHidden(3) and detail.handles.isColumnHidden(4)
    states = [detail.handles.item(r, 3).text() for r in range(detail.handles.rowCount())]
    assert "confirmed" in states
    handles.dismiss(window.ctx.db, handle_id, people["anna"], state=TaskState())
    with qtbot.waitSignal(detail.loaded, timeout=5000):
        detail.reload()
    assert not detail.handles.isColumnHidden(4)  # not this contact's any more: whose is said
    owners = {detail.handles.item(r, 4).text() for r in range(detail.handles.rowCount())}
    assert owners - {"this contact"}, owners

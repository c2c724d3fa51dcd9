"""The contact card: empty fields hidden, phones the same in list and card, dates in the
locale's words, extra lines by section, buttons in view at 1024x700, an empty state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, QPoint

from app import tasks
from app.services import contacts
from core.tasks import TaskState
from core.views.contact_draft import ContactDraft, DraftValue
from core.views.party import DetailLine, PartyDetail
from tests.ui.helpers import owner_in
from ui.contact_card import card_html, locale_date
from ui.contact_model import PHONE


@pytest.fixture(autouse=True)
def british_owner_in_germany():  # noqa: ANN201
    """English dates ("16 June"), German phone numbers in national form."""
    with owner_in(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom), "DE"):
        yield


def show(qtbot, window, party_id: int) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.detail.loaded, timeout=5000):
        assert window.contact_list.select_party(party_id)


def test_dates_in_the_locale_words_never_iso():
    assert locale_date("--06-16") == "16 June"
    assert locale_date("1990-06-16") == "16 June 1990"
    assert locale_date(month=2, day=29) == "29 February"
    assert locale_date("next spring") == "next spring"
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert locale_date("--06-16") == "16. Juni"


def _detail(**kw) -> PartyDetail:  # noqa: ANN003
    base = dict(id=1, display_name="Zoë", given_name="", family_name="", middle_name="",
                nickname="", organization="", title="", notes="", birthday="", role="contact",
                needs_disambiguation=False, needs_archival_review=False, archived=False,
                merged_into_id=None, handle_count=0, has_photo=False)
    base.update(kw)
    return PartyDetail(**base)


def test_card_renders_every_extra_line_by_section_and_hides_empty_ones():
    d = _detail(extra_lines=[DetailLine("Work", "Department", "Research", ["vcard:a.vcf"]),
                             DetailLine("Related people", "Spouse", "Max", []),
                             DetailLine("Work", "Role", "", [])],
                dates=[{"kind": "birthday", "label": "", "date": "--06-16", "year": None,
                        "month": 6, "day": 16, "source": "local"}])
    card = card_html(d)
    assert card.index("<b>Work</b>") < card.index("Department") < card.index("Research")
    assert "<b>Related people</b>" in card and "Spouse" in card
    assert "Role" not in card  # an empty line is left out
    assert "16 June" in card and "--06-16" not in card
    for empty in ("Phone", "Email", "Address", "Notes", "Labels", "Web"):
        assert f"<b>{empty}</b>" not in card
    assert card_html(_detail()) == ""


def test_the_card_hides_what_a_contact_does_not_have(qtbot, window, people) -> None:  # noqa: ANN001
    show(qtbot, window, people["jose"])  # no phone, no address, no birthday
    card = window.detail.card.text()
    assert "<b>Email</b>" in card and "jose@example.es" in card
    for empty in ("Phone", "Address", "Dates", "Notes"):
        assert f"<b>{empty}</b>" not in card
    shown = [window.detail.fields.item(r, 0).text()
             for r in range(window.detail.fields.rowCount())]
    assert "Notes" not in shown and "Birthday" not in shown and "Organisation" in shown
    assert window.detail.avatar.pixmap() is not None  # initials when there is no photo


def test_a_phone_reads_the_same_in_the_list_and_on_the_card(qtbot, window, people) -> None:  # noqa: ANN001
    def shown_everywhere(party_id: int) -> str:
        show(qtbot, window, party_id)
        row = window.contact_list.model.row_of(party_id)
        in_list = window.contact_list.model.index(row, PHONE).data()
        assert in_list in window.detail.card.text()
        handles = [window.detail.handles.item(r, 1).text()
                   for r in range(window.detail.handles.rowCount())]
        assert in_list in handles
        return in_list

    # The source laid the number out itself: shown as written, in the list and on the card.
    assert shown_everywhere(people["anna"]) == "+49 30 1234567"
    # Typed as bare digits: formatted for reading, national form for the owner's region...
    draft = ContactDraft()
    draft.fields.update(given_name="Zoë", family_name="Nowak")
    draft.phones = [DraftValue("+491513018681")]
    zoe = contacts.create(window.ctx.db, draft, state=TaskState())
    window.ctx.runner.changed.emit(frozenset({tasks.PARTIES}))
    qtbot.waitUntil(lambda: window.contact_list.model.row_of(zoe) is not None, timeout=10_000)
    assert shown_everywhere(zoe) == "0151 3018681"
    # ...and the international form for a number of another country.
    draft = ContactDraft()
    draft.fields.update(given_name="Luc", family_name="Martin")
    draft.phones = [DraftValue("+33123456789")]
    luc = contacts.create(window.ctx.db, draft, state=TaskState())
    window.ctx.runner.changed.emit(frozenset({tasks.PARTIES}))
    qtbot.waitUntil(lambda: window.contact_list.model.row_of(luc) is not None, timeout=10_000)
    assert shown_everywhere(luc) == "+33 1 23 45 67 89"


def test_empty_selection_says_what_the_pane_is_for(qtbot, window, people) -> None:  # noqa: ANN001
    detail = window.detail
    assert detail.empty.isVisible() and not detail.content.isVisible()
    show(qtbot, window, people["anna"])
    assert not detail.empty.isVisible() and detail.content.isVisible()
    window.contact_list.search.setText("nobody-like-this")
    qtbot.waitUntil(lambda: detail.empty.isVisible(), timeout=5000)
    assert "Select a contact" in detail.empty.text()


def _in_view(detail, widget) -> bool:  # noqa: ANN001
    """The widget's right edge is inside the pane's visible width (no sideways scroll)."""
    right = widget.mapTo(detail.viewport(), QPoint(widget.width() - 1, 0)).x()
    return widget.isVisible() and 0 <= right < detail.viewport().width()


def test_row_buttons_are_in_view_at_1024_by_700(qtbot, window, people) -> None:  # noqa: ANN001
    from core.ingest.engine import ingest_contacts
    from core.ingest.fields import edit_field
    from tests.ui.helpers import contact

    with window.ctx.db.session() as session:  # a second record and a local edit for Anna
        ingest_contacts(session, people["acct:mail"],
                        [contact("anna-dav", "Anna", "Müller", "anna@example.com")], region="DE")
        edit_field(session, people["anna"], "organization",
                   "Acme Gesellschaft für sehr lange Firmennamen und Untertitel mbH")
        session.commit()
    window.resize(1024, 700)
    show(qtbot, window, people["anna"])
    detail = window.detail
    qtbot.waitUntil(lambda: detail.records.rowCount() == 2, timeout=5000)
    qtbot.wait(50)  # layout
    take = detail.findChild(type(detail.records.cellWidget(0, 2)), "takeSource_organization")
    splits = [detail.records.cellWidget(r, 2) for r in range(2)]
    assert take is not None
    for button in (take, *splits):
        assert _in_view(detail, button), button.objectName()
    body = detail.widget()  # nothing makes the pane wider than it is (it never scrolls sideways)
    assert body.minimumSizeHint().width() <= detail.viewport().width()
    assert detail.horizontalScrollBar().maximum() == 0
    for table in (detail.fields, detail.records, detail.handles):
        assert table.horizontalScrollBar().value() == 0
        total = sum(table.columnWidth(c) for c in range(table.columnCount()))
        assert total <= table.viewport().width() + 1


def test_the_photo_is_shown_when_there_is_one(qtbot, window, people) -> None:  # noqa: ANN001
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    from core.db.models import Party

    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    with window.ctx.db.session() as session:
        party = session.get(Party, people["bjorn"])
        party.photo, party.photo_mime = bytes(data.data()), "image/png"
        session.commit()
    show(qtbot, window, people["bjorn"])
    avatar = window.detail.avatar
    assert avatar.toolTip() == "Photo"
    shown = avatar.pixmap().toImage()
    assert shown.pixelColor(shown.width() // 2, shown.height() // 2).name() == "#3366aa"
    show(qtbot, window, people["liam"])
    assert window.detail.avatar.toolTip() == "No photo"


def _address(country: str, label: str = "home") -> dict[str, str]:
    return {"label": label, "street": "Ring 1", "postal_code": "1010", "locality": "Wien",
            "region": "", "country": country, "po_box": "", "extended": "",
            "source": "vcard:a.vcf"}


def test_a_country_code_is_named_and_the_home_country_left_off() -> None:
    """The owner (region DE, English) reads "Austria", not "AT"; a German address has no
    country line; a country the source wrote out stays as written."""
    card = card_html(_detail(addresses=[_address("AT", "work"), _address("DE"),
                                        _address("Deutschland", "other")]))
    assert "Austria" in card and "AT<br>" not in card
    assert "DE<br>" not in card and "Germany" not in card
    assert "Deutschland" in card
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert "Österreich" in card_html(_detail(addresses=[_address("AT")]))


def test_country_name_in_the_owners_language() -> None:
    from ui.country_names import country_name

    french = QLocale(QLocale.Language.French, QLocale.Country.France)
    assert country_name("de", home="FR", locale=french) == "Allemagne"
    assert country_name("FR", home="FR", locale=french) == ""
    assert country_name("Germany", home="DE", locale=french) == "Germany"
    assert country_name("ZZ", home="DE", locale=french) == "ZZ"  # not a country: as written
    assert country_name("", home="DE", locale=french) == ""

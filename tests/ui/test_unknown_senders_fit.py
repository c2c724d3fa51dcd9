"""An unknown sender with a long name and several addresses, at 800x600: the senders list
shows name over addresses, elides instead of scrolling sideways (it had a scroll bar and
"…gmail.com, +4"), and the numbers read as the card shows them, not as stored."""

from __future__ import annotations

from PySide6.QtCore import QLocale

from core.db.models import Handle, Party, PartyHandleLink
from core.views.phone_display import format_phone
from tests.ui.helpers import owner_in
from tests.ui.layout_check import check_sideways, find_clipped, tooltip_of
from ui.review_queue import ReviewQueue

NAME = "Emily Robinson-Featherstonehaugh"
EMAIL = "emily.robinson.featherstonehaugh533@example.org"


def test_a_long_sender_fits_a_narrow_page(qtbot, ctx, people) -> None:  # noqa: ANN001
    with ctx.db.session() as session:
        sender = Party(display_name=NAME, sort_name=NAME, needs_disambiguation=True,
                       search_text=NAME.casefold())
        session.add(sender)
        session.flush()
        for platform, value, written in (("email", EMAIL, ""), ("phone", "+4915112345678", ""),
                                         ("phone", "+49302297980", "030 / 22 97 980")):
            handle = Handle(platform=platform, value=value, display_value=written,
                            party_id=sender.id)
            session.add(handle)
            session.flush()
            session.add(PartyHandleLink(party_id=sender.id, handle_id=handle.id,
                                        source="temp_contact"))
        session.commit()
    with owner_in(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom), "DE"):
        view = ReviewQueue(ctx)
        qtbot.addWidget(view)
        view.resize(590, 470)  # the review page's room in an 800x600 window
        view.show()
        view.start()
        view.tabs.setCurrentIndex(1)
        pane = view.senders_pane
        qtbot.waitUntil(lambda: pane.list.count() == 2, timeout=5000)
        row = next(r for r in range(2) if pane.list.item(r).text().startswith(NAME))
        text = pane.list.item(row).text()
        card_number = format_phone("+4915112345678")  # as the card and the list write it
    # A bare number formatted; one the source laid out itself as it wrote it.
    assert text == f"{NAME}\n{EMAIL}, {card_number}, 030 / 22 97 980"
    qtbot.wait(50)  # layout
    assert check_sideways(pane.list) == []
    assert tooltip_of(pane.list, pane.list.model().index(row, 0)) == text  # whole, two lines
    assert find_clipped(view) == []


def test_the_person_search_leaves_out_the_senders(qtbot, ctx, people) -> None:  # noqa: ANN001
    """Searching "unknown" offered the unknown sender itself as the person it belongs to."""
    view = ReviewQueue(ctx)
    qtbot.addWidget(view)
    view.show()
    view.start()
    pane = view.senders_pane
    qtbot.waitUntil(lambda: pane.list.count() == 1, timeout=5000)
    pane.list.setCurrentRow(0)
    pane.search.setText("example")  # every contact's address, and the sender's own
    qtbot.waitUntil(lambda: pane.matches.count() == 5, timeout=5000)
    shown = [pane.matches.item(r).text() for r in range(5)]
    assert not any("spam.example" in text for text in shown), shown

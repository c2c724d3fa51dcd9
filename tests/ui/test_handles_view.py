"""Handle links: Confirm moves the handle's owner at once, Dismiss re-resolves it, contested
and shared lists follow, marking a handle shared is remembered."""

from __future__ import annotations

from sqlalchemy import select

from core.db.models import Handle, PartyHandleLink
from core.ingest.resolve import resolve_handles


def contest(db, handle_value: str, party_id: int) -> int:  # noqa: ANN001
    """Give ``party_id`` a weaker, unconfirmed link to an existing handle (two live links)."""
    with db.session() as session:
        hid = session.scalar(select(Handle.id).where(Handle.value == handle_value))
        session.add(PartyHandleLink(party_id=party_id, handle_id=hid, confidence=0.4,
                                    source="manual"))
        session.flush()
        resolve_handles(session, [hid])
        session.commit()
        return hid


def owner_of(db, hid: int) -> int | None:  # noqa: ANN001
    with db.session() as session:
        return session.scalar(select(Handle.party_id).where(Handle.id == hid))


def _first_contested(qtbot, ctx):  # noqa: ANN001, ANN202 - fixtures; a HandlesView
    """The page shown, with its one contested address picked and loaded."""
    from ui.handles_view import HandlesView

    view = HandlesView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: view.contested.rowCount() == 1, timeout=5000)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.contested.selectRow(0)
    return view


def test_confirm_moves_the_owner_and_dismiss_moves_it_back(qtbot, ctx, people) -> None:  # noqa: ANN001
    hid = contest(ctx.db, "anna@example.com", people["liam"])
    assert owner_of(ctx.db, hid) == people["anna"]
    view = _first_contested(qtbot, ctx)
    assert [link.party_id for link in view.info.links] == [people["anna"], people["liam"]]
    assert view.owner.text() == "Owner: Anna Müller"

    assert view.select_party(people["liam"])
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.confirm_button.click()
    assert owner_of(ctx.db, hid) == people["liam"]
    assert view.owner.text() == "Owner: Liam Smith"
    assert view.info.links[0].party_id == people["liam"] and view.info.links[0].confirmed

    assert view.select_party(people["liam"])
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.dismiss_button.click()
    assert owner_of(ctx.db, hid) == people["anna"]
    qtbot.waitUntil(lambda: view.contested.rowCount() == 0, timeout=5000)


def test_no_contested_handles_says_so(qtbot, ctx, people) -> None:  # noqa: ANN001
    from ui.handles_view import HandlesView

    view = HandlesView(ctx)
    qtbot.addWidget(view)
    view.start()
    qtbot.waitUntil(lambda: view.title.text().startswith("Nothing to decide"), timeout=5000)
    assert view.tabs.tabText(0) == "Claimed by several (0)"
    # The owner's words, not the engine's: no "Contested", no "Links".
    headers = [view.contested.horizontalHeaderItem(c).text()
               for c in range(view.contested.columnCount())]
    assert headers == ["Type", "Value", "Contacts", "Owner"]
    assert not view.confirm_button.isEnabled() and not view.shared_box.isEnabled()


def test_mark_shared_is_stored_and_listed(qtbot, ctx, people) -> None:  # noqa: ANN001
    from ui.handles_view import HandlesView

    hid = contest(ctx.db, "+493012345" + "67", people["bjorn"])
    view = HandlesView(ctx)
    qtbot.addWidget(view)
    view.start()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.open_handle(hid)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.shared_box.setChecked(True)
    assert view.info.is_shared
    qtbot.waitUntil(lambda: view.shared.rowCount() == 1, timeout=5000)
    with ctx.db.session() as session:
        assert session.get(Handle, hid).is_shared


def test_verdicts_say_what_happened_and_counts_follow(qtbot, ctx, people) -> None:  # noqa: ANN001
    from ui.handles_view import HandlesView

    hid = contest(ctx.db, "anna@example.com", people["liam"])
    contest(ctx.db, "chloe@example.fr", people["jose"])
    view = HandlesView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: view.contested.rowCount() == 2, timeout=5000)
    assert view.tabs.tabText(0) == "Claimed by several (2)"
    assert view.title.text().startswith("Pick an address or number")
    assert not view.confirm_button.isEnabled() and not view.dismiss_button.isEnabled()
    row = next(r for r in range(2) if view.contested.item(r, 1).text() == "anna@example.com")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.contested.selectRow(row)

    # Confirming the owner's own link: nothing moves, and the message says so.
    assert view.select_party(people["anna"])
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.confirm_button.click()
    qtbot.waitUntil(lambda: view.status.text() != "Confirmed…", timeout=5000)
    assert view.status.text() == "Confirmed. Owner unchanged (Anna Müller)."
    anna_row = next(r for r, link in enumerate(view.info.links)
                    if link.party_id == people["anna"])
    assert view.links.item(anna_row, 1).text() == "Confirmed"  # not "80%"
    assert view.links.cellWidget(anna_row, 1) is None
    assert view.selected_party() == people["anna"]  # the selection stayed on Anna
    # Settled: no longer contested, the count follows at once.
    qtbot.waitUntil(lambda: view.tabs.tabText(0) == "Claimed by several (1)", timeout=5000)
    assert view.handle_id == hid and view.owner.text() == "Owner: Anna Müller"

    # Dismissing the owner's link moves the handle: the message names both.
    assert view.select_party(people["anna"])
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.dismiss_button.click()
    qtbot.waitUntil(lambda: view.status.text() != "Dismissed…", timeout=5000)
    assert view.status.text() == "Dismissed. Owner changed from Anna Müller to Liam Smith."
    assert owner_of(ctx.db, hid) == people["liam"]
    assert view.selected_party() == people["anna"]  # still on the row the owner picked
    assert view.links.item(view.links.currentRow(), 1).text() == "Dismissed"


def test_undo_in_history_refreshes_the_handle_and_clears_the_message(qtbot, ctx, people) -> None:  # noqa: ANN001
    from tests.ui.test_review import answer_undo
    from ui.handles_view import HandlesView
    from ui.history_view import HistoryView

    hid = contest(ctx.db, "anna@example.com", people["liam"])
    view = HandlesView(ctx)
    qtbot.addWidget(view)
    view.start()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.open_handle(hid)
    assert view.select_party(people["liam"])
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.confirm_button.click()
    qtbot.waitUntil(lambda: view.status.text().startswith("Confirmed. Owner changed"),
                    timeout=5000)
    history = HistoryView(ctx)
    qtbot.addWidget(history)
    history.show()
    history.start()
    qtbot.waitUntil(lambda: bool(history.rows), timeout=5000)
    assert history.table.item(0, 2).text() == "anna@example.com belongs to Liam Smith"
    history.table.selectRow(0)
    answer_undo(history, "Undo")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        history.undo_button.click()
    assert view.status.text() == ""  # no stale "Owner changed ..." after the undo
    assert view.owner.text() == "Owner: Anna Müller"
    assert not any(link.confirmed for link in view.info.links)
    qtbot.waitUntil(lambda: view.tabs.tabText(0) == "Claimed by several (1)", timeout=5000)


def test_a_failed_confirm_says_why_in_words_and_stays(qtbot, ctx, people) -> None:  # noqa: ANN001
    """The picked contact went away before Confirm ran: the message said "No handle 3 or
    no party 4" and the failed write's change notice cleared it at once."""
    from core.db.models import Party

    contest(ctx.db, "anna@example.com", people["liam"])
    view = _first_contested(qtbot, ctx)
    assert view.select_party(people["liam"])
    with ctx.db.session() as session:
        session.delete(session.get(Party, people["liam"]))
        session.commit()
    view.confirm_button.click()
    qtbot.waitUntil(lambda: view.status.text() not in ("", "Confirmed…"), timeout=5000)
    qtbot.wait(200)  # the change notice that follows the failure
    text = view.status.text()
    assert text.startswith("That ") and "not there any more" in text, text
    assert not any(ch.isdigit() for ch in text), text


def test_picking_another_address_drops_the_last_ones_message(qtbot, ctx, people) -> None:  # noqa: ANN001
    """"Confirmed. Owner unchanged (Anna Müller)." stayed under Chloé's address, picked
    next, as if it were about hers."""
    from ui.handles_view import HandlesView

    anna = contest(ctx.db, "anna@example.com", people["liam"])
    chloe = contest(ctx.db, "chloe@example.fr", people["jose"])
    view = HandlesView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.start()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.open_handle(anna)
    assert view.select_party(people["anna"])
    view.confirm_button.click()
    qtbot.waitUntil(lambda: view.status.text().startswith("Confirmed. Owner"), timeout=5000)
    qtbot.wait(100)  # the refresh after our own change keeps the message
    assert view.status.text() == "Confirmed. Owner unchanged (Anna Müller)."
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.open_handle(chloe)
    assert view.status.text() == ""


def test_a_long_verdict_message_leaves_the_lists_their_room(qtbot, ctx, people) -> None:  # noqa: ANN001
    """At 800x600 the one-line "Confirmed. Owner changed from … to …" widened the right
    side and squeezed the lists into sideways scrolling ("+4…", tabs with arrows)."""
    from core.db.models import Party
    from tests.ui.layout_check import find_clipped
    from ui.handles_view import HandlesView

    with ctx.db.session() as session:  # names as long as real ones get
        session.get(Party, people["anna"]).display_name = "Anna-Katharina Müller-Lüdenscheidt"
        session.get(Party, people["liam"]).display_name = "Liam Alexander Smith-Worthington"
        session.commit()
    hid = contest(ctx.db, "anna@example.com", people["liam"])
    view = HandlesView(ctx)
    qtbot.addWidget(view)
    view.resize(590, 500)  # the page's room in an 800x600 window
    view.show()
    view.start()
    qtbot.waitUntil(lambda: view.contested.rowCount() == 1, timeout=5000)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.open_handle(hid)
    before = view.tabs.width()
    assert view.select_party(people["liam"])
    view.confirm_button.click()
    qtbot.waitUntil(lambda: view.status.text().startswith("Confirmed. Owner changed"),
                    timeout=5000)
    qtbot.wait(100)  # layout
    assert view.tabs.width() >= before - 1
    assert find_clipped(view) == []

"""The review page's note under the buttons says what is going on in the owner's words, as
the status bar does: it said "Promote sender…", "Not the same person…" (a statement, while
it ran) and "Attach sender failed: …", the engine's names for the tasks; a failure named
the contact that went away by its row id, and vanished at once."""

from __future__ import annotations

import pytest

from core.db.models import Party
from tests.ui.test_review import add_duplicate, queue
from ui.action_errors import GONE, action_error


def test_keeping_a_sender_says_so_while_it_runs_and_after(qtbot, ctx, people) -> None:  # noqa: ANN001
    view = queue(qtbot, ctx)
    view.start()
    qtbot.waitUntil(lambda: view.senders_pane.list.count() == 1, timeout=5000)
    view.senders_pane.list.setCurrentRow(0)
    view.promote_current()
    assert view.note.text() == "Keeping the sender as a contact…"  # set before it runs
    qtbot.waitUntil(lambda: view.senders_pane.list.count() == 0, timeout=10_000)
    assert view.note.text() == "The sender is now a contact of their own."


def test_keeping_a_pair_apart_reads_as_a_doing_and_a_failure_names_it(
        qtbot, ctx, people) -> None:  # noqa: ANN001
    add_duplicate(ctx.db, people)
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    view.not_same_current()
    assert view.note.text() == "Keeping the two apart…"
    qtbot.waitUntil(lambda: "kept apart" in view.note.text(), timeout=10_000)

    view.senders_pane.list.setCurrentRow(0)  # the stranger, gone before the action runs
    with ctx.db.session() as session:
        session.delete(session.get(Party, people["stranger"]))
        session.commit()
    view.promote_current()
    qtbot.waitUntil(lambda: "failed" in view.note.text(), timeout=10_000)
    # Said in words and kept (the failed write's change notice used to wipe it at once),
    # without the engine's "No contact with id 6".
    assert view.note.text() == ("Keeping the sender as a contact failed: That contact is not "
                                "there any more: it was merged, split off or deleted "
                                "meanwhile.")
    qtbot.wait(200)
    assert "failed" in view.note.text()


@pytest.mark.parametrize(("exc", "shown"), [
    (LookupError("No contact with id 6"), GONE["contact"]),
    (LookupError("No handle with id 12"), GONE["handle"]),
    (LookupError("No handle 3 or no party 4"),
     "That contact or that address is not there any more."),
    (LookupError("There is no owner yet: start Kith once"),
     "There is no owner yet: start Kith once"),
    (ValueError("No contact with id 6"), "No contact with id 6"),  # not a lookup: as it is
])
def test_a_failure_names_what_went_away_not_its_id(exc: BaseException, shown: str) -> None:
    assert action_error(exc) == shown


def test_the_keys_hint_says_what_l_does_in_each_list(qtbot, ctx, people) -> None:  # noqa: ANN001
    """In the Later list the button read "Back to the queue (L)" above "L later"."""
    add_duplicate(ctx.db, people)
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    assert "L later" in view.dups.keys.text()
    view.later_current()
    qtbot.waitUntil(lambda: view.later_total == 1, timeout=10_000)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_list("later")
    assert view.dups.later_button.text() == "&Back to the queue (L)"
    assert "L back to the queue" in view.dups.keys.text()
    assert "L later" not in view.dups.keys.text()

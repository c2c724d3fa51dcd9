"""Review queue and history: a suggestion shows side by side with its evidence; Merge (by the
M key) then Undo in the history restores both parties; N remembers "not the same person";
an unknown sender can be promoted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.services import review as review_services
from core.db.models import Party, SourceRecord
from core.ingest.engine import ingest_contacts
from core.match.suggest import refresh_suggestions
from core.tasks import TaskState
from tests.ui.helpers import contact
from ui.history_view import HistoryView
from ui.review_queue import ReviewQueue


def add_duplicate(db, people, key: str = "anna2",  # noqa: ANN001
                  email: str = "a.mueller@work.example") -> int:
    """Anna Müller again, from the mail source with another address: a name-only match."""
    with db.session() as session:
        ingest_contacts(session, people["acct:mail"],
                        [contact(key, "Anna", "Müller", email, "", "Acme GmbH")])
        session.flush()
        refresh_suggestions(session)
        session.commit()
        return session.scalar(select(Party.id).where(Party.primary_email == email))


def queue(qtbot, ctx) -> ReviewQueue:  # noqa: ANN001
    view = ReviewQueue(ctx)
    qtbot.addWidget(view)
    view.show()
    return view


def test_merge_then_undo_restores_both(qtbot, ctx, people) -> None:  # noqa: ANN001
    twin = add_duplicate(ctx.db, people)
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    assert len(view.suggestions) == 1
    s = view.current.suggestion
    assert {s.party_a_id, s.party_b_id} == {people["anna"], twin}
    assert s.evidence and view.dups.evidence.items
    assert "anna@example.com" in view.dups.left.text() + view.dups.right.text()
    assert "Anna Müller" in view.dups.list.item(0).text()

    view.dups.list.setFocus()
    qtbot.keyClick(view.dups.list, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: not view.suggestions, timeout=10_000)
    with ctx.db.session() as session:
        merged = [session.get(Party, pid).merged_into_id for pid in (people["anna"], twin)]
    assert merged.count(None) == 1

    history = HistoryView(ctx)
    qtbot.addWidget(history)
    history.show()
    history.start()
    qtbot.waitUntil(lambda: any(d.kind == "merge" for d in history.rows), timeout=5000)
    row = next(r for r, d in enumerate(history.rows) if d.kind == "merge")
    history.table.selectRow(row)
    assert history.undo_button.isEnabled()
    history.undo_button.click()
    qtbot.waitUntil(lambda: any(d.kind == "merge" and d.revoked_at for d in history.rows),
                    timeout=10_000)
    with ctx.db.session() as session:
        for pid in (people["anna"], twin):
            assert session.get(Party, pid).merged_into_id is None
        owners = dict(session.execute(
            select(SourceRecord.external_id, SourceRecord.party_id)).all())
    assert owners["uid-anna"] == people["anna"] and owners["uid-anna2"] == twin


def test_not_the_same_person_is_remembered(qtbot, ctx, people) -> None:  # noqa: ANN001
    add_duplicate(ctx.db, people)
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    counts: list[int] = []
    view.countChanged.connect(counts.append)
    view.not_same_current()
    qtbot.waitUntil(lambda: not view.suggestions, timeout=10_000)
    assert counts and counts[-1] == 1  # only the unknown sender is left
    history = HistoryView(ctx)
    qtbot.addWidget(history)
    history.start()
    qtbot.waitUntil(lambda: any(d.kind == "not_duplicate" for d in history.rows), timeout=5000)


def test_unknown_sender_can_be_promoted(qtbot, ctx, people) -> None:  # noqa: ANN001
    view = queue(qtbot, ctx)
    view.start()
    qtbot.waitUntil(lambda: view.senders_pane.list.count() == 1, timeout=5000)
    view.senders_pane.list.setCurrentRow(0)
    view.promote_current()
    qtbot.waitUntil(lambda: view.senders_pane.list.count() == 0, timeout=10_000)
    with ctx.db.session() as session:
        assert not session.get(Party, people["stranger"]).needs_disambiguation


def test_review_keys_only_act_on_the_review_page(qtbot, window, people) -> None:  # noqa: ANN001
    """M on the contact list must not merge the (hidden) current suggestion."""
    add_duplicate(window.ctx.db, people)
    review = window.review
    with qtbot.waitSignal(review.loaded, timeout=5000):
        review.reload()
    window.show_page("contacts")
    window.contact_list.table.setFocus()
    qtbot.keyClick(window.contact_list.table, Qt.Key.Key_M)
    # Whatever M started (a merge would be a write, then a reload) has finished by now.
    qtbot.waitUntil(lambda: not window.ctx.runner.busy(), timeout=10_000)
    assert len(review.suggestions) == 1
    window.show_page("review")
    review.dups.list.setFocus()
    qtbot.keyClick(review.dups.list, Qt.Key.Key_J)  # J/K move, nothing else happens
    assert len(review.suggestions) == 1


def test_queue_lists_the_best_and_counts_all(qtbot, ctx, people, monkeypatch) -> None:  # noqa: ANN001
    """After a big import there may be 100,000 suggestions: the page lists only the best
    (SHOWN_SUGGESTIONS), the tab and the navigation counter still count every one."""
    add_duplicate(ctx.db, people)
    add_duplicate(ctx.db, people, "anna3", "anna.m@other.example")  # a third Anna: more pairs
    total = len(review_services.suggestions(ctx.db, state=TaskState()))
    assert total >= 2
    monkeypatch.setattr("ui.review_queue.SHOWN_SUGGESTIONS", 1)
    view = queue(qtbot, ctx)
    counts: list[int] = []
    view.countChanged.connect(counts.append)
    view.start()
    qtbot.waitUntil(lambda: view.suggestion_total == total and view.senders_pane.list.count()
                    == len(view.senders) == 1, timeout=5000)
    assert len(view.suggestions) == 1 and view.dups.list.count() == 1
    assert counts[-1] == total + 1  # the navigation counter: every suggestion + the sender
    assert view.tabs.tabText(0) == f"Duplicates ({total})"

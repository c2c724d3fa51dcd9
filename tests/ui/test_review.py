"""Review queue and history: a suggestion shows side by side with its evidence; Merge (by the
M key) then Undo in the history restores both parties; N remembers "not the same person";
an unknown sender can be promoted."""

from __future__ import annotations

import pytest
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
from ui.widgets import chance


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


def answer_undo(history: HistoryView, button_text: str) -> None:
    """Click ``button_text`` in the undo confirmation once it is shown."""
    from PySide6.QtCore import QTimer

    def click() -> None:
        box = history.confirm_box
        if box is None or not box.isVisible():
            QTimer.singleShot(20, click)
            return
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, click)


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
    assert not history.undo_button.isEnabled()  # nothing pre-selected for Undo to act on
    history.table.selectRow(row)
    assert history.undo_button.isEnabled()
    answer_undo(history, "Keep")
    history.undo_button.click()  # asks first; "Keep" undoes nothing
    assert history.status.text() == "Nothing was undone."
    answer_undo(history, "Undo")
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


def add_kate_pair(db, people) -> tuple[int, int]:  # noqa: ANN001
    """Kate Müller (phone source) and Katherine Müller (mail source), same birthday: a
    nickname pair the model suggests."""
    from core.ingest.parsed import DateValue

    ids = []
    for acct, key, given in (("acct:phone", "kate", "Kate"),
                             ("acct:mail", "katherine", "Katherine")):
        c = contact(key, given, "Müller", f"{key}@{key}.example")
        c.birthdays = [DateValue(7, 4, 1990)]
        with db.session() as session:
            ingest_contacts(session, people[acct], [c])
            session.commit()
    with db.session() as session:
        refresh_suggestions(session)
        session.commit()
        for given in ("Kate", "Katherine"):
            ids.append(session.scalar(select(Party.id).where(Party.given_name == given)))
    return ids[0], ids[1]


def open_pair(qtbot, view, name: str) -> None:  # noqa: ANN001
    row = next(r for r, s in enumerate(view.suggestions) if name in (s.name_a, s.name_b))
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.dups.list.setCurrentRow(row)
        if view.current is not None and view.current.suggestion.id == view.suggestions[row].id:
            view._load_current(row)


def test_waterfall_starts_with_the_prior_and_sums_to_the_total(qtbot, ctx, people) -> None:  # noqa: ANN001
    add_kate_pair(ctx.db, people)
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    open_pair(qtbot, view, "Kate Müller")
    bars = view.dups.evidence
    rows = bars.rows
    assert rows[0].label == "Starting point" and rows[0].is_prior
    assert rows[0].weight < 0  # two look-alikes are unlikely to be one person a priori
    assert round(sum(r.weight for r in rows), 1) == bars.total
    assert bars.total == round(view.current.suggestion.score, 1)
    labels = [r.label for r in rows]
    assert "Kate is a short form of Katherine" in labels
    assert not any("_" in label or label.startswith("name:") for label in labels)
    import re

    assert any("born on" in label for label in labels)
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", label) for label in labels)  # "7 April 1990"
    # Kate / Katherine Müller meet by the last name and initial (the full-name rule retired).
    assert view.dups.rule.text().startswith(
        "Found because both have the same last name and first initial")
    assert "family_name_and_first_initial" not in view.dups.rule.text()
    # Not answered yet, so never "100%" (the calibrated chance of this pair rounds to it).
    assert "100%" not in view.dups.rule.text()
    assert "Chance they are the same person: " in view.dups.rule.text()


@pytest.mark.parametrize(("probability", "shown"), [
    (0.9996, "over 99%"), (0.995, "over 99%"), (0.994, "99%"), (0.5, "50%"),
    (0.006, "1%"), (0.0049, "under 1%"), (0.0, "under 1%")])
def test_a_suggestion_is_never_shown_as_certain(probability: float, shown: str) -> None:
    from ui.widgets import chance

    assert chance(probability) == shown
    assert chance(probability, short=True) == shown.replace("over ", ">").replace("under ", "<")


def test_waterfall_rows_sum_for_any_weights() -> None:
    """Rounding each row to 0.1 leaves gaps (+7.04, -0.46, +6.04 -> 12.6 vs 12.7): the rows
    are rounded together so that they add up to the total shown."""
    from app.services.evidence import waterfall
    from app.services.review import Evidence

    items = [Evidence("name", "exact", "A", "A", 7.04), Evidence("email", "different", "a", "b",
                                                                 -0.46),
             Evidence("birthday", "exact", "1", "1", 6.04)]
    chart = waterfall(items, 5.12)
    assert [r.label for r in chart.rows][0] == "Starting point"
    assert chart.total == 5.1 and round(sum(r.weight for r in chart.rows), 1) == 5.1
    prior = Evidence("prior", "prior", "", "", -7.5, "One pair in 180 is the same person")
    chart = waterfall([prior, *items], -7.5 + 7.04 - 0.46 + 6.04)
    assert chart.rows[0].weight == -7.5 and chart.rows[0].tooltip.startswith("One pair")
    assert len(chart.rows) == 4 and round(sum(r.weight for r in chart.rows), 1) == chart.total


def test_empty_queue_shows_an_empty_state_with_buttons_disabled(qtbot, ctx, people) -> None:  # noqa: ANN001
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.filled, timeout=5000):
        view.start()
    assert not view.suggestions
    assert view.dups.stack.currentWidget() is view.dups.empty_page
    assert not view.dups.show_later_button.isVisibleTo(view)
    assert "No suggested duplicates" in view.dups.empty.text()
    for button in (view.dups.merge_button, view.dups.not_same_button, view.dups.later_button):
        assert not button.isEnabled()
    assert not view.dups.evidence.rows  # no "Total score +0.0" for nothing
    assert "(M)" in view.dups.merge_button.text() and "(N)" in view.dups.not_same_button.text()
    assert "J" in view.dups.list.toolTip() and "K" in view.dups.list.toolTip()


def test_later_pairs_have_their_own_list_and_come_back(qtbot, ctx, people) -> None:  # noqa: ANN001
    add_duplicate(ctx.db, people)
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    view.dups.list.setFocus()
    qtbot.keyClick(view.dups.list, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: not view.suggestions and view.later_total == 1, timeout=10_000)
    assert "put off for later" in view.note.text()
    assert "1 pair is put off for later" in view.dups.empty.text()
    assert not view.dups.merge_button.isEnabled()
    with ctx.db.session() as session:  # the deferral is in the database: it survives restarts
        from core.db.models import MergeSuggestion
        assert session.scalar(select(MergeSuggestion.status)) == "later"

    assert view.dups.show_later_button.isVisibleTo(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.dups.show_later_button.click()
    assert len(view.suggestions) == 1 and view.dups.merge_button.isEnabled()
    assert view.dups.later_button.text() == "&Back to the queue (L)"
    assert view.tabs.tabText(0) == "Duplicates (0)"  # the counter counts waiting pairs only
    view.later_current()
    qtbot.waitUntil(lambda: not view.suggestions and view.later_total == 0, timeout=10_000)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_list("open")
    assert len(view.suggestions) == 1 and view.waiting_total == 1


def test_undo_in_history_refreshes_the_review(qtbot, ctx, people) -> None:  # noqa: ANN001
    add_duplicate(ctx.db, people)
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    view.merge_current()
    qtbot.waitUntil(lambda: not view.suggestions and view.note.text().startswith("Merged"),
                    timeout=10_000)
    history = HistoryView(ctx)
    qtbot.addWidget(history)
    history.start()
    qtbot.waitUntil(lambda: bool(history.rows), timeout=5000)
    merge_row = next(r for r, d in enumerate(history.rows) if d.kind == "merge")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        history.undo(history.rows[merge_row], confirm=False)
    assert len(view.suggestions) == 1  # the pair is back
    assert view.note.text() == ""  # no stale "Merged ..." after the undo
    assert view.dups.merge_button.isEnabled()


def test_unknown_senders_explain_themselves_and_buttons_follow(qtbot, ctx, people) -> None:  # noqa: ANN001
    view = queue(qtbot, ctx)
    view.start()
    pane = view.senders_pane
    qtbot.waitUntil(lambda: pane.list.count() == 1, timeout=5000)
    assert "does not know" in pane.explanation.text() and not pane.explanation.isHidden()
    assert pane.stack.currentIndex() == 1
    assert "Promote" not in pane.promote_button.text()  # the engine's word
    assert not pane.promote_button.isEnabled() and not pane.attach_button.isEnabled()
    pane.list.setCurrentRow(0)
    assert pane.promote_button.isEnabled() and not pane.attach_button.isEnabled()
    pane.search.setText("anna")
    qtbot.waitUntil(lambda: pane.matches.count() == 1, timeout=5000)
    pane.matches.setCurrentRow(0)
    assert pane.attach_button.isEnabled()
    view.attach_current()
    qtbot.waitUntil(lambda: not view.senders, timeout=10_000)
    assert pane.stack.currentWidget() is pane.empty and "No unknown senders" in pane.empty.text()
    assert pane.explanation.isHidden()  # no "Someone wrote to you" above "No unknown senders"
    assert not pane.promote_button.isEnabled() and not pane.attach_button.isEnabled()
    assert view.tabs.tabText(1) == "Unknown senders (0)"
    with ctx.db.session() as session:
        assert session.get(Party, people["stranger"]).merged_into_id == people["anna"]


def test_uncertain_first_is_offered_when_the_engine_can_order_so(qtbot, ctx, people) -> None:  # noqa: ANN001
    """The review engine may list the pairs it is least sure of first ("useful": answers that
    teach the model most). The combo is there exactly when the engine offers that order, and
    then lists the pairs by how close their score is to even."""
    add_duplicate(ctx.db, people)
    add_duplicate(ctx.db, people, "anna3", "anna.m@other.example")
    add_kate_pair(ctx.db, people)
    orders = review_services.review_orders(ctx.db, state=TaskState())
    view = queue(qtbot, ctx)
    view.start()
    qtbot.waitUntil(lambda: view.orders_known and len(view.suggestions) >= 3, timeout=5000)
    assert view.dups.order.isVisibleTo(view) == ("useful" in orders)
    if "useful" not in orders:
        assert view.dups.sort_order == "score"
        return
    with qtbot.waitSignal(view.filled, timeout=5000):
        view.dups.order.setCurrentIndex(view.dups.order.findData("useful"))
    scores = [abs(s.score) for s in view.suggestions]
    assert scores == sorted(scores)


def test_a_narrow_pairs_list_shows_each_pair_whole(qtbot, ctx, people) -> None:  # noqa: ANN001
    """At 800x600 the pairs list is about 180 px wide: each pair reads on two lines (one line
    was cut: "Katherine Müller ↔ Kate Mü"), a pair still too long is elided, never scrolled
    sideways, and its tooltip names both in full."""
    from tests.ui.layout_check import check_cells, check_sideways, tooltip_of

    add_duplicate(ctx.db, people)
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    view.resize(560, 500)
    qtbot.waitUntil(lambda: view.dups.list.viewport().width() < 200, timeout=5000)
    rows = view.dups.list
    s = view.suggestions[0]
    assert rows.item(0).text().split("\n")[0] == s.name_a  # the first name on a line
    tip = tooltip_of(rows, rows.model().index(0, 0))
    assert f"{s.name_a} ↔ {s.name_b}" in tip and f"{s.score:+.1f}" in tip
    assert rows.item(0).text().endswith(f"   {chance(s.probability, short=True)}")  # no score
    assert f"{s.score:+.1f}" not in rows.item(0).text()
    qtbot.waitUntil(lambda: rows.horizontalScrollBar().maximum() == 0, timeout=5000)
    assert check_sideways(rows) == [] and check_cells(rows) == []


def test_conflicting_birthdays_are_offered_in_the_cards_words(qtbot, ctx, people) -> None:  # noqa: ANN001
    """The merge's "keep which value?" showed "1953-07-12" beside evidence that says
    "12 July 1953": the choice uses the contact card's date words."""
    from PySide6.QtWidgets import QRadioButton

    from ui.contact_card import locale_date

    twin = add_duplicate(ctx.db, people)
    with ctx.db.session() as session:
        session.get(Party, people["anna"]).birthday = "1953-07-12"
        session.get(Party, twin).birthday = "1943-12-07"
        session.commit()
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    shown = {b.text() for b in view.dups.choices_box.findChildren(QRadioButton)}
    assert {locale_date("1953-07-12"), locale_date("1943-12-07")} <= shown
    assert not shown & {"1953-07-12", "1943-12-07"}
    assert set(view.choice_groups) >= {"birthday"}


def test_long_evidence_scrolls_at_800x600_and_the_filter_keeps_its_count(qtbot, ctx, people) -> None:  # noqa: ANN001, E501
    """Seen at 800x600 on a big book: wrapped evidence pushed its last rows under the buttons,
    and the filter read "Waiting for review (1,01"."""
    from app.services.evidence import Waterfall, WaterfallRow

    add_duplicate(ctx.db, people)
    view = queue(qtbot, ctx)
    view.resize(600, 420)  # the review page's share of an 800x600 window
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    pane = view.dups
    rows = tuple(WaterfallRow(f"Evidence {i}: a sentence long enough to wrap onto a second "
                              "line in the narrow pane", 1.0) for i in range(12))
    pane.evidence.set_waterfall(Waterfall(rows, 12.0))
    qtbot.waitUntil(lambda: pane.detail_scroll.verticalScrollBar().maximum() > 0)
    assert pane.evidence.height() >= pane.evidence.sizeHint().height()  # whole, not squeezed
    assert pane.merge_button.isVisible()
    bottom = pane.merge_button.mapTo(view, pane.merge_button.rect().bottomLeft()).y()
    assert bottom <= view.height()
    assert pane.detail_scroll.horizontalScrollBar().maximum() == 0
    pane.filter.setItemText(0, "Waiting for review (1,016)")
    qtbot.waitUntil(lambda: pane.list_pane.width() >= pane.filter.sizeHint().width())
    text_room = pane.filter.width() - pane.filter.fontMetrics().horizontalAdvance(
        pane.filter.currentText())
    assert text_room > 0

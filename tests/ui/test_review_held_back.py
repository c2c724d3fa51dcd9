"""A pair the attach veto held back shows why in the review queue: "Not joined
automatically" with the reason in plain words, under the paired-by line."""

from __future__ import annotations

from core.ingest.engine import ingest_contacts
from core.match.suggest import refresh_suggestions
from tests.match.builders import account, person
from ui.review_queue import ReviewQueue


def test_the_review_queue_names_why_a_shared_number_did_not_join(qtbot, ctx) -> None:  # noqa: ANN001
    home = dict(birthday=(1975, 2, 14), street="Lindenweg 4", postal="10115", city="Berlin")
    with ctx.db.session() as session:
        for book, ext, label in (("a", "1", "home"), ("b", "2", "")):
            ingest_contacts(session, account(session, book), [
                person(ext, "Jonas", "Becker", phones=(("030 1234567", label),), **home)])
        refresh_suggestions(session)
        session.commit()
    view = ReviewQueue(ctx)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    assert view.current is not None
    assert view.current.held_back and "labelled “home”" in view.current.held_back[0]
    text = view.dups.rule.text()
    assert "Not joined automatically: the number 030 1234567 is labelled “home”" in text

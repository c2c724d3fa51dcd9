"""Why a pair was not joined automatically reads the same for rows stored before and after
birthdays were written in words: the review service rewrites stored ISO dates and raw
international numbers the way the evidence does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.services.review import suggestion_detail, suggestions
from core.db.engine import open_database
from core.db.models import ActivityEvent
from core.ingest.engine import ingest_contacts
from core.match.suggest import refresh_suggestions
from tests.match.builders import account, person

#: A reason as the attach veto stored it before the last session (ISO dates, E.164).
OLD_REASON = "the birthdays 1953-07-12 and 1953-08-21 differ"
OLD_NUMBER = "the number +493012345678 is on several cards of one source"


def test_an_old_stored_reason_reads_in_words(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'kith.sqlite'}")
    try:
        # A shared home line holds the second card back (the veto stores why); the reason
        # is then written back as rows from before the last session have it.
        home = dict(birthday=(1975, 2, 14), street="Lindenweg 4", postal="10115",
                    city="Berlin")
        with db.session() as session:
            for book, ext, label in (("a", "1", "home"), ("b", "2", "")):
                ingest_contacts(session, account(session, book), [
                    person(ext, "Jonas", "Becker", phones=(("030 1234567", label),), **home)])
            refresh_suggestions(session)
            event = session.scalars(select(ActivityEvent).where(
                ActivityEvent.kind == "attach_held")).one()
            event.payload = {**event.payload, "reasons": [OLD_REASON, OLD_NUMBER]}
            session.commit()
        (pair,) = suggestions(db, state=None)
        detail = suggestion_detail(db, pair, state=None)
        assert detail.held_back == [
            "the birthdays 12 July 1953 and 21 August 1953 differ",
            "the number +49 30 12345678 is on several cards of one source"]
    finally:
        db.dispose()

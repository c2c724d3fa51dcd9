"""A re-estimate of the duplicate model is due after a big import, and no longer once it
ran (on SQLite and PostgreSQL, through the real ingest and the real re-estimate)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.db.engine import Database
from core.ingest.engine import ingest_contacts
from core.match.retrain_due import BIG_IMPORT, retrain_due
from core.match.train import MIN_PARTIES, retrain
from tests.match.builders import account, person

_GIVEN = ("Anna", "Jonas", "Mia", "Lukas", "Lea", "Elias", "Emma", "Noah", "Sofia", "Ben")
_FAMILY = ("Berg", "Kaya", "Nowak", "Rossi", "Silva", "Tanaka", "Olsen", "Dubois")


def _import(session: Session, book: int, start: int, count: int) -> None:
    ingest_contacts(session, book, [
        person(f"c{i}", _GIVEN[i % 10], f"{_FAMILY[i // 10 % 8]}{i // 80}",
               birthday=(1950 + i % 50, 1 + i % 12, 1 + i % 28))
        for i in range(start, start + count)])
    session.commit()


def test_due_after_a_big_import_and_answered_by_the_re_estimate(any_db: Database) -> None:
    with any_db.session() as session:
        book = account(session)
        _import(session, book, 0, MIN_PARTIES - 1)
        assert retrain_due(session) is None  # a small book keeps the hand-set table
        _import(session, book, MIN_PARTIES - 1, 1)
        due = retrain_due(session)
        assert due is not None and due.first and due.parties == MIN_PARTIES
        assert "learn from your 1,000 contacts" in due.sentence()
        result = retrain(session)
        session.commit()
        assert result.model.source == "estimated" and retrain_due(session) is None
        _import(session, book, MIN_PARTIES, BIG_IMPORT - 1)
        assert retrain_due(session) is None  # not yet a big import
        _import(session, book, MIN_PARTIES + BIG_IMPORT - 1, 1)
        due = retrain_due(session)
        assert due is not None and not due.first and due.added == BIG_IMPORT
        assert "1,000 contacts came in" in due.sentence()

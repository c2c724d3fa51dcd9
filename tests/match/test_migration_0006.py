"""Migration 0006 (estimated models, suggestion patterns) goes down and up again on SQLite
and PostgreSQL, keeping the suggestions it finds."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from core.db.engine import Database
from core.db.migrate import alembic_config
from core.ingest.engine import ingest_contacts
from core.match.suggest import refresh_suggestions
from tests.match.builders import account, person


def test_downgrade_and_upgrade(fresh_db: Database) -> None:
    db = fresh_db
    with db.session() as session:
        acc = account(session)
        ingest_contacts(session, acc, [person("a", "Anna", "Berg", street="Ring 1",
                                              city="Bonn"),
                                       person("b", "Anna", "Berg", street="Ring 1",
                                              city="Bonn")])
        assert refresh_suggestions(session) == 1
        session.commit()
    db.engine.dispose()
    cfg = alembic_config(db.engine)
    command.downgrade(cfg, "0003")
    inspector = inspect(db.engine)
    assert "match_model" not in inspector.get_table_names()
    assert "pattern" not in {c["name"] for c in inspector.get_columns("merge_suggestion")}
    command.upgrade(cfg, "0006")
    inspector = inspect(db.engine)
    assert "match_model" in inspector.get_table_names()
    assert "pattern" in {c["name"] for c in inspector.get_columns("merge_suggestion")}
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT pattern FROM merge_suggestion")).all() == [("",)]

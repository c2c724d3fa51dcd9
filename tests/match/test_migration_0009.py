"""Migration 0009 (blocking keys one row per key and one per party, instead of one per
(party, key)) carries a book's stored keys both ways, and an upgraded book's next refresh
is incremental and ends where a full rebuild does, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from core.db.engine import Database
from core.db.migrate import alembic_config
from core.ingest.engine import ingest_contacts
from core.match.hooks import after_ingest
from core.match.key_store import stored_memberships
from core.match.suggest import refresh_suggestions, stale_keys
from tests.match.builders import account, person
from tests.match.rebuild_check import assert_same_as_rebuild, book_state


def test_keys_carried_down_and_up_and_refreshed_incrementally(fresh_db: Database) -> None:
    db = fresh_db
    with db.session() as session:
        acc = account(session)
        ingest_contacts(session, acc, [
            person("1", "Kari", "Nielsen", emails=("kari@example.org",)),
            person("2", "Kari", "Nielsen", city="Oslo"),
            person("3", "Ola", "Berg", phones=("030 1234567",)),
            person("4", "Anna", "Berg", street="Ring 1", postal="53111", city="Bonn")])
        refresh_suggestions(session)
        session.commit()
        before = book_state(session)
    db.engine.dispose()
    cfg = alembic_config(db.engine)

    command.downgrade(cfg, "0008")
    inspector = inspect(db.engine)
    assert "match_key" in inspector.get_table_names()
    assert "match_block" not in inspector.get_table_names()
    with db.engine.connect() as conn:
        old = conn.execute(text("SELECT party_id, key FROM match_key ORDER BY party_id, key"))
        assert [tuple(r) for r in old] == before[1]

    command.upgrade(cfg, "0009")
    assert "match_key" not in inspect(db.engine).get_table_names()
    with db.session() as session:
        assert book_state(session) == before  # the blocks agree with the parties' rows (book_state)
        assert not stale_keys(session, set())
        # A new Kari finds her partners through the carried-over keys alone.
        stats = ingest_contacts(session, acc, [person("5", "Kari", "Nielsen", city="Bergen")])
        after_ingest(session, stats.touched_party_ids)
        session.commit()
        pairs = {(r[0], r[1]) for r in book_state(session)[0]}
        new = next(iter(stats.touched_party_ids))
        assert sum(new in pair for pair in pairs) == 2
        assert len(stored_memberships(session)[0]) > len(before[1])
        assert_same_as_rebuild(session)

"""One picture of what a refresh stored, to check that an incremental refresh ends exactly
where a full rebuild does (the invariant tests/match/test_incremental_equals_full.py states;
the key-store, migration and bulk-refresh tests check it too)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import ActivityEvent, MergeSuggestion
from core.match.key_store import stored_memberships
from core.match.suggest import refresh_suggestions
from core.sync.bulk_refresh import PENDING

Memberships = list[tuple[int, str]]


def book_state(session: Session) -> tuple[list[tuple], Memberships]:
    """Every stored suggestion (each column a refresh writes, in pair order) and the stored
    keys, checked to be the same memberships as the parties' rows and the blocks list them."""
    rows = session.execute(select(
        MergeSuggestion.party_a_id, MergeSuggestion.party_b_id, MergeSuggestion.score,
        MergeSuggestion.probability, MergeSuggestion.blocking_rule, MergeSuggestion.explanation,
        MergeSuggestion.status, MergeSuggestion.model_version,
    ).order_by(MergeSuggestion.party_a_id, MergeSuggestion.party_b_id)).all()
    by_party, by_block = stored_memberships(session)
    assert by_party == by_block
    return [tuple(r) for r in rows], by_party


def assert_same_as_rebuild(session: Session) -> list[tuple]:
    """Rebuild from scratch and check nothing changed; the suggestion rows (as
    ``book_state`` has them: the blocking rule is ``row[4]``)."""
    incremental = book_state(session)
    refresh_suggestions(session)
    session.commit()
    assert book_state(session) == incremental
    return incremental[0]


def assert_run_same_as_rebuild(db: Database) -> list[tuple]:
    """After a bulk run (``core.sync.bulk_refresh``): ``assert_same_as_rebuild`` in a session
    of its own, and no run's "suggestions pending" row left behind."""
    with db.session() as s:
        rows = assert_same_as_rebuild(s)
        assert s.scalar(select(func.count()).select_from(ActivityEvent)
                        .where(ActivityEvent.kind == PENDING)) == 0
    return rows

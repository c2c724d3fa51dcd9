"""What the sync runtime and the importer call once a run's batches are written.

A bulk run (an import, a full sync) calls :func:`after_ingest` ONCE, with every party its
batches touched (``core.sync.bulk_refresh`` collects them), not once per batch: re-scoring the
partners of each batch again and again was two thirds of a 100,000-card import. When the run
touched most of the book, a full rebuild is cheaper than the incremental plan and, by the
invariant tests/match/test_incremental_equals_full.py checks, stores the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import Party
from core.match import feature_tail
from core.match.decisions import reapply_decisions
from core.match.suggest import refresh_suggestions

#: A run that touched at least this share of the live parties rebuilds from scratch.
FULL_REBUILD_SHARE = 0.5


def after_ingest(session: Session, touched_party_ids: Iterable[int] | None) -> int:
    """Re-apply standing link/shared decisions, then re-score the parties that changed
    (``IngestStats.touched_party_ids`` of every batch of the run; None: everything). Returns
    the number of suggestions written."""
    if reapply_decisions(session):
        feature_tail.withdraw()  # links or marks changed here, after the tail read them
    if touched_party_ids is None:
        return refresh_suggestions(session)
    touched = set(touched_party_ids)
    if not touched:
        return 0
    if len(touched) >= FULL_REBUILD_SHARE * live_parties(session):
        return refresh_suggestions(session)
    return refresh_suggestions(session, touched)


def live_parties(session: Session) -> int:
    """Parties not merged into another."""
    return session.scalar(select(func.count()).select_from(Party)
                          .where(Party.merged_into_id.is_(None))) or 0

"""What the sync runtime calls after every import or sync batch."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from core.match.decisions import reapply_decisions
from core.match.suggest import refresh_suggestions


def after_ingest(session: Session, touched_party_ids: Iterable[int]) -> int:
    """Re-apply standing link/shared decisions, then re-score only the parties that changed
    (``IngestStats.touched_party_ids``). Returns the number of suggestions written."""
    touched = set(touched_party_ids)
    reapply_decisions(session)
    return refresh_suggestions(session, touched) if touched else 0

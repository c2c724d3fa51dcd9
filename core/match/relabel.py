"""After a decision: re-weigh the open suggestions that have the decided pair's pattern.

A merge, a "not the same person" or undoing one changes the labels (``labels``) of one
pattern; every open or "later" suggestion with that pattern gets its "decisions" item again
from its stored explanation (no features are loaded), and one that falls below the storing
threshold is dropped, as a full rebuild would drop it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import MergeSuggestion
from core.ingest.sqlutil import in_values, update_many
from core.match.labels import NOT_EVIDENCE, adjust, load_labels, pattern_of
from core.match.weights import STORE_MIN_SCORE, probability


def relabel_pairs(session: Session, party_ids: Iterable[int]) -> int:
    """Re-weigh the open suggestions sharing a pattern with any pair among ``party_ids``
    (whatever its status); returns how many rows changed."""
    ids = sorted(set(party_ids))
    if not ids:
        return 0
    patterns = {p for (p,) in session.execute(select(MergeSuggestion.pattern).where(
        or_(in_values(session, MergeSuggestion.party_a_id, ids),
            in_values(session, MergeSuggestion.party_b_id, ids)))) if p}
    return relabel(session, patterns)


def relabel(session: Session, patterns: set[str]) -> int:
    if not patterns:
        return 0
    labels = load_labels(session)
    updates, stale = [], []
    now = utcnow()
    for sid, explanation, score in session.execute(
            select(MergeSuggestion.id, MergeSuggestion.explanation, MergeSuggestion.score)
            .where(MergeSuggestion.pattern.in_(sorted(patterns)),
                   MergeSuggestion.status.in_(("open", "later")))):
        items = [it for it in explanation or [] if it.get("field") != "decisions"]
        total = 0.0
        for it in items:  # the order score_of sums in: prior first
            total += float(it["weight"])
        base = round(total, 2)
        extra = adjust(base, pattern_of(it for it in items if it["field"] not in NOT_EVIDENCE),
                       labels)
        new = round(base + extra["weight"], 2) if extra else base
        if new < STORE_MIN_SCORE:
            stale.append(sid)
        elif new != score or len(items) != len(explanation or []) or extra:
            updates.append({"_key": sid, "score": new, "probability": round(probability(new), 6),
                            "explanation": [*items, extra] if extra else items,
                            "updated_at": now})
    if stale:
        session.execute(delete(MergeSuggestion).where(in_values(session, MergeSuggestion.id,
                                                                stale)))
    update_many(session, MergeSuggestion, "id", updates)
    session.flush()
    return len(updates) + len(stale)

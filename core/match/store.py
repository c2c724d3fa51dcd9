"""Writing scored pairs to ``merge_suggestion`` set-wise.

One statement reads the stored rows a refresh may replace, one deletes the stale ones, and
inserts and updates go out as multi-row statements (``sqlutil``), because an import batch
re-decides tens of thousands of pairs and per-row ORM writes would cost more than scoring.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import MergeSuggestion
from core.ingest.sqlutil import in_values, insert_many, update_many
from core.match.blocking import rule_label
from core.match.compare import Level, explanation_rows
from core.match.labels import pattern_key, pattern_of
from core.match.weights import Model

Pair = tuple[int, int]
#: pair -> the values its row stores (``values_of``).
Scored = dict[Pair, dict[str, Any]]


def existing_rows(session: Session, scope: set[int] | None,
                  extra: AbstractSet[Pair] = frozenset()) -> dict[Pair, tuple[int, str]]:
    """(id, status) of the stored rows a refresh decides: all of them (``scope`` None), or
    those involving a party of ``scope`` plus the ``extra`` pairs."""
    stmt = select(MergeSuggestion.party_a_id, MergeSuggestion.party_b_id, MergeSuggestion.id,
                  MergeSuggestion.status)
    found: dict[Pair, tuple[int, str]] = {}
    if scope is None:
        for a, b, sid, status in session.execute(stmt):
            found[(a, b)] = (sid, status)
        return found
    if scope:
        ids = sorted(scope)
        # party_b_id has no index of its own: one statement scans the table once.
        for a, b, sid, status in session.execute(stmt.where(or_(
                in_values(session, MergeSuggestion.party_a_id, ids),
                in_values(session, MergeSuggestion.party_b_id, ids)))):
            found[(a, b)] = (sid, status)
    if extra:
        firsts = sorted({a for a, _ in extra})
        for a, b, sid, status in session.execute(
                stmt.where(in_values(session, MergeSuggestion.party_a_id, firsts))):
            if (a, b) in extra:
                found[(a, b)] = (sid, status)
    return found


def values_of(score: float, levels: list[Level], rules: list[str], model: Model,
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the row of a scored pair stores (but its ids, status and times)."""
    return {
        "score": score,
        "probability": round(model.probability(score), 6),
        "blocking_rule": rule_label(rules),
        "explanation": explanation_rows(levels, model, (extra,) if extra else ()),
        "model_version": model.version,
        "pattern": pattern_key(pattern_of(levels)),
    }


def store(session: Session, scored: Scored, existing: dict[Pair, tuple[int, str]]) -> int:
    """Insert new pairs, update open/"later" ones, delete open/"later" rows of ``existing``
    that were not scored again; return how many rows were written."""
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for pair, values in sorted(scored.items()):
        row = existing.get(pair)
        if row is None:
            inserts.append({"party_a_id": pair[0], "party_b_id": pair[1], "status": "open",
                            "created_at": now, "updated_at": now, **values})
        elif row[1] in ("open", "later"):
            updates.append({"_key": row[0], "updated_at": now, **values})
    stale = sorted(sid for pair, (sid, status) in existing.items()
                   if status in ("open", "later") and pair not in scored)
    if stale:
        session.execute(delete(MergeSuggestion).where(
            in_values(session, MergeSuggestion.id, stale)))
    update_many(session, MergeSuggestion, "id", updates)
    insert_many(session, MergeSuggestion, inserts)
    session.flush()
    return len(inserts) + len(updates)

"""The owner's decisions as labels: a merge says "pairs like this are the same person", a
"not the same person" says the opposite, and revoking the decision takes the label back.

A pair's *pattern* is the set of levels its fields reached (the explanation without the
prior). Suggestions rows keep their explanation when the owner decides (status "merged" or
"rejected"), so the labels are read back from them, and an undone decision (the row back to
"open") is no label any more. Two uses:

- ``adjust``: a suggestion whose pattern the owner has judged before moves toward that
  judgement, as a Beta-binomial update of the model's probability with ``PRIOR_STRENGTH``
  pseudo-pairs: one "not the same person" takes a 0.99 pattern down to about 0.66 (below the
  review threshold), one merge lifts a 0.6 pattern to about 0.73. It is an explanation item
  of its own ("decisions"), so the items still add up to the score.
- ``train`` uses labelled pairs with a fixed posterior in its EM.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import MergeSuggestion

Pattern = tuple[tuple[str, str], ...]
#: pattern -> (merged, rejected) counts.
Labels = dict[Pattern, tuple[int, int]]

#: Fields of an explanation that are not comparisons.
NOT_EVIDENCE = frozenset({"prior", "decisions"})
PRIOR_STRENGTH = 2.0


def pattern_of(items: Iterable[Any]) -> Pattern:
    """The pattern of Level tuples or stored explanation rows (dicts). The correction items
    (namesakes, household) follow from other levels (and are not stored when they weigh 0),
    so they are left out: both forms give the same pattern."""
    out = []
    for item in items:
        field, level = (item["field"], item["level"]) if isinstance(item, dict) else item[:2]
        if field not in NOT_EVIDENCE and field != "household" and level != "namesakes":
            out.append((field, level))
    return tuple(sorted(out))


def pattern_key(pattern: Pattern) -> str:
    """A short stable key of a pattern (stored on the suggestion row, indexed)."""
    text = ";".join(f"{f}={lvl}" for f, lvl in pattern)
    return hashlib.blake2s(text.encode(), digest_size=12).hexdigest()


def load_labels(session: Session) -> Labels:
    found: dict[Pattern, list[int]] = {}
    for explanation, status in session.execute(
            select(MergeSuggestion.explanation, MergeSuggestion.status).where(
                MergeSuggestion.status.in_(("merged", "rejected")))):
        pattern = pattern_of(explanation or [])
        if pattern:
            counts = found.setdefault(pattern, [0, 0])
            counts[0 if status == "merged" else 1] += 1
    return {p: (c[0], c[1]) for p, c in found.items()}


def adjust(score: float, pattern: Pattern, labels: Labels) -> dict[str, Any] | None:
    """The "decisions" explanation item for a pair with this model score, or None."""
    counts = labels.get(pattern)
    if not counts:
        return None
    merged, rejected = counts
    p = min(max(1.0 / (1.0 + 2.0 ** (-score)), 1e-9), 1 - 1e-9)
    q = (PRIOR_STRENGTH * p + merged) / (PRIOR_STRENGTH + merged + rejected)
    q = min(max(q, 1e-9), 1 - 1e-9)
    weight = round(math.log2(q / (1 - q)) - score, 2)
    return {"field": "decisions", "level": "labelled", "left": str(merged),
            "right": str(rejected), "weight": weight, "sentence": _sentence(merged, rejected)}


def _sentence(merged: int, rejected: int) -> str:
    def pairs(n: int) -> str:
        return "1 pair" if n == 1 else f"{n} pairs"

    parts = []
    if merged:
        parts.append(f"you merged {pairs(merged)}")
    if rejected:
        parts.append(f"you said {pairs(rejected)} were different people")
    text = " and ".join(parts)
    return f"With the same kind of evidence {text}"

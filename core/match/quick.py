"""The score of a pair without its explanation: the fast gate in front of the explanation.

Blocking on common names pairs each party with dozens of namesakes, and all but a few of
those pairs score below ``STORE_MIN_SCORE`` and are thrown away. The levels themselves are
cheap (cached name levels, C string metrics); the explanation rows (sentences, formatted
values) are built only for the pairs the refresh keeps.
"""

from __future__ import annotations

from core.match.compare import compare_all, score_of
from core.match.features import PartyFeatures
from core.match.weights import HAND_MODEL, Model


def quick_score(a: PartyFeatures, b: PartyFeatures, mobiles: dict[int, bool] | None = None,
                model: Model = HAND_MODEL) -> float:
    """``score_of(compare_all(a, b), model)`` (``mobiles`` is kept for callers of the old
    signature and not needed any more)."""
    return score_of(compare_all(a, b), model)

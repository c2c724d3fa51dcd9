"""Calibrated match probabilities: among the pairs shown with probability p, about p in
every hundred are the same person.

The score stays what it is (the prior plus every item's weight, exactly as the explanation
lists them); only the probability shown beside it is read off a map instead of the plain
``1 / (1 + 2 ** -score)``. The plain formula trusts the weights as if the fields were
independent; they are not (a typo'd name and a typo'd birthday come together, households
share several things at once), so in the middle of the scale it promised far more than it
held (pairs shown as 60-70% were 20-50% true on the corruption corpus).

The maps are isotonic regressions of "same person" on the score (``fit_isotonic``, the
pool-adjacent-violators algorithm), fitted by ``tests/benchmarks/calibration_fit.py`` on
corruption corpora generated with seeds the identity benchmark does not use: one for the
hand-set table, one for tables estimated from a book (``train``), both for the levels of
``weights.MODEL_VERSION``. ``CALIBRATION_VERSION`` is part of the model version stored on
every suggestion, so a new map re-scores (and re-labels) the stored suggestions once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

#: Part of every model version ("kith-fs-3+c1+k2"): a new map re-scores stored suggestions.
CALIBRATION_VERSION = "c1"

#: (score, probability) points, increasing in both; straight lines between them.
Points = tuple[tuple[float, float], ...]

#: The hand-set table's map (see the module docstring; regenerate with the fitting script).
#: Fitted on 53,351 blocked pairs (12,928 true): Brier 0.0394 plain, 0.0348 calibrated.
HAND_CALIBRATION: Points = (
    (-29.761, 0.0005), (-23.705, 0.0005), (-17.148, 0.0097), (-13.352, 0.0194),
    (-9.473, 0.0323), (-6.167, 0.0461), (-5.32, 0.1609), (-4.504, 0.2941),
    (-3.883, 0.3119), (-0.825, 0.3303), (0.868, 0.4181), (1.415, 0.4697),
    (1.895, 0.9937), (7.353, 0.9995),
)
#: The map of tables estimated from a book (the same pairs, each corpus's own estimate):
#: Brier 0.0258 plain, 0.0227 calibrated.
ESTIMATED_CALIBRATION: Points = (
    (-47.35, 0.0005), (-35.67, 0.0005), (-28.764, 0.0005), (-21.45, 0.0085),
    (-15.352, 0.0132), (-14.547, 0.035), (-13.669, 0.039), (-9.876, 0.0423),
    (-5.978, 0.0469), (-5.592, 0.0508), (-5.32, 0.0993), (-5.074, 0.125),
    (-4.334, 0.174), (-3.461, 0.198), (-2.897, 0.2959), (-0.673, 0.333),
    (1.78, 0.3333), (1.94, 0.75), (2.08, 0.9375), (2.523, 0.9434),
    (2.834, 0.9744), (3.697, 0.988), (14.562, 0.9995),
)


def logistic(score: float) -> float:
    """The uncalibrated probability of a log2-odds score."""
    if score > 60:
        return 1.0
    if score < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-score))


def calibrated(score: float, points: Points) -> float:
    """The probability the map gives a score: straight lines between its points; beyond its
    ends the plain probability where that is more extreme (a pair far above every fitted
    pair is at least as likely as the best of them), so the map stays increasing."""
    if not points:
        return logistic(score)
    first_score, first_p = points[0]
    if score <= first_score:
        return min(first_p, logistic(score))
    last_score, last_p = points[-1]
    if score >= last_score:
        return max(last_p, logistic(score))
    lo, hi = 0, len(points) - 1
    while hi - lo > 1:  # the segment holding the score
        mid = (lo + hi) // 2
        if points[mid][0] <= score:
            lo = mid
        else:
            hi = mid
    (x0, y0), (x1, y1) = points[lo], points[hi]
    return y0 + (y1 - y0) * (score - x0) / (x1 - x0) if x1 > x0 else y1


def fit_isotonic(samples: Iterable[tuple[float, bool]], max_points: int = 40,
                 floor: float = 0.0005) -> Points:
    """An increasing map from score to the share of true pairs (pool adjacent violators),
    one point per pooled block (its mean score, its share of true pairs), thinned to at most
    ``max_points`` by pooling the neighbours with the fewest pairs. Shares are kept within
    ``floor`` of 0 and 1: a block with no true pair says "rare", not "impossible"."""
    by_score: dict[float, list[float]] = {}
    for score, true in samples:
        cell = by_score.setdefault(score, [0.0, 0.0])
        cell[0] += 1.0 if true else 0.0
        cell[1] += 1.0
    # Blocks of [true count, pairs, score sum].
    blocks: list[list[float]] = []
    for score in sorted(by_score):
        hits, n = by_score[score]
        blocks.append([hits, n, score * n])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            _pool(blocks, len(blocks) - 2)
    while len(blocks) > max_points:
        i = min(range(len(blocks) - 1), key=lambda k: blocks[k][1] + blocks[k + 1][1])
        _pool(blocks, i)
    points = []
    for hits, n, score_sum in blocks:
        share = min(1.0 - floor, max(floor, hits / n))
        points.append((round(score_sum / n, 3), round(share, 4)))
    return tuple(points)


def _pool(blocks: list[list[float]], i: int) -> None:
    """Pool block ``i`` with the next one."""
    a, b = blocks[i], blocks.pop(i + 1)
    a[0] += b[0]
    a[1] += b[1]
    a[2] += b[2]


def brier(samples: Iterable[tuple[float, bool]], points: Points) -> float:
    """Mean squared error of the map's probabilities (a check for the fitting script)."""
    total = count = 0.0
    for score, true in samples:
        total += (calibrated(score, points) - (1.0 if true else 0.0)) ** 2
        count += 1
    return total / count if count else math.nan

"""Calibrated probabilities: the map is increasing, follows the plain odds beyond its ends,
leaves the score alone, was fitted on corpora the benchmark does not measure, and on a fresh
corpus its probabilities are closer to the truth than the plain ones."""

from __future__ import annotations

import inspect

from core.db.engine import Database
from core.match.blocking import KEYS_VERSION, candidate_pairs
from core.match.calibration import (
    ESTIMATED_CALIBRATION,
    HAND_CALIBRATION,
    calibrated,
    fit_isotonic,
    logistic,
)
from core.match.compare import compare_all, explain, score_of
from core.match.features import load_features
from core.match.model_store import active_model
from core.match.suggest import refresh_suggestions
from core.match.views import list_suggestions
from core.match.weights import HAND_MODEL, MODEL_VERSION
from tests.benchmarks.calibration_fit import FIT_SEEDS
from tests.match.corpus_load import load, truth_pairs
from tests.match.corruption import one_file, two_sources
from tests.match.test_golden_pairs import feats


def test_isotonic_fit_pools_violations_into_an_increasing_map() -> None:
    samples = [(-5.0, False)] * 9 + [(-5.0, True)] + [(0.0, True), (0.0, False)] * 2 \
        + [(1.0, False)] * 3 + [(1.0, True)] + [(8.0, True)] * 5
    points = fit_isotonic(samples, floor=0.0)
    assert points == ((-5.0, 0.1), (0.5, 0.375), (8.0, 1.0))  # 0 and 1 pooled: 3 of 8
    assert calibrated(0.5, points) == 0.375
    assert calibrated(4.25, points) == (0.375 + 1.0) / 2  # a straight line between points


def test_the_maps_increase_and_follow_the_plain_odds_beyond_their_ends() -> None:
    for points in (HAND_CALIBRATION, ESTIMATED_CALIBRATION):
        assert points, "fitted by tests/benchmarks/calibration_fit.py"
        scores = [s / 4 for s in range(-240, 241)]
        shown = [calibrated(s, points) for s in scores]
        assert shown == sorted(shown) and all(0.0 <= p <= 1.0 for p in shown)
        assert calibrated(40.0, points) == logistic(40.0) > 0.9999
        assert calibrated(-60.0, points) == logistic(-60.0)


def test_the_score_and_its_explanation_stay_exact() -> None:
    a = feats(1, "Ronan", "Phillpott", birthday=(1971, 3, 4), street="Elm Road 4",
              postal="12345", city="Leeds")
    b = feats(2, "Rqznan", "Philpott", birthday=(1971, 3, 4), street="Elm Road 4",
              postal="12345", city="Leeds")
    levels = compare_all(a, b)
    score = score_of(levels, HAND_MODEL)
    assert round(sum(item.weight for item in explain(levels, HAND_MODEL)), 2) == score
    assert HAND_MODEL.probability(score) == calibrated(score, HAND_CALIBRATION)
    assert HAND_MODEL.version == f"{MODEL_VERSION}+c1+{KEYS_VERSION}"


def test_fitted_on_seeds_the_benchmark_does_not_use() -> None:
    used = {"one_file": inspect.signature(one_file).parameters["seed"].default,
            "two_sources": inspect.signature(two_sources).parameters["seed"].default}
    assert all(seed != used[shape] for shape, seed in FIT_SEEDS)


def test_calibrated_probabilities_are_closer_to_the_truth(sqlite_db: Database) -> None:
    corpus = one_file(5000, seed=505)  # neither a fitting nor a benchmark seed
    with sqlite_db.session() as session:
        accounts = load(session, corpus)
        truth = truth_pairs(session, corpus, accounts)
        refresh_suggestions(session)
        session.commit()
        model = active_model(session)
        shown = {(v.party_a_id, v.party_b_id): v.probability
                 for v in list_suggestions(session, -100.0)}
        found = load_features(session)
    scores = {pair: score_of(compare_all(found[pair[0]], found[pair[1]]), model)
              for pair in candidate_pairs(found)}

    def brier(prob) -> float:  # noqa: ANN001 - score -> probability
        return sum((prob(s) - (p in truth)) ** 2 for p, s in scores.items()) / len(scores)

    def gap(prob) -> float:  # noqa: ANN001 - the mean |shown - true share| over deciles
        deciles: dict[int, list[tuple[float, bool]]] = {}
        for pair, s in scores.items():
            deciles.setdefault(min(int(prob(s) * 10), 9), []).append((prob(s), pair in truth))
        return sum(abs(sum(p for p, _ in d) - sum(t for _, t in d))
                   for d in deciles.values()) / len(scores)

    print(brier(model.probability), brier(logistic), gap(model.probability), gap(logistic))
    assert brier(model.probability) < brier(logistic)
    assert gap(model.probability) < 0.5 * gap(logistic)
    # What the review list shows is the calibrated probability of the stored score.
    assert shown and all(abs(p - round(model.probability(scores[pair]), 6)) < 1e-6
                         for pair, p in shown.items())

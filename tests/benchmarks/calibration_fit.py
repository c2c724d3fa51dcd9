"""Fit the calibration maps of ``core.match.calibration`` (run: ``python -m
tests.benchmarks.calibration_fit``; it prints the two maps to paste into that module).

Corruption corpora of both shapes are generated with ``FIT_SEEDS`` (never the seeds the
identity benchmark measures with: tests/match/test_calibration.py checks), loaded through
the real ingest into SQLite, and every pair the blocking rules generate is scored twice:
with the hand-set table, and with the table ``train.retrain`` estimates from that book. Each
map is the isotonic regression of "same person" on those scores.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from core.db.engine import open_database
from core.match.blocking import candidate_pairs
from core.match.calibration import Points, brier, fit_isotonic
from core.match.compare import compare_all, score_of
from core.match.features import load_features
from core.match.weights import HAND_MODEL, Model
from tests.match.corpus_load import load, truth_pairs
from tests.match.corruption import SHAPES

#: (shape, seed) of the corpora the maps are fitted on; the benchmark uses the defaults.
FIT_SEEDS: tuple[tuple[str, int], ...] = (("one_file", 101), ("two_sources", 202),
                                          ("one_file", 303), ("two_sources", 404))
FIT_SIZE = 5000

Samples = list[tuple[float, bool]]


def _scores(session, model: Model, truth: set) -> Samples:  # noqa: ANN001 - a Session
    feats = load_features(session)
    return [(score_of(compare_all(feats[a], feats[b]), model), (a, b) in truth)
            for a, b in candidate_pairs(feats)]


def samples(size: int = FIT_SIZE) -> tuple[Samples, Samples]:
    """(hand-set table, estimated table) scores of every blocked pair, with the truth."""
    from core.match.train import retrain

    hand: Samples = []
    estimated: Samples = []
    for shape, seed in FIT_SEEDS:
        corpus = SHAPES[shape](size, seed=seed)
        with tempfile.TemporaryDirectory() as tmp:
            db = open_database(f"sqlite:///{Path(tmp) / 'fit.sqlite'}")
            with db.session() as session:
                accounts = load(session, corpus)
                truth = truth_pairs(session, corpus, accounts)
                hand += _scores(session, HAND_MODEL, truth)
                estimated += _scores(session, retrain(session).model, truth)
            db.dispose()
    return hand, estimated


def main(size: int = FIT_SIZE) -> dict[str, Points]:
    hand, estimated = samples(size)
    maps = {"HAND_CALIBRATION": fit_isotonic(hand),
            "ESTIMATED_CALIBRATION": fit_isotonic(estimated)}
    for (name, points), data in zip(maps.items(), (hand, estimated), strict=True):
        print(f"# {len(data)} pairs, {sum(t for _, t in data)} true; Brier "
              f"{brier(data, ()):.5f} plain, {brier(data, points):.5f} calibrated")
        print(f"{name}: Points = (")
        for i in range(0, len(points), 4):
            print("    " + " ".join(f"({s}, {p})," for s, p in points[i:i + 4]))
        print(")")
    return maps


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else FIT_SIZE)

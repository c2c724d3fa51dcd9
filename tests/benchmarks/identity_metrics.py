"""Scoring a set of predicted pairs against the truth: precision, recall, F1, pairs
completeness, the Brier score and a reliability table by probability decile."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Pair = tuple[int, int]


def prf(predicted: set[Pair], truth: set[Pair]) -> dict[str, float]:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "predicted": len(predicted), "true": len(truth), "hits": hits}


def pairs_completeness(candidates: Iterable[Pair], truth: set[Pair]) -> float:
    found = truth & set(candidates)
    return round(len(found) / len(truth), 4) if truth else 1.0


def brier(probabilities: Mapping[Pair, float], truth: set[Pair]) -> float:
    """Mean squared error of the probabilities over the pairs the model scored, plus every
    true pair it never scored (counted as probability 0: a pair that blocking lost)."""
    total = sum((p - (1.0 if pair in truth else 0.0)) ** 2 for pair, p in probabilities.items())
    missed = len(truth - probabilities.keys())
    count = len(probabilities) + missed
    return round((total + missed) / count, 5) if count else 0.0


def reliability(probabilities: Mapping[Pair, float], truth: set[Pair]) -> list[dict]:
    """Per probability decile: how many pairs, their mean probability, the share that are
    true (a calibrated model has the two close)."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(10)]
    for pair, p in probabilities.items():
        bins[min(int(p * 10), 9)].append((p, pair in truth))
    rows = []
    for i, members in enumerate(bins):
        if members:
            rows.append({"decile": f"{i / 10:.1f}-{(i + 1) / 10:.1f}", "pairs": len(members),
                         "mean_p": round(sum(p for p, _ in members) / len(members), 3),
                         "true_share": round(sum(t for _, t in members) / len(members), 3)})
    return rows

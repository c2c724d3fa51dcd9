"""Scoring a refresh's candidate pairs: in this process, or on two cores when there are many.

Scoring is the bulk of a suggestion refresh (a 20,000-card import brings ~450,000 candidate
pairs: about 5 CPU-seconds of pure Python) and each pair is scored on its own, from features
already in memory. So a big refresh hands a share of the pairs, with the features, to one
spawned worker process and scores the rest itself meanwhile: the refresh takes about half the
wall time on a two-core machine. Small refreshes (an edit, a sync batch, the tests' corpora)
stay in-process, where starting a worker would cost more than it saves.

Both halves run :func:`score_serial`, and a pair's score depends only on the pair, so the
result is exactly the one-process result. If the worker cannot run (no second CPU, or it
dies), its share is scored here instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from array import array
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from core.match.compare import compare_all
from core.match.features import PartyFeatures
from core.match.labels import Labels, adjust, pattern_of
from core.match.quick import bounded_levels, sum_levels
from core.match.store import Scored
from core.match.weights import STORE_MIN_SCORE, Model

log = logging.getLogger("kith.match")

Pair = tuple[int, int]

#: Fewer candidate pairs than this are scored in-process (a worker takes ~0.5 s to start
#: and ~0.4 s per 20,000 parties to receive their features).
PARALLEL_MIN_PAIRS = 150_000
#: The worker's share of the pairs. It starts late (spawn, imports, unpickling the
#: features: ~0.9 s at 20,000 parties) while this process pickles the features (~0.4 s) and
#: writes the blocking keys (``meanwhile``, ~0.8 s): about even.
WORKER_SHARE = 0.5


def score_candidates(candidates: dict[Pair, list[str]], feats: dict[int, PartyFeatures],
                     rejected: set[Pair], model: Model, labels: Labels, *,
                     min_pairs: int | None = None,
                     meanwhile: Callable[[], object] | None = None) -> Scored:
    """Every candidate pair worth storing, scored (see :func:`score_serial`); on two
    processes when there are at least ``min_pairs`` (default ``PARALLEL_MIN_PAIRS``)
    candidates and a second CPU. ``meanwhile`` (work of the caller's that scoring does not
    depend on, such as writing the blocking keys) runs while the worker scores."""
    threshold = PARALLEL_MIN_PAIRS if min_pairs is None else min_pairs
    if len(candidates) < threshold or (os.cpu_count() or 1) < 2:
        if meanwhile is not None:
            meanwhile()
        return score_serial(candidates.items(), feats, rejected, model, labels)
    cut = int(len(candidates) * WORKER_SHARE)  # the worker scores the first ``cut`` pairs
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        pool.submit(int)  # starts the worker now: its imports overlap the pickling below
        # The pairs travel as two flat integer arrays (a few bytes each; their rule lists
        # stay here and are put back on the pairs the worker keeps).
        left = array("q", (a for a, _ in islice(candidates, cut)))
        right = array("q", (b for _, b in islice(candidates, cut)))
        payload = pickle.dumps((left, right, feats, rejected, model, labels),
                               protocol=pickle.HIGHEST_PROTOCOL)
        del left, right
        future = pool.submit(_score_packed, payload)
        del payload
        if meanwhile is not None:
            meanwhile()
        scored = score_serial(islice(candidates.items(), cut, None), feats, rejected, model,
                              labels)
        try:
            kept: Scored = pickle.loads(future.result())
            scored.update((pair, (score, levels, candidates[pair], extra))
                          for pair, (score, levels, _, extra) in kept.items())
        except Exception as exc:  # noqa: BLE001 - a lost worker only costs time
            log.warning("scoring worker failed (%s): scoring its share here",
                        type(exc).__name__)
            scored.update(score_serial(islice(candidates.items(), cut), feats, rejected,
                                       model, labels))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return scored


def _score_packed(payload: bytes) -> bytes:
    """Worker entry point: unpickle, score, and return the kept pairs pickled (with empty
    rule lists: the caller holds those)."""
    from core.gcpause import cyclic_gc_paused

    with cyclic_gc_paused():  # as in the refresh: millions of short-lived acyclic objects
        left, right, feats, rejected, model, labels = pickle.loads(payload)
        del payload
        no_rules: list[str] = []
        scored = score_serial(((pair, no_rules) for pair in zip(left, right, strict=True)),
                              feats, rejected, model, labels)
        return pickle.dumps(scored, protocol=pickle.HIGHEST_PROTOCOL)


def score_serial(candidates: Iterable[tuple[Pair, list[str]]],
                 feats: dict[int, PartyFeatures], rejected: set[Pair], model: Model,
                 labels: Labels) -> Scored:
    """Score every candidate pair worth storing: ``quick_levels`` decides the levels without
    display values; only the pairs kept are compared again in full for their explanation.
    A pair whose pattern the owner judged before gets the "decisions" item
    (``labels.adjust``)."""
    scored: Scored = {}
    # A merged pattern can lift a pair from any score, so nothing is skipped early then.
    floor = -1e9 if any(merged for merged, _ in labels.values()) else STORE_MIN_SCORE
    for pair, rules in candidates:
        if pair in rejected:
            continue
        a, b = feats.get(pair[0]), feats.get(pair[1])
        if a is None or b is None:
            continue
        quick = bounded_levels(a, b, model, floor)
        if quick is None:
            continue
        score = sum_levels(quick, model)  # the order and arithmetic of compare.score_of
        extra = adjust(score, pattern_of(quick), labels) if labels else None
        if extra is not None:
            score = round(score + extra["weight"], 2)
        if score >= STORE_MIN_SCORE:
            # Kept: compared again with display values for the explanation.
            scored[pair] = (score, compare_all(a, b), rules, extra)
    return scored

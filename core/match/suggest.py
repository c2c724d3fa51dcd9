"""Stored duplicate suggestions, built from scratch or kept current incrementally.

``refresh_suggestions(session)`` rebuilds every party's blocking keys and scores every
candidate pair; ``refresh_suggestions(session, party_ids)`` (after an import or a sync: pass
``IngestStats.touched_party_ids``) re-keys and re-scores only pairs involving those parties,
finding their partners through the stored keys, plus the few pairs of unchanged parties whose
blocks crossed the size cap or whose shared phone crossed the household line
(``incremental``): after every batch the table holds the pairs, scores, rules and
explanations a full rebuild would write (tests/match/test_incremental_equals_full.py). A full
rebuild of a big book scores its pairs in worker processes while it writes the keys
(``parallel``; the same rows as in process: tests/match/test_parallel_score.py). A pair
the owner rejected is never suggested again (also after a re-import: the decision names
stable keys), pairs already merged stay merged, and "later" keeps its status while its score
follows the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import Decision, MergeSuggestion, Party
from core.gcpause import cyclic_gc_paused
from core.match import feature_tail
from core.match.blocking import blocks_of, candidate_pairs, pairs_from_blocks, party_keys
from core.match.compare import PairScore, compare_all, explain, score_of
from core.match.features import PartyFeatures, load_features
from core.match.incremental import keys_of, plan_refresh
from core.match.key_store import first_keyed_party, replace_keys, write_all
from core.match.labels import Labels, adjust, load_labels, pattern_of
from core.match.model_store import active_model
from core.match.parallel import features_of, start_workers
from core.match.score_pairs import Kept, score_pairs
from core.match.stable_keys import resolve_party_key
from core.match.store import Scored, existing_rows, store, values_of
from core.match.weights import Model

Pair = tuple[int, int]


def rejected_pairs(session: Session) -> set[Pair]:
    """Pairs the owner said are not the same person (by row status and by standing
    decisions resolved to today's party ids)."""
    pairs: set[Pair] = {
        (a, b) for a, b in session.execute(
            select(MergeSuggestion.party_a_id, MergeSuggestion.party_b_id)
            .where(MergeSuggestion.status == "rejected"))
    }
    decisions = session.scalars(
        select(Decision).where(Decision.kind == "not_duplicate", Decision.revoked_at.is_(None))
    ).all()
    for decision in decisions:
        left = resolve_party_key(session, decision.subject.get("a", {}))
        right = resolve_party_key(session, decision.subject.get("b", {}))
        for x in left:
            for y in right:
                if x != y:
                    pairs.add((min(x, y), max(x, y)))
    return pairs


def refresh_suggestions(session: Session, party_ids: Iterable[int] | None = None) -> int:
    """Re-score (all, or only the given parties' pairs); return how many open or "later"
    suggestions were written."""
    # A refresh allocates many short-lived, acyclic objects (features, keys, pairs: millions
    # for a full rebuild, a whole batch's partners after an import); the cyclic collector
    # would re-scan them over and over for nothing.
    with cyclic_gc_paused():
        return _refresh(session, party_ids)


def _refresh(session: Session, party_ids: Iterable[int] | None) -> int:
    model = active_model(session)
    if party_ids is None:
        return _rebuild(session, model)
    scope = set(party_ids)
    if not scope:
        return 0
    if _stale_model(session, model) or stale_keys(session, scope):
        # A new weight table re-scores everything; keys of an older blocking scheme
        # are rebuilt, or new parties would look for partners under keys nobody holds.
        return _refresh(session, None)
    plan = plan_refresh(session, scope, _insert_keys)
    scored = _score(plan.candidates, plan.feats, rejected_pairs(session), model,
                    load_labels(session))
    return store(session, scored, existing_rows(session, plan.scope, plan.extra))


def _rebuild(session: Session, model: Model) -> int:
    """The full refresh: every key written again, every candidate pair scored. A big book's
    pairs are scored by worker processes (``parallel``) while this process writes the keys
    (and then helps, in a book small enough to keep its features); the workers get the
    features as soon as they are loaded, and in a big book this process lets its own copy
    go once the blocks are built (its peak
    memory is then the blocks, not the features as well; with ``UNPACK_TO_HELP`` it keeps
    the packed copy it sent, a fifth of the size, to score from once the keys are written)."""
    tail = feature_tail.take()
    if tail is not None:  # a big import loaded the features while it wrote them
        written = _rebuild_from_tail(session, model, tail)
        if written is not None:
            return written
    # Started first (their interpreters start while the features load, and from a small
    # process): the book's size decides whether they are worth it.
    workers = start_workers(_comparable_parties(session))
    try:
        feats = load_features(session)
        rejected, labels = rejected_pairs(session), load_labels(session)
        keep = len(feats) <= HELPING_MAX_PARTIES
        packed = [] if workers is None else workers.send_features(feats, model, labels)
        if keep or not UNPACK_TO_HELP:
            packed = []  # not held while the blocks are built (34 MB at 100,000 parties)
        blocks = blocks_of(feats)
        if workers is not None and not keep:
            feats = {}  # the workers hold them now (``packed`` is unpacked to help, if kept)
        candidates = pairs_from_blocks(blocks)
        if workers is not None:
            workers.send_pairs(candidates, rejected)
            candidates = {}  # the workers' copy keeps their rules (a tenth of the memory)
        _write_keys(session, blocks)
        del blocks
        if workers is None:
            scored = _score(candidates, feats, rejected, model, labels)
        else:
            scored = {}
            in_process = _scorer(session, feats or (features_of(packed) if packed else {}),
                                 model, labels)
            workers.gather(in_process, lambda kept, rules: _add_values(scored, kept, rules, model),
                           in_process if keep or UNPACK_TO_HELP else None)
    finally:
        if workers is not None:
            workers.close()
    return store(session, scored, existing_rows(session, None, set()))


def _rebuild_from_tail(session: Session, model: Model, tail: feature_tail.FeatureTail
                       ) -> int | None:
    """``_rebuild`` with the features a ``feature_tail`` loaded during the import: it builds
    the blocks (written here as the keys) and the pairs, and scores them. None if the tail
    failed before its pairs were in hand (the caller then rebuilds the ordinary way)."""
    labels = load_labels(session)
    try:
        blocks = tail.blocks(model, labels, rejected_pairs(session))
        if blocks is None:
            return None
        _write_keys(session, blocks)
        del blocks
        if not tail.take_pairs():
            return None
        scored: Scored = {}
        tail.gather(_scorer(session, {}, model, labels),
                    lambda kept, rules: _add_values(scored, kept, rules, model))
    finally:
        tail.close()
    return store(session, scored, existing_rows(session, None, set()))


def _scorer(session: Session, feats: dict[int, PartyFeatures], model: Model, labels: Labels
            ) -> Callable[[list[Pair]], list[Kept]]:
    """Scores chunks of pairs in this process (what a failed worker took, or to help):
    from ``feats``, loaded now if empty."""
    def in_process(pairs: list[Pair]) -> list[Kept]:
        if not feats:  # the share of a worker that failed (rare): features reloaded
            feats.update(load_features(session))
        return score_pairs(pairs, feats, model, labels)

    return in_process


#: Books up to this many parties keep their features in the refresh's process while workers
#: score, so that it scores chunks too once its keys are written; bigger ones let them go
#: once the blocks are built (at 100,000 parties ~180 MB, with one worker for memory).
HELPING_MAX_PARTIES = 60_000
#: Whether a bigger book's refresh keeps that packed copy and unpacks it to score chunks too
#: (otherwise it waits for the workers, and reloads the features if one fails). It pays only
#: when the keys are written well before the worker is done: ~1.5 s of keys against ~7 s of
#: scoring at 100,000 parties would save ~2 s; it costs ~0.6 s of unpacking and ~50 MB of
#: peak memory, and with today's 5-7 s of keys it was 1-3 s slower (2 shared cores).
UNPACK_TO_HELP = False


def _comparable_parties(session: Session) -> int:
    """How many parties ``load_features`` will load (live, not system actors)."""
    return session.scalar(select(func.count()).select_from(Party).where(
        Party.merged_into_id.is_(None), Party.kind != "system")) or 0


def _score(candidates: dict[Pair, list[str]], feats: dict[int, PartyFeatures],
           rejected: set[Pair], model: Model, labels: Labels) -> Scored:
    """Score every candidate pair worth storing (``score_pairs``), with its rules."""
    scored: Scored = {}
    kept = score_pairs((p for p in candidates if p not in rejected), feats, model, labels)
    _add_values(scored, kept, [candidates[got[0]] for got in kept], model)
    return scored


def _add_values(scored: Scored, kept: list[Kept], rules: list[list[str]], model: Model
                ) -> None:
    """The stored values of kept pairs (with the rules that paired each) into ``scored``."""
    for (pair, score, levels, extra), codes in zip(kept, rules, strict=True):
        scored[pair] = values_of(score, levels, codes, model, extra)


def _stale_model(session: Session, model: Model) -> bool:
    return session.scalar(select(MergeSuggestion.id).where(
        MergeSuggestion.model_version != model.version,
        MergeSuggestion.status.in_(("open", "later"))).limit(1)) is not None


def stale_keys(session: Session, scope: set[int], samples: int = 3) -> bool:
    """The stored blocking keys were made by another Kith (another set of rules).

    The stored keys of the first unchanged party that has any are compared with the keys
    this Kith makes for it: in a book keyed by this Kith they are equal, after an upgrade
    that changed the rules they are not. A few indexed look-ups, so every incremental
    refresh can afford it. (Parties in ``scope`` changed in this batch, and a party merged
    away or deleted has no features: both say nothing about the scheme, so the next one is
    asked.)
    """
    after = 0
    for _ in range(samples):
        pid = first_keyed_party(session, after)
        if pid is None:
            return False
        after = pid
        feats = load_features(session, [pid]) if pid not in scope else {}
        if pid in feats:
            return keys_of(session, [pid]).get(pid, set()) != party_keys(feats[pid])
    return False


def _insert_keys(session: Session, keys: dict[int, set[str]],
                 old: dict[int, set[str]] | None = None) -> None:
    """Store exactly ``keys`` for these parties (an empty set: none), whose stored keys are
    ``old`` (read here when not given): only the blocks they join or leave are rewritten
    (``key_store.replace_keys``)."""
    if old is None:
        old = keys_of(session, sorted(keys))
    replace_keys(session, keys, old)


def _write_keys(session: Session, blocks: Mapping[str, list[int]]) -> None:
    """The full refresh's keys, every stored key replaced: one row per key of ``blocks``
    (``blocks_of``'s key -> holders) and one per party holding any, in party order, with
    the same memberships. ~0.4 million key rows at 100,000 parties instead of ~1.7 million
    (party, key) rows and their two indexes (``key_store``)."""
    keys_of_party: dict[int, list[str]] = {}
    for k, pids in blocks.items():
        for pid in pids:
            held = keys_of_party.get(pid)
            if held is None:
                keys_of_party[pid] = [k]  # the block's own key string: not a copy
            else:
                held.append(k)
    write_all(session, blocks, dict(sorted(keys_of_party.items())))


def set_pair_status(session: Session, a: int, b: int, status: str) -> None:
    """Set (creating if needed) the suggestion row of a pair to a status."""
    lo, hi = min(a, b), max(a, b)
    row = session.scalar(select(MergeSuggestion).where(
        MergeSuggestion.party_a_id == lo, MergeSuggestion.party_b_id == hi))
    if row is None:
        row = MergeSuggestion(party_a_id=lo, party_b_id=hi, score=0.0, probability=0.0,
                              blocking_rule="", explanation=[], status=status,
                              model_version=active_model(session).version)
        session.add(row)
    row.status = status
    row.updated_at = utcnow()
    session.flush()


def score_parties(session: Session, a: int, b: int) -> PairScore:
    """Score any two parties on demand (the detail view's "compare" button)."""
    feats: dict[int, PartyFeatures] = load_features(session, [a, b])
    if a not in feats or b not in feats:
        raise LookupError(f"Contacts {a} and {b} cannot be compared (missing or merged)")
    return score_features(feats[min(a, b)], feats[max(a, b)], active_model(session),
                          load_labels(session))


def score_features(a: PartyFeatures, b: PartyFeatures, model: Model, labels: Labels
                   ) -> PairScore:
    """The score and explanation a stored suggestion of this pair would have."""
    levels = compare_all(a, b)
    score = score_of(levels, model)
    items = explain(levels, model)
    extra = adjust(score, pattern_of(levels), labels) if labels else None
    if extra is not None:
        from core.match.compare import ExplanationItem

        score = round(score + extra["weight"], 2)
        items = (*items, ExplanationItem(**extra))
    return PairScore(score, model.probability(score), items)


def candidate_probabilities(session: Session) -> tuple[set[Pair], dict[Pair, float]]:
    """Every pair the blocking rules generate and the match probability the model gives it
    (for measuring calibration and pairs completeness; a full comparison of every pair)."""
    feats = load_features(session)
    candidates = candidate_pairs(feats)
    model, labels = active_model(session), load_labels(session)
    probs = {pair: score_features(feats[pair[0]], feats[pair[1]], model, labels).probability
             for pair in candidates}
    return set(candidates), probs

"""Stored duplicate suggestions, built from scratch or kept current incrementally.

``refresh_suggestions(session)`` rebuilds every party's blocking keys and scores every
candidate pair; ``refresh_suggestions(session, party_ids)`` (after an import or a sync: pass
``IngestStats.touched_party_ids``) re-keys and re-scores only pairs involving those parties,
finding their partners through the stored keys, plus the few pairs of unchanged parties whose
blocks crossed the size cap or whose shared phone crossed the household line
(``incremental``): after every batch the table holds the pairs, scores, rules and
explanations a full rebuild would write (tests/match/test_incremental_equals_full.py). A pair
the owner rejected is never suggested again (also after a re-import: the decision names
stable keys), pairs already merged stay merged, and "later" keeps its status while its score
follows the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import Decision, MatchKey, MergeSuggestion
from core.gcpause import cyclic_gc_paused
from core.match.blocking import pairs_from_blocks, party_keys
from core.match.compare import PairScore, compare_all, explain, score_of
from core.match.features import PartyFeatures, load_features
from core.match.incremental import keys_of, plan_refresh
from core.match.labels import Labels, adjust, load_labels, pattern_of
from core.match.model_store import active_model
from core.match.quick import bounded_levels, sum_levels
from core.match.stable_keys import resolve_party_key
from core.match.store import Scored, existing_rows, store
from core.match.weights import STORE_MIN_SCORE, Model

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
        feats = load_features(session)
        # Keys go straight into their blocks (no per-party key sets kept: at 100,000
        # parties those were ~2 million strings held twice), written from the blocks.
        blocks: dict[str, list[int]] = {}
        for pid, f in feats.items():
            for k in party_keys(f):
                blocks.setdefault(k, []).append(pid)
        _write_keys(session, ((pid, k) for k, pids in blocks.items() for pid in pids),
                    rebuild=True)
        candidates = pairs_from_blocks(blocks)
        del blocks
        existing_scope: tuple[set[int] | None, set[Pair]] = (None, set())
    else:
        scope = set(party_ids)
        if not scope:
            return 0
        if _stale_model(session, model) or stale_keys(session, scope):
            # A new weight table re-scores everything; keys of an older blocking scheme
            # are rebuilt, or new parties would look for partners under keys nobody holds.
            return _refresh(session, None)
        plan = plan_refresh(session, scope, _insert_keys)
        feats, candidates = plan.feats, plan.candidates
        existing_scope = (plan.scope, plan.extra)
    scored = _score(candidates, feats, rejected_pairs(session), model, load_labels(session))
    return store(session, scored, existing_rows(session, *existing_scope), model)


def _score(candidates: dict[Pair, list[str]], feats: dict[int, PartyFeatures],
           rejected: set[Pair], model: Model, labels: Labels) -> Scored:
    """Score every candidate pair worth storing: ``quick_levels`` decides the levels without
    display values; only the pairs kept are compared again in full for their explanation.
    A pair whose pattern the owner judged
    before gets the "decisions" item (``labels.adjust``)."""
    scored: Scored = {}
    # A merged pattern can lift a pair from any score, so nothing is skipped early then.
    floor = -1e9 if any(merged for merged, _ in labels.values()) else STORE_MIN_SCORE
    for pair, rules in candidates.items():
        if pair in rejected:
            continue
        a, b = feats.get(pair[0]), feats.get(pair[1])
        if a is None or b is None:
            continue
        quick = bounded_levels(a, b, model, floor)
        if quick is None:
            continue
        score = _sum(quick, model)
        extra = adjust(score, pattern_of(quick), labels) if labels else None
        if extra is not None:
            score = round(score + extra["weight"], 2)
        if score >= STORE_MIN_SCORE:
            # Kept: compared again with display values for the explanation.
            scored[pair] = (score, compare_all(a, b), rules, extra)
    return scored


def _sum(levels: list[tuple[str, str]], model: Model) -> float:
    return sum_levels(levels, model)  # the order and arithmetic of compare.score_of


#: The match_key indexes (as the migration names them), rebuilt after a full refresh.
_KEY_INDEXES = {"ix_match_key_key": "key", "ix_match_key_party_id": "party_id"}


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
    away has no features: both say nothing about the scheme, so the next one is asked.)
    """
    after = 0
    for _ in range(samples):
        pid = session.scalar(select(MatchKey.party_id).where(MatchKey.party_id > after)
                             .order_by(MatchKey.party_id).limit(1))
        if pid is None:
            return False
        after = pid
        feats = load_features(session, [pid]) if pid not in scope else {}
        if pid in feats:
            return keys_of(session, [pid]).get(pid, set()) != party_keys(feats[pid])
    return False


def _insert_keys(session: Session, keys: dict[int, set[str]], *, rebuild: bool = False
                 ) -> None:
    """Write keys with a plain driver-level executemany (a full refresh writes ~8 keys per
    party; ORM or Core parameter processing would dominate). On a full rebuild the key index
    is dropped and built once afterwards, which is much faster than growing it row by row."""
    _write_keys(session, ((pid, k) for pid in sorted(keys) for k in sorted(keys[pid])),
                rebuild=rebuild)


def _write_keys(session: Session, rows: Iterable[tuple[int, str]], *, rebuild: bool = False
                ) -> None:
    """``_insert_keys`` from (party id, key) rows, consumed in chunks (never all in one
    list). A ``rebuild`` replaces every stored key."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO match_key (party_id, key) VALUES ({mark}, {mark})"
    if rebuild:
        for name in _KEY_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        # Emptied after the indexes are gone: deleting 1.7 million keys of a 100,000-party
        # book while keeping two indexes up to date took 4-6 s; without them it is a scan.
        session.execute(delete(MatchKey))
    it = iter(rows)
    while chunk := list(islice(it, 20000)):
        connection.exec_driver_sql(sql, chunk)
    if rebuild:
        for name, column in _KEY_INDEXES.items():
            connection.exec_driver_sql(f"CREATE INDEX {name} ON match_key ({column})")


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
    blocks: dict[str, list[int]] = {}
    for pid, f in feats.items():
        for k in party_keys(f):
            blocks.setdefault(k, []).append(pid)
    candidates = pairs_from_blocks(blocks)
    model, labels = active_model(session), load_labels(session)
    probs = {pair: score_features(feats[pair[0]], feats[pair[1]], model, labels).probability
             for pair in candidates}
    return set(candidates), probs

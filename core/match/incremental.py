"""Which pairs an incremental re-score must decide again, so that it ends exactly where a
full rebuild would.

Re-keying the changed ("touched") parties and re-scoring every pair that involves one of them
is not enough on its own, because two things about a pair of *unchanged* parties depend on
other parties:

- The block-size cap (``blocking.block_cap``: per rule). A block compares its pairs only while it
  has at most that many members, so when a batch pushes a shared key ("fi:muller|a")
  over the cap, the full rebuild stops pairing its old members by that key (a stored pair
  loses that rule from "paired by", or its row when no rule is left), and when parties
  leave a block that is over the cap, its remaining members are paired again. Only the keys
  whose membership changed in this batch can cross the cap, and for those the old size is
  the new size minus the batch's additions plus its removals (the stored keys are read
  before re-keying). A block that fell under the cap has at most ``MAX_BLOCK_SIZE``
  members, so re-deciding its pairs costs at most about 1,200 pairs per key; of a block
  that grew over it only the *stored* pairs are decided again, since a pair that scored
  below the storing threshold still does with fewer rules (its features did not change).
- Household phones (``features.HOUSEHOLD_LINKS``): a number linked to three or more live
  parties counts as shared, which changes the phone level of every pair that lists it. A
  number whose links the batch changed can only cross that line for unchanged parties if at
  most two unchanged parties still list it (with three, it was and is shared), so that one
  pair is decided again.

Big blocks are counted in SQL and never loaded: only blocks within the cap bring members back.
Nothing is cached between batches; every answer comes from the rows of this transaction.
Parties deleted since the last refresh are re-keyed too (to no keys: ``key_store``), so their
blocks shrink exactly as in a full rebuild.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import MergeSuggestion
from core.ingest.sqlutil import in_values
from core.match.blocking import RULE_ORDER, block_cap, pairs_from_blocks, party_keys, rule_of
from core.match.features import PartyFeatures, load_features
from core.match.key_store import gone_parties, key_sizes, keys_of, lock_keys, members_of

Pair = tuple[int, int]


@dataclass(slots=True)
class Plan:
    """What one incremental refresh scores and which stored rows it may replace."""

    #: Features of every party in a candidate pair.
    feats: dict[int, PartyFeatures]
    #: Pairs to score, with the rule codes that pair them (priority order).
    candidates: dict[Pair, list[str]]
    #: Every stored pair involving one of these parties is decided again.
    scope: set[int]
    #: Pairs of unchanged parties decided again (see the module docstring).
    extra: set[Pair] = field(default_factory=set)


#: Writes the new keys of parties (every party of the batch; an empty set: none now),
#: given their stored ones: ``suggest._insert_keys``.
InsertKeys = Callable[[Session, dict[int, set[str]], dict[int, set[str]]], None]


def plan_refresh(session: Session, scope: set[int], insert_keys: InsertKeys) -> Plan:
    """Re-key ``scope`` and the parties deleted since the last refresh, and work out the
    pairs to decide again."""
    lock_keys(session)  # before the stored keys are read: they are written back changed
    scope = scope | gone_parties(session)
    ids = sorted(scope)
    old_keys = keys_of(session, ids)
    feats = load_features(session, ids)
    new_keys = {pid: party_keys(f) for pid, f in feats.items()}
    insert_keys(session, {pid: new_keys.get(pid, set()) for pid in ids}, old_keys)
    # Net change of each key's membership caused by this batch.
    delta: Counter[str] = Counter()
    for pid in scope:
        before, after = old_keys.get(pid, set()), new_keys.get(pid, set())
        delta.update(after - before)
        delta.subtract(before - after)
    touched_keys = {k for ks in new_keys.values() for k in ks}
    changed = {k for k, d in delta.items() if d}
    sizes = key_sizes(session, touched_keys | changed)
    blocks = members_of(session, [k for k in touched_keys if 2 <= sizes.get(k, 0)
                                  <= block_cap(k)])
    candidates = pairs_from_blocks(blocks, only=set(feats))
    grown = [k for k in changed if sizes.get(k, 0) > block_cap(k) >= sizes.get(k, 0) - delta[k]]
    shrunk = [k for k in changed if sizes.get(k, 0) <= block_cap(k) < sizes.get(k, 0) - delta[k]]
    # A number the batch linked or unlinked, now listed by exactly two unchanged parties.
    holders = Counter(k for ks in new_keys.values() for k in ks if k.startswith("ph:"))
    household = [k for k in changed
                 if k.startswith("ph:") and sizes.get(k, 0) - holders[k] == 2]
    extra = _unchanged_pairs(session, scope, grown, shrunk, household)
    candidates.update(rules_of_pairs(session, extra))
    partners = {p for pair in candidates for p in pair} - set(feats)
    feats.update(load_features(session, partners))
    return Plan(feats, candidates, scope, extra)


def _unchanged_pairs(session: Session, scope: set[int], grown: list[str], shrunk: list[str],
                     household: list[str]) -> set[Pair]:
    """Pairs of unchanged parties a full rebuild may now decide differently: pairs of a block
    that fell back under the cap (they may gain a rule), the one pair left on a phone number
    that may have crossed the household line, and the *stored* pairs of a block that grew
    over the cap (they lose that rule; an unstored pair with fewer rules stays unstored, as
    its score has not changed)."""
    members = members_of(session, sorted(set(grown) | set(shrunk) | set(household)))
    pairs: set[Pair] = set()
    for key in shrunk:
        pairs.update(_pairs_of(sorted(set(members.get(key, ())) - scope)))
    for key in household:
        ids = sorted(set(members.get(key, ())) - scope)
        if len(ids) == 2:
            pairs.add((ids[0], ids[1]))
    losing: set[Pair] = set()
    for key in grown:
        losing.update(_pairs_of(sorted(set(members.get(key, ())) - scope)))
    return pairs | (losing & stored_pairs(session, losing - pairs))


def _pairs_of(ids: list[int]) -> list[Pair]:
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]


def stored_pairs(session: Session, pairs: set[Pair]) -> set[Pair]:
    """Which of ``pairs`` have a suggestion row (any status)."""
    if not pairs:
        return set()
    firsts = sorted({a for a, _ in pairs})
    rows = session.execute(select(MergeSuggestion.party_a_id, MergeSuggestion.party_b_id).where(
        in_values(session, MergeSuggestion.party_a_id, firsts)))
    return {(a, b) for a, b in rows if (a, b) in pairs}


def rules_of_pairs(session: Session, pairs: set[Pair]) -> dict[Pair, list[str]]:
    """The rule codes that pair each of ``pairs`` now (as ``pairs_from_blocks`` would find
    them in a full rebuild); pairs no rule pairs any more are left out."""
    if not pairs:
        return {}
    keys = keys_of(session, sorted({p for pair in pairs for p in pair}))
    sizes = key_sizes(session, {k for ks in keys.values() for k in ks})
    found: dict[Pair, list[str]] = {}
    for a, b in pairs:
        shared = keys.get(a, set()) & keys.get(b, set())
        codes = {rule_of(k) for k in shared if 2 <= sizes.get(k, 0) <= block_cap(k)}
        if codes:
            found[(a, b)] = sorted(codes, key=lambda c: RULE_ORDER.get(c, 99))
    return found

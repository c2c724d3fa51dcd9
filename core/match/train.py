"""Estimating the duplicate model from the owner's own data, as Splink does.

- u (how often two *different* people reach a level) from random pairs of distinct contacts,
  with the exact-value levels (same first name, same last name, same birthday) computed
  exactly from how often each value occurs;
- m (how often two records of the *same* person reach it) by expectation-maximisation over
  the pairs the blocking rules generate, starting from the hand-set table, which also acts as
  a weak prior (``PRIOR_PAIRS`` pseudo-pairs) so a level the data hardly shows keeps a sane m;
- the prior: the share of all pairs that are matches, estimated in the same EM;
- the owner's decisions (``labels``) enter the EM as pairs whose answer is known.

Books under ``MIN_PARTIES`` contacts keep the hand-set table (too few pairs to learn from).
Each estimate is a new ``match_model`` row; its version is stored on the suggestions scored
with it, and the next refresh re-scores everything (``suggest._stale_model``). Run it on a
worker (``run`` is a task), never on the GUI thread.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.db.models import MatchModel
from core.match.blocking import candidate_pairs
from core.match.compare import compare_all, compare_birthdays
from core.match.features import PartyFeatures, load_features
from core.match.kin import kin_applies, kin_weight
from core.match.labels import Pattern, load_labels, pattern_of
from core.match.model_store import model_from_params
from core.match.weights import (
    FIELDS,
    HAND_MODEL,
    HOUSEHOLD_LEVELS,
    LEVELS,
    MODEL_VERSION,
    Model,
)

MIN_PARTIES = 1000
RANDOM_PAIRS = 50_000
MAX_ITERATIONS = 60
TOLERANCE = 1e-5
PRIOR_PAIRS = 5.0
#: Weights are kept within +-MAX_WEIGHT bits: one level never decides a pair alone.
MAX_WEIGHT = 16.0
#: Same-name pairs with two birth dates needed to measure the namesakes correction.
MIN_NAMESAKE_PAIRS = 20
NEAR_MISS_MARGIN = 1.0
#: Random pairs that must show a field before its u is read off them.
MIN_U_SIGHTINGS = 200


@dataclass
class TrainResult:
    model: Model
    parties: int
    pairs: int
    labels: int
    iterations: int
    converged: bool
    reason: str = ""

    def summary(self) -> dict:
        return {"version": self.model.version, "source": self.model.source,
                "prior": self.model.prior, "parties": self.parties, "pairs": self.pairs,
                "labels": self.labels, "iterations": self.iterations,
                "converged": self.converged, "reason": self.reason}


def estimate_u(feats: dict[int, PartyFeatures], rng: random.Random,
               samples: int = RANDOM_PAIRS) -> dict[tuple[str, str], float]:
    ids = sorted(feats)
    counts: Counter[tuple[str, str]] = Counter()
    present: Counter[str] = Counter()
    for _ in range(samples):
        a, b = rng.sample(ids, 2)
        for field, level, _, _ in compare_all(feats[a], feats[b]):
            counts[(field, level)] += 1
            present[field] += 1
    u: dict[tuple[str, str], float] = {}
    for key in LEVELS:
        total = present[key[0]]
        # Never below half a sighting: an unseen level is rare, not impossible. A field the
        # random pairs hardly show (generation markers: only namesakes have that item)
        # keeps the hand table's u.
        u[key] = max(counts[key], 0.5) / total if total >= MIN_U_SIGHTINGS else LEVELS[key][1]
    for field, share in _exact_shares(feats).items():
        if share > 0:
            u[(field, "exact")] = share
    return u


def _exact_shares(feats: dict[int, PartyFeatures]) -> dict[str, float]:
    """Chance that two random contacts share the exact value, from value frequencies."""
    values: dict[str, Counter] = {"given": Counter(), "family": Counter(), "birthday": Counter()}
    for f in feats.values():
        if f.name.given:
            values["given"][f.name.given] += 1
        if f.name.family:
            values["family"][f.name.family] += 1
        for d in f.birthdays:
            if d[0]:
                values["birthday"][d] += 1
    shares = {}
    for field, counter in values.items():
        n = sum(counter.values())
        shares[field] = (sum(c * (c - 1) for c in counter.values()) / (n * (n - 1))
                         if n > 1 else 0.0)
    return shares


#: Birthday levels no typo explains (the namesakes and household measures read them).
_CLEARLY_DIFFERENT = ("conflict", "generation")


def _u_clearly_different(u: dict[tuple[str, str], float]) -> float:
    return sum(u[("birthday", level)] for level in _CLEARLY_DIFFERENT)


def _names_agree(pattern: Pattern) -> bool:
    """Both name items present and neither "different" (when ``compare_all`` adds the
    namesakes item)."""
    levels = dict(pattern)
    return (levels.get("given", "different") not in ("different", "gender_form", "swapped")
            and levels.get("family", "different") != "different")


def namesakes_weight(feats: dict[int, PartyFeatures], u: dict[tuple[str, str], float],
                     total_pairs: float) -> float:
    """How much less a shared full name says than the two name weights (<= 0).

    The share of *different* people among pairs with the same full name is read off the
    birth dates, which do not depend on names: among such pairs where both have a birth
    date, the share that conflict, divided by how often random pairs' birth dates conflict.
    """
    groups: dict[tuple[str, str], list[PartyFeatures]] = {}
    for f in feats.values():
        if f.name.given and f.name.family:
            groups.setdefault((f.name.given, f.name.family), []).append(f)
    same = both = conflicts = 0
    for members in groups.values():
        c = len(members)
        same += c * (c - 1) // 2
        for i, a in enumerate(members[:100]):
            for b in members[i + 1:100]:
                if a.birthdays and b.birthdays:
                    both += 1
                    conflicts += compare_birthdays(a, b)[1] in _CLEARLY_DIFFERENT
    return _dependence_weight(same, both, conflicts, total_pairs, u,
                              u[("given", "exact")] * u[("family", "exact")])


def household_weight(feats: dict[int, PartyFeatures], u: dict[tuple[str, str], float],
                     total_pairs: float) -> float:
    """How much less a shared last name AND street address say than their two weights (<= 0):
    households share both. Measured like ``namesakes_weight``: the share of different people
    among pairs at one street address with agreeing last names, read off birth dates."""
    from core.match.name_levels import name_levels

    homes: dict[tuple[str, str], list[PartyFeatures]] = {}
    for f in feats.values():
        for street, postal, locality in f.addresses:
            if street and (postal or locality):
                homes.setdefault((street, postal or locality), []).append(f)
    pairs = both = conflicts = 0
    for members in homes.values():
        for i, a in enumerate(members[:50]):
            for b in members[i + 1:50]:
                family = dict(name_levels(a.name, b.name)).get("family", "different")
                if family == "different":
                    continue
                pairs += 1
                if a.birthdays and b.birthdays:
                    both += 1
                    conflicts += compare_birthdays(a, b)[1] in _CLEARLY_DIFFERENT
    return _dependence_weight(pairs, both, conflicts, total_pairs, u,
                              u[("family", "exact")] * u[("address", "same_street")])


def _dependence_weight(agreeing: int, both: int, conflicts: int, total_pairs: float,
                       u: dict[tuple[str, str], float], independent_u: float) -> float:
    """The correction (<= 0) for two agreements that are not independent: ``agreeing`` pairs
    show both; among the ``both`` of them with birth dates, ``conflicts`` clearly differ, which
    (scaled by how often random pairs' dates differ) is the share of different people. The
    weight is log2 of the two u's product over that joint u; 0 with too few pairs to tell."""
    if both < MIN_NAMESAKE_PAIRS:
        return 0.0
    share = min(1.0, conflicts / (both * _u_clearly_different(u)))
    u_joint = max(share * agreeing / total_pairs, 1e-12)
    return round(max(-MAX_WEIGHT, min(0.0, math.log2(independent_u / u_joint))), 2)


def _same_home(pattern: Pattern) -> int:
    """How many things of a home the pair shares with an agreeing last name (0: none)."""
    from core.match.compare import HOME_LEVELS

    if dict(pattern).get("family", "different") == "different":
        return 0
    return sum(key in HOME_LEVELS for key in pattern)


def blocked_patterns(feats: dict[int, PartyFeatures]) -> Counter[Pattern]:
    return Counter(pattern_of(compare_all(feats[a], feats[b]))
                   for a, b in candidate_pairs(feats))


def em(patterns: Counter[Pattern], u: dict[tuple[str, str], float], total_pairs: float,
       labelled: list[tuple[Pattern, float]], namesakes: float = 0.0,
       household: float = 0.0) -> tuple[dict, float, int, bool]:
    """m per level and the match share of all pairs, by EM with u fixed."""
    m = {key: LEVELS[key][0] for key in LEVELS}
    for field, levels in FIELDS.items():  # each field's m sums to 1
        total = sum(m[(field, lvl)] for lvl in levels)
        for lvl in levels:
            m[(field, lvl)] /= total
    hand_m = dict(m)
    lam = min(0.5, max(1.0, 0.1 * math.sqrt(2 * total_pairs)) / total_pairs)
    items = list(patterns.items())
    kin = [kin_applies(pattern) for pattern, _ in items]
    for iteration in range(1, MAX_ITERATIONS + 1):
        log_u = {k: math.log2(v) for k, v in u.items()}
        weight = {k: math.log2(m[k]) - log_u[k] for k in m}
        for k, key in enumerate(HOUSEHOLD_LEVELS, start=1):
            weight[key] = k * household
        prior = math.log2(lam / (1 - lam))
        num: Counter[tuple[str, str]] = Counter()
        matches = 0.0
        for (pattern, count), two_people in zip(items, kin, strict=True):
            s = prior + sum(weight[k] for k in pattern)
            if namesakes and _names_agree(pattern):
                s += namesakes
            home = _same_home(pattern) if household or two_people else 0
            if home:
                s += household * home
            if two_people:  # as compare_all's kin item, with the household item it adds
                keys = [*pattern, HOUSEHOLD_LEVELS[home - 1]] if home else pattern
                s += kin_weight(keys, weight)
            p = 1.0 / (1.0 + 2.0 ** -s) if s > -60 else 0.0
            matches += p * count
            for k in pattern:
                num[k] += p * count
        for pattern, p in labelled:
            for k in pattern:
                num[k] += p
        new_m = {}
        for field, levels in FIELDS.items():
            denom = sum(num[(field, lvl)] for lvl in levels) + PRIOR_PAIRS
            for lvl in levels:
                new_m[(field, lvl)] = (num[(field, lvl)] + PRIOR_PAIRS * hand_m[(field, lvl)]
                                       ) / denom
            _clamp(new_m, field, hand_m)
        new_lam = min(0.5, max(matches, 1.0) / total_pairs)
        change = max(abs(new_m[k] - m[k]) for k in m)
        m, lam = new_m, new_lam
        if change < TOLERANCE:
            return m, lam, iteration, True
    return m, lam, MAX_ITERATIONS, False


#: Levels whose m never rises above the hand table's: unrelated first names, clearly
#: different birthdays (or a generation apart) and generation markers that differ are strong
#: evidence against, whatever a household shares (its members are the pairs EM would
#: otherwise take for one person seen twice).
CLAMPED_M = (("given", "different"), ("given", "gender_form"), ("birthday", "conflict"),
             ("birthday", "generation"),
             ("generation", "one_side"), ("generation", "different"))


def _clamp(m: dict[tuple[str, str], float], field: str, hand_m: dict) -> None:
    for key in CLAMPED_M:
        if key[0] == field and m[key] > hand_m[key]:
            spare = m[key] - hand_m[key]
            m[key] = hand_m[key]
            others = [(field, lvl) for lvl in FIELDS[field] if (field, lvl) != key]
            total = sum(m[k] for k in others)
            for k in others:
                m[k] += spare * m[k] / total


def retrain(session: Session, *, seed: int = 0, state: object | None = None) -> TrainResult:
    """Estimate the model from this book and store it (books under ``MIN_PARTIES``
    contacts keep the hand-set table; nothing is stored for them)."""
    feats = load_features(session)
    n = len(feats)
    labels = load_labels(session)
    label_count = sum(a + r for a, r in labels.values())
    if n < MIN_PARTIES:
        return TrainResult(HAND_MODEL, n, 0, label_count, 0, True,
                           f"fewer than {MIN_PARTIES} contacts: the hand-set table is used")
    rng = random.Random(seed)
    u = estimate_u(feats, rng)
    patterns = blocked_patterns(feats)
    labelled = [(p, 1.0) for p, (a, _) in labels.items() for _ in range(a)]
    labelled += [(p, 0.0) for p, (_, r) in labels.items() for _ in range(r)]
    total_pairs = n * (n - 1) / 2
    namesakes = namesakes_weight(feats, u, total_pairs)
    household = household_weight(feats, u, total_pairs)
    m, lam, iterations, converged = em(patterns, u, total_pairs, labelled, namesakes,
                                       household)
    rows = []
    for key in LEVELS:
        w = max(-MAX_WEIGHT, min(MAX_WEIGHT, math.log2(m[key] / u[key])))
        # Levels are ordered: a near miss weighs at least one bit less than the field's full
        # agreement (``NEAR_MISS_MARGIN``).
        # (Random pairs almost never are one typo apart, so u alone would make a typo
        # count more than an exact match; but typo neighbours cluster, Hansen/Jensen.)
        best = FIELDS[key[0]][0]
        if key[1] != best:
            w = min(w, math.log2(m[(key[0], best)] / u[(key[0], best)]) - NEAR_MISS_MARGIN)
        rows.append([key[0], key[1], round(m[key], 6), round(u[key], 8), round(w, 2)])
    prior = round(math.log2(lam / (1 - lam)), 2)
    params = {"levels_of": MODEL_VERSION, "prior": prior, "levels": rows,
              "namesakes": namesakes, "household": household,
              "random_pairs": RANDOM_PAIRS, "converged": converged}
    row = MatchModel(version="pending", params=params, parties=n,
                     pairs=sum(patterns.values()), labels=label_count, iterations=iterations)
    session.add(row)
    session.flush()
    row.version = f"est-{row.id}-{n}"[:32]
    session.flush()
    model = model_from_params(row.version, params)  # the model active_model returns
    return TrainResult(model, n, row.pairs, label_count, iterations, converged)


def run(session: Session, *, state: object | None = None) -> dict:
    """The worker task: re-estimate, then re-score every suggestion with the new model."""
    from core.match.suggest import refresh_suggestions

    result = retrain(session, state=state)
    written = refresh_suggestions(session)
    return {**result.summary(), "written": written}

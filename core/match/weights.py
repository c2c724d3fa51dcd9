"""The versioned weight table of the duplicate model (Fellegi-Sunter, as Splink does it).

Each comparison level has an m probability (how often two records of the SAME person land
on this level) and a u probability (how often two DIFFERENT people that a blocking rule
paired land on it). The level adds ``log2(m / u)`` to the score: positive when the level is
more typical of a match, negative when it is more typical of a non-match. A missing value
adds 0 (it is not evidence either way).

The numbers are hand-set from what address books look like (people keep names and birthdays,
change phones and employers, share landlines with their household) and checked against the
synthetic corpus in tests/match. Change them only together with ``MODEL_VERSION``: stored
suggestions carry the version they were scored with, so a new table re-scores everything.

The score is ``PRIOR + sum(weights)``; the probability is ``1 / (1 + 2 ** -score)``.
"""

from __future__ import annotations

import math

MODEL_VERSION = "kith-fs-1"

#: log2 of the prior odds that two blocked parties are the same person (about 1 in 180).
PRIOR = -7.5

#: A suggestion is offered for review from this score up (probability about 0.8).
DEFAULT_MIN_SCORE = 2.0

#: Pairs scoring below this are not stored at all (they would never be worth a look).
STORE_MIN_SCORE = 0.0

#: (field, level) -> (m, u, description of the level).
LEVELS: dict[tuple[str, str], tuple[float, float, str]] = {
    ("name", "exact"): (0.60, 0.0017, "same given and family name"),
    ("name", "nickname"): (0.10, 0.00078, "nickname of the same given name, same family name"),
    ("name", "swapped"): (0.02, 0.000156, "same names in swapped order"),
    ("name", "typo"): (0.12, 0.0019, "names differ by a typo"),
    ("name", "initial"): (0.04, 0.0025, "same family name, initial matches given name"),
    ("name", "family_only_given_missing"): (0.01, 0.0025, "same family name, one given name"
                                                           " missing"),
    ("name", "given_only"): (0.04, 0.014, "same given name, different family name"),
    ("name", "family_only"): (0.03, 0.085, "same family name, different given name"),
    ("name", "different"): (0.03, 0.96, "different names"),
    ("email", "exact"): (0.55, 0.0011, "same personal email address"),
    ("email", "role"): (0.05, 0.0125, "same role address (info@, office@...)"),
    ("email", "same_local_part"): (0.08, 0.04, "same mailbox name at another provider"),
    ("email", "different"): (0.35, 0.495, "different email addresses"),
    ("phone", "exact"): (0.55, 0.0021, "same mobile or personal number"),
    ("phone", "landline"): (0.15, 0.0094, "same landline"),
    ("phone", "household"): (0.05, 0.0177, "same household or office number"),
    ("phone", "different_mobile"): (0.25, 0.50, "different mobile numbers"),
    ("phone", "different"): (0.30, 0.42, "different phone numbers"),
    ("birthday", "exact"): (0.80, 0.0125, "same birthday"),
    ("birthday", "day_month"): (0.15, 0.0094, "same day and month, one year unknown"),
    ("birthday", "year_differs"): (0.03, 0.12, "same day and month, different year"),
    ("birthday", "conflict"): (0.0072, 0.92, "different birthdays"),
    ("address", "same_street"): (0.30, 0.0133, "same street address"),
    ("address", "same_area"): (0.20, 0.115, "same postal code or town"),
    ("address", "different"): (0.30, 0.37, "different addresses"),
    ("organisation", "same"): (0.30, 0.106, "same organisation"),
    ("organisation", "similar"): (0.10, 0.0574, "similar organisation name"),
    ("organisation", "different"): (0.30, 0.37, "different organisations"),
}


def weight(field: str, level: str) -> float:
    """log2(m/u) for a level, rounded to 2 decimals so scores are stable and readable."""
    m, u, _ = LEVELS[(field, level)]
    return round(math.log2(m / u), 2)


#: Precomputed weights (the table above, evaluated once).
WEIGHTS: dict[tuple[str, str], float] = {key: weight(*key) for key in LEVELS}


def probability(score: float) -> float:
    """Match probability from a log2-odds score."""
    if score > 60:
        return 1.0
    if score < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-score))

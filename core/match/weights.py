"""The versioned weight table of the duplicate model (Fellegi-Sunter, as Splink does it).

Each comparison level has an m probability (how often two records of the SAME person land
on this level) and a u probability (how often two DIFFERENT people that a blocking rule
paired land on it). The level adds ``log2(m / u)`` to the score: positive when the level is
more typical of a match, negative when it is more typical of a non-match. A missing value
adds 0 (it is not evidence either way).

The numbers here are hand-set from what address books look like (people keep names and
birthdays, change phones and employers, share landlines with their household). They are the
model of small books (under ``train.MIN_PARTIES``) and the starting point of the estimate
``train`` makes from a bigger book's own data (u from random pairs, m by EM). Change them only
together with ``MODEL_VERSION``: stored suggestions carry the version they were scored with,
so a new table re-scores everything.

The score is ``PRIOR + sum(weights)``; the probability is ``1 / (1 + 2 ** -score)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.match.blocking import KEYS_VERSION
from core.match.calibration import (
    CALIBRATION_VERSION,
    HAND_CALIBRATION,
    Points,
    calibrated,
    logistic,
)

MODEL_VERSION = "kith-fs-3"

#: log2 of the prior odds that two blocked parties are the same person (about 1 in 180).
PRIOR = -7.5

#: A suggestion is offered for review from this score up (probability about 0.8).
DEFAULT_MIN_SCORE = 2.0

#: Pairs scoring below this are not stored at all (they would never be worth a look).
STORE_MIN_SCORE = 0.0

#: (field, level) -> (m, u, description of the level). u is among pairs the blocking rules
#: bring together (which share a name or a handle far more often than random pairs).
LEVELS: dict[tuple[str, str], tuple[float, float, str]] = {
    ("given", "exact"): (0.72, 0.02, "same first name"),
    ("given", "nickname"): (0.06, 0.004, "first names are forms of one name"),
    ("given", "one_typo"): (0.08, 0.01, "first names one typo apart"),
    ("given", "close"): (0.03, 0.02, "first names spelled similarly"),
    ("given", "phonetic"): (0.01, 0.01, "first names sound alike"),
    ("given", "initial"): (0.04, 0.02, "initial matches the first name"),
    ("given", "swapped"): (0.02, 0.0005, "first and last name swapped"),
    # Male and female forms of one name (Peter/Petra): siblings and spouses, or a typo.
    ("given", "gender_form"): (0.002, 0.01, "male and female forms of one name"),
    ("given", "different"): (0.006, 0.93, "different first names"),
    ("family", "exact"): (0.80, 0.085, "same last name"),
    ("family", "joined"): (0.02, 0.004, "same last name with or without a space"),
    ("family", "one_typo"): (0.09, 0.01, "last names one typo apart"),
    ("family", "close"): (0.04, 0.02, "last names spelled similarly"),
    ("family", "phonetic"): (0.01, 0.02, "last names sound alike"),
    ("family", "part"): (0.01, 0.005, "one last name part of the other"),
    ("family", "different"): (0.03, 0.86, "different last names"),
    ("email", "exact"): (0.55, 0.0011, "same personal email address"),
    ("email", "role"): (0.05, 0.0125, "same role address (info@, office@...)"),
    ("email", "same_local_part"): (0.08, 0.04, "same mailbox name at another provider"),
    ("email", "typo"): (0.02, 0.002, "email addresses one character apart"),
    ("email", "different"): (0.35, 0.495, "different email addresses"),
    ("phone", "exact"): (0.55, 0.0021, "same mobile or personal number"),
    ("phone", "landline"): (0.15, 0.0094, "same landline"),
    ("phone", "household"): (0.05, 0.0177, "same household or office number"),
    ("phone", "typo"): (0.02, 0.004, "numbers one digit apart"),
    ("phone", "different_mobile"): (0.25, 0.50, "different mobile numbers"),
    ("phone", "different"): (0.30, 0.42, "different phone numbers"),
    ("birthday", "exact"): (0.80, 0.0125, "same birthday"),
    ("birthday", "day_month"): (0.08, 0.0094, "same day and month, one year unknown"),
    ("birthday", "one_digit"): (0.05, 0.006, "birthdays one digit apart"),
    ("birthday", "transposed"): (0.01, 0.002, "birthdays with two digits swapped"),
    ("birthday", "day_month_swapped"): (0.01, 0.002, "day and month swapped"),
    # One digit of day or month off while a year is missing: many strangers are that close.
    ("birthday", "day_month_typo"): (0.005, 0.0035, "day or month one digit apart, "
                                                    "one year unknown"),
    ("birthday", "year_differs"): (0.01, 0.12, "same day and month, different year"),
    ("birthday", "conflict"): (0.01, 0.85, "different birthdays"),
    # Birth years a generation apart (and day and month different too): no typo does that,
    # a parent and a child do.
    ("birthday", "generation"): (0.0005, 0.35, "birthdays a generation apart"),
    ("address", "same_street"): (0.30, 0.0133, "same street address"),
    ("address", "fuzzy_street"): (0.05, 0.005, "street address one typo apart"),
    ("address", "postcode_typo"): (0.02, 0.004, "postcodes one digit apart"),
    ("address", "same_area"): (0.20, 0.115, "same postal code or town"),
    ("address", "different"): (0.30, 0.37, "different addresses"),
    # Generation markers (Jr., Sr., II, III), compared only when both names agree and at
    # least one carries a marker (m and u are shares of those pairs): a marker exists to tell
    # two people of one name apart. One side without it is no evidence by itself (people drop
    # a Jr.); at one home it is (``kin``).
    ("generation", "same"): (0.45, 0.1, "same generation marker"),
    ("generation", "one_side"): (0.54, 0.5, "a generation marker on one side only"),
    ("generation", "different"): (0.01, 0.4, "different generation markers"),
    ("organisation", "same"): (0.30, 0.106, "same organisation"),
    ("organisation", "similar"): (0.10, 0.0574, "similar organisation name"),
    ("organisation", "different"): (0.30, 0.37, "different organisations"),
}

#: Every comparison field and its levels, in the order of LEVELS.
FIELDS: dict[str, list[str]] = {}
for _field, _level in LEVELS:
    FIELDS.setdefault(_field, []).append(_level)


def weight(field: str, level: str) -> float:
    """log2(m/u) for a level, rounded to 2 decimals so scores are stable and readable."""
    m, u, _ = LEVELS[(field, level)]
    return round(math.log2(m / u), 2)


#: The item added when both the first and the last name agree (exactly or nearly): different
#: people share such names more often than the two name weights alone say (names run in
#: families and cultures, so a first and a last name are not independent). The hand table's
#: name weights already allow for it (0); an estimate measures it in the owner's book
#: (``train``).
NAMESAKES = ("name", "namesakes")

#: Precomputed weights (the table above, evaluated once).
WEIGHTS: dict[tuple[str, str], float] = {key: weight(*key) for key in LEVELS}
WEIGHTS[NAMESAKES] = 0.0
#: The item added when two records share a last name AND a street address: a household does
#: (spouses, siblings, parents and children), so the two say less together than apart. 0 in
#: the hand table (its u values are among blocked pairs); measured by ``train``.
#: It is added once per thing of the home the two share (address, landline, family email):
#: ``HOUSEHOLD_LEVELS[k - 1]`` for k of them, weighing k times the measured correction.
HOUSEHOLD = ("household", "same_home")
HOUSEHOLD_LEVELS = (HOUSEHOLD, ("household", "same_home_2"), ("household", "same_home_3"))
for _key in HOUSEHOLD_LEVELS:
    WEIGHTS[_key] = 0.0
#: The item added when two records that share a home (address, landline, family email) show
#: they are two people of it: unrelated first names, different generation markers (or one
#: side's marker), birth dates a generation apart. Family members share a home, so what the
#: home shares (and, for first names that differ, a birthday: twins) is no evidence that they
#: are one person: its weight cancels the net weight of those items (``kin_weight``), so it is
#: not a number in the table (0 here) but follows from the other items of the pair.
KIN = ("household", "kin")
WEIGHTS[KIN] = 0.0
#: Correction items (shown only when they weigh something).
CORRECTIONS = frozenset({NAMESAKES, *HOUSEHOLD_LEVELS, KIN})


@dataclass(frozen=True)
class Model:
    """A weight table in use: the hand-set one, or one estimated from the owner's data
    (``train``). ``version`` is stored on every suggestion scored with it."""

    version: str
    prior: float
    weights: dict[tuple[str, str], float]
    #: "hand" or "estimated".
    source: str = "hand"
    #: The map from score to the probability shown (``calibration``); none: the plain one.
    calibration: Points = ()

    def probability(self, score: float) -> float:
        """The probability shown for a score: calibrated (``calibration``)."""
        return calibrated(score, self.calibration)


def calibrated_version(version: str) -> str:
    """The version suggestions store: the weight table's, the calibration map's and the
    blocking keys' (a change to any of them re-scores every stored suggestion)."""
    return f"{version}+{CALIBRATION_VERSION}+{KEYS_VERSION}"[:32]


HAND_MODEL = Model(calibrated_version(MODEL_VERSION), PRIOR, WEIGHTS, "hand", HAND_CALIBRATION)


def probability(score: float) -> float:
    """Match probability from a log2-odds score, uncalibrated (the odds the weights say)."""
    return logistic(score)

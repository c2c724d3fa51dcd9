"""Two people of one home: the correction that keeps a household's shared things from
adding up to "one person".

Fellegi-Sunter adds the weights of the fields as if they were independent. Inside a home
they are not: spouses, siblings, parents and children share a street address, a landline, a
family email and often a last name, and twins a birthday. When a pair that shares a home
also shows it is two people of it (first names that are not forms, initials or typos of each
other; different generation markers, or one name with a Jr./Sr. and one without; birth dates
a generation apart), what the home shares is explained by the household and says nothing
about being one person. The ``KIN`` item then weighs minus the net weight of those items
(the home levels, the household correction, and for different first names a birthday in
agreement), never more than 0: the evidence against (the first names, the markers, the
dates) is left to decide, whatever the home shares.

The weight follows from the other items of the pair and the model's table, so it is the same
arithmetic wherever a score is summed (``compare.score_of``, ``quick``, ``suggest``, ``train``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.match.weights import KIN

Key = tuple[str, str]

#: Levels that put two records in one home.
HOME_LEVELS = frozenset({("address", "same_street"), ("address", "fuzzy_street"),
                         ("phone", "landline"), ("phone", "household"), ("email", "exact")})

#: Levels that say "two different people" strongly enough to explain a shared home away.
TWO_PEOPLE = frozenset({("given", "different"), ("generation", "different"),
                        ("generation", "one_side"), ("birthday", "generation")})
_TWINS = ("given", "different")


def kin_applies(keys: Sequence[Key]) -> bool:
    """The pair shares a home and shows two people of it."""
    return (any(k in TWO_PEOPLE for k in keys)
            and any(k in HOME_LEVELS for k in keys))


def kin_weight(keys: Sequence[Key], weights: Mapping[Key, float]) -> float:
    """Minus the net weight of what the home shares (<= 0), for the items ``keys`` (the
    ``KIN`` item itself is skipped)."""
    twins = _TWINS in keys
    net = 0.0
    for key in keys:
        shared = key in HOME_LEVELS or (key[0] == "household" and key != KIN)
        if shared or (twins and key[0] == "birthday" and weights[key] > 0):
            net += weights[key]
    return round(min(0.0, -net), 2)


def item_weight(key: Key, keys: Sequence[Key], weights: Mapping[Key, float]) -> float:
    """The weight of one item of the pair with items ``keys``."""
    return kin_weight(keys, weights) if key == KIN else weights[key]

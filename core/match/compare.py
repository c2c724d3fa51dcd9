"""Field comparisons: each picks the first level that applies and explains it.

A comparison is an ordered list of levels (Splink style). Identifiers decide when they agree
or clearly disagree (Picard style tiers): a shared personal email or mobile weighs a lot, a
conflicting birthday counts strongly against, names and places add fuzzier evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers

from core.match.features import PartyFeatures, PhoneUse
from core.match.names import (
    CompareName,
    formal_given,
    is_initial,
    jaro_winkler,
    within_one_edit,
)
from core.match.values import is_mobile, is_role_email, number_type
from core.match.weights import PRIOR, WEIGHTS, probability

_LANDLINE_WORDS = ("home", "work", "office", "landline", "fax", "main")
_FIXED_LINE = phonenumbers.PhoneNumberType.FIXED_LINE


@dataclass(frozen=True, slots=True)
class ExplanationItem:
    """One line of "why": the field, the level reached, both values and the weight."""

    field: str
    level: str
    left: str
    right: str
    weight: float
    sentence: str

    def as_dict(self) -> dict[str, Any]:
        # Spelled out rather than dataclasses.asdict, which deep-copies every value: the
        # refresh stores tens of thousands of explanations per import batch.
        return {"field": self.field, "level": self.level, "left": self.left,
                "right": self.right, "weight": self.weight, "sentence": self.sentence}


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float
    probability: float
    items: tuple[ExplanationItem, ...]


#: (field, level, left value, right value): what a comparison found, before it is explained.
Level = tuple[str, str, str, str]


def _item(field: str, level: str, left: str, right: str, _sentence: str = "") -> Level:
    return (field, level, left, right)


#: Name pairs remembered: an import re-scores the same namesakes batch after batch, but a
#: table of every pair ever compared grew to ~50 MB at 100,000 contacts for a few % more hits.
NAME_LEVEL_CACHE = 65536


@lru_cache(maxsize=NAME_LEVEL_CACHE)
def _name_level(a: CompareName, b: CompareName) -> str | None:
    if a.is_blank() or b.is_blank():
        return None
    if not a.family or not b.family:
        ga, gb = formal_given(a.given or a.family), formal_given(b.given or b.family)
        return "family_only_given_missing" if ga == gb else "different"
    same_family = a.family == b.family
    if same_family and a.given == b.given and a.given:
        return "exact"
    if same_family and a.given and b.given and a.formal == b.formal:
        return "nickname"
    if (not same_family and a.given and b.given and a.family == b.given
            and a.formal == formal_given(b.family)):
        return "swapped"
    if not a.given or not b.given:
        return "family_only_given_missing" if same_family else "different"
    if same_family and (is_initial(a.given) or is_initial(b.given)) and a.initial == b.initial:
        return "initial"
    if _close(a.family, b.family) and (a.formal == b.formal or _close(a.given, b.given)):
        return "typo"
    if a.formal == b.formal:
        return "given_only"
    if same_family:
        return "family_only"
    return "different"


def _close(x: str, y: str) -> bool:
    """Equal but for a small typo: one edit in a name of 4+ letters, or very similar."""
    if x == y:
        return True
    if min(len(x), len(y)) >= 4 and within_one_edit(x, y):
        return True
    # Two typos only count in long names; Jaro-Winkler reaches 0.92 only with a shared
    # first letter, so the costly call is skipped otherwise.
    return (min(len(x), len(y)) >= 8 and x[0] == y[0] and jaro_winkler(x, y) >= 0.92)


#: Plain sentences per (field, level); {l} and {r} are the two values.
SENTENCES: dict[tuple[str, str], str] = {
    ("name", "exact"): "Both are named {l}.",
    ("name", "nickname"): "{l} and {r}: the given names are forms of one name.",
    ("name", "swapped"): "{l} and {r}: the same names in swapped order.",
    ("name", "typo"): "{l} and {r}: the names differ only by a small typo.",
    ("name", "initial"): "{l} and {r}: same family name, the initial matches.",
    ("name", "family_only_given_missing"): "{l} and {r}: one record has no given name.",
    ("name", "given_only"): "{l} and {r}: same given name, different family name.",
    ("name", "family_only"): "{l} and {r}: same family name but a different given name.",
    ("name", "different"): "{l} and {r}: the names differ.",
    ("email", "exact"): "Both use {l}.",
    ("email", "role"): "Both list {l}, a shared role address that says little.",
    ("email", "same_local_part"): "{l} and {r}: the same mailbox name at another provider.",
    ("email", "different"): "No email in common ({l} vs {r}).",
    ("phone", "exact"): "Both have the number {l}.",
    ("phone", "landline"): "Both list the landline {l}, which a household may share.",
    ("phone", "household"): "Both list {l}, a number shared by a household or office.",
    ("phone", "different_mobile"): "Different mobile numbers ({l} vs {r}).",
    ("phone", "different"): "No phone in common ({l} vs {r}).",
    ("birthday", "exact"): "Both were born on {l}.",
    ("birthday", "day_month"): "Same birthday ({l} and {r}); one year is unknown.",
    ("birthday", "year_differs"): "Same day and month but different years ({l} vs {r}).",
    ("birthday", "conflict"): "The birthdays conflict ({l} vs {r}).",
    ("address", "same_street"): "Both live at {l}.",
    ("address", "same_area"): "Addresses in the same area ({l} and {r}).",
    ("address", "different"): "Different addresses ({l} vs {r}).",
    ("organisation", "same"): "Both work at {l}.",
    ("organisation", "similar"): "Similar organisations ({l} and {r}).",
    ("organisation", "different"): "Different organisations ({l} vs {r}).",
}


def compare_names(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    level = _name_level(a.name, b.name)
    if level is None:
        return None
    left, right = a.display_name or a.name.full, b.display_name or b.name.full
    return _item("name", level, left, right)


def compare_emails(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.emails or not b.emails:
        return None
    common = a.emails.keys() & b.emails.keys()
    if common:
        personal = sorted(e for e in common if not is_role_email(e))
        e = personal[0] if personal else min(common)
        return _item("email", "exact" if personal else "role", a.emails[e], b.emails[e])
    shared_locals = a.email_locals.keys() & b.email_locals.keys()
    if shared_locals:
        local = min(shared_locals)
        return _item("email", "same_local_part", a.email_locals[local], b.email_locals[local])
    left, right = _first(a.emails.values()), _first(b.emails.values())
    return _item("email", "different", left, right)


def _first(values) -> str:  # noqa: ANN001 - any iterable of str
    return min(values)


def phone_kind(value: str, label: str) -> str:
    """"mobile", "landline" or "unknown": by the label the source gave, else by the
    numbering plan (a number the plan calls a fixed line is a landline)."""
    if is_mobile(value, label):
        return "mobile"
    if _landline_label(label):
        return "landline"
    if value.startswith("+") and number_type(value) == _FIXED_LINE:
        return "landline"
    return "unknown"


@lru_cache(maxsize=4096)
def _landline_label(label: str) -> bool:
    low = label.casefold()
    return any(w in low for w in _LANDLINE_WORDS)


def _phone_kind(use: PhoneUse) -> str:
    return phone_kind(use.value, use.label)


def compare_phones(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.phones or not b.phones:
        return None
    common = sorted(set(a.phones) & set(b.phones))
    if common:
        private = [p for p in common if not (a.phones[p].shared or b.phones[p].shared)]
        if private:
            for p in private:
                if _phone_kind(a.phones[p]) != "landline" or _phone_kind(b.phones[p]) != "landline":
                    return _item("phone", "exact", p, p)
            p = private[0]
            return _item("phone", "landline", p, p)
        p = common[0]
        return _item("phone", "household", p, p)
    mobiles_a = sorted(p for p, u in a.phones.items() if _phone_kind(u) == "mobile")
    mobiles_b = sorted(p for p, u in b.phones.items() if _phone_kind(u) == "mobile")
    if mobiles_a and mobiles_b:
        return _item("phone", "different_mobile", mobiles_a[0], mobiles_b[0])
    left, right = sorted(a.phones)[0], sorted(b.phones)[0]
    return _item("phone", "different", left, right)


def _fmt_date(d: tuple[int | None, int, int]) -> str:
    year, month, day = d
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _date_level(da: tuple[int | None, int, int], db: tuple[int | None, int, int]) -> str:
    if da[1:] != db[1:]:
        return "conflict"
    if da[0] and db[0]:
        return "exact" if da[0] == db[0] else "year_differs"
    return "day_month"


def compare_birthdays(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.birthdays or not b.birthdays:
        return None
    if len(a.birthdays) == 1 and len(b.birthdays) == 1:
        (da,), (db,) = a.birthdays, b.birthdays
        return _item("birthday", _date_level(da, db), _fmt_date(da), _fmt_date(db))
    best: tuple[int, str, tuple, tuple] | None = None
    rank = {"exact": 0, "day_month": 1, "year_differs": 2, "conflict": 3}
    for da in sorted(a.birthdays, key=_fmt_date):
        for db in sorted(b.birthdays, key=_fmt_date):
            level = _date_level(da, db)
            if best is None or rank[level] < best[0]:
                best = (rank[level], level, da, db)
    assert best is not None
    _, level, da, db = best
    left, right = _fmt_date(da), _fmt_date(db)
    return _item("birthday", level, left, right)


def _fmt_address(key: tuple[str, str, str]) -> str:
    return ", ".join(p for p in key if p)


def compare_addresses(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.addresses or not b.addresses:
        return None
    area = None
    for ka in a.addresses:
        for kb in b.addresses:
            if ka[0] and ka[0] == kb[0] and (ka[1] == kb[1] or ka[2] == kb[2]):
                text = _fmt_address(ka)
                return _item("address", "same_street", text, _fmt_address(kb))
            if area is None and ((ka[1] and ka[1] == kb[1]) or (ka[2] and ka[2] == kb[2])):
                area = (ka, kb)
    if area is not None:
        left, right = _fmt_address(area[0]), _fmt_address(area[1])
        return _item("address", "same_area", left, right)
    left, right = _fmt_address(a.addresses[0]), _fmt_address(b.addresses[0])
    return _item("address", "different", left, right)


def compare_organisations(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.organization or not b.organization:
        return None
    left, right = a.organization_raw, b.organization_raw
    if a.organization == b.organization:
        return _item("organisation", "same", left, right)
    x, y = a.organization, b.organization
    if x in y or y in x or (min(len(x), len(y)) >= 4 and within_one_edit(x, y)):
        return _item("organisation", "similar", left, right)
    return _item("organisation", "different", left, right)


COMPARISONS = (compare_names, compare_emails, compare_phones, compare_birthdays,
               compare_addresses, compare_organisations)


def compare_all(a: PartyFeatures, b: PartyFeatures) -> list[Level]:
    """The level every field reaches (fields missing on either side are left out)."""
    return [found for compare in COMPARISONS if (found := compare(a, b)) is not None]


def score_of(levels: list[Level]) -> float:
    return round(PRIOR + sum(WEIGHTS[(f, lvl)] for f, lvl, _, _ in levels), 2)


def explain(levels: list[Level]) -> tuple[ExplanationItem, ...]:
    """Levels with their weights and plain sentences (built only for pairs worth keeping)."""
    return tuple(
        ExplanationItem(f, lvl, left, right, WEIGHTS[(f, lvl)],
                        SENTENCES[(f, lvl)].format(l=left, r=right))
        for f, lvl, left, right in levels
    )


def explanation_rows(levels: list[Level]) -> list[dict[str, Any]]:
    """``[item.as_dict() for item in explain(levels)]`` without the intermediate items: what
    a stored suggestion keeps, built for tens of thousands of pairs per import batch."""
    return [{"field": f, "level": lvl, "left": left, "right": right,
             "weight": WEIGHTS[(f, lvl)], "sentence": SENTENCES[(f, lvl)].format(l=left, r=right)}
            for f, lvl, left, right in levels]


def score_pair(a: PartyFeatures, b: PartyFeatures) -> PairScore:
    """Prior + the weight of every field's level; missing fields add nothing."""
    levels = compare_all(a, b)
    score = score_of(levels)
    return PairScore(score, probability(score), explain(levels))

"""Field comparisons: each picks the first level that applies (Splink style).

A comparison is an ordered list of levels; the model (``weights.Model``) gives each level a
weight log2(m/u) and the explanation lists them after the prior. Names are compared per
given and family name (``name_levels``); dates, addresses, emails and phones have typo levels
that count as weak evidence FOR a match (a mistyped digit is not a conflict).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers

from core.match.features import PartyFeatures, PhoneUse
from core.match.kin import HOME_LEVELS, item_weight, kin_applies
from core.match.name_levels import name_levels, names_agree
from core.match.names import within_one_edit
from core.match.sentences import PRIOR_SENTENCE, sentence, written
from core.match.similarity import digits_one_off, digits_transposed, edits, jaro_winkler
from core.match.values import (
    email_typo,
    is_mobile,
    is_role_email,
    name_made,
    names_someone_else,
    number_type,
)
from core.match.weights import CORRECTIONS, HAND_MODEL, HOUSEHOLD_LEVELS, KIN, Model

_LANDLINE_WORDS = ("home", "work", "office", "landline", "fax", "main")
_FIXED_LINE = phonenumbers.PhoneNumberType.FIXED_LINE


@dataclass(frozen=True, slots=True)
class ExplanationItem:
    """One line of "why": the field, the level reached, both values, the weight and a plain
    sentence. The first item of an explanation is the prior (field "prior")."""

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


#: (field, level, left value, right value): what a comparison found, before it is weighed.
Level = tuple[str, str, str, str]


def compare_names(a: PartyFeatures, b: PartyFeatures) -> list[Level]:
    """Given and family name items (see ``name_levels``)."""
    found: list[Level] = []
    na, nb = a.name, b.name
    da, db = a.display_name, b.display_name  # names shown as written ("Müller", not "Muller")
    for field, level in name_levels(na, nb):
        if level == "swapped":  # the names as written, whose order is the point
            found.append(("given", level,
                          da or f"{written(na.given, da)} {written(na.family, da)}",
                          db or f"{written(nb.given, db)} {written(nb.family, db)}"))
        elif field == "given":
            found.append((field, level, written(na.given or na.family, da),
                          written(nb.given or nb.family, db)))
        else:
            found.append((field, level, written(na.family, da), written(nb.family, db)))
    return found


def compare_emails(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.emails or not b.emails:
        return None
    common = a.emails.keys() & b.emails.keys()
    if common:
        personal = sorted(e for e in common if not is_role_email(e))
        e = personal[0] if personal else min(common)
        return ("email", "exact" if personal else "role", a.emails[e], b.emails[e])
    shared_locals = own_locals(a, b)
    if shared_locals:
        local = min(shared_locals)
        return ("email", "same_local_part", a.email_locals[local], b.email_locals[local])
    for x in sorted(a.emails):
        for y in sorted(b.emails):
            if email_typo(x, y):
                return ("email", "typo", a.emails[x], b.emails[y])
    return ("email", "different", min(a.emails.values()), min(b.emails.values()))


def own_locals(a: PartyFeatures, b: PartyFeatures) -> list[str]:
    """Mailbox names both use (at different providers), but not those made only of either
    one's names (``values.name_made``)."""
    shared = a.email_locals.keys() & b.email_locals.keys()
    if not shared:
        return []
    na, nb = a.name, b.name
    return [local for local in shared
            if not (name_made(local, na.given, na.family) or name_made(local, nb.given,
                                                                         nb.family))]


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


def shared_use(use: PhoneUse) -> bool:
    """Several people hold the number, or the card lists it as someone else's ("Dad")."""
    return use.shared or names_someone_else(use.label)


def compare_phones(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.phones or not b.phones:
        return None
    common = sorted(set(a.phones) & set(b.phones))
    if common:
        private = [p for p in common if not (shared_use(a.phones[p]) or shared_use(b.phones[p]))]
        if private:
            for p in private:
                if _phone_kind(a.phones[p]) != "landline" or _phone_kind(b.phones[p]) != "landline":
                    return ("phone", "exact", p, p)
            return ("phone", "landline", private[0], private[0])
        return ("phone", "household", common[0], common[0])
    for x in sorted(a.phones):
        for y in sorted(b.phones):
            if len(x) >= 8 and (digits_one_off(x, y) or digits_transposed(x, y)):
                return ("phone", "typo", x, y)
    mobiles_a = sorted(p for p, u in a.phones.items() if _phone_kind(u) == "mobile")
    mobiles_b = sorted(p for p, u in b.phones.items() if _phone_kind(u) == "mobile")
    if mobiles_a and mobiles_b:
        return ("phone", "different_mobile", mobiles_a[0], mobiles_b[0])
    return ("phone", "different", sorted(a.phones)[0], sorted(b.phones)[0])


Date = tuple[int | None, int, int]


def _fmt_date(d: Date) -> str:
    year, month, day = d
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


#: Date levels from best to worst (a pair with several dates shows its best).
DATE_LEVELS = ("exact", "day_month", "one_digit", "transposed", "day_month_swapped",
               "day_month_typo", "year_differs", "conflict", "generation")
#: Birth years at least this far apart (with day and month different too): a generation.
GENERATION_YEARS = 15
_DATE_RANK = {level: i for i, level in enumerate(DATE_LEVELS)}


def date_level(da: Date, db: Date) -> str:
    """exact; day_month (same day and month, a year missing); one_digit (one digit
    mistyped); transposed (two neighbouring digits swapped); day_month_swapped;
    day_month_typo (one digit of day or month different and a year missing: one in thirty
    strangers' birthdays are that close, so it weighs far less); year_differs (same day and
    month, years more than one digit apart); conflict; generation (years
    ``GENERATION_YEARS`` or more apart and day and month different: a parent and a child)."""
    ya, yb = da[0], db[0]
    if da[1:] == db[1:]:
        if not (ya and yb):
            return "day_month"
        if ya == yb:
            return "exact"
        return "one_digit" if digits_one_off(str(ya), str(yb)) else "year_differs"
    if ya and yb and ya != yb:  # year and day/month both differ: not one typo
        return "generation" if abs(ya - yb) >= GENERATION_YEARS else "conflict"
    if da[1] == db[2] and da[2] == db[1]:
        return "day_month_swapped"
    sa, sb = f"{da[1]:02d}{da[2]:02d}", f"{db[1]:02d}{db[2]:02d}"
    if digits_one_off(sa, sb):
        return "one_digit" if ya and yb else "day_month_typo"
    if digits_transposed(sa, sb):
        return "transposed"
    return "conflict"


def compare_birthdays(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.birthdays or not b.birthdays:
        return None
    best: tuple[int, str, Date, Date] | None = None
    for da in sorted(a.birthdays, key=_fmt_date):
        for db in sorted(b.birthdays, key=_fmt_date):
            level = date_level(da, db)
            if best is None or _DATE_RANK[level] < best[0]:
                best = (_DATE_RANK[level], level, da, db)
    assert best is not None
    _, level, da, db = best
    return ("birthday", level, _fmt_date(da), _fmt_date(db))


def _fmt_address(key: tuple[str, str, str]) -> str:
    return ", ".join(p for p in key if p)


#: Address levels from best to worst.
ADDRESS_LEVELS = ("same_street", "fuzzy_street", "postcode_typo", "same_area", "different")
_ADDRESS_RANK = {level: i for i, level in enumerate(ADDRESS_LEVELS)}


def address_level(ka: tuple[str, str, str], kb: tuple[str, str, str]) -> str:
    """same_street (street and number, same postcode or town); fuzzy_street (a typo in the
    street, same postcode or town); postcode_typo (one postcode digit off, same street: in one
    town neighbouring postcodes are common); same_area (same postcode or town); different."""
    (sa, pa, la), (sb, pb, lb) = ka, kb
    same_place = bool(pa and pa == pb) or bool(la and la == lb)
    street = bool(sa and sb) and (sa == sb or _street_typo(sa, sb))
    if same_place and street:
        return "same_street" if sa == sb else "fuzzy_street"
    if pa and pb and street and digits_one_off(pa, pb):
        return "postcode_typo"
    return "same_area" if same_place else "different"


def _street_typo(x: str, y: str) -> bool:
    # The house number must agree: "Hauptstr 12" and "Hauptstr 14" are neighbours.
    if _digits(x) != _digits(y):
        return False
    return edits(x, y, 2) <= 2 or jaro_winkler(x, y) >= 0.92


@lru_cache(maxsize=65536)
def _digits(street: str) -> str:
    """The digits of a street, in order (one street meets dozens of others in a refresh)."""
    return "".join(c for c in street if c.isdigit())


def compare_addresses(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.addresses or not b.addresses:
        return None
    best: tuple[int, int, int] | None = None
    for i, ka in enumerate(a.addresses):
        for j, kb in enumerate(b.addresses):
            rank = _ADDRESS_RANK[address_level(ka, kb)]
            if best is None or rank < best[0]:
                best = (rank, i, j)
                if rank == 0:
                    break
    assert best is not None
    rank, i, j = best
    return ("address", ADDRESS_LEVELS[rank], _address_text(a, i), _address_text(b, j))


def _address_text(f: PartyFeatures, index: int) -> str:
    """The address as written (features built by hand may lack that: their folded key)."""
    texts = f.address_texts
    return texts[index] if index < len(texts) else _fmt_address(f.addresses[index])


def compare_organisations(a: PartyFeatures, b: PartyFeatures) -> Level | None:
    if not a.organization or not b.organization:
        return None
    left, right = a.organization_raw, b.organization_raw
    if a.organization == b.organization:
        return ("organisation", "same", left, right)
    x, y = a.organization, b.organization
    if x in y or y in x or (min(len(x), len(y)) >= 4 and within_one_edit(x, y)):
        return ("organisation", "similar", left, right)
    return ("organisation", "different", left, right)


_SINGLE = (compare_emails, compare_phones, compare_birthdays, compare_addresses,
           compare_organisations)


def generation_level(a: str, b: str) -> str | None:
    """Generation markers of two agreeing names: same, one_side, different, or None (no
    marker on either side)."""
    if not a and not b:
        return None
    if a == b:
        return "same"
    return "different" if a and b else "one_side"


def compare_all(a: PartyFeatures, b: PartyFeatures) -> list[Level]:
    """The level every field reaches (fields missing on either side are left out)."""
    found = compare_names(a, b)
    if names_agree(found):
        # Both names agree (exactly or nearly): see weights.NAMESAKES.
        found.append(("name", "namesakes", f"{found[0][2]} {found[1][2]}",
                      f"{found[0][3]} {found[1][3]}"))
        marker = generation_level(a.marker, b.marker)
        if marker is not None:
            found.append(("generation", marker, a.marker or "no Jr./Sr.",
                          b.marker or "no Jr./Sr."))
    family = None
    home: list[Level] = []
    for compare in _SINGLE:
        item = compare(a, b)
        if item is not None:
            found.append(item)
            if (item[0], item[1]) in HOME_LEVELS:
                home.append(item)
    for item in found:
        if item[0] == "family":
            family = item
    if family is not None and family[1] != "different" and home:
        # A household shares a last name and a home (address, landline, family email):
        # see weights.HOUSEHOLD.
        found.append((*HOUSEHOLD_LEVELS[len(home) - 1],
                      ", ".join([family[2], *(h[2] for h in home)]),
                      ", ".join([family[3], *(h[3] for h in home)])))
    if home and kin_applies([(f, lvl) for f, lvl, _, _ in found]):
        found.append((*KIN, a.display_name, b.display_name))
    return found


def score_of(levels: list[Level], model: Model = HAND_MODEL) -> float:
    """The prior plus every level's weight, rounded to the 2 decimals the items show, so
    the items of ``explain`` add up to exactly this."""
    weights = model.weights
    keys = [(f, lvl) for f, lvl, _, _ in levels]
    total = model.prior  # summed in the order the items are listed (see relabel)
    for key in keys:
        total += item_weight(key, keys, weights)
    return round(total, 2)


def explanation_rows(levels: list[Level], model: Model = HAND_MODEL,
                     extra: tuple[dict[str, Any], ...] = ()) -> list[dict[str, Any]]:
    """What a stored suggestion keeps: the prior first, then every level with its weight
    and sentence, then ``extra`` items (what the owner's decisions add)."""
    weights = model.weights
    keys = [(f, lvl) for f, lvl, _, _ in levels]
    rows = [{"field": "prior", "level": "start", "left": "", "right": "",
             "weight": model.prior, "sentence": PRIOR_SENTENCE}]
    for f, lvl, left, right in levels:
        w = item_weight((f, lvl), keys, weights)
        if (f, lvl) not in CORRECTIONS or w:  # a correction of 0 says nothing
            rows.append({"field": f, "level": lvl, "left": left, "right": right,
                         "weight": w, "sentence": sentence(f, lvl, left, right)})
    rows.extend(extra)
    return rows


def explain(levels: list[Level], model: Model = HAND_MODEL) -> tuple[ExplanationItem, ...]:
    """Levels with their weights and plain sentences, the prior first."""
    return tuple(ExplanationItem(**row) for row in explanation_rows(levels, model))


def score_pair(a: PartyFeatures, b: PartyFeatures, model: Model = HAND_MODEL) -> PairScore:
    """Prior + the weight of every field's level; missing fields add nothing."""
    levels = compare_all(a, b)
    score = score_of(levels, model)
    return PairScore(score, model.probability(score), explain(levels, model))

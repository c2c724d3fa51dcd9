"""The score of a pair without its explanation: the fast gate in front of ``compare_all``.

The typo-tolerant blocking rules pair each party with a few dozen others, and most of those
pairs score below ``STORE_MIN_SCORE`` and are thrown away. ``compare_all`` builds the display
values of every level (formatted dates and addresses, title-cased names, sorted phone lists)
that only a *stored* pair needs; ``quick_levels`` decides the same levels from the same
features without them, so the refresh runs ``compare_all`` only for the pairs it keeps.

It must reach exactly the levels ``compare_all`` reaches, in the same order (the sum is then
the same arithmetic as ``score_of``): tests/match/test_quick_score.py checks that on every
candidate pair of the synthetic corpus and on hand-made features. Change both together.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from core.match.compare import (
    _ADDRESS_RANK,
    _DATE_RANK,
    ADDRESS_LEVELS,
    DATE_LEVELS,
    HOME_LEVELS,
    address_level,
    date_level,
    generation_level,
    own_locals,
    phone_kind,
    shared_use,
)
from core.match.features import PartyFeatures
from core.match.kin import kin_applies, kin_weight
from core.match.name_levels import name_levels, names_agree
from core.match.names import within_one_edit
from core.match.similarity import digits_one_off, digits_transposed
from core.match.values import email_typo, is_role_email
from core.match.weights import HAND_MODEL, HOUSEHOLD_LEVELS, KIN, Model

_NAMESAKES = ("name", "namesakes")
_EMAIL_EXACT, _EMAIL_ROLE = ("email", "exact"), ("email", "role")
_EMAIL_LOCAL = ("email", "same_local_part")
_EMAIL_TYPO, _EMAIL_DIFFERENT = ("email", "typo"), ("email", "different")
_PHONE_EXACT, _PHONE_LANDLINE = ("phone", "exact"), ("phone", "landline")
_PHONE_HOUSEHOLD, _PHONE_TYPO = ("phone", "household"), ("phone", "typo")
_PHONE_MOBILES, _PHONE_DIFFERENT = ("phone", "different_mobile"), ("phone", "different")


def _names(a: PartyFeatures, b: PartyFeatures) -> list[tuple[str, str]]:
    """The name items, the namesakes item and the generation item, as ``compare_all``."""
    found = list(name_levels(a.name, b.name))
    if names_agree(found):
        found.append(_NAMESAKES)
        marker = generation_level(a.marker, b.marker)
        if marker is not None:
            found.append(("generation", marker))
    return found


def quick_levels(a: PartyFeatures, b: PartyFeatures) -> list[tuple[str, str]]:
    """``[(field, level) for field, level, _, _ in compare_all(a, b)]``, without the values."""
    found = _names(a, b)
    if a.emails and b.emails:
        found.append(("email", _email_level(a, b)))
    if a.phones and b.phones:
        found.append(("phone", _phone_level(a, b)))
    found.extend(_dated_placed_employed(a, b))
    _household(found)
    return found


def _dated_placed_employed(a: PartyFeatures, b: PartyFeatures) -> list[tuple[str, str]]:
    """The birthday, address and organisation levels (the cheap ones after the names)."""
    found: list[tuple[str, str]] = []
    da, db = a.birthdays, b.birthdays
    if da and db:
        if len(da) == 1 and len(db) == 1:  # most parties have one: no ranking to do
            (x,), (y,) = da, db
            found.append(("birthday", date_level(x, y)))
        else:
            rank = min(_DATE_RANK[date_level(x, y)] for x in da for y in db)
            found.append(("birthday", DATE_LEVELS[rank]))
    ka, kb = a.addresses, b.addresses
    if ka and kb:
        if len(ka) == 1 and len(kb) == 1:
            found.append(("address", address_level(ka[0], kb[0])))
        else:
            rank = min(_ADDRESS_RANK[address_level(x, y)] for x in ka for y in kb)
            found.append(("address", ADDRESS_LEVELS[rank]))
    if a.organization and b.organization:
        found.append(("organisation", _organisation_level(a.organization, b.organization)))
    return found


def _household(found: list[tuple[str, str]]) -> None:
    """Append the household and kin items as ``compare_all`` does."""
    family = "different"
    home = 0
    for key in found:
        if key[0] == "family":
            family = key[1]
        elif key in HOME_LEVELS:
            home += 1
    if family != "different" and home:
        found.append(HOUSEHOLD_LEVELS[home - 1])
    if home and kin_applies(found):
        found.append(KIN)


def bounded_levels(a: PartyFeatures, b: PartyFeatures, model: Model, floor: float
                   ) -> list[tuple[str, str]] | None:
    """``quick_levels(a, b)``, or None as soon as the pair cannot reach ``floor`` whatever
    its email and phone levels turn out to be (their typo checks are the costly part, and
    most pairs the typo-tolerant rules bring together differ in name and everything else)."""
    w = model.weights
    names = _names(a, b)
    bound = model.prior  # the kin item only ever lowers a score: left out of the bound
    for key in names:
        bound += w[key]
    rest = _dated_placed_employed(a, b)
    for key in rest:
        bound += w[key]
    email = a.emails and b.emails
    phone = a.phones and b.phones
    # Worked out once for the bound and the level.
    common_emails = a.emails.keys() & b.emails.keys() if email else None
    shared_locals = None
    common_phones = a.phones.keys() & b.phones.keys() if phone else None
    if email:
        if common_emails:
            bound += max(w[_EMAIL_EXACT], w[_EMAIL_ROLE])
        elif shared_locals := own_locals(a, b):
            bound += w[_EMAIL_LOCAL]
        else:
            bound += max(w[_EMAIL_TYPO], w[_EMAIL_DIFFERENT])
    if phone:
        if common_phones:
            bound += max(w[_PHONE_EXACT], w[_PHONE_LANDLINE], w[_PHONE_HOUSEHOLD])
        else:
            bound += max(w[_PHONE_TYPO], w[_PHONE_MOBILES], w[_PHONE_DIFFERENT])
    if bound < floor - 0.05:  # a margin for the rounding of the real sum
        return None
    if email:
        names.append(("email", _email_from(a, b, common_emails, shared_locals)))
    if phone:
        names.append(("phone", _phone_from(a, b, common_phones)))
    names.extend(rest)
    _household(names)
    return names


def quick_score(a: PartyFeatures, b: PartyFeatures, mobiles: dict[int, bool] | None = None,
                model: Model = HAND_MODEL) -> float:
    """``score_of(compare_all(a, b), model)``, computed without any explanation value
    (``mobiles`` is accepted for callers of the old signature and not needed)."""
    return sum_levels(quick_levels(a, b), model)


def sum_levels(levels: list[tuple[str, str]], model: Model) -> float:
    """The score of ``quick_levels``: the same order and arithmetic as ``score_of``."""
    weights = model.weights
    total = model.prior
    for key in levels:
        total += kin_weight(levels, weights) if key == KIN else weights[key]
    return round(total, 2)


def _email_level(a: PartyFeatures, b: PartyFeatures) -> str:
    common = a.emails.keys() & b.emails.keys()
    return _email_from(a, b, common, None if common else own_locals(a, b))


def _email_from(a: PartyFeatures, b: PartyFeatures, common: AbstractSet[str],
                shared_locals: list[str] | None) -> str:
    """The email level, given the addresses both hold and (when none) their own shared
    mailbox names."""
    if common:
        return "exact" if any(not is_role_email(e) for e in common) else "role"
    if shared_locals:
        return "same_local_part"
    for x in a.emails:
        n = len(x)
        for y in b.emails:
            # One edit apart needs lengths at most one apart: most pairs stop here.
            if -2 < n - len(y) < 2 and email_typo(x, y):
                return "typo"
    return "different"


def _phone_level(a: PartyFeatures, b: PartyFeatures) -> str:
    return _phone_from(a, b, a.phones.keys() & b.phones.keys())


def _phone_from(a: PartyFeatures, b: PartyFeatures, common: AbstractSet[str]) -> str:
    """The phone level, given the numbers both hold."""
    pa, pb = a.phones, b.phones
    if common:
        private = [p for p in common if not (shared_use(pa[p]) or shared_use(pb[p]))]
        if not private:
            return "household"
        for p in private:
            ua, ub = pa[p], pb[p]
            if (phone_kind(ua.value, ua.label) != "landline"
                    or phone_kind(ub.value, ub.label) != "landline"):
                return "exact"
        return "landline"
    for x in pa:
        n = len(x)
        if n < 8:
            continue
        for y in pb:
            # A mistyped or swapped digit keeps the length.
            if len(y) == n and (digits_one_off(x, y) or digits_transposed(x, y)):
                return "typo"
    if (any(phone_kind(u.value, u.label) == "mobile" for u in pa.values())
            and any(phone_kind(u.value, u.label) == "mobile" for u in pb.values())):
        return "different_mobile"
    return "different"


def _organisation_level(x: str, y: str) -> str:
    if x == y:
        return "same"
    if x in y or y in x or (min(len(x), len(y)) >= 4 and within_one_edit(x, y)):
        return "similar"
    return "different"

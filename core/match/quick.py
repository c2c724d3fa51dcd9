"""The score of a pair without its explanation: the fast gate in front of ``compare_all``.

Blocking on common names pairs each party with dozens of namesakes, and all but a few of
those pairs score below ``STORE_MIN_SCORE`` and are thrown away. ``compare_all`` builds the
display values of every level (sorted phone lists, formatted dates and addresses) that only a
*stored* pair needs; ``quick_score`` decides the same levels from the same features without
them, so the refresh runs ``compare_all`` only for the pairs it keeps.

It must reach exactly the level each ``compare_*`` function reaches (the sum is then the same
arithmetic as ``score_of``): tests/match/test_quick_score.py checks that on every candidate
pair of the synthetic corpus. Change both together.
"""

from __future__ import annotations

from core.match.compare import _date_level, _name_level, phone_kind
from core.match.features import PartyFeatures, PhoneUse
from core.match.names import within_one_edit
from core.match.values import is_role_email
from core.match.weights import PRIOR, WEIGHTS

_RANK = {"exact": 0, "day_month": 1, "year_differs": 2, "conflict": 3}
_BY_RANK = ("exact", "day_month", "year_differs", "conflict")
_W = WEIGHTS


def quick_score(a: PartyFeatures, b: PartyFeatures, mobiles: dict[int, bool]) -> float:
    """``score_of(compare_all(a, b))``, computed without building any explanation value.

    ``mobiles`` caches, per party id, whether the party has a mobile number (pass one dict
    per refresh: the answer depends on the features loaded by that refresh)."""
    # Same order as COMPARISONS, and the same left-to-right float sum as score_of.
    level = _name_level(a.name, b.name)
    parts: list[float] = [] if level is None else [_W[("name", level)]]
    ea, eb = a.emails, b.emails
    if ea and eb:
        common = ea.keys() & eb.keys()
        if common:
            level = "exact" if any(not is_role_email(e) for e in common) else "role"
        elif a.email_locals.keys() & b.email_locals.keys():
            level = "same_local_part"
        else:
            level = "different"
        parts.append(_W[("email", level)])
    pa, pb = a.phones, b.phones
    if pa and pb:
        common = pa.keys() & pb.keys()
        if common:
            level = _shared_phone_level(pa, pb, common)
        else:
            ma, mb = mobiles.get(a.party_id), mobiles.get(b.party_id)
            if ma is None:
                ma = _has_mobile(a, mobiles)
            if mb is None:
                mb = _has_mobile(b, mobiles)
            level = "different_mobile" if ma and mb else "different"
        parts.append(_W[("phone", level)])
    if a.birthdays and b.birthdays:
        parts.append(_W[("birthday", _birthday_level(a.birthdays, b.birthdays))])
    if a.addresses and b.addresses:
        parts.append(_W[("address", _address_level(a.addresses, b.addresses))])
    if a.organization and b.organization:
        parts.append(_W[("organisation", _organisation_level(a.organization,
                                                              b.organization))])
    return round(PRIOR + sum(parts), 2)


def _has_mobile(f: PartyFeatures, mobiles: dict[int, bool]) -> bool:
    found = mobiles[f.party_id] = any(
        phone_kind(u.value, u.label) == "mobile" for u in f.phones.values())
    return found


def _shared_phone_level(pa: dict[str, PhoneUse], pb: dict[str, PhoneUse], common: set[str]
                        ) -> str:
    private = [p for p in common if not (pa[p].shared or pb[p].shared)]
    if not private:
        return "household"
    for p in private:
        ua, ub = pa[p], pb[p]
        if (phone_kind(ua.value, ua.label) != "landline"
                or phone_kind(ub.value, ub.label) != "landline"):
            return "exact"
    return "landline"


def _birthday_level(da: set[tuple[int | None, int, int]], db: set[tuple[int | None, int, int]]
                    ) -> str:
    if len(da) == 1 and len(db) == 1:
        (x,), (y,) = da, db
        return _date_level(x, y)
    return _BY_RANK[min(_RANK[_date_level(x, y)] for x in da for y in db)]


def _address_level(aa: list[tuple[str, str, str]], ab: list[tuple[str, str, str]]) -> str:
    if len(aa) == 1 and len(ab) == 1:  # the usual case, without the loops
        (sa, pa, la), (sb, pb, lb) = aa[0], ab[0]
        if sa and sa == sb and (pa == pb or la == lb):
            return "same_street"
        return "same_area" if (pa and pa == pb) or (la and la == lb) else "different"
    area = False
    for ka in aa:
        for kb in ab:
            if ka[0] and ka[0] == kb[0] and (ka[1] == kb[1] or ka[2] == kb[2]):
                return "same_street"
            if not area and ((ka[1] and ka[1] == kb[1]) or (ka[2] and ka[2] == kb[2])):
                area = True
    return "same_area" if area else "different"


def _organisation_level(x: str, y: str) -> str:
    if x == y:
        return "same"
    if x in y or y in x or (min(len(x), len(y)) >= 4 and within_one_edit(x, y)):
        return "similar"
    return "different"

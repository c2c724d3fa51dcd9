"""Scoring candidate pairs: the loop both the refresh process and its scoring workers run.

``score_pairs`` is the one place that turns candidate pairs into kept pairs (score, full
levels with display values, the "decisions" item), so scoring in worker processes
(``parallel``) is bit-identical to scoring in process by construction: same functions, same
inputs, same float arithmetic. ``pack``/``unpack`` move ``PartyFeatures`` between processes
as plain tuples, which pickle about three times faster than the slotted dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.match.compare import Level, compare_all
from core.match.features import PartyFeatures, PhoneUse
from core.match.labels import Labels, adjust, pattern_of
from core.match.names import CompareName
from core.match.quick import bounded_levels, sum_levels
from core.match.weights import STORE_MIN_SCORE, Model

Pair = tuple[int, int]
#: (pair, score, levels of ``compare_all``, the "decisions" item or None).
Kept = tuple[Pair, float, list[Level], dict[str, Any] | None]


def score_floor(labels: Labels) -> float:
    """The bound below which a pair is dropped before its email and phone levels: a merged
    pattern can lift a pair from any score, so nothing is skipped early then."""
    return -1e9 if any(merged for merged, _ in labels.values()) else STORE_MIN_SCORE


def score_pairs(pairs: Iterable[Pair], feats: Mapping[int, PartyFeatures], model: Model,
                labels: Labels) -> list[Kept]:
    """Every pair worth storing, in the order given: ``bounded_levels`` decides the levels
    without display values; only the pairs kept are compared again in full for their
    explanation. A pair whose pattern the owner judged before gets the "decisions" item
    (``labels.adjust``). Pairs with a party missing from ``feats`` are skipped."""
    floor = score_floor(labels)
    kept: list[Kept] = []
    get = feats.get
    for pair in pairs:
        a, b = get(pair[0]), get(pair[1])
        if a is None or b is None:
            continue
        quick = bounded_levels(a, b, model, floor)
        if quick is None:
            continue
        score = sum_levels(quick, model)  # the order and arithmetic of compare.score_of
        extra = adjust(score, pattern_of(quick), labels) if labels else None
        if extra is not None:
            score = round(score + extra["weight"], 2)
        if score >= STORE_MIN_SCORE:
            kept.append((pair, score, compare_all(a, b), extra))
    return kept


#: A party as plain values: id, display name, the four name parts, organisation (compared,
#: raw), birthdays, emails, email locals, phones (number, value, label, handle, shared),
#: addresses, generation marker, the addresses as written.
Packed = tuple


def pack(f: PartyFeatures) -> Packed:
    """``f`` as a tuple of strings, numbers and tuples (see ``Packed``)."""
    n = f.name
    return (f.party_id, f.display_name, n.given, n.family, n.middle, n.nickname,
            f.organization, f.organization_raw, tuple(f.birthdays), tuple(f.emails.items()),
            tuple(f.email_locals.items()),
            tuple((p, u.value, u.label, u.handle_id, u.shared) for p, u in f.phones.items()),
            tuple(f.addresses), f.marker, tuple(f.address_texts))


def unpack(p: Packed) -> PartyFeatures:
    """The ``PartyFeatures`` ``pack`` was given (equal in every field, dict and list order
    kept), for scoring only: the empty collections of all parties are one shared object
    each, never to be added to (most parties lack a birthday, an address or a phone, and an
    empty set alone is 216 bytes)."""
    (pid, display, given, family, middle, nick, org, org_raw, birthdays, emails, locals_,
     phones, addresses, marker, address_texts) = p
    return PartyFeatures(
        pid, display, CompareName(given, family, middle, nick), org, org_raw,
        set(birthdays) if birthdays else _NO_DATES, dict(emails) if emails else _NO_EMAILS,
        dict(locals_) if locals_ else _NO_LOCALS,
        {number: PhoneUse(value, label, hid, shared)
         for number, value, label, hid, shared in phones} if phones else _NO_PHONES,
        list(addresses) if addresses else _NO_ADDRESSES, marker,
        list(address_texts) if address_texts else _NO_ADDRESS_TEXTS)


_NO_DATES: set[tuple[int | None, int, int]] = set()
_NO_EMAILS: dict[str, str] = {}
_NO_LOCALS: dict[str, str] = {}
_NO_PHONES: dict[str, PhoneUse] = {}
_NO_ADDRESSES: list[tuple[str, str, str]] = []
_NO_ADDRESS_TEXTS: list[str] = []

"""Comparison levels of names: given and family name compared separately (Splink style).

Given name: exact; nickname (both forms of one name: "Kate" / "Katherine"); one typo
(one edit: insertion, deletion, substitution, swap of neighbours); close (Jaro-Winkler >=
0.88 or two edits); phonetic (same Metaphone key); initial ("K." /
"Katherine"); swapped (the given and family names trade places); gender_form (the male and
female forms of one name, Peter/Petra, Mario/Maria: siblings and spouses more often than
typos, but not unrelated names either); different (unrelated names). The typo
bands also compare the formal forms (a nickname with a typo: "Abby" / "Abgiail").

Family name: exact; joined (equal once spaces and hyphens go: "Mac Kinder" / "MacKinder");
part (one is a part of a compound name: "García" / "García López"); one typo; close;
phonetic; different.

A missing given or family name on either side adds no item (no evidence either way).
"""

from __future__ import annotations

from functools import lru_cache

from core.match.names import CompareName, formal_given, is_initial
from core.match.similarity import joined, typo_band

#: (field, level) of each name item; a pair yields zero, one or two of them.
NameLevels = tuple[tuple[str, str], ...]

#: Name levels that do not agree (the namesakes item needs both names agreeing).
NOT_AGREEING = frozenset({"different", "gender_form"})


def names_agree(found: list) -> bool:
    """Both name items present (given first) and neither of them disagreeing."""
    return (len(found) == 2 and found[0][1] not in NOT_AGREEING
            and found[1][1] not in NOT_AGREEING)


def _given_level(a: CompareName, b: CompareName) -> str:
    return _given_words(a.given, b.given, a.nickname, b.nickname)


@lru_cache(maxsize=65536)
def _given_words(x: str, y: str, nick_x: str, nick_y: str) -> str:
    """The given-name level of two first names (and the nicknames the records give):
    few distinct names meet again and again, so the answers are cached."""
    if x == y:
        return "exact"
    if is_initial(x) or is_initial(y):
        return "initial" if x[:1] == y[:1] else "different"
    fx, fy = formal_given(x), formal_given(y)
    if fx == fy or (nick_x and formal_given(nick_x) == fy) or (nick_y and
                                                             formal_given(nick_y) == fx):
        return "nickname"
    if gendered_pair(x, y):
        return "gender_form"
    band = typo_band(x, y) or (typo_band(fx, fy) if (fx, fy) != (x, y) else None)
    return band or "different"


_VOWELS = frozenset("aeiouy")
#: Endings that make a man's name a woman's or back (Peter/Petra, Julius/Julia, Mario/Maria,
#: Paul/Pauline, Jan/Jana): siblings and spouses, not typos.
_GENDER_ENDINGS = (("er", "ra"), ("us", "a"), ("", "a"), ("", "ine"), ("", "e"), ("o", "a"),
                   ("", "ina"), ("", "ette"))


def gendered_pair(x: str, y: str) -> bool:
    """The two names are the male and female forms of one name."""
    if len(x) < 3 or len(y) < 3:
        return False
    if x[:-1] == y[:-1] and x[-1] != y[-1] and x[-1] in _VOWELS and y[-1] in _VOWELS:
        return True
    for one, other in _GENDER_ENDINGS:
        for p, q in ((x, y), (y, x)):
            if p.endswith(one) and q.endswith(other):
                stem = p[:len(p) - len(one)] if one else p
                if stem and stem == q[:len(q) - len(other)]:
                    return True
    return False


#: Few family-name pairs meet often (a common name and its namesakes): at 100,000 parties
#: 16,384 entries keep 90% of the hits a 262,144-entry cache had, in 5 MB instead of 70.
@lru_cache(maxsize=16384)
def _family_level(x: str, y: str) -> str:
    if x == y:
        return "exact"
    jx, jy = joined(x), joined(y)
    if jx == jy:
        return "joined"
    tx, ty = set(x.split()), set(y.split())
    if (len(tx) > 1 or len(ty) > 1) and (tx <= ty or ty <= tx):
        return "part"
    return typo_band(jx, jy) or "different"


def _related(x: str, y: str) -> bool:
    """Equal, or within a typo band of each other (one or two typos, or sounding alike)."""
    return bool(x and y) and (_same_or_typo(x, y)
                              or typo_band(joined(x), joined(y)) is not None)


def _same_or_typo(x: str, y: str) -> bool:
    if not x or not y:
        return False
    if x == y or formal_given(x) == formal_given(y):
        return True
    if " " in x or " " in y:
        # A given name keeps its first word only ("Ji-ho" -> "ji"): a swapped compound name
        # meets its first word ("ji" / "ji ho", "van" / "van den berg").
        return x.split()[0] == y.split()[0]
    # One edit leaves the length within one and the first or the last letter in place.
    if abs(len(x) - len(y)) > 1 or (x[0] != y[0] and x[-1] != y[-1]):
        return False
    return typo_band(joined(x), joined(y)) == "one_typo"


def name_levels(a: CompareName, b: CompareName) -> NameLevels:
    """The name items of a pair, in order (given first)."""
    if a.is_blank() or b.is_blank():
        return ()
    if not a.family or not b.family:
        # One record holds a single name (a nickname, a first name only): compare the given
        # names when both have one, else the one name each record has.
        if a.given and b.given:
            return (("given", _given_level(a, b)),)
        x, y = a.given or a.family, b.given or b.family
        return (("given", _given_level(CompareName(x, ""), CompareName(y, ""))),)
    family = _family_level(a.family, b.family)
    if not a.given or not b.given:
        return (("family", family),)
    given = _given_level(a, b)
    if (family == "different" or given in NOT_AGREEING) and names_swapped(a, b):
        return (("given", "swapped"),)
    return (("given", given), ("family", family))


def names_swapped(a: CompareName, b: CompareName) -> bool:
    """Given and family name traded places: one within a typo of the other's, the other at
    least spelled alike (two slips in one of them still leave a swap visible)."""
    gf, fg = (a.given, b.family), (a.family, b.given)
    return ((_same_or_typo(*gf) and _related(*fg)) or (_same_or_typo(*fg) and _related(*gf)))

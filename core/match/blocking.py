"""Blocking: which pairs of parties are worth comparing at all.

Several strict rules are OR-ed; each produces keys, and two parties sharing a key form a
candidate pair that remembers the rule(s) that paired them. No all-pairs comparison is ever
made: a pair that shares no key is never scored. Keys of oversized blocks (a common surname
with a common initial, an office switchboard) are skipped, since a block of thousands says
nothing about any one pair and would swamp the review list.

The cap is one rule for both refresh paths: a key pairs its holders while at most
``MAX_BLOCK_SIZE`` comparable parties hold it (the full rebuild counts the keys it computes;
the incremental refresh counts the stored blocks' holders, which are the same set), and
a pair's rules are exactly its shared keys within the cap. The incremental refresh re-decides
the pairs of unchanged parties whose blocks crossed the cap (``incremental``), so both
paths store the same suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from core.match.features import PartyFeatures
from core.match.names import formal_given, phonetic_key
from core.match.similarity import joined
from core.match.values import is_role_email

#: Rules in priority order; the first rule of a pair is the one shown as "paired by".
#: The version of the key rules below, part of every model version stored on suggestions
#: ("kith-fs-3+c1+k2"): a book keyed by other rules then gets a full rebuild (new keys, every
#: pair scored again) on its next refresh, whichever party holds the first stored key.
#: ``suggest.stale_keys`` alone samples one party, which says nothing about name rules when
#: it is known by an email only. Bump it with any change to the keys a party gets.
KEYS_VERSION = "k3"

RULES: tuple[tuple[str, str], ...] = (
    ("em", "same_email"),
    ("ph", "same_phone"),
    ("fn", "full_name_any_order"),
    ("fi", "family_name_and_first_initial"),
    ("sf", "family_letters_and_initial"),
    ("py", "phonetic_family_and_birth_year"),
    ("pg", "phonetic_family_and_given_name"),
    ("og", "organisation_and_given_name"),
    ("gb", "given_name_and_birthday"),
    ("ad", "street_address"),
    ("bd", "birth_date"),
    ("fp", "family_name_and_postcode"),
    ("jn", "joined_family_name_and_initial"),
    ("qg", "name_beginnings"),
    ("ne", "name_endings"),
    ("ns", "name_start_and_end"),
    ("fe", "family_ending_and_initial"),
    ("sl", "short_name_letters"),
    ("dm", "birthday_and_initial"),
    ("an", "house_number_and_postcode"),
    ("ym", "birth_month_and_initial"),
)
RULE_NAMES = dict(RULES)
#: Stored rule name -> code (suggestions store names; sentences are keyed by code).
RULE_CODES = {name: code for code, name in RULES}
RULE_ORDER = {code: i for i, (code, _) in enumerate(RULES)}
#: Rules no longer made, kept in ``RULES`` for the sentences of suggestions stored before:
#: ``jn`` (``fi`` joins the family name itself); ``fn`` (full name), ``gb`` (given name and
#: birthday), ``fp`` (family name and postcode) and ``pg`` (phonetic family name and given
#: name), whose pairs the other rules find anyway (on corruption corpora the benchmarks do
#: not use, each found 0-5 true pairs no other rule did, for one key row per party; ``pg``
#: also paired 9% of the duplicates benchmark's candidates, namesakes all but 2, which
#: ``sf`` keeps). A book keyed by an older set of rules is re-keyed on its next refresh
#: (``suggest.stale_keys``).
RETIRED_RULES = frozenset({"jn", "fn", "gb", "fp", "pg"})

#: Largest block whose pairs are compared; bigger blocks are skipped for that rule only.
MAX_BLOCK_SIZE = 50
#: The typo-tolerant rules (name beginnings/endings, birthday or birth month with an
#: initial, house number with postcode) are coarse on purpose; their blocks are compared only
#: while small, so they add the few pairs the exact rules lose and not a namesake crowd. The
#: name keys that keep the most typo'd pairs allow a person's own copies (a book may hold ten
#: of one person) plus a few namesakes; the coarsest ones stay at 8.
RULE_CAPS: dict[str, int] = {"qg": 12, "ne": 12, "fe": 12, "sl": 12,
                             "ns": 8, "dm": 8, "ym": 8, "an": 8}
#: A family name this short gets the letters-of-both-names key (``sl``): its endings are the
#: whole name, so two swapped letters leave no ending alike ("ho" / "oh").
SHORT_FAMILY = 4
#: Initials a record without a first name may have had ("|leroy" meets "celine|leroy").
_INITIALS = "abcdefghijklmnopqrstuvwxyz"


def block_cap(key: str) -> int:
    """Largest block of this key whose pairs are compared."""
    return RULE_CAPS.get(key[:2], MAX_BLOCK_SIZE)


_MAX_KEY = 250


def party_keys(f: PartyFeatures) -> set[str]:
    """The blocking keys of one party ("<rule code>:<value>")."""
    keys: set[str] = set()
    for email in f.emails:
        if not is_role_email(email):
            keys.add("em:" + email)
    for phone in f.phones:
        keys.add("ph:" + phone)
    name = f.name
    formal = formal_given(name.given) if name.given else ""
    sound = phonetic_key(name.family)
    if sound:
        for year in sorted({y for y, _, _ in f.birthdays if y}):
            keys.add(f"py:{sound}|{year}")
    if f.organization and formal:
        keys.add(f"og:{f.organization}|{formal}")
    for street, postal, locality in f.addresses:
        if street and (postal or locality):
            keys.add(f"ad:{street}|{postal or locality}")
            if postal and locality:  # survives a postcode typo
                keys.add(f"ad:{street}|{locality}")
            number = house_number(street)
            # Survive a street typo (house number and postcode), and a street typo with a
            # postcode typo or gap (house number and town).
            for place in {postal, locality} - {""}:
                if number:
                    keys.add(f"an:{number}|{place}")
    given, family = name.given, joined(name.family)
    _date_keys(f, given, family, keys)
    _name_keys(given, family, formal, keys)
    return {k[:_MAX_KEY] for k in keys}


def house_number(street: str) -> str:
    """The last run of digits in a street ("hauptstr 12" -> "12"; an OCR'd letter that
    became a digit, "sch0olstraat 167", leaves "167")."""
    runs = _DIGITS.findall(street)
    return runs[-1] if runs else ""


_DIGITS = re.compile(r"[0-9]+")


def _date_keys(f: PartyFeatures, given: str, family: str, keys: set[str]) -> None:
    """The full birth date alone, and the initials of both names (in either order) with a
    birthday that survives a year typo or gap (dm) or a day typo (ym)."""
    initials = "".join(sorted(given[:1] + family[:1]))
    for year, month, day in f.birthdays:
        if year:
            keys.add(f"bd:{year:04d}-{month:02d}-{day:02d}")
            keys.add(f"ym:{initials}|{year:04d}-{month:02d}")
        keys.add(f"dm:{initials}|{month:02d}-{day:02d}")


def _name_keys(given: str, family: str, formal: str, keys: set[str]) -> None:
    """Keys of the two names that survive one typo or a changed field (the typo'd pairs the
    exact keys lose)."""
    if family and given:
        # The family name written without spaces ("mac kinder" = "mackinder") with the
        # initial of the first name as written and of its formal form (Bob -> Robert).
        keys.add(f"fi:{family}|{given[:1]}")
        if formal[:1] != given[:1]:
            keys.add(f"fi:{family}|{formal[:1]}")
    elif family:
        # No first name ("|leroy"): whatever the initial was, the record meets the people of
        # that family name and one initial (blocks over the cap are skipped as ever).
        keys.update(f"fi:{family}|{c}" for c in _INITIALS)
    if given and len(family) > SHORT_FAMILY:
        # The letters of the family name, sorted, with the initial: survives two letters
        # swapped ("pohof" / "phoof", "mauhoeiez" / "mauoheiez").
        keys.add(f"sf:{''.join(sorted(family))}|{given[:1]}")
    if given and len(family) >= 2:
        # The end of the family name with the initial: survives a typo in the family name's
        # beginning and any first name that kept its initial ("d|fischer" / "dieter|fisher").
        keys.add(f"fe:{family[-3:]}|{given[:1]}")
    if len(family) >= 2 and len(given) == 1:
        keys.add(f"qg:{family[:4]}|{given}")  # "v|lebedeev" meets "vladimir|lebedev"
    if len(given) >= 2 and len(family) >= 2:
        # Both orders, so names swapped between the fields still meet. One typo in each
        # name still leaves one of these alike: it sits in the beginning or in the end of a
        # name ("hannah schroder" / "hqnnah sshroder" keep "ah|der"; "kari nielsen" / "kari
        # hielsen" keep "kar/en"). The beginnings-of-both key ("an|sch") went: it paired
        # more namesakes than typo'd pairs (measured on corpora the benchmark does not use).
        for first, last in ((given, family), (family, given)):
            keys.add(f"qg:{first[:4]}|{last[:1]}")
            keys.add(f"ne:{first[-2:]}|{last[-3:]}")
            keys.add(f"ns:{first[:3]}/{last[-2:]}")
        if len(family) <= SHORT_FAMILY:
            # "anh ho" / "anh oh": the letters of both names, each sorted.
            keys.add(f"sl:{''.join(sorted(given))}/{''.join(sorted(family))}")
        if len(family) <= SHORT_FAMILY - 1:
            # "hao wu" / "hao qu", "min uim" / "nin kim": the end of the first name with the
            # last letter of a family name of two or three letters.
            keys.add(f"sl:{given[-2:]}>{family[-1:]}")


def rule_of(key: str) -> str:
    return key.split(":", 1)[0]


def pairs_from_blocks(
    blocks: Mapping[str, Iterable[int]], only: set[int] | None = None
) -> dict[tuple[int, int], list[str]]:
    """Candidate pairs (a < b) with the rule codes that paired them, in priority order.

    With ``only``, just the pairs that involve at least one of those parties (incremental).
    """
    pairs: dict[tuple[int, int], list[str]] = {}
    # Blocks in rule priority order, so each pair's first rule is its strongest.
    by_rule: dict[str, list[str]] = {}
    for key in blocks:
        by_rule.setdefault(rule_of(key), []).append(key)
    ordered = sorted(by_rule, key=lambda code: RULE_ORDER.get(code, 99))
    for key in (k for code in ordered for k in by_rule[code]):
        members = blocks[key]
        if len(members) < 2 or len(members) > block_cap(key):
            continue  # most keys are unique to one party: skip them before any work
        ids = sorted(set(members))
        code = rule_of(key)
        if only is None:
            found = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        else:  # just the pairs of the given parties, not the whole block's
            found = [(a, b) if a < b else (b, a)
                     for a in ids if a in only for b in ids if b != a and (b not in only or a < b)]
        for pair in found:
            codes = pairs.get(pair)
            if codes is None:
                pairs[pair] = [code]
            elif codes[-1] != code and code not in codes:
                codes.append(code)
    return pairs


def rule_sentences(codes: Iterable[str]) -> list[str]:
    """Why two contacts were compared, one plain sentence per rule (codes or names)."""
    from core.match.sentences import rule_sentence

    return [rule_sentence(c) for c in codes]


def rule_label(codes: Iterable[str], limit: int = 128) -> str:
    """Human-readable rule names, comma-joined (what the suggestion stores): whole names
    only, as many as fit in ``limit`` characters (the strongest come first)."""
    label = ""
    for code in codes:
        name = RULE_NAMES.get(code, code)
        candidate = f"{label},{name}" if label else name
        if len(candidate) > limit:
            break
        label = candidate
    return label


def blocks_of(feats: Mapping[int, PartyFeatures]) -> dict[str, list[int]]:
    """Key -> the parties holding it, for every party in ``feats``. Keys go straight into
    their blocks (no per-party key sets kept: at 100,000 parties those were ~2 million
    strings held twice)."""
    blocks: dict[str, list[int]] = {}
    get = blocks.get
    for pid, f in feats.items():
        for k in party_keys(f):
            members = get(k)
            if members is None:
                blocks[k] = [pid]
            else:
                members.append(pid)
    return blocks


def candidate_pairs(feats: Mapping[int, PartyFeatures]) -> dict[tuple[int, int], list[str]]:
    """Every candidate pair among ``feats`` with the rules that pair it (as a full rebuild
    finds them)."""
    return pairs_from_blocks(blocks_of(feats))

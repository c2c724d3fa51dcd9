"""People and their corrupted duplicate records, in two shapes.

- ``one_file(size)``: one address book of ``size`` records in which some people appear
  2 to 10 times (1 to 9 duplicates, fewer more likely: ``DUPLICATES``).
- ``two_sources(size)``: two address books holding many of the same people; the second
  book's copies are corrupted, and some people appear more than once there too.

Each duplicate is the person's true record with 1-3 errors of the types in ``errors``.
Emails and mobiles: a duplicate keeps the first record's primary email or mobile only
sometimes (``KEEP_IDENTIFIER``); when it does, the ingest attaches it to the same contact
at once (the automatic path), which is what happens in a real import, and the pair is no
longer a suggestion. Everything is drawn from ``random.Random(seed)``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from core.ingest.parsed import Address, ContactValue, DateValue, Name, ParsedContact
from tests.match.corruption import errors
from tests.match.corruption.vocab import CULTURES, NICKNAMES, Culture

#: Number of duplicates of a person who has any (1-9), relative weights.
DUPLICATES: dict[int, float] = {1: 0.50, 2: 0.20, 3: 0.10, 4: 0.07, 5: 0.05, 6: 0.03,
                                7: 0.02, 8: 0.02, 9: 0.01}
#: Share of people who have duplicates (one file) / who are in both books (two sources).
DUPLICATED_PEOPLE = 0.30
SHARED_PEOPLE = 0.55
#: Presence of each field on a person's first record.
PRESENT = {"birthday": 0.85, "address": 0.75, "email": 0.55, "mobile": 0.55}
#: Chance a duplicate carries the same email / mobile as the first record.
KEEP_IDENTIFIER = 0.15

DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "web.de", "gmx.de", "orange.fr",
           "libero.it", "wp.pl", "yandex.ru", "qq.com", "naver.com", "icloud.com")


@dataclass
class Record:
    """One contact as a book holds it (plain values; ``contact()`` makes the ParsedContact)."""

    given: str
    family: str
    birthday: tuple[int | None, int, int] | None
    street: str
    postal: str
    town: str
    email: str
    mobile: str

    def contact(self, ext: str) -> ParsedContact:
        return ParsedContact(
            external_id=ext,
            name=Name(full=" ".join(x for x in (self.given, self.family) if x),
                      given=self.given, family=self.family),
            emails=[ContactValue(self.email, "home", True)] if self.email else [],
            phones=[ContactValue(self.mobile, "mobile")] if self.mobile else [],
            birthdays=[DateValue(self.birthday[1], self.birthday[2], self.birthday[0])]
            if self.birthday else [],
            addresses=[Address(label="home", street=self.street, postal_code=self.postal,
                               locality=self.town)]
            if (self.street or self.postal or self.town) else [])


@dataclass
class Corpus:
    """Contacts per source with the truth (same shape as ``tests.match.corpus.Corpus``)."""

    sources: dict[str, list[ParsedContact]] = field(default_factory=dict)
    person_of: dict[tuple[str, str], int] = field(default_factory=dict)
    shared_phones: set[str] = field(default_factory=set)
    #: (source, external id) -> the record before it became a contact (for reading misses).
    records: dict[tuple[str, str], Record] = field(default_factory=dict)

    def add(self, source: str, ext: str, person: int, record: Record) -> None:
        self.sources.setdefault(source, []).append(record.contact(ext))
        self.person_of[(source, ext)] = person
        self.records[(source, ext)] = record


def _postcode(rng: random.Random, fmt: str) -> str:
    return "".join(str(rng.randrange(10)) if ch == "#" else
                   chr(rng.randrange(65, 91)) if ch == "A" else ch for ch in fmt)


def _ascii(text: str) -> str:
    return errors.accents_dropped(random.Random(0), text).replace(" ", "").replace("'", "")


def make_person(rng: random.Random, culture: Culture, serial: int) -> Record:
    given, family = rng.choice(culture.given), rng.choice(culture.family)
    birthday = ((rng.randrange(1935, 2010), rng.randrange(1, 13), rng.randrange(1, 29))
                if rng.random() < PRESENT["birthday"] else None)
    street = postal = town = ""
    if rng.random() < PRESENT["address"]:
        town, fmt = rng.choice(culture.towns)
        postal = _postcode(rng, fmt)
        street = culture.street.format(n=rng.randrange(1, 200), s=rng.choice(culture.streets))
    email = ""
    if rng.random() < PRESENT["email"]:
        g, f = _ascii(given).lower(), _ascii(family).lower()
        local = rng.choice((f"{g}.{f}", f"{g[0]}{f}", f"{g}{f[:1]}", f"{f}.{g}"))
        email = f"{local}{serial}@{rng.choice(DOMAINS)}"  # serial: one mailbox per person
    mobile = (f"+49 1{rng.choice('567')}{rng.randrange(10)} {rng.randrange(10**7, 10**8)}"
              if rng.random() < PRESENT["mobile"] else "")
    return Record(given, family, birthday, street, postal, town, email, mobile)


def _name_error(rng: random.Random, rec: Record, kind: str) -> Record:
    which = "given" if rng.random() < 0.45 else "family"
    value = getattr(rec, which)
    if not value:
        return rec
    return replace(rec, **{which: errors.TYPING_ERRORS[kind](rng, value)})


def corrupt(rng: random.Random, rec: Record) -> Record:
    """A duplicate of ``rec``: 1-3 modifications (see ``errors`` for the rates)."""
    out = replace(rec)
    # Identifiers first: most duplicates do not carry the same mailbox or mobile.
    if out.email and rng.random() >= KEEP_IDENTIFIER:
        out.email = "" if rng.random() < 0.7 else f"x{rng.randrange(10**6)}@{rng.choice(DOMAINS)}"
    if out.mobile and rng.random() >= KEEP_IDENTIFIER:
        out.mobile = "" if rng.random() < 0.6 else f"+49 160 {rng.randrange(10**7, 10**8)}"
    count = rng.choices(list(errors.MODIFICATIONS_PER_RECORD),
                        weights=list(errors.MODIFICATIONS_PER_RECORD.values()))[0]
    kinds = rng.choices(list(errors.ERROR_RATES), weights=list(errors.ERROR_RATES.values()),
                        k=count)
    for kind in kinds:
        out = _apply(rng, out, kind)
    return out


def _apply(rng: random.Random, rec: Record, kind: str) -> Record:
    if kind in errors.TYPING_ERRORS:
        if rng.random() < 0.12 and rec.street:  # street names get typos too
            return replace(rec, street=errors.TYPING_ERRORS[kind](rng, rec.street))
        return _name_error(rng, rec, kind)
    if kind == "nickname":
        forms = NICKNAMES.get(rec.given)
        if forms:
            return replace(rec, given=rng.choice(forms))
        if rec.given and rng.random() < 0.4:  # no short form known: sometimes an initial
            return replace(rec, given=rec.given[:1] + ".")
        return _name_error(rng, rec, "keyboard_substitution")
    if kind == "token_split_merge":
        return replace(rec, family=errors.token_split_merge(rng, rec.family))
    if kind == "swapped_fields":
        return replace(rec, given=rec.family, family=rec.given)
    if kind == "missing_value":
        what = rng.choice(("birthday", "address", "given", "town", "postal"))
        if what == "birthday":
            return replace(rec, birthday=None)
        if what == "address":
            return replace(rec, street="", postal="", town="")
        if what == "given" and rng.random() < 0.5:
            return replace(rec, given="")
        return replace(rec, **{"town" if what == "town" else "postal": ""})
    if kind == "date_digit" and rec.birthday:
        return replace(rec, birthday=errors.date_error(rng, rec.birthday))
    if kind == "postcode_digit" and rec.postal:
        return replace(rec, postal=errors.digit_typo(rng, rec.postal))
    return rec


def _culture(rng: random.Random) -> Culture:
    return rng.choices(CULTURES, weights=[c.weight for c in CULTURES])[0]


def _duplicate_count(rng: random.Random) -> int:
    return rng.choices(list(DUPLICATES), weights=list(DUPLICATES.values()))[0]


def one_file(size: int, seed: int = 13) -> Corpus:
    """One book of ``size`` records; people with duplicates have 1-9 of them inside it."""
    rng = random.Random(seed)
    corpus = Corpus(sources={"book": []})
    person = 0
    while len(corpus.person_of) < size:
        rec = make_person(rng, _culture(rng), person)
        corpus.add("book", f"p{person}", person, rec)
        if rng.random() < DUPLICATED_PEOPLE:
            for k in range(min(_duplicate_count(rng), size - len(corpus.person_of))):
                corpus.add("book", f"p{person}d{k}", person, corrupt(rng, rec))
        person += 1
    return corpus


def two_sources(size: int, seed: int = 17) -> Corpus:
    """Two books with ``size`` records between them; ``SHARED_PEOPLE`` of the first book's
    people are in the second too (corrupted), some of them more than once."""
    rng = random.Random(seed)
    corpus = Corpus(sources={"phone": [], "mail": []})
    person = 0
    while len(corpus.person_of) < size:
        rec = make_person(rng, _culture(rng), person)
        if rng.random() < 0.15:  # a person only the second book has
            corpus.add("mail", f"m{person}", person, rec)
        else:
            corpus.add("phone", f"p{person}", person, rec)
            if rng.random() < SHARED_PEOPLE:
                copies = 1 if rng.random() < 0.8 else _duplicate_count(rng)
                for k in range(min(copies, size - len(corpus.person_of))):
                    corpus.add("mail", f"p{person}c{k}", person, corrupt(rng, rec))
        person += 1
    return corpus


SHAPES = {"one_file": one_file, "two_sources": two_sources}

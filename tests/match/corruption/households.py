"""A households corpus: the hardest negatives an address book holds, in two sources.

Family members share a family name (or, by culture, a gendered form of it, two surnames, or
the wife keeps hers), a street address and a home landline; some households also share a
family email between the spouses. Built in on purpose:

- spouses, siblings, parents and children of one home;
- twins: the same birthday, the same landline and address, unrelated given names;
- a parent and a child with the same full name about 30 years apart ("namesakes"), written
  with a generation marker (Jr./Sr., or II/III) on some records and without on others;
- a child's card that lists a parent's mobile too (a number held by several people).

Every person is in book "a", book "b" or both (two vCard address books of the same people);
each book renders each person on its own with the noise real books carry (documented rates
in :class:`Rates`): one-letter typos in names, nicknames, missing email/mobile/landline/
birthday/address, a missing birth year, a one-digit birthday typo, a landline labelled "home"
or not labelled at all, different phone formatting per book (national vs international).

Ground truth: ``corpus.truth`` maps every external id (unique over both books) to a person,
and ``corpus.relation(p, q)`` says how two people of one home are related.

Three rules keep the corpus fair (without them no evidence in the records, nor an owner
looking at them, could tell two people apart):
- a namesake's record always keeps its generation marker or a birth date with its year, and
  namesakes' birthdays differ in at least two digits of month and day;
- household members' given names (folded) are more than two edits apart (in the rare home
  of a short-name culture where that is impossible, more than one) and not nicknames of one
  another, except the namesake pair; twins' names also start with different letters;
- siblings who are not twins are born at least a year apart.

Everything is drawn from ``random.Random(seed)``: the same seed gives the same corpus.
Independent of tests/match/corpus.py (its own name, street and phone tables, several cultures:
tests/match/corruption/household_cultures.py).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import phonenumbers

from core.ingest.parsed import ParsedContact
from tests.match.corruption.household_cultures import CULTURES, Culture, feminine
from tests.match.corruption.household_records import render_record

BOOKS = ("a", "b")


@dataclass(frozen=True)
class Rates:
    """Probabilities of each household shape and of each kind of noise, per record."""

    single: float = 0.08  # a one-person household
    couple_only: float = 0.15  # a couple without children at home
    single_parent: float = 0.1
    grandparent: float = 0.08  # a grandparent lives in
    namesake: float = 0.3  # a father and a son with the same full name (when there is a son)
    twins: float = 0.2  # two of the children are twins (when there are two or more)
    spouse_keeps_name: float = 0.15  # in "shared" cultures, the wife keeps her family name
    landline: float = 0.9  # the home has a landline
    family_email: float = 0.2  # the spouses share a family email address
    personal_email: float = 0.75
    mobile: float = 0.9
    parent_mobile_on_child: float = 0.12  # a child's card also lists a parent's mobile
    in_book: float = 0.85  # a person is in a given book (at least in one)
    # Per record:
    name_typo: float = 0.07  # one keyboard slip in the given or the family name
    nickname: float = 0.15  # the given name as a nickname (when the culture has one)
    drop_email: float = 0.1
    drop_mobile: float = 0.1
    drop_landline: float = 0.15
    drop_birthday: float = 0.25
    drop_year: float = 0.1  # the birthday without its year
    birthday_typo: float = 0.05  # one digit of the birth date wrong
    drop_address: float = 0.15
    landline_labelled: float = 0.8  # the landline has a "home" label (else none or "voice")
    mobile_labelled: float = 0.85
    marker_shown: float = 0.6  # a namesake's record shows his generation marker


@dataclass
class Person:
    pid: str
    household: int
    given: str
    family: str
    sex: str
    birth: tuple[int, int, int]
    role: str  # "parent", "child", "grandparent", "single"
    mobile: str = ""  # E.164
    email: str = ""
    marker: str = ""  # generation marker of a namesake ("Jr.", "Sr.", "II", "III")


@dataclass
class Household:
    hid: int
    culture: Culture
    street: str
    city: str
    postcode: str
    landline: str = ""  # E.164
    family_email: str = ""
    members: list[str] = field(default_factory=list)


@dataclass
class HouseholdsCorpus:
    seed: int
    rates: Rates
    people: dict[str, Person]
    households: list[Household]
    books: dict[str, list[ParsedContact]]
    #: external id (unique over both books) -> person id
    truth: dict[str, str]
    #: frozenset({pid, pid}) -> "spouse", "sibling", "twin", "namesake", "parent", "household"
    relations: dict[frozenset[str], str]

    def relation(self, p: str, q: str) -> str:
        """"same", a family relation of two people of one home, or "unrelated"."""
        if p == q:
            return "same"
        return self.relations.get(frozenset((p, q)), "unrelated")

    def true_pairs(self) -> set[tuple[str, str]]:
        """Pairs of external ids (sorted) that are records of the same person."""
        by_person: dict[str, list[str]] = {}
        for ext, pid in self.truth.items():
            by_person.setdefault(pid, []).append(ext)
        return {tuple(sorted(p)) for exts in by_person.values()
                for p in combinations(exts, 2)}  # type: ignore[misc]

    def counts(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for kind in self.relations.values():
            kinds[kind] = kinds.get(kind, 0) + 1
        return {"households": len(self.households), "people": len(self.people),
                **{f"records_{b}": len(self.books[b]) for b in BOOKS}, **kinds}


def generate(households: int = 200, seed: int = 13, rates: Rates | None = None
             ) -> HouseholdsCorpus:
    """Build ``households`` homes over the cultures and render them into two books."""
    rates = rates or Rates()
    rng = random.Random(seed)
    people: dict[str, Person] = {}
    homes: list[Household] = []
    relations: dict[frozenset[str], str] = {}
    used_numbers: set[str] = set()
    for hid in range(households):
        culture = CULTURES[hid % len(CULTURES)] if hid < len(CULTURES) else rng.choice(CULTURES)
        home = _household(rng, rates, hid, culture, people, relations, used_numbers)
        homes.append(home)
    books: dict[str, list[ParsedContact]] = {b: [] for b in BOOKS}
    truth: dict[str, str] = {}
    for home in homes:
        for pid in home.members:
            person = people[pid]
            where = [b for b in BOOKS if rng.random() < rates.in_book] or [rng.choice(BOOKS)]
            for book in where:
                ext = f"{book}-{rng.getrandbits(64):016x}"
                truth[ext] = pid
                books[book].append(render_record(rng, rates, person, home, people, book,
                                                 ext))
    for book in BOOKS:
        rng.shuffle(books[book])
    return HouseholdsCorpus(seed, rates, people, homes, books, truth, relations)


def write_books(corpus: HouseholdsCorpus, folder: Path) -> dict[str, Path]:
    """Write each book as one vCard 3.0 file (what phones and mail clients export)."""
    from core.sync.providers.vcard.export import write_vcards

    paths: dict[str, Path] = {}
    for book in BOOKS:
        path = Path(folder) / f"households-{book}.vcf"
        path.write_text(write_vcards(corpus.books[book], version="3.0"), encoding="utf-8",
                        newline="")
        paths[book] = path
    return paths


# -- households -------------------------------------------------------------------------------
def _household(rng: random.Random, rates: Rates, hid: int, culture: Culture,
               people: dict[str, Person], relations: dict[frozenset[str], str],
               used: set[str]) -> Household:
    city, postcode = rng.choice(culture.cities)
    home = Household(hid, culture, _street(rng, culture), city, _digits(rng, postcode))
    if rng.random() < rates.landline:
        home.landline = _number(rng, culture, culture.landline, used)
    family = rng.choice(culture.family)
    names: list[str] = []

    def add(role: str, sex: str, year: int, given: str = "", fam: str = "") -> Person:
        given = given or _given(rng, culture, sex, names)
        names.append(given)
        pid = f"h{hid}p{len(home.members)}"
        person = Person(pid, hid, given, fam or family, sex, _birthday(rng, year), role)
        if rng.random() < rates.mobile:
            person.mobile = _number(rng, culture, culture.mobile, used)
        if rng.random() < rates.personal_email:
            person.email = _email(rng, culture, person, used)
        people[pid] = person
        home.members.append(pid)
        return person

    shape = rng.random()
    if shape < rates.single:
        add("single", rng.choice("mf"), rng.randint(1950, 1998))
        return home
    year = rng.randint(1945, 1982)
    father = mother = None
    if shape < rates.single + rates.single_parent:
        parent = add("parent", rng.choice("mf"), year)
        father, mother = (parent, None) if parent.sex == "m" else (None, parent)
    else:
        father = add("parent", "m", year)
        mother = add("parent", "f", year + rng.randint(-6, 4), fam=_wife_name(
            rng, rates, culture, family))
        relations[frozenset((father.pid, mother.pid))] = "spouse"
        if rng.random() < rates.family_email:
            home.family_email = _family_email(rng, culture, family, used)
    parents = [p for p in (father, mother) if p is not None]
    if shape >= rates.single + rates.single_parent + rates.couple_only or len(parents) == 1:
        _children(rng, rates, culture, home, people, relations, parents, father, mother, add)
    if rng.random() < rates.grandparent:
        grand = add("grandparent", rng.choice("mf"), year - rng.randint(24, 34))
        if grand.sex == "f" and culture.family_rule == "gendered":
            grand.family = feminine(grand.family)
    for p, q in combinations(home.members, 2):
        relations.setdefault(frozenset((p, q)), "household")
    return home


def _children(rng: random.Random, rates: Rates, culture: Culture, home: Household,
              people: dict[str, Person], relations: dict[frozenset[str], str],
              parents: list[Person], father: Person | None, mother: Person | None,
              add) -> None:  # noqa: ANN001
    base = (mother or father).birth[0]  # type: ignore[union-attr]
    count = rng.randint(1, 4)
    years = sorted(rng.sample(range(base + 22, base + 42), count))
    kids: list[Person] = []
    twins = count >= 2 and rng.random() < rates.twins
    for i, year in enumerate(years):
        sex = rng.choice("mf")
        fam = _child_family(culture, father, mother, sex)
        if i == 0 and father is not None and sex == "m" and rng.random() < rates.namesake:
            kid = add("child", "m", father.birth[0] + rng.randint(26, 34), father.given, fam)
            kid.family = father.family
            kid.birth = _apart_birthday(rng, kid.birth[0], father.birth)
            style = rng.choice((("Sr.", "Jr."), ("Sr.", "Jr."), ("II", "III")))
            father.marker, kid.marker = style
            relations[frozenset((father.pid, kid.pid))] = "namesake"
        elif twins and i == count - 1:  # unrelated names: they start with different letters
            taken = [people[m].given for m in home.members]
            given = _given(rng, culture, sex, taken, avoid_initial=kids[-1].given[:1])
            kid = add("child", sex, year, given, fam)
            kid.birth = kids[-1].birth
            relations[frozenset((kids[-1].pid, kid.pid))] = "twin"
        else:
            kid = add("child", sex, year, fam=fam)
        kids.append(kid)
    for a, b in combinations(kids, 2):
        relations.setdefault(frozenset((a.pid, b.pid)), "sibling")
    for kid in kids:
        for parent in parents:
            relations.setdefault(frozenset((kid.pid, parent.pid)), "parent")


def _wife_name(rng: random.Random, rates: Rates, culture: Culture, family: str) -> str:
    rule = culture.family_rule
    if rule == "gendered":
        return feminine(family)
    if rule in ("kept", "double") or rng.random() < rates.spouse_keeps_name:
        others = [f for f in culture.family if f != family]
        return rng.choice(others)
    return family


def _child_family(culture: Culture, father: Person | None, mother: Person | None,
                  sex: str) -> str:
    parent = father or mother
    assert parent is not None
    if culture.family_rule == "double" and father is not None and mother is not None:
        return f"{father.family.split()[0]} {mother.family.split()[0]}"
    if culture.family_rule == "gendered" and father is not None:
        return feminine(father.family) if sex == "f" else father.family
    return parent.family


# -- values -----------------------------------------------------------------------------------
def _given(rng: random.Random, culture: Culture, sex: str, taken: list[str],
           avoid_initial: str = "") -> str:
    pool = culture.male if sex == "m" else culture.female
    for attempt in range(400):
        name = rng.choice(pool)
        if avoid_initial and name[:1] == avoid_initial:
            continue
        # Short-name cultures (Wei, Lei, Li) may run out of names three edits apart: then two.
        apart = 2 if attempt < 200 else 1
        if all(_far(name, other, culture, apart) for other in taken if len(other) > 1):
            return name
    raise RuntimeError(f"no distinct given name left in {culture.code}")


def _far(a: str, b: str, culture: Culture, apart: int = 2) -> bool:
    """More than ``apart`` edits apart after folding, and not a nickname of one another."""
    fa, fb = _ascii(a).lower(), _ascii(b).lower()
    nick = {k.lower(): v.lower() for k, v in culture.nicknames.items()}
    if nick.get(fa) == fb or nick.get(fb) == fa or fa.startswith(fb) or fb.startswith(fa):
        return False
    return _edits(fa, fb) > apart


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance (test data only; names are short)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _birthday(rng: random.Random, year: int) -> tuple[int, int, int]:
    return year, rng.randint(1, 12), rng.randint(1, 28)


def _apart_birthday(rng: random.Random, year: int, other: tuple[int, int, int]
                    ) -> tuple[int, int, int]:
    """A birthday whose month and day differ from ``other``'s in at least two digits."""
    theirs = f"{other[1]:02d}{other[2]:02d}"
    while True:
        mine = _birthday(rng, year)
        if sum(x != y for x, y in zip(f"{mine[1]:02d}{mine[2]:02d}", theirs, strict=True)) >= 2:
            return mine


def _digits(rng: random.Random, template: str) -> str:
    return "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in template)


def _street(rng: random.Random, culture: Culture) -> str:
    name, number = rng.choice(culture.streets), rng.randint(1, 180)
    return f"{name} {number}" if culture.street_first else f"{number} {name}"


def _number(rng: random.Random, culture: Culture, templates: tuple[str, ...],
            used: set[str]) -> str:
    """A valid, unused number of the culture's region, as E.164."""
    for _ in range(500):
        parsed = phonenumbers.parse(_digits(rng, rng.choice(templates)), culture.region)
        if phonenumbers.is_valid_number(parsed):
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in used:
                used.add(e164)
                return e164
    raise RuntimeError(f"no valid number for templates {templates} in {culture.region}")


_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ı": "i", "İ": "I", "ø": "o"})


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in " .-"))


def _email(rng: random.Random, culture: Culture, person: Person, used: set[str]) -> str:
    given, family = _ascii(person.given).lower(), _ascii(person.family).lower().replace(" ", "")
    styles = (f"{given}.{family}", f"{given[0]}{family}", f"{given}{family[:1]}",
              f"{family}.{given}")
    local = rng.choice(styles) + (str(rng.randint(2, 99)) if rng.random() < 0.5 else "")
    address = f"{local}@{rng.choice(culture.email_domains)}"
    while address in used:
        address = f"{local}{rng.randint(100, 999)}@{rng.choice(culture.email_domains)}"
    used.add(address)
    return address


def _family_email(rng: random.Random, culture: Culture, family: str, used: set[str]) -> str:
    base = _ascii(family).lower().replace(" ", "")
    prefix = rng.choice(("familie.", "") if culture.code == "de" else ("the", "family.", ""))
    address = f"{prefix}{base}{rng.randint(1, 999)}@{rng.choice(culture.email_domains)}"
    used.add(address)
    return address

"""A synthetic address-book corpus with known truth, for the matcher's tests and benchmark.

People are spread over two or three sources. Some appear twice (the "duplicates"), with the
variation real address books show: typos, nicknames, swapped or "Family, Given" names,
initials, Gmail dot/+tag spellings, a secondary address in common, new phones, a birthday
without its year. Hard negatives are built in too: households sharing a landline, a street
and a family name, and different people who happen to share a full name.

A duplicate never repeats the first record's primary email or phone (the ingest would attach
it to the same party at once, so it would never be a suggestion); it keeps at least one
piece of real evidence (birthday, an email in some spelling, the street address), as two
records of one person nearly always do. Everything is drawn from ``random.Random(seed)``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from core.ingest.parsed import (
    Address,
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
)


def _words(text: str) -> list[str]:
    return text.split()


GIVEN = _words(
    "Robert William Richard James Michael Thomas Joseph John David Daniel Steven "
    "Christopher Matthew Anthony Andrew Nicholas Benjamin Samuel Alexander Edward Frederick "
    "Gregory Henry Jeffrey Peter Philip Raymond Ronald Timothy Walter Charles Katherine "
    "Elizabeth Jennifer Margaret Susan Patricia Rebecca Deborah Abigail Victoria Amanda "
    "Cynthia Josephine Anne Mary Sarah Eleanor Dorothy Jessica Sophia Lukas Felix Jonas "
    "Leon Maximilian Paul Emil Anton Theo Oskar Moritz Julian Fabian Tobias Florian "
    "Sebastian Mia Emma Hannah Lea Lina Marie Clara Greta Ida Frieda Johanna Nora Laura "
    "Julia Lisa Paula Carla Ella Luisa Amelie Charlotte Helena Mathilda Sven Lars Nils "
    "Ingrid Astrid Marta Pablo Lucia Diego Carmen Javier Elena Marco Giulia Matteo Chiara "
    "Pierre Camille Louis Chloe Hugo Manon Yusuf Elif Mehmet Zeynep Piotr Agnieszka Tomasz "
    "Katarzyna Olga Dmitri Irina Aleksandr Noah Liam Oliver Ethan Mason Logan Lucas Jackson "
    "Aiden Ava Isabella Mila Aria Zoe Nina Vera Rosa"
)
NICK = {"Robert": "Bob", "William": "Bill", "Richard": "Rick", "James": "Jim",
        "Michael": "Mike", "Thomas": "Tom", "Joseph": "Joe", "John": "Jack", "David": "Dave",
        "Daniel": "Dan", "Steven": "Steve", "Christopher": "Chris", "Matthew": "Matt",
        "Anthony": "Tony", "Andrew": "Andy", "Nicholas": "Nick", "Benjamin": "Ben",
        "Samuel": "Sam", "Alexander": "Alex", "Edward": "Ed", "Frederick": "Fred",
        "Gregory": "Greg", "Henry": "Harry", "Jeffrey": "Jeff", "Peter": "Pete",
        "Philip": "Phil", "Raymond": "Ray", "Ronald": "Ron", "Timothy": "Tim",
        "Walter": "Walt", "Charles": "Charlie", "Katherine": "Kate", "Elizabeth": "Liz",
        "Jennifer": "Jen", "Margaret": "Maggie", "Susan": "Sue", "Patricia": "Patty",
        "Rebecca": "Becky", "Deborah": "Debbie", "Abigail": "Abby", "Victoria": "Vicky",
        "Amanda": "Mandy", "Cynthia": "Cindy", "Josephine": "Josie", "Anne": "Annie",
        "Mary": "Molly", "Sarah": "Sally", "Eleanor": "Ellie", "Dorothy": "Dotty",
        "Jessica": "Jess", "Sophia": "Sophie"}
_ONSET = _words(
    "B Br D Dr F Fr G Gr H K Kr L M N P Pf R S Sch St T W Z Ha He Ho Ma Me Mu"
)
_MID = _words(
    "a e i o u au ei ie ue oe"
)
_CODA = _words(
    "mann ner er berg burg feld hof stein bach dorf hardt ling ke ler ger sen son ton ley "
    "field wood ford well man ski ak ek ova ez es"
)
DOMAINS = ("gmail.com", "web.de", "gmx.de", "outlook.com", "yahoo.com", "icloud.com",
           "posteo.de", "mailbox.org", "t-online.de", "proton.me")
ORGS = tuple(f"{a} {b}" for a in ("Nord", "Sued", "Alpha", "Blue", "Green", "Rhein", "Elbe",
                                  "Nova", "Prime", "Urban", "Delta", "Atlas")
             for b in ("Logistik", "Software", "Bau", "Consulting", "Medien", "Energie",
                       "Bank", "Klinik", "Verlag", "Design", "Labs", "Immobilien"))
CITIES = (("Berlin", "10", "30"), ("Hamburg", "20", "40"), ("Muenchen", "80", "89"),
          ("Koeln", "50", "221"), ("Frankfurt", "60", "69"), ("Leipzig", "04", "341"),
          ("Dresden", "01", "351"), ("Bremen", "28", "421"), ("Hannover", "30", "511"))
STREETS = ("Haupt", "Garten", "Schul", "Bahnhof", "Linden", "Berg", "Kirch", "Wald", "Ring",
           "Muehlen", "Feld", "Rosen", "Birken", "Eichen", "Wiesen", "Sonnen", "Park", "See")
MOBILE_PREFIXES = ("151", "152", "157", "160", "162", "163", "170", "171", "172", "173",
                   "174", "175", "176", "177", "178", "179")


def family_names(rng: random.Random, count: int) -> list[str]:
    """Distinct family names: one syllable and a suffix, or two syllables and a suffix
    (about 9,000 and 2.6 million possible), so any corpus size gets enough of them."""
    names: set[str] = set()
    while len(names) < count:
        name = rng.choice(_ONSET) + rng.choice(_MID)
        if rng.random() < 0.5:
            name += rng.choice(_ONSET).lower() + rng.choice(_MID)
        names.add(name + rng.choice(_CODA))
    return sorted(names)


@dataclass
class Person:
    pid: int
    given: str
    family: str
    birthday: tuple[int | None, int, int] | None
    emails: list[str]
    mobile: str | None
    landline: str | None
    org: str
    street: str
    postal: str
    city: str


@dataclass
class Corpus:
    #: account name -> contacts of that source.
    sources: dict[str, list[ParsedContact]] = field(default_factory=dict)
    #: (account name, external id) -> person id: the truth.
    person_of: dict[tuple[str, str], int] = field(default_factory=dict)
    #: Landlines households share (the owner marked them shared).
    shared_phones: set[str] = field(default_factory=set)


def _mobile(rng: random.Random) -> str:
    return f"+49 {rng.choice(MOBILE_PREFIXES)} {rng.randrange(10**7, 10**8)}"


def _email(rng: random.Random, given: str, family: str) -> str:
    g, f = given.lower(), family.lower()
    local = rng.choice((f"{g}.{f}", f"{g[0]}{f}", f"{g}_{f}{rng.randrange(10, 99)}",
                        f"{f}.{g}", f"{g}{rng.randrange(100, 999)}"))
    return f"{local}@{rng.choice(DOMAINS)}"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.7:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def _variant_email(email: str) -> str | None:
    """Another spelling the provider delivers to the same mailbox, if it has one."""
    local, _, domain = email.partition("@")
    if domain == "gmail.com":
        if "." in local:
            return local.replace(".", "") + "@gmail.com"
        return f"{local}@googlemail.com"
    if domain in ("outlook.com", "yahoo.com", "icloud.com", "proton.me"):
        return f"{local}+contacts@{domain}"
    return None


def make_people(rng: random.Random, count: int) -> list[Person]:
    families = family_names(rng, max(200, count // 6))
    people: list[Person] = []
    while len(people) < count:
        family = rng.choice(families)
        city, plz, area = rng.choice(CITIES)
        street = f"{rng.choice(STREETS)}str. {rng.randrange(1, 120)}"
        postal = f"{plz}{rng.randrange(100, 999)}"
        household = rng.randrange(2, 4) if rng.random() < 0.08 else 1
        landline = f"+49 {area} {rng.randrange(10**6, 10**7)}" if household > 1 else None
        for _ in range(min(household, count - len(people))):
            given = rng.choice(GIVEN)
            has_bday = rng.random() < 0.8
            birthday = ((rng.randrange(1940, 2010) if rng.random() < 0.9 else None,
                         rng.randrange(1, 13), rng.randrange(1, 29)) if has_bday else None)
            emails = [_email(rng, given, family)] if rng.random() < 0.9 else []
            if emails and rng.random() < 0.3:
                emails.append(_email(rng, given, family))
            people.append(Person(
                len(people), given, family, birthday, emails,
                _mobile(rng) if rng.random() < 0.85 else None, landline,
                rng.choice(ORGS) if rng.random() < 0.4 else "",
                street if household > 1 or rng.random() < 0.6 else "", postal, city))
    # Different people with the same full name (about 1%).
    for _ in range(count // 100):
        a, b = rng.sample(people, 2)
        if a.landline is None and b.landline is None:
            b.given, b.family = a.given, a.family
            # Their own mailboxes: one address never belongs to two people.
            b.emails = [f"{a.given}.{a.family}.{b.pid}@{rng.choice(DOMAINS)}".lower()]
    return people


def _contact(ext: str, p: Person, *, given: str, family: str, full: str = "",
             emails: list[str], phones: list[tuple[str, str]], birthday, org: str,
             street: str) -> ParsedContact:
    return ParsedContact(
        external_id=ext,
        name=Name(full=full or f"{given} {family}".strip(), given=given, family=family),
        emails=[ContactValue(e, "home", i == 0) for i, e in enumerate(emails)],
        phones=[ContactValue(v, label) for v, label in phones],
        birthdays=[DateValue(birthday[1], birthday[2], birthday[0])] if birthday else [],
        organizations=[Organization(org)] if org else [],
        addresses=[Address(label="home", street=street, postal_code=p.postal,
                           locality=p.city)] if street else [],
    )


def _phones(p: Person) -> list[tuple[str, str]]:
    out = [(p.mobile, "mobile")] if p.mobile else []
    if p.landline:
        out.append((p.landline, "home"))
    return out


def _duplicate(rng: random.Random, ext: str, p: Person) -> ParsedContact:
    """A second record of ``p`` with realistic differences and some evidence kept."""
    given, family, full = p.given, p.family, ""
    roll = rng.random()
    if roll < 0.15 and p.given in NICK:
        given = NICK[p.given]
    elif roll < 0.30:
        family = _typo(rng, family) if rng.random() < 0.6 else family
        given = _typo(rng, given) if family == p.family else given
    elif roll < 0.35:
        given, family = family, given
    elif roll < 0.45:
        given, family, full = "", "", f"{p.family}, {p.given}"
    keep_bday = p.birthday is not None and rng.random() < 0.75
    birthday = p.birthday
    if keep_bday and birthday and birthday[0] and rng.random() < 0.1:
        birthday = (None, birthday[1], birthday[2])
    emails: list[str] = []
    email_kept = False
    if p.emails and rng.random() < 0.5:
        variant = _variant_email(p.emails[0])
        if variant and rng.random() < 0.5:
            emails = [variant]
        else:
            emails = [_email(rng, p.given, p.family), rng.choice(p.emails)]
        email_kept = True
    elif rng.random() < 0.6:
        emails = [_email(rng, p.given, p.family)]
    keep_street = bool(p.street) and rng.random() < 0.5
    if not (keep_bday or email_kept or keep_street):
        if p.birthday:
            keep_bday = True
        elif p.street:
            keep_street = True
        elif p.emails:
            emails = [_email(rng, p.given, p.family), p.emails[0]]
    phones = [(_mobile(rng), "mobile")] if rng.random() < 0.6 else []
    if p.landline:
        phones.append((p.landline, "home"))
    return _contact(ext, p, given=given, family=family, full=full, emails=emails,
                    phones=phones, birthday=birthday if keep_bday else None,
                    org=p.org if rng.random() < 0.6 else "",
                    street=p.street if keep_street else "")


def generate(size: int, seed: int = 7, dup_rate: float = 0.05,
             sources: tuple[str, ...] = ("google", "icloud", "vcard")) -> Corpus:
    """``size`` parties in total, ``dup_rate`` of the people appearing twice."""
    rng = random.Random(seed)
    n_people = round(size / (1 + dup_rate))
    people = make_people(rng, n_people)
    corpus = Corpus(sources={name: [] for name in sources})
    dup_count = size - n_people
    duplicated = set(rng.sample(range(n_people), dup_count))
    for p in people:
        home = sources[p.pid % len(sources)]
        ext = f"p{p.pid}"
        corpus.sources[home].append(_contact(
            ext, p, given=p.given, family=p.family, emails=p.emails, phones=_phones(p),
            birthday=p.birthday, org=p.org, street=p.street))
        corpus.person_of[(home, ext)] = p.pid
        if p.landline:
            corpus.shared_phones.add(p.landline)
        if p.pid in duplicated:
            other = sources[(p.pid + 1 + rng.randrange(len(sources) - 1)) % len(sources)]
            dext = f"d{p.pid}"
            corpus.sources[other].append(_duplicate(rng, dext, p))
            corpus.person_of[(other, dext)] = p.pid
    return corpus

"""One person of the households corpus as one address book writes them: the per-record noise
(typos, nicknames, missing values, a birthday digit wrong, labels, phone formatting) whose
rates :class:`tests.match.corruption.households.Rates` documents."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import phonenumbers

from core.ingest.parsed import Address, ContactValue, DateValue, Name, ParsedContact

if TYPE_CHECKING:
    from tests.match.corruption.households import Household, Person, Rates


_KEYBOARD = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm",
                                  ("wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl",
                                   "ol", "qsz", "awdx", "sefc", "drgv", "fthb", "gyjn", "hukm",
                                   "jil", "kop", "asx", "zsdc", "xdfv", "cfgb", "vghn", "bhjm",
                                   "njk"), strict=True)}


def _typo(rng: random.Random, word: str) -> str:
    """One keyboard-neighbour substitution, deletion, insertion or transposition."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    low = word[i].lower()
    if kind == 0 and low in _KEYBOARD:
        return word[:i] + rng.choice(_KEYBOARD[low]) + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def _shown_birthday(rng: random.Random, rates: Rates, birth: tuple[int, int, int], *,
                    namesake: bool, keep_year: bool) -> DateValue | None:
    if not keep_year and rng.random() < rates.drop_birthday:
        return None
    year, month, day = birth
    if not namesake and rng.random() < rates.birthday_typo:  # the year's last digit or the day's
        if rng.random() < 0.5:
            year = year - year % 10 + (year % 10 + rng.randint(1, 8)) % 10
        else:
            day = day - day % 10 + (day % 10 + rng.randint(1, 8)) % 10 or 1
            day = min(day, 28)
    if not keep_year and rng.random() < rates.drop_year:
        return DateValue(month, day)
    return DateValue(month, day, year)


def render_record(rng: random.Random, rates: Rates, person: Person, home: Household,
            people: dict[str, Person], book: str, ext: str) -> ParsedContact:
    culture = home.culture
    given, family = person.given, person.family
    if culture.nicknames.get(given) and rng.random() < rates.nickname:
        given = culture.nicknames[given]
    if rng.random() < rates.name_typo:
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            family = _typo(rng, family)
    marker = person.marker if person.marker and rng.random() < rates.marker_shown else ""
    birthday = _shown_birthday(rng, rates, person.birth, namesake=bool(person.marker),
                               keep_year=bool(person.marker) and not marker)
    full = " ".join(p for p in (given, family, marker) if p)
    if book == "b" and culture.code in ("ja", "zh", "ko", "vi"):
        full = " ".join(p for p in (family, given, marker) if p)
    contact = ParsedContact(ext, etag="1", name=Name(full, given, family, suffix=marker),
                            country=culture.region)
    if birthday is not None:
        contact.birthdays.append(birthday)
    if person.email and rng.random() >= rates.drop_email:
        contact.emails.append(ContactValue(person.email, "home", True))
    spouse_email = home.family_email and person.role == "parent"
    if spouse_email and rng.random() >= rates.drop_email:
        contact.emails.append(ContactValue(home.family_email, "home", not contact.emails))
    if person.mobile and rng.random() >= rates.drop_mobile:
        label = rng.choice(("cell", "mobile")) if rng.random() < rates.mobile_labelled else ""
        contact.phones.append(ContactValue(_shown(person.mobile, book), label))
    if home.landline and rng.random() >= rates.drop_landline:
        label = "home" if rng.random() < rates.landline_labelled else rng.choice(("", "voice"))
        contact.phones.append(ContactValue(_shown(home.landline, book), label))
    if person.role == "child" and rng.random() < rates.parent_mobile_on_child:
        parents = [people[p] for p in home.members
                   if people[p].role == "parent" and people[p].mobile]
        if parents:
            parent = rng.choice(parents)
            contact.phones.append(ContactValue(_shown(parent.mobile, book),
                                               "Dad" if parent.sex == "m" else "Mom"))
    if rng.random() >= rates.drop_address:
        contact.addresses.append(Address("home", street=home.street, locality=home.city,
                                         postal_code=home.postcode, country=culture.region))
    return contact


def _shown(e164: str, book: str) -> str:
    """Book "a" writes numbers the national way, book "b" the international way."""
    number = phonenumbers.parse(e164, None)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if book == "a"
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)

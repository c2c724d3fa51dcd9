"""Comparison forms of emails, phones, birthdays and addresses.

Stored handles are normalised for identity (one row per value); comparing two people also
needs to know which differences a provider ignores (Gmail dots and +tags, googlemail.com),
which addresses belong to a role rather than a person (info@, office@), and which phones are
mobiles (a different mobile counts against a match; a shared landline weighs little).

Memory: the refresh after every import batch re-reads the features of thousands of partner
parties, so what is worth remembering across batches is kept compact: the numbering-plan type
of each phone number (a phonenumbers parse costs ~50 µs) in one flat table, and label words
per distinct label. Emails are canonicalised again on every read (well under a microsecond);
a cache of every address in the book cost more memory than it saved time.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from core.match.names import clean
from core.match.similarity import edits


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Providers that ignore dots in the local part.
DOTLESS_DOMAINS = frozenset({"gmail.com"})
#: Providers that ignore everything after "+" in the local part.
PLUS_TAG_DOMAINS = frozenset(
    {"gmail.com", "outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com",
     "fastmail.com", "protonmail.com", "proton.me", "yahoo.com"}
)
DOMAIN_ALIASES = {"googlemail.com": "gmail.com", "me.com": "icloud.com", "mac.com": "icloud.com"}

#: Local parts that name a role, not a person: matching on them says little.
ROLE_LOCAL_PARTS = _words(
    "info office admin contact hello support sales team mail kontakt buero bureau post "
    "service enquiries inquiries noreply no-reply reception billing accounts hr jobs "
    "press marketing webmaster postmaster help family home"
)


def canonical_email(value: str) -> str:
    """The address a provider actually delivers to: "J.Doe+x@googlemail.com" ->
    "jdoe@gmail.com"."""
    value = value.strip().casefold()
    local, at, domain = value.rpartition("@")
    if not at:
        return value
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_local(value: str) -> str:
    return canonical_email(value).rpartition("@")[0]


def is_role_local(local: str) -> bool:
    """A mailbox name that stands for a role (info, office, kontakt...), not a person."""
    return local in ROLE_LOCAL_PARTS or local.split(".")[0] in ROLE_LOCAL_PARTS


def is_role_email(value: str) -> bool:
    return is_role_local(email_local(value))


def email_typo(x: str, y: str) -> bool:
    """Two (canonical, different) addresses one character apart, long enough to mean it, not
    a role address, and not apart only in their digits: "name2@" and "name@", "name66@" and
    "name60@" are how providers number the mailboxes of people with one name."""
    if min(len(x), len(y)) < 8 or edits(x, y, 1) > 1 or is_role_email(x):
        return False
    return x.translate(_NO_DIGITS) != y.translate(_NO_DIGITS)


_NO_DIGITS = str.maketrans("", "", "0123456789")
_SEPARATORS = str.maketrans("", "", "._-+")


@lru_cache(maxsize=65536)
def name_made(local: str, given: str, family: str) -> bool:
    """The mailbox name is only the person's names or initials ("zofiak", "ma.bo",
    "j.smith"): two people of one name pick it at every provider, so it says no more than
    the names already do."""
    if not given or not family:
        return False
    bare = local.translate(_SEPARATORS)
    g, f = given.replace(" ", ""), family.replace(" ", "")
    return bare in {g + f, f + g, g[0] + f, f + g[0], g + f[0], f[0] + g, g, f}


_MOBILE_WORDS = ("mobile", "cell", "handy", "iphone", "portable")
_NOT_MOBILE_WORDS = ("home", "work", "fax", "office", "landline")


@lru_cache(maxsize=4096)
def label_says_mobile(label: str) -> bool | None:
    """What a phone label says: True (a mobile), False (home, work...) or None (nothing)."""
    low = label.casefold()
    if any(word in low for word in _MOBILE_WORDS):
        return True
    if any(word in low for word in _NOT_MOBILE_WORDS):
        return False
    return None


#: Label words that name whose number it is when it is not the card's own (Apple's related
#: names, "Dad", "Mutter"): a child's card listing a parent's mobile shares it with the parent.
_RELATION_WORDS = _words(
    "dad daddy mom mommy mum mummy mother father mama papa parent parents wife husband "
    "spouse partner son daughter child kid brother sister sibling grandma grandpa granny "
    "grandmother grandfather aunt uncle assistant manager mutter vater mutti vati bruder "
    "schwester tochter sohn oma opa mere pere maman madre padre hermano hermana esposa "
    "esposo hijo hija mae pai irma irmao"
)


@lru_cache(maxsize=4096)
def names_someone_else(label: str) -> bool:
    """The label says the number is a relative's or a colleague's, not the card's own."""
    return bool(label) and not _RELATION_WORDS.isdisjoint(clean(label).split())


def is_mobile(e164: str, label: str = "") -> bool:
    """A mobile number: by the label the source gave, else by the numbering plan."""
    said = label_says_mobile(label)
    if said is not None:
        return said
    return number_type(e164) == phonenumbers.PhoneNumberType.MOBILE


#: ``number_type`` of every number seen: one flat entry per distinct number whose value is a
#: shared small int. The cap only guards against a pathological book; it starts over when hit.
_NUMBER_TYPES: dict[str, int | None] = {}
NUMBER_TYPES_MAX = 262144
_UNSEEN = -1


def number_type(e164: str) -> int | None:
    """``phonenumbers.PhoneNumberType`` of a "+..." value (an extension after ";" ignored);
    None for other values and numbers that do not parse."""
    kind = _NUMBER_TYPES.get(e164, _UNSEEN)
    if kind != _UNSEEN:
        return kind
    kind = None
    if e164.startswith("+"):
        try:
            kind = phonenumbers.number_type(phonenumbers.parse(e164.split(";", 1)[0], None))
        except phonenumbers.NumberParseException:
            kind = None
    if len(_NUMBER_TYPES) >= NUMBER_TYPES_MAX:
        _NUMBER_TYPES.clear()
    _NUMBER_TYPES[e164] = kind
    return kind


def parse_birthday(iso: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) from "YYYY-MM-DD" or "--MM-DD"."""
    if not iso:
        return None
    try:
        if iso.startswith("--"):
            month, day = iso[2:].split("-")[:2]
            return None, int(month), int(day)
        year, month, day = iso.split("-")[:3]
        return int(year), int(month), int(day)
    except ValueError:
        return None


def written_address(street: str | None, postal_code: str | None, locality: str | None) -> str:
    """An address on one line as stored: "Gül Sokak No 22, 06701 Ankara"."""
    place = " ".join(p.strip() for p in (postal_code, locality) if p and p.strip())
    return ", ".join(p for p in ((street or "").strip(), place) if p)


def address_key(street: str, postal_code: str, locality: str) -> tuple[str, str, str]:
    """Folded (street, postal code without spaces, locality) for comparing addresses."""
    return clean(street), clean(postal_code).replace(" ", ""), clean(locality)

"""Comparison forms of emails, phones, birthdays and addresses.

Stored handles are normalised for identity (one row per value); comparing two people also
needs to know which differences a provider ignores (Gmail dots and +tags, googlemail.com),
which addresses belong to a role rather than a person (info@, office@), and which phones are
mobiles (a different mobile counts against a match; a shared landline weighs little).
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from core.match.names import clean


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


@lru_cache(maxsize=262144)
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


@lru_cache(maxsize=262144)
def is_mobile(e164: str, label: str = "") -> bool:
    """A mobile number: by the label the source gave, else by the numbering plan."""
    low = label.casefold()
    if any(word in low for word in ("mobile", "cell", "handy", "iphone", "portable")):
        return True
    if any(word in low for word in ("home", "work", "fax", "office", "landline")):
        return False
    if not e164.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(e164.split(";", 1)[0], None)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind in (phonenumbers.PhoneNumberType.MOBILE,)


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


def address_key(street: str, postal_code: str, locality: str) -> tuple[str, str, str]:
    """Folded (street, postal code without spaces, locality) for comparing addresses."""
    return clean(street), clean(postal_code).replace(" ", ""), clean(locality)

"""The CSV exports Kith recognises by their header row, and their column meanings.

Google Contacts (the older "Given Name / E-mail 1 - Type" export and the current "First Name /
E-mail 1 - Label" one), Outlook (English and German headers), LinkedIn Connections, Yahoo and
Thunderbird.
A header row that matches none of them is "generic": columns whose names say what they hold
("Email", "Phone", "Last name"...) are guessed and the rest wait for a mapping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.sync.providers.csvfile.targets import SKIP, Target


def norm(header: str) -> str:
    """Header comparison key: case-folded, inner whitespace collapsed, BOM/quotes stripped."""
    return " ".join(header.replace("\ufeff", "").strip().strip('"').split()).lower()


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """A known export: how to recognise it and what each of its columns means."""

    key: str
    title: str
    #: Every one of these (normalised) headers must be present.
    signature: tuple[str, ...]
    target: Callable[[str], Target | None]
    #: Day-first dates ("22.03.1985", "22/03/1985") rather than month-first.
    day_first: bool = False


# ---------------------------------------------------------------- Google

_GOOGLE_SLOT = re.compile(r"^(e-mail|phone|address|website|relation|event|custom field|im|"
                          r"organization|external id) (\d+) - (.+)$")
_GOOGLE_FIXED = {
    "name": Target("name", "full"), "given name": Target("name", "given"),
    "additional name": Target("name", "middle"), "family name": Target("name", "family"),
    "first name": Target("name", "given"), "middle name": Target("name", "middle"),
    "last name": Target("name", "family"), "name prefix": Target("name", "prefix"),
    "name suffix": Target("name", "suffix"), "nickname": Target("nickname"),
    "birthday": Target("birthday"), "notes": Target("notes"),
    "group membership": Target("groups"), "labels": Target("groups"),
    "photo": Target("photo"),
    "organization name": Target("org", "name"), "organization title": Target("org", "title"),
    "organization department": Target("org", "department"),
}
_GOOGLE_KIND = {"e-mail": "email", "phone": "phone", "website": "url", "event": "event",
                "im": "im", "address": "address", "organization": "org"}
_GOOGLE_ADDRESS = {"formatted": "formatted", "street": "street", "city": "locality",
                   "po box": "po_box", "region": "region", "postal code": "postal_code",
                   "country": "country", "extended address": "extended"}


def _google(header: str) -> Target | None:
    fixed = _GOOGLE_FIXED.get(header)
    if fixed is not None:
        return fixed
    match = _GOOGLE_SLOT.match(header)
    if not match:
        return None
    what, slot, part = match.groups()
    kind = _GOOGLE_KIND.get(what)
    if kind is None:  # relation, custom field, external id: no home yet (kept in raw)
        return None
    if part in ("type", "label"):
        return None if kind == "org" else Target(kind, "label", slot=slot)
    if kind == "address":
        sub = _GOOGLE_ADDRESS.get(part)
        return Target("address", sub, slot=slot) if sub else None
    if kind == "org":
        sub = {"name": "name", "title": "title", "department": "department"}.get(part)
        return Target("org", sub, slot=slot) if sub else None
    if kind == "im" and part == "service":
        return Target("im", "platform", slot=slot)
    return Target(kind, slot=slot) if part == "value" else None


# ---------------------------------------------------------------- Outlook

_OUTLOOK_PHONES_EN = {
    "assistant's phone": "assistant", "business fax": "work,fax", "business phone": "work",
    "business phone 2": "work", "callback": "callback", "car phone": "car",
    "company main phone": "main", "home fax": "home,fax", "home phone": "home",
    "home phone 2": "home", "isdn": "isdn", "mobile phone": "mobile", "other fax": "fax",
    "other phone": "other", "pager": "pager", "primary phone": "main", "radio phone": "radio",
    "tty/tdd phone": "textphone", "telex": "telex",
}
_OUTLOOK_EN = {
    "title": Target("name", "prefix"), "first name": Target("name", "given"),
    "middle name": Target("name", "middle"), "last name": Target("name", "family"),
    "suffix": Target("name", "suffix"), "company": Target("org", "name"),
    "department": Target("org", "department"), "job title": Target("org", "title"),
    "e-mail address": Target("email"), "e-mail 2 address": Target("email"),
    "e-mail 3 address": Target("email"), "birthday": Target("birthday"),
    "anniversary": Target("anniversary"), "categories": Target("groups"),
    "notes": Target("notes"), "web page": Target("url"), "nickname": Target("nickname"),
    **{h: Target("phone", label=lab) for h, lab in _OUTLOOK_PHONES_EN.items()},
}
_OUTLOOK_ADDRESS_EN = {"business": "work", "home": "home", "other": "other"}
_OUTLOOK_PARTS_EN = {"street": "street", "street 2": "street", "street 3": "street",
                     "city": "locality", "state": "region", "postal code": "postal_code",
                     "country/region": "country", "country": "country",
                     "address po box": "po_box"}


def _outlook_en(header: str) -> Target | None:
    fixed = _OUTLOOK_EN.get(header)
    if fixed is not None:
        return fixed
    where, _, part = header.partition(" ")
    label = _OUTLOOK_ADDRESS_EN.get(where)
    sub = _OUTLOOK_PARTS_EN.get(part)
    return Target("address", sub, label=label) if label and sub else None


_OUTLOOK_DE = {
    "anrede": Target("name", "prefix"), "vorname": Target("name", "given"),
    "weitere vornamen": Target("name", "middle"), "nachname": Target("name", "family"),
    "suffix": Target("name", "suffix"), "firma": Target("org", "name"),
    "abteilung": Target("org", "department"), "position": Target("org", "title"),
    "e-mail-adresse": Target("email"), "e-mail 2: adresse": Target("email"),
    "e-mail 3: adresse": Target("email"), "e-mail-adresse 2": Target("email"),
    "e-mail-adresse 3": Target("email"), "geburtstag": Target("birthday"),
    "jahrestag": Target("anniversary"), "kategorien": Target("groups"),
    "notizen": Target("notes"), "webseite": Target("url"), "spitzname": Target("nickname"),
    "telefon assistent": Target("phone", label="assistant"),
    "fax geschäftlich": Target("phone", label="work,fax"),
    "telefon geschäftlich": Target("phone", label="work"),
    "telefon geschäftlich 2": Target("phone", label="work"),
    "rückmeldung": Target("phone", label="callback"),
    "autotelefon": Target("phone", label="car"), "telefon firma": Target("phone", label="main"),
    "fax privat": Target("phone", label="home,fax"),
    "telefon privat": Target("phone", label="home"),
    "telefon privat 2": Target("phone", label="home"), "isdn": Target("phone", label="isdn"),
    "mobiltelefon": Target("phone", label="mobile"),
    "mobiltelefon 2": Target("phone", label="mobile"),
    "weiteres fax": Target("phone", label="fax"),
    "weiteres telefon": Target("phone", label="other"),
    "pager": Target("phone", label="pager"), "haupttelefon": Target("phone", label="main"),
    "telefon für hörbehinderte": Target("phone", label="textphone"),
    "telex": Target("phone", label="telex"),
    "postfach geschäftlich": Target("address", "po_box", label="work"),
    "postfach privat": Target("address", "po_box", label="home"),
    "weiteres postfach": Target("address", "po_box", label="other"),
    "weiterer ort": Target("address", "locality", label="other"),
    "weiteres/r bundesland/kanton": Target("address", "region", label="other"),
    "weitere postleitzahl": Target("address", "postal_code", label="other"),
    "weiteres/e land/region": Target("address", "country", label="other"),
}
_DE_PLACE = {"geschäftlich": "work", "privat": "home"}
_DE_PARTS = {"straße": "street", "ort": "locality", "region": "region",
             "bundesland/kanton": "region", "postleitzahl": "postal_code",
             "land/region": "country"}


def _outlook_de(header: str) -> Target | None:
    fixed = _OUTLOOK_DE.get(header)
    if fixed is not None:
        return fixed
    words = header.split(" ")
    if words[0] == "weitere" and len(words) >= 2 and words[1] == "straße":
        return Target("address", "street", label="other")
    if len(words) >= 2 and words[0] in _DE_PARTS and words[1] in _DE_PLACE:
        return Target("address", _DE_PARTS[words[0]], label=_DE_PLACE[words[1]])
    return None


# ---------------------------------------------------------------- LinkedIn, Yahoo

_LINKEDIN = {
    "first name": Target("name", "given"), "last name": Target("name", "family"),
    "url": Target("url", label="linkedin"), "email address": Target("email"),
    "company": Target("org", "name"), "position": Target("org", "title"),
}

def _linkedin(header: str) -> Target | None:
    return _LINKEDIN.get(header)


_YAHOO_IM = {"messenger id": "yahoo", "skype id": "skype", "irc id": "irc", "icq id": "icq",
             "google id": "gtalk", "msn id": "msn", "aim id": "aim", "qq id": "qq"}
_YAHOO = {
    "first": Target("name", "given"), "middle": Target("name", "middle"),
    "last": Target("name", "family"), "nickname": Target("nickname"),
    "email": Target("email"), "alternate email 1": Target("email"),
    "alternate email 2": Target("email"), "category": Target("groups"),
    "home": Target("phone", label="home"), "work": Target("phone", label="work"),
    "pager": Target("phone", label="pager"), "fax": Target("phone", label="fax"),
    "mobile": Target("phone", label="mobile"), "other": Target("phone", label="other"),
    "yahoo phone": Target("phone", label="yahoo"),
    "personal website": Target("url", label="home"),
    "business website": Target("url", label="work"), "title": Target("org", "title"),
    "company": Target("org", "name"), "birthday": Target("birthday"),
    "anniversary": Target("anniversary"), "comments": Target("notes"),
    **{f"{w} address": Target("address", "street", label=w) for w in ("home", "work")},
    **{f"{w} city": Target("address", "locality", label=w) for w in ("home", "work")},
    **{f"{w} state": Target("address", "region", label=w) for w in ("home", "work")},
    **{f"{w} zip": Target("address", "postal_code", label=w) for w in ("home", "work")},
    **{f"{w} country": Target("address", "country", label=w) for w in ("home", "work")},
    **{h: Target("im", label=p) for h, p in _YAHOO_IM.items()},
}


def _yahoo(header: str) -> Target | None:
    if re.fullmatch(r"messenger id\d", header):
        return Target("im", label="yahoo")
    return _YAHOO.get(header)


# ---------------------------------------------------------------- Thunderbird

_THUNDERBIRD = {
    "first name": Target("name", "given"), "last name": Target("name", "family"),
    "display name": Target("name", "full"), "nickname": Target("nickname"),
    "primary email": Target("email"), "secondary email": Target("email"),
    "screen name": Target("im", label="im"), "work phone": Target("phone", label="work"),
    "home phone": Target("phone", label="home"), "fax number": Target("phone", label="fax"),
    "pager number": Target("phone", label="pager"),
    "mobile number": Target("phone", label="mobile"),
    "job title": Target("org", "title"), "department": Target("org", "department"),
    "organization": Target("org", "name"), "web page 1": Target("url", label="work"),
    "web page 2": Target("url", label="home"), "birth year": Target("birthday", "year"),
    "birth month": Target("birthday", "month"), "birth day": Target("birthday", "day"),
    "notes": Target("notes"),
    **{f"{w} address": Target("address", "street", label=w) for w in ("home", "work")},
    **{f"{w} address 2": Target("address", "street", label=w) for w in ("home", "work")},
    **{f"{w} city": Target("address", "locality", label=w) for w in ("home", "work")},
    **{f"{w} state": Target("address", "region", label=w) for w in ("home", "work")},
    **{f"{w} zipcode": Target("address", "postal_code", label=w) for w in ("home", "work")},
    **{f"{w} country": Target("address", "country", label=w) for w in ("home", "work")},
}


def _thunderbird(header: str) -> Target | None:
    return _THUNDERBIRD.get(header)


# ---------------------------------------------------------------- generic

_GENERIC = {
    "email": Target("email"), "e-mail": Target("email"), "email address": Target("email"),
    "e-mail address": Target("email"), "mail": Target("email"), "phone": Target("phone"),
    "telephone": Target("phone"), "tel": Target("phone"), "phone number": Target("phone"),
    "mobile": Target("phone", label="mobile"), "cell": Target("phone", label="mobile"),
    "name": Target("name", "full"), "full name": Target("name", "full"),
    "display name": Target("name", "full"), "first name": Target("name", "given"),
    "given name": Target("name", "given"), "firstname": Target("name", "given"),
    "last name": Target("name", "family"), "surname": Target("name", "family"),
    "family name": Target("name", "family"), "lastname": Target("name", "family"),
    "middle name": Target("name", "middle"), "nickname": Target("nickname"),
    "company": Target("org", "name"), "organization": Target("org", "name"),
    "organisation": Target("org", "name"), "title": Target("org", "title"),
    "job title": Target("org", "title"), "department": Target("org", "department"),
    "notes": Target("notes"), "note": Target("notes"), "birthday": Target("birthday"),
    "website": Target("url"), "url": Target("url"), "web page": Target("url"),
    "groups": Target("groups"), "street": Target("address", "street"),
    "city": Target("address", "locality"), "zip": Target("address", "postal_code"),
    "postal code": Target("address", "postal_code"), "country": Target("address", "country"),
    # the same words in the languages of the exports Kith knows (German, French, Spanish)
    "vorname": Target("name", "given"), "nachname": Target("name", "family"),
    "telefon": Target("phone"), "handy": Target("phone", label="mobile"),
    "mobil": Target("phone", label="mobile"), "mobile phone": Target("phone", label="mobile"),
    "firma": Target("org", "name"), "prénom": Target("name", "given"),
    "courriel": Target("email"), "téléphone": Target("phone"),
    "société": Target("org", "name"), "nombre": Target("name", "given"),
    "apellidos": Target("name", "family"), "correo": Target("email"),
    "teléfono": Target("phone"), "empresa": Target("org", "name"),
}


def generic_target(header: str) -> Target | None:
    return _GENERIC.get(header)


GENERIC = CsvFormat("generic", "CSV file", (), generic_target)

#: Most specific first: detection takes the first whose signature is all present.
FORMATS: tuple[CsvFormat, ...] = (
    CsvFormat("google", "Google Contacts CSV", ("first name", "labels"), _google),
    CsvFormat("google", "Google Contacts CSV", ("given name", "family name",
                                                "group membership"), _google),
    CsvFormat("outlook", "Outlook CSV", ("first name", "last name", "e-mail address",
                                         "business phone"), _outlook_en),
    CsvFormat("outlook_de", "Outlook CSV (German)", ("vorname", "nachname",
                                                     "e-mail-adresse"), _outlook_de,
              day_first=True),
    CsvFormat("linkedin", "LinkedIn Connections CSV", ("first name", "last name",
                                                       "connected on"), _linkedin),
    CsvFormat("yahoo", "Yahoo CSV", ("first", "last", "email", "messenger id"), _yahoo),
    CsvFormat("thunderbird", "Thunderbird CSV", ("primary email", "display name",
                                                 "birth year"), _thunderbird),
)


def detect_format(headers: list[str]) -> CsvFormat:
    """The known export whose signature headers are all present, else :data:`GENERIC`."""
    present = {norm(h) for h in headers}
    for fmt in FORMATS:
        if all(sig in present for sig in fmt.signature):
            return fmt
    return GENERIC


def format_by_key(key: str) -> CsvFormat:
    for fmt in (*FORMATS, GENERIC):
        if fmt.key == key:
            return fmt
    raise ValueError(f"unknown CSV format {key!r}")


def default_targets(fmt: CsvFormat, headers: list[str]) -> list[Target]:
    """One target per column (SKIP where the format gives the column no home)."""
    return [fmt.target(norm(h)) or SKIP for h in headers]


def header_score(headers: list[str]) -> int:
    """How many of ``headers`` some known format (or the generic guesses) understands:
    used to find the header row below notes (LinkedIn) and to choose the delimiter."""
    keys = [norm(h) for h in headers]
    best = 0
    for fmt in (*FORMATS, GENERIC):
        best = max(best, sum(1 for k in keys if k and fmt.target(k) is not None))
    return best

"""ParsedContact -> vCard 4.0 (default) or 3.0 text.

The writer is the inverse of :mod:`core.sync.providers.vcard.parse`: for every field of
``ParsedContact`` it picks the spelling the parser reads back unchanged, so
``parse(write(c)).canonical() == c.canonical()``. Labels that are standard vCard types go to
``TYPE``; anything else (custom labels, labelled dates) uses Apple's grouped ``X-ABLabel``,
which Apple Contacts, Google and Thunderbird all display. Two private extensions keep the round
trip exact where vCard has no field: ``FN;X-KITH-DERIVED=1`` marks a formatted name the contact
did not have (FN is mandatory), and ``X-KITH-COUNTRY`` carries ``country`` when it is not simply
the first address's two-letter country.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from core.ingest.parsed import ContactValue, DateValue, ParsedContact
from core.sync.providers.vcard.more_props import format_geo, format_related
from core.sync.providers.vcard.parse import (
    COUNTRY_PROPERTY,
    DERIVED_FN_PARAM,
    PAST_ORG_PARAM,
    derive_country,
)
from core.sync.providers.vcard.social import format_username
from core.sync.providers.vcard.values import (
    escape,
    format_date,
    format_photo,
    label_as_types,
)

SUPPORTED_VERSIONS = ("4.0", "3.0")
_MAX_OCTETS = 75


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 6350 3.2).

    A continuation made only of whitespace would look like a blank line to readers, so such a
    piece is kept on the previous physical line instead.
    """
    if len(line.encode("utf-8")) <= _MAX_OCTETS:
        return line + "\r\n"
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = _MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, _MAX_OCTETS - 1
        current.append(ch)
        size += width
    pieces.append("".join(current))
    merged = [pieces[0]]
    for piece in pieces[1:]:
        if piece.strip():
            merged.append(piece)
        else:
            merged[-1] += piece
    return "\r\n ".join(merged) + "\r\n"


class _CardWriter:
    """Accumulates the lines of one card and hands out ``itemN`` group names."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.lines: list[str] = []
        self._groups = 0

    def add(self, name: str, value: str, params: Iterable[str] = (), group: str = "") -> None:
        head = f"{group}.{name}" if group else name
        plist = [p for p in params if p]
        self.lines.append(fold(";".join([head, *plist]) + ":" + value))

    def new_group(self) -> str:
        self._groups += 1
        return f"item{self._groups}"

    def labelled(self, name: str, value: str, label: str, primary: bool = False,
                 params: Iterable[str] = (), allow_types: bool = True) -> None:
        """A property whose label is a TYPE when standard, else a grouped X-ABLabel."""
        plist = list(params)
        types = label_as_types(label) if allow_types else ([] if not label else None)
        group = ""
        if types is None:
            group, types = self.new_group(), []
        if primary:
            if self.version == "4.0":
                plist.append("PREF=1")
            else:
                types = [*types, "pref"]
        if types:
            plist.append("TYPE=" + ",".join(types))
        self.add(name, value, plist, group)
        if group:
            self.add("X-ABLabel", escape(label), group=group)


def _write_values(w: _CardWriter, name: str, values: list[ContactValue],
                  extra: list[str] | None = None) -> None:
    for cv in values:
        w.labelled(name, escape(cv.value), cv.label, cv.primary, extra or [])


def _write_date(w: _CardWriter, name: str, date: DateValue, apple_label: str = "") -> None:
    value, params = format_date(date, w.version)
    label = date.label or apple_label
    if label:
        group = w.new_group()
        w.add(name, value, params, group)
        w.add("X-ABLabel", escape(label) if date.label else apple_label, group=group)
    else:
        w.add(name, value, params)


def _write_orgs(w: _CardWriter, contact: ParsedContact) -> None:
    orgs = [o for o in contact.organizations if o.name or o.department or o.title or o.role]
    for org in orgs:
        group = w.new_group() if len(orgs) > 1 else ""
        params = [] if org.current else [f"{PAST_ORG_PARAM}=1"]
        if org.name or org.department or not org.current:
            value = escape(org.name) + (";" + escape(org.department) if org.department else "")
            w.add("ORG", value, params, group=group)
        if org.title:
            w.add("TITLE", escape(org.title), group=group)
        if org.role:
            w.add("ROLE", escape(org.role), group=group)


def _write_more(w: _CardWriter, contact: ParsedContact) -> None:
    """Related people, gender, phonetic names, TZ, GEO, LANG, file-as, labelled dates and
    the properties Kith keeps without modelling them."""
    for rel in contact.related:
        prop, params, value, label = format_related(rel, w.version)
        if label:
            group = w.new_group()
            w.add(prop, value, params, group)
            w.add("X-ABLabel", escape(label), group=group)
        else:
            w.add(prop, value, params)
    if contact.gender:
        w.add("GENDER", contact.gender)
    for prop, attr in (("X-PHONETIC-FIRST-NAME", "given"), ("X-PHONETIC-MIDDLE-NAME", "middle"),
                       ("X-PHONETIC-LAST-NAME", "family")):
        if getattr(contact.phonetic, attr):
            w.add(prop, escape(getattr(contact.phonetic, attr)))
    if contact.time_zone:
        w.add("TZ", escape(contact.time_zone))
    if contact.geo:
        w.add("GEO", format_geo(contact.geo, w.version))
    for lang in contact.languages:
        w.add("LANG", escape(lang))
    if contact.file_as:
        w.add("X-EVOLUTION-FILE-AS", escape(contact.file_as))
    for date in contact.dates:
        _write_date(w, "X-ABDATE", date)
    for line in contact.extra_properties:
        w.lines.append(fold(line))


def write_vcard(contact: ParsedContact, version: str = "4.0") -> str:
    """One contact as one vCard (CRLF line endings, folded)."""
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unsupported vCard version {version!r}; use 4.0 or 3.0")
    w = _CardWriter(version)
    w.add("BEGIN", "VCARD")
    w.add("VERSION", version)
    if contact.external_id:
        w.add("UID", escape(contact.external_id))
    n = contact.name
    if n.full:
        w.add("FN", escape(n.full))
    else:
        w.add("FN", escape(contact.display_name), [f"{DERIVED_FN_PARAM}=1"])
    w.add("N", ";".join(escape(p) for p in (n.family, n.given, n.middle, n.prefix, n.suffix)))
    if contact.nickname:
        w.add("NICKNAME", ",".join(escape(x) for x in contact.nickname))
    _write_orgs(w, contact)
    _write_values(w, "EMAIL", contact.emails, ["TYPE=INTERNET"] if version == "3.0" else [])
    _write_values(w, "TEL", contact.phones)
    for adr in contact.addresses:
        parts = (adr.po_box, adr.extended, adr.street, adr.locality, adr.region,
                 adr.postal_code, adr.country)
        w.labelled("ADR", ";".join(escape(p) for p in parts), adr.label)
    _write_values(w, "URL", contact.urls)
    for user in contact.usernames:
        prop, params, value = format_username(user.platform, user.value)
        w.labelled(prop, escape(value), user.label, user.primary, params,
                   allow_types=prop == "IMPP")
    for bday in contact.birthdays:
        _write_date(w, "BDAY", bday)
    for anniversary in contact.anniversaries:
        if version == "4.0":
            _write_date(w, "ANNIVERSARY", anniversary)
        elif anniversary.label:  # X-ABDATE's label says what the date is: not free here
            _write_date(w, "X-ANNIVERSARY", anniversary)
        else:
            _write_date(w, "X-ABDATE", anniversary, "_$!<Anniversary>!$_")
    _write_more(w, contact)
    for photo in contact.photos:
        formatted = format_photo(photo, version)
        if formatted:
            w.add("PHOTO", formatted[1], formatted[0])
    if contact.groups:
        w.add("CATEGORIES", ",".join(escape(g) for g in contact.groups))
    if contact.notes:
        w.add("NOTE", escape(contact.notes))
    if contact.country != derive_country(contact.addresses):
        w.add(COUNTRY_PROPERTY, escape(contact.country))
    w.add("END", "VCARD")
    return "".join(w.lines)


def write_vcards(contacts: Iterable[ParsedContact], version: str = "4.0") -> str:
    """Many contacts as one .vcf text. Contacts marked ``deleted`` are not written."""
    return "".join(write_vcard(c, version) for c in contacts if not c.deleted)


def write_vcard_file(path: str | Path, contacts: Iterable[ParsedContact],
                     version: str = "4.0") -> int:
    """Stream contacts into a UTF-8 .vcf file (no BOM, CRLF); returns how many were written."""
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        for contact in contacts:
            if not contact.deleted:
                handle.write(write_vcard(contact, version))
                count += 1
    return count

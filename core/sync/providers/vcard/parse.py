"""One vCard (2.1, 3.0 or 4.0) -> one :class:`ParsedContact`.

vobject does the line-level work (unfolding, vCard 2.1 quoted-printable soft breaks and
``CHARSET`` decoding, parameter and group parsing) via ``getLogicalLines`` and
``textLineToContentLine``. We deliberately do *not* use ``vobject.readOne``'s value behaviours:
its text decoding keeps only the first value of ``NICKNAME:a,b`` and cuts ``data:`` URIs at
their comma. Values are therefore unescaped and split here, per property.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from core.ingest.parsed import (
    Address,
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
)
from core.sync.providers.vcard import social
from core.sync.providers.vcard.lines import (
    CardLine,
    CardParseError,
    CardWarning,
    read_lines,
)
from core.sync.providers.vcard.more_props import (
    DROPPED_PROPERTIES,
    apply_more,
    extra_line,
    im_platform,
)
from core.sync.providers.vcard.values import (
    components,
    is_preferred,
    label_from_ablabel,
    label_from_types,
    parse_date,
    parse_photo,
    text_list,
    type_values,
    unescape,
)

#: Prefix of the external id given to a card without UID (see :func:`derive_external_id`).
DERIVED_ID_PREFIX = "vcard-derived:"
#: Parameter the writer puts on FN when the contact had no formatted name of its own.
DERIVED_FN_PARAM = "X-KITH-DERIVED"
#: Property carrying ``ParsedContact.country`` when it differs from the address-derived value.
COUNTRY_PROPERTY = "X-KITH-COUNTRY"
#: Parameter on ORG marking an organisation the contact no longer works for.
PAST_ORG_PARAM = "X-KITH-PAST"

_VALUE_SCHEMES = {"EMAIL": "mailto:", "TEL": "tel:"}
_ANNIVERSARY_PROPS = {"ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY",
                      "X-MS-ANNIVERSARY"}


@dataclass(slots=True)
class _State:
    contact: ParsedContact
    warnings: list[CardWarning] = field(default_factory=list)
    org_by_group: dict[str, Organization] = field(default_factory=dict)
    org_slots: list[Organization] = field(default_factory=list)
    titles_seen: int = 0
    orgs_seen: int = 0
    roles_seen: int = 0
    explicit_country: str | None = None
    apple_countries: list[str] = field(default_factory=list)


def _label(line: CardLine, group_labels: dict[str, str]) -> str:
    if line.group and line.group in group_labels:
        return group_labels[line.group]
    return _types_label_pref(tuple(line.params.get("TYPE", ())), tuple(line.singles), ())[0]


@lru_cache(maxsize=1024)
def _types_label_pref(types: tuple[str, ...], singles: tuple[str, ...],
                      prefs: tuple[str, ...]) -> tuple[str, bool]:
    """(label, preferred) for a line's TYPE values, bare parameters and PREF values.

    A file repeats a handful of parameter combinations ("TYPE=INTERNET;TYPE=WORK,pref") on
    most of its lines; working the label out once per combination instead of once per line
    was a tenth of the card parsing CPU.
    """
    values = type_values({"TYPE": list(types)} if types else {}, singles)
    return label_from_types(values), is_preferred({"PREF": list(prefs)}, values)


def _value(line: CardLine, labels: dict[str, str], text: str, platform: str = "",
           use_types: bool = True) -> ContactValue:
    params = line.params
    label, primary = _types_label_pref(tuple(params.get("TYPE", ())), tuple(line.singles),
                                       tuple(params.get("PREF", ())))
    if line.group and line.group in labels:
        label = labels[line.group]
    elif not use_types:
        label = ""
    return ContactValue(value=text, label=label, primary=primary, platform=platform)


def _org_slot(state: _State, group: str, is_title: bool) -> Organization:
    if group:
        org = state.org_by_group.get(group)
        if org is None:
            org = state.org_by_group[group] = Organization()
            state.contact.organizations.append(org)
        return org
    index = state.titles_seen if is_title else state.orgs_seen
    if is_title:
        state.titles_seen += 1
    else:
        state.orgs_seen += 1
    if index < len(state.org_slots):
        return state.org_slots[index]
    org = Organization()
    state.org_slots.append(org)
    state.contact.organizations.append(org)
    return org


def _apply(state: _State, line: CardLine, labels: dict[str, str]) -> None:
    c = state.contact
    name, value = line.name, line.value
    if name == "FN":
        if not c.name.full and DERIVED_FN_PARAM not in line.params:
            c.name.full = unescape(value).strip()
    elif name == "N":
        family, given, middle, prefix, suffix = components(value, 5)[:5]
        c.name.family, c.name.given, c.name.middle = family, given, middle
        c.name.prefix, c.name.suffix = prefix, suffix
    elif name == "NICKNAME":
        c.nickname.extend(text_list(value))
    elif name in ("EMAIL", "TEL", "URL"):
        text = unescape(value).strip()
        scheme = _VALUE_SCHEMES.get(name, "")
        if scheme and text[: len(scheme)].lower() == scheme:
            text = text[len(scheme):]
        if name == "TEL" and text and not any(ch.isdigit() for ch in text):
            # Outlook's placeholders ("BusinessPhone", "HomePhone"): not a number at all.
            state.warnings.append(CardWarning(
                f"TEL {text[:40]!r} is not a phone number; kept in the notes", line.number))
            kept = f"Phone: {text}"
            c.notes = f"{c.notes}\n{kept}" if c.notes else kept
        elif text:
            target = {"EMAIL": c.emails, "TEL": c.phones, "URL": c.urls}[name]
            target.append(_value(line, labels, text))
    elif name == "ADR":
        parts = components(value, 7)
        address = Address(_label(line, labels), *parts[:7])
        if not address.is_blank():
            c.addresses.append(address)
    elif name == "ORG":
        parts = components(value, 1)
        past = PAST_ORG_PARAM in line.params
        if any(parts) or past:
            org = _org_slot(state, line.group, is_title=False)
            org.name = parts[0]
            org.department = ", ".join(p for p in parts[1:] if p)
            org.current = not past
    elif name == "TITLE":
        title = unescape(value).strip()
        if title:
            _org_slot(state, line.group, is_title=True).title = title
    elif name == "ROLE":
        role = unescape(value).strip()
        if role:
            _role_slot(state, line.group).role = role
    elif name == "BDAY":
        _add_date(state, c.birthdays, line, labels.get(line.group, ""))
    elif name in _ANNIVERSARY_PROPS:
        _add_date(state, c.anniversaries, line, labels.get(line.group, ""))
    elif name == "X-ABDATE":
        # Only Apple's own anniversary label makes an anniversary; an unlabelled date or a
        # custom label ("First day at work") is a date of its own kind.
        label = labels.get(line.group, "")
        if label.lower() == "anniversary":
            _add_date(state, c.anniversaries, line, "")
        else:
            _add_date(state, c.dates, line, label)
    elif name == "PHOTO":
        try:
            photo = parse_photo(value, line.params, line.singles)
        except ValueError as exc:
            state.warnings.append(CardWarning(f"photo ignored: {exc}", line.number))
            return
        if photo.data or photo.uri:
            c.photos.append(photo)
    elif name == "CATEGORIES":
        for group in text_list(value):
            if group not in c.groups:
                c.groups.append(group)
    elif name == "NOTE":
        note = unescape(value).replace("\r\n", "\n").replace("\r", "\n")
        c.notes = f"{c.notes}\n\n{note}" if c.notes else note
    elif name == "UID":
        c.external_id = c.external_id or unescape(value).strip() or None
    elif name == "X-ABADR":
        code = unescape(value).strip()
        if len(code) == 2 and code.isalpha():
            state.apple_countries.append(code.upper())
    elif name == COUNTRY_PROPERTY:
        state.explicit_country = unescape(value).strip().upper()
    elif not _apply_username(state, line, labels) and not apply_more(
            c, name, value, line.params, line.singles, labels.get(line.group, "")
    ) and name not in DROPPED_PROPERTIES and not name.startswith("X-KITH-"):
        c.extra_properties.append(extra_line(
            name, labels.get(line.group, ""), line.params, line.singles, value))


def _role_slot(state: _State, group: str) -> Organization:
    """ROLE goes with the ORG of its group, else with the n-th organisation (like TITLE)."""
    if group:
        return _org_slot(state, group, is_title=False)
    index = state.roles_seen
    state.roles_seen += 1
    while index >= len(state.org_slots):
        org = Organization()
        state.org_slots.append(org)
        state.contact.organizations.append(org)
    return state.org_slots[index]


def _apply_username(state: _State, line: CardLine, labels: dict[str, str]) -> bool:
    """IMPP, social profiles and IM properties as usernames; False when not one of them."""
    name = line.name
    if name == "IMPP":
        platform, user = social.parse_impp(line.value, line.params)
        use_types = True
    elif name in ("X-SOCIALPROFILE", "SOCIALPROFILE"):
        platform, user = social.parse_social_profile(line.value, line.params)
        use_types = False
    elif name in social.X_PROPERTY_PLATFORMS:
        platform, user = social.parse_x_property(name, line.value)
        use_types = True
    elif (im := im_platform(name)) is not None:
        platform, user, use_types = im, unescape(line.value).strip(), True
    else:
        return False
    if user:
        state.contact.usernames.append(_value(line, labels, user, platform, use_types))
    return True


def _add_date(state: _State, target: list[DateValue], line: CardLine, label: str) -> None:
    date = parse_date(unescape(line.value), line.params, label)
    if date is None:
        if line.value.strip():
            state.warnings.append(CardWarning(
                f"{line.name} {line.value.strip()[:30]!r} is not a date", line.number))
        return
    target.append(date)


#: Bump when parsing changes meaning, so old etags no longer claim "unchanged".
CARD_ETAG_PREFIX = "vcf2:"


def derive_country(addresses: list[Address]) -> str:
    """ISO alpha-2 code of the first address whose country is written as two letters."""
    for address in addresses:
        country = address.country.strip()
        if len(country) == 2 and country.isascii() and country.isalpha():
            return country.upper()
    return ""


def derive_external_id(contact: ParsedContact, card_text: str) -> str:
    """A stable id for a card without UID (phone exports often omit it).

    Built from the case-folded, whitespace-collapsed display name plus the first email (or,
    failing that, the first phone's digits), so re-importing the same person from a fresh
    export converges on the same source record even when the card's other lines changed. Only
    when none of these exist is the card text itself hashed. Two UID-less cards with the same
    name and first email/phone in one file are told apart by the file reader (``#2``, ``#3``).
    """
    name = " ".join(contact.display_name.casefold().split())
    handle = ""
    if contact.emails:
        handle = contact.emails[0].value.strip().casefold()
    elif contact.phones:
        handle = re.sub(r"[^\d+]", "", contact.phones[0].value)
    if name or handle:
        key = f"{name}\x1f{handle}"
    else:
        key = "\n".join(line.strip() for line in card_text.splitlines() if line.strip())
    return DERIVED_ID_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def parse_card(text: str) -> tuple[ParsedContact, list[CardWarning]]:
    """Parse one card's text; returns the contact and non-fatal warnings.

    Raises :class:`CardParseError` when the card cannot be read (the caller reports and skips
    it). ``raw`` is the card's original text; a card without UID gets a derived external id.
    """
    lines = read_lines(text)
    if not lines or lines[0].name != "BEGIN" or lines[0].value.strip().upper() != "VCARD":
        raise CardParseError("card does not start with BEGIN:VCARD")
    labels = {ln.group: label_from_ablabel(ln.value) for ln in lines
              if ln.name == "X-ABLABEL" and ln.group}
    state = _State(ParsedContact(external_id=None, name=Name(), raw=text))
    for line in lines:
        if line.name in ("BEGIN", "END", "VERSION", "X-ABLABEL"):
            continue
        _apply(state, line, labels)
    contact = state.contact
    if state.explicit_country is not None:
        contact.country = state.explicit_country
    else:
        # Apple writes the ISO code of a postal address's country as X-ABADR next to it.
        fallback = state.apple_countries[0] if state.apple_countries else ""
        contact.country = derive_country(contact.addresses) or fallback
    if not contact.external_id:
        contact.external_id = derive_external_id(contact, text)
    # A file has no etags: the card's own text is one (same text, same contact), so a
    # re-import of an unchanged card costs a string compare instead of a content hash.
    contact.etag = CARD_ETAG_PREFIX + hashlib.sha1(text.encode("utf-8")).hexdigest()
    return contact, state.warnings


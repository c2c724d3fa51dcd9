"""People API ``Person`` JSON -> neutral :class:`ParsedContact` (and contactGroups -> names).

Pure functions with no I/O, so they can be tested on captured JSON and reused for
"other contacts" (which are Persons with fewer fields). Labels use the raw ``type`` (``home``,
``work``, or the owner's custom label) rather than ``formattedType``, which is localized.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.ingest.parsed import (
    Address,
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
    Photo,
    Related,
)
from core.sync.contract import Group

#: System groups that carry no meaning as a label (every contact is in myContacts).
HIDDEN_SYSTEM_GROUPS = frozenset({"myContacts", "all", "chatBuddies", "blocked"})
_ISO_DATE = re.compile(r"^(\d{4}|-)-?(\d{2})-(\d{2})$")

Json = Mapping[str, Any]


def group_from_json(item: Json) -> Group | None:
    """A :class:`Group` with the name the owner sees, or None for hidden system groups."""
    resource = str(item.get("resourceName", ""))
    if item.get("groupType") == "SYSTEM_CONTACT_GROUP":
        if resource.split("/", 1)[-1] in HIDDEN_SYSTEM_GROUPS:
            return None
        name = str(item.get("formattedName") or item.get("name") or "")
    else:
        name = str(item.get("name") or item.get("formattedName") or "")
    if not resource or not name:
        return None
    count = item.get("memberCount")
    return Group(external_id=resource, name=name,
                 member_count=int(count) if count is not None else None)


def _primary(item: Json) -> bool:
    return bool((item.get("metadata") or {}).get("primary"))


def _label(item: Json) -> str:
    return str(item.get("type") or item.get("formattedType") or "")


def _phonetic(person: Json) -> Name:
    names = person.get("names") or []
    if not names:
        return Name()
    chosen = next((n for n in names if _primary(n)), names[0])
    return Name(given=chosen.get("phoneticGivenName", ""),
                family=chosen.get("phoneticFamilyName", ""),
                middle=chosen.get("phoneticMiddleName", ""))


_GENDERS = {"male": "M", "female": "F", "unspecified": "U"}


def _gender(person: Json) -> str:
    """People API gender -> vCard GENDER form ("M", "F", "U", or ";custom")."""
    for item in person.get("genders") or []:
        value = str(item.get("value") or "").strip()
        if value:
            return _GENDERS.get(value.lower(), f";{value}")
    return ""


def _related(person: Json) -> list[Related]:
    out: list[Related] = []
    for item in person.get("relations") or []:
        name = str(item.get("person") or "").strip()
        if name:
            out.append(Related(name=name, relation=str(item.get("type") or "")))
    return out


def _organizations(person: Json) -> list[Organization]:
    """Every organisation, with department, title, job description (as role) and current."""
    out: list[Organization] = []
    for o in person.get("organizations") or []:
        org = Organization(name=o.get("name", ""), title=o.get("title", ""),
                           department=o.get("department", ""),
                           role=o.get("jobDescription", ""),
                           current=o.get("current", True) is not False)
        if org.name or org.title or org.department or org.role:
            out.append(org)
    return out


def _pick_name(person: Json) -> Name:
    names = person.get("names") or []
    if not names:
        return Name()
    chosen = next((n for n in names if _primary(n)), names[0])
    return Name(
        full=chosen.get("displayName", ""), given=chosen.get("givenName", ""),
        family=chosen.get("familyName", ""), middle=chosen.get("middleName", ""),
        prefix=chosen.get("honorificPrefix", ""), suffix=chosen.get("honorificSuffix", ""),
    )


def _values(items: list[Json], key: str = "value") -> list[ContactValue]:
    out: list[ContactValue] = []
    seen: set[str] = set()
    for item in items:
        value = str(item.get(key) or "").strip()
        if value and value not in seen:
            seen.add(value)
            out.append(ContactValue(value=value, label=_label(item), primary=_primary(item)))
    return out


def _date(item: Json, problems: list[str], what: str) -> DateValue | None:
    """A People API ``Date`` (year may be 0/missing) or its free-text form."""
    date = item.get("date") or {}
    month, day = int(date.get("month") or 0), int(date.get("day") or 0)
    if month and day:
        year = int(date.get("year") or 0) or None
        return DateValue(month=month, day=day, year=year, label=_label(item))
    text = str(item.get("text") or "").strip()
    match = _ISO_DATE.match(text)
    if match:
        year_text, m, d = match.groups()
        year = int(year_text) if year_text != "-" else None
        return DateValue(month=int(m), day=int(d), year=year, label=_label(item))
    if date or text:
        problems.append(f"{what}: unusable date {date or text!r} skipped")
    return None


def _dates(items: list[Json], problems: list[str], what: str) -> list[DateValue]:
    out: list[DateValue] = []
    for item in items:
        value = _date(item, problems, what)
        if value is not None and value not in out:
            out.append(value)
    return out


def _addresses(items: list[Json]) -> list[Address]:
    out: list[Address] = []
    for item in items:
        address = Address(
            label=_label(item), po_box=item.get("poBox", ""),
            extended=item.get("extendedAddress", ""), street=item.get("streetAddress", ""),
            locality=item.get("city", ""), region=item.get("region", ""),
            postal_code=item.get("postalCode", ""),
            country=item.get("country") or item.get("countryCode", ""),
        )
        if not address.is_blank():
            out.append(address)
    return out


def _usernames(person: Json) -> list[ContactValue]:
    out = []
    for item in person.get("imClients") or []:
        username = str(item.get("username") or "").strip()
        if username:
            platform = str(item.get("protocol") or item.get("formattedProtocol") or "").lower()
            out.append(ContactValue(value=username, label=_label(item), primary=_primary(item),
                                    platform=platform))
    for item in person.get("sipAddresses") or []:
        value = str(item.get("value") or "").strip()
        if value:
            out.append(ContactValue(value=value, label=_label(item), primary=_primary(item),
                                    platform="sip"))
    return out


def _notes(person: Json) -> str:
    """Biographies, then custom fields as ``key: value`` lines (the model has no custom slot)."""
    parts = [str(b.get("value") or "").strip() for b in person.get("biographies") or []]
    custom = [f"{u.get('key', '')}: {u.get('value', '')}".strip()
              for u in person.get("userDefined") or [] if u.get("key") or u.get("value")]
    if custom:
        parts.append("\n".join(custom))
    return "\n\n".join(p for p in parts if p)


def _groups(person: Json, group_names: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for membership in person.get("memberships") or []:
        info = membership.get("contactGroupMembership") or {}
        resource = info.get("contactGroupResourceName") or (
            f"contactGroups/{info['contactGroupId']}" if info.get("contactGroupId") else "")
        name = group_names.get(resource)
        if name and name not in out:
            out.append(name)
    return sorted(out)


def unknown_group_ids(person: Json, group_names: Mapping[str, str]) -> set[str]:
    """Membership group resource names missing from ``group_names`` (a group created lately)."""
    missing = set()
    for membership in person.get("memberships") or []:
        info = membership.get("contactGroupMembership") or {}
        resource = info.get("contactGroupResourceName") or ""
        gid = resource.split("/", 1)[-1]
        if resource and resource not in group_names and gid not in HIDDEN_SYSTEM_GROUPS:
            missing.add(resource)
    return missing


def person_to_contact(person: Json, group_names: Mapping[str, str]
                      ) -> tuple[ParsedContact, list[str]]:
    """Map one Person; returns the contact and non-fatal problems found while mapping.

    ``group_names`` maps contactGroups resource names to display names (hidden system groups
    are absent and so are dropped from ``groups``).
    """
    metadata = person.get("metadata") or {}
    resource = str(person.get("resourceName") or "")
    previous = [str(p) for p in metadata.get("previousResourceNames") or []]
    etag = str(person.get("etag") or "")
    if metadata.get("deleted"):
        return ParsedContact(external_id=resource, etag=etag, deleted=True, raw=dict(person),
                             previous_external_ids=previous), []
    problems: list[str] = []
    where = resource or "person"
    addresses = _addresses(person.get("addresses") or [])
    codes = [a.get("countryCode", "") for a in person.get("addresses") or []]
    country = next((c.upper() for c in codes if isinstance(c, str) and len(c) == 2), "")
    contact = ParsedContact(
        external_id=resource, etag=etag, name=_pick_name(person),
        nickname=[str(n.get("value")) for n in person.get("nicknames") or [] if n.get("value")],
        emails=_values(person.get("emailAddresses") or []),
        phones=_values(person.get("phoneNumbers") or []),
        addresses=addresses,
        organizations=_organizations(person),
        birthdays=_dates(person.get("birthdays") or [], problems, f"{where} birthday"),
        anniversaries=_dates(
            [e for e in person.get("events") or [] if str(e.get("type", "")).lower()
             == "anniversary"], problems, f"{where} anniversary"),
        urls=_values(person.get("urls") or []),
        usernames=_usernames(person),
        photos=[Photo(uri=str(p["url"])) for p in person.get("photos") or []
                if p.get("url") and not p.get("default")],
        groups=_groups(person, group_names),
        notes=_notes(person),
        country=country,
        raw=dict(person),
        previous_external_ids=previous,
        related=_related(person),
        gender=_gender(person),
        phonetic=_phonetic(person),
        languages=[str(x.get("value")) for x in person.get("locales") or [] if x.get("value")],
        dates=_dates(
            [e for e in person.get("events") or [] if str(e.get("type", "")).lower()
             != "anniversary"], problems, f"{where} event"),
        file_as=next((str(x.get("value")) for x in person.get("fileAses") or []
                      if x.get("value")), ""),
    )
    return contact, problems

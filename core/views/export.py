"""Parties as ParsedContacts, for export to vCard (and anything else that speaks the model).

Secured handles never leave through here unless asked for, and dismissed links are not the
party's handles, so they are not exported either.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Party
from core.ingest.parsed import (
    Address,
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
    Photo,
)
from core.views.party import list_party_ids, party_detail

PLATFORM_FIELDS = {"email": "emails", "phone": "phones"}


def party_uid(party_id: int) -> str:
    return f"urn:kith:party:{party_id}"


def party_to_contact(session: Session, party_id: int, *, include_secured: bool = False
                     ) -> ParsedContact:
    d = party_detail(session, party_id, include_secured=include_secured)
    party = session.get(Party, party_id)
    assert party is not None
    contact = ParsedContact(
        external_id=party_uid(party_id),
        name=Name(full=d.display_name, given=d.given_name, family=d.family_name,
                  middle=d.middle_name, prefix=party.name_prefix, suffix=party.name_suffix),
        nickname=[n.strip() for n in d.nickname.split(",") if n.strip()],
        notes=d.notes,
        groups=list(d.labels),
    )
    if d.organization or d.title:
        contact.organizations.append(Organization(name=d.organization, title=d.title))
    for h in d.handles:
        if h.dismissed:
            continue
        primary = (h.platform == "email" and h.value == party.primary_email) or (
            h.platform == "phone" and h.value == party.primary_phone)
        value = ContactValue(h.value, h.label, primary)
        if h.platform in PLATFORM_FIELDS:
            getattr(contact, PLATFORM_FIELDS[h.platform]).append(value)
        else:
            value.platform = h.platform
            contact.usernames.append(value)
    for a in d.addresses:
        contact.addresses.append(Address(
            label=a["label"], po_box=a["po_box"], extended=a["extended"], street=a["street"],
            locality=a["locality"], region=a["region"], postal_code=a["postal_code"],
            country=a["country"]))
    for date in d.dates:
        iso: str = date["date"]
        year = None if iso.startswith("--") else int(iso[:4])
        month, day = (int(x) for x in iso[-5:].split("-"))
        target = contact.birthdays if date["kind"] == "birthday" else contact.anniversaries
        target.append(DateValue(month=month, day=day, year=year, label=date["label"]))
    for u in d.urls:
        contact.urls.append(ContactValue(u["url"], u["label"]))
    if party.photo:
        contact.photos.append(Photo(data=party.photo, mime_type=party.photo_mime))
    elif party.photo_uri:
        contact.photos.append(Photo(uri=party.photo_uri))
    _dedupe(contact)
    return contact


def _dedupe(contact: ParsedContact) -> None:
    """Several records of one party repeat the same address/date/url: export each once."""
    for name in ("addresses", "birthdays", "anniversaries", "urls"):
        seen, unique = set(), []
        for item in getattr(contact, name):
            key = repr(item)
            if key not in seen:
                seen.add(key)
                unique.append(item)
        setattr(contact, name, unique)
    if len(contact.birthdays) > 1:
        contact.birthdays = contact.birthdays[:1]


def iter_contacts(session: Session, *, include_secured: bool = False) -> Iterator[ParsedContact]:
    for pid in list_party_ids(session):
        if session.scalar(select(Party.role).where(Party.id == pid)) == "system":
            continue
        yield party_to_contact(session, pid, include_secured=include_secured)

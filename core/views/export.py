"""Parties as ParsedContacts, for export to vCard (and anything else that speaks the model).

Export writes what the owner saw: every email, phone and username as its source wrote it
(``handle.display_value``, not the normalised key) with the label and PREF the source gave;
nicknames as the list the source had; organisations with department, title, role and which is
current; related people, gender, phonetic names, time zone, geo, languages and labelled
dates; and the properties Kith keeps without modelling them, so import -> export loses nothing.

Parties are read a chunk at a time (a 100,000-contact export is a few queries per 500
contacts), and come out in an order that makes a re-import decide the same owners: the owner
of a handle two contacts share is written before the others (see :func:`ownership_order`).

Secured handles never leave through here unless asked for, and dismissed links are not the
party's handles, so they are not exported either.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import (
    Address as AddressRow,
)
from core.db.models import (
    FieldProvenance,
    Handle,
    ImportantDate,
    Label,
    LabelMembership,
    Party,
    PartyFact,
    PartyHandleLink,
    PartyUrl,
    SourceRecord,
)
from core.ingest.facts import apply_facts
from core.ingest.parsed import (
    Address,
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
    Photo,
)
from core.ingest.sqlutil import chunked
from core.views.party import list_party_ids

PLATFORM_FIELDS = {"email": "emails", "phone": "phones"}
CHUNK = 500


def party_uid(party_id: int) -> str:
    return f"urn:kith:party:{party_id}"


def party_to_contact(session: Session, party_id: int, *, include_secured: bool = False
                     ) -> ParsedContact:
    found = contacts_for(session, [party_id], include_secured=include_secured)
    if not found:
        raise LookupError(f"No contact with id {party_id}")
    return found[0]


def contacts_for(session: Session, party_ids: Sequence[int], *,
                 include_secured: bool = False) -> list[ParsedContact]:
    """The parties as contacts, in the given order (unknown ids are left out)."""
    out: list[ParsedContact] = []
    for chunk in chunked(list(party_ids), CHUNK):
        out.extend(_chunk(session, chunk, include_secured))
    return out


def _chunk(session: Session, ids: list[int], include_secured: bool) -> list[ParsedContact]:
    parties = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(ids)))}
    records = _records(session, ids)
    nick_source = dict(session.execute(
        select(FieldProvenance.party_id, FieldProvenance.source_record_id).where(
            FieldProvenance.party_id.in_(ids), FieldProvenance.field == "nickname",
            FieldProvenance.is_local.is_(False))).all())
    contacts: dict[int, ParsedContact] = {}
    for pid in ids:
        party = parties.get(pid)
        if party is None:
            continue
        data = records.get(pid, [])
        contacts[pid] = ParsedContact(
            external_id=party_uid(pid),
            name=Name(full=party.display_name, given=party.given_name,
                      family=party.family_name, middle=party.middle_name,
                      prefix=party.name_prefix, suffix=party.name_suffix),
            nickname=_nicknames(party.nickname, data, nick_source.get(pid)),
            notes=party.notes,
            country=next((d.get("country") for _, d in data if d.get("country")), ""),
            extra_properties=list(dict.fromkeys(
                line for _, d in data for line in d.get("extra_properties", []))),
        )
    _handles(session, ids, contacts, include_secured)
    _details(session, ids, contacts)
    for pid, contact in contacts.items():
        party = parties[pid]
        _organizations(contact, party.organization, party.title)
        if party.photo:
            contact.photos.append(Photo(data=party.photo, mime_type=party.photo_mime))
        elif party.photo_uri:
            contact.photos.append(Photo(uri=party.photo_uri, mime_type=party.photo_mime))
        _dedupe(contact)
    return [contacts[pid] for pid in ids if pid in contacts]


def _records(session: Session, ids: list[int]) -> dict[int, list[tuple[int, dict]]]:
    found: dict[int, list[tuple[int, dict]]] = defaultdict(list)
    for pid, rid, data in session.execute(
        select(SourceRecord.party_id, SourceRecord.id, SourceRecord.data)
        .where(SourceRecord.party_id.in_(ids), SourceRecord.deleted_at.is_(None))
        .order_by(SourceRecord.id)
    ):
        found[pid].append((rid, data or {}))
    return found


def _nicknames(joined: str, data: list[tuple[int, dict]], source_id: int | None) -> list[str]:
    """The nickname list the source had ("Johny,JayJay" is one nickname), unless the owner
    edited it: then the edit, split where the party joined its parts."""
    for rid, d in data:
        if rid == source_id:
            names = [n.strip() for n in d.get("nickname", []) if n.strip()]
            if ", ".join(names) == joined:
                return names
    return [n.strip() for n in joined.split(", ") if n.strip()]


def _handles(session: Session, ids: list[int], contacts: dict[int, ParsedContact],
             include_secured: bool) -> None:
    stmt = (
        select(PartyHandleLink.party_id, Handle.platform, Handle.value, Handle.display_value,
               PartyHandleLink.label, PartyHandleLink.is_primary)
        .join(Handle, Handle.id == PartyHandleLink.handle_id)
        .where(PartyHandleLink.party_id.in_(ids), PartyHandleLink.is_dismissed.is_(False))
        .order_by(PartyHandleLink.party_id, PartyHandleLink.id)
    )
    if not include_secured:
        stmt = stmt.where(Handle.is_secured.is_(False))
    for pid, platform, value, display, label, primary in session.execute(stmt):
        contact = contacts.get(pid)
        if contact is None:
            continue
        item = ContactValue(display or value, label, bool(primary))
        if platform in PLATFORM_FIELDS:
            getattr(contact, PLATFORM_FIELDS[platform]).append(item)
        else:
            item.platform = platform
            contact.usernames.append(item)


def _details(session: Session, ids: list[int], contacts: dict[int, ParsedContact]) -> None:
    for a in session.scalars(select(AddressRow).where(AddressRow.party_id.in_(ids))
                             .order_by(AddressRow.id)):
        contacts[a.party_id].addresses.append(Address(
            label=a.label, po_box=a.po_box, extended=a.extended, street=a.street,
            locality=a.locality, region=a.region, postal_code=a.postal_code, country=a.country))
    targets = {"birthday": "birthdays", "anniversary": "anniversaries"}
    for d in session.scalars(select(ImportantDate).where(ImportantDate.party_id.in_(ids))
                             .order_by(ImportantDate.id)):
        target = getattr(contacts[d.party_id], targets.get(d.kind, "dates"))
        target.append(DateValue(month=d.month, day=d.day, year=d.year, label=d.label))
    for u in session.scalars(select(PartyUrl).where(PartyUrl.party_id.in_(ids))
                             .order_by(PartyUrl.id)):
        contacts[u.party_id].urls.append(ContactValue(u.url, u.label))
    for pid, name in session.execute(
        select(LabelMembership.party_id, Label.name)
        .join(Label, Label.id == LabelMembership.label_id)
        .where(LabelMembership.party_id.in_(ids)).order_by(Label.name)
    ):
        if name not in contacts[pid].groups:
            contacts[pid].groups.append(name)
    facts: dict[int, list[tuple[str, str, str, Any]]] = defaultdict(list)
    for f in session.scalars(select(PartyFact).where(PartyFact.party_id.in_(ids))
                             .order_by(PartyFact.source_record_id, PartyFact.position)):
        facts[f.party_id].append((f.kind, f.label, f.value, f.data))
    for pid, rows in facts.items():
        apply_facts(contacts[pid], rows)


def _organizations(contact: ParsedContact, name: str, title: str) -> None:
    """The party's organisation and title (which may be the owner's edit) with the source's
    other organisations (departments, roles, past jobs) in the source's order."""
    orgs = contact.organizations
    if not (name or title):
        return
    match = next((o for o in orgs if o.name == name), None)
    if match is None:
        orgs.insert(0, Organization(name=name, title=title))
        return
    match.title = title or match.title


def _dedupe(contact: ParsedContact) -> None:
    """Several records of one party repeat the same address/date/url: export each once."""
    for name in ("addresses", "birthdays", "anniversaries", "dates", "urls"):
        seen, unique = set(), []
        for item in getattr(contact, name):
            key = repr(item)
            if key not in seen:
                seen.add(key)
                unique.append(item)
        setattr(contact, name, unique)
    if len(contact.birthdays) > 1:
        contact.birthdays = contact.birthdays[:1]


def ownership_order(session: Session, ids: Sequence[int]) -> list[int]:
    """``ids`` reordered so that the owner of every handle two or more of them share comes
    before the others (otherwise in the given order).

    A re-import attaches a card to the party that already owns its primary email or phone,
    and the first card to list a handle owns it: writing owners first makes a re-import of
    the export give the same people the same handles. (A cycle, A owning one handle of B's
    and B one of A's, cannot be ordered; its parties keep the given order.)
    """
    position = {pid: i for i, pid in enumerate(ids)}
    shared = (select(PartyHandleLink.handle_id)
              .where(PartyHandleLink.is_dismissed.is_(False))
              .group_by(PartyHandleLink.handle_id).having(func.count() > 1))
    after: dict[int, set[int]] = defaultdict(set)
    waiting: dict[int, int] = defaultdict(int)
    for owner, linked in session.execute(
        select(Handle.party_id, PartyHandleLink.party_id)
        .join(PartyHandleLink, PartyHandleLink.handle_id == Handle.id)
        .where(Handle.id.in_(shared), PartyHandleLink.is_dismissed.is_(False))
    ):
        if owner is None or owner == linked or owner not in position or linked not in position:
            continue
        if linked not in after[owner]:
            after[owner].add(linked)
            waiting[linked] += 1
    if not after:
        return list(ids)
    ready = [(position[pid], pid) for pid in ids if not waiting[pid]]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, pid = heapq.heappop(ready)
        order.append(pid)
        for nxt in after.get(pid, ()):
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (position[nxt], nxt))
    placed = set(order)
    order.extend(pid for pid in ids if pid not in placed)  # cycles
    return order


def iter_contacts(session: Session, *, include_secured: bool = False) -> Iterator[ParsedContact]:
    """Every visible contact (system actors aside), owners of shared handles first."""
    ids = list_party_ids(session)
    system = set(session.scalars(select(Party.id).where(Party.role == "system")))
    ordered = ownership_order(session, [pid for pid in ids if pid not in system])
    for chunk in chunked(ordered, CHUNK):
        yield from contacts_for(session, chunk, include_secured=include_secured)

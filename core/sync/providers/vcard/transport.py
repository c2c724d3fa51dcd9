"""Compact plain-tuple form of ``ParsedContact`` for crossing process boundaries.

Pickling slotted dataclasses runs Python code per object (``__getstate__``/``__setstate__``);
for a parsed contact with a dozen nested objects that cost almost as much as parsing it, which
made the process pool slower than a single loop. Tuples of str/int/bytes pickle in C. ``raw`` is
not carried: the parent still holds each card's text and re-attaches it.
"""

from __future__ import annotations

import json
from typing import Any

from core.ingest.child_rows import ChildRows, child_rows
from core.ingest.json_text import JSONText
from core.ingest.normalize import NormalizedHandle
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
from core.ingest.prepare import HandleUse, LeanPrepared, PreparedContact

Packed = tuple[Any, ...]


def _values(items: list[ContactValue]) -> list[tuple[str, str, bool, str]]:
    return [(v.value, v.label, v.primary, v.platform) for v in items]


def _dates(items: list[DateValue]) -> list[tuple[int, int, int | None, str]]:
    return [(d.month, d.day, d.year, d.label) for d in items]


def pack(c: ParsedContact) -> Packed:
    """``ParsedContact`` (without ``raw``) as nested tuples and lists."""
    n = c.name
    return (
        c.external_id, c.etag, (n.full, n.given, n.family, n.middle, n.prefix, n.suffix),
        list(c.nickname), _values(c.emails), _values(c.phones),
        [(a.label, a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code,
          a.country) for a in c.addresses],
        [(o.name, o.title, o.department, o.role, o.current) for o in c.organizations],
        _dates(c.birthdays), _dates(c.anniversaries), _values(c.urls), _values(c.usernames),
        [(p.data, p.mime_type, p.uri) for p in c.photos],
        list(c.groups), c.notes, c.country, c.deleted, list(c.previous_external_ids),
        _more(c),
    )


def _more(c: ParsedContact) -> Packed | None:
    """The fields added for issue 14, or None when the contact has none (most contacts: the
    parent then builds nothing for them)."""
    p = c.phonetic
    if not (c.related or c.gender or p.given or p.family or p.middle or p.full or c.time_zone
            or c.geo or c.languages or c.dates or c.file_as or c.extra_properties):
        return None
    return ([(r.name, r.relation, r.uri) for r in c.related], c.gender,
            (p.full, p.given, p.family, p.middle, p.prefix, p.suffix), c.time_zone, c.geo,
            list(c.languages), _dates(c.dates), c.file_as, list(c.extra_properties))


def unpack(t: Packed, raw: Any = None) -> ParsedContact:
    """Inverse of :func:`pack`; ``raw`` is attached as given."""
    contact = ParsedContact(
        external_id=t[0], etag=t[1], name=Name(*t[2]), nickname=t[3],
        emails=[ContactValue(*v) for v in t[4]], phones=[ContactValue(*v) for v in t[5]],
        addresses=[Address(*a) for a in t[6]], organizations=[Organization(*o) for o in t[7]],
        birthdays=[DateValue(*d) for d in t[8]], anniversaries=[DateValue(*d) for d in t[9]],
        urls=[ContactValue(*v) for v in t[10]], usernames=[ContactValue(*v) for v in t[11]],
        photos=[Photo(*p) for p in t[12]], groups=t[13], notes=t[14], country=t[15],
        deleted=t[16], raw=raw, previous_external_ids=t[17],
    )
    more = t[18]
    if more is not None:
        contact.related = [Related(*r) for r in more[0]]
        contact.gender, contact.phonetic, contact.time_zone, contact.geo = (
            more[1], Name(*more[2]), more[3], more[4])
        contact.languages, contact.dates = more[5], [DateValue(*d) for d in more[6]]
        contact.file_as, contact.extra_properties = more[7], more[8]
    return contact


def pack_prepared(p: PreparedContact) -> Packed:
    """A :class:`PreparedContact` as plain tuples: the contact, its hash, stored data,
    handles, derived fields and which handles may attach it (indices)."""
    position = {id(u.handle): i for i, u in enumerate(p.handles)}
    return (
        pack(p.contact), p.content_hash, p.data,
        [(tuple(u.handle), u.label, u.is_primary) for u in p.handles],
        p.fields, [position[id(h)] for h in p.match_handles], p.party_row,
    )


def unpack_prepared(t: Packed, raw: Any = None) -> PreparedContact:
    """Inverse of :func:`pack_prepared`."""
    contact = unpack(t[0], raw)
    handles = [HandleUse(NormalizedHandle._make(h), label, primary) for h, label, primary in t[3]]
    photo = contact.photos[0] if contact.photos else None
    return PreparedContact(
        contact=contact, content_hash=t[1], handles=handles, fields=t[4],
        photo=(photo.data, photo.mime_type, photo.uri) if photo else None, data=t[2],
        match_handles=[handles[i].handle for i in t[5]], party_row=t[6],
    )


def pack_lean(p: PreparedContact) -> Packed:
    """What the write path needs of ``p``, without the contact itself (see
    :class:`LeanPrepared`): its ids and etag, hash, stored data as JSON text, handles,
    fields, the party row, child rows and photo."""
    c = p.contact
    position = {id(u.handle): i for i, u in enumerate(p.handles)}
    return (
        (c.external_id, c.etag, c.deleted, list(c.previous_external_ids)), p.content_hash,
        _data_text(p.data), [(tuple(u.handle), u.label, u.is_primary) for u in p.handles],
        p.fields, [position[id(h)] for h in p.match_handles], p.party_row,
        tuple(p.children or child_rows(c)), p.photo,
    )


def _data_text(data: dict[str, Any] | str | None) -> str:
    """The stored data as plain ``str`` JSON text (a str subclass would pickle through
    Python code): as :func:`prepare_for_write` encoded it with ``data_as_text``, else
    serialised as SQLAlchemy's JSON type would."""
    return str(data) if isinstance(data, str) else json.dumps(data)


def unpack_lean(t: Packed, raw: Any = None) -> LeanPrepared:
    """Inverse of :func:`pack_lean`; ``raw`` (the card's text) is attached as given."""
    handles = [HandleUse(NormalizedHandle._make(h), label, primary) for h, label, primary in t[3]]
    return LeanPrepared(
        t[0], raw, content_hash=t[1], data=JSONText(t[2]), handles=handles, fields=t[4],
        match_handles=[handles[i].handle for i in t[5]], party_row=t[6],
        children=ChildRows(*t[7]), photo=t[8],
    )

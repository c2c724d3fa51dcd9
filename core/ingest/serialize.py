"""ParsedContact <-> JSON-able dict, for ``source_record.data`` and for worker processes.

Unlike ``ParsedContact.canonical()`` (which digests photos for hashing), this keeps photo
bytes (base64) so a record can be re-derived exactly, e.g. when the owner takes a source
value back or a merge is undone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import MISSING, fields
from operator import attrgetter
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
    canonical_field_names,
    plain,
)

#: Fields added after the first schema (issue 14): stored only when they say something, so
#: a contact without them has exactly the data (and content hash) it had before they existed,
#: and 100,000 stored records do not each carry a dozen empty keys.
SPARSE_FIELDS = ("related", "gender", "phonetic", "time_zone", "geo", "languages", "dates",
                 "file_as", "extra_properties")
#: Organisation keys added with them, and their defaults (left out when at the default).
_SPARSE_ORG = (("role", ""), ("current", True))
#: In sorted order, like every dict this module builds (see :func:`stored_text_and_hash`).
_FIELDS = tuple(sorted(f.name for f in fields(ParsedContact)
                       if f.name != "raw" and f.name not in SPARSE_FIELDS))
_CANONICAL_SORTED = tuple(sorted(canonical_field_names()))


#: The fields' values in one C call; which of them are lists, which objects (the name):
#: the others are scalars (str, bool, None), stored as they are.
_GET_FIELDS = attrgetter(*_FIELDS)
_LIST_FIELDS = tuple(f.name for f in fields(ParsedContact)
                     if f.name in _FIELDS and f.default_factory is list)
_OBJECT_FIELDS = tuple(f.name for f in fields(ParsedContact)
                       if f.name in _FIELDS and f.default_factory not in (list, MISSING))


def contact_to_data(contact: ParsedContact) -> dict[str, Any]:
    """``contact`` as the JSON-able dict ``source_record.data`` holds (keys in sorted order).

    Built from all field values at once, with :func:`plain` called only for the lists that
    hold something and the name (a dozen calls per contact fewer than field by field: this
    runs for every contact of a bulk import)."""
    data = dict(zip(_FIELDS, _GET_FIELDS(contact), strict=True))
    for name in _LIST_FIELDS:
        value = data[name]
        data[name] = plain(value) if value else []
    for name in _OBJECT_FIELDS:
        data[name] = plain(data[name])
    for photo in data["photos"]:
        if photo["data"] is not None:
            photo["data"] = base64.b64encode(photo["data"]).decode("ascii")
    for org in data["organizations"]:
        for key, default in _SPARSE_ORG:
            if org[key] == default:
                del org[key]
    for name in SPARSE_FIELDS:
        value = getattr(contact, name)
        if name == "phonetic":
            if value.given or value.middle or value.family or value.full:
                data[name] = plain(value)
        elif value:
            data[name] = plain(value)
    return data


def content_hash_of_data(data: dict[str, Any]) -> str:
    """``ParsedContact.content_hash()`` computed from :func:`contact_to_data`'s result.

    The bulk path needs both the stored data and the hash of every changed contact; deriving
    the hash from the data builds the plain dicts once instead of twice. The result is
    byte-for-byte the same hash (same canonical dict, same JSON settings).
    """
    return _hash_of_text(_canonical_text(canonical_of_data(data)))


def _c_encoder(sort_keys: bool) -> Callable[[Any], str]:
    """``json.dumps(value, sort_keys=sort_keys, ensure_ascii=False)`` for acyclic values,
    without what ``json.dumps`` does per call for non-default settings (a new
    ``JSONEncoder``, and in it a new C encoder): a few microseconds per contact.

    Uses the C encoder ``json`` itself builds, made once; falls back to the encoder's own
    ``encode`` where there is none (or it answers differently for a sample, checked here).
    """
    encoder = json.JSONEncoder(sort_keys=sort_keys, ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    try:
        chunks = make(None, encoder.default, json.encoder.encode_basestring, None, ": ", ", ",
                      sort_keys, False, True)
        sample = {"b": [1, None, True, "\u00e9\"\n"], "a": {"d": "x", "c": False}}
        if "".join(chunks(sample, 0)) != encoder.encode(sample):
            return encoder.encode
    except (TypeError, ValueError):  # another interpreter's private signature
        return encoder.encode
    return lambda value: "".join(chunks(value, 0))


#: ``json.dumps(value, sort_keys=True, ensure_ascii=False)``: THE encoding the content hash
#: digests. Changing any setting changes every stored hash, and the next sync of every book
#: would rewrite all its records.
_CANONICAL_ENCODE = _c_encoder(sort_keys=True)
#: ``json.dumps(value, ensure_ascii=False)``: the same text for a value whose dicts (at every
#: level) hold their keys in sorted order, without sorting them.
_ENCODE = _c_encoder(sort_keys=False)
#: Keys of :func:`contact_to_data`'s result that the hash leaves out (etag, earlier ids; all
#: always present), each with its JSON text.
_UNHASHED = tuple((name, _ENCODE(name)) for name in _FIELDS
                  if name not in canonical_field_names())


def _canonical_text(canonical: dict[str, Any]) -> str:
    return _CANONICAL_ENCODE(canonical)


def _hash_of_text(canonical_text: str) -> str:
    return hashlib.sha256(canonical_text.encode("utf-8")).hexdigest()


def stored_text_and_hash(contact: ParsedContact) -> tuple[str, str]:
    """``source_record.data`` of ``contact`` as JSON text, and its content hash, from ONE
    JSON encoding.

    Encoding each contact twice (once sorted for the hash, once for storage) was a sixth of a
    bulk import's parser CPU. Storage only needs text that ``json.loads`` turns back into
    :func:`contact_to_data`'s dict, so the stored text is the canonical text with the keys
    the hash leaves out (etag, earlier ids) spliced in front. Photos are digests in the
    canonical form but base64 in storage: a contact with photos is encoded twice.

    The canonical text is encoded without sorting: every dict :func:`contact_to_data` and
    :func:`canonical_of_data` build already holds its keys in sorted order (``plain``), which
    makes the same text as ``sort_keys=True`` for a third less. Hence a contact, not a dict,
    as the argument: a dict loaded from storage may hold its keys in any order.
    """
    data = contact_to_data(contact)
    if len(data) == len(_FIELDS) and not data["photos"]:
        # No sparse field and no photo (most contacts): the canonical form is the data
        # without the unhashed keys, already in sorted order.
        canonical = data.copy()
        for key, _ in _UNHASHED:
            del canonical[key]
    else:
        canonical = canonical_of_data(data)
    text = _ENCODE(canonical)
    content_hash = _hash_of_text(text)
    if data["photos"]:
        return _ENCODE(data), content_hash
    head = ", ".join(f"{key_text}: {_ENCODE(data[key])}" for key, key_text in _UNHASHED)
    # ``text`` is never "{}" (the canonical form always holds "photos"): "{HEAD, REST".
    return f"{{{head}, {text[1:]}", content_hash


def canonical_of_data(data: dict[str, Any]) -> dict[str, Any]:
    """The canonical form (what change detection compares) of :func:`contact_to_data`'s
    result: all but etag and renames, photos as digests, sparse fields only when set."""
    canonical = {name: data[name] for name in _CANONICAL_SORTED if name in data}
    if canonical["photos"]:
        canonical["photos"] = [
            {**p, "data": None if p["data"] is None
             else hashlib.sha256(base64.b64decode(p["data"])).hexdigest()}
            for p in canonical["photos"]
        ]
    return canonical


def contact_from_data(data: dict[str, Any]) -> ParsedContact:
    photos = []
    for p in data.get("photos", []):
        raw = p.get("data")
        photos.append(
            Photo(
                data=base64.b64decode(raw) if isinstance(raw, str) else None,
                mime_type=p.get("mime_type", ""),
                uri=p.get("uri", ""),
            )
        )
    return ParsedContact(
        external_id=data.get("external_id"),
        etag=data.get("etag", ""),
        name=Name(**data.get("name", {})),
        nickname=list(data.get("nickname", [])),
        emails=[ContactValue(**v) for v in data.get("emails", [])],
        phones=[ContactValue(**v) for v in data.get("phones", [])],
        addresses=[Address(**v) for v in data.get("addresses", [])],
        organizations=[Organization(**v) for v in data.get("organizations", [])],
        birthdays=[DateValue(**v) for v in data.get("birthdays", [])],
        anniversaries=[DateValue(**v) for v in data.get("anniversaries", [])],
        urls=[ContactValue(**v) for v in data.get("urls", [])],
        usernames=[ContactValue(**v) for v in data.get("usernames", [])],
        photos=photos,
        groups=list(data.get("groups", [])),
        notes=data.get("notes", ""),
        country=data.get("country", ""),
        deleted=bool(data.get("deleted", False)),
        previous_external_ids=list(data.get("previous_external_ids", [])),
        related=[Related(**v) for v in data.get("related", [])],
        gender=data.get("gender", ""),
        phonetic=Name(**data.get("phonetic", {})),
        time_zone=data.get("time_zone", ""),
        geo=data.get("geo", ""),
        languages=list(data.get("languages", [])),
        dates=[DateValue(**v) for v in data.get("dates", [])],
        file_as=data.get("file_as", ""),
        extra_properties=list(data.get("extra_properties", [])),
    )

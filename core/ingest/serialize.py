"""ParsedContact <-> JSON-able dict, for ``source_record.data`` and for worker processes.

Unlike ``ParsedContact.canonical()`` (which digests photos for hashing), this keeps photo
bytes (base64) so a record can be re-derived exactly, e.g. when the owner takes a source
value back or a merge is undone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import fields
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
_FIELDS = tuple(f.name for f in fields(ParsedContact)
                if f.name != "raw" and f.name not in SPARSE_FIELDS)


def contact_to_data(contact: ParsedContact) -> dict[str, Any]:
    data = {name: plain(getattr(contact, name)) for name in _FIELDS}
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


#: ``json.dumps(value, sort_keys=True, ensure_ascii=False)`` without building an encoder
#: per call (``json.dumps`` reuses its default encoder only for default settings).
_CANONICAL_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
#: ``json.dumps(value, ensure_ascii=False)``, likewise.
_PLAIN_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _canonical_text(canonical: dict[str, Any]) -> str:
    """THE encoding the content hash digests: changing any setting here changes every stored
    hash, and the next sync of every book would rewrite all its records."""
    return _CANONICAL_ENCODE(canonical)


def _hash_of_text(canonical_text: str) -> str:
    return hashlib.sha256(canonical_text.encode("utf-8")).hexdigest()


def stored_text_and_hash(data: dict[str, Any]) -> tuple[str, str]:
    """``source_record.data`` as JSON text, and the content hash, from ONE JSON encoding.

    Encoding each contact twice (once sorted for the hash, once for storage) was a sixth of a
    bulk import's parser CPU. Storage only needs text that ``json.loads`` turns back into
    ``data``, so the stored text is the canonical text (sorted keys, non-ASCII as is) with
    the keys the hash leaves out (etag, earlier ids) spliced in front. Photos are digests in
    the canonical form but base64 in storage: a contact with photos is encoded twice.
    """
    canonical = canonical_of_data(data)
    text = _canonical_text(canonical)
    content_hash = _hash_of_text(text)
    if data["photos"]:
        return _PLAIN_ENCODE(data), content_hash
    rest = [(key, value) for key, value in data.items() if key not in canonical]
    if not rest:
        return text, content_hash
    head = ", ".join(f"{_PLAIN_ENCODE(key)}: {_PLAIN_ENCODE(value)}" for key, value in rest)
    # ``text`` is never "{}" (the canonical form always holds "photos"): "{HEAD, REST".
    return f"{{{head}, {text[1:]}", content_hash


def canonical_of_data(data: dict[str, Any]) -> dict[str, Any]:
    """The canonical form (what change detection compares) of :func:`contact_to_data`'s
    result: all but etag and renames, photos as digests, sparse fields only when set."""
    canonical = {name: data[name] for name in canonical_field_names() if name in data}
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

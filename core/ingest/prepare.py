"""Turn a ParsedContact into what the write path stores: normalised handles and party fields.

Pure functions (no database), so they run anywhere and the engine's batch and single-record
paths share one definition of "what this contact says".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from core.ingest.child_rows import ChildRows, child_rows
from core.ingest.facts import contact_facts, search_words
from core.ingest.json_text import JSONText
from core.ingest.normalize import (
    NormalizedHandle,
    fold,
    normalize_email,
    normalize_phone,
    normalize_username,
    sort_key,
)
from core.ingest.parsed import ParsedContact
from core.ingest.phone_search import phone_index_words
from core.ingest.serialize import (
    contact_from_data,
    contact_to_data,
    content_hash_of_data,
    stored_text_and_hash,
)

#: Single-valued party fields a source can supply (each has provenance).
SOURCE_FIELDS = (
    "display_name",
    "given_name",
    "family_name",
    "middle_name",
    "name_prefix",
    "name_suffix",
    "nickname",
    "organization",
    "title",
    "notes",
    "birthday",
    "photo",
    "primary_email",
    "primary_phone",
)


@dataclass(slots=True)
class HandleUse:
    """One handle as a record lists it."""

    handle: NormalizedHandle
    label: str = ""
    is_primary: bool = False


@dataclass(slots=True)
class PreparedContact:
    contact: ParsedContact
    content_hash: str
    handles: list[HandleUse] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    #: Photo bytes travel beside ``fields`` (which holds only a digest, for comparisons).
    photo: tuple[bytes | None, str, str] | None = None
    #: ``source_record.data`` for this contact when the caller already built it: the dict,
    #: or (from a parser process) its JSON text as :class:`core.ingest.json_text.JSONText`.
    data: dict[str, Any] | str | None = None
    #: The columns of a party this record would create (:func:`new_party_columns`), when
    #: computed ahead (by :func:`prepare_for_write`, possibly in a worker process).
    party_row: dict[str, Any] | None = None
    #: Handles that may attach this record to an existing party, in priority order: the
    #: primary email, then valid phones (E.164). Computed once by :func:`prepare`.
    match_handles: list[NormalizedHandle] = field(default_factory=list)
    #: The record's addresses, dates, urls, facts and labels as rows, when worked out ahead
    #: (:func:`core.ingest.child_rows.child_rows`, in a parser process).
    children: ChildRows | None = None

    # What the write path asks of every record before it writes anything: read through
    # these (not ``contact``) so a :class:`LeanPrepared` never has to build its contact.
    @property
    def external_id(self) -> str | None:
        return self.contact.external_id

    @property
    def etag(self) -> str:
        return self.contact.etag

    @property
    def deleted(self) -> bool:
        return self.contact.deleted

    @property
    def previous_external_ids(self) -> list[str]:
        return self.contact.previous_external_ids

    @property
    def raw(self) -> Any:
        return self.contact.raw

    def data_dict(self) -> dict[str, Any] | None:
        """``data`` as a dict (parsed from its JSON text when it came as text)."""
        return json.loads(self.data) if isinstance(self.data, str) else self.data


_CONTACT_SLOT = PreparedContact.contact  # the slot, for LeanPrepared's lazy property


class LeanPrepared(PreparedContact):
    """A contact prepared in a parser process and handed to the writer without its
    :class:`ParsedContact`: only what the write path reads (ids, etag, hash, the stored
    data as JSON text, handles, fields, the party row, child rows). Rebuilding ~20 objects
    per contact was a sixth of a bulk import's writer; ``contact`` is rebuilt from the
    stored data only if something asks for it (a renamed duplicate id, a secured handle).
    """

    __slots__ = ("_head", "_raw")

    def __init__(self, head: tuple[str | None, str, bool, list[str]], raw: Any,
                 **prepared: Any) -> None:
        self._head = head  # external_id, etag, deleted, previous_external_ids
        self._raw = raw
        super().__init__(contact=None, **prepared)

    @property  # type: ignore[override]
    def contact(self) -> ParsedContact:
        found = _CONTACT_SLOT.__get__(self, PreparedContact)
        if found is None:
            found = contact_from_data(self.data_dict() or {})
            found.raw = self._raw
            _CONTACT_SLOT.__set__(self, found)
        return found

    @contact.setter
    def contact(self, value: ParsedContact | None) -> None:
        _CONTACT_SLOT.__set__(self, value)

    @property
    def external_id(self) -> str | None:
        return self._head[0]

    @property
    def etag(self) -> str:
        return self._head[1]

    @property
    def deleted(self) -> bool:
        return self._head[2]

    @property
    def previous_external_ids(self) -> list[str]:
        return self._head[3]

    @property
    def raw(self) -> Any:
        return self._raw


def _match_handles(uses: list[HandleUse]) -> list[NormalizedHandle]:
    emails = [u for u in uses if u.handle.platform == "email" and u.handle.is_valid]
    ordered: list[NormalizedHandle] = []
    if emails:
        primary = next((u for u in emails if u.is_primary), emails[0])
        ordered.append(primary.handle)
    ordered.extend(u.handle for u in uses if u.handle.platform == "phone" and u.handle.is_valid)
    return ordered


def _handles(contact: ParsedContact, region: str) -> list[HandleUse]:
    uses: list[HandleUse] = []
    seen: set[tuple[str, str]] = set()

    def add(h: NormalizedHandle | None, label: str, primary: bool) -> None:
        if h is None or (h.platform, h.value) in seen:
            return
        seen.add((h.platform, h.value))
        uses.append(HandleUse(h, label, primary))

    for v in contact.emails:
        add(normalize_email(v.value), v.label, v.primary)
    phone_region = contact.country or region
    for v in contact.phones:
        add(normalize_phone(v.value, phone_region), v.label, v.primary)
    for v in contact.usernames:
        add(normalize_username(v.value, v.platform), v.label, v.primary)
    return uses


def _primary(uses: list[HandleUse], platform: str) -> str:
    """The record's preferred email or phone as the source wrote it ("Frank_Dawson@Lotus.com",
    "(905) 555-1234"): what the contact list shows. Keys (case-folded, E.164) stay on the
    handles, which alone decide identity."""
    candidates = [u for u in uses if u.handle.platform == platform]
    if not candidates:
        return ""
    chosen = next((u for u in candidates if u.is_primary), candidates[0]).handle
    return chosen.display_value or chosen.value


def prepare(
    contact: ParsedContact, region: str = "", *, content_hash: str | None = None,
    data: dict[str, Any] | str | None = None,
) -> PreparedContact:
    """Normalise once; the engine only ever looks at the result."""
    uses = _handles(contact, region)
    name = contact.name
    # The party shows the first current organisation (a past job only when there is no other).
    orgs = contact.organizations
    org = next((o for o in orgs if o.current), orgs[0]) if orgs else None
    photo = contact.photos[0] if contact.photos else None
    photo_digest = ""
    if photo is not None:
        if photo.data:
            photo_digest = "sha256:" + hashlib.sha256(photo.data).hexdigest()
        elif photo.uri:
            photo_digest = photo.uri
    fields: dict[str, Any] = {
        "display_name": contact.display_name.strip(),
        "given_name": name.given.strip(),
        "family_name": name.family.strip(),
        "middle_name": name.middle.strip(),
        "name_prefix": name.prefix.strip(),
        "name_suffix": name.suffix.strip(),
        "nickname": ", ".join(n.strip() for n in contact.nickname if n.strip()),
        "organization": org.name.strip() if org else "",
        "title": org.title.strip() if org else "",
        "notes": contact.notes.strip(),
        "birthday": contact.birthdays[0].iso() if contact.birthdays else "",
        "photo": photo_digest,
        "primary_email": _primary(uses, "email"),
        "primary_phone": _primary(uses, "phone"),
    }
    return PreparedContact(
        contact=contact,
        content_hash=content_hash or contact.content_hash(),
        handles=uses,
        fields=fields,
        photo=(photo.data, photo.mime_type, photo.uri) if photo else None,
        data=data,
        match_handles=_match_handles(uses),
    )


def prepare_for_write(contact: ParsedContact, region: str = "", *,
                      data_as_text: bool = False) -> PreparedContact:
    """Everything the write path derives from a contact, including the stored data and its
    content hash. Pure, so bulk importers run it in their worker processes.

    ``data_as_text`` gives the stored data as :class:`JSONText` from the same JSON encoding
    as the hash (:func:`stored_text_and_hash`), for a parser process that sends it as text
    anyway: one encoding per contact instead of two."""
    if data_as_text:
        text, content_hash = stored_text_and_hash(contact)
        prepared = prepare(contact, region, content_hash=content_hash, data=JSONText(text))
    else:
        data = contact_to_data(contact)
        prepared = prepare(contact, region, content_hash=content_hash_of_data(data), data=data)
    # The facts serve both the party's search words and the record's child rows.
    facts = contact_facts(contact)
    prepared.children = child_rows(contact, facts)
    prepared.party_row = new_party_columns(prepared, facts)
    return prepared


def new_party_columns(prepared: PreparedContact,
                      facts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Columns of the party a new record starts (all but the timestamps): its fields, sort
    and search text, kind, and empty counters and flags (``facts``: the contact's
    :func:`contact_facts`, when already worked out)."""
    fields = prepared.fields
    row = party_columns(fields, prepared.photo)
    organization_only = not (fields["given_name"] or fields["family_name"]) and fields[
        "organization"] and fields["display_name"] == fields["organization"]
    row.update(
        kind="organization" if organization_only else "person", role="contact",
        handle_count=0, needs_disambiguation=False, needs_archival_review=False,
        search_text=search_text(fields, sorted(u.handle.value for u in prepared.handles),
                                search_words(prepared.contact, facts)),
    )
    return row


def party_columns(fields: dict[str, Any], photo: tuple[bytes | None, str, str] | None) -> dict:
    """Party column values for the given derived fields (photo expanded to its columns)."""
    columns = {k: v for k, v in fields.items() if k != "photo"}
    if "photo" in fields:
        data, mime, uri = photo if photo else (None, "", "")
        columns.update(photo=data, photo_mime=mime or "", photo_uri=uri or "")
    if {"family_name", "given_name", "display_name"} & fields.keys():
        columns["sort_name"] = sort_key(
            fields.get("family_name", ""), fields.get("given_name", ""),
            fields.get("display_name", ""),
        )
    return columns


def search_text(fields: dict[str, Any], handle_values: list[str],
                extra: list[str] | tuple[str, ...] = ()) -> str:
    """What search-as-you-type matches: names, nickname, organisation, emails, phones, and
    ``extra`` words (departments, roles, related people: :func:`facts.search_words`)."""
    names = [
        fields.get("display_name", ""),
        fields.get("given_name", ""),
        fields.get("family_name", ""),
        fields.get("nickname", ""),
        fields.get("organization", ""),
        *extra,
    ]
    handles: list[str] = []
    for value in handle_values:
        handles.append(value)
        # A phone is found in any form the owner types (core.ingest.phone_search).
        handles.extend(phone_index_words(value))
    # fold(" ".join(names + handles)), folded in two parts: the handles (two thirds of the
    # text) are nearly always ASCII, which fold() takes a fast way, and fold(a + " " + b) is
    # fold(a) + " " + fold(b) (it works character by character; whitespace separates).
    folded = (fold(" ".join(p for p in names if p)), fold(" ".join(p for p in handles if p)))
    return " ".join(p for p in folded if p)

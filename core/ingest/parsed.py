"""The neutral contact model every provider emits.

Every source (vCard file, Google People API, CardDAV) turns what it reads into
``ParsedContact`` objects; the ingest engine is the one place that writes them to the
database. Keeping this model plain (dataclasses, str/int only) lets providers run in worker
processes and lets the engine hash a contact's content deterministically.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def plain(value: Any) -> Any:
    """Dataclasses and lists to dicts and lists; a fast ``asdict`` (no deepcopy).

    The value classes below hold only scalars, so one level of dict building suffices for
    them; this runs for every contact of every sync, hence the care. Every dict holds its
    keys in sorted order: the content hash's JSON then needs no sorting (core.ingest.serialize).
    """
    if isinstance(value, list):
        if not value:
            return []
        names = _FLAT.get(type(value[0]))
        if names is not None:
            return [{n: getattr(v, n) for n in names} for v in value]
        if isinstance(value[0], str):
            return list(value)  # nicknames, groups, languages...: plain strings
        return [plain(v) for v in value]
    names = _FLAT.get(type(value))
    if names is not None:
        return {name: getattr(value, name) for name in names}
    fields_of = getattr(value, "__dataclass_fields__", None)
    if fields_of is not None:
        return {name: plain(getattr(value, name)) for name in sorted(fields_of)}
    return value


@dataclass(slots=True)
class Name:
    """Structured name parts; ``full`` is the formatted name the source shows."""

    full: str = ""
    given: str = ""
    family: str = ""
    middle: str = ""
    prefix: str = ""
    suffix: str = ""


@dataclass(slots=True)
class ContactValue:
    """One email, phone, url or username with its label (home, work, mobile, X-ABLabel...)."""

    value: str
    label: str = ""
    primary: bool = False
    #: For usernames/IM: the platform ("telegram", "skype", "twitter"...). Empty otherwise.
    platform: str = ""


@dataclass(slots=True)
class Address:
    label: str = ""
    po_box: str = ""
    extended: str = ""
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""

    def is_blank(self) -> bool:
        return not any(
            (self.po_box, self.extended, self.street, self.locality, self.region,
             self.postal_code, self.country)
        )


@dataclass(slots=True)
class Organization:
    """One organisation the contact belongs to; the first listed is the one the party shows.

    ``current`` is False for a past job (People API ``current: false``); ``role`` is the
    vCard ROLE (the function, "Counting Money") beside the TITLE (the position).
    """

    name: str = ""
    title: str = ""
    department: str = ""
    role: str = ""
    current: bool = True


@dataclass(slots=True)
class DateValue:
    """A calendar date whose year may be unknown (vCard ``--MM-DD``)."""

    month: int
    day: int
    year: int | None = None
    label: str = ""

    def iso(self) -> str:
        """``YYYY-MM-DD`` or ``--MM-DD`` when the year is unknown (RFC 6350 style)."""
        if self.year:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return f"--{self.month:02d}-{self.day:02d}"


@dataclass(slots=True)
class Related:
    """A related person as the source names them, with the relation ("spouse", "manager", a
    custom label); ``uri`` when the source links to another card (RFC 6350 RELATED)."""

    name: str = ""
    relation: str = ""
    uri: str = ""


@dataclass(slots=True)
class Photo:
    """A photo either inline (``data`` as bytes) or by reference (``uri``)."""

    data: bytes | None = None
    mime_type: str = ""
    uri: str = ""


@dataclass(slots=True)
class ParsedContact:
    """One contact exactly as one source holds it, in neutral form.

    ``external_id`` is the source's stable key (vCard UID, Google resourceName, CardDAV href).
    ``etag`` is the source's change marker when it has one; the engine also hashes the content,
    so a source without etags still gets "unchanged -> no writes".
    """

    external_id: str | None
    etag: str = ""
    name: Name = field(default_factory=Name)
    nickname: list[str] = field(default_factory=list)
    emails: list[ContactValue] = field(default_factory=list)
    phones: list[ContactValue] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    birthdays: list[DateValue] = field(default_factory=list)
    anniversaries: list[DateValue] = field(default_factory=list)
    urls: list[ContactValue] = field(default_factory=list)
    usernames: list[ContactValue] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    notes: str = ""
    #: Country (ISO 3166 alpha-2) the source says this contact lives in; helps phone parsing.
    country: str = ""
    deleted: bool = False
    #: The source's own representation (vCard text, People API JSON) for audit and re-parse.
    raw: Any = None
    #: Earlier external ids of the same record (Google ``previousResourceNames``).
    previous_external_ids: list[str] = field(default_factory=list)
    # --- added for issue 14 (lossless contacts); new fields only, appended -----------------
    #: Related people with their relation (spouse, child, manager, assistant, custom).
    related: list[Related] = field(default_factory=list)
    #: As the source wrote it: "female", "M", "Non-binary"... (vCard GENDER's sex or text).
    gender: str = ""
    #: Phonetic name parts (Apple/Android X-PHONETIC-*, Google phonetic*), in ``given`` etc.
    phonetic: Name = field(default_factory=Name)
    #: Time zone as written ("America/New_York", "-05:00").
    time_zone: str = ""
    #: Position as written ("geo:37.386013,-122.082932" or "37.386013;-122.082932").
    geo: str = ""
    #: Preferred languages (vCard LANG, People API locales), as tags ("en-US", "fr").
    languages: list[str] = field(default_factory=list)
    #: Other labelled dates (X-ABDATE with a label other than anniversary, Google events).
    dates: list[DateValue] = field(default_factory=list)
    #: "File as" / sort string the source keeps (X-EVOLUTION-FILE-AS, SORT-STRING).
    file_as: str = ""
    #: Source properties Kith does not model, as unfolded content lines written back verbatim
    #: on export ("X-FOO;TYPE=bar:baz"), so an import-export round trip loses nothing.
    extra_properties: list[str] = field(default_factory=list)

    def canonical(self) -> dict[str, Any]:
        """The content that matters for change detection: everything but raw and etag (the
        fields added later only when set, so older hashes still match; see serialize)."""
        from core.ingest.serialize import canonical_of_data, contact_to_data

        return canonical_of_data(contact_to_data(self))

    def content_hash(self) -> str:
        """A stable SHA-256 of :meth:`canonical`; equal content gives an equal hash.

        Computed in one place (``serialize.content_hash_of_data``), which the write path
        calls on the data it stores anyway."""
        from core.ingest.serialize import contact_to_data, content_hash_of_data

        return content_hash_of_data(contact_to_data(self))

    @property
    def display_name(self) -> str:
        n = self.name
        if n.full:
            return n.full
        parts = [p for p in (n.prefix, n.given, n.middle, n.family, n.suffix) if p]
        if parts:
            return " ".join(parts)
        if self.organizations and self.organizations[0].name:
            return self.organizations[0].name
        if self.emails:
            return self.emails[0].value
        if self.phones:
            return self.phones[0].value
        return ""


#: The value classes (scalars only) with their field names in sorted order.
_FLAT = {cls: tuple(sorted(f.name for f in fields(cls)))
         for cls in (Name, ContactValue, Address, Organization, DateValue, Photo, Related)}
_CANONICAL_FIELDS = tuple(
    f.name for f in fields(ParsedContact) if f.name not in ("raw", "etag", "previous_external_ids")
)


def canonical_field_names() -> tuple[str, ...]:
    """The fields :meth:`ParsedContact.canonical` covers (all but raw, etag and renames)."""
    return _CANONICAL_FIELDS

"""What the contact editor edits: plain data, light to import (no SQLAlchemy).

The editor dialog (ui.contact_editor) builds and reads these on the GUI thread; the write
side (core.ingest.local_contacts) turns them into the local record and local edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Single-valued fields the editor shows, in its order.
TEXT_FIELDS = ("display_name", "name_prefix", "given_name", "middle_name", "family_name",
               "name_suffix", "nickname", "organization", "title", "notes")
ADDRESS_PARTS = ("street", "extended", "po_box", "postal_code", "locality", "region",
                 "country")


@dataclass(slots=True)
class DraftValue:
    """An email, phone or web page. ``source`` is "" for the owner's own value (editable);
    otherwise where it came from ("vcard: phone.vcf"), and it stays as that source has it."""

    value: str
    label: str = ""
    source: str = ""
    handle_id: int | None = None


@dataclass(slots=True)
class DraftAddress:
    label: str = ""
    street: str = ""
    extended: str = ""
    po_box: str = ""
    postal_code: str = ""
    locality: str = ""
    region: str = ""
    country: str = ""
    source: str = ""

    def is_blank(self) -> bool:
        return not any(getattr(self, p).strip() for p in ADDRESS_PARTS)


@dataclass(slots=True)
class DraftDate:
    kind: str  # "birthday" or "anniversary"
    month: int
    day: int
    year: int | None = None
    label: str = ""
    source: str = ""


@dataclass(slots=True)
class ContactDraft:
    """Everything the editor edits; plain data that crosses to the GUI thread and back."""

    fields: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TEXT_FIELDS, ""))
    emails: list[DraftValue] = field(default_factory=list)
    phones: list[DraftValue] = field(default_factory=list)
    urls: list[DraftValue] = field(default_factory=list)
    addresses: list[DraftAddress] = field(default_factory=list)
    dates: list[DraftDate] = field(default_factory=list)

    def shown_name(self) -> str:
        """The name the contact is shown by: the display name, else one made of its parts."""
        return self.fields.get("display_name", "").strip() or self.made_name()

    def made_name(self) -> str:
        """The name made of the name parts (or the organisation)."""
        f = self.fields
        parts = [f.get(k, "").strip() for k in ("name_prefix", "given_name", "middle_name",
                                                "family_name", "name_suffix")]
        return " ".join(p for p in parts if p) or f.get("organization", "").strip()

"""Where one CSV column goes in a contact: a :class:`Target` and its text form.

A column mapping is one target per column. The text form is what ``kith import --map
column=field`` takes and what the remembered mapping stores, so it must stay stable:
``kind[.part][:label][#slot]``, e.g. ``name.given``, ``email:work``, ``phone:mobile``,
``address.street:home``, ``org.title``, and for exports that put a value and its label in
two columns (Google's ``E-mail 1 - Value`` / ``E-mail 1 - Label``) ``email#1`` and
``email.label#1``. A few short aliases (``given``, ``family``, ``company``...) are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds with their allowed parts ("" = the value itself).
KIND_PARTS: dict[str, tuple[str, ...]] = {
    "name": ("full", "given", "middle", "family", "prefix", "suffix"),
    "nickname": ("",),
    "email": ("", "label"),
    "phone": ("", "label"),
    "url": ("", "label"),
    "im": ("", "label", "platform"),
    "address": ("street", "locality", "region", "postal_code", "country", "po_box",
                "extended", "formatted", "label"),
    "org": ("name", "title", "department"),
    "birthday": ("", "year", "month", "day"),
    "anniversary": ("", "year", "month", "day"),
    "event": ("", "label"),
    "notes": ("",),
    "groups": ("",),
    "photo": ("",),
    "skip": ("",),
}

ALIASES: dict[str, str] = {
    "given": "name.given", "first": "name.given", "first_name": "name.given",
    "middle": "name.middle", "family": "name.family", "last": "name.family",
    "last_name": "name.family", "full_name": "name.full", "name": "name.full",
    "prefix": "name.prefix", "suffix": "name.suffix", "company": "org.name",
    "organization": "org.name", "title": "org.title", "job_title": "org.title",
    "department": "org.department", "note": "notes", "website": "url", "category": "groups",
    "street": "address.street", "city": "address.locality", "postal_code":
    "address.postal_code", "zip": "address.postal_code", "country": "address.country",
    "region": "address.region", "state": "address.region",
}


@dataclass(frozen=True, slots=True)
class Target:
    """One column's destination. ``slot`` ties a value column to its label column."""

    kind: str
    part: str = ""
    label: str = ""
    slot: str = ""

    @property
    def skipped(self) -> bool:
        return self.kind == "skip"

    def text(self) -> str:
        out = self.kind + (f".{self.part}" if self.part else "")
        if self.label:
            out += f":{self.label}"
        if self.slot:
            out += f"#{self.slot}"
        return out


SKIP = Target("skip")


def parse_target(text: str) -> Target:
    """``email:work`` -> Target("email", label="work"); ValueError names what is wrong."""
    raw = text.strip()
    if not raw:
        raise ValueError("empty field name")
    body, _, slot = raw.partition("#")
    body, _, label = body.partition(":")
    body = ALIASES.get(body.strip().lower(), body.strip().lower())
    kind, _, part = body.partition(".")
    if kind not in KIND_PARTS:
        known = ", ".join(sorted(k for k in KIND_PARTS if k != "skip"))
        raise ValueError(f"unknown field {text!r}; fields are {known} (or skip)")
    parts = KIND_PARTS[kind]
    if part not in parts:
        if part == "" and "" not in parts:
            part = parts[0]
        else:
            raise ValueError(f"unknown part {part!r} of {kind!r}; parts are "
                             + ", ".join(p for p in parts if p))
    return Target(kind, part, label.strip().lower(), slot.strip())


_WORDS = {
    "name.full": "Full name", "name.given": "First name", "name.middle": "Middle name",
    "name.family": "Last name", "name.prefix": "Name prefix", "name.suffix": "Name suffix",
    "nickname": "Nickname", "email": "Email", "phone": "Phone", "url": "Website",
    "im": "Chat username", "im.platform": "Chat username", "org.name": "Company",
    "org.title": "Job title",
    "org.department": "Department", "birthday": "Birthday", "anniversary": "Anniversary",
    "birthday.year": "Birthday year", "birthday.month": "Birthday month",
    "birthday.day": "Birthday day", "anniversary.year": "Anniversary year",
    "anniversary.month": "Anniversary month", "anniversary.day": "Anniversary day",
    "event": "Date", "notes": "Notes", "groups": "Groups", "photo": "Photo (web address)",
    "skip": "Don't import",
    "address.street": "street", "address.locality": "city", "address.region": "state/region",
    "address.postal_code": "postal code", "address.country": "country",
    "address.po_box": "PO box", "address.extended": "address line 2",
    "address.formatted": "full address",
}


def describe(target: Target) -> str:
    """Plain words for a target, as the import dialog lists it: "Work email", "Home city",
    "Email 2 label" (numbered columns as Google exports them)."""
    key = target.kind + (f".{target.part}" if target.part and target.part != "label" else "")
    words = _WORDS.get(key, key)
    if target.kind == "address":
        if target.slot:
            words = f"Address {target.slot} {'label' if target.part == 'label' else words}"
        else:
            words = f"{(target.label or 'other').capitalize()} {words}"
        return words
    if target.label:
        label = target.label.replace(",", " ").capitalize()
        words = f"{label} {words[0].lower() + words[1:]}"
    if target.slot:
        words = f"{words} {target.slot}"
    if target.part == "label":
        words = f"{words} label"
    elif target.part == "platform":
        words = f"{words} service"
    return words


#: What the import dialog offers in every column's list (besides the detected target).
COMMON: tuple[Target, ...] = (
    SKIP, Target("name", "given"), Target("name", "middle"), Target("name", "family"),
    Target("name", "full"), Target("name", "prefix"), Target("name", "suffix"),
    Target("nickname"), Target("email"), Target("email", label="home"),
    Target("email", label="work"), Target("phone"), Target("phone", label="mobile"),
    Target("phone", label="home"), Target("phone", label="work"), Target("url"),
    Target("org", "name"), Target("org", "title"), Target("org", "department"),
    Target("birthday"), Target("anniversary"), Target("notes"), Target("groups"),
    *(Target("address", p, label=lab) for lab in ("home", "work")
      for p in ("street", "locality", "region", "postal_code", "country")),
)

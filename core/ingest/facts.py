"""What a contact says beyond the party's single-valued columns, as ``party_fact`` rows.

One definition of "the facts of a contact" serves the write path (rows per source record),
search (the words worth finding a person by: organisations, departments, roles, related
people) and the way back to a :class:`ParsedContact` for export.
"""

from __future__ import annotations

from typing import Any

from core.ingest.parsed import Name, Organization, ParsedContact, Related

#: Single-text facts: kind -> ParsedContact attribute.
SIMPLE_KINDS = {"gender": "gender", "time_zone": "time_zone", "geo": "geo",
                "file_as": "file_as"}
PHONETIC_KINDS = {"phonetic_given": "given", "phonetic_middle": "middle",
                  "phonetic_family": "family"}
#: vCard GENDER's sex letters in words.
SEXES = {"M": "male", "F": "female", "O": "other", "N": "none", "U": "unknown"}
#: Kinds whose text search matches.
SEARCHED_KINDS = ("organization", "related")


def contact_facts(contact: ParsedContact) -> list[dict[str, Any]]:
    """``{kind, label, value, data, position}`` per fact, in the contact's order."""
    rows: list[dict[str, Any]] = []

    def add(kind: str, value: str, label: str = "", data: Any = None) -> None:
        rows.append({"kind": kind, "label": label[:64], "value": value, "data": data,
                     "position": len(rows)})

    orgs = [o for o in contact.organizations if o.name or o.department or o.title or o.role]
    # One current organisation with a name and title only is all in the party's columns.
    plain = len(orgs) == 1 and orgs[0].current and not (orgs[0].department or orgs[0].role)
    for org in [] if plain else orgs:
        if org.name or org.department or org.title or org.role:
            add("organization", org_words(org), "" if org.current else "past",
                {"name": org.name, "department": org.department, "title": org.title,
                 "role": org.role, "current": org.current})
    for rel in contact.related:
        add("related", rel.name or rel.uri, rel.relation, {"uri": rel.uri} if rel.uri else None)
    for kind, attr in SIMPLE_KINDS.items():
        value = getattr(contact, attr)
        if value:
            add(kind, value)
    for kind, attr in PHONETIC_KINDS.items():
        value = getattr(contact.phonetic, attr)
        if value:
            add(kind, value)
    for lang in contact.languages:
        add("language", lang)
    return rows


def org_words(org: Organization) -> str:
    """An organisation as one line of text: "Acme, Accounting - Counting Money"."""
    head = ", ".join(p for p in (org.name, org.department) if p)
    tail = " - ".join(p for p in (org.title, org.role) if p)
    return " · ".join(p for p in (head, tail) if p)


def search_words(contact: ParsedContact,
                 facts: list[dict[str, Any]] | None = None) -> list[str]:
    """Organisations with departments, titles and roles; related people's names: the same
    words :func:`fact_search_words` gives from the stored rows, so a party's search text is
    the same whether built at insert or refreshed later. ``facts``: the contact's
    :func:`contact_facts` when the caller already has them."""
    words: list[str] = []
    for fact in contact_facts(contact) if facts is None else facts:
        if fact["kind"] in SEARCHED_KINDS:
            for word in fact_search_words(fact["kind"], fact["data"], fact["value"]):
                if word not in words:
                    words.append(word)
    return words


def fact_search_words(kind: str, data: Any, value: str) -> list[str]:
    """The same words from a stored fact row (for search refreshes)."""
    if kind == "organization" and isinstance(data, dict):
        return [str(data.get(k) or "") for k in ("name", "department", "title", "role")
                if data.get(k)]
    if kind == "related":
        return [value] if value and not (isinstance(data, dict) and data.get("uri") == value) \
            else []
    return []


def apply_facts(contact: ParsedContact, facts: list[tuple[str, str, str, Any]]) -> None:
    """Fill ``contact`` from stored ``(kind, label, value, data)`` rows (export)."""
    phonetic: dict[str, str] = {}
    for kind, label, value, data in facts:
        data = data if isinstance(data, dict) else {}
        if kind == "organization":
            org = Organization(name=data.get("name", ""), title=data.get("title", ""),
                               department=data.get("department", ""),
                               role=data.get("role", ""), current=data.get("current", True))
            if org not in contact.organizations:
                contact.organizations.append(org)
        elif kind == "related":
            rel = Related(name="" if data.get("uri") == value else value, relation=label,
                          uri=data.get("uri", ""))
            if rel not in contact.related:
                contact.related.append(rel)
        elif kind in SIMPLE_KINDS:
            if not getattr(contact, SIMPLE_KINDS[kind]):
                setattr(contact, SIMPLE_KINDS[kind], value)
        elif kind in PHONETIC_KINDS:
            phonetic.setdefault(PHONETIC_KINDS[kind], value)
        elif kind == "language" and value not in contact.languages:
            contact.languages.append(value)
    if phonetic:
        contact.phonetic = Name(**phonetic)


def gender_words(gender: str) -> str:
    """"F;woman" -> "Female (woman)"; "M" -> "Male"; ";fluid" -> "fluid"."""
    sex, _, identity = gender.partition(";")
    words = SEXES.get(sex.upper(), sex).capitalize() if sex else ""
    if words and identity:
        return f"{words} ({identity})"
    return words or identity

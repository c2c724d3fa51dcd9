"""What a source record owns besides its handles, as plain tuples ready for the database.

Pure (no database, no SQLAlchemy), so a bulk import works it out in its parser processes
and hands the writer tuples it only has to prefix with the record's and party's ids
(core.ingest.children writes them).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from core.ingest.facts import contact_facts
from core.ingest.parsed import ParsedContact

#: Column order of each kind of row (after ``party_id, source_record_id``).
ADDRESS_COLUMNS = ("label", "po_box", "extended", "street", "locality", "region",
                   "postal_code", "country")
DATE_COLUMNS = ("kind", "label", "year", "month", "day")
URL_COLUMNS = ("url", "label")
FACT_COLUMNS = ("kind", "label", "value", "data", "position")


class ChildRows(NamedTuple):
    addresses: list[tuple[str, ...]]
    dates: list[tuple[Any, ...]]
    urls: list[tuple[str, str]]
    facts: list[tuple[Any, ...]]
    #: Label names (stripped, each once).
    groups: list[str]


def child_rows(contact: ParsedContact,
               facts: list[dict[str, Any]] | None = None) -> ChildRows:
    """The addresses, dates, urls, facts and label names ``contact`` gives its record
    (``facts``: its :func:`contact_facts`, when the caller already worked them out)."""
    addresses = [
        (a.label[:64], a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code,
         a.country)
        for a in contact.addresses if not a.is_blank()
    ]
    dates = [
        (kind, d.label[:64], d.year, d.month, d.day)
        for kind, values in (("birthday", contact.birthdays),
                             ("anniversary", contact.anniversaries), ("date", contact.dates))
        for d in values
    ]
    urls = [(u.value.strip(), u.label[:64]) for u in contact.urls if u.value.strip()]
    facts = [(f["kind"], f["label"], f["value"], f["data"], f["position"])
             for f in (contact_facts(contact) if facts is None else facts)]
    groups = list(dict.fromkeys(g.strip() for g in contact.groups if g.strip()))
    return ChildRows(addresses, dates, urls, facts, groups)

"""Comparing two databases contact by contact, for the export -> re-import round trip.

Used by the client-corpus test and by the ``vcard`` benchmark's round-trip check, so both
hold the same definition of "the same contacts": every exported field (what the owner sees,
ids aside), each handle's key, written form and validity, and who owns each handle.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.db.engine import Database
from core.db.models import Handle, Party
from core.sync.providers.vcard.export import write_vcard_file
from core.views.export import iter_contacts
from core.views.party import party_detail


def export_file(db: Database, path: Path, version: str) -> int:
    """Export every contact of ``db`` to ``path``; how many were written."""
    with db.session() as s:
        return write_vcard_file(path, iter_contacts(s), version)


def _who(party: Party | None) -> str:
    if party is None:
        return ""
    return f"{party.display_name} <{party.primary_email or party.primary_phone}>"


def contact_fingerprints(db: Database) -> list[str]:
    """Every contact as exported (canonical form, external id aside) as a digest, sorted: a
    multiset small enough for 100,000 contacts (``detail_view`` shows differences)."""
    out = []
    with db.session() as s:
        for contact in iter_contacts(s):
            data = contact.canonical()
            data.pop("external_id")
            text = json.dumps(data, sort_keys=True, ensure_ascii=False)
            out.append(hashlib.sha256(text.encode("utf-8")).hexdigest())
    return sorted(out)


def handle_owners(db: Database) -> list[tuple[str, str, str, bool, str]]:
    """(platform, key, written form, valid, owner) for every handle."""
    with db.session() as s:
        owners = {p.id: _who(p) for p in s.scalars(select(Party))}
        rows = s.execute(select(Handle.platform, Handle.value, Handle.display_value,
                                Handle.is_valid, Handle.party_id))
        return sorted((p, v, d, bool(ok), owners.get(pid, "")) for p, v, d, ok, pid in rows)


def detail_view(db: Database) -> dict[str, dict[str, Any]]:
    """What the contact card shows, per display name (the corpus's names are unique)."""
    found: dict[str, dict[str, Any]] = {}
    with db.session() as s:
        ids = s.scalars(select(Party.id).where(Party.merged_into_id.is_(None))
                        .order_by(Party.id)).all()
        for pid in ids:
            d = party_detail(s, pid)
            party = s.get(Party, pid)
            found[d.display_name] = {
                "names": (d.given_name, d.family_name, d.middle_name, d.nickname),
                "work": (d.organization, d.title), "notes": d.notes, "birthday": d.birthday,
                "handles": sorted((h.platform, h.value, h.display_value, h.label, h.is_valid,
                                   h.resolved_owner_name) for h in d.handles),
                "addresses": sorted(json.dumps({k: v for k, v in a.items() if k != "source"},
                                               sort_keys=True) for a in d.addresses),
                "dates": sorted((x["kind"], x["label"], x["date"]) for x in d.dates),
                "urls": sorted((u["url"], u["label"]) for u in d.urls),
                "labels": d.labels,
                "lines": [(x.section, x.label, x.value) for x in d.extra_lines],
                "photo": (party.photo, party.photo_mime, party.photo_uri),
            }
    return found

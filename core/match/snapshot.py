"""What a merge must remember to be undone exactly, as JSON the decision row can hold.

The snapshot holds every column of every party in the merge, their field provenance, their
handle links (with verdicts and timestamps), which party each source record belonged to
(with its fields and content hash at the time, so changes made by later syncs can be
re-applied to the right party on unmerge), the owner's local details, and the review state
of the pairs inside the group.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import (
    Address,
    FieldProvenance,
    ImportantDate,
    LabelMembership,
    MergeSuggestion,
    Party,
    PartyFact,
    PartyHandleLink,
    PartyUrl,
    SourceAccount,
    SourceRecord,
)
from core.ingest.children import record_handle_ids
from core.ingest.prepare import prepare
from core.ingest.serialize import contact_from_data

#: Party columns a snapshot restores (everything but the primary key).
PARTY_COLUMNS = tuple(c.key for c in Party.__table__.columns if c.key != "id")
LINK_COLUMNS = ("party_id", "handle_id", "confidence", "source", "is_confirmed", "is_dismissed",
                "is_primary", "label", "created_at", "updated_at")
LOCAL_CHILDREN = {"address": Address, "important_date": ImportantDate, "party_url": PartyUrl,
                  "party_fact": PartyFact,
                  "label_membership": LabelMembership}
_DATETIME_COLUMNS = {"created_at", "updated_at", "archived_at"}


def _encode(key: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def decode_party(columns: dict[str, Any]) -> dict[str, Any]:
    out = dict(columns)
    for key in _DATETIME_COLUMNS:
        if out.get(key):
            out[key] = datetime.fromisoformat(out[key])
    if out.get("photo"):
        out["photo"] = base64.b64decode(out["photo"])
    return out


def decode_link(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("created_at", "updated_at"):
        if out.get(key):
            out[key] = datetime.fromisoformat(out[key])
    return out


def record_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The party fields a record's data yields (photo as a digest: small and comparable)."""
    return prepare(contact_from_data(data)).fields if data else {}


def take_snapshot(session: Session, party_ids: list[int]) -> dict[str, Any]:
    parties: dict[str, Any] = {}
    for pid in party_ids:
        party = session.get(Party, pid)
        assert party is not None
        parties[str(pid)] = {c: _encode(c, getattr(party, c)) for c in PARTY_COLUMNS}
    provenance = [
        {"party_id": r.party_id, "field": r.field, "source_record_id": r.source_record_id,
         "is_local": r.is_local, "value": r.value, "updated_at": r.updated_at.isoformat()}
        for r in session.scalars(select(FieldProvenance).where(
            FieldProvenance.party_id.in_(party_ids)).order_by(FieldProvenance.id))
    ]
    records: dict[str, Any] = {}
    rows = session.execute(
        select(SourceRecord.id, SourceRecord.party_id, SourceRecord.content_hash,
               SourceRecord.data, SourceAccount.provider, SourceAccount.account_id,
               SourceRecord.external_id, SourceRecord.deleted_at)
        .join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
        .where(SourceRecord.party_id.in_(party_ids)).order_by(SourceRecord.id)
    )
    for rid, pid, chash, data, provider, account, ext, deleted_at in rows:
        records[str(rid)] = {
            "party_id": pid, "content_hash": chash, "fields": record_fields(data or {}),
            "live": deleted_at is None,
            "key": [provider, account, ext],
            "handles": sorted(record_handle_ids(session, [rid])),
        }
    links = [
        {"id": link.id, **{c: _encode(c, getattr(link, c)) for c in LINK_COLUMNS}}
        for link in session.scalars(select(PartyHandleLink).where(
            PartyHandleLink.party_id.in_(party_ids)).order_by(PartyHandleLink.id))
    ]
    local: dict[str, list[list[int]]] = {}
    for name, model in LOCAL_CHILDREN.items():
        local[name] = [
            [rid, pid] for rid, pid in session.execute(
                select(model.id, model.party_id).where(
                    model.party_id.in_(party_ids), model.source_record_id.is_(None)
                ).order_by(model.id))
        ]
    suggestions = [
        {"party_a_id": s.party_a_id, "party_b_id": s.party_b_id, "status": s.status}
        for s in session.scalars(select(MergeSuggestion).where(
            MergeSuggestion.party_a_id.in_(party_ids), MergeSuggestion.party_b_id.in_(party_ids)))
    ]
    return {"parties": parties, "provenance": provenance, "records": records, "links": links,
            "local_children": local, "suggestions": suggestions}

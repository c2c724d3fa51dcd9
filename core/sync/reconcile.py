"""Re-derive one contact from what the database holds, and explain it.

"Reconcile" here is deliberately small and safe: it re-runs handle resolution (who owns each
handle, from the non-dismissed links: confirmed first, then confidence, then age) for every
handle linked to the contact, recounts, and reports the source records the contact is built
from plus each handle with its link. It never talks to a source and never merges or splits
parties. Secured handles (credentials) are left out of the report.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Handle, Party, PartyHandleLink, SourceAccount, SourceRecord
from core.ingest.resolve import resolve_handles


def reconcile_contact(session: Session, party_id: int) -> dict[str, Any]:
    """Re-resolve the contact's handles and describe it. Raises LookupError if unknown.

    A merged-away party id is followed to the party it was merged into. The caller commits.
    """
    party = session.get(Party, party_id)
    seen: set[int] = set()
    while party is not None and party.merged_into_id is not None and party.id not in seen:
        seen.add(party.id)
        party = session.get(Party, party.merged_into_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    handle_ids = set(session.scalars(select(PartyHandleLink.handle_id)
                                     .where(PartyHandleLink.party_id == party.id)))
    handle_ids |= set(session.scalars(select(Handle.id).where(Handle.party_id == party.id)))
    changed = resolve_handles(session, handle_ids)
    session.flush()
    records = [
        {"record_id": r.id, "source_id": a.id, "provider": a.provider, "account": a.account_id,
         "external_id": r.external_id, "deleted": r.deleted_at is not None,
         "updated_at": r.updated_at.isoformat() if r.updated_at else None}
        for r, a in session.execute(
            select(SourceRecord, SourceAccount)
            .join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
            .where(SourceRecord.party_id == party.id).order_by(SourceRecord.id))
    ]
    handles = [
        {"handle_id": h.id, "platform": h.platform, "value": h.value,
         "owned_by_this_contact": h.party_id == party.id, "owner_id": h.party_id,
         "link_source": link.source, "confidence": link.confidence,
         "confirmed": link.is_confirmed, "dismissed": link.is_dismissed}
        for h, link in session.execute(
            select(Handle, PartyHandleLink)
            .join(PartyHandleLink, PartyHandleLink.handle_id == Handle.id)
            .where(PartyHandleLink.party_id == party.id, Handle.is_secured.is_(False))
            .order_by(Handle.platform, Handle.value))
    ]
    return {
        "contact_id": party.id, "requested_id": party_id, "display_name": party.display_name,
        "records": records, "handles": handles,
        "owners_changed": sorted(changed - {party.id}) if changed else [],
        "reconciled": True,
    }

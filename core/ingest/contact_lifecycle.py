"""Archive, restore and delete a contact: each one a decision the owner can undo in History.

- Archive: any contact, also one that sources hold. It leaves the default list (the
  "Archived" filter shows it), keeps every record, handle and value, and clears the "No live
  source left: review for archiving" flag, since archiving is the answer to it. Nothing is
  deleted. Restore (or Undo in History) brings it back as it was.
- Delete: only a contact Kith alone holds (its records are all in the local account, see
  core.ingest.local_contacts). A contact a source holds would come back with the next sync,
  so it is archived instead. The decision's snapshot keeps the local records' content and the
  owner's field edits, so Undo makes the contact again, under the same stable key.

Decisions name the contact by stable keys (core.match.stable_keys), like every other.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import (
    ActivityEvent,
    Decision,
    FieldProvenance,
    Party,
    PartyHandleLink,
    SourceRecord,
)
from core.ingest import fields as field_ops
from core.ingest.engine import ingest_contacts
from core.ingest.local_contacts import held_by_sources, local_account
from core.ingest.resolve import resolve_handles
from core.ingest.serialize import contact_from_data
from core.match.decision_log import log_decision, mark_revoked
from core.match.stable_keys import party_key, resolve_party_key

ARCHIVE, DELETE = "contact_archive", "contact_delete"
KINDS = (ARCHIVE, DELETE)


class ContactActionError(ValueError):
    """The action cannot apply to this contact (the message says why, in plain words)."""


def _party(session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None or party.merged_into_id is not None:
        raise LookupError(f"No contact with id {party_id}")
    return party


def _name(party: Party) -> str:
    return party.display_name or party.organization or "a contact without a name"


def archive_contact(session: Session, party_id: int, *, actor: str = "owner") -> int:
    """Hide the contact from the default list; returns the decision id."""
    party = _party(session, party_id)
    if party.role != "contact":
        raise ContactActionError("Your own card cannot be archived")
    if party.archived_at is not None:
        raise ContactActionError(f"{_name(party)} is already archived")
    flagged = party.needs_archival_review
    party.archived_at = utcnow()
    party.needs_archival_review = False
    session.add(ActivityEvent(kind="contact_archived", party_id=party_id,
                              message=f"Archived {_name(party)}"))
    return log_decision(session, ARCHIVE, f"Archived {_name(party)}",
                        {"party": party_key(session, party_id)},
                        {"party_id": party_id, "needs_archival_review": flagged}, actor=actor)


def _unarchive(session: Session, party_id: int, flagged: bool) -> None:
    session.execute(update(Party).where(Party.id == party_id).values(
        archived_at=None, needs_archival_review=flagged, updated_at=utcnow()))


def restore_contact(session: Session, party_id: int, *, actor: str = "owner") -> None:
    """Bring an archived contact back. Its archive decision, when there is one, is marked
    undone, so History shows the same state as the list."""
    party = _party(session, party_id)
    if party.archived_at is None:
        raise ContactActionError(f"{_name(party)} is not archived")
    for decision in session.scalars(select(Decision).where(
            Decision.kind == ARCHIVE, Decision.revoked_at.is_(None))
            .order_by(Decision.id.desc())):
        if party_id in resolve_party_key(session, decision.subject["party"]):
            revoke(session, decision, actor=actor)
            return
    _unarchive(session, party_id, False)
    session.add(ActivityEvent(kind="contact_restored", party_id=party_id,
                              message=f"Restored {_name(party)}"))
    session.flush()


def can_delete(session: Session, party_id: int) -> str:
    """"" when the contact may be deleted, else why not (in plain words)."""
    party = session.get(Party, party_id)
    if party is None or party.merged_into_id is not None:
        return "This contact no longer exists"
    if party.role != "contact":
        return "Your own card cannot be deleted"
    if held_by_sources(session, party_id):
        return "A source holds this contact: archive it instead (it would come back)"
    if session.scalar(select(Party.id).where(Party.merged_into_id == party_id).limit(1)):
        return "This contact was merged from others: archive it instead, or undo the merge"
    return ""


def delete_contact(session: Session, party_id: int, *, actor: str = "owner") -> int:
    """Delete a contact only Kith holds; returns the decision id (Undo makes it again)."""
    reason = can_delete(session, party_id)
    if reason:
        raise ContactActionError(reason)
    party = _party(session, party_id)
    name = _name(party)
    key = party_key(session, party_id)
    records = session.scalars(select(SourceRecord).where(SourceRecord.party_id == party_id)
                              .order_by(SourceRecord.id)).all()
    snapshot: dict[str, Any] = {
        "party_id": party_id,
        "records": [{"external_id": r.external_id, "data": r.data} for r in records],
        "local_fields": {p.field: p.value for p in session.scalars(
            select(FieldProvenance).where(FieldProvenance.party_id == party_id,
                                          FieldProvenance.is_local.is_(True)))
            if p.field != "photo"},
        "archived": party.archived_at is not None,
    }
    handles = set(session.scalars(select(PartyHandleLink.handle_id)
                                  .where(PartyHandleLink.party_id == party_id)))
    for record in records:
        session.delete(record)
    session.flush()
    session.delete(party)
    session.flush()
    resolve_handles(session, handles)  # another contact may own them now
    session.add(ActivityEvent(kind="contact_deleted", message=f"Deleted {name}"))
    return log_decision(session, DELETE, f"Deleted {name}", {"party": key}, snapshot,
                        actor=actor)


def _recreate(session: Session, snapshot: dict[str, Any]) -> int:
    """Make a deleted contact again from its decision's snapshot; returns the new id."""
    from core.ingest.local_contacts import create_contact_from

    records = snapshot.get("records") or []
    account = local_account(session)
    party_id = None
    for record in records:
        contact = contact_from_data(record["data"])
        contact.external_id = record["external_id"]
        if party_id is None:
            party_id = create_contact_from(session, account, contact)
        else:
            session.add(SourceRecord(account_id=account.id, external_id=contact.external_id,
                                     party_id=party_id, data={}, content_hash=""))
            session.flush()
            ingest_contacts(session, account.id, [contact])
    if party_id is None:
        raise ContactActionError("Nothing is left to bring this contact back from")
    for name, value in (snapshot.get("local_fields") or {}).items():
        field_ops.edit_field(session, party_id, name, value)
    if snapshot.get("archived"):
        session.execute(update(Party).where(Party.id == party_id).values(archived_at=utcnow()))
    session.add(ActivityEvent(kind="contact_restored", party_id=party_id))
    session.flush()
    return party_id


def revoke(session: Session, decision: Decision, *, actor: str = "owner") -> None:
    """Undo an archive or a delete (called by core.match.decisions.revoke_decision)."""
    if decision.kind == ARCHIVE:
        for pid in resolve_party_key(session, decision.subject["party"]):
            _unarchive(session, pid, bool(decision.snapshot.get("needs_archival_review")))
            session.add(ActivityEvent(kind="contact_restored", party_id=pid))
    elif decision.kind == DELETE:
        _recreate(session, decision.snapshot)
    else:
        raise ValueError(f"Not a contact decision: {decision.kind!r}")
    mark_revoked(session, decision, actor)

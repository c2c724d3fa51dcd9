"""Temporary contacts for unknown senders, and the "owner notified once" record.

``create_temp_contact`` is race-safe: the unique ``temp_contact_claim.handle_id`` row is
inserted with ON CONFLICT DO NOTHING before any party is made, so of two concurrent calls for
one sender exactly one creates the party and the other reads it (PostgreSQL makes the second
insert wait for the first transaction; SQLite serialises the writers).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import Handle, Party, SenderNotice, TempContactClaim
from core.identity.channels import normalize_channel_value
from core.identity.lookup import ResolvedContact, contact_view
from core.ingest.normalize import sort_key
from core.ingest.resolve import LinkSpec, ensure_links, resolve_handles, upsert_handles
from core.ingest.search_index import refresh_search_text
from core.match.stable_keys import root_party

TEMP_LINK_SOURCE = "temp_contact"


@dataclass(frozen=True, slots=True)
class TempContact:
    contact: ResolvedContact
    #: True when this call made the party (False: it existed, or the sender is known).
    created: bool
    #: True exactly once per unknown sender: the caller should tell the owner now.
    notify_owner: bool


def _insert_ignore_returning(session: Session, model: type, values: dict, conflict: list[str]
                             ) -> int | None:
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = builder(model).values(**values).on_conflict_do_nothing(index_elements=conflict)
    return session.scalar(stmt.returning(model.id))


def temp_name(platform: str, display_value: str) -> str:
    return f"Unknown ({platform} {display_value})"


def create_temp_contact(session: Session, channel_type: str, value: str, *,
                        region: str = "") -> TempContact:
    """The party behind an unknown sender; made (once) when the sender is unknown."""
    norm = normalize_channel_value(channel_type, value, region)
    hid = upsert_handles(session, [norm])[(norm.platform, norm.value)]
    handle = session.get(Handle, hid)
    assert handle is not None
    session.refresh(handle)
    owner = root_party(session, handle.party_id)
    if owner is not None:
        return TempContact(contact_view(session, owner, handle), False, False)
    claim_id = _insert_ignore_returning(
        session, TempContactClaim, {"handle_id": hid, "created_at": utcnow()}, ["handle_id"])
    created = False
    if claim_id is None:
        party_id = root_party(session, session.scalar(
            select(TempContactClaim.party_id).where(TempContactClaim.handle_id == hid)))
        if party_id is None:
            party_id = _make_party(session, handle, norm.display_value)
            created = True
            session.execute(update(TempContactClaim).where(TempContactClaim.handle_id == hid)
                            .values(party_id=party_id))
    else:
        party_id = _make_party(session, handle, norm.display_value)
        created = True
        session.execute(update(TempContactClaim).where(TempContactClaim.id == claim_id)
                        .values(party_id=party_id))
    notify = record_sender_notice(session, hid, party_id)
    session.flush()
    return TempContact(contact_view(session, party_id, handle), created, notify)


def _make_party(session: Session, handle: Handle, display_value: str) -> int:
    now = utcnow()
    name = temp_name(handle.platform, display_value or handle.value)
    party = Party(kind="person", role="contact", display_name=name,
                  sort_name=sort_key("", "", name), needs_disambiguation=True,
                  created_at=now, updated_at=now)
    session.add(party)
    session.flush()
    ensure_links(session, [LinkSpec(party.id, handle.id, 1.0, TEMP_LINK_SOURCE,
                                    is_primary=True)])
    session.flush()
    resolve_handles(session, [handle.id])
    refresh_search_text(session, [party.id])
    return party.id


def record_sender_notice(session: Session, handle_id: int, party_id: int | None) -> bool:
    """Remember that the owner was told about this sender; True only the first time."""
    inserted = _insert_ignore_returning(
        session, SenderNotice,
        {"handle_id": handle_id, "party_id": party_id, "notified_at": utcnow()}, ["handle_id"])
    return inserted is not None

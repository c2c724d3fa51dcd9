"""Reverse lookup: which party is behind (channel type, value)?

Values are normalised exactly as the ingest stores them, so "+49 (151) 2345-6789" finds the
handle a sync stored as "+4915123456789". Secured handles (credentials) are not looked up
unless ``include_secured`` is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Handle, Party
from core.identity.channels import normalize_channel_value
from core.match.stable_keys import root_party


@dataclass(frozen=True, slots=True)
class ResolvedContact:
    """Who a channel value belongs to. ``handle_id`` is the entity id of the channel."""

    party_id: int
    display_name: str
    handle_id: int | None
    platform: str
    value: str
    is_owner: bool
    needs_disambiguation: bool


def contact_view(session: Session, party_id: int, handle: Handle | None = None
                 ) -> ResolvedContact:
    party = session.get(Party, party_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    return ResolvedContact(
        party_id=party.id, display_name=party.display_name,
        handle_id=handle.id if handle else None,
        platform=handle.platform if handle else "",
        value=handle.value if handle and not handle.is_secured else "",
        is_owner=party.role == "owner", needs_disambiguation=party.needs_disambiguation,
    )


def resolve_contact_by_channel(
    session: Session, channel_type: str, value: str, *, region: str = "",
    include_secured: bool = False,
) -> ResolvedContact | None:
    """The party owning this handle, or None when the value is unknown or unowned."""
    norm = normalize_channel_value(channel_type, value, region)
    handle = session.scalar(select(Handle).where(
        Handle.platform == norm.platform, Handle.value == norm.value))
    if handle is None or (handle.is_secured and not include_secured):
        return None
    party_id = root_party(session, handle.party_id)
    if party_id is None:
        return None
    return contact_view(session, party_id, handle)

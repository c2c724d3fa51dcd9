"""Who to notify, on which channel.

- ``contact_id`` given: that party's handle of the channel's platform, primary first, then the
  oldest link; a contact with no such handle records a pending action (the owner can add one)
  and raises ``NoChannelHandleError`` with a message that says what is missing;
- a recipient string given: used as is;
- neither: the owner's own handle of that channel.
Secured handles (credentials) are never notification targets.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Handle, Party, PartyHandleLink, PendingAction
from core.identity.channels import channel_platform
from core.identity.owner import get_owner_id
from core.match.stable_keys import root_party


class NoChannelHandleError(LookupError):
    """The contact has no handle for the channel; a pending action was recorded."""

    def __init__(self, message: str, pending_action_id: int | None = None) -> None:
        super().__init__(message)
        self.pending_action_id = pending_action_id


@dataclass(frozen=True, slots=True)
class NotifyRecipient:
    value: str
    platform: str
    party_id: int | None
    handle_id: int | None
    #: "contact", "recipient" or "owner": which rule picked it.
    via: str


def party_channel_handle(session: Session, party_id: int, platform: str) -> Handle | None:
    """The party's handle on ``platform``: primary first, then the oldest link."""
    return session.scalar(
        select(Handle)
        .join(PartyHandleLink, PartyHandleLink.handle_id == Handle.id)
        .where(PartyHandleLink.party_id == party_id, PartyHandleLink.is_dismissed.is_(False),
               Handle.platform == platform, Handle.is_secured.is_(False))
        .order_by(PartyHandleLink.is_primary.desc(), PartyHandleLink.created_at.asc(),
                  PartyHandleLink.id.asc())
        .limit(1)
    )


def resolve_notify_recipient(
    session: Session, channel_type: str, *, contact_id: int | None = None,
    recipient: str | None = None,
) -> NotifyRecipient:
    platform = channel_platform(channel_type)
    if contact_id is not None:
        party_id = root_party(session, contact_id)
        if party_id is None:
            raise LookupError(f"No contact with id {contact_id}")
        return _from_party(session, party_id, platform, channel_type, "contact")
    if recipient:
        return NotifyRecipient(recipient, platform, None, None, "recipient")
    owner = get_owner_id(session)
    if owner is None:
        raise LookupError("There is no owner yet: start Kith once or run 'kith identity owner'")
    return _from_party(session, owner, platform, channel_type, "owner")


def _from_party(session: Session, party_id: int, platform: str, channel_type: str, via: str
                ) -> NotifyRecipient:
    handle = party_channel_handle(session, party_id, platform)
    if handle is not None:
        return NotifyRecipient(handle.value, platform, party_id, handle.id, via)
    party = session.get(Party, party_id)
    name = party.display_name if party else str(party_id)
    message = (f"{name} (contact {party_id}) has no {platform} handle to notify via "
               f"{channel_type}; add one to the contact or pass a recipient")
    action = PendingAction(kind="notify_missing_handle", party_id=party_id, detail=message,
                           payload={"channel": channel_type, "platform": platform})
    session.add(action)
    session.flush()
    raise NoChannelHandleError(message, action.id)

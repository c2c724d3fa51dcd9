"""Identity preambles (exact formats) and notify recipient resolution."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Handle, PendingAction
from core.identity.handles import list_party_handles, mark_handle_secured
from core.identity.lookup import contact_view, resolve_contact_by_channel
from core.identity.notify import NoChannelHandleError, resolve_notify_recipient
from core.identity.owner import ensure_owner
from core.identity.preamble import build_identity_preamble
from core.identity.temp import create_temp_contact
from core.ingest.engine import ingest_contacts
from core.ingest.normalize import normalize_email
from core.ingest.resolve import LinkSpec, ensure_links, resolve_handles, upsert_handles
from tests.match.builders import account, person


def _contact(session: Session) -> int:
    acc = account(session)
    stats = ingest_contacts(session, acc, [person(
        "1", "Ann", "Lee", emails=("old@example.org", "primary@example.org"))])
    session.commit()
    return next(iter(stats.touched_party_ids))


def test_preamble_formats(session: Session) -> None:
    owner = ensure_owner(session)
    assert build_identity_preamble(contact_view(session, owner), "telegram") == (
        "[Source: Owner, via telegram]")
    ann = _contact(session)
    found = resolve_contact_by_channel(session, "email", "old@example.org")
    assert found is not None
    assert build_identity_preamble(found, "email") == (
        f"[Source: Ann Lee (contact_id: {ann}, entity_id: {found.handle_id}), via email]")
    temp = create_temp_contact(session, "telegram", "@who")
    assert build_identity_preamble(temp.contact, "telegram") == (
        f"[Source: Unknown sender (contact_id: {temp.contact.party_id}), via telegram"
        " -- pending disambiguation]")


def test_notify_contact_uses_primary_then_oldest(session: Session) -> None:
    ann = _contact(session)
    target = resolve_notify_recipient(session, "email", contact_id=ann)
    # The record listed old@ first (primary) and primary@ second.
    assert (target.value, target.via) == ("old@example.org", "contact")
    link_ids = upsert_handles(session, [normalize_email("newer@example.org")])
    ensure_links(session, [LinkSpec(ann, next(iter(link_ids.values())), 1.0, "manual")])
    resolve_handles(session, link_ids.values())
    assert resolve_notify_recipient(session, "email", contact_id=ann).value == "old@example.org"


def test_notify_recipient_string_and_owner_fallback(session: Session) -> None:
    target = resolve_notify_recipient(session, "sms", recipient="+49 151 000")
    assert (target.value, target.via, target.party_id) == ("+49 151 000", "recipient", None)
    owner = ensure_owner(session)
    ids = upsert_handles(session, [normalize_email("me@example.org")])
    ensure_links(session, [LinkSpec(owner, next(iter(ids.values())), 1.0, "manual")])
    mine = resolve_notify_recipient(session, "mail")
    assert (mine.value, mine.via, mine.party_id) == ("me@example.org", "owner", owner)


def test_notify_contact_without_channel_records_pending_action(session: Session) -> None:
    ann = _contact(session)
    with pytest.raises(NoChannelHandleError, match="Ann Lee .* has no telegram handle") as info:
        resolve_notify_recipient(session, "telegram", contact_id=ann)
    action = session.get(PendingAction, info.value.pending_action_id)
    assert (action.kind, action.party_id, action.payload["channel"]) == (
        "notify_missing_handle", ann, "telegram")


def test_secured_handles_hidden_from_default_reads(session: Session) -> None:
    ann = _contact(session)
    token = session.scalar(select(Handle).where(Handle.value == "primary@example.org"))
    mark_handle_secured(session, token.id)
    assert [h.value for h in list_party_handles(session, ann)] == ["old@example.org"]
    both = list_party_handles(session, ann, include_secured=True)
    assert {h.value for h in both} == {"old@example.org", "primary@example.org"}
    from core.db.models import Party

    session.expire_all()
    assert "primary@example.org" not in session.get(Party, ann).search_text
    assert resolve_notify_recipient(session, "email", contact_id=ann).value == "old@example.org"

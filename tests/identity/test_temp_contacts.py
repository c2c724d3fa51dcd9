"""Reverse lookup and temporary contacts for unknown senders (race-safe, notify once)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import Handle, Party, PartyHandleLink, SenderNotice, SourceAccount
from core.identity.lookup import resolve_contact_by_channel
from core.identity.temp import create_temp_contact
from core.ingest.engine import ingest_contacts
from tests.match.builders import person


def _known(session: Session) -> int:
    acc = SourceAccount(provider="vcard", account_id="book", default_region="DE")
    session.add(acc)
    session.flush()
    stats = ingest_contacts(session, acc.id, [person(
        "1", "Ann", "Lee", emails=("Ann.Lee@Example.org",), phones=("030 1234567",))])
    session.commit()
    return next(iter(stats.touched_party_ids))


def test_reverse_lookup_normalises_like_ingest(session: Session) -> None:
    ann = _known(session)
    found = resolve_contact_by_channel(session, "email", "  ANN.LEE@example.ORG ")
    assert found is not None and (found.party_id, found.display_name) == (ann, "Ann Lee")
    by_phone = resolve_contact_by_channel(session, "sms", "+49 (30) 123-4567", region="DE")
    assert by_phone is not None and by_phone.party_id == ann
    assert by_phone.value == "+49301234567"
    assert resolve_contact_by_channel(session, "email", "nobody@example.org") is None


def test_secured_handles_are_not_looked_up_by_default(session: Session) -> None:
    ann = _known(session)
    handle = session.scalar(select(Handle).where(Handle.platform == "email"))
    handle.is_secured = True
    session.flush()
    assert resolve_contact_by_channel(session, "email", "ann.lee@example.org") is None
    found = resolve_contact_by_channel(session, "email", "ann.lee@example.org",
                                       include_secured=True)
    assert found is not None and found.party_id == ann and found.value == ""


def test_temp_contact_is_made_once_and_notifies_once(session: Session) -> None:
    first = create_temp_contact(session, "telegram", "@Stranger")
    session.commit()
    assert first.created and first.notify_owner
    party = session.get(Party, first.contact.party_id)
    assert party.display_name == "Unknown (telegram @Stranger)"
    assert party.needs_disambiguation and first.contact.needs_disambiguation
    link = session.scalar(select(PartyHandleLink).where(PartyHandleLink.party_id == party.id))
    assert link.source == "temp_contact"
    again = create_temp_contact(session, "telegram", "stranger")
    assert (again.created, again.notify_owner) == (False, False)
    assert again.contact.party_id == party.id
    found = resolve_contact_by_channel(session, "telegram", "@STRANGER")
    assert found is not None and found.party_id == party.id


def test_known_sender_gets_no_temp_contact(session: Session) -> None:
    ann = _known(session)
    result = create_temp_contact(session, "email", "ann.lee@example.org")
    assert (result.created, result.notify_owner, result.contact.party_id) == (False, False, ann)


def test_empty_value_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="Empty"):
        create_temp_contact(session, "email", "   ")


def test_concurrent_temp_contacts_make_one_party(db: Database) -> None:
    workers = 6
    barrier = threading.Barrier(workers)
    results: list[tuple[int, bool, bool]] = []
    errors: list[BaseException] = []

    def receive() -> None:
        try:
            with db.session() as session:
                barrier.wait(timeout=30)
                temp = create_temp_contact(session, "phone", "+44 7700 900123")
                session.commit()
                results.append((temp.contact.party_id, temp.created, temp.notify_owner))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=receive) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len({pid for pid, _, _ in results}) == 1
    assert sum(created for _, created, _ in results) == 1
    assert sum(notify for _, _, notify in results) == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Party)) == 1
        assert session.scalar(select(func.count()).select_from(SenderNotice)) == 1

"""Disambiguating a temporary contact: attach (a reversible merge) or promote."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Decision, FieldProvenance, Handle, Party
from core.identity.disambiguate import attach_temp_contact, promote_temp_contact
from core.identity.lookup import resolve_contact_by_channel
from core.identity.temp import create_temp_contact
from core.ingest.engine import ingest_contacts
from core.match.decisions import revoke_decision
from tests.match.builders import account, person


def test_attach_temp_contact_to_known_party_and_revoke(session: Session) -> None:
    acc = account(session)
    ann = next(iter(ingest_contacts(session, acc, [person("1", "Ann", "Lee")]
                                    ).touched_party_ids))
    temp = create_temp_contact(session, "telegram", "@annlee")
    decision = attach_temp_contact(session, temp.contact.party_id, ann)
    session.commit()
    assert session.get(Decision, decision).kind == "disambiguate_attach"
    found = resolve_contact_by_channel(session, "telegram", "annlee")
    assert found is not None and found.party_id == ann and not found.needs_disambiguation
    assert create_temp_contact(session, "telegram", "@annlee").contact.party_id == ann
    revoke_decision(session, decision)
    session.commit()
    session.expire_all()
    found = resolve_contact_by_channel(session, "telegram", "annlee")
    assert found is not None and found.party_id == temp.contact.party_id
    assert found.needs_disambiguation


def test_promote_temp_contact_and_revoke(session: Session) -> None:
    temp = create_temp_contact(session, "email", "zed@example.org")
    pid = temp.contact.party_id
    decision = promote_temp_contact(session, pid, "Zed Quill", given_name="Zed",
                                    family_name="Quill")
    session.commit()
    party = session.get(Party, pid)
    assert (party.display_name, party.needs_disambiguation) == ("Zed Quill", False)
    local = set(session.scalars(select(FieldProvenance.field).where(
        FieldProvenance.party_id == pid, FieldProvenance.is_local.is_(True))))
    assert local == {"display_name", "given_name", "family_name"}
    revoke_decision(session, decision)
    session.commit()
    session.expire_all()
    party = session.get(Party, pid)
    assert party.display_name == "Unknown (email zed@example.org)"
    assert party.needs_disambiguation
    assert session.scalar(select(Handle.party_id)) == pid

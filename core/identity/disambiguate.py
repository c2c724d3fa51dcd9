"""Resolving a temporary party: attach it to a known contact, or promote it to one.

Attaching is a merge (kind ``disambiguate_attach``) with the known contact kept, so it is
reversible through the decision log like any merge. Promoting keeps the party, gives it a
real name (as local edits, so no sync overwrites it), confirms its handles and clears the
``needs_disambiguation`` flag; revoking a promotion puts all of that back.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from core.db.models import Decision, FieldProvenance, Party, PartyHandleLink
from core.ingest.fields import edit_field
from core.ingest.resolve import resolve_handles
from core.ingest.search_index import refresh_search_text
from core.match.decision_log import log_decision
from core.match.merge import MergeError, merge_parties
from core.match.stable_keys import party_key

_NAME_FIELDS = ("display_name", "given_name", "family_name")


def _temp_party(session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    if not party.needs_disambiguation:
        raise MergeError(f"Contact {party_id} is not waiting for disambiguation")
    return party


def attach_temp_contact(session: Session, temp_party_id: int, target_party_id: int,
                        *, actor: str = "owner") -> int:
    """"This unknown sender is that contact": merge the temp party into it (reversible)."""
    _temp_party(session, temp_party_id)
    if session.get(Party, target_party_id) is None:
        raise LookupError(f"No contact with id {target_party_id}")
    return merge_parties(session, [target_party_id, temp_party_id], keep_id=target_party_id,
                         kind="disambiguate_attach", actor=actor)


def promote_temp_contact(
    session: Session, party_id: int, display_name: str, *, given_name: str = "",
    family_name: str = "", actor: str = "owner",
) -> int:
    """"This unknown sender is a new contact called ...": returns the decision id."""
    party = _temp_party(session, party_id)
    if not display_name.strip():
        raise MergeError("A promoted contact needs a name")
    before = {
        "columns": {f: getattr(party, f) for f in (*_NAME_FIELDS, "sort_name")},
        "provenance": [
            {"field": r.field, "source_record_id": r.source_record_id, "is_local": r.is_local,
             "value": r.value}
            for r in session.scalars(select(FieldProvenance).where(
                FieldProvenance.party_id == party_id, FieldProvenance.field.in_(_NAME_FIELDS)))
        ],
        "links": [
            [link.handle_id, link.is_confirmed]
            for link in session.scalars(select(PartyHandleLink).where(
                PartyHandleLink.party_id == party_id, PartyHandleLink.is_dismissed.is_(False)))
        ],
    }
    for name, value in (("display_name", display_name.strip()), ("given_name", given_name),
                        ("family_name", family_name)):
        if value or name == "display_name":
            edit_field(session, party_id, name, value.strip())
    party.needs_disambiguation = False
    handle_ids = [hid for hid, _ in before["links"]]
    session.execute(update(PartyHandleLink).where(
        PartyHandleLink.party_id == party_id, PartyHandleLink.handle_id.in_(handle_ids or [-1])
    ).values(is_confirmed=True))
    session.flush()
    resolve_handles(session, handle_ids)
    refresh_search_text(session, [party_id])
    return log_decision(
        session, "disambiguate_promote",
        f"Unknown sender {before['columns']['display_name']} [{party_id}] is {display_name}",
        {"party": party_key(session, party_id), "party_id": party_id}, before, actor=actor)


def revoke_promote(session: Session, decision: Decision) -> None:
    """Back to an unknown sender: the old name, unconfirmed links, the flag set again."""
    party_id = int(decision.subject["party_id"])
    party = session.get(Party, party_id)
    if party is None:
        return
    snap = decision.snapshot
    for name, value in snap["columns"].items():
        setattr(party, name, value)
    party.needs_disambiguation = True
    session.execute(delete(FieldProvenance).where(
        FieldProvenance.party_id == party_id, FieldProvenance.field.in_(_NAME_FIELDS)))
    rows = [{"party_id": party_id, **r} for r in snap["provenance"]]
    if rows:
        session.execute(insert(FieldProvenance), rows)
    for handle_id, confirmed in snap["links"]:
        session.execute(update(PartyHandleLink).where(
            PartyHandleLink.party_id == party_id, PartyHandleLink.handle_id == handle_id
        ).values(is_confirmed=confirmed))
    session.flush()
    resolve_handles(session, [hid for hid, _ in snap["links"]])
    refresh_search_text(session, [party_id])

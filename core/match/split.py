"""Splitting one source record off a party into a party of its own.

The record takes its details (addresses, dates, urls, labels) and the links of the handles
only it held; handles other records of the old party also hold get a link on both sides.
Fields the record supplied to the old party fall back to another of its records (newest
first) or become blank; the owner's local edits stay. The pair is marked "not a duplicate"
(the owner just said so), and revoking the split merges the record back.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import (
    ActivityEvent,
    Address,
    Decision,
    FieldProvenance,
    ImportantDate,
    LabelMembership,
    Party,
    PartyFact,
    PartyHandleLink,
    PartyUrl,
    SourceRecord,
)
from core.ingest.children import record_handle_ids
from core.ingest.facts import search_words
from core.ingest.fields import provenance_rows_for_new_party
from core.ingest.normalize import sort_key
from core.ingest.prepare import party_columns, prepare, search_text
from core.ingest.resolve import LinkSpec, ensure_links, resolve_handles
from core.ingest.search_index import refresh_search_text
from core.ingest.serialize import contact_from_data
from core.ingest.sqlutil import insert_many
from core.match.decision_log import log_decision, mark_revoked
from core.match.merge import MergeError, merge_parties
from core.match.stable_keys import party_key, resolve_party_key
from core.match.suggest import refresh_suggestions, set_pair_status


def split_record(session: Session, record_id: int, *, actor: str = "owner") -> int:
    """Move source record ``record_id`` into a new party; return the new party's id."""
    record = session.get(SourceRecord, record_id)
    if record is None:
        raise LookupError(f"No source record with id {record_id}")
    old_id = record.party_id
    if old_id is None:
        raise MergeError(f"Source record {record_id} belongs to no contact")
    others = session.scalars(select(SourceRecord.id).where(
        SourceRecord.party_id == old_id, SourceRecord.id != record_id)).all()
    if not others:
        raise MergeError(f"Source record {record_id} is already the only one of its contact")
    old_key = party_key(session, old_id)
    prepared = prepare(contact_from_data(record.data or {}))
    fields = dict(prepared.fields)
    now = utcnow()
    row = party_columns(fields, prepared.photo)
    row["sort_name"] = sort_key(fields["family_name"], fields["given_name"],
                                fields["display_name"])
    new = Party(**row, kind="person", role="contact", created_at=now, updated_at=now,
                search_text=search_text(fields, [u.handle.value for u in prepared.handles],
                                        search_words(prepared.contact)))
    session.add(new)
    session.flush()
    record.party_id = new.id
    for model in (Address, ImportantDate, PartyUrl, LabelMembership, PartyFact):
        session.execute(update(model).where(model.source_record_id == record_id)
                        .values(party_id=new.id))
    insert_many(session, FieldProvenance,
                provenance_rows_for_new_party(new.id, record_id, fields))
    held = record_handle_ids(session, [record_id])
    still_held = record_handle_ids(session, list(others))
    _split_links(session, old_id, new.id, held, still_held)
    _refill_fields(session, old_id, record_id)
    session.flush()
    resolve_handles(session, held)
    refresh_search_text(session, [old_id, new.id])
    set_pair_status(session, old_id, new.id, "rejected")
    log_decision(
        session, "split", f"Split record {record_id} off contact {old_id} into {new.id}",
        {"record": _record_key(session, record_id), "from": old_key,
         "party_id": old_id, "new_party_id": new.id}, {}, actor=actor)
    session.add(ActivityEvent(kind="split", party_id=old_id, source_record_id=record_id,
                              message=f"Record split off into contact {new.id}"))
    session.flush()
    refresh_suggestions(session, [old_id, new.id])
    return new.id


def _record_key(session: Session, record_id: int) -> list[str]:
    record = session.get(SourceRecord, record_id)
    assert record is not None
    return [record.account.provider, record.account.account_id, record.external_id]


def _split_links(session: Session, old_id: int, new_id: int, held: set[int],
                 still_held: set[int]) -> None:
    links = session.scalars(select(PartyHandleLink).where(
        PartyHandleLink.party_id == old_id, PartyHandleLink.handle_id.in_(held or {-1}))).all()
    specs: list[LinkSpec] = []
    for link in links:
        plain = link.source.startswith("source:") and not (link.is_confirmed or
                                                           link.is_dismissed)
        if plain and link.handle_id not in still_held:
            link.party_id = new_id
            link.updated_at = utcnow()
        else:
            specs.append(LinkSpec(new_id, link.handle_id, link.confidence, link.source,
                                  link.label, link.is_primary))
    session.flush()
    ensure_links(session, specs)


def _refill_fields(session: Session, party_id: int, record_id: int) -> None:
    """Fields the split record supplied fall back to the newest other record, else blank."""
    party = session.get(Party, party_id)
    assert party is not None
    rows = session.scalars(select(FieldProvenance).where(
        FieldProvenance.party_id == party_id, FieldProvenance.source_record_id == record_id,
        FieldProvenance.is_local.is_(False))).all()
    if not rows:
        return
    others = session.execute(
        select(SourceRecord.id, SourceRecord.data)
        .where(SourceRecord.party_id == party_id, SourceRecord.deleted_at.is_(None))
        .order_by(SourceRecord.updated_at.desc(), SourceRecord.id.desc())
    ).all()
    prepared = [(rid, prepare(contact_from_data(data or {}))) for rid, data in others]
    for prov in rows:
        name = prov.field
        source = next(((rid, p) for rid, p in prepared if p.fields.get(name)), None)
        if source is None:
            columns = party_columns({name: ""}, None)
            session.execute(delete(FieldProvenance).where(FieldProvenance.id == prov.id))
        else:
            rid, p = source
            columns = party_columns({name: p.fields[name]}, p.photo)
            prov.source_record_id, prov.value, prov.updated_at = rid, p.fields[name], utcnow()
        for key, value in columns.items():
            if key != "sort_name":
                setattr(party, key, value)
    party.sort_name = sort_key(party.family_name, party.given_name, party.display_name)
    party.updated_at = utcnow()


def revoke_split(session: Session, decision: Decision, *, actor: str = "owner") -> int:
    """Merge the split-off record's party back; returns the merge decision id."""
    targets = resolve_party_key(session, decision.subject["from"])
    record_owner = resolve_party_key(session, {"records": [decision.subject["record"]]})
    ids = sorted(targets | record_owner)
    if len(ids) < 2:
        mark_revoked(session, decision, actor)
        return decision.id
    keep = decision.subject["party_id"] if decision.subject["party_id"] in ids else ids[0]
    for other in ids:
        if other != keep:
            set_pair_status(session, keep, other, "open")
    merge_id = merge_parties(session, ids, keep_id=keep, actor=actor)
    mark_revoked(session, decision, actor)
    return merge_id

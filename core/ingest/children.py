"""Rows a source record owns: record handles, addresses, dates, urls, label memberships.

Written set-wise for many records at once; a changed record first drops its old rows
(``drop_record_children``) and then goes through the same ``write_record_children``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import (
    Address,
    ImportantDate,
    Label,
    LabelMembership,
    PartyFact,
    PartyUrl,
    RecordHandle,
)
from core.ingest.facts import contact_facts
from core.ingest.prepare import PreparedContact
from core.ingest.sqlutil import chunked, in_values, insert_ignore, insert_many


@dataclass(slots=True)
class RecordRef:
    record_id: int
    party_id: int
    prepared: PreparedContact


def label_ids(session: Session, names: set[str]) -> dict[str, int]:
    """Labels are shared across sources by name; create missing ones race-safely."""
    if not names:
        return {}
    now = utcnow()
    insert_ignore(session, Label, [{"name": n, "created_at": now} for n in sorted(names)], ["name"])
    found: dict[str, int] = {}
    for chunk in chunked(sorted(names), 500):
        found.update(
            {name: lid for lid, name in session.execute(
                select(Label.id, Label.name).where(in_values(session, Label.name, chunk)))}
        )
    return found


def write_record_children(
    session: Session, refs: Sequence[RecordRef], handle_ids: dict[tuple[str, str], int]
) -> None:
    record_handles, addresses, dates, urls, memberships = [], [], [], [], []
    facts: list[dict] = []
    labels = label_ids(
        session, {g.strip() for r in refs for g in r.prepared.contact.groups if g.strip()}
    )
    for ref in refs:
        contact = ref.prepared.contact
        rid, pid = ref.record_id, ref.party_id
        for pos, use in enumerate(ref.prepared.handles):
            record_handles.append({
                "source_record_id": rid,
                "handle_id": handle_ids[(use.handle.platform, use.handle.value)],
                "label": use.label[:64],
                "is_primary": use.is_primary,
                "position": pos,
            })
        for a in contact.addresses:
            if a.is_blank():
                continue
            addresses.append({
                "party_id": pid, "source_record_id": rid, "label": a.label[:64],
                "po_box": a.po_box, "extended": a.extended, "street": a.street,
                "locality": a.locality, "region": a.region, "postal_code": a.postal_code,
                "country": a.country,
            })
        for kind, values in (("birthday", contact.birthdays),
                             ("anniversary", contact.anniversaries), ("date", contact.dates)):
            for d in values:
                dates.append({
                    "party_id": pid, "source_record_id": rid, "kind": kind,
                    "label": d.label[:64], "year": d.year, "month": d.month, "day": d.day,
                })
        for u in contact.urls:
            if u.value.strip():
                urls.append({"party_id": pid, "source_record_id": rid,
                             "url": u.value.strip(), "label": u.label[:64]})
        for fact in contact_facts(contact):
            facts.append({"party_id": pid, "source_record_id": rid, **fact})
        for group in {g.strip() for g in contact.groups if g.strip()}:
            memberships.append({"label_id": labels[group], "party_id": pid,
                                "source_record_id": rid})
    insert_many(session, RecordHandle, record_handles)
    insert_many(session, Address, addresses)
    insert_many(session, ImportantDate, dates)
    insert_many(session, PartyUrl, urls)
    insert_many(session, LabelMembership, memberships)
    insert_many(session, PartyFact, facts)


def drop_record_children(session: Session, record_ids: Sequence[int]) -> None:
    for model in (RecordHandle, Address, ImportantDate, PartyUrl, LabelMembership, PartyFact):
        for chunk in chunked(list(record_ids), 500):
            session.execute(delete(model).where(in_values(session, model.source_record_id, chunk)))


def record_handle_ids(session: Session, record_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunked(list(record_ids), 500):
        found.update(
            session.scalars(
                select(RecordHandle.handle_id).where(
                    in_values(session, RecordHandle.source_record_id, chunk))
            )
        )
    return found

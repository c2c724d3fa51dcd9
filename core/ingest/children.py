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
from core.ingest.child_rows import (
    ADDRESS_COLUMNS,
    DATE_COLUMNS,
    FACT_COLUMNS,
    URL_COLUMNS,
    child_rows,
)
from core.ingest.prepare import PreparedContact
from core.ingest.sqlutil import chunked, in_values, insert_ignore, insert_tuples


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
    kids = [(ref, ref.prepared.children or child_rows(ref.prepared.contact)) for ref in refs]
    labels = label_ids(session, {g for _ref, rows in kids for g in rows.groups})
    record_handles, addresses, dates, urls, memberships, facts = [], [], [], [], [], []
    for ref, rows in kids:
        rid, pid = ref.record_id, ref.party_id
        ids = (pid, rid)
        record_handles.extend(
            (rid, handle_ids[(use.handle.platform, use.handle.value)], use.label[:64],
             use.is_primary, pos)
            for pos, use in enumerate(ref.prepared.handles))
        addresses.extend(ids + row for row in rows.addresses)
        dates.extend(ids + row for row in rows.dates)
        urls.extend(ids + row for row in rows.urls)
        facts.extend(ids + row for row in rows.facts)
        memberships.extend((labels[group], pid, rid) for group in rows.groups)
    owners = ("party_id", "source_record_id")
    insert_tuples(session, RecordHandle, _RECORD_HANDLE_COLUMNS, record_handles)
    insert_tuples(session, Address, owners + ADDRESS_COLUMNS, addresses)
    insert_tuples(session, ImportantDate, owners + DATE_COLUMNS, dates)
    insert_tuples(session, PartyUrl, owners + URL_COLUMNS, urls)
    insert_tuples(session, LabelMembership, ("label_id",) + owners, memberships)
    insert_tuples(session, PartyFact, owners + FACT_COLUMNS, facts)


_RECORD_HANDLE_COLUMNS = ("source_record_id", "handle_id", "label", "is_primary", "position")


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

"""Party fields with per-field provenance, and the local-edit-wins rule.

A party's single-valued fields come from its source records or from the owner's local edits.
``field_provenance`` remembers, per field, which record (or "local") supplied the value.
A local edit wins over every source until the owner explicitly takes the source value back; a
source that changes a locally edited field records a ``contact_sync_conflict`` event and the
local value stays, on every later sync too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import ActivityEvent, FieldProvenance, Party, SourceRecord
from core.ingest.normalize import sort_key
from core.ingest.prepare import SOURCE_FIELDS, party_columns, prepare
from core.ingest.search_index import refresh_search_text
from core.ingest.serialize import contact_from_data

#: Fields the owner may edit locally (the source fields minus derived ones).
EDITABLE_FIELDS = tuple(f for f in SOURCE_FIELDS if f not in ("primary_email", "primary_phone"))


def _provenance(session: Session, party_id: int) -> dict[str, FieldProvenance]:
    rows = session.scalars(select(FieldProvenance).where(FieldProvenance.party_id == party_id))
    return {row.field: row for row in rows}


def apply_record_fields(
    session: Session,
    party: Party,
    record_id: int,
    new: dict[str, Any],
    old: dict[str, Any] | None,
    photo: tuple[bytes | None, str, str] | None,
) -> int:
    """Fold one record's fields into its party. Returns the number of conflicts recorded.

    A record's value is taken when the party's field is blank, when this record already
    supplies it, or when the record's value changed since its last sync (newest news wins).
    A blank incoming value never overwrites a stored one.
    """
    prov = _provenance(session, party.id)
    now = utcnow()
    updates: dict[str, Any] = {}
    conflicts = 0
    for name in SOURCE_FIELDS:
        value = new.get(name, "")
        previous = (old or {}).get(name, "")
        row = prov.get(name)
        if row is not None and row.is_local:
            if value and value != row.value and value != previous:
                conflicts += 1
                session.add(
                    ActivityEvent(
                        kind="contact_sync_conflict",
                        party_id=party.id,
                        source_record_id=record_id,
                        message=f"Source changed {name}; your local edit was kept",
                        payload={"field": name, "local": row.value, "source": value},
                    )
                )
            continue
        if not value:
            continue
        current = getattr(party, name) if name != "photo" else (row.value if row else "")
        supplies = row is not None and row.source_record_id == record_id
        if not current or supplies or (old is not None and value != previous):
            if value != current:
                updates[name] = value
            if row is None:
                row = FieldProvenance(party_id=party.id, field=name)
                session.add(row)
                prov[name] = row
            row.source_record_id = record_id
            row.is_local = False
            row.value = value
            row.updated_at = now
    if updates:
        for key, val in party_columns(updates, photo).items():
            if key != "sort_name":
                setattr(party, key, val)
        party.sort_name = sort_key(party.family_name, party.given_name, party.display_name)
        party.updated_at = now
    return conflicts


def provenance_rows_for_new_party(
    party_id: int, record_id: int, fields: dict[str, Any]
) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {"party_id": party_id, "field": name, "source_record_id": record_id,
         "is_local": False, "value": value, "updated_at": now}
        for name, value in fields.items()
        if value
    ]


def edit_field(session: Session, party_id: int, name: str, value: Any) -> None:
    """The owner edits a field: the value wins over every source from now on."""
    if name not in EDITABLE_FIELDS:
        raise ValueError(f"Field {name!r} cannot be edited; editable: {', '.join(EDITABLE_FIELDS)}")
    party = session.get(Party, party_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    row = _provenance(session, party_id).get(name)
    if row is None:
        row = FieldProvenance(party_id=party_id, field=name)
        session.add(row)
    row.is_local = True
    row.source_record_id = None
    row.value = value
    row.updated_at = utcnow()
    if name == "photo":
        raise ValueError("Photos are changed through set_photo, not edit_field")
    setattr(party, name, value)
    party.sort_name = sort_key(party.family_name, party.given_name, party.display_name)
    party.updated_at = utcnow()
    session.add(ActivityEvent(kind="local_edit", party_id=party_id, payload={"field": name}))
    session.flush()
    refresh_search_text(session, [party_id])


def take_source_value(session: Session, party_id: int, name: str) -> Any:
    """Drop the local edit of ``name`` and take the value of the newest live record back."""
    party = session.get(Party, party_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    records = session.execute(
        select(SourceRecord.id, SourceRecord.data)
        .where(SourceRecord.party_id == party_id, SourceRecord.deleted_at.is_(None))
        .order_by(SourceRecord.updated_at.desc(), SourceRecord.id.desc())
    ).all()
    row = _provenance(session, party_id).get(name)
    for record_id, data in records:
        prepared = prepare(contact_from_data(data))
        value = prepared.fields.get(name, "")
        if value:
            if row is None:
                row = FieldProvenance(party_id=party_id, field=name)
                session.add(row)
            row.is_local, row.source_record_id, row.value = False, record_id, value
            row.updated_at = utcnow()
            columns = party_columns({name: value}, prepared.photo)
            for key, val in columns.items():
                if key != "sort_name":
                    setattr(party, key, val)
            party.sort_name = sort_key(party.family_name, party.given_name, party.display_name)
            session.flush()
            refresh_search_text(session, [party_id])
            return value
    if row is not None:
        row.is_local = False
    return getattr(party, name) if name != "photo" else None

"""Writes one batch's new and changed source records, all of them or none.

The engine (core/ingest/engine.py) sorts a batch into new records, changed records and
deletions and runs this inside a savepoint; this module does the writing, set-based so that
100,000 contacts import quickly: parties (where each new record goes is decided in
core/ingest/party_attach.py), handles, source records and their children, field values and
provenance, links, handle resolution, activity events and search text.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import (
    ActivityEvent,
    FieldProvenance,
    Party,
    SourceAccount,
    SourceRecord,
)
from core.ingest.attach_veto import HandleKey
from core.ingest.children import (
    RecordRef,
    drop_record_children,
    record_handle_ids,
    write_record_children,
)
from core.ingest.fields import apply_record_fields
from core.ingest.import_memory import ImportMemory
from core.ingest.normalize import NormalizedHandle
from core.ingest.party_attach import (
    assign_parties,
    new_party_row,
    secured_keys,
    sole_new_claimants,
)
from core.ingest.prepare import PreparedContact, prepare
from core.ingest.resolve import (
    drop_unsupported_links,
    ensure_links,
    insert_handles,
    lookup_handle_ids,
    recount_handles,
    resolve_handles,
    source_confidence,
)
from core.ingest.search_index import refresh_search_text
from core.ingest.serialize import contact_from_data, contact_to_data
from core.ingest.sqlutil import allocate_ids, insert_returning_ids, insert_tuples
from core.ingest.stats import IngestStats

_PROVENANCE_COLUMNS = ("party_id", "field", "source_record_id", "is_local", "value",
                       "updated_at")
_RECORD_COLUMNS = ("id", "account_id", "external_id", "party_id", "etag", "content_hash",
                   "data", "raw", "first_seen", "last_seen", "updated_at")
_EVENT_COLUMNS = ("kind", "party_id", "source_record_id", "account_id", "message", "payload",
                  "created_at")


@dataclass(slots=True)
class StoredRecord:
    """A batch record's row as the database held it before the batch."""

    id: int
    party_id: int | None
    etag: str
    content_hash: str
    deleted_at: object
    data: dict


def write_batch(
    session: Session,
    account: SourceAccount,
    fresh: list[PreparedContact],
    changed: list[tuple[PreparedContact, StoredRecord]],
    stats: IngestStats,
    memory: ImportMemory | None = None,
) -> None:
    """Write new records (``fresh``) and update changed ones; the caller holds the savepoint
    (``memory``: an importer's, which spares looking up handles that cannot exist)."""
    now = utcnow()
    source = f"source:{account.provider}"
    all_items = fresh + [p for p, _ in changed]
    wanted: dict[HandleKey, NormalizedHandle] = {}
    for p in all_items:
        for u in p.handles:
            wanted.setdefault((u.handle.platform, u.handle.value), u.handle)
    # existing handles only (the memory reads first: that pins the transaction's snapshot)
    keys = list(wanted)
    handle_ids = lookup_handle_ids(
        session, keys if memory is None else memory.handles.maybe_present(session, keys))
    secured = secured_keys(session, handle_ids)

    # --- attach new records: email -> phone -> new party --------------------------------
    # assignment: >= 0: existing party id; < 0: -(index into new_party_rows)-1
    new_party_rows, assignment, guard = assign_parties(
        session, account.id, fresh, changed, handle_ids, secured, now
    )

    # --- brand-new handles: owned from the start when exactly one new party lists them ----
    sole = sole_new_claimants(fresh, assignment, changed, handle_ids)
    for placeholder in sole.values():
        new_party_rows[-placeholder - 1]["handle_count"] += 1
    new_ids = insert_returning_ids(session, Party, new_party_rows)
    party_of = [new_ids[-t - 1] if t < 0 else t for t in assignment]
    guard.record(session, account.id, party_of, new_ids)
    created = set(new_ids)
    missing = [h for key, h in wanted.items() if key not in handle_ids]
    inserted, ours = insert_handles(
        session, missing, {key: new_ids[-t - 1] for key, t in sole.items()}
    )
    handle_ids.update(inserted)
    if memory is not None and inserted:
        memory.handles.remember(inserted, max(inserted.values()))
    owned_at_insert = {handle_ids[key] for key in sole if key in ours}
    miscounted = {new_ids[-t - 1] for key, t in sole.items() if key not in ours}

    record_ids = allocate_ids(session, SourceRecord, len(fresh))
    account_id = account.id
    insert_tuples(session, SourceRecord, _RECORD_COLUMNS, [
        (rid, account_id, p.external_id, pid, p.etag or "", p.content_hash, _data(p),
         _raw_text(p.raw), now, now, now)
        for rid, p, pid in zip(record_ids, fresh, party_of, strict=True)
    ])
    if memory is not None and record_ids:
        memory.records.remember([p.external_id for p in fresh], record_ids[-1])
    refs = [RecordRef(rid, pid, p) for rid, pid, p in zip(record_ids, party_of, fresh, strict=True)]

    # --- changed records: update in place, drop their old children -----------------------
    stale_handles: dict[int, set[int]] = {}
    for prepared, row in changed:
        record = session.get(SourceRecord, row.id)
        assert record is not None
        old_data = record.data or {}
        old_fields = prepare(contact_from_data(old_data)).fields if old_data else None
        party_id = record.party_id
        if party_id is None:  # its party was removed: start a new one
            party = Party(**new_party_row(prepared, now, secured))
            session.add(party)
            session.flush()
            party_id = party.id
            created.add(party_id)
            old_fields = None
        stale_handles.setdefault(party_id, set()).update(record_handle_ids(session, [record.id]))
        record.party_id = party_id
        record.etag = prepared.etag or ""
        record.content_hash = prepared.content_hash
        record.data = prepared.data_dict() or _data(prepared)
        record.raw = _raw_text(prepared.raw)
        record.last_seen = record.updated_at = now
        revived = record.deleted_at is not None
        record.deleted_at = None
        refs.append(RecordRef(record.id, party_id, prepared))
        if party_id not in created:
            party = session.get(Party, party_id)
            assert party is not None
            stats.conflicts += apply_record_fields(
                session, party, record.id, prepared.fields, old_fields, prepared.photo
            )
            if revived:
                party.needs_archival_review = False
        session.add(ActivityEvent(kind="contact_sync_updated", party_id=party_id,
                                  source_record_id=record.id, account_id=account.id))
        stats.updated += 1
    if changed:
        drop_record_children(session, [row.id for _, row in changed])
    session.flush()

    write_record_children(session, refs, handle_ids)

    # --- fields of new records joining existing parties; provenance of new parties ------
    # (as fields.provenance_rows_for_new_party, as tuples: one per field with a value)
    provenance: list[tuple] = []
    seen_new: set[int] = set()
    for ref in refs[: len(fresh)]:
        if ref.party_id in created and ref.party_id not in seen_new:
            seen_new.add(ref.party_id)
            pid, rid = ref.party_id, ref.record_id
            provenance.extend((pid, name, rid, False, value, now)
                              for name, value in ref.prepared.fields.items() if value)
    insert_tuples(session, FieldProvenance, _PROVENANCE_COLUMNS, provenance)
    session.flush()
    for ref in refs[: len(fresh)]:
        if ref.party_id in created and ref.party_id in seen_new:
            seen_new.discard(ref.party_id)  # the first record made the party
            continue
        party = session.get(Party, ref.party_id)
        assert party is not None
        stats.conflicts += apply_record_fields(
            session, party, ref.record_id, ref.prepared.fields, None, ref.prepared.photo
        )
        party.needs_archival_review = False

    # --- links and resolution --------------------------------------------------------------
    links = [
        (ref.party_id, handle_ids[(u.handle.platform, u.handle.value)],
         source_confidence(u.handle), source, u.label[:64], u.is_primary)
        for ref in refs for u in ref.prepared.handles
    ]
    changed_handles = ensure_links(session, links, new_parties=created) - owned_at_insert
    for party_id, old_handles in stale_handles.items():
        changed_handles |= drop_unsupported_links(
            session, party_id, old_handles, _supported_handles(session, party_id)
        )
    session.flush()
    touched = resolve_handles(session, changed_handles)
    if miscounted:  # another writer created some of "our" new handles (PostgreSQL only)
        recount_handles(session, miscounted)
        touched |= miscounted

    no_payload: dict = {}  # one object for every row: serialised once
    insert_tuples(session, ActivityEvent, _EVENT_COLUMNS, [
        ("contact_synced", ref.party_id, ref.record_id, account_id, "", no_payload, now)
        for ref in refs[: len(fresh)]
    ])
    stats.added += len(fresh)
    all_touched = {ref.party_id for ref in refs} | touched
    stats.touched_party_ids |= all_touched
    # A party created by exactly one record already got its search text at insert.
    per_party = Counter(ref.party_id for ref in refs)
    refresh_search_text(
        session, {pid for pid in all_touched if pid not in created or per_party[pid] > 1}
    )


def _supported_handles(session: Session, party_id: int) -> set[int]:
    """Handles some live record of the party still lists."""
    record_ids = session.scalars(
        select(SourceRecord.id).where(
            SourceRecord.party_id == party_id, SourceRecord.deleted_at.is_(None)
        )
    ).all()
    return record_handle_ids(session, record_ids)


def _data(prepared: PreparedContact) -> dict | str:
    """The stored data: a dict, or JSON text a parser process serialised (JSONText)."""
    return prepared.data if prepared.data is not None else contact_to_data(prepared.contact)


def _raw_text(raw: object) -> str | None:
    """The source's raw snapshot as stored: its own text, or JSON with stable key order."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    return json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str)


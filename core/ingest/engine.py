"""The one write path: every provider's contacts enter the database here.

``ingest_contacts`` takes a batch of ParsedContacts from one source account and:
- skips (and counts) records without an external id;
- does no writes at all for records whose etag or content hash is unchanged;
- creates or updates the source record, its handles, links and details, and folds its fields
  into the party (local edits win, conflicts are recorded);
- attaches a new record to a party by: existing link -> primary email -> phone E.164 -> new
  party (shared or contested handles never attach; names never attach; contradicting
  evidence holds an identifier match back: core/ingest/attach_veto.py);
- applies deletions under the account's delete policy;
- resolves the owners of the handles whose links changed.

It is set-based so 100,000 contacts import quickly, and the same code handles a batch of one.
Each record is all-or-nothing: the batch runs in a savepoint, and if any record fails the batch
is replayed one record per savepoint so only the bad record is skipped and reported.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import (
    ActivityEvent,
    FieldProvenance,
    Handle,
    Party,
    SourceAccount,
    SourceRecord,
)
from core.gcpause import cyclic_gc_paused
from core.ingest import deletes
from core.ingest.attach_veto import AttachGuard
from core.ingest.children import (
    RecordRef,
    drop_record_children,
    record_handle_ids,
    write_record_children,
)
from core.ingest.facts import search_words
from core.ingest.fields import apply_record_fields
from core.ingest.normalize import NormalizedHandle
from core.ingest.parsed import ParsedContact
from core.ingest.prepare import (
    PreparedContact,
    new_party_columns,
    prepare,
    prepare_for_write,
    search_text,
)
from core.ingest.resolve import (
    contested_handle_ids,
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
from core.ingest.sqlutil import (
    chunked,
    in_values,
    insert_many,
    insert_returning_ids,
    insert_tuples,
)
from core.ingest.stats import IngestStats

log = logging.getLogger("kith.ingest")

#: A handle's identity before it has a row id: (platform, normalised value).
HandleKey = tuple[str, str]

_PROVENANCE_COLUMNS = ("party_id", "field", "source_record_id", "is_local", "value",
                       "updated_at")


@dataclass(slots=True)
class _Existing:
    id: int
    party_id: int | None
    etag: str
    content_hash: str
    deleted_at: object
    data: dict


def ingest_contacts(
    session: Session,
    account_id: int,
    contacts: Iterable[ParsedContact | PreparedContact],
    *,
    region: str = "",
) -> IngestStats:
    """Write one batch from one account. The caller commits (one transaction per batch).

    Items may come already prepared (``prepare_for_write`` with the same region, e.g. in the
    vCard parser's worker processes) so that CPU work leaves the writing thread.
    """
    with cyclic_gc_paused():
        return _ingest(session, account_id, contacts, region)


def _ingest(
    session: Session,
    account_id: int,
    contacts: Iterable[ParsedContact | PreparedContact],
    region: str,
) -> IngestStats:
    account = session.get(SourceAccount, account_id)
    if account is None:
        raise LookupError(f"No source account with id {account_id}")
    region = region or account.default_region or ""
    stats = IngestStats()
    by_id: dict[str, ParsedContact | PreparedContact] = {}
    for item in contacts:
        # A PreparedContact answers external_id, etag, deleted and previous_external_ids
        # itself (a LeanPrepared without building its contact).
        if not item.external_id:
            stats.skipped += 1
            continue
        by_id[item.external_id] = item  # last one wins within a batch
    stats.seen_external_ids = {k for k, c in by_id.items() if not c.deleted}
    _map_renamed(session, account_id, by_id.values())
    existing = _load_existing(session, account_id, list(by_id))
    fresh: list[PreparedContact] = []
    changed: list[tuple[PreparedContact, _Existing]] = []
    gone: list[str] = []
    for ext_id, item in by_id.items():
        row = existing.get(ext_id)
        live = row is not None and row.deleted_at is None
        if item.deleted:
            if live:
                gone.append(ext_id)
            continue
        if live and item.etag and item.etag == row.etag:
            stats.unchanged += 1
            continue
        prepared = item if isinstance(item, PreparedContact) else prepare_for_write(item, region)
        if live and prepared.content_hash == row.content_hash:
            stats.unchanged += 1
            continue
        if row is None:
            fresh.append(prepared)
        else:
            changed.append((prepared, row))
    if gone:
        stats.merge(deletes.remove_records(session, account, gone))
    _write_isolated(session, account, fresh, changed, stats)
    return stats


def _write_isolated(
    session: Session,
    account: SourceAccount,
    fresh: list[PreparedContact],
    changed: list[tuple[PreparedContact, _Existing]],
    stats: IngestStats,
) -> None:
    """Try the whole batch in one savepoint; on failure replay record by record."""
    if not fresh and not changed:
        return
    try:
        with session.begin_nested():
            part = IngestStats()
            _write(session, account, fresh, changed, part)
        stats.merge(part)
        return
    except Exception as exc:  # noqa: BLE001 - isolate the bad record below
        if len(fresh) + len(changed) == 1:
            item = fresh[0] if fresh else changed[0][0]
            stats.errors.append(_error_text(item, exc))
            log.warning("skipped record %r: %s", item.external_id, type(exc).__name__)
            return
    for item in fresh:
        _write_isolated(session, account, [item], [], stats)
    for pair in changed:
        _write_isolated(session, account, [], [pair], stats)


def _error_text(item: PreparedContact, exc: Exception) -> str:
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return f"record {item.external_id!r} was skipped: {reason}"


def _load_existing(
    session: Session, account_id: int, external_ids: Sequence[str]
) -> dict[str, _Existing]:
    found: dict[str, _Existing] = {}
    for chunk in chunked(list(external_ids), 500):
        rows = session.execute(
            select(
                SourceRecord.external_id, SourceRecord.id, SourceRecord.party_id,
                SourceRecord.etag, SourceRecord.content_hash, SourceRecord.deleted_at,
            ).where(SourceRecord.account_id == account_id,
                    in_values(session, SourceRecord.external_id, chunk))
        )
        for ext, rid, pid, etag, chash, deleted_at in rows:
            found[ext] = _Existing(rid, pid, etag, chash, deleted_at, {})
    return found


def _map_renamed(session: Session, account_id: int,
                 contacts: Iterable[ParsedContact | PreparedContact]) -> None:
    """A source that renamed a record (Google previousResourceNames) keeps the same row."""
    for contact in contacts:
        for old in contact.previous_external_ids:
            if old == contact.external_id:
                continue
            record = session.scalar(
                select(SourceRecord).where(
                    SourceRecord.account_id == account_id, SourceRecord.external_id == old
                )
            )
            clash = session.scalar(
                select(SourceRecord.id).where(
                    SourceRecord.account_id == account_id,
                    SourceRecord.external_id == contact.external_id,
                )
            )
            if record is not None and clash is None:
                record.external_id = contact.external_id
                session.flush()
                break


def _write(
    session: Session,
    account: SourceAccount,
    fresh: list[PreparedContact],
    changed: list[tuple[PreparedContact, _Existing]],
    stats: IngestStats,
) -> None:
    now = utcnow()
    source = f"source:{account.provider}"
    all_items = fresh + [p for p, _ in changed]
    wanted: dict[HandleKey, NormalizedHandle] = {}
    for p in all_items:
        for u in p.handles:
            wanted.setdefault((u.handle.platform, u.handle.value), u.handle)
    handle_ids = lookup_handle_ids(session, wanted.keys())  # existing handles only
    secured = _secured_keys(session, handle_ids)

    # --- attach new records: email -> phone -> new party --------------------------------
    owners, blocked = _handle_owners(session, handle_ids, [p.match_handles for p in fresh])
    new_party_rows: list[dict] = []
    assignment: list[int] = []  # >= 0: existing party id; < 0: -(index into new_party_rows)-1
    guard = AttachGuard.load(session, account.id, fresh, changed, handle_ids, owners)
    for index, prepared in enumerate(fresh):
        target = None
        for h in prepared.match_handles:
            owner = owners.get((h.platform, h.value))
            if owner is None or guard.holds_back(index, prepared, h, owner):
                continue  # vetoed: see core/ingest/attach_veto.py
            target = owner
            break
        if target is None:
            new_party_rows.append(_new_party_row(prepared, now, secured))
            target = -len(new_party_rows)
            guard.add_party(target, prepared)
            for h in prepared.match_handles:
                key = (h.platform, h.value)
                if key not in owners and key not in blocked:
                    owners[key] = target
        assignment.append(target)

    # --- brand-new handles: owned from the start when exactly one new party lists them ----
    sole = _sole_new_claimants(fresh, assignment, changed, handle_ids)
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
    owned_at_insert = {handle_ids[key] for key in sole if key in ours}
    miscounted = {new_ids[-t - 1] for key, t in sole.items() if key not in ours}

    record_ids = insert_returning_ids(session, SourceRecord, [
        {
            "account_id": account.id, "external_id": p.external_id,
            "party_id": pid, "etag": p.etag or "", "content_hash": p.content_hash,
            "data": _data(p), "raw": _raw_text(p.raw),
            "first_seen": now, "last_seen": now, "updated_at": now,
        }
        for p, pid in zip(fresh, party_of, strict=True)
    ])
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
            party = Party(**_new_party_row(prepared, now, secured))
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
    insert_many(session, ActivityEvent, [
        {"kind": "contact_synced", "party_id": ref.party_id, "source_record_id": ref.record_id,
         "account_id": account.id, "message": "", "payload": no_payload, "created_at": now}
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


def _handle_owners(
    session: Session, handle_ids: dict[HandleKey, int], match_lists: list[list[NormalizedHandle]]
) -> tuple[dict[HandleKey, int], set[HandleKey]]:
    """Owners of existing match handles usable for attaching, and the handles that must never
    attach (shared or contested). Keyed by (platform, value): new handles join in as the
    batch assigns them."""
    wanted = {
        handle_ids[key]: key
        for handles in match_lists for h in handles
        if (key := (h.platform, h.value)) in handle_ids
    }
    blocked: set[HandleKey] = set()
    owners: dict[HandleKey, int] = {}
    ids = sorted(wanted)
    contested = contested_handle_ids(session, ids)
    for chunk in chunked(ids, 500):
        rows = session.execute(
            select(Handle.id, Handle.party_id, Handle.is_shared)
            .where(in_values(session, Handle.id, chunk))
        )
        for hid, pid, shared in rows:
            if shared or hid in contested:
                blocked.add(wanted[hid])
            elif pid is not None:
                owners[wanted[hid]] = pid
    return owners, blocked


def _sole_new_claimants(
    fresh: list[PreparedContact],
    assignment: list[int],
    changed: list[tuple[PreparedContact, _Existing]],
    handle_ids: dict[HandleKey, int],
) -> dict[HandleKey, int]:
    """Handles not in the database yet that exactly one *new* party lists (and no changed
    record): key -> that party's placeholder. Such a handle's only links will be that
    party's, so resolution is known in advance."""
    claimants: dict[HandleKey, set[int]] = {}
    for prepared, target in zip(fresh, assignment, strict=True):
        for u in prepared.handles:
            key = (u.handle.platform, u.handle.value)
            if key not in handle_ids:
                claimants.setdefault(key, set()).add(target)
    for prepared, _row in changed:
        for u in prepared.handles:
            claimants.pop((u.handle.platform, u.handle.value), None)
    return {
        key: target
        for key, parties in claimants.items()
        if len(parties) == 1 and (target := next(iter(parties))) < 0
    }


def _supported_handles(session: Session, party_id: int) -> set[int]:
    """Handles some live record of the party still lists."""
    record_ids = session.scalars(
        select(SourceRecord.id).where(
            SourceRecord.party_id == party_id, SourceRecord.deleted_at.is_(None)
        )
    ).all()
    return record_handle_ids(session, record_ids)


def _new_party_row(
    prepared: PreparedContact, now: datetime, secured: set[HandleKey]
) -> dict:
    row = dict(prepared.party_row or new_party_columns(prepared))
    row.update(created_at=now, updated_at=now)
    listed = [u.handle for u in prepared.handles]
    if secured and any((h.platform, h.value) in secured for h in listed):
        # Search never finds a party by a secured handle (as refresh_search_text does).
        row["search_text"] = search_text(prepared.fields, sorted(
            h.value for h in listed if (h.platform, h.value) not in secured),
            search_words(prepared.contact))
    return row


def _secured_keys(session: Session, handle_ids: dict[HandleKey, int]) -> set[HandleKey]:
    """Existing handles among ``handle_ids`` that the owner marked secured."""
    found: set[HandleKey] = set()
    for chunk in chunked(sorted(handle_ids.values()), 500):
        rows = session.execute(
            select(Handle.platform, Handle.value)
            .where(in_values(session, Handle.id, chunk), Handle.is_secured.is_(True))
        )
        found.update((platform, value) for platform, value in rows)
    return found


def _data(prepared: PreparedContact) -> dict | str:
    """The stored data: a dict, or JSON text a parser process serialised (JSONText)."""
    return prepared.data if prepared.data is not None else contact_to_data(prepared.contact)


def _raw_text(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    return json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str)



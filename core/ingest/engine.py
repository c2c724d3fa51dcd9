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
This module sorts a batch into new, changed, unchanged and deleted records; the writing is
core/ingest/batch_write.py, the choice of party for a new record core/ingest/party_attach.py.
Each record is all-or-nothing: the batch runs in a savepoint, and if any record fails the batch
is replayed one record per savepoint so only the bad record is skipped and reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import SourceAccount, SourceRecord
from core.gcpause import cyclic_gc_paused
from core.ingest import deletes
from core.ingest.batch_write import StoredRecord, write_batch
from core.ingest.import_memory import ImportMemory
from core.ingest.parsed import ParsedContact
from core.ingest.prepare import PreparedContact, prepare_for_write
from core.ingest.sqlutil import chunked, in_values
from core.ingest.stats import IngestStats

log = logging.getLogger("kith.ingest")


def ingest_contacts(
    session: Session,
    account_id: int,
    contacts: Iterable[ParsedContact | PreparedContact],
    *,
    region: str = "",
    memory: ImportMemory | None = None,
) -> IngestStats:
    """Write one batch from one account. The caller commits (one transaction per batch).

    Items may come already prepared (``prepare_for_write`` with the same region, e.g. in the
    vCard parser's worker processes) so that CPU work leaves the writing thread. A bulk
    importer passes one :class:`ImportMemory` to all its batches (``memory``).
    """
    with cyclic_gc_paused():
        return _ingest(session, account_id, contacts, region, memory)


def _ingest(
    session: Session,
    account_id: int,
    contacts: Iterable[ParsedContact | PreparedContact],
    region: str,
    memory: ImportMemory | None,
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
    if memory is not None and memory.account_id != account_id:
        memory = None
    wanted = list(by_id)
    if memory is not None:
        # a renamed record now has the id its contact gives (_map_renamed)
        memory.records.remember([k for k, c in by_id.items() if c.previous_external_ids], 0)
        wanted = memory.records.maybe_present(session, wanted)
    existing = _load_existing(session, account_id, wanted)
    fresh: list[PreparedContact] = []
    changed: list[tuple[PreparedContact, StoredRecord]] = []
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
    _write_isolated(session, account, fresh, changed, stats, memory)
    return stats


def _write_isolated(
    session: Session,
    account: SourceAccount,
    fresh: list[PreparedContact],
    changed: list[tuple[PreparedContact, StoredRecord]],
    stats: IngestStats,
    memory: ImportMemory | None = None,
) -> None:
    """Try the whole batch in one savepoint; on failure replay record by record."""
    if not fresh and not changed:
        return
    try:
        with session.begin_nested():
            part = IngestStats()
            write_batch(session, account, fresh, changed, part, memory)
        stats.merge(part)
        return
    except Exception as exc:  # noqa: BLE001 - isolate the bad record below
        if len(fresh) + len(changed) == 1:
            item = fresh[0] if fresh else changed[0][0]
            stats.errors.append(_error_text(item, exc))
            log.warning("skipped record %r: %s", item.external_id, type(exc).__name__)
            return
    for item in fresh:
        _write_isolated(session, account, [item], [], stats, memory)
    for pair in changed:
        _write_isolated(session, account, [], [pair], stats, memory)


def _error_text(item: PreparedContact, exc: Exception) -> str:
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return f"record {item.external_id!r} was skipped: {reason}"


def _load_existing(
    session: Session, account_id: int, external_ids: Sequence[str]
) -> dict[str, StoredRecord]:
    found: dict[str, StoredRecord] = {}
    for chunk in chunked(list(external_ids), 500):
        rows = session.execute(
            select(
                SourceRecord.external_id, SourceRecord.id, SourceRecord.party_id,
                SourceRecord.etag, SourceRecord.content_hash, SourceRecord.deleted_at,
            ).where(SourceRecord.account_id == account_id,
                    in_values(session, SourceRecord.external_id, chunk))
        )
        for ext, rid, pid, etag, chash, deleted_at in rows:
            found[ext] = StoredRecord(rid, pid, etag, chash, deleted_at, {})
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


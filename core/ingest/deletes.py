"""Deletions at the source, under the account's delete policy.

- "archive" (default): the record gets ``deleted_at``; a party left with no live records is
  flagged for archival review. Nothing is hard-deleted.
- "mirror": stale records are removed (keep_uids semantics) and the handles they held are
  re-resolved; a party with local edits, confirmed links or other records survives.

A complete listing that comes back empty from a source that had records is suspect (an
expired login, an emptied folder on a flaky mount...): it never mass-deletes without the
owner's explicit confirmation.

The mass-delete guard (every provider, full and incremental runs): the deletions a run
would apply are collected and settled once, at its end (:func:`settle_deletes`). When they
are more than ``GUARD_MIN`` records and more than ``GUARD_FRACTION`` of the source's live
records (a repointed URL, a shrunk collection, a sync token from another book...), none is
applied: they are stored in ``sync_state.held_deletes`` until the owner applies them
(:func:`apply_held_deletes`) or keeps the contacts (:func:`keep_held_deletes`). The run's
additions and updates land as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import (
    ActivityEvent,
    FieldProvenance,
    Party,
    PartyHandleLink,
    SourceAccount,
    SourceRecord,
    SyncState,
)
from core.ingest.children import record_handle_ids
from core.ingest.resolve import drop_unsupported_links, resolve_handles
from core.ingest.search_index import refresh_search_text
from core.ingest.sqlutil import chunked, in_values
from core.ingest.stats import IngestStats


class SuspectEmptyListingError(RuntimeError):
    """A source that had records listed none: refuse to delete them all unconfirmed."""


def remove_records(
    session: Session, account: SourceAccount, external_ids: Sequence[str]
) -> IngestStats:
    """Apply the account's policy to these records (the source says they are gone)."""
    stats = IngestStats()
    if not external_ids:
        return stats
    records: list[tuple[int, int | None]] = []
    for chunk in chunked(list(external_ids), 500):
        records.extend(
            session.execute(
                select(SourceRecord.id, SourceRecord.party_id).where(
                    SourceRecord.account_id == account.id,
                    in_values(session, SourceRecord.external_id, chunk),
                    SourceRecord.deleted_at.is_(None),
                )
            ).all()
        )
    if not records:
        return stats
    now = utcnow()
    record_ids = [rid for rid, _ in records]
    party_ids = {pid for _, pid in records if pid is not None}
    held = record_handle_ids(session, record_ids)
    session.add_all(
        ActivityEvent(kind="contact_sync_deleted_source", party_id=pid, source_record_id=rid,
                      account_id=account.id, payload={"policy": account.delete_policy})
        for rid, pid in records
    )
    session.flush()
    if account.delete_policy == "mirror":
        for chunk in chunked(record_ids, 500):
            session.execute(delete(SourceRecord).where(in_values(session, SourceRecord.id, chunk)))
    else:
        for chunk in chunked(record_ids, 500):
            session.execute(
                update(SourceRecord)
                .where(in_values(session, SourceRecord.id, chunk))
                .values(deleted_at=now)
            )
    changed_handles: set[int] = set()
    for pid in party_ids:
        live = session.scalars(
            select(SourceRecord.id).where(
                SourceRecord.party_id == pid, SourceRecord.deleted_at.is_(None)
            )
        ).all()
        if account.delete_policy == "mirror":
            changed_handles |= drop_unsupported_links(
                session, pid, held, record_handle_ids(session, live)
            )
        if not live:
            _orphaned(session, pid, account.delete_policy)
    session.flush()
    touched = resolve_handles(session, changed_handles | held)
    remaining = [pid for pid in party_ids | touched if session.get(Party, pid) is not None]
    refresh_search_text(session, remaining)
    stats.deleted = len(records)
    stats.touched_party_ids = set(remaining)
    return stats


def _orphaned(session: Session, party_id: int, policy: str) -> None:
    """A party whose last live record went away."""
    party = session.get(Party, party_id)
    if party is None:
        return
    keep = policy != "mirror" or _has_local_state(session, party_id) or party.role == "owner"
    if keep:
        party.needs_archival_review = True
        return
    has_records = session.scalar(
        select(func.count()).select_from(SourceRecord).where(SourceRecord.party_id == party_id)
    )
    if has_records:
        party.needs_archival_review = True
        return
    session.delete(party)


def _has_local_state(session: Session, party_id: int) -> bool:
    local_field = session.scalar(
        select(func.count()).select_from(FieldProvenance).where(
            FieldProvenance.party_id == party_id, FieldProvenance.is_local.is_(True)
        )
    )
    manual_link = session.scalar(
        select(func.count()).select_from(PartyHandleLink).where(
            PartyHandleLink.party_id == party_id,
            (PartyHandleLink.is_confirmed.is_(True)) | (~PartyHandleLink.source.like("source:%")),
        )
    )
    return bool(local_field or manual_link)


def apply_complete_listing(
    session: Session,
    account_id: int,
    seen_external_ids: Iterable[str],
    *,
    confirm_empty: bool = False,
) -> IngestStats:
    """After a full listing: every live record the listing did not contain is gone."""
    account = session.get(SourceAccount, account_id)
    if account is None:
        raise LookupError(f"No source account with id {account_id}")
    seen = set(seen_external_ids)
    live = session.scalars(
        select(SourceRecord.external_id).where(
            SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None)
        )
    ).all()
    if not seen and live and not confirm_empty:
        raise SuspectEmptyListingError(
            f"The source '{account.display_name or account.account_id}' listed no contacts, "
            f"but Kith holds {len(live)} from it. Nothing was deleted; confirm to remove them."
        )
    stale = [ext for ext in live if ext not in seen]
    return remove_records(session, account, stale)


#: A run may delete at most this many records of a source without asking...
GUARD_MIN = 50
#: ...or, above that, at most this share of the source's live records.
GUARD_FRACTION = 1 / 3


def exceeds_guard(count: int, live: int) -> bool:
    """More than ``GUARD_MIN`` records and more than ``GUARD_FRACTION`` of the live ones."""
    return count > GUARD_MIN and count > live * GUARD_FRACTION


@dataclass(slots=True)
class Settled:
    """What :func:`settle_deletes` did: the stats of what it applied, what it held."""

    stats: IngestStats
    held: int = 0


def held_info(state: SyncState | None) -> dict[str, Any]:
    return dict(state.held_deletes or {}) if state is not None else {}


def _live_ids(session: Session, account_id: int) -> set[str]:
    return set(session.scalars(select(SourceRecord.external_id).where(
        SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None))))


def settle_deletes(
    session: Session,
    account_id: int,
    *,
    removed: Iterable[str] = (),
    present: Iterable[str] = (),
    complete_listing: bool = False,
    confirm: bool = False,
) -> Settled:
    """Apply or hold a run's deletions (see the module docstring). The caller commits.

    ``removed``: ids the source said were deleted; ``present``: ids this run saw alive;
    ``complete_listing``: ``present`` is the whole source, so every other live record is
    gone too (an empty one raises :class:`SuspectEmptyListingError` unless ``confirm``).
    Deletions held by an earlier run stay held (or are applied) together with the new ones;
    records the owner chose to keep are never proposed again while the source lacks them.
    ``confirm`` (the owner said so already) applies whatever the count.
    """
    account = session.get(SourceAccount, account_id)
    if account is None:
        raise LookupError(f"No source account with id {account_id}")
    state = session.get(SyncState, account_id)
    info = held_info(state)
    removed = set(removed)
    if not (complete_listing or removed or info):
        return Settled(IngestStats())  # a quiet incremental run: nothing to count
    seen = set(present)
    live = _live_ids(session, account_id)
    if complete_listing:
        if not seen and live and not confirm:
            raise SuspectEmptyListingError(
                f"The source '{account.display_name or account.account_id}' listed no "
                f"contacts, but Kith holds {len(live)} from it. Nothing was deleted; "
                "confirm to remove them.")
        candidates = live - seen
    else:
        candidates = (set(info.get("ids") or []) | removed) - seen
    kept = set(info.get("kept") or []) - seen
    candidates = (candidates & live) - kept
    if candidates and not confirm and exceeds_guard(len(candidates), len(live)):
        _store_held(state, {"ids": sorted(candidates), "count": len(candidates),
                            "live": len(live), "at": utcnow().isoformat(),
                            "kept": sorted(kept)})
        session.add(ActivityEvent(
            kind="sync_deletes_held", account_id=account_id,
            message=f"{account.display_name or account.account_id}: this sync would remove "
                    f"{len(candidates):,} of {len(live):,} contacts; nothing was removed "
                    "until you decide",
            payload={"count": len(candidates), "live": len(live)}))
        session.flush()
        return Settled(IngestStats(), held=len(candidates))
    _store_held(state, {"kept": sorted(kept)} if kept else None)
    return Settled(remove_records(session, account, sorted(candidates)))


def _store_held(state: SyncState | None, value: dict[str, Any] | None) -> None:
    if state is not None:
        state.held_deletes = value


def apply_held_deletes(session: Session, account_id: int) -> IngestStats:
    """The owner said Apply: remove the held records that are still live. The caller
    commits; LookupError when nothing is held."""
    state = session.get(SyncState, account_id)
    account = session.get(SourceAccount, account_id)
    info = held_info(state)
    if account is None or state is None or not info.get("ids"):
        raise LookupError(f"Source {account_id} has no removals waiting for a decision")
    stats = remove_records(session, account, list(info["ids"]))
    _store_held(state, {"kept": info["kept"]} if info.get("kept") else None)
    session.add(ActivityEvent(
        kind="sync_deletes_applied", account_id=account_id,
        message=f"{account.display_name or account.account_id}: removed {stats.deleted:,} "
                "contacts the source no longer has, as you confirmed",
        payload={"count": stats.deleted}))
    session.flush()
    return stats


def keep_held_deletes(session: Session, account_id: int) -> int:
    """The owner said Keep: the held records stay live and are not proposed again while
    the source lacks them. Returns how many were kept; LookupError when nothing is held."""
    state = session.get(SyncState, account_id)
    account = session.get(SourceAccount, account_id)
    info = held_info(state)
    if account is None or state is None or not info.get("ids"):
        raise LookupError(f"Source {account_id} has no removals waiting for a decision")
    kept = set(info.get("kept") or []) | set(info["ids"])
    _store_held(state, {"kept": sorted(kept)})
    session.add(ActivityEvent(
        kind="sync_deletes_kept", account_id=account_id,
        message=f"{account.display_name or account.account_id}: kept {len(info['ids']):,} "
                "contacts the source no longer has",
        payload={"count": len(info["ids"])}))
    session.flush()
    return len(info["ids"])

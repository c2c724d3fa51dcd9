"""Which party each new record of a batch joins, decided before any row is written.

The attach order (DESIGN.md section 2): a new record joins the party that owns one of its
match handles (primary email, then E.164 phone), unless the handle is shared or contested,
or the contradiction veto holds the match back (core/ingest/attach_veto.py); otherwise it
starts a new party. This module makes that decision for a whole batch at once, set-wise,
and works out which brand-new handles a new party will own from the start, so that the
write path (core/ingest/batch_write.py) can insert parties and handles in bulk.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Handle
from core.ingest.attach_veto import AttachGuard, HandleKey
from core.ingest.facts import search_words
from core.ingest.normalize import NormalizedHandle
from core.ingest.prepare import PreparedContact, new_party_columns, search_text
from core.ingest.resolve import contested_handle_ids
from core.ingest.sqlutil import chunked, in_values


def assign_parties(
    session: Session,
    account_id: int,
    fresh: list[PreparedContact],
    changed: list[tuple[PreparedContact, Any]],
    handle_ids: dict[HandleKey, int],
    secured: set[HandleKey],
    now: datetime,
) -> tuple[list[dict], list[int], AttachGuard]:
    """The party each new record joins: email -> phone -> new party.

    Returns the rows of the new parties to insert, one target per record of ``fresh``
    (>= 0: an existing party id; < 0: -(index into the new party rows)-1) and the guard
    that must record its held-back matches once the new parties have ids.
    """
    owners, blocked = _handle_owners(session, handle_ids, [p.match_handles for p in fresh])
    new_party_rows: list[dict] = []
    assignment: list[int] = []
    guard = AttachGuard.load(session, account_id, fresh, changed, handle_ids, owners)
    for index, prepared in enumerate(fresh):
        target = None
        for h in prepared.match_handles:
            owner = owners.get((h.platform, h.value))
            if owner is None or guard.holds_back(index, prepared, h, owner):
                continue  # vetoed: see core/ingest/attach_veto.py
            target = owner
            break
        if target is None:
            new_party_rows.append(new_party_row(prepared, now, secured))
            target = -len(new_party_rows)
            guard.add_party(target, prepared)
            for h in prepared.match_handles:
                key = (h.platform, h.value)
                if key not in owners and key not in blocked:
                    owners[key] = target
        assignment.append(target)
    return new_party_rows, assignment, guard


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


def sole_new_claimants(
    fresh: list[PreparedContact],
    assignment: list[int],
    changed: list[tuple[PreparedContact, Any]],
    handle_ids: dict[HandleKey, int],
) -> dict[HandleKey, int]:
    """Handles not in the database yet that exactly one *new* party lists (and no changed
    record): key -> that party's placeholder. Such a handle's only links will be that
    party's, so resolution is known in advance."""
    # The first claimant of each new key, and the keys a second, other party claims too
    # (no set of claimants per key: a big batch has hundreds of thousands of keys).
    first: dict[HandleKey, int] = {}
    shared: set[HandleKey] = set()
    for prepared, target in zip(fresh, assignment, strict=True):
        for u in prepared.handles:
            key = (u.handle.platform, u.handle.value)
            if key not in handle_ids and first.setdefault(key, target) != target:
                shared.add(key)
    for prepared, _row in changed:
        for u in prepared.handles:
            first.pop((u.handle.platform, u.handle.value), None)
    return {key: target for key, target in first.items() if target < 0 and key not in shared}


def new_party_row(
    prepared: PreparedContact, now: datetime, secured: set[HandleKey]
) -> dict:
    """The columns of a party a record starts (its search text leaves secured handles out)."""
    row = dict(prepared.party_row or new_party_columns(prepared))
    row.update(created_at=now, updated_at=now)
    if not secured:
        return row
    listed = [u.handle for u in prepared.handles]
    if any((h.platform, h.value) in secured for h in listed):
        # Search never finds a party by a secured handle (as refresh_search_text does).
        row["search_text"] = search_text(prepared.fields, sorted(
            h.value for h in listed if (h.platform, h.value) not in secured),
            search_words(prepared.contact))
    return row


def secured_keys(session: Session, handle_ids: dict[HandleKey, int]) -> set[HandleKey]:
    """Existing handles among ``handle_ids`` that the owner marked secured."""
    found: set[HandleKey] = set()
    for chunk in chunked(sorted(handle_ids.values()), 500):
        rows = session.execute(
            select(Handle.platform, Handle.value)
            .where(in_values(session, Handle.id, chunk), Handle.is_secured.is_(True))
        )
        found.update((platform, value) for platform, value in rows)
    return found

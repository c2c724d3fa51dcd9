"""Handle upsert, party-handle links and owner resolution.

A handle's owner is *resolved*, never set directly: among its non-dismissed links, the one
ordered first by (is_confirmed desc, confidence desc, oldest first). Resolution re-runs only
for handles whose links changed, and ``party.handle_count`` is recounted for the old and the
new owner. All functions work set-wise so the bulk ingest path uses them unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from typing import NamedTuple

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import ActivityEvent, Handle, Party, PartyHandleLink
from core.db.models.parties import joined_party_is_live
from core.ingest.normalize import NormalizedHandle
from core.ingest.sqlutil import (
    allocate_ids,
    chunked,
    in_values,
    insert_ignore,
    update_many,
)

#: Confidence a source's own listing gives a link, by platform: phones are shared more often.
SOURCE_CONFIDENCE = {"email": 0.9, "phone": 0.8}
DEFAULT_SOURCE_CONFIDENCE = 0.85
INVALID_VALUE_CONFIDENCE = 0.5


def source_confidence(handle: NormalizedHandle) -> float:
    if not handle.is_valid:
        return INVALID_VALUE_CONFIDENCE
    return SOURCE_CONFIDENCE.get(handle.platform, DEFAULT_SOURCE_CONFIDENCE)


def upsert_handles(
    session: Session, handles: Iterable[NormalizedHandle]
) -> dict[tuple[str, str], int]:
    """Insert missing handles (race-safe: ON CONFLICT DO NOTHING) and return their ids."""
    wanted: dict[tuple[str, str], NormalizedHandle] = {}
    for h in handles:
        wanted.setdefault((h.platform, h.value), h)
    ids = lookup_handle_ids(session, wanted.keys())
    missing = [h for key, h in wanted.items() if key not in ids]
    inserted, _ours = insert_handles(session, missing, {})
    ids.update(inserted)
    return ids


def insert_handles(
    session: Session,
    handles: Sequence[NormalizedHandle],
    owners: dict[tuple[str, str], int],
) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]]]:
    """Insert handles believed missing, each owned by ``owners.get(key)`` from the start.

    Returns every handle's id and the keys this call actually inserted. A key another writer
    inserted first (PostgreSQL, concurrently) is looked up instead and is *not* in the second
    set: the caller must resolve its owner the normal way. ``owners`` lets the bulk path give a
    brand-new handle listed by exactly one new party that party as owner without a resolution
    round trip (its only link is that party's, so resolution would pick it anyway).
    """
    if not handles:
        return {}, set()
    now = utcnow()
    keys = [(h.platform, h.value) for h in handles]
    allocated = allocate_ids(session, Handle, len(handles))
    rows = [
        (hid, h.platform, h.value, h.display_value, h.is_valid, False, False, now,
         owners.get(key))
        for hid, h, key in zip(allocated, handles, keys, strict=True)
    ]
    inserted = insert_ignore(session, Handle, [], ["platform", "value"],
                             columns=_HANDLE_COLUMNS, values=rows)
    ids = dict(zip(keys, allocated, strict=True))
    if inserted == len(rows):
        return ids, set(keys)
    actual = lookup_handle_ids(session, keys)
    return actual, {key for key in keys if actual[key] == ids[key]}


_HANDLE_COLUMNS = ("id", "platform", "value", "display_value", "is_valid", "is_shared",
                   "is_secured", "created_at", "party_id")


def lookup_handle_ids(
    session: Session, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    by_platform: dict[str, list[str]] = {}
    for platform, value in keys:
        by_platform.setdefault(platform, []).append(value)
    found: dict[tuple[str, str], int] = {}
    for platform, values in by_platform.items():
        for chunk in chunked(values, 500):
            rows = session.execute(
                select(Handle.id, Handle.value).where(
                    Handle.platform == platform, in_values(session, Handle.value, chunk)
                )
            )
            for hid, value in rows:
                found[(platform, value)] = hid
    return found


class LinkSpec(NamedTuple):
    """A link a writer wants; the bulk path passes plain tuples in this order."""

    party_id: int
    handle_id: int
    confidence: float
    source: str
    label: str = ""
    is_primary: bool = False


def ensure_links(
    session: Session, links: Sequence[LinkSpec | tuple], *,
    new_parties: Set[int] = frozenset(),
) -> set[int]:
    """Create links that do not exist yet; an existing (party, handle) pair keeps its
    confidence, source and dismissed state. Returns handle ids that gained a link.

    ``new_parties`` were created in this transaction, so they have no links to look up."""
    if not links:
        return set()
    wanted = {(spec[0], spec[1]): spec for spec in links}
    existing: set[tuple[int, int]] = set()
    party_ids = sorted({pid for pid, _ in wanted if pid not in new_parties})
    for chunk in chunked(party_ids, 500):
        existing.update(
            session.execute(
                select(PartyHandleLink.party_id, PartyHandleLink.handle_id).where(
                    in_values(session, PartyHandleLink.party_id, chunk)
                )
            ).all()
        )
    now = utcnow()
    rows = [
        (party_id, handle_id, confidence, source, False, False, is_primary, label, now, now)
        for key, (party_id, handle_id, confidence, source, label, is_primary) in wanted.items()
        if key not in existing
    ]
    insert_ignore(session, PartyHandleLink, [], ["party_id", "handle_id"],
                  columns=_LINK_COLUMNS, values=rows)
    return {row[1] for row in rows}


_LINK_COLUMNS = ("party_id", "handle_id", "confidence", "source", "is_confirmed",
                 "is_dismissed", "is_primary", "label", "created_at", "updated_at")


def resolve_handles(session: Session, handle_ids: Iterable[int]) -> set[int]:
    """Recompute the owner of each handle; return the party ids whose handle_count changed
    (already recounted)."""
    ids = sorted(set(handle_ids))
    if not ids:
        return set()
    touched_parties: set[int] = set()
    for chunk in chunked(ids, 500):
        current = dict(
            session.execute(
                select(Handle.id, Handle.party_id).where(in_values(session, Handle.id, chunk))
            ).all()
        )
        best: dict[int, int | None] = {hid: None for hid in chunk}
        links = session.execute(
            select(PartyHandleLink.handle_id, PartyHandleLink.party_id)
            .join(Party, Party.id == PartyHandleLink.party_id)
            .where(
                in_values(session, PartyHandleLink.handle_id, chunk),
                PartyHandleLink.is_dismissed.is_(False),
                joined_party_is_live(),
            )
            .order_by(
                PartyHandleLink.handle_id,
                PartyHandleLink.is_confirmed.desc(),
                PartyHandleLink.confidence.desc(),
                PartyHandleLink.created_at.asc(),
                PartyHandleLink.id.asc(),
            )
        )
        seen: set[int] = set()
        for hid, pid in links:
            if hid not in seen:
                seen.add(hid)
                best[hid] = pid
        changes: list[dict[str, int | None]] = []
        for hid, owner in best.items():
            old = current.get(hid)
            if old != owner:
                changes.append({"_key": hid, "party_id": owner})
                if old is not None:
                    touched_parties.add(old)
                if owner is not None:
                    touched_parties.add(owner)
        update_many(session, Handle, "id", changes)
    recount_handles(session, touched_parties)
    return touched_parties


def recount_handles(session: Session, party_ids: Iterable[int]) -> None:
    """``party.handle_count`` = number of handles the party resolves as owner of."""
    ids = sorted(set(party_ids))
    for chunk in chunked(ids, 500):
        counts = dict(
            session.execute(
                select(Handle.party_id, func.count())
                .where(in_values(session, Handle.party_id, chunk))
                .group_by(Handle.party_id)
            ).all()
        )
        update_many(session, Party, "id",
                    [{"_key": pid, "handle_count": counts.get(pid, 0)} for pid in chunk])


def contested_handle_ids(session: Session, handle_ids: Iterable[int]) -> set[int]:
    """Handles with two or more live (non-dismissed) links: never auto-merge on them."""
    ids = list(set(handle_ids))
    found: set[int] = set()
    for chunk in chunked(ids, 500):
        rows = session.execute(
            select(PartyHandleLink.handle_id)
            .where(in_values(session, PartyHandleLink.handle_id, chunk),
                   PartyHandleLink.is_dismissed.is_(False))
            .group_by(PartyHandleLink.handle_id)
            .having(func.count() > 1)
        )
        found.update(r[0] for r in rows)
    return found


def _link(session: Session, handle_id: int, party_id: int) -> PartyHandleLink:
    link = session.scalar(
        select(PartyHandleLink).where(
            PartyHandleLink.handle_id == handle_id, PartyHandleLink.party_id == party_id
        )
    )
    if link is None:
        if session.get(Handle, handle_id) is None or session.get(Party, party_id) is None:
            raise LookupError(f"No handle {handle_id} or no party {party_id}")
        link = PartyHandleLink(
            party_id=party_id, handle_id=handle_id, confidence=1.0, source="manual"
        )
        session.add(link)
    return link


def _record_verdict(
    session: Session, handle_id: int, party_id: int, *, confirmed: bool, kind: str
) -> int | None:
    link = _link(session, handle_id, party_id)
    link.is_confirmed = confirmed
    link.is_dismissed = not confirmed
    link.updated_at = utcnow()
    session.add(ActivityEvent(kind=kind, party_id=party_id, payload={"handle_id": handle_id}))
    session.flush()
    resolve_handles(session, [handle_id])
    return session.scalar(select(Handle.party_id).where(Handle.id == handle_id))


def confirm_link(session: Session, handle_id: int, party_id: int) -> int | None:
    """The owner says: this handle belongs to this party. Returns the new resolved owner."""
    return _record_verdict(session, handle_id, party_id, confirmed=True, kind="link_confirmed")


def dismiss_link(session: Session, handle_id: int, party_id: int) -> int | None:
    """The owner says: this handle is NOT this party's. Remembered across re-syncs."""
    return _record_verdict(session, handle_id, party_id, confirmed=False, kind="link_dismissed")


def set_link_state(
    session: Session, handle_id: int, party_id: int, *, confirmed: bool, dismissed: bool
) -> None:
    """Restore a link's verdict exactly (used when a decision is revoked)."""
    session.execute(
        update(PartyHandleLink)
        .where(and_(PartyHandleLink.handle_id == handle_id, PartyHandleLink.party_id == party_id))
        .values(is_confirmed=confirmed, is_dismissed=dismissed, updated_at=utcnow())
    )
    resolve_handles(session, [handle_id])


def drop_unsupported_links(
    session: Session, party_id: int, handle_ids: Iterable[int], supported: set[int]
) -> set[int]:
    """Remove source-made links of ``party_id`` to handles no live record of it holds any more.

    Confirmed, dismissed (a remembered verdict) and manual links stay.
    """
    stale = [hid for hid in set(handle_ids) if hid not in supported]
    if not stale:
        return set()
    result = session.execute(
        delete(PartyHandleLink).where(
            PartyHandleLink.party_id == party_id,
            in_values(session, PartyHandleLink.handle_id, stale),
            PartyHandleLink.is_confirmed.is_(False),
            PartyHandleLink.is_dismissed.is_(False),
            PartyHandleLink.source.like("source:%"),
        )
    )
    return set(stale) if result.rowcount else set()

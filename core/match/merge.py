"""Merging parties into one, reversibly.

``merge_parties`` keeps one party and moves onto it the others' source records, handle links,
labels, dates, addresses and urls; the caller picks where each single-valued field comes from
(``field_choices={"name": party_id, "organization": ..., "birthday": ..., "photo": ...}``
or any single field name). The merged-away parties stay as rows with ``merged_into_id`` set,
and the decision row holds a snapshot (core.match.snapshot), so ``unmerge`` (core.match.unmerge)
restores the exact prior state at any later time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import (
    ActivityEvent,
    Address,
    FieldProvenance,
    ImportantDate,
    LabelMembership,
    MergeSuggestion,
    Party,
    PartyFact,
    PartyHandleLink,
    PartyUrl,
    SourceRecord,
)
from core.ingest.normalize import sort_key
from core.ingest.resolve import resolve_handles
from core.ingest.search_index import refresh_search_text
from core.match.decision_log import log_decision
from core.match.relabel import relabel_pairs
from core.match.snapshot import take_snapshot
from core.match.stable_keys import party_key
from core.match.suggest import refresh_suggestions

#: Field groups the caller can choose as a whole; any single column name works too.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("display_name", "given_name", "family_name", "middle_name", "name_prefix",
             "name_suffix", "nickname"),
    "organization": ("organization", "title"),
    "birthday": ("birthday",),
    "photo": ("photo",),
    "notes": ("notes",),
}
FIELD_GROUPS["organisation"] = FIELD_GROUPS["organization"]
#: Columns that travel with the "photo" provenance field.
_PHOTO_COLUMNS = ("photo", "photo_mime", "photo_uri")
_SINGLE_FIELDS = ("primary_email", "primary_phone")


class MergeError(ValueError):
    """The merge (or unmerge) cannot be done as asked; the message says why."""


def _choose_keep(parties: list[Party], keep_id: int | None) -> Party:
    owners = [p for p in parties if p.role == "owner"]
    if keep_id is not None:
        keep = next((p for p in parties if p.id == keep_id), None)
        if keep is None:
            raise MergeError(f"--keep {keep_id} is not one of the contacts being merged")
        if owners and keep.role != "owner":
            raise MergeError("The owner's own contact must be the one kept")
        return keep
    if owners:
        return owners[0]
    return min(parties, key=lambda p: p.id)


def _resolve_choices(
    keep: Party, parties: list[Party], field_choices: Mapping[str, int]
) -> dict[str, Party]:
    """Column group name -> the party whose value the merged party takes."""
    by_id = {p.id: p for p in parties}
    chosen: dict[str, Party] = {}
    for name, pid in field_choices.items():
        if name not in FIELD_GROUPS and name not in _all_fields():
            raise MergeError(f"Unknown field {name!r}; choose one of "
                             f"{', '.join(sorted(set(FIELD_GROUPS) | set(_all_fields())))}")
        if pid not in by_id:
            raise MergeError(f"Field {name!r}: contact {pid} is not one of those being merged")
        for column in FIELD_GROUPS.get(name, (name,)):
            chosen[column] = by_id[pid]
    ordered = [keep] + [p for p in parties if p.id != keep.id]
    for column in _all_fields():
        if column not in chosen:
            chosen[column] = next(
                (p for p in ordered if _value(p, column)), keep)
    return chosen


def _all_fields() -> tuple[str, ...]:
    cols: list[str] = []
    for group in ("name", "organization", "birthday", "photo", "notes"):
        cols.extend(FIELD_GROUPS[group])
    return (*cols, *_SINGLE_FIELDS)


def _value(party: Party, column: str) -> Any:
    if column == "photo":
        return party.photo or party.photo_uri
    return getattr(party, column)


def merge_parties(
    session: Session,
    party_ids: Sequence[int],
    keep_id: int | None = None,
    field_choices: Mapping[str, int] | None = None,
    *,
    kind: str = "merge",
    actor: str = "owner",
) -> int:
    """Merge the parties into one; return the decision id (pass it to ``unmerge``)."""
    ids = list(dict.fromkeys(int(p) for p in party_ids))
    if len(ids) < 2:
        raise MergeError("A merge needs at least two different contacts")
    parties = []
    for pid in ids:
        party = session.get(Party, pid)
        if party is None:
            raise MergeError(f"No contact with id {pid}")
        if party.merged_into_id is not None:
            raise MergeError(f"Contact {pid} was already merged into {party.merged_into_id}")
        parties.append(party)
    keep = _choose_keep(parties, keep_id)
    chosen = _resolve_choices(keep, parties, field_choices or {})
    others = [p.id for p in parties if p.id != keep.id]
    subject = {
        "keep": party_key(session, keep.id),
        "merged": [party_key(session, pid) for pid in others],
        "party_ids": [keep.id, *others],
        "field_choices": {k: int(v) for k, v in (field_choices or {}).items()},
    }
    snapshot = take_snapshot(session, [keep.id, *others])
    snapshot["keep"] = keep.id
    handle_ids = {hid for (hid,) in session.execute(
        select(PartyHandleLink.handle_id).where(PartyHandleLink.party_id.in_(ids)))}

    _apply_fields(session, keep, chosen)
    session.execute(update(SourceRecord).where(SourceRecord.party_id.in_(others))
                    .values(party_id=keep.id))
    for model in (Address, ImportantDate, PartyUrl, PartyFact):
        session.execute(update(model).where(model.party_id.in_(others)).values(party_id=keep.id))
    _move_labels(session, keep.id, others)
    _move_links(session, keep.id, others)
    now = utcnow()
    session.execute(update(Party).where(Party.id.in_(others))
                    .values(merged_into_id=keep.id, updated_at=now))
    if any(not p.needs_archival_review for p in parties):
        keep.needs_archival_review = False
    keep.updated_at = now
    session.execute(update(MergeSuggestion).where(
        MergeSuggestion.party_a_id.in_(ids), MergeSuggestion.party_b_id.in_(ids)
    ).values(status="merged", updated_at=now))
    session.flush()
    resolve_handles(session, handle_ids)
    refresh_search_text(session, [keep.id])
    names = ", ".join(f"{p.display_name or '(no name)'} [{p.id}]" for p in parties)
    decision_id = log_decision(
        session, kind, f"Merged {names} into {keep.display_name or keep.id} [{keep.id}]",
        subject, snapshot, actor=actor,
    )
    session.add(ActivityEvent(kind="merge", party_id=keep.id,
                              message=f"Merged {len(others)} contact(s) into this one",
                              payload={"decision_id": decision_id, "merged": others}))
    session.flush()
    refresh_suggestions(session, ids)
    relabel_pairs(session, ids)  # a merge is a label: pairs like these rise
    return decision_id


def _apply_fields(session: Session, keep: Party, chosen: dict[str, Party]) -> None:
    """Copy each chosen value (and its provenance) onto the kept party."""
    prov_fields: dict[int, set[str]] = {}
    for column, source in chosen.items():
        if source.id == keep.id:
            continue
        if column == "photo":
            for col in _PHOTO_COLUMNS:
                setattr(keep, col, getattr(source, col))
        else:
            setattr(keep, column, getattr(source, column))
        prov_fields.setdefault(source.id, set()).add(column)
    keep.sort_name = sort_key(keep.family_name, keep.given_name, keep.display_name)
    for source_id, fields in prov_fields.items():
        rows = {r.field: r for r in session.scalars(select(FieldProvenance).where(
            FieldProvenance.party_id == source_id, FieldProvenance.field.in_(fields)))}
        session.execute(delete(FieldProvenance).where(
            FieldProvenance.party_id == keep.id, FieldProvenance.field.in_(fields)))
        for name in sorted(fields):
            row = rows.get(name)
            if row is not None:
                session.add(FieldProvenance(
                    party_id=keep.id, field=name, source_record_id=row.source_record_id,
                    is_local=row.is_local, value=row.value, updated_at=row.updated_at))
    session.flush()


def _move_labels(session: Session, keep_id: int, others: list[int]) -> None:
    """Record-backed memberships move; a local one the kept party already has stays with the
    merged-away party (hidden with it, and back in view on unmerge)."""
    kept_local = set(session.scalars(select(LabelMembership.label_id).where(
        LabelMembership.party_id == keep_id, LabelMembership.source_record_id.is_(None))))
    for row in session.scalars(select(LabelMembership).where(
            LabelMembership.party_id.in_(others))).all():
        if row.source_record_id is None and row.label_id in kept_local:
            continue
        if row.source_record_id is None:
            kept_local.add(row.label_id)
        row.party_id = keep_id
    session.flush()


def _move_links(session: Session, keep_id: int, others: list[int]) -> None:
    """Links move to the kept party; where it already has one to the handle, the verdicts
    combine (a confirmation wins) and the duplicate row goes."""
    kept = {link.handle_id: link for link in session.scalars(
        select(PartyHandleLink).where(PartyHandleLink.party_id == keep_id))}
    now = utcnow()
    for link in session.scalars(select(PartyHandleLink).where(
            PartyHandleLink.party_id.in_(others)).order_by(PartyHandleLink.id)).all():
        mine = kept.get(link.handle_id)
        if mine is None:
            link.party_id = keep_id
            link.updated_at = now
            kept[link.handle_id] = link
            continue
        if link.is_confirmed and not mine.is_confirmed:
            mine.is_confirmed, mine.is_dismissed, mine.updated_at = True, False, now
        elif not link.is_dismissed and mine.is_dismissed and not mine.is_confirmed:
            mine.is_dismissed, mine.updated_at = False, now
        mine.is_primary = mine.is_primary or link.is_primary
        mine.confidence = max(mine.confidence, link.confidence)
        session.delete(link)
    session.flush()


def merge_group_of(session: Session, party_id: int) -> list[int]:
    """The parties currently merged into ``party_id`` (directly)."""
    return list(session.scalars(select(Party.id).where(Party.merged_into_id == party_id)))

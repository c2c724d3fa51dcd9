"""Undoing a merge exactly, even after later syncs changed the records.

The snapshot restores every party column, provenance row, link and local detail as it was.
Source records go back to the party they belonged to; what later syncs changed stays with
the record it belongs to: a record whose content changed since the merge is folded again
into its own party (as the sync would have done had the merge never happened), links a
later sync added follow the record that holds the handle, and links a later sync dropped
stay dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from core.db.models import (
    ActivityEvent,
    Decision,
    FieldProvenance,
    Handle,
    MergeSuggestion,
    Party,
    PartyHandleLink,
    RecordHandle,
    SourceAccount,
    SourceRecord,
)
from core.ingest.fields import apply_record_fields
from core.ingest.prepare import prepare
from core.ingest.resolve import recount_handles, resolve_handles
from core.ingest.search_index import refresh_search_text
from core.ingest.serialize import contact_from_data
from core.match.decision_log import log_decision, mark_revoked
from core.match.merge import MergeError
from core.match.relabel import relabel_pairs
from core.match.snapshot import LINK_COLUMNS, LOCAL_CHILDREN, decode_link, decode_party
from core.match.suggest import refresh_suggestions

MERGE_KINDS = ("merge", "disambiguate_attach")


def unmerge(session: Session, decision_id: int, *, actor: str = "owner") -> int:
    """Undo merge decision ``decision_id``; return the id of the "unmerge" decision."""
    decision = session.get(Decision, decision_id)
    if decision is None or decision.kind not in MERGE_KINDS:
        raise MergeError(f"Decision {decision_id} is not a merge")
    if decision.revoked_at is not None:
        raise MergeError(f"Merge {decision_id} was already undone")
    snap = decision.snapshot
    keep_id = int(snap["keep"])
    party_ids = [int(p) for p in snap["parties"]]
    others = [p for p in party_ids if p != keep_id]
    keep = session.get(Party, keep_id)
    if keep is None:
        raise MergeError(f"The merged contact {keep_id} no longer exists")
    if keep.merged_into_id is not None:
        later = _later_merge(session, keep_id)
        raise MergeError(f"Contact {keep_id} was merged again later; undo decision "
                         f"{later or '?'} first")
    for pid in others:
        party = session.get(Party, pid)
        if party is None or party.merged_into_id != keep_id:
            raise MergeError(f"Contact {pid} is no longer part of this merge")
    handles_before = {hid for (hid,) in session.execute(
        select(PartyHandleLink.handle_id).where(PartyHandleLink.party_id.in_(party_ids)))}

    for pid in party_ids:
        session.execute(update(Party).where(Party.id == pid)
                        .values(**decode_party(snap["parties"][str(pid)])))
    owner_of = _restore_records(session, snap["records"], keep_id)
    _restore_children(session, owner_of, snap["local_children"])
    _restore_provenance(session, party_ids, snap["provenance"])
    changed = _restore_links(session, party_ids, keep_id, snap, owner_of)
    session.flush()
    changed |= _refold_changed_records(session, snap["records"], owner_of, keep_id)
    _flag_orphans(session, snap["records"], party_ids)
    _restore_suggestions(session, party_ids, snap["suggestions"])
    session.flush()
    handles_after = {hid for (hid,) in session.execute(
        select(PartyHandleLink.handle_id).where(PartyHandleLink.party_id.in_(party_ids)))}
    resolve_handles(session, handles_before | handles_after)
    recount_handles(session, party_ids)
    # Untouched parties got their exact search text back with their columns; a party whose
    # record a later sync deleted (or revived) had its text refreshed by that sync, had the
    # merge never happened, so it is refreshed here too.
    refresh_search_text(session, changed | _liveness_changed(session, snap["records"]))
    mark_revoked(session, decision, actor)
    undo_id = log_decision(
        session, "unmerge", f"Undid merge {decision_id}: {decision.summary}"[:1024],
        {"merge_decision_id": decision_id, **decision.subject}, {}, actor=actor)
    session.add(ActivityEvent(kind="unmerge", party_id=keep_id,
                              message=f"Undid merge {decision_id}",
                              payload={"decision_id": undo_id, "restored": others}))
    session.flush()
    refresh_suggestions(session, party_ids)
    relabel_pairs(session, party_ids)  # the merge's label is gone
    return undo_id


def _later_merge(session: Session, keep_id: int) -> int | None:
    for d in session.scalars(select(Decision).where(
            Decision.kind.in_(MERGE_KINDS), Decision.revoked_at.is_(None))
            .order_by(Decision.id.desc())):
        if str(keep_id) in d.snapshot.get("parties", {}) and int(d.snapshot["keep"]) != keep_id:
            return d.id
    return None


def _restore_records(session: Session, records: dict[str, Any], keep_id: int) -> dict[int, int]:
    """Put each record back on its party; return record id -> party id (records that still
    exist, found by id or, after a re-import, by their stable key)."""
    owner_of: dict[int, int] = {}
    for rid_text, info in records.items():
        rid = int(rid_text)
        current = session.scalar(select(SourceRecord.party_id).where(SourceRecord.id == rid))
        if current is None:
            provider, account, ext = info["key"]
            rid = session.scalar(
                select(SourceRecord.id).join(SourceAccount)
                .where(SourceAccount.provider == provider, SourceAccount.account_id == account,
                       SourceRecord.external_id == ext, SourceRecord.party_id == keep_id))
            if rid is None:
                continue
        owner_of[rid] = int(info["party_id"])
    by_party: dict[int, list[int]] = {}
    for rid, pid in owner_of.items():
        by_party.setdefault(pid, []).append(rid)
    for pid, rids in by_party.items():
        session.execute(update(SourceRecord).where(SourceRecord.id.in_(rids))
                        .values(party_id=pid))
    return owner_of


def _restore_children(session: Session, owner_of: dict[int, int],
                      local: dict[str, list[list[int]]]) -> None:
    by_party: dict[int, list[int]] = {}
    for rid, pid in owner_of.items():
        by_party.setdefault(pid, []).append(rid)
    for name, model in LOCAL_CHILDREN.items():
        for pid, rids in by_party.items():
            session.execute(update(model).where(model.source_record_id.in_(rids))
                            .values(party_id=pid))
        for row_id, pid in local.get(name, []):
            session.execute(update(model).where(model.id == row_id).values(party_id=pid))


def _restore_provenance(session: Session, party_ids: list[int], rows: list[dict[str, Any]]
                        ) -> None:
    session.execute(delete(FieldProvenance).where(FieldProvenance.party_id.in_(party_ids)))
    live = set(session.scalars(select(SourceRecord.id).where(SourceRecord.id.in_(
        [r["source_record_id"] for r in rows if r["source_record_id"] is not None] or [-1]))))
    values = [
        {**r, "source_record_id": r["source_record_id"] if r["source_record_id"] in live
         else None, "updated_at": datetime.fromisoformat(r["updated_at"])}
        for r in rows
    ]
    if values:
        session.execute(insert(FieldProvenance), values)


def _restore_links(session: Session, party_ids: list[int], keep_id: int, snap: dict[str, Any],
                   owner_of: dict[int, int]) -> set[int]:
    """Snapshot links come back exactly (same rows); links made while merged follow the
    records that hold their handle; a source link whose handle a later sync removed from the
    record stays removed."""
    held_now: dict[int, set[int]] = {pid: set() for pid in party_ids}
    for rid, hid in session.execute(
        select(RecordHandle.source_record_id, RecordHandle.handle_id)
        .join(SourceRecord, SourceRecord.id == RecordHandle.source_record_id)
        .where(SourceRecord.party_id.in_(party_ids))
    ):
        held_now.setdefault(owner_of.get(rid, keep_id), set()).add(hid)
    held_then: dict[int, set[int]] = {pid: set() for pid in party_ids}
    for info in snap["records"].values():
        held_then.setdefault(int(info["party_id"]), set()).update(info["handles"])
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    snap_ids: set[int] = set()
    snap_keys: set[tuple[int, int]] = set()
    for row in snap["links"]:
        link = decode_link(row)
        pid, hid = link["party_id"], link["handle_id"]
        snap_ids.add(link.get("id", -1))
        snap_keys.add((pid, hid))
        if _plain(link) and hid in held_then.get(pid, set()) and hid not in held_now[pid]:
            continue  # a later sync removed the handle from this party's record
        wanted[(pid, hid)] = link
    for link in session.scalars(select(PartyHandleLink).where(
            PartyHandleLink.party_id.in_(party_ids)).order_by(PartyHandleLink.id)).all():
        key = (link.party_id, link.handle_id)
        if link.id in snap_ids or key in snap_keys:
            continue
        values = {c: getattr(link, c) for c in LINK_COLUMNS}
        if _plain(values):
            for pid in party_ids:
                if link.handle_id in held_now.get(pid, set()):
                    wanted.setdefault((pid, link.handle_id), {**values, "party_id": pid})
        else:
            wanted.setdefault(key, values)
    session.execute(delete(PartyHandleLink).where(PartyHandleLink.party_id.in_(party_ids)))
    handle_ids = {h for _, h in wanted}
    live_handles = set(session.scalars(select(Handle.id).where(Handle.id.in_(handle_ids or {-1}))))
    taken = set(session.scalars(select(PartyHandleLink.id).where(
        PartyHandleLink.id.in_({v["id"] for v in wanted.values() if "id" in v} or {-1}))))
    rows = []
    for (_, hid), values in sorted(wanted.items()):
        if hid not in live_handles:
            continue
        row = {c: values[c] for c in LINK_COLUMNS}
        if values.get("id") is not None and values["id"] not in taken:
            row["id"] = values["id"]
        rows.append(row)
    changed = {pid for pid, _ in set(wanted) ^ snap_keys}
    with_id = [r for r in rows if "id" in r]
    without_id = [r for r in rows if "id" not in r]
    if with_id:
        session.execute(insert(PartyHandleLink), with_id)
    if without_id:
        session.execute(insert(PartyHandleLink), without_id)
    return changed


def _plain(link: dict[str, Any]) -> bool:
    """A link a source listing made, with no verdict of the owner on it."""
    return str(link["source"]).startswith("source:") and not (
        link["is_confirmed"] or link["is_dismissed"])


def _refold_changed_records(session: Session, records: dict[str, Any], owner_of: dict[int, int],
                            keep_id: int) -> set[int]:
    """Records changed (or added) while merged fold their news into their own party."""
    snap_by_id = {int(k): v for k, v in records.items()}
    party_ids = set(owner_of.values()) | {keep_id}
    rows = session.execute(
        select(SourceRecord.id, SourceRecord.party_id, SourceRecord.content_hash,
               SourceRecord.data)
        .where(SourceRecord.party_id.in_(party_ids), SourceRecord.deleted_at.is_(None))
        .order_by(SourceRecord.id)
    ).all()
    refolded: set[int] = set()
    for rid, pid, chash, data in rows:
        info = snap_by_id.get(rid)
        if info is not None and info["content_hash"] == chash:
            continue
        refolded.add(pid)
        party = session.get(Party, pid)
        if party is None:
            continue
        prepared = prepare(contact_from_data(data or {}))
        apply_record_fields(session, party, rid, prepared.fields,
                            info["fields"] if info else None, prepared.photo)
    session.flush()
    return refolded


def _liveness_changed(session: Session, records: dict[str, Any]) -> set[int]:
    """Parties (as of the snapshot) with a record that a later sync deleted, removed for
    good or brought back: the sync refreshed such a record's party (then the merged one)."""
    ids = [int(k) for k in records]
    live_now = {rid: live for rid, live in session.execute(
        select(SourceRecord.id, SourceRecord.deleted_at.is_(None))
        .where(SourceRecord.id.in_(ids or [-1])))}
    return {int(info["party_id"]) for rid, info in records.items()
            if live_now.get(int(rid)) != info.get("live", True)}


def _flag_orphans(session: Session, records: dict[str, Any], party_ids: list[int]) -> None:
    """A party whose last live record was deleted at the source while merged is flagged for
    archival review, as the sync would have flagged it."""
    had_live = {int(info["party_id"]) for info in records.values() if info.get("live", True)}
    for pid in party_ids:
        if pid not in had_live:
            continue
        live = session.scalar(select(SourceRecord.id).where(
            SourceRecord.party_id == pid, SourceRecord.deleted_at.is_(None)).limit(1))
        if live is None:
            session.execute(update(Party).where(Party.id == pid)
                            .values(needs_archival_review=True))


def _restore_suggestions(session: Session, party_ids: list[int],
                         rows: list[dict[str, Any]]) -> None:
    before = {(r["party_a_id"], r["party_b_id"]): r["status"] for r in rows}
    for row in session.scalars(select(MergeSuggestion).where(
            MergeSuggestion.party_a_id.in_(party_ids),
            MergeSuggestion.party_b_id.in_(party_ids))).all():
        status = before.get((row.party_a_id, row.party_b_id))
        if status is None:
            session.delete(row)
        else:
            row.status = status



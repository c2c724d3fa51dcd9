"""Stable keys: naming a party or a handle in a way that survives re-syncs and re-imports.

Row ids change when a source is removed and imported again; (provider, account, external id)
of the party's source records and (platform, value) of its handles do not. Decisions store
these keys, and are re-applied by resolving the keys to whatever parties hold them now.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Handle, Party, PartyHandleLink, SourceAccount, SourceRecord


def party_key(session: Session, party_id: int) -> dict[str, Any]:
    """{"party_id", "records": [[provider, account, external_id]...], "handles": [...]}"""
    records = session.execute(
        select(SourceAccount.provider, SourceAccount.account_id, SourceRecord.external_id)
        .join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
        .where(SourceRecord.party_id == party_id)
        .order_by(SourceAccount.provider, SourceAccount.account_id, SourceRecord.external_id)
    ).all()
    handles = session.execute(
        select(Handle.platform, Handle.value)
        .join(PartyHandleLink, PartyHandleLink.handle_id == Handle.id)
        .where(PartyHandleLink.party_id == party_id, PartyHandleLink.is_dismissed.is_(False),
               Handle.is_secured.is_(False))
        .order_by(Handle.platform, Handle.value)
    ).all()
    return {
        "party_id": party_id,
        "records": [list(r) for r in records],
        "handles": [list(h) for h in handles],
    }


def handle_key(session: Session, handle_id: int) -> dict[str, Any]:
    handle = session.get(Handle, handle_id)
    if handle is None:
        raise LookupError(f"No handle with id {handle_id}")
    return {"handle_id": handle_id, "platform": handle.platform, "value": handle.value}


def root_party(session: Session, party_id: int | None) -> int | None:
    """Follow ``merged_into_id`` to the party that now stands for this one."""
    seen: set[int] = set()
    while party_id is not None and party_id not in seen:
        seen.add(party_id)
        merged = session.scalar(select(Party.merged_into_id).where(Party.id == party_id))
        if merged is None:
            exists = session.scalar(select(Party.id).where(Party.id == party_id))
            return exists
        party_id = merged
    return party_id


def resolve_party_key(session: Session, key: dict[str, Any]) -> set[int]:
    """The current (un-merged) parties holding what the key names.

    Records decide when any still exist; else the handles' owners; else the old id.
    """
    found: set[int] = set()
    for provider, account, external_id in key.get("records", []):
        pid = session.scalar(
            select(SourceRecord.party_id)
            .join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
            .where(SourceAccount.provider == provider, SourceAccount.account_id == account,
                   SourceRecord.external_id == external_id)
        )
        root = root_party(session, pid)
        if root is not None:
            found.add(root)
    if found:
        return found
    for platform, value in key.get("handles", []):
        pid = session.scalar(
            select(Handle.party_id).where(Handle.platform == platform, Handle.value == value))
        root = root_party(session, pid)
        if root is not None:
            found.add(root)
    if found:
        return found
    root = root_party(session, key.get("party_id"))
    return {root} if root is not None else set()


def resolve_handle_key(session: Session, key: dict[str, Any]) -> int | None:
    hid = session.scalar(
        select(Handle.id).where(Handle.platform == key["platform"], Handle.value == key["value"]))
    return hid

"""A comparable picture of everything a merge touches, for round-trip tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import (
    Address,
    FieldProvenance,
    Handle,
    ImportantDate,
    LabelMembership,
    Party,
    PartyHandleLink,
    PartyUrl,
    SourceRecord,
)

_VOLATILE_PARTY = {"updated_at", "created_at"}


def capture(session: Session, *, exact: bool = True) -> dict[str, Any]:
    """``exact``: row ids and timestamps included (no sync ran in between); otherwise only
    what a sync makes identical in two databases (values, owners, verdicts)."""
    session.flush()
    session.expire_all()
    parties = {}
    for p in session.scalars(select(Party).order_by(Party.id)):
        cols = {c.key: getattr(p, c.key) for c in Party.__table__.columns}
        if not exact:
            for key in _VOLATILE_PARTY:
                cols.pop(key)
        parties[p.id] = cols
    prov = sorted(
        (r.party_id, r.field, r.source_record_id, r.is_local, str(r.value))
        + ((r.updated_at,) if exact else ())
        for r in session.scalars(select(FieldProvenance))
    )
    records = sorted(
        (r.id, r.party_id, r.content_hash, r.deleted_at is None)
        for r in session.scalars(select(SourceRecord))
    )
    links = sorted(
        ((link.id,) if exact else ())
        + (link.party_id, link.handle_id, link.confidence, link.source, link.is_confirmed,
           link.is_dismissed, link.is_primary, link.label)
        + ((link.created_at, link.updated_at) if exact else ())
        for link in session.scalars(select(PartyHandleLink))
    )
    handles = sorted((h.id, h.party_id, h.is_shared) for h in session.scalars(select(Handle)))
    children = {}
    for model in (Address, ImportantDate, PartyUrl, LabelMembership):
        children[model.__tablename__] = sorted(
            ((r.id,) if exact else ()) + (r.party_id, r.source_record_id)
            for r in session.scalars(select(model))
        )
    return {"parties": parties, "provenance": prov, "records": records, "links": links,
            "handles": handles, "children": children}

"""Read models for the sync status panel: sources with their sync state, and recent activity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import ActivityEvent, Party, SourceAccount, SourceRecord, SyncState

#: A cursor this old forces a full sync (DESIGN section 3).
FULL_SYNC_AFTER = timedelta(days=6)


@dataclass(slots=True)
class SourceStatus:
    id: int
    provider: str
    account_id: str
    display_name: str
    delete_policy: str
    settings: dict[str, Any]
    health: str
    last_error: str
    last_run_at: datetime | None
    last_success_at: datetime | None
    cursor_at: datetime | None
    last_full_at: datetime | None
    next_run_at: datetime | None
    consecutive_failures: int
    last_counts: dict[str, Any] = field(default_factory=dict)
    live_records: int = 0
    #: Removals the mass-delete guard holds for the owner's Apply / Keep (0: none).
    held_deletes: int = 0

    @property
    def label(self) -> str:
        return self.display_name or self.account_id

    @property
    def next_full_at(self) -> datetime | None:
        """When the cursor gets old enough to force a full sync (None: next run is full)."""
        base = self.cursor_at or self.last_full_at
        return base + FULL_SYNC_AFTER if base and self.cursor_at else None


@dataclass(slots=True)
class ActivityView:
    id: int
    created_at: datetime
    kind: str
    message: str
    party_id: int | None
    party_name: str
    account_id: int | None


def list_sources(session: Session) -> list[SourceStatus]:
    """Every source account with its sync state (health "never" when it never ran)."""
    counts = dict(
        session.execute(
            select(SourceRecord.account_id, func.count())
            .where(SourceRecord.deleted_at.is_(None))
            .group_by(SourceRecord.account_id)
        ).all()
    )
    out: list[SourceStatus] = []
    rows = session.execute(
        select(SourceAccount, SyncState)
        .outerjoin(SyncState, SyncState.account_id == SourceAccount.id)
        .order_by(SourceAccount.provider, SourceAccount.display_name, SourceAccount.id)
    )
    for acc, st in rows:
        settings = acc.settings or {}
        if settings.get("removed") or settings.get("import"):
            continue  # removed sources and one-off imports are not synced sources
        out.append(SourceStatus(
            id=acc.id, provider=acc.provider, account_id=acc.account_id,
            display_name=acc.display_name, delete_policy=acc.delete_policy,
            settings=dict(acc.settings or {}),
            health=st.health if st else "never",
            last_error=(st.last_error or "") if st else "",
            last_run_at=st.last_run_at if st else None,
            last_success_at=st.last_success_at if st else None,
            cursor_at=st.cursor_at if st else None,
            last_full_at=st.last_full_at if st else None,
            next_run_at=_next_run(st),
            consecutive_failures=st.consecutive_failures if st else 0,
            last_counts=dict(st.last_counts or {}) if st else {},
            live_records=int(counts.get(acc.id, 0)),
            held_deletes=int(((st.held_deletes or {}).get("count") or 0) if st else 0),
        ))
    return out


def _next_run(state: SyncState | None) -> datetime | None:
    """The schedule's next run (core.sync.schedule when present, else the stored value)."""
    try:
        from core.sync.schedule import next_run
    except ImportError:
        return state.next_run_at if state else None
    return next_run(state)


def recent_activity(
    session: Session, limit: int = 50, account_id: int | None = None
) -> list[ActivityView]:
    """Newest activity events first (syncs, conflicts, merges, link decisions)."""
    stmt = (
        select(ActivityEvent, Party.display_name)
        .outerjoin(Party, Party.id == ActivityEvent.party_id)
        .order_by(ActivityEvent.created_at.desc(), ActivityEvent.id.desc())
        .limit(limit)
    )
    if account_id is not None:
        stmt = stmt.where(ActivityEvent.account_id == account_id)
    return [
        ActivityView(ev.id, ev.created_at, ev.kind, ev.message, ev.party_id, name or "",
                     ev.account_id)
        for ev, name in session.execute(stmt)
    ]


def label_names(session: Session) -> list[str]:
    """All label names, for the list's label filter."""
    from core.db.models import Label

    return list(session.scalars(select(Label.name).order_by(Label.name)))

"""Read model of every source's sync status, for ``kith status``, the MCP tools and the GUI.

Plain dataclasses, computed from ``source_account`` + ``sync_state`` at one instant ``now``;
nothing here writes. A run that died without giving its lease back shows as "interrupted"
rather than "syncing" forever.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import SourceAccount, SourceRecord, SyncState
from core.sync.lease import lease_is_live
from core.sync.schedule import next_forced_full, next_run, waits_for_owner


@dataclass(slots=True)
class SourceSyncStatus:
    """One source as the owner should see it."""

    id: int
    provider: str
    account: str
    display_name: str
    delete_policy: str
    health: str
    last_success: datetime | None
    last_run: datetime | None
    last_error: str | None
    cursor_age_s: float | None
    next_run: datetime | None
    next_forced_full: datetime | None
    consecutive_failures: int
    live_records: int
    last_counts: dict[str, Any] = field(default_factory=dict)
    running: bool = False
    waits_for_owner: bool = False
    #: Removals the mass-delete guard holds until the owner applies or keeps them.
    held_deletes: int = 0
    #: The address book a CardDAV source reads (its href), "" otherwise.
    addressbook: str = ""

    @property
    def held_notice(self) -> str:
        """"This sync would remove 5,000 contacts from Work", or "" when nothing is held."""
        if not self.held_deletes:
            return ""
        return (f"This sync would remove {self.held_deletes:,} contacts from "
                f"{self.display_name}; nothing was removed until you decide")

    def as_json(self) -> dict[str, Any]:
        """JSON-ready dict (datetimes as ISO 8601 UTC)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        data["held_notice"] = self.held_notice
        return data


def source_statuses(session: Session, now: datetime | None = None, *,
                    provider: str | None = None,
                    include_imports: bool = False) -> list[SourceSyncStatus]:
    """Every source (optionally of one provider), ordered by id."""
    now = now or utcnow()
    live = dict(session.execute(
        select(SourceRecord.account_id, func.count())
        .where(SourceRecord.deleted_at.is_(None)).group_by(SourceRecord.account_id)).all())
    stmt = (select(SourceAccount, SyncState)
            .outerjoin(SyncState, SyncState.account_id == SourceAccount.id)
            .order_by(SourceAccount.id))
    if provider:
        stmt = stmt.where(SourceAccount.provider == provider)
    out: list[SourceSyncStatus] = []
    for account, state in session.execute(stmt):
        settings = account.settings or {}
        if settings.get("removed") or (settings.get("import") and not include_imports):
            continue
        out.append(_status(account, state, now, int(live.get(account.id, 0))))
    return out


def _status(account: SourceAccount, state: SyncState | None, now: datetime,
            live_records: int) -> SourceSyncStatus:
    running = lease_is_live(state, now)
    health = state.health if state else "never"
    error = state.last_error if state else None
    if health == "syncing" and not running:
        health = "interrupted"
        error = error or "The last sync stopped before it finished; the next run resumes it."
    cursor_age = None
    if state is not None and state.cursor and state.cursor_at is not None:
        cursor_age = max(0.0, (now - state.cursor_at).total_seconds())
    return SourceSyncStatus(
        id=account.id, provider=account.provider, account=account.account_id,
        display_name=account.display_name or account.account_id,
        delete_policy=account.delete_policy, health=health,
        last_success=state.last_success_at if state else None,
        last_run=state.last_run_at if state else None, last_error=error,
        cursor_age_s=cursor_age, next_run=None if running else next_run(state),
        next_forced_full=next_forced_full(state),
        consecutive_failures=state.consecutive_failures if state else 0,
        live_records=live_records,
        last_counts=dict(state.last_counts or {}) if state else {},
        running=running, waits_for_owner=waits_for_owner(state),
        held_deletes=int(((state.held_deletes or {}).get("count") or 0) if state else 0),
        addressbook=str((account.settings or {}).get("addressbook", "")
                        if account.provider == "carddav" else ""),
    )

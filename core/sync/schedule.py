"""When each source should sync next (DESIGN.md section 3).

At start-up every source runs (incremental, or full without a cursor); then every 15 minutes;
a full sync is forced when the cursor is 6 days old; after failures ``next_run_at`` holds the
backed-off retry time the runtime computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import SourceAccount, SyncState
from core.sync.runtime import FORCED_FULL_AFTER, INCREMENTAL_INTERVAL, choose_mode


@dataclass(slots=True)
class DueSync:
    account_id: int
    mode: str
    reason: str


def due_syncs(session: Session, now: datetime, *, startup: bool = False) -> list[DueSync]:
    """Sources whose next run is due (all of them at start-up), with the mode to use."""
    due: list[DueSync] = []
    states = {s.account_id: s for s in session.scalars(select(SyncState))}
    for account in session.scalars(select(SourceAccount).order_by(SourceAccount.id)):
        state = states.get(account.id)
        running = state is not None and state.lease_until is not None and state.lease_until > now
        if running and state.lease_owner:
            continue
        mode = choose_mode(state, "auto", now)
        if state is None or state.last_run_at is None:
            due.append(DueSync(account.id, mode, "first sync"))
        elif startup:
            due.append(DueSync(account.id, mode, "start-up"))
        elif mode == "full" and state.cursor:
            due.append(DueSync(account.id, "full", "cursor is 6 days old"))
        elif state.next_run_at is None or state.next_run_at <= now:
            due.append(DueSync(account.id, mode, "scheduled"))
    return due


def next_forced_full(state: SyncState | None) -> datetime | None:
    if state is None or state.cursor_at is None:
        return None
    return state.cursor_at + FORCED_FULL_AFTER


def next_run(state: SyncState | None) -> datetime | None:
    if state is None:
        return None
    if state.next_run_at is not None:
        return state.next_run_at
    if state.last_run_at is not None:
        return state.last_run_at + INCREMENTAL_INTERVAL
    return None

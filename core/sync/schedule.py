"""When each source should sync next (DESIGN.md section 3).

At start-up every source runs (incremental, or full without a cursor); then every 15 minutes;
a full sync is forced when the cursor is 6 days old; after failures ``next_run_at`` holds the
backed-off retry time the runtime computed. A source whose last run failed on credentials has
no ``next_run_at``: it waits for the owner (reconnect / Sync now) or the next start-up, so a
revoked login never turns into a retry storm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import SourceAccount, SyncState
from core.sync.lease import lease_is_live
from core.sync.runtime import FORCED_FULL_AFTER, INCREMENTAL_INTERVAL, choose_mode

#: Health values after which the scheduler waits for the owner instead of retrying on a timer.
WAITS_FOR_OWNER = ("error", "needs_confirmation")


@dataclass(slots=True)
class DueSync:
    account_id: int
    mode: str
    reason: str


def waits_for_owner(state: SyncState | None) -> bool:
    """A failed source with no retry time: only the owner (or a start-up) runs it again."""
    return (state is not None and state.health in WAITS_FOR_OWNER
            and state.next_run_at is None and state.last_run_at is not None)


def due_syncs(session: Session, now: datetime, *, startup: bool = False) -> list[DueSync]:
    """Sources whose next run is due (all of them at start-up), with the mode to use."""
    due: list[DueSync] = []
    states = {s.account_id: s for s in session.scalars(select(SyncState))}
    for account in session.scalars(select(SourceAccount).order_by(SourceAccount.id)):
        settings = account.settings or {}
        if settings.get("import") or settings.get("removed"):
            continue  # one-shot imports and removed sources are not synced
        state = states.get(account.id)
        if lease_is_live(state, now):
            continue
        mode = choose_mode(state, "auto", now)
        if state is None or state.last_run_at is None:
            due.append(DueSync(account.id, mode, "first sync"))
        elif startup:
            due.append(DueSync(account.id, mode, "start-up"))
        elif waits_for_owner(state):
            continue
        elif mode == "full" and state.cursor:
            due.append(DueSync(account.id, "full", "cursor is 6 days old"))
        elif state.next_run_at is None or state.next_run_at <= now:
            due.append(DueSync(account.id, mode, "scheduled"))
    return due


def next_forced_full(state: SyncState | None) -> datetime | None:
    """When the cursor turns 6 days old (None: there is no cursor, the next run is full)."""
    if state is None or state.cursor_at is None:
        return None
    return state.cursor_at + FORCED_FULL_AFTER


def next_run(state: SyncState | None) -> datetime | None:
    """When the scheduler will next run this source (None: now / waits for the owner)."""
    if state is None or waits_for_owner(state):
        return None
    if state.next_run_at is not None:
        return state.next_run_at
    if state.last_run_at is not None:
        return state.last_run_at + INCREMENTAL_INTERVAL
    return None

"""Runs one source: full or incremental, page by page, through the one ingest path.

Rules (DESIGN.md section 3):
- full when there is no cursor, when the cursor is 6 days old, or when asked; else incremental;
- each page is ingested and committed on its own (records are idempotent, so a killed run
  leaves a consistent database), but the cursor is committed only after the whole page chain
  succeeded; a failed run keeps the last good cursor and records ``last_error``;
- an expired cursor is dropped and a full sync runs at once, in the same run;
- a full listing ends with ``apply_complete_listing`` (delete policy, empty-listing guard);
- two runs of one source never overlap (a lease row in ``sync_state``);
- transient failures count up; repeated ones mark the source degraded with a message that
  says what to do.
"""

from __future__ import annotations

import logging
import os
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.engine import Database
from core.db.models import SourceAccount, SyncState
from core.ingest.deletes import SuspectEmptyListingError, apply_complete_listing
from core.ingest.engine import ingest_contacts
from core.ingest.stats import IngestStats
from core.sync.contract import (
    AccountRef,
    AuthError,
    ContactProvider,
    CursorExpiredError,
    ProviderError,
    TransientError,
)
from core.tasks import TaskCancelled, TaskState

log = logging.getLogger("kith.sync")

INCREMENTAL_INTERVAL = timedelta(minutes=15)
FORCED_FULL_AFTER = timedelta(days=6)
LEASE = timedelta(minutes=30)
DEGRADED_AFTER = 3
MAX_BACKOFF = timedelta(hours=2)

#: Called after each committed page with the parties it touched (e.g. re-score duplicates).
AfterIngest = Callable[[Session, set[int]], None]


class SyncAlreadyRunningError(RuntimeError):
    """Another run holds this source's lease."""


@dataclass(slots=True)
class SyncResult:
    account_id: int
    mode: str
    ok: bool
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    health: str = "ok"
    pages: int = 0
    problems: list[str] = field(default_factory=list)


def account_ref(account: SourceAccount) -> AccountRef:
    return AccountRef(account.id, account.provider, account.account_id, dict(account.settings))


def choose_mode(state: SyncState | None, requested: str, now: datetime) -> str:
    """"full" or "incremental" by the schedule rules."""
    if requested == "full" or state is None or not state.cursor:
        return "full"
    if state.cursor_at is None or now - state.cursor_at >= FORCED_FULL_AFTER:
        return "full"
    return "incremental"


def _acquire(db: Database, account_id: int, owner: str, now: datetime) -> SyncState:
    with db.session() as s:
        state = s.get(SyncState, account_id)
        if state is None:
            s.add(SyncState(account_id=account_id, health="never", last_counts={}))
            try:
                s.commit()
            except Exception:  # noqa: BLE001 - a concurrent run created it first
                s.rollback()
        taken = s.execute(
            update(SyncState)
            .where(
                SyncState.account_id == account_id,
                or_(SyncState.lease_owner.is_(None), SyncState.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=now + LEASE, health="syncing")
        ).rowcount
        s.commit()
        if taken != 1:
            raise SyncAlreadyRunningError("A sync of this source is already running")
        state = s.get(SyncState, account_id)
        assert state is not None
        s.expunge(state)
        return state


def _finish(db: Database, account_id: int, owner: str, **values: object) -> None:
    with db.session() as s:
        s.execute(
            update(SyncState)
            .where(SyncState.account_id == account_id, SyncState.lease_owner == owner)
            .values(lease_owner=None, lease_until=None, **values)
        )
        s.commit()


def run_sync(
    db: Database,
    account_id: int,
    provider: ContactProvider,
    *,
    mode: str = "auto",
    state: TaskState | None = None,
    confirm_empty: bool = False,
    after_ingest: AfterIngest | None = None,
    now: Callable[[], datetime] = utcnow,
) -> SyncResult:
    """Run one sync of one source. Never raises for provider failures: the result (and the
    source's sync_state) carries the error; raises SyncAlreadyRunningError and TaskCancelled
    (after recording the cancel)."""
    state = state or TaskState()
    owner = f"{os.getpid()}:{uuid.uuid4().hex[:12]}"
    started = now()
    with db.session() as s:
        account = s.get(SourceAccount, account_id)
        if account is None:
            raise LookupError(f"No source with id {account_id}")
        ref = account_ref(account)
    previous = _acquire(db, account_id, owner, started)
    chosen = choose_mode(previous, mode, started)
    result = SyncResult(account_id, chosen, ok=False)
    totals = IngestStats()
    try:
        cursor = _run_chain(db, ref, provider, chosen, previous.cursor, state, totals, result,
                            confirm_empty, after_ingest)
    except TaskCancelled:
        _finish(db, account_id, owner, health=_health_after_cancel(previous),
                last_run_at=started, last_error="Cancelled by the owner; the cursor was kept")
        raise
    except SuspectEmptyListingError as exc:
        _fail(db, account_id, owner, previous, started, str(exc), "needs_confirmation", result)
        return result
    except AuthError as exc:
        _fail(db, account_id, owner, previous, started, str(exc), "error", result)
        return result
    except (TransientError, ProviderError, OSError) as exc:
        failures = previous.consecutive_failures + 1
        health = "degraded" if failures >= DEGRADED_AFTER else "error"
        message = str(exc) or type(exc).__name__
        if health == "degraded":
            message = (f"{message} — {failures} syncs in a row failed; Kith keeps retrying. "
                       "Check the network or the server, or use Sync now once it is back.")
        _fail(db, account_id, owner, previous, started, message, health, result,
              failures=failures)
        return result
    end = now()
    values: dict[str, object] = {
        "health": "ok", "last_run_at": started, "last_success_at": end, "last_error": None,
        "consecutive_failures": 0, "last_counts": totals.as_dict() | {"mode": result.mode},
        "next_run_at": end + INCREMENTAL_INTERVAL,
    }
    if cursor is not None:
        values.update(cursor=cursor, cursor_at=end)
    if result.mode == "full":
        values["last_full_at"] = end
    _finish(db, account_id, owner, **values)
    result.ok, result.health, result.counts = True, "ok", totals.as_dict()
    return result


def _health_after_cancel(previous: SyncState) -> str:
    return previous.health if previous.health not in ("syncing", "never") else "ok"


def _fail(db: Database, account_id: int, owner: str, previous: SyncState, started: datetime,
          message: str, health: str, result: SyncResult, failures: int | None = None) -> None:
    failures = previous.consecutive_failures + 1 if failures is None else failures
    backoff = min(MAX_BACKOFF, timedelta(minutes=2 ** min(failures, 7)))
    jitter = timedelta(seconds=random.uniform(0, 30))
    _finish(db, account_id, owner, health=health, last_error=message, last_run_at=started,
            consecutive_failures=failures, next_run_at=started + backoff + jitter)
    log.warning("sync of source %s failed: %s", account_id, message)
    result.ok, result.error, result.health = False, message, health


def _run_chain(
    db: Database,
    ref: AccountRef,
    provider: ContactProvider,
    mode: str,
    cursor: str | None,
    state: TaskState,
    totals: IngestStats,
    result: SyncResult,
    confirm_empty: bool,
    after_ingest: AfterIngest | None,
) -> str | None:
    """Fetch and ingest every page; returns the new cursor (None: keep the old one)."""
    page_token: str | None = None
    seen: set[str] = set()
    new_cursor: str | None = None
    while True:
        state.check()
        try:
            if mode == "full":
                batch = provider.full_sync(ref, page_token)
            else:
                assert cursor is not None
                batch = provider.incremental_sync(ref, cursor, page_token)
        except CursorExpiredError:
            if mode == "full":
                raise ProviderError("The source rejected a fresh full listing") from None
            log.info("cursor of source %s expired: running a full sync", ref.id)
            _drop_cursor(db, ref.id)
            mode, cursor, page_token, seen = "full", None, None, set()
            result.mode = "full"
            continue
        result.pages += 1
        result.problems.extend(batch.problems)
        with db.session() as s:
            stats = ingest_contacts(s, ref.id, batch.contacts)
            if after_ingest is not None and stats.touched_party_ids:
                after_ingest(s, stats.touched_party_ids)
            s.commit()
        totals.merge(stats)
        seen |= stats.seen_external_ids
        if batch.checkpoint and batch.checkpoint.get("unchanged"):
            seen |= set(batch.checkpoint["unchanged"])
            totals.unchanged += len(batch.checkpoint["unchanged"])
        state.progress(None, f"{totals.added} added, {totals.updated} updated, "
                             f"{totals.unchanged} unchanged")
        if batch.next_page_token:
            page_token = batch.next_page_token
            continue
        new_cursor = batch.next_sync_cursor
        if mode == "full" and batch.complete_listing:
            state.check()
            with db.session() as s:
                totals.merge(apply_complete_listing(s, ref.id, seen, confirm_empty=confirm_empty))
                s.commit()
        return new_cursor


def _drop_cursor(db: Database, account_id: int) -> None:
    with db.session() as s:
        s.execute(update(SyncState).where(SyncState.account_id == account_id)
                  .values(cursor=None, cursor_at=None))
        s.commit()

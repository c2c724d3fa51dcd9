"""Runs one source: full or incremental, page by page, through the one ingest path.

Rules (DESIGN.md section 3):
- full when there is no cursor, when the cursor is 6 days old, or when asked; else incremental;
- each page is ingested and committed on its own (records are idempotent, so a killed run
  leaves a consistent database), but the cursor is committed only after the whole page chain
  succeeded; a failed run keeps the last good cursor and records ``last_error``;
- an expired cursor is dropped and a full sync runs at once, in the same run;
- deletions are settled once, at the end of a run (``settle_deletes``: delete policy, the
  empty-listing check and the mass-delete guard, which holds a large deletion for the
  owner while the run's additions and updates land);
- two runs of one source never overlap (a lease row in ``sync_state``, see ``lease``); a
  killed run's lease is taken over by the next run on the same machine;
- transient failures count up; repeated ones mark the source degraded with a message that
  says what to do; an auth failure is not retried on a timer (the owner must reconnect),
  only at start-up or on "Sync now".
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.engine import Database
from core.db.models import ActivityEvent, SourceAccount, SourceRecord, SyncState
from core.ingest.deletes import SuspectEmptyListingError, settle_deletes
from core.ingest.engine import ingest_contacts
from core.ingest.sqlutil import optimize
from core.ingest.stats import IngestStats
from core.sync.bulk_refresh import DeferredRefresh
from core.sync.contract import (
    AccountRef,
    AuthError,
    ContactProvider,
    CursorExpiredError,
    ProviderError,
    TransientError,
)
from core.sync.lease import LEASE, SyncAlreadyRunningError, acquire, new_owner, release, renew
from core.tasks import TaskCancelled, TaskState

__all__ = [
    "DEGRADED_AFTER", "FORCED_FULL_AFTER", "INCREMENTAL_INTERVAL", "LEASE",
    "SyncAlreadyRunningError", "SyncResult", "account_ref", "choose_mode", "run_source",
    "run_sync",
]

log = logging.getLogger("kith.sync")

INCREMENTAL_INTERVAL = timedelta(minutes=15)
FORCED_FULL_AFTER = timedelta(days=6)
DEGRADED_AFTER = 3
MAX_BACKOFF = timedelta(hours=2)
#: Checkpoint keys naming ids that exist at the source but were not (re)sent this page.
PRESENT_KEYS = ("unchanged", "unreadable")

#: Called once after the run's last page with every party it touched (None: all), e.g. to
#: re-score duplicates (``core.sync.bulk_refresh``).
AfterIngest = Callable[[Session, set[int] | None], object]


@dataclass(slots=True)
class SyncResult:
    """What one run did; the same outcome is recorded in the source's ``sync_state``."""

    account_id: int
    mode: str
    ok: bool
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    health: str = "ok"
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    #: True when a run that started incremental fell back to full (expired cursor).
    cursor_expired: bool = False
    #: Deletions the mass-delete guard holds for the owner (0: none).
    held_deletes: int = 0


def account_ref(account: SourceAccount) -> AccountRef:
    return AccountRef(account.id, account.provider, account.account_id, dict(account.settings),
                      account.default_region or "")


def choose_mode(state: SyncState | None, requested: str, now: datetime) -> str:
    """"full" or "incremental" by the schedule rules."""
    if requested == "full" or state is None or not state.cursor:
        return "full"
    if state.cursor_at is None or now - state.cursor_at >= FORCED_FULL_AFTER:
        return "full"
    return "incremental"


def run_source(
    db: Database,
    account_id: int,
    *,
    full: bool = False,
    state: TaskState | None = None,
    confirm_empty: bool = False,
    after_ingest: AfterIngest | None = None,
    overrides: dict | None = None,
) -> SyncResult:
    """Sync one source with the provider the registry picks (what the app and CLI call)."""
    from core.sync.registry import provider_for

    with db.session() as s:
        account = s.get(SourceAccount, account_id)
        if account is None:
            raise LookupError(f"No source with id {account_id}")
        ref = account_ref(account)
    provider = provider_for(ref, overrides, db=db)
    try:
        return run_sync(db, account_id, provider, mode="full" if full else "auto", state=state,
                        confirm_empty=confirm_empty, after_ingest=after_ingest)
    finally:
        close = getattr(provider, "close", None)
        if callable(close):
            close()


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
    if mode not in ("auto", "full", "incremental"):
        raise ValueError(f"Unknown sync mode {mode!r}")
    state = state or TaskState()
    owner = new_owner()
    started = now()
    with db.session() as s:
        account = s.get(SourceAccount, account_id)
        if account is None:
            raise LookupError(f"No source with id {account_id}")
        ref = account_ref(account)
        label = account.display_name or account.account_id
    previous = acquire(db, account_id, owner, started)
    chosen = choose_mode(previous, mode, started)
    result = SyncResult(account_id, chosen, ok=False)
    totals = IngestStats()
    chain = _Chain(db, ref, provider, owner, state, totals, result, now)
    refresh = DeferredRefresh(db, after_ingest)  # suggestions: once per run, not per page
    try:
        cursor = chain.run(chosen, previous.cursor, confirm_empty, refresh.note)
        refresh.finish()
    except TaskCancelled:
        release(db, account_id, owner, health=_health_after_cancel(previous),
                last_run_at=started, last_error="Cancelled by the owner; the cursor was kept")
        raise
    except SuspectEmptyListingError as exc:
        _fail(db, account_id, owner, previous, started, str(exc), "needs_confirmation", result,
              label=label)
        return result
    except AuthError as exc:
        _fail(db, account_id, owner, previous, started, str(exc), "error", result,
              label=label, retry=False)
        return result
    except (TransientError, ProviderError, OSError) as exc:
        failures = previous.consecutive_failures + 1
        health = "degraded" if failures >= DEGRADED_AFTER else "error"
        message = str(exc) or type(exc).__name__
        if health == "degraded":
            message = (f"{message} — {failures} syncs in a row failed; Kith keeps retrying. "
                       "Check the network or the server, or use Sync now once it is back.")
        _fail(db, account_id, owner, previous, started, message, health, result,
              failures=failures, label=label)
        return result
    except BaseException as exc:
        # A bug or a database error: give the lease back so the source is not stuck, then
        # let the caller see the real exception.
        _fail(db, account_id, owner, previous, started,
              f"Internal error during sync ({type(exc).__name__}); see the log", "error",
              result, label=label)
        raise
    end = now()
    totals.settle_unchanged(_live_records(db, account_id))
    counts = totals.as_dict() | {"held_deletes": result.held_deletes}
    values: dict[str, object] = {
        "health": "ok", "last_run_at": started, "last_success_at": end, "last_error": None,
        "consecutive_failures": 0, "last_counts": counts | {"mode": result.mode},
        "next_run_at": end + INCREMENTAL_INTERVAL,
    }
    if cursor is not None:
        values.update(cursor=cursor, cursor_at=end)
    if result.mode == "full":
        values["last_full_at"] = end
    held = (f"; {result.held_deletes:,} removals held for your decision"
            if result.held_deletes else "")
    changes = ", ".join(f"{counts[k]:,} {k}" for k in ("added", "updated", "unchanged",
                                                        "deleted") if counts.get(k))
    _event(db, account_id, "sync_finished",
           f"{label}: {'read in full, ' if result.mode == 'full' else ''}"
           f"{changes or 'nothing new'}{held}",
           counts | {"mode": result.mode})
    release(db, account_id, owner, **values)
    result.ok, result.health, result.counts = True, "ok", counts
    return result


def _live_records(db: Database, account_id: int) -> int:
    """Records of the source that are not deleted (what an unchanged run left unchanged)."""
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(SourceRecord).where(
            SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None))) or 0


def _health_after_cancel(previous: SyncState) -> str:
    return previous.health if previous.health not in ("syncing", "never") else "ok"


def _event(db: Database, account_id: int, kind: str, message: str,
           payload: dict | None = None) -> None:
    with db.session() as s:
        s.add(ActivityEvent(kind=kind, account_id=account_id, message=message[:1000],
                            payload=payload or {}))
        if kind == "sync_finished" and (payload or {}).get("added", 0) >= 1000:
            optimize(s)  # a big import: refresh SQLite's planner statistics
        s.commit()


def _fail(db: Database, account_id: int, owner: str, previous: SyncState, started: datetime,
          message: str, health: str, result: SyncResult, failures: int | None = None,
          *, label: str = "", retry: bool = True) -> None:
    """Record a failed run. ``retry=False`` (auth): no timed retry, the owner must act."""
    failures = previous.consecutive_failures + 1 if failures is None else failures
    next_run: datetime | None = None
    if retry:
        backoff = min(MAX_BACKOFF, timedelta(minutes=2 ** min(failures, 7)))
        next_run = started + backoff + timedelta(seconds=random.uniform(0, 30))
    _event(db, account_id, "sync_failed", f"{label}: {message}", {"health": health})
    release(db, account_id, owner, health=health, last_error=message, last_run_at=started,
            consecutive_failures=failures, next_run_at=next_run)
    log.warning("sync of source %s failed: %s", account_id, message)
    result.ok, result.error, result.health = False, message, health


@dataclass(slots=True)
class _Chain:
    """One run's page chain: fetch a page, ingest it in its own transaction, repeat."""

    db: Database
    ref: AccountRef
    provider: ContactProvider
    owner: str
    state: TaskState
    totals: IngestStats
    result: SyncResult
    now: Callable[[], datetime]

    def run(self, mode: str, cursor: str | None, confirm_empty: bool,
            after_ingest: AfterIngest | None) -> str | None:
        """Fetch and ingest every page; returns the new cursor (None: keep the old one)."""
        page_token: str | None = None
        seen: set[str] = set()
        removed: set[str] = set()
        while True:
            self.state.check()
            try:
                if mode == "full":
                    batch = self.provider.full_sync(self.ref, page_token)
                else:
                    assert cursor is not None
                    batch = self.provider.incremental_sync(self.ref, cursor, page_token)
            except CursorExpiredError:
                if mode == "full":
                    raise ProviderError("The source rejected a fresh full listing") from None
                log.info("cursor of source %s expired: running a full sync", self.ref.id)
                _drop_cursor(self.db, self.ref.id)
                mode, cursor, page_token, seen = "full", None, None, set()
                removed = set()
                self.result.mode, self.result.cursor_expired = "full", True
                continue
            self.result.pages += 1
            self.result.problems.extend(batch.problems)
            items = batch.for_ingest()
            gone = {c.external_id for c in (getattr(i, "contact", i) for i in items)
                    if c.deleted and c.external_id}
            # Deletions wait for the end of the run (the mass-delete guard counts them all).
            self._ingest([i for i in items if not getattr(i, "contact", i).deleted],
                         after_ingest)
            present = self._present(batch.checkpoint)
            seen |= present
            removed = (removed - present) | gone
            self.state.progress(None, self._progress_text())
            if batch.next_page_token:
                page_token = batch.next_page_token
                continue
            self.state.check()
            complete = mode == "full" and batch.complete_listing
            with self.db.session() as s:
                settled = settle_deletes(s, self.ref.id, removed=removed - seen, present=seen,
                                         complete_listing=complete, confirm=confirm_empty)
                s.commit()
            self._merge(settled.stats)
            self.result.held_deletes = settled.held
            return batch.next_sync_cursor

    def _ingest(self, contacts: list, after_ingest: AfterIngest | None) -> None:
        with self.db.session() as s:
            stats = ingest_contacts(s, self.ref.id, contacts)
            if after_ingest is not None and stats.touched_party_ids:
                after_ingest(s, stats.touched_party_ids)
            renew(s, self.ref.id, self.owner, self.now())
            s.commit()
        self._merge(stats)

    def _merge(self, stats: IngestStats) -> None:
        # Counts only: a 50,000-contact run must not keep every touched id in memory twice.
        stats.touched_party_ids = set()
        self.totals.merge(stats)

    def _present(self, checkpoint: dict | None) -> set[str]:
        present = set(self.totals.seen_external_ids)
        self.totals.seen_external_ids = set()
        for key in PRESENT_KEYS:
            ids = (checkpoint or {}).get(key) or []
            present.update(ids)
            if key == "unchanged":
                self.totals.unchanged += len(ids)
        return present

    def _progress_text(self) -> str:
        t = self.totals
        return f"{t.added} added, {t.updated} updated, {t.unchanged} unchanged"


def _drop_cursor(db: Database, account_id: int) -> None:
    with db.session() as s:
        s.execute(update(SyncState).where(SyncState.account_id == account_id)
                  .values(cursor=None, cursor_at=None))
        s.commit()

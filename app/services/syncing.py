"""Running a sync of one source as a task, with progress and cancel.

When the sync runtime (``core.sync.runtime``) is present it does the work; until then an
interim driver here reads the source through its provider (vCard files through the parser
directly) and writes through the one ingest path, committing after each batch. Either way the
source's :class:`SyncState` shows health, counts and the last error.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from app.services import write_session
from core.db.base import utcnow
from core.db.engine import Database
from core.db.models import ActivityEvent, SourceAccount, SyncState
from core.tasks import TaskCancelled, TaskState

log = logging.getLogger("kith.sync")


class SyncFailed(RuntimeError):
    """The run ended with an error the sync runtime recorded (shown as the message)."""


def _runtime() -> Any | None:
    """The sync runtime's ``run_source`` if it has landed, else None."""
    try:
        module = importlib.import_module("core.sync.runtime")
    except ImportError:
        return None
    return getattr(module, "run_source", None)


def sync_source(db: Database, account_id: int, full: bool = False,
                *, state: TaskState) -> dict[str, int]:
    """Sync one source now, in a child process (what the GUI runs); returns the run's counts.

    The child runs :func:`sync_source_here`, so it is the same sync path; only the GIL is not
    shared with the GUI thread (see :mod:`app.child_tasks`).
    """
    from app.child_tasks import run_in_child

    return run_in_child(sync_source_here, db, account_id, full, state=state)


def sync_source_here(db: Database, account_id: int, full: bool = False,
                     *, state: TaskState) -> dict[str, int]:
    """Sync one source now in this process; returns the run's counts (added, updated...)."""
    run_source = _runtime()
    if run_source is None:
        return _interim_sync(db, account_id, full, state)
    after = None
    try:
        from core.match.hooks import after_ingest as after
    except ImportError:
        pass
    result = run_source(db, account_id, full=full, state=state, after_ingest=after)
    if not result.ok:
        raise SyncFailed(result.error or "The sync failed; see the log for details")
    return dict(result.counts)


def due_sources(db: Database, startup: bool = False, *, state: TaskState) -> list[int]:
    """Sources the schedule says should run now (every source at start-up; then every 15
    minutes, backed off after failures; a source failing on credentials waits for the owner)."""
    try:
        from core.sync.schedule import due_syncs
    except ImportError:  # no runtime yet: everything that is not running is due
        from core.views.sources import list_sources

        with write_session(db) as session:
            return [s.id for s in list_sources(session)]
    with write_session(db) as session:
        return [d.account_id for d in due_syncs(session, utcnow(), startup=startup)]


def _mark(db: Database, account_id: int, **values: Any) -> None:
    with write_session(db) as session:
        st = session.get(SyncState, account_id)
        if st is None:
            st = SyncState(account_id=account_id)
            session.add(st)
        for key, value in values.items():
            setattr(st, key, value)


def _interim_sync(db: Database, account_id: int, full: bool, state: TaskState) -> dict[str, int]:
    from core.ingest.stats import IngestStats

    with write_session(db) as session:
        account = session.get(SourceAccount, account_id)
        if account is None:
            raise LookupError(f"No source with id {account_id}")
        provider, settings = account.provider, dict(account.settings or {})
        label = account.display_name or account.account_id
    started = utcnow()
    _mark(db, account_id, health="syncing", last_run_at=started, last_error=None)
    state.progress(0.0, f"Syncing {label}…")
    stats = IngestStats()
    try:
        if provider != "vcard":
            raise RuntimeError(f"Syncing {provider} sources needs the sync runtime, which is "
                               "not part of this build yet.")
        _sync_vcard(db, account_id, settings, stats, state)
    except TaskCancelled:
        _mark(db, account_id, health="ok" if stats.added or stats.updated else "never",
              last_error="Cancelled by the owner", last_counts=stats.as_dict())
        raise
    except Exception as exc:
        with write_session(db) as session:
            st = session.get(SyncState, account_id) or SyncState(account_id=account_id)
            session.add(st)
            st.health = "error"
            st.last_error = str(exc) or type(exc).__name__
            st.consecutive_failures = (st.consecutive_failures or 0) + 1
            st.last_counts = stats.as_dict()
            session.add(ActivityEvent(kind="sync_failed", account_id=account_id,
                                      message=f"{label}: {st.last_error}"))
        raise
    counts = stats.as_dict()
    now = utcnow()
    with write_session(db) as session:
        st = session.get(SyncState, account_id)
        st.health, st.last_error, st.consecutive_failures = "ok", None, 0
        st.last_success_at, st.last_full_at, st.last_counts = now, now, counts
        session.add(ActivityEvent(
            kind="sync_finished", account_id=account_id,
            message=(f"{label}: {counts['added']} added, {counts['updated']} updated, "
                     f"{counts['unchanged']} unchanged, {counts['deleted']} deleted"),
            payload=counts,
        ))
    state.progress(1.0, "Done")
    return counts


def _count_cards(paths: list[str]) -> int:
    from core.sync.providers.vcard.reader import expand_paths

    total = 0
    for path in expand_paths(paths):
        with open(path, "rb") as handle:
            total += handle.read().upper().count(b"BEGIN:VCARD")
    return max(total, 1)


def _sync_vcard(db: Database, account_id: int, settings: dict, stats: Any,
                state: TaskState) -> None:
    """Parse the file/folder in batches, ingest each batch in its own transaction."""
    from core.ingest.deletes import apply_complete_listing
    from core.ingest.engine import ingest_contacts
    from core.sync.providers.vcard.reader import parse_paths

    paths = [settings.get("path", "")]
    if not paths[0] or not Path(paths[0]).exists():
        # A vanished file must not look like a source whose contacts were all deleted.
        raise FileNotFoundError(2, "The vCard file or folder is missing", paths[0])
    total = _count_cards(paths)
    done = 0
    seen: set[str] = set()
    for batch in parse_paths(paths):
        state.check()
        with write_session(db) as session:
            stats.merge(ingest_contacts(session, account_id, batch.contacts))
        seen |= {c.external_id for c in batch.contacts if c.external_id}
        stats.errors.extend(str(p) for p in batch.problems)
        done += len(batch.contacts) + len(batch.problems)
        state.progress(min(done / total, 0.99),
                       f"{done} of {total} cards: {stats.added} added, {stats.updated} updated")
    state.check()
    with write_session(db) as session:
        stats.merge(apply_complete_listing(session, account_id, seen))

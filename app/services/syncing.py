"""Running a sync of one source as a task, with progress and cancel.

The sync runtime (``core.sync.runtime``) does the work: it reads the source through its
provider, writes through the one ingest path and records health, counts and the last error in
the source's :class:`SyncState`. The GUI runs it in a child process (:func:`sync_source`).
"""

from __future__ import annotations

import logging
from typing import Any

from app.services import write_session
from core.db.base import utcnow
from core.db.engine import Database
from core.tasks import TaskState

log = logging.getLogger("kith.sync")


class SyncFailed(RuntimeError):
    """The run ended with an error the sync runtime recorded (shown as the message)."""


def sync_source(db: Database, account_id: int, full: bool = False,
                *, state: TaskState) -> dict[str, int]:
    """Sync one source now, in a child process (what the GUI runs); returns the run's counts.

    The child runs :func:`sync_source_here`, so it is the same sync path; only the GIL is not
    shared with the GUI thread (see :mod:`app.child_tasks`).
    """
    from app import keyring_setup
    from app.child_tasks import run_in_child

    # Without an OS keyring the passwords live where the owner chose (an encrypted file,
    # or this session's memory): the spawned child must read them from the same place.
    handoff = keyring_setup.handoff()
    if handoff is None:
        return run_in_child(sync_source_here, db, account_id, full, state=state)
    return run_in_child(sync_source_here, db, account_id, full, state=state, keyring=handoff)


def sync_source_here(db: Database, account_id: int, full: bool = False,
                     *, state: TaskState, keyring: Any = None) -> dict[str, int]:
    """Sync one source now in this process; returns the run's counts (added, updated...).

    ``keyring`` is the parent's :class:`app.keyring_setup.Handoff` when it runs in a child."""
    if keyring is not None:
        from app import keyring_setup

        keyring_setup.install(keyring)
    # Imported here: the runtime pulls in every provider's client library, which the GUI's
    # start-up does not need (the GUI runs this in a child process anyway).
    from core.match.hooks import after_ingest
    from core.sync.runtime import run_source

    result = run_source(db, account_id, full=full, state=state, after_ingest=after_ingest)
    if not result.ok:
        raise SyncFailed(result.error or "The sync failed; see the log for details")
    return dict(result.counts)


def due_sources(db: Database, startup: bool = False, *, state: TaskState) -> list[int]:
    """Sources the schedule says should run now (every source at start-up; then every 15
    minutes, backed off after failures; a source failing on credentials waits for the owner)."""
    from core.sync.schedule import due_syncs

    with write_session(db) as session:
        return [d.account_id for d in due_syncs(session, utcnow(), startup=startup)]


def apply_held_deletes(db: Database, account_id: int, *, state: TaskState) -> int:
    """The owner's "Apply" on a held sync: remove the held contacts; returns how many."""
    from core.ingest.deletes import apply_held_deletes as apply

    with write_session(db) as session:
        return apply(session, account_id).deleted


def keep_held_deletes(db: Database, account_id: int, *, state: TaskState) -> int:
    """The owner's "Keep" on a held sync: the contacts stay; returns how many."""
    from core.ingest.deletes import keep_held_deletes as keep

    with write_session(db) as session:
        return keep(session, account_id)

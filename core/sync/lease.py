"""The run lease in ``sync_state``: two runs of one source never overlap.

A run takes the lease with one conditional UPDATE (atomic on SQLite and PostgreSQL), renews it
after every committed page, and gives it back in the same UPDATE that records the outcome.
A run that was killed (SIGKILL, power loss) cannot give it back; rather than blocking the
source until the lease times out, a later run on the same machine takes over a lease whose
owning process no longer exists. Owners on other machines (a shared PostgreSQL) are only
taken over once the lease has expired.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import SyncState

#: A lease outlives a stalled run by this much; live runs renew it after each page.
LEASE = timedelta(minutes=30)


class SyncAlreadyRunningError(RuntimeError):
    """Another run holds this source's lease."""


def new_owner() -> str:
    """``host:pid:random`` (<= 64 chars): who holds a lease, and whether it can still be alive."""
    host = socket.gethostname()[:36]
    return f"{host}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def owner_is_dead(owner: str | None) -> bool:
    """True when ``owner`` is a process of this machine that no longer exists."""
    if not owner:
        return True
    parts = owner.split(":")
    if len(parts) < 3:
        return False
    host, pid_text = ":".join(parts[:-2]), parts[-2]
    if host != socket.gethostname()[:36]:
        return False
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return False  # another thread of this process: alive by definition
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False
    return False


def acquire(db: Database, account_id: int, owner: str, now: datetime) -> SyncState:
    """Take the lease or raise :class:`SyncAlreadyRunningError`; returns the state before."""
    with db.session() as s:
        if s.get(SyncState, account_id) is None:
            s.add(SyncState(account_id=account_id, health="never", last_counts={}))
            try:
                s.commit()
            except IntegrityError:  # a concurrent run created it first
                s.rollback()
        previous = s.get(SyncState, account_id)
        assert previous is not None
        s.expunge(previous)
        free = or_(SyncState.lease_owner.is_(None), SyncState.lease_until < now)
        taken = _take(s, account_id, owner, now, free)
        if not taken and owner_is_dead(previous.lease_owner):
            taken = _take(s, account_id, owner, now,
                          SyncState.lease_owner == previous.lease_owner)
        s.commit()
        if not taken:
            raise SyncAlreadyRunningError("A sync of this source is already running")
        return previous


def _take(s: Session, account_id: int, owner: str, now: datetime, condition: object) -> bool:
    result = s.execute(
        update(SyncState)
        .where(SyncState.account_id == account_id, condition)  # type: ignore[arg-type]
        .values(lease_owner=owner, lease_until=now + LEASE, health="syncing")
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def renew(session: Session, account_id: int, owner: str, now: datetime) -> None:
    """Push the lease out; runs inside the page's own transaction (no extra commit)."""
    session.execute(
        update(SyncState)
        .where(SyncState.account_id == account_id, SyncState.lease_owner == owner)
        .values(lease_until=now + LEASE)
    )


def release(db: Database, account_id: int, owner: str, **values: object) -> None:
    """Give the lease back and record the run's outcome in one statement."""
    with db.session() as s:
        s.execute(
            update(SyncState)
            .where(SyncState.account_id == account_id, SyncState.lease_owner == owner)
            .values(lease_owner=None, lease_until=None, **values)
        )
        s.commit()


def lease_is_live(state: SyncState | None, now: datetime) -> bool:
    """Whether a run currently holds this source (for status and the scheduler)."""
    if state is None or not state.lease_owner or state.lease_until is None:
        return False
    return state.lease_until > now and not owner_is_dead(state.lease_owner)

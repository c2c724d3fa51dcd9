"""The run lease on both engines: racing runs of one source, exactly one wins."""

from __future__ import annotations

import threading

from sqlalchemy import select

from core.db.base import utcnow
from core.db.models import SyncState
from core.sync.lease import SyncAlreadyRunningError, acquire, new_owner, release
from core.sync.sources import add_source


def test_racing_acquires_have_exactly_one_winner(db) -> None:
    with db.session() as s:
        account = add_source(s, "vcard", "/tmp/race", {"path": "/tmp/race"})
        s.commit()
    barrier = threading.Barrier(6)
    winners: list[str] = []
    losers: list[str] = []

    def contender() -> None:
        owner = new_owner()
        barrier.wait(10)
        try:
            acquire(db, account, owner, utcnow())
            winners.append(owner)
        except SyncAlreadyRunningError:
            losers.append(owner)

    threads = [threading.Thread(target=contender) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(winners) == 1 and len(losers) == 5
    with db.session() as s:
        state = s.scalar(select(SyncState).where(SyncState.account_id == account))
        assert state.lease_owner == winners[0] and state.health == "syncing"
    release(db, account, winners[0], health="ok")
    acquire(db, account, new_owner(), utcnow())  # free again after release

"""Refresh duplicate suggestions once per bulk run instead of once per batch.

An import or a sync writes its contacts batch by batch, each batch in its own transaction.
:class:`DeferredRefresh` remembers which parties the committed batches touched and calls the
after-ingest hook (``core.match.hooks.after_ingest``) once, after the last batch, with all of
them: one incremental plan over what changed (or one rebuild when that is most of the book).

A run that dies between its first batch and its refresh (killed, cancelled, failed) leaves
parties whose suggestions are out of date. So the first batch also writes a
``suggestions_pending`` activity row, in the same transaction, and the final refresh deletes
it. A refresh that finds an older run's row still there rebuilds every suggestion, which puts
the table back where a full rebuild would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.engine import Database
from core.db.models import ActivityEvent
from core.db.other_writers import OtherWriters

if TYPE_CHECKING:
    from core.match.feature_tail import FeatureTail

log = logging.getLogger("kith.sync")

PENDING = "suggestions_pending"

#: ``hook(session, party_ids)``; ``party_ids`` None means "everything".
Hook = Callable[[Session, set[int] | None], object]


class DeferredRefresh:
    """Collects the parties a run touches; :meth:`finish` refreshes them once.

    A run that expects to write ``expected`` parties, enough for the refresh to be a full
    rebuild, has them followed by a ``core.match.feature_tail`` (SQLite only): it loads
    their features after each commit, so the rebuild does not start by loading them all.
    Always ``finish`` or ``close`` a DeferredRefresh."""

    def __init__(self, db: Database, hook: Hook | None, *, expected: int = 0) -> None:
        self.db = db
        self.hook = hook
        self.touched: set[int] = set()
        self.marker: int | None = None
        self.started = utcnow()
        self.tail: FeatureTail | None = None
        self.others = OtherWriters()
        if hook is not None and expected and db.dialect == "sqlite":
            self._follow(expected)

    def _follow(self, expected: int) -> None:
        from core.match.feature_tail import FeatureTail, worth_following
        from core.match.hooks import live_parties

        with self.db.session() as s:
            live = live_parties(s)
            if not worth_following(expected, live):
                return
            self.others.look(s)  # before the tail's first read
        expected += live
        try:
            self.tail = FeatureTail(self.db.url, expected)
        except (OSError, RuntimeError, ValueError):
            log.info("could not start the process that follows the import", exc_info=True)
            return
        self.tail.load(None)

    def last_look(self, session: Session) -> None:
        """Call once the run's last batch committed, before anything else of the run
        (the search index fill) commits: did anyone else write while the tail followed?"""
        if self.tail is not None:
            self.others.look(session)

    def close(self) -> None:
        """Stop the tail, if any (``finish`` does it too)."""
        if self.tail is not None:
            self.tail.close()
            self.tail = None

    def note(self, session: Session, touched: set[int]) -> None:
        """Call inside a batch's transaction, before its commit."""
        if self.hook is None or not touched:
            return
        if self.marker is None:
            event = ActivityEvent(kind=PENDING, message="Duplicate suggestions not updated yet")
            session.add(event)
            session.flush()
            self.marker = event.id
        self.touched |= touched
        if self.tail is not None:
            self.others.look(session)
            tail, batch = self.tail, set(touched)
            sqlalchemy_event.listen(session, "after_commit", lambda _s: tail.load(batch),
                                    once=True)

    def finish(self, before_write: Callable[[], None] | None = None) -> int:
        """Refresh once (in its own transaction) and clear this run's pending row. Returns
        the number of suggestions written. ``before_write`` is called (once) before the
        refresh's first statement that is not a SELECT: the import lets the refresh read
        while its search index is filled on another connection, and holds its writes
        until that fill has committed (and stops the refresh if the fill failed)."""
        if self.hook is None:
            return 0
        try:
            return self._finish(before_write)
        finally:
            self.close()

    def _finish(self, before_write: Callable[[], None] | None) -> int:
        from core.match.feature_tail import offered

        with self.db.session() as s:
            if before_write is not None:
                _hold_writes(s, before_write)
            others = list(s.scalars(select(ActivityEvent.id).where(
                ActivityEvent.kind == PENDING, ActivityEvent.created_at < self.started,
                ActivityEvent.id != (self.marker or 0))))
            if others:
                log.info("an earlier run stopped before its duplicate refresh: rebuilding all")
            elif self.marker is None:
                return 0  # nothing changed, nothing left over
            with offered(self.tail if not self.others.seen else None):
                written = self.hook(s, None if others else self.touched)
            mine = [self.marker] if self.marker is not None else []
            s.execute(delete(ActivityEvent).where(ActivityEvent.id.in_(mine + others)))
            s.commit()
        self.touched, self.marker = set(), None
        return written if isinstance(written, int) else 0


def _hold_writes(session: Session, before_write: Callable[[], None]) -> None:
    """Call ``before_write`` before the first statement on ``session``'s connection that
    may write (anything but a SELECT; reads on the driver's own cursors never reach it).
    A write that bypassed SQLAlchemy would still wait, for SQLite's busy timeout."""
    pending = [before_write]

    def check(_conn, _cursor, statement: str, *_args) -> None:  # noqa: ANN001 - event API
        if pending and statement.lstrip()[:6].upper() != "SELECT":
            pending.pop()()

    sqlalchemy_event.listen(session.connection(), "before_cursor_execute", check)

"""Keeping the duplicate model learnt from the owner's book, off the GUI thread.

A few seconds after a write that brought contacts in from a source ends (an import, a sync:
its change notice names both contacts and sources), and once shortly after start-up, a task
asks whether a big import made a re-estimate due (``core.match.retrain_due``) and, when it
did, learns the weights again and re-scores every suggestion (``core.match.train.run``) in a
child process (``app.child_tasks``: minutes of Python must not hold the GUI's interpreter lock).
The review views reload on the "review" change notice it announces then; nothing is
announced when it was not due. One check at a time: a notice that arrives while one is
queued is answered by that one (writes run in order, so it sees the newer data).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from app import tasks
from app.services.lazy import service

if TYPE_CHECKING:
    from app.appcontext import AppContext

log = logging.getLogger("kith.model")
review = service("app.services.review")

#: The start-up check waits this long, so the window's first reads go first.
STARTUP_DELAY_MS = 5000
#: After an import's change notice, the views' own refreshes (the list, the counts) go first.
AFTER_IMPORT_DELAY_MS = 3000


class ModelUpkeep(QObject):
    """Runs ``review.retrain_if_due`` on the writer after imports and syncs."""

    #: A re-estimate ran (its summary: version, parties, pairs, written, why).
    learnt = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._pending: tasks.TaskHandle | None = None
        ctx.runner.changed.connect(self._changed)

    def start(self, delay_ms: int = STARTUP_DELAY_MS) -> None:
        """The start-up check, after ``delay_ms``."""
        QTimer.singleShot(delay_ms, self.check)

    def check(self) -> tasks.TaskHandle | None:
        """Queue the check (and the re-estimate when due); None if one is queued already."""
        if self.ctx.db is None or self._pending is not None:
            return None
        self._pending = self.ctx.write(review.retrain_if_due, name="learn from your contacts",
                                       on_result=self._done, on_error=self._failed)
        return self._pending

    def _changed(self, topics: frozenset) -> None:
        if tasks.PARTIES in topics and tasks.SOURCES in topics:
            QTimer.singleShot(AFTER_IMPORT_DELAY_MS, self.check)

    def _done(self, result: dict[str, Any] | None) -> None:
        self._pending = None
        if result is not None:
            log.info("duplicate model learnt again: %s", result)
            self.ctx.runner.changed.emit(frozenset({tasks.REVIEW}))
            self.learnt.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._pending = None
        log.warning("learning the duplicate model failed: %s", tasks.readable_error(exc))

"""The state object every background task receives (Orange3-style), free of Qt.

A task is a plain module-level function ``fn(..., state)``. It reports progress through
``state.progress(fraction, text)`` and checks ``state.cancelled`` (or calls
``state.check()``) between units of work. The app layer decides which thread runs it and how
progress reaches the GUI; core code only sees this class, so it stays importable without Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class TaskCancelled(Exception):
    """Raised by :meth:`TaskState.check` so a task can unwind from deep inside a loop."""


ProgressSink = Callable[[float, str], None]


class TaskState:
    """Progress, status text and a cancel flag shared between a task and whoever runs it.

    ``cancel()`` may be called from any thread; the task sees it at its next check. Progress
    callbacks run on the task's thread, so the sink must be thread-safe (Qt signals are).
    """

    def __init__(self, sink: ProgressSink | None = None) -> None:
        self._cancel = threading.Event()
        self._sink = sink
        self.fraction: float = 0.0
        self.text: str = ""

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise :class:`TaskCancelled` if cancellation was asked for."""
        if self._cancel.is_set():
            raise TaskCancelled()

    def progress(self, fraction: float | None = None, text: str | None = None) -> None:
        """Report progress: ``fraction`` in 0..1 (None keeps the last), ``text`` a status line."""
        if fraction is not None:
            self.fraction = max(0.0, min(1.0, float(fraction)))
        if text is not None:
            self.text = text
        if self._sink is not None:
            self._sink(self.fraction, self.text)

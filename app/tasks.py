"""The one task runner: every database and network operation runs here, off the GUI thread.

Tasks are plain functions ``fn(*args, state)`` (see :class:`core.tasks.TaskState`). Reads run
on a small pool beside each other (SQLite WAL lets them); writes go through a single-thread
pool so two writers never contend. Result, error and progress come back to the GUI thread as
queued signals; a finished write announces *change notices* (topics such as ``"parties"``)
that views react to, instead of polling the database.
"""

from __future__ import annotations

import gc
import itertools
import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from app import qt_compat
from core.tasks import TaskCancelled, TaskState

log = logging.getLogger("kith.tasks")
# Every view imports this module: refuse a PySide6 that would crash the session.
qt_compat.check()

#: Read threads: two, so what the owner is looking at (the list's next page, a search) never
#: waits behind another view's slower read (the detail pane, the review queue).
READ_THREADS = 2
#: Progress signals are throttled to this interval so a tight loop cannot flood the GUI.
PROGRESS_INTERVAL_S = 0.05

#: Topics of change notices.
PARTIES, HANDLES, SOURCES, REVIEW = "parties", "handles", "sources", "review"
ALL_TOPICS = frozenset({PARTIES, HANDLES, SOURCES, REVIEW})

ResultCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]
ProgressCallback = Callable[[float, str], None]


@dataclass(eq=False)
class TaskHandle:
    """What the caller keeps of a submitted task: its state (to cancel) and its outcome."""

    id: int
    name: str
    write: bool
    state: TaskState
    changes: frozenset[str] = frozenset()
    on_result: ResultCallback | None = None
    on_error: ErrorCallback | None = None
    on_progress: ProgressCallback | None = None
    #: The task left the queue and runs on a worker (set on the GUI thread).
    began: bool = False
    done: bool = False
    cancelled_run: bool = False
    error: BaseException | None = None
    result: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def cancel(self) -> None:
        self.state.cancel()


class _Relay(QObject):
    """Lives on the GUI thread; worker threads emit these, Qt queues them across threads."""

    began = Signal(int)
    done = Signal(int, object)
    failed = Signal(int, object, str)
    progress = Signal(int, float, str)


class _Job(QRunnable):
    def __init__(self, handle: TaskHandle, fn: Callable[..., Any], args: tuple, kwargs: dict,
                 relay: _Relay) -> None:
        super().__init__()
        self._handle, self._fn, self._args, self._kwargs = handle, fn, args, kwargs
        self._relay = relay

    def run(self) -> None:  # noqa: D401 - Qt entry point, on a worker thread
        # Reads run at the GUI's own OS priority: a sync runs in a child process at a lower
        # one (app.child_tasks), and reads niced below it made a search during an import
        # 3-4x slower (p95 67-163 ms against 43-48 ms, 20,000-card import, 2 cores), while
        # the GUI thread's longest stall was the same (25-33 ms) either way.
        handle = self._handle
        if handle.state.cancelled:
            self._relay.failed.emit(handle.id, TaskCancelled(), "")
            return
        self._relay.began.emit(handle.id)
        try:
            result = self._fn(*self._args, state=handle.state, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
            self._relay.failed.emit(handle.id, exc, traceback.format_exc())
        else:
            self._relay.done.emit(handle.id, result)


class TaskRunner(QObject):
    """Runs tasks on worker threads and delivers their outcome on the GUI thread."""

    #: A task was submitted (handle).
    started = Signal(object)
    #: A submitted task left the queue and runs now (handle): a write waits while another
    #: write runs, and views say "queued" until this.
    began = Signal(object)
    #: A task reported progress (handle, fraction, text).
    progressed = Signal(object, float, str)
    #: A task ended, successfully, with an error or cancelled (handle).
    finished = Signal(object)
    #: A task failed with an error nobody handled (handle, readable message).
    error = Signal(object, str)
    #: Change notice: data under these topics changed.
    changed = Signal(frozenset)

    def __init__(self, parent: QObject | None = None,
                 read_threads: int = READ_THREADS) -> None:
        super().__init__(parent)
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(read_threads)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.began.connect(self._on_began)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._relay.progress.connect(self._on_progress)
        self._ids = itertools.count(1)
        self._live: dict[int, tuple[TaskHandle, _Job]] = {}
        self._closed = False
        #: Idle full collections run so far (tests).
        self.collections = 0
        self._graveyard: list[tuple[float, _Job]] = []
        #: The idle full collection (see tune_for_gui): restarted by every task that ends,
        #: so it runs once the runner has been idle IDLE_GC_DELAY_MS, not while the owner
        #: types (a task every keystroke) or scrolls.
        self._gc_timer = QTimer(self)
        self._gc_timer.setSingleShot(True)
        self._gc_timer.setInterval(IDLE_GC_DELAY_MS)
        self._gc_timer.timeout.connect(self._collect_if_still_idle)

    # -- submitting ---------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        name: str = "",
        write: bool = False,
        changes: Iterable[str] = (),
        on_result: ResultCallback | None = None,
        on_error: ErrorCallback | None = None,
        on_progress: ProgressCallback | None = None,
        priority: int = 0,
        **kwargs: Any,
    ) -> TaskHandle:
        """Run ``fn(*args, state=..., **kwargs)`` off the GUI thread.

        ``priority``: queued reads with a higher value start first (what the owner is looking
        at, e.g. the visible rows of the list, before the review counter).

        ``write`` tasks are serialised on the single writer thread; ``changes`` are the topics
        announced through :attr:`changed` when the task succeeds (or is cancelled midway: a
        cancelled write may have committed some batches).
        """
        task_id = next(self._ids)
        last = [0.0]

        def sink(fraction: float, text: str) -> None:
            now = time.monotonic()
            if fraction >= 1.0 or now - last[0] >= PROGRESS_INTERVAL_S:
                last[0] = now
                self._relay.progress.emit(task_id, fraction, text)

        handle = TaskHandle(task_id, name or getattr(fn, "__name__", "task"), write,
                            TaskState(sink), frozenset(changes), on_result, on_error,
                            on_progress)
        if self._closed:
            # Shutting down (the window is closing): never run it, and never call back into
            # widgets that may already be gone.
            handle.state.cancel()
            handle.done = handle.cancelled_run = True
            return handle
        job = _Job(handle, fn, args, kwargs, self._relay)
        job.setAutoDelete(False)
        self._live[task_id] = (handle, job)
        self.started.emit(handle)
        (self._writes if write else self._reads).start(job, priority)
        return handle

    @property
    def running(self) -> list[TaskHandle]:
        return [h for h, _ in self._live.values()]

    def busy(self) -> bool:
        return bool(self._live)

    # -- delivery (GUI thread) ----------------------------------------------------------
    def _pop(self, task_id: int) -> TaskHandle | None:
        entry = self._live.pop(task_id, None)
        if entry is None:
            return None
        # The worker may still be unwinding run(); keep the runnable alive a little longer
        # so its C++ side is never freed under a running thread.
        now = time.monotonic()
        self._graveyard = [(t, j) for t, j in self._graveyard if now - t < 5.0]
        self._graveyard.append((now, entry[1]))
        return entry[0]

    def _on_began(self, task_id: int) -> None:
        entry = self._live.get(task_id)
        if entry is not None:
            entry[0].began = True
            self.began.emit(entry[0])

    def _on_progress(self, task_id: int, fraction: float, text: str) -> None:
        entry = self._live.get(task_id)
        if entry is None:
            return
        handle = entry[0]
        if handle.on_progress is not None:
            handle.on_progress(fraction, text)
        self.progressed.emit(handle, fraction, text)

    def _collect_when_idle(self) -> None:
        """Full garbage collection, but only once no task has ended for IDLE_GC_DELAY_MS and
        none runs (see tune_for_gui). Each task used to schedule its own collection 1.5 s
        later, run if the runner was idle at that instant: while the owner typed, 3 or 4
        full collections a second (7 ms each on 100,000 contacts, up to 100 ms) stole the GUI
        thread between keystrokes, and any keystroke they fell on waited for them."""
        if not self._live and gc.get_threshold()[2] >= FULL_GC_NEVER:
            self._gc_timer.start()  # restarts: the idle time counts from the last task

    def _collect_if_still_idle(self) -> None:
        if not self._live and not self._closed:
            self.collections += 1
            gc.collect()

    def _on_done(self, task_id: int, result: Any) -> None:
        handle = self._pop(task_id)
        if handle is None:
            return
        handle.done, handle.result = True, result
        started = time.perf_counter()
        try:
            if handle.on_result is not None:
                handle.on_result(result)
        finally:
            _report_slow(handle, started)
            self.finished.emit(handle)
            if handle.changes:
                self.changed.emit(handle.changes)
            self._collect_when_idle()

    def _on_failed(self, task_id: int, exc: BaseException, trace: str) -> None:
        handle = self._pop(task_id)
        if handle is None:
            return
        handle.done, handle.error = True, exc
        if isinstance(exc, TaskCancelled):
            handle.cancelled_run = True
            log.info("task %s cancelled", handle.name)
        else:
            log.error("task %s failed: %s\n%s", handle.name, exc, trace)
        started = time.perf_counter()
        try:
            if handle.on_error is not None:
                handle.on_error(exc)
            elif not handle.cancelled_run:
                self.error.emit(handle, readable_error(exc))
        finally:
            _report_slow(handle, started)
            self.finished.emit(handle)
            if handle.changes and handle.write:
                # A failed or cancelled write may have committed earlier batches.
                self.changed.emit(handle.changes)
            self._collect_when_idle()

    # -- shutdown -------------------------------------------------------------------------
    def cancel_all(self) -> None:
        for handle, _ in list(self._live.values()):
            handle.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything and wait for the workers (window close). True if all stopped."""
        self._closed = True
        self.cancel_all()
        ok = self._writes.waitForDone(timeout_ms)
        ok = self._reads.waitForDone(timeout_ms) and ok
        self._live.clear()
        return ok

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the pools are idle (tests and benchmarks only; never in the GUI)."""
        ok = self._writes.waitForDone(timeout_ms)
        return self._reads.waitForDone(timeout_ms) and ok


#: A generation-2 threshold the collector never reaches on its own.
FULL_GC_NEVER = 1_000_000_000
#: How long the runner must have been idle before it runs a full collection.
IDLE_GC_DELAY_MS = 1500


def tune_for_gui() -> None:
    """Keep the GUI thread responsive while Python workers run (called once at start-up).

    - The GIL: a worker hands the GIL back only every ``switchinterval``; at the default 5 ms
      the GUI thread waits several slices in a row during an import (measured stalls of
      50-100 ms). 1 ms keeps the event loop smooth at a small throughput cost.
    - The cyclic GC: a full collection scans every tracked object while holding the GIL, which
      stalled the GUI for 200-700 ms in the middle of big imports. Objects alive at start-up
      live for the whole session, so they are frozen out of the collector's reach, and full
      collections are made rare (young generations are unchanged).
    """
    sys.setswitchinterval(0.001)
    gc.collect()
    gc.freeze()
    threshold0, threshold1, _ = gc.get_threshold()
    # No automatic full collections at all: even rare ones took 60-130 ms in the middle of
    # imports. TaskRunner runs the full collection itself once it has been idle a moment.
    gc.set_threshold(threshold0, threshold1, FULL_GC_NEVER)
    gc.enable()  # app.gui starts with the collector off (start-up allocates, frees little)


#: A result callback (GUI thread) slower than this is logged: it is a visible stall.
SLOW_CALLBACK_MS = 30.0


def _report_slow(handle: TaskHandle, started: float) -> None:
    elapsed = (time.perf_counter() - started) * 1000
    if elapsed > SLOW_CALLBACK_MS:
        log.warning("slow GUI-thread callback of task %r: %.0f ms", handle.name, elapsed)


def readable_error(exc: BaseException) -> str:
    """A message for the owner: the exception's own text, without a traceback."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, OSError) and exc.filename:
        text = f"{exc.strerror or text}: {exc.filename}"
    return text

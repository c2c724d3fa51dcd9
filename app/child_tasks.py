"""Run a big write task (an import, a sync) in a child process instead of a worker thread.

Why: a worker *thread* shares the GIL with the GUI thread, and an import of 100,000 cards is
pure Python for minutes; the event loop then waits for the GIL on every tick (measured stalls
of 400 ms). A child process has its own interpreter, so the GUI thread only sees progress.

How: the task runner still runs the task on its single writer thread (writes stay
serialised), but that thread only starts a ``spawn`` child and waits on a pipe, which releases
the GIL. The child opens the same database by URL and calls the *same* task function (the one
write path, e.g. the sync runtime and the ingest engine). Progress and log records come back
through the pipe into the task's :class:`~core.tasks.TaskState` and the app's log file;
cancel goes the other way and the child sees it at its next ``state.check()``. The result,
or the exception (re-raised here, ``TaskCancelled`` included), comes back the same way, and the
change notices are announced by the task runner as for any write.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from core.db.engine import Database
from core.tasks import TaskCancelled, TaskState

log = logging.getLogger("kith.tasks")

#: The child's progress messages are throttled to this interval (the pipe is not a firehose).
PROGRESS_INTERVAL_S = 0.05
#: How often the waiting writer thread looks at the cancel flag.
POLL_S = 0.05
#: After a cancel, how long the child may take to unwind before it is terminated.
CANCEL_GRACE_S = 30.0
#: The child runs at this OS niceness, so on a busy 2-core machine the GUI process wins the CPU
#: when it wakes; milder than the read threads' 10, so an import still progresses when other
#: programs keep the CPU busy.
CHILD_NICENESS = 5

#: Peak resident memory (MB) of every child run from this process, newest last: the child
#: itself ("child") and the largest of its own helper processes ("helpers", e.g. the vCard
#: parser pool). Benchmarks report them beside the GUI process's own peak.
child_peaks_mb: list[dict[str, float]] = []


class ChildTaskError(RuntimeError):
    """The child failed with an exception that could not be sent back as itself."""


class ChildDied(RuntimeError):
    """The child process ended without a result (killed, crashed)."""


def can_isolate(db: Database) -> bool:
    """A child can open the same database only if it is not private to this process."""
    url = db.url
    return not (url.startswith("sqlite") and (":memory:" in url or url.rstrip("/") == "sqlite:"))


def run_in_child(fn: Callable[..., Any], db: Database, *args: Any, state: TaskState,
                 **kwargs: Any) -> Any:
    """``fn(db, *args, state=..., **kwargs)`` in a spawned child; blocks this (worker) thread.

    ``fn`` must be a module-level function and its arguments and result picklable.
    Falls back to running here when the database cannot be shared (in-memory SQLite).
    """
    if not can_isolate(db):
        return fn(db, *args, state=state, **kwargs)
    context = multiprocessing.get_context("spawn")
    results, results_w = context.Pipe(duplex=False)
    cancel_r, cancel = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, name=f"kith-{fn.__name__}",
                            args=(results_w, cancel_r, db.url, fn, args, kwargs))
    child.start()
    results_w.close()
    cancel_r.close()
    try:
        return _wait(child, results, cancel, state)
    finally:
        for conn in (cancel, results):
            conn.close()
        child.join(CANCEL_GRACE_S if state.cancelled else 5.0)
        if child.is_alive():
            log.warning("child %s did not stop; terminating it", child.name)
            child.terminate()
            child.join(5.0)


def _wait(child: Any, results: Connection, cancel: Connection, state: TaskState) -> Any:
    cancel_sent = False
    cancelled_at = 0.0
    while True:
        if state.cancelled and not cancel_sent:
            cancel_sent, cancelled_at = True, time.monotonic()
            try:
                cancel.send("cancel")
            except OSError:
                pass
        if cancel_sent and time.monotonic() - cancelled_at > CANCEL_GRACE_S:
            child.terminate()
            raise TaskCancelled()
        if not results.poll(POLL_S):
            if not child.is_alive() and not results.poll(0):
                raise ChildDied(f"The background process stopped unexpectedly "
                                f"(exit code {child.exitcode}); see the log file")
            continue
        try:
            message = results.recv()
        except EOFError:
            child.join(5.0)
            raise ChildDied(f"The background process stopped unexpectedly "
                            f"(exit code {child.exitcode}); see the log file") from None
        kind = message[0]
        if kind == "progress":
            state.progress(message[1], message[2])
        elif kind == "log":
            record = logging.makeLogRecord(message[1])
            logging.getLogger(record.name).handle(record)
        elif kind == "result":
            child_peaks_mb.append(message[2])
            return message[1]
        elif kind == "error":
            child_peaks_mb.append(message[3])
            exc = message[1]
            if not isinstance(exc, TaskCancelled):
                log.error("background process failed:\n%s", message[2])
            raise exc


# -- the child's side ------------------------------------------------------------------------
class _Sender:
    """Thread-safe, best-effort sends to the parent (log records may come from any thread)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def send(self, message: tuple) -> None:
        with self._lock:
            try:
                self._conn.send(message)
            except (OSError, ValueError):  # the parent is gone; nothing left to tell
                pass


class _PipeLogHandler(logging.Handler):
    """Ships log records to the parent, which writes them to the one log file."""

    def __init__(self, sender: _Sender) -> None:
        super().__init__()
        self._sender = sender

    def emit(self, record: logging.LogRecord) -> None:
        data = dict(record.__dict__)
        data["msg"] = record.getMessage()
        data["args"] = None
        if record.exc_info:
            data["exc_text"] = logging.Formatter().formatException(record.exc_info)
        data["exc_info"] = None
        data["processName"] = multiprocessing.current_process().name
        self._sender.send(("log", data))


def _peak_rss_mb() -> dict[str, float]:
    try:
        import resource
    except ImportError:  # Windows: no resource module
        return {}
    unit = 1024 * 1024 if sys.platform == "darwin" else 1024
    return {"child": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / unit, 1),
            "helpers": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / unit, 1)}


def _watch_cancel(cancel: Connection, state: TaskState) -> None:
    """A cancel message, or the parent going away (EOF), cancels the task."""
    try:
        cancel.recv()
    except (EOFError, OSError):
        pass
    state.cancel()


def _sendable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - anything unpicklable becomes a plain message
        return ChildTaskError(str(exc) or type(exc).__name__)
    return exc


def _child_main(out: Connection, cancel: Connection, url: str, fn: Callable[..., Any],
                args: tuple, kwargs: dict) -> None:
    """Entry point of the child process."""
    if hasattr(os, "getpriority"):
        try:  # absolute, not relative: the parent thread's own nice value is inherited
            if os.getpriority(os.PRIO_PROCESS, 0) < CHILD_NICENESS:
                os.setpriority(os.PRIO_PROCESS, 0, CHILD_NICENESS)
        except OSError:
            pass
    sender = _Sender(out)
    logger = logging.getLogger("kith")
    logger.addHandler(_PipeLogHandler(sender))
    logger.setLevel(logging.INFO)
    last = [0.0]

    def sink(fraction: float, text: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            sender.send(("progress", fraction, text))

    state = TaskState(sink)
    threading.Thread(target=_watch_cancel, args=(cancel, state), daemon=True,
                     name="cancel-watch").start()
    from core.db.engine import open_database

    db = None
    try:
        # The parent opened (and migrated) this database already.
        db = open_database(url, migrate=False)
        result = fn(db, *args, state=state, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        sender.send(("error", _sendable(exc), traceback.format_exc(), _peak_rss_mb()))
    else:
        sender.send(("result", result, _peak_rss_mb()))
    finally:
        if db is not None:
            db.dispose()
        out.close()

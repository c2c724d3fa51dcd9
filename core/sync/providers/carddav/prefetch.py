"""Reading ahead: the next page is fetched and parsed while the caller ingests this one.

The sync runtime asks for a page, ingests it (database writes on its own thread and session)
and only then asks for the next. Without read-ahead the server sits idle during every ingest
and the ingest waits for every fetch. :class:`Prefetcher` runs the provider's page generator
on a daemon thread, at most ``depth`` pages ahead, so network waits, server work and the
GIL-free parts of the ingest (SQLite) overlap. Only provider work runs on the thread (HTTP,
XML and vCard parsing); it never touches the database.

Failures on the thread are handed to the caller on its next :meth:`Prefetcher.next`, with
their original type (an expired token stays a ``CursorExpiredError``). A consumer that goes
away (a cancelled run) must :meth:`Prefetcher.close`; as a safety net the thread also gives
up by itself after ``idle_timeout`` seconds without a taker.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

from core.sync.contract import ProviderError

_T = TypeVar("_T")

_PAGE, _END, _ERROR = "page", "end", "error"


class PrefetchAbandoned(Exception):
    """Raised on the thread when nobody took a page for too long (internal)."""


class Prefetcher(Generic[_T]):
    """Run ``pages`` on a daemon thread, ``depth`` results ahead of the caller."""

    def __init__(self, pages: Iterator[_T], *, depth: int = 1, idle_timeout: float = 600.0,
                 name: str = "carddav-prefetch") -> None:
        self._pages = pages
        self._queue: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._idle_timeout = idle_timeout
        self._finished = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def next(self) -> _T | None:
        """The next page; None once the generator is exhausted. Re-raises its failure."""
        if self._finished:
            return None
        while True:
            try:
                kind, value = self._queue.get(timeout=0.5)
                break
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    self._finished = True
                    raise ProviderError("Reading the CardDAV address book stopped early; "
                                        "the sync will start over.") from None
        if kind == _PAGE:
            return value  # type: ignore[return-value]
        self._finished = True
        if kind == _ERROR:
            assert isinstance(value, BaseException)
            raise value
        return None

    def close(self, wait: float = 2.0) -> None:
        """Stop reading ahead; the generator's cleanup (closing its HTTP answer) runs on the
        thread as soon as it notices. Waits up to ``wait`` seconds for that."""
        self._stop.set()
        self._finished = True
        while True:  # unblock a thread waiting to hand over a page
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        if threading.current_thread() is not self._thread:
            self._thread.join(wait)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- the thread ----------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            for page in self._pages:
                if not self._hand_over((_PAGE, page)):
                    return
            self._hand_over((_END, None))
        except PrefetchAbandoned:
            return
        except BaseException as exc:  # noqa: BLE001 - delivered to the caller, not lost
            with contextlib.suppress(PrefetchAbandoned):
                self._hand_over((_ERROR, exc))
        finally:
            close = getattr(self._pages, "close", None)
            if callable(close):
                close()

    def _hand_over(self, item: tuple[str, object]) -> bool:
        """Put ``item`` on the queue unless stopped; raises when abandoned for too long."""
        waited = 0.0
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.25)
                return True
            except queue.Full:
                waited += 0.25
                if waited >= self._idle_timeout:
                    raise PrefetchAbandoned from None
        return False

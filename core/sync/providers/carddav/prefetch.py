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

How far ahead is bounded twice: by ``depth`` pages and, when a ``weigh`` function is given,
by a ``budget`` of weight (the provider weighs a page by its card text), so a deep read-ahead
of small cards does not become a huge one for an address book full of photos. One page is
always admitted, whatever it weighs, so a single heavy page cannot stall the chain.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from core.sync.contract import ProviderError

_T = TypeVar("_T")

_PAGE, _END, _ERROR = "page", "end", "error"


class PrefetchAbandoned(Exception):
    """Raised on the thread when nobody took a page for too long (internal)."""


class Prefetcher(Generic[_T]):
    """Run ``pages`` on a daemon thread, up to ``depth`` results (and ``budget`` weight)
    ahead of the caller."""

    def __init__(self, pages: Iterator[_T], *, depth: int = 1,
                 weigh: Callable[[_T], int] | None = None, budget: int = 0,
                 idle_timeout: float = 600.0, name: str = "carddav-prefetch") -> None:
        self._pages = pages
        self._depth = max(1, depth)
        self._weigh = weigh
        self._budget = budget
        #: Handed-over results not taken yet: (kind, value, weight).
        self._items: deque[tuple[str, object, int]] = deque()
        self._held = 0
        self._ready = threading.Condition()
        self._stop = threading.Event()
        self._idle_timeout = idle_timeout
        self._finished = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def next(self) -> _T | None:
        """The next page; None once the generator is exhausted. Re-raises its failure."""
        if self._finished:
            return None
        with self._ready:
            while not self._items:
                if not self._thread.is_alive():
                    self._finished = True
                    raise ProviderError("Reading the CardDAV address book stopped early; "
                                        "the sync will start over.")
                self._ready.wait(0.5)
            kind, value, weight = self._items.popleft()
            self._held -= weight
            self._ready.notify_all()
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
        with self._ready:  # drop what was read ahead and wake a thread waiting for room
            self._items.clear()
            self._held = 0
            self._ready.notify_all()
        if threading.current_thread() is not self._thread:
            self._thread.join(wait)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- the thread ----------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            for page in self._pages:
                weight = self._weigh(page) if self._weigh is not None else 0
                if not self._hand_over(_PAGE, page, weight):
                    return
            self._hand_over(_END, None, 0)
        except PrefetchAbandoned:
            return
        except BaseException as exc:  # noqa: BLE001 - delivered to the caller, not lost
            with contextlib.suppress(PrefetchAbandoned):
                self._hand_over(_ERROR, exc, 0)
        finally:
            close = getattr(self._pages, "close", None)
            if callable(close):
                close()
            with self._ready:
                self._ready.notify_all()  # a caller waiting in next() sees the thread end

    def _has_room(self, kind: str, weight: int) -> bool:
        if kind != _PAGE or not self._items:
            return True  # the end or a failure, or nothing held: always admitted
        if len(self._items) >= self._depth:
            return False
        return self._budget <= 0 or self._held + weight <= self._budget

    def _hand_over(self, kind: str, value: object, weight: int) -> bool:
        """Queue a result unless stopped; raises when abandoned for too long."""
        deadline = time.monotonic() + self._idle_timeout
        with self._ready:
            while not self._stop.is_set():
                if self._has_room(kind, weight):
                    self._items.append((kind, value, weight))
                    self._held += weight
                    self._ready.notify_all()
                    return True
                if time.monotonic() >= deadline:
                    raise PrefetchAbandoned
                self._ready.wait(0.25)
        return False

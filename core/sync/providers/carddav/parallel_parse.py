"""Parsing and preparing big pages of cards in worker processes.

A first sync of a large address book hands Kith thousands of cards at once. Parsing them
(vobject) and preparing them for the write path (normalised handles, stored data, hash) is
pure Python; on the read-ahead *thread* it shares the GIL with the ingest, so the two never
overlap. In worker processes they do: the writer only writes. The workers are the same
``spawn`` pool the vCard import uses, and they return plain tuples (see
``vcard.transport``), because pickling dataclasses costs as much as parsing.

The pool is not free, though: for 10,000 cards the same parse + prepare costs 1.8 CPU s
in-process but 3.2 CPU s in two workers measured alone (start-up imports, pickling) and
4.5-6.5 CPU s during a real sync, while the parent still unpacks every card (~0.5 CPU s).
It can only pay with cores to spare beside the writer (and, often, a local server), so by
default it is used from :data:`MIN_CPUS` CPUs on (that threshold is reasoned, not measured:
only 2-core machines were at hand).
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from core.ingest.prepare import PreparedContact, prepare_for_write
from core.sync.contract import TransientError
from core.sync.providers.vcard.parse import parse_card
from core.sync.providers.vcard.reader import SpawnPool
from core.sync.providers.vcard.transport import Packed, pack_prepared, unpack_prepared

#: Cards per unit of work sent to a worker.
CHUNK = 250
#: Pages with fewer cards are parsed on the calling thread (a round trip would not pay).
MIN_CARDS = 200
#: Fewer CPUs than this: no worker processes by default. Measured on a 2-core VM (first sync
#: of 10,000 cards from a local Radicale, medians of 3 alternating runs): with 2 workers the
#: sync took 13.2-16.0 s and 9.0-9.8 CPU s in Kith, without 9.4-11.9 s and 4.2-5.2 CPU s. The
#: workers spend ~5 CPU s (start-up imports, pickling both ways, parse + prepare) to save the
#: parent only ~1 CPU s, and on two cores they take that from the writer and the server.
MIN_CPUS = 4

#: Per card: ("ok", packed prepared contact, warnings) or ("error", reason, []).
Outcome = tuple[str, Packed | str, list[str]]


def prepare_cards(texts: list[str], hrefs: list[str], etags: list[str],
                  region: str) -> list[Outcome]:
    """Worker entry point: parse each card, give it its href and ETag, and prepare it."""
    out: list[Outcome] = []
    for text, href, etag in zip(texts, hrefs, etags, strict=True):
        try:
            contact, warnings = parse_card(text)
        except Exception as exc:  # noqa: BLE001 - one bad card must not stop the page
            out.append(("error", f"{type(exc).__name__}: {exc}", []))
            continue
        contact.external_id, contact.etag = href, etag
        out.append(("ok", pack_prepared(prepare_for_write(contact, region)), warnings))
    return out


class CardPool:
    """Runs :func:`prepare_cards` on the vCard reader's lazily started ``spawn`` pool."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = SpawnPool(workers)

    @staticmethod
    def default_workers() -> int:
        """One per CPU, at most 4; none below :data:`MIN_CPUS` (see there)."""
        count = os.cpu_count() or 1
        return 0 if count < MIN_CPUS else min(4, count)

    def prepare(self, cards: list[tuple[str, str, str]], region: str
                ) -> list[tuple[PreparedContact | None, str, list[str]]]:
        """(text, href, etag) per card -> (prepared contact or None, error, warnings)."""
        try:
            outcomes = self._run(cards, region)
        except BrokenProcessPool as exc:  # a worker died (out of memory...): retry later
            self.close()
            raise TransientError("a card parsing worker process stopped unexpectedly") from exc
        results: list[tuple[PreparedContact | None, str, list[str]]] = []
        for (text, _href, _etag), (status, value, warnings) in zip(cards, outcomes, strict=True):
            if status == "ok":
                results.append((unpack_prepared(value, text), "", warnings))  # type: ignore[arg-type]
            else:
                results.append((None, str(value), warnings))
        return results

    def _run(self, cards: list[tuple[str, str, str]], region: str) -> list[Outcome]:
        pool = self._pool.get()
        futures: list[Future[list[Outcome]]] = []
        for start in range(0, len(cards), CHUNK):
            chunk = cards[start:start + CHUNK]
            futures.append(pool.submit(prepare_cards, [c[0] for c in chunk],
                                       [c[1] for c in chunk], [c[2] for c in chunk], region))
        return [outcome for future in futures for outcome in future.result()]

    def close(self) -> None:
        self._pool.close()

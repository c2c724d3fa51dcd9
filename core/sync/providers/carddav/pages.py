"""Turning what the server sent into pages of ``ParsedContact`` (runs on the read-ahead thread).

Two page generators, one per chain mode (see ``paging``):

- :func:`stream_pages` cuts a :class:`~listing.ChangeStream` (cards inline) into pages in
  the order the server sends them;
- :func:`listing_pages` walks a sorted :class:`~paging.Chain`, skips cards whose ETag the
  database already holds and fetches the rest with addressbook-multiget.

Both parse the vCards here, off the caller's thread, so parsing overlaps the ingest of the
previous page; big pages go to worker processes (``parallel_parse``), which also prepare the
contacts for the write path. A card the server lists but does not send (or sends unreadable)
is reported in ``checkpoint["unreadable"]``: it exists, so a complete listing must not
delete it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from core.ingest.parsed import ParsedContact
from core.sync.contract import ContactBatch
from core.sync.providers.carddav import dav_xml as dx
from core.sync.providers.carddav.card_parser import CardParser
from core.sync.providers.carddav.listing import ChangeStream, FetchedCard
from core.sync.providers.carddav.paging import Chain
from core.sync.providers.carddav.parallel_parse import MIN_CARDS, CardPool

#: hrefs -> the cards (one addressbook-multiget per call).
Fetch = Callable[[list[str]], list[FetchedCard]]


@dataclass(slots=True)
class Page:
    """One page as the provider hands it out: the batch plus where the chain stands."""

    batch: ContactBatch
    finished: bool
    #: Last href of a listing page (where to resume); "" for stream pages.
    last: str = ""
    #: The chain's sync token, known on the last page of a stream.
    token: str | None = None
    #: The book's ctag for ``token``, when the stream confirmed one (see ``confirm_ctag``).
    ctag: str | None = None


def page_weight(page: Page) -> int:
    """What a page read ahead holds in memory, roughly: the length of its cards' text."""
    return sum(len(raw) for raw in (contact.raw for contact in page.batch.contacts)
               if isinstance(raw, str | bytes))


@dataclass(slots=True)
class PageBuilder:
    """Parses fetched cards into one page's :class:`ContactBatch`."""

    parser: CardParser
    book_href: str
    incremental: bool
    #: Worker processes for big pages (with the region the ingest normalises with).
    pool: CardPool | None = None
    region: str = ""

    def new_batch(self, unchanged: list[str] | None = None) -> ContactBatch:
        return ContactBatch(checkpoint={"unchanged": unchanged or [], "unreadable": [],
                                        "addressbook": self.book_href})

    def add_card(self, batch: ContactBatch, card: FetchedCard, listed_etag: str = "") -> None:
        """Parse one fetched card into the batch, or record why it could not be."""
        if card.gone:
            # Deleted between listing and fetch: a deletion for incremental sync; for a full
            # listing it simply is not part of the source any more.
            if self.incremental:
                batch.contacts.append(ParsedContact(external_id=card.href, deleted=True))
            return
        unreadable: list[str] = batch.checkpoint["unreadable"]  # type: ignore[index]
        if card.text is None:
            unreadable.append(card.href)
            batch.problems.append(f"{card.href}: the server sent no card data")
            return
        try:
            result = self.parser(card.text, card.href)
        except Exception as exc:  # noqa: BLE001 - one bad card must not stop the sync
            unreadable.append(card.href)
            batch.problems.append(f"{card.href}: unreadable vCard ({type(exc).__name__}: {exc})")
            return
        contact, warnings = result if isinstance(result, tuple) else (result, [])
        batch.problems.extend(f"{card.href}: {warning}" for warning in warnings)
        contact.external_id = card.href
        contact.etag = card.etag or listed_etag
        if contact.raw is None:
            contact.raw = card.text
        batch.contacts.append(contact)

    def add_cards(self, batch: ContactBatch, cards: list[tuple[FetchedCard, str]]) -> None:
        """:meth:`add_card` for many (card, listed ETag) pairs; a big page is parsed and
        prepared in the worker processes, with the same outcome card by card."""
        readable = [(c, etag) for c, etag in cards if not c.gone and c.text is not None]
        if self.pool is None or len(readable) < MIN_CARDS:
            for card, etag in cards:
                self.add_card(batch, card, etag)
            return
        for card, etag in cards:
            if card.gone or card.text is None:
                self.add_card(batch, card, etag)
        unreadable: list[str] = batch.checkpoint["unreadable"]  # type: ignore[index]
        outcomes = self.pool.prepare(
            [(c.text or "", c.href, c.etag or etag) for c, etag in readable], self.region)
        for (card, _etag), (prepared, error, warnings) in zip(readable, outcomes, strict=True):
            batch.problems.extend(f"{card.href}: {warning}" for warning in warnings)
            if prepared is None:
                unreadable.append(card.href)
                batch.problems.append(f"{card.href}: unreadable vCard ({error})")
            else:
                batch.contacts.append(prepared.contact)
                batch.prepared.append(prepared)


def _fetch_all(fetch: Fetch, hrefs: list[str], batch_size: int) -> Iterator[FetchedCard]:
    for start in range(0, len(hrefs), batch_size):
        yield from fetch(hrefs[start:start + batch_size])


def listing_pages(chain: Chain, after: str, builder: PageBuilder, fetch: Fetch, *,
                  page_size: int, multiget_batch: int, deleted: list[str]) -> Iterator[Page]:
    """Pages of a sorted listing from ``after`` on; ``deleted`` go into the first page."""
    first = True
    while True:
        unchanged, to_fetch, last, finished = chain.take(after, page_size)
        batch = builder.new_batch(unchanged)
        if first:
            batch.contacts.extend(ParsedContact(external_id=h, deleted=True) for h in deleted)
            first = False
        builder.add_cards(batch, [(card, chain.members.get(card.href, ""))
                                  for card in _fetch_all(fetch, to_fetch, multiget_batch)])
        yield Page(batch, finished, last=last)
        if finished:
            return
        after = last


#: Pages whose missing cards (servers that send no address-data in sync-collection, such as
#: Xandikos) are being multigot ahead while earlier pages are parsed and ingested: the server
#: works on the next multiget while Kith handles the previous answer.
FETCH_AHEAD = 2


def stream_pages(stream: ChangeStream, builder: PageBuilder, fetch: Fetch, *,
                 page_size: int, multiget_batch: int,
                 confirm_ctag: Callable[[str], str | None] | None = None,
                 fetch_ahead: int = FETCH_AHEAD) -> Iterator[Page]:
    """Pages of a sync-collection answer with inline cards, in the server's order.

    A full page is held back until the next member arrives, so the last page is never an
    empty one. Within a truncated (507) answer a member can show up twice: the later state
    wins. In a full listing a member deleted before it was handed out is simply left out;
    one deleted after it was handed out becomes a deletion. ``confirm_ctag(token)`` runs
    once the answer is read, while the caller still ingests the pages handed out before;
    its result goes on the last page. Members sent without card data are multigot on a
    helper thread, up to ``fetch_ahead`` pages ahead; pages still come out in order.
    """
    emitted: set[str] = set()
    held: dict[str, dx.DavResponse] = {}
    pending: dict[str, dx.DavResponse] = {}
    ahead = _FetchAhead(builder, fetch, multiget_batch, fetch_ahead)
    try:
        for item in stream.members():
            if item.status not in (None, 200, 404) and dx.GETETAG not in item.props:
                continue  # neither a member nor a deletion (e.g. 403 for one card)
            if item.status == 404 and not builder.incremental and item.href not in emitted:
                pending.pop(item.href, None)
                held.pop(item.href, None)
                continue
            if held and item.href not in held:
                ahead.add(held)
                yield from ahead.ready()
                emitted.update(held)
                held = {}
            if item.href in held:
                held[item.href] = item
                continue
            pending[item.href] = item
            if len(pending) >= page_size:
                held, pending = pending, {}
        ctag = confirm_ctag(stream.token) if confirm_ctag and stream.token else None
        last = pending or held
        if pending and held:
            ahead.add(held)
        ahead.add(last, finished=True, token=stream.token, ctag=ctag)
        yield from ahead.drain()
    finally:
        ahead.close()
        stream.close()


class _FetchAhead:
    """Pages in order, each with its missing cards' multiget running (or done) behind it."""

    def __init__(self, builder: PageBuilder, fetch: Fetch, multiget_batch: int,
                 depth: int) -> None:
        self._builder = builder
        self._fetch = fetch
        self._batch = multiget_batch
        self._depth = max(0, depth)
        self._queue: deque[tuple[Page, dict[str, str], Future[list[FetchedCard]] | None]] = (
            deque())
        self._pool: ThreadPoolExecutor | None = None

    def add(self, items: dict[str, dx.DavResponse], *, finished: bool = False,
            token: str | None = None, ctag: str | None = None) -> None:
        batch, missing = _stream_batch(items, self._builder)
        future = None
        if missing:
            if self._depth == 0:
                self._complete(batch, missing, self._fetch_now(list(missing)))
            else:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(1, thread_name_prefix="carddav-multiget")
                future = self._pool.submit(self._fetch_now, list(missing))
        self._queue.append((Page(batch, finished, token=token, ctag=ctag), missing, future))

    def ready(self) -> Iterator[Page]:
        """The pages that can go out now: fetched ones, or the oldest when too many wait."""
        while self._queue:
            _page, _missing, future = self._queue[0]
            if future is not None and not future.done() and len(self._queue) <= self._depth:
                return
            yield self._pop()

    def drain(self) -> Iterator[Page]:
        while self._queue:
            yield self._pop()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _pop(self) -> Page:
        page, missing, future = self._queue.popleft()
        if future is not None:
            self._complete(page.batch, missing, future.result())
        return page

    def _fetch_now(self, hrefs: list[str]) -> list[FetchedCard]:
        return list(_fetch_all(self._fetch, hrefs, self._batch))

    def _complete(self, batch: ContactBatch, missing: dict[str, str],
                  cards: list[FetchedCard]) -> None:
        self._builder.add_cards(batch, [(card, missing.get(card.href, "")) for card in cards])


def _stream_batch(items: dict[str, dx.DavResponse], builder: PageBuilder
                  ) -> tuple[ContactBatch, dict[str, str]]:
    """One page from streamed responses, and its members sent without card data (href ->
    ETag), which the caller multigets."""
    batch = builder.new_batch()
    missing: dict[str, str] = {}
    inline: list[tuple[FetchedCard, str]] = []
    for href, item in items.items():
        if item.status == 404:
            batch.contacts.append(ParsedContact(external_id=href, deleted=True))
            continue
        element = item.props.get(dx.ADDRESS_DATA)
        etag = item.text(dx.GETETAG)
        if element is not None and element.text:
            inline.append((FetchedCard(href, etag, element.text), ""))
        else:
            missing[href] = etag
    builder.add_cards(batch, inline)
    return batch, missing

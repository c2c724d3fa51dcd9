"""How a CardDAV page chain runs: the book's listings, the pages, the read-ahead thread.

The provider (provider.py) decides which chain a sync needs and keeps the page-token and
cursor protocol; this module does the mechanics every chain shares: listing the book
(sync-collection, else PROPFIND ETags, remembering a server that refuses sync-collection),
building pages with the card parser and multiget, and producing them on a read-ahead thread
(``prefetch``) so that page k+1 is fetched and parsed while the runtime ingests page k.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from core.sync.contract import AccountRef
from core.sync.providers.carddav.card_parser import CardParser
from core.sync.providers.carddav.connections import Connection
from core.sync.providers.carddav.listing import (
    ChangeStream,
    FetchedCard,
    Listing,
    SyncCollectionUnsupported,
    list_by_propfind,
    list_changes,
    multiget,
)
from core.sync.providers.carddav.pages import (
    Page,
    PageBuilder,
    listing_pages,
    page_weight,
    stream_pages,
)
from core.sync.providers.carddav.paging import Chain
from core.sync.providers.carddav.parallel_parse import CardPool
from core.sync.providers.carddav.prefetch import Prefetcher

#: Pages a stream (cards inline) may run ahead of the ingest. The stream's sync token comes at
#: the very end of the answer, and a first sync confirms the ctag for it with two more server
#: requests (``listing.confirmed_ctag``) that must finish before the last page can go out.
#: Those requests only overlap the ingest if the answer was read while enough pages remain to
#: be ingested: measured on 10,000 cards (2-core VM, Radicale local), the confirmation takes
#: Radicale ~1.75 s while Kith ingests ~2,200 cards/s; 4 pages left ~1 s of it in plain sight
#: (median first sync 11.3 s), 12 pages hid it completely (9.6 s: after the first page the
#: runtime never waited). 16 keeps it hidden for books up to ~20,000 cards.
STREAM_READ_AHEAD = 16
#: ...but never more than this much card text read ahead (besides one page), so a book full of
#: photos does not hold thousands of parsed cards in memory.
STREAM_READ_AHEAD_BYTES = 16 * 1024 * 1024

KnownEtags = Callable[[AccountRef], dict[str, str]]

#: A running page chain: the read-ahead thread producing its pages.
Run = Prefetcher[Page]


class ChainRunner:
    """Lists a book and starts page chains on read-ahead threads, with the provider's
    settings (page size, multiget batch, read-ahead depth, parser, known ETags)."""

    def __init__(self, card_parser: CardParser, card_pool: CardPool | None,
                 known_etags: KnownEtags | None, *, page_size: int, multiget_batch: int,
                 read_ahead: int) -> None:
        self._card_parser = card_parser
        self._card_pool = card_pool
        self._known_etags = known_etags
        self._page_size = page_size
        self._multiget_batch = multiget_batch
        self._read_ahead = read_ahead

    # -- pages -------------------------------------------------------------------------------
    def builder(self, conn: Connection, *, incremental: bool) -> PageBuilder:
        return PageBuilder(self._card_parser, conn.book.href, incremental, self._card_pool,
                           conn.region)

    @staticmethod
    def _fetcher(conn: Connection) -> Callable[[list[str]], list[FetchedCard]]:
        return lambda hrefs: multiget(conn.transport, conn.book, hrefs)

    def start_listing(self, conn: Connection, chain: Chain, after: str,
                      builder: PageBuilder, deleted: list[str]) -> Run:
        """The pages of a sorted ETag listing from ``after`` on, read ahead."""
        return self._start_run(conn, listing_pages(
            chain, after, builder, self._fetcher(conn), page_size=self._page_size,
            multiget_batch=self._multiget_batch, deleted=deleted))

    def start_stream(self, conn: Connection, stream: ChangeStream, builder: PageBuilder,
                     confirm_ctag: Callable[[str], str | None] | None = None) -> Run:
        """The pages of a sync-collection answer with the cards inline, read far ahead."""
        return self._start_run(conn, stream_pages(
            stream, builder, self._fetcher(conn), page_size=self._page_size,
            multiget_batch=self._multiget_batch, confirm_ctag=confirm_ctag), stream=True)

    def _start_run(self, conn: Connection, pages: Iterator[Page], *,
                   stream: bool = False) -> Run:
        """Start the read-ahead thread for a chain; a stream reads far ahead (see
        ``STREAM_READ_AHEAD``), a listing ``read_ahead`` pages (each page is its own
        multiget, so one page ahead already keeps the server busy)."""
        stop_active(conn)
        if stream:
            run = Prefetcher(pages, depth=max(self._read_ahead, STREAM_READ_AHEAD),
                             weigh=page_weight, budget=STREAM_READ_AHEAD_BYTES)
        else:
            run = Prefetcher(pages, depth=self._read_ahead)
        conn.active = run
        return run

    # -- listings ----------------------------------------------------------------------------
    @staticmethod
    def full_listing(conn: Connection) -> Listing:
        """sync-collection from an empty token (gives the cursor), else PROPFIND ETags."""
        if not conn.no_sync:
            try:
                return list_changes(conn.transport, conn.book, "")
            except SyncCollectionUnsupported:
                conn.no_sync = True
        return list_by_propfind(conn.transport, conn.book)

    def changes(self, conn: Connection, token: str,
                account: AccountRef | None = None) -> Listing:
        """Changes since ``token``; "" (no sync-collection): a PROPFIND listing whose
        ``deleted`` are the stored cards the server no longer lists."""
        if token and not conn.no_sync:
            try:
                return list_changes(conn.transport, conn.book, token)
            except SyncCollectionUnsupported:
                conn.no_sync = True
        listing = list_by_propfind(conn.transport, conn.book)
        known = self.known(account) if account is not None else {}
        listing.deleted = set(known) - set(listing.members)
        return listing

    def known(self, account: AccountRef) -> dict[str, str]:
        """The ETags the database holds for the account's cards (href -> ETag)."""
        return dict(self._known_etags(account)) if self._known_etags else {}


def stop_active(conn: Connection) -> None:
    """Stop a chain still reading through this connection (abandoned by a failed or
    cancelled run), so two threads never share one HTTP session."""
    if conn.active is not None:
        conn.active.close()
        conn.active = None

"""The CardDAV contact provider (read-only): discovery, sync-collection, addressbook-multiget.

Account settings: ``url`` (server root, principal or address book URL), ``username``,
optionally ``addressbook`` (href or display name; default the first book found), and for
self-signed servers ``ca_cert`` (a CA file) or ``trust_fingerprint`` (the certificate's
SHA-256, see ``tls``). The password comes from ``password_lookup`` (default: the source's
keyring entry, see ``credentials``), only when the server asks for it.

What one sync asks the server (cheapest question first):

- an incremental sync starts with a PROPFIND for the book's ``getctag``; when it equals the
  one stored in the cursor the sync ends there (no REPORT at all);
- a first sync (Kith holds none of the book's cards) and an incremental sync get the cards
  *inside* the sync-collection answer, parsed while it arrives; the first sync confirms the
  ctag to store only after that answer, on the read-ahead thread while the first pages
  are ingested (see ``listing.confirmed_ctag``), so it costs the owner no waiting;
- a full resync of a book Kith mostly holds (expired token) lists ETags and multigets only
  the cards whose ETag changed.

Why one REPORT for a first sync, although the server (Radicale at least) builds the whole
answer before sending a byte, so Kith waits idle meanwhile: an ETag listing plus pipelined
multigets would let server and ingest overlap, but the listing alone costs the server nearly
as much as the answer with the cards (10,000 cards on Radicale: listing ~3.3 s, listing with
cards ~3.5-4.4 s, all multigets another ~2.5-4 s, plus the ctag first). Measured as whole first
syncs (2-core VM, alternating runs) the listing way was slower (median 13.7 s against 9.4 s,
first page after 4.8-6.7 s against 3.3-4.3 s) and cost the server 7.5-9.7 CPU s, not 4.9-5.9.

Pages are produced on a read-ahead thread (``prefetch``): while the runtime ingests page k on
its own thread and database session, page k+1 is already being fetched and parsed. A stream
reads far ahead (``STREAM_READ_AHEAD``), so the answer is read and the ctag confirmed while
many pages are still to be ingested. The runtime must call :meth:`CardDAVProvider.close`
when a run ends (``run_source`` does).

Checkpoint conventions (every page's ``ContactBatch.checkpoint``):

- ``"unchanged"``: hrefs that exist and whose ETag equals what ``known_etags`` says the
  database holds; they are *not* fetched. Under ``complete_listing`` the engine must treat
  them as present (keep the stored contact), not as deleted.
- ``"unreadable"``: hrefs that exist but whose card could not be fetched or parsed (also in
  ``problems``); likewise present, keep whatever is stored.
- ``"addressbook"``: the decoded path of the address book being read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import requests

from core.sync.contract import (
    AccountRef,
    ContactBatch,
    CursorExpiredError,
    GroupBatch,
    ProviderError,
    TransientError,
)
from core.sync.providers.carddav.card_parser import CardParser, default_card_parser
from core.sync.providers.carddav.connections import Connection, Connections
from core.sync.providers.carddav.credentials import (  # noqa: F401 - re-exported
    KEYRING_SERVICE,
    keyring_password_lookup,
    keyring_username,
)
from core.sync.providers.carddav.listing import (
    ChangeStream,
    FetchedCard,
    Listing,
    SyncCollectionUnsupported,
    confirmed_ctag,
    fetch_ctag,
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
from core.sync.providers.carddav.paging import (
    Chain,
    ChainCache,
    PageState,
    cursor_ctag,
    decode_cursor,
    encode_cursor,
)
from core.sync.providers.carddav.parallel_parse import CardPool
from core.sync.providers.carddav.prefetch import Prefetcher

_T = TypeVar("_T")
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

PasswordLookup = Callable[[AccountRef], "str | None"]
KnownEtags = Callable[[AccountRef], dict[str, str]]


#: A running page chain: the read-ahead thread producing its pages.
_Run = Prefetcher[Page]


class CardDAVProvider:
    """Reads contacts from one CardDAV address book per account; never writes to the server."""

    def __init__(
        self,
        password_lookup: PasswordLookup = keyring_password_lookup,
        *,
        card_parser: CardParser | None = None,
        known_etags: KnownEtags | None = None,
        page_size: int = 500,
        multiget_batch: int = 250,
        read_ahead: int = 1,
        parse_workers: int | None = None,
        max_attempts: int = 4,
        base_delay: float = 1.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        session_factory: Callable[[], requests.Session] = requests.Session,
    ) -> None:
        self._password_lookup = password_lookup
        self._card_parser = card_parser or default_card_parser()
        # Worker processes parse big pages with the vCard parser, so not with an injected one.
        if parse_workers is None:
            parse_workers = CardPool.default_workers() if card_parser is None else 0
        self._card_pool = CardPool(parse_workers) if parse_workers > 0 else None
        self._known_etags = known_etags
        self._page_size = max(1, page_size)
        self._multiget_batch = max(1, multiget_batch)
        self._read_ahead = max(1, read_ahead)
        self._transport_options = {"max_attempts": max_attempts, "base_delay": base_delay,
                                   "timeout": timeout, "sleep": sleep}
        self._chains = ChainCache()
        self._connections = Connections(lambda account: self._password_lookup(account),
                                        session_factory, self._transport_options)

    # -- contract ------------------------------------------------------------------------------
    def name(self) -> str:
        return "carddav"

    def validate_credentials(self, account: AccountRef) -> None:
        """Discover the address book afresh; raises AuthError/DiscoveryError if unreadable."""
        self._forget(account)
        self._connection(account)

    def full_sync(self, account: AccountRef, page_token: str | None) -> ContactBatch:
        return self._guard(account, lambda: self._full_sync(account, page_token))

    def incremental_sync(
        self, account: AccountRef, cursor: str, page_token: str | None
    ) -> ContactBatch:
        return self._guard(account, lambda: self._incremental_sync(account, cursor, page_token))

    def list_groups(self, account: AccountRef, page_token: str | None) -> GroupBatch:
        """CardDAV has no group listing; groups arrive as each card's CATEGORIES.

        The card parser puts CATEGORIES into ``ParsedContact.groups``, so the engine sees
        the groups with the contacts and nothing extra must be fetched here.
        """
        return GroupBatch()

    def close(self) -> None:
        """Stop every read-ahead thread and close every connection (the runtime calls this
        when a run ends, also when it was cancelled or failed)."""
        self._chains.close()
        self._connections.close_all()
        if self._card_pool is not None:
            self._card_pool.close()

    # -- chains ------------------------------------------------------------------------------
    def _full_sync(self, account: AccountRef, page_token: str | None) -> ContactBatch:
        conn = self._connection(account)
        if page_token is None:
            self._stop_active(conn)
            state, run = self._start_full(account, conn)
        else:
            state = self._state(conn, page_token)
            run = self._chains.get(state.chain) or self._resume(account, conn, state, None)
        return self._next_page(conn, state, run, incremental=False)

    def _incremental_sync(
        self, account: AccountRef, cursor: str, page_token: str | None
    ) -> ContactBatch:
        conn = self._connection(account)
        token = decode_cursor(cursor, conn.book.href)
        if not token:  # a cursor that remembers the server refuses sync-collection
            conn.no_sync = True
        if page_token is not None:
            state = self._state(conn, page_token)
            run = self._chains.get(state.chain) or self._resume(account, conn, state, token)
            return self._next_page(conn, state, run, incremental=True)
        self._stop_active(conn)
        stored_ctag = cursor_ctag(cursor)
        ctag = fetch_ctag(conn.transport, conn.book)
        if stored_ctag is not None and ctag == stored_ctag:
            # Nothing changed since the token was issued: no REPORT, and the cursor stays.
            batch = self._builder(conn, incremental=True).new_batch()
            batch.next_sync_cursor = cursor
            return batch
        stream = None
        if not conn.no_sync:
            try:
                stream = ChangeStream(conn.transport, conn.book, token)
            except SyncCollectionUnsupported:
                conn.no_sync = True
        if stream is None:
            return self._propfind_changes(account, conn, ctag)
        run = self._start_run(conn, stream_pages(
            stream, self._builder(conn, incremental=True), self._fetcher(conn),
            page_size=self._page_size, multiget_batch=self._multiget_batch), stream=True)
        state = PageState(self._chains.add(run), "", None, conn.book.href, "stream", ctag)
        return self._next_page(conn, state, run, incremental=True)

    def _propfind_changes(self, account: AccountRef, conn: Connection,
                          ctag: str | None) -> ContactBatch:
        """Changes on a server without sync-collection: list ETags by PROPFIND, fetch the
        cards whose ETag differs from the stored one, report the stored ones now missing.
        Runs only when the ctag changed (or the server has none)."""
        listing = self._changes(conn, "", account)
        chain = Chain(sorted(listing.members), listing.members, self._known(account))
        run = self._start_run(conn, self._listing_pages(
            conn, chain, "", self._builder(conn, incremental=True), sorted(listing.deleted)))
        state = PageState(self._chains.add(run), "", "", conn.book.href, "listing", ctag)
        return self._next_page(conn, state, run, incremental=True)

    def _start_full(self, account: AccountRef, conn: Connection) -> tuple[PageState, _Run]:
        """A new full chain: cards inline when Kith holds none of them yet (first sync),
        else an ETag listing so that only changed cards are downloaded.

        The ctag must describe a state no newer than the listing (see ``paging``): the ETag
        listing reads it first; the first sync confirms it after the answer instead, so the
        owner does not wait for it.
        """
        known = self._known(account)
        builder = self._builder(conn, incremental=False)
        if not known and not conn.no_sync:
            try:
                stream = ChangeStream(conn.transport, conn.book, "")
            except SyncCollectionUnsupported:
                conn.no_sync = True
                stream = None
            if stream is not None:
                run = self._start_run(conn, stream_pages(
                    stream, builder, self._fetcher(conn),
                    page_size=self._page_size, multiget_batch=self._multiget_batch,
                    confirm_ctag=lambda token: confirmed_ctag(conn.transport, conn.book,
                                                              token)),
                    stream=True)
                state = PageState(self._chains.add(run), "", None, conn.book.href, "stream")
                return state, run
        ctag = fetch_ctag(conn.transport, conn.book)
        listing = self._full_listing(conn)
        chain = Chain(sorted(listing.members), listing.members, known)
        run = self._start_run(conn, self._listing_pages(conn, chain, "", builder, []))
        state = PageState(self._chains.add(run), "", listing.token, conn.book.href, "listing",
                          ctag)
        return state, run

    def _resume(self, account: AccountRef, conn: Connection, state: PageState,
                token: str | None) -> _Run:
        """The running chain was lost (restart, other provider instance): list again with
        the ETags the database holds, so pages already ingested are not fetched twice.

        A listing chain resumes after its last href and keeps its first token; a stream
        chain had no order to resume from, so it starts over (cheaply, thanks to the ETags)
        with the new listing's token. ``token`` None means a full chain.
        """
        incremental = token is not None
        self._stop_active(conn)
        if state.token is None and not incremental:
            state.ctag = fetch_ctag(conn.transport, conn.book)  # before the new listing
        listing = (self._changes(conn, token, account) if token is not None
                   else self._full_listing(conn))
        chain = Chain(sorted(listing.members), listing.members, self._known(account))
        after = state.after if state.mode == "listing" else ""
        deleted = sorted(listing.deleted) if state.mode == "stream" else []
        state.mode, state.after = "listing", after
        state.token = state.token or listing.token
        run = self._start_run(conn, self._listing_pages(
            conn, chain, after, self._builder(conn, incremental=incremental), deleted))
        self._chains.put(state.chain, run)
        return run

    def _next_page(self, conn: Connection, state: PageState, run: _Run, *,
                   incremental: bool) -> ContactBatch:
        try:
            page = run.next()
        except BaseException:
            self._chains.drop(state.chain)
            raise
        if page is None:
            self._chains.drop(state.chain)
            raise ProviderError("The CardDAV page chain ended early; the sync will start over.")
        batch = page.batch
        if page.finished:
            self._chains.drop(state.chain)
            token = page.token or state.token
            batch.complete_listing = not incremental
            ctag = page.ctag or state.ctag
            if token:
                batch.next_sync_cursor = encode_cursor(conn.book.href, token, ctag)
            elif conn.no_sync:
                batch.next_sync_cursor = encode_cursor(conn.book.href, "", ctag,
                                                       no_sync_collection=True)
            else:
                batch.next_sync_cursor = None
        else:
            state.after = page.last
            batch.next_page_token = state.encode()
        return batch

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _state(conn: Connection, page_token: str) -> PageState:
        state = PageState.decode(page_token)
        if state.book != conn.book.href:
            raise ProviderError("The CardDAV address book changed during the sync; "
                                "the sync will start over.")
        return state

    def _builder(self, conn: Connection, *, incremental: bool) -> PageBuilder:
        return PageBuilder(self._card_parser, conn.book.href, incremental, self._card_pool,
                           conn.region)

    @staticmethod
    def _fetcher(conn: Connection) -> Callable[[list[str]], list[FetchedCard]]:
        return lambda hrefs: multiget(conn.transport, conn.book, hrefs)

    def _listing_pages(self, conn: Connection, chain: Chain, after: str,
                       builder: PageBuilder, deleted: list[str]) -> Iterator[Page]:
        return listing_pages(chain, after, builder, self._fetcher(conn),
                             page_size=self._page_size, multiget_batch=self._multiget_batch,
                             deleted=deleted)

    @staticmethod
    def _stop_active(conn: Connection) -> None:
        """Stop a chain still reading through this connection (abandoned by a failed or
        cancelled run), so two threads never share one HTTP session."""
        if conn.active is not None:
            conn.active.close()
            conn.active = None

    def _start_run(self, conn: Connection, pages: Iterator[Page], *,
                   stream: bool = False) -> _Run:
        """Start the read-ahead thread for a chain; a stream reads far ahead (see
        ``STREAM_READ_AHEAD``), a listing ``read_ahead`` pages (each page is its own
        multiget, so one page ahead already keeps the server busy)."""
        self._stop_active(conn)
        if stream:
            run = Prefetcher(pages, depth=max(self._read_ahead, STREAM_READ_AHEAD),
                             weigh=page_weight, budget=STREAM_READ_AHEAD_BYTES)
        else:
            run = Prefetcher(pages, depth=self._read_ahead)
        conn.active = run
        return run

    # -- listings ----------------------------------------------------------------------------
    def _full_listing(self, conn: Connection) -> Listing:
        """sync-collection from an empty token (gives the cursor), else PROPFIND ETags."""
        if not conn.no_sync:
            try:
                return list_changes(conn.transport, conn.book, "")
            except SyncCollectionUnsupported:
                conn.no_sync = True
        return list_by_propfind(conn.transport, conn.book)

    def _changes(self, conn: Connection, token: str,
                 account: AccountRef | None = None) -> Listing:
        """Changes since ``token``; "" (no sync-collection): a PROPFIND listing whose
        ``deleted`` are the stored cards the server no longer lists."""
        if token and not conn.no_sync:
            try:
                return list_changes(conn.transport, conn.book, token)
            except SyncCollectionUnsupported:
                conn.no_sync = True
        listing = list_by_propfind(conn.transport, conn.book)
        known = self._known(account) if account is not None else {}
        listing.deleted = set(known) - set(listing.members)
        return listing

    def _known(self, account: AccountRef) -> dict[str, str]:
        return dict(self._known_etags(account)) if self._known_etags else {}

    # -- connections -------------------------------------------------------------------------
    def _forget(self, account: AccountRef) -> None:
        self._connections.forget(account)

    def _connection(self, account: AccountRef) -> Connection:
        return self._connections.get(account)

    def _guard(self, account: AccountRef, call: Callable[[], _T]) -> _T:
        """Run a sync step; on a lasting failure drop the cached login and address book.

        A re-entered password or a moved address book is then picked up by the next run,
        while transient trouble and expired cursors keep the (still valid) connection.
        """
        try:
            return call()
        except (TransientError, CursorExpiredError):
            raise
        except ProviderError:
            self._forget(account)
            raise

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

Pages are produced on a read-ahead thread (``prefetch``; ``chain_runner`` starts it, lists
the book and builds the pages, while this module chooses the chain and keeps its page tokens
and cursors): while the runtime ingests page k on its own thread and database session, page
k+1 is already being fetched and parsed. A stream reads far ahead
(``chain_runner.STREAM_READ_AHEAD``), so the answer is read and the ctag confirmed while many
pages are still to be ingested. The runtime must call :meth:`CardDAVProvider.close` when a
run ends (``run_source`` does).

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
from collections.abc import Callable
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
from core.sync.providers.carddav.chain_runner import ChainRunner, KnownEtags, Run, stop_active
from core.sync.providers.carddav.connections import Connection, Connections
from core.sync.providers.carddav.credentials import (  # noqa: F401 - re-exported
    KEYRING_SERVICE,
    keyring_password_lookup,
    keyring_username,
)
from core.sync.providers.carddav.listing import (
    ChangeStream,
    SyncCollectionUnsupported,
    confirmed_ctag,
    fetch_ctag,
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

_T = TypeVar("_T")

PasswordLookup = Callable[[AccountRef], "str | None"]


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
        # Worker processes parse big pages with the vCard parser, so not with an injected one.
        if parse_workers is None:
            parse_workers = CardPool.default_workers() if card_parser is None else 0
        self._card_pool = CardPool(parse_workers) if parse_workers > 0 else None
        self._runner = ChainRunner(
            card_parser or default_card_parser(), self._card_pool, known_etags,
            page_size=max(1, page_size), multiget_batch=max(1, multiget_batch),
            read_ahead=max(1, read_ahead))
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
            stop_active(conn)
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
        stop_active(conn)
        stored_ctag = cursor_ctag(cursor)
        ctag = fetch_ctag(conn.transport, conn.book)
        if stored_ctag is not None and ctag == stored_ctag:
            # Nothing changed since the token was issued: no REPORT, and the cursor stays.
            batch = self._runner.builder(conn, incremental=True).new_batch()
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
        run = self._runner.start_stream(conn, stream, self._runner.builder(conn, incremental=True))
        state = PageState(self._chains.add(run), "", None, conn.book.href, "stream", ctag)
        return self._next_page(conn, state, run, incremental=True)

    def _propfind_changes(self, account: AccountRef, conn: Connection,
                          ctag: str | None) -> ContactBatch:
        """Changes on a server without sync-collection: list ETags by PROPFIND, fetch the
        cards whose ETag differs from the stored one, report the stored ones now missing.
        Runs only when the ctag changed (or the server has none)."""
        listing = self._runner.changes(conn, "", account)
        chain = Chain(sorted(listing.members), listing.members, self._runner.known(account))
        run = self._runner.start_listing(
            conn, chain, "", self._runner.builder(conn, incremental=True), sorted(listing.deleted))
        state = PageState(self._chains.add(run), "", "", conn.book.href, "listing", ctag)
        return self._next_page(conn, state, run, incremental=True)

    def _start_full(self, account: AccountRef, conn: Connection) -> tuple[PageState, Run]:
        """A new full chain: cards inline when Kith holds none of them yet (first sync),
        else an ETag listing so that only changed cards are downloaded.

        The ctag must describe a state no newer than the listing (see ``paging``): the ETag
        listing reads it first; the first sync confirms it after the answer instead, so the
        owner does not wait for it.
        """
        known = self._runner.known(account)
        builder = self._runner.builder(conn, incremental=False)
        if not known and not conn.no_sync:
            try:
                stream = ChangeStream(conn.transport, conn.book, "")
            except SyncCollectionUnsupported:
                conn.no_sync = True
                stream = None
            if stream is not None:
                run = self._runner.start_stream(
                    conn, stream, builder,
                    confirm_ctag=lambda token: confirmed_ctag(conn.transport, conn.book, token))
                state = PageState(self._chains.add(run), "", None, conn.book.href, "stream")
                return state, run
        ctag = fetch_ctag(conn.transport, conn.book)
        listing = self._runner.full_listing(conn)
        chain = Chain(sorted(listing.members), listing.members, known)
        run = self._runner.start_listing(conn, chain, "", builder, [])
        state = PageState(self._chains.add(run), "", listing.token, conn.book.href, "listing",
                          ctag)
        return state, run

    def _resume(self, account: AccountRef, conn: Connection, state: PageState,
                token: str | None) -> Run:
        """The running chain was lost (restart, other provider instance): list again with
        the ETags the database holds, so pages already ingested are not fetched twice.

        A listing chain resumes after its last href and keeps its first token; a stream
        chain had no order to resume from, so it starts over (cheaply, thanks to the ETags)
        with the new listing's token. ``token`` None means a full chain.
        """
        incremental = token is not None
        stop_active(conn)
        if state.token is None and not incremental:
            state.ctag = fetch_ctag(conn.transport, conn.book)  # before the new listing
        listing = (self._runner.changes(conn, token, account) if token is not None
                   else self._runner.full_listing(conn))
        chain = Chain(sorted(listing.members), listing.members, self._runner.known(account))
        after = state.after if state.mode == "listing" else ""
        deleted = sorted(listing.deleted) if state.mode == "stream" else []
        state.mode, state.after = "listing", after
        state.token = state.token or listing.token
        run = self._runner.start_listing(
            conn, chain, after, self._runner.builder(conn, incremental=incremental), deleted)
        self._chains.put(state.chain, run)
        return run

    def _next_page(self, conn: Connection, state: PageState, run: Run, *,
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

"""The CardDAV contact provider (read-only): discovery, sync-collection, addressbook-multiget.

Account settings: ``url`` (server root, principal or address book URL), ``username`` and
optionally ``addressbook`` (href or display name; default the first book found). The password
comes from ``password_lookup`` (default: the OS keyring), only when the server asks for it.

Checkpoint conventions (every page's ``ContactBatch.checkpoint``):

- ``"unchanged"``: hrefs that exist and whose ETag equals what ``known_etags`` says the
  database holds; they are *not* fetched. Under ``complete_listing`` the engine must treat
  them as present (keep the stored contact), not as deleted.
- ``"unreadable"``: hrefs that exist but whose card could not be fetched or parsed (also in
  ``problems``); likewise present, keep whatever is stored.
- ``"addressbook"``: the decoded path of the address book being read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import requests

from core.ingest.parsed import ParsedContact
from core.sync.contract import (
    AccountRef,
    AuthError,
    ContactBatch,
    CursorExpiredError,
    GroupBatch,
    ProviderError,
    TransientError,
)
from core.sync.providers.carddav.card_parser import CardParser, default_card_parser
from core.sync.providers.carddav.discovery import (
    AddressBook,
    choose_addressbook,
    discover_addressbooks,
)
from core.sync.providers.carddav.listing import (
    FetchedCard,
    Listing,
    SyncCollectionUnsupported,
    list_by_propfind,
    list_changes,
    multiget,
)
from core.sync.providers.carddav.paging import (
    Chain,
    ChainCache,
    PageState,
    decode_cursor,
    encode_cursor,
)
from core.sync.providers.carddav.transport import DavTransport

KEYRING_SERVICE = "kith"
_T = TypeVar("_T")

PasswordLookup = Callable[[AccountRef], "str | None"]
KnownEtags = Callable[[AccountRef], dict[str, str]]


def keyring_username(account: AccountRef) -> str:
    """The keyring entry name for an account: ``carddav:{username}@{url}``."""
    settings = account.settings
    return f"carddav:{settings.get('username', '')}@{settings.get('url', '')}"


def keyring_password_lookup(account: AccountRef) -> str | None:
    """Default password source: keyring service "kith", user ``carddav:{username}@{url}``."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_username(account))
    except KeyringError as exc:
        raise AuthError("The system keyring could not be read; unlock it or re-enter the "
                        "CardDAV password.") from exc


class _Connection:
    """A transport plus the address book it resolved to, reused across pages."""

    def __init__(self, transport: DavTransport, book: AddressBook) -> None:
        self.transport = transport
        self.book = book


class CardDAVProvider:
    """Reads contacts from one CardDAV address book per account; never writes to the server."""

    def __init__(
        self,
        password_lookup: PasswordLookup = keyring_password_lookup,
        *,
        card_parser: CardParser | None = None,
        known_etags: KnownEtags | None = None,
        page_size: int = 500,
        multiget_batch: int = 100,
        max_attempts: int = 4,
        base_delay: float = 1.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        session_factory: Callable[[], requests.Session] = requests.Session,
    ) -> None:
        self._password_lookup = password_lookup
        self._card_parser = card_parser or default_card_parser()
        self._known_etags = known_etags
        self._page_size = max(1, page_size)
        self._multiget_batch = max(1, multiget_batch)
        self._transport_options = {"max_attempts": max_attempts, "base_delay": base_delay,
                                   "timeout": timeout, "sleep": sleep}
        self._session_factory = session_factory
        self._chains = ChainCache()
        self._connections: dict[tuple[int, str, str, str], _Connection] = {}
        self._lock = threading.Lock()

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

    # -- chains ------------------------------------------------------------------------------
    def _full_sync(self, account: AccountRef, page_token: str | None) -> ContactBatch:
        conn = self._connection(account)
        state = PageState.decode(page_token) if page_token else None
        if state is None:
            listing = self._full_listing(conn)
            chain = Chain(sorted(listing.members), listing.members, self._known(account))
            state = PageState(self._chains.add(chain), "", listing.token, conn.book.href)
        else:
            chain = self._chains.get(state.chain) or self._rebuild_full(account, conn, state)
        return self._page(conn, chain, state, incremental=False, deleted=[])

    def _incremental_sync(
        self, account: AccountRef, cursor: str, page_token: str | None
    ) -> ContactBatch:
        conn = self._connection(account)
        token = decode_cursor(cursor, conn.book.href)
        state = PageState.decode(page_token) if page_token else None
        deleted: list[str] = []
        if state is None:
            listing = self._changes(conn, token)
            chain = Chain(sorted(listing.members), listing.members)
            state = PageState(self._chains.add(chain), "", listing.token, conn.book.href)
            deleted = sorted(listing.deleted)
        else:
            chain = self._chains.get(state.chain) or self._rebuild_incremental(
                conn, state, token)
        return self._page(conn, chain, state, incremental=True, deleted=deleted)

    # -- pages ---------------------------------------------------------------------------------
    def _page(self, conn: _Connection, chain: Chain, state: PageState, *, incremental: bool,
              deleted: list[str]) -> ContactBatch:
        unchanged, to_fetch, last, finished = chain.take(state.after, self._page_size)
        if state.book != conn.book.href:
            raise ProviderError("The CardDAV address book changed during the sync; "
                                "the sync will start over.")
        batch = ContactBatch(checkpoint={
            "unchanged": unchanged, "unreadable": [], "addressbook": conn.book.href})
        batch.contacts.extend(ParsedContact(external_id=h, deleted=True) for h in deleted)
        for start in range(0, len(to_fetch), self._multiget_batch):
            hrefs = to_fetch[start:start + self._multiget_batch]
            for card in multiget(conn.transport, conn.book, hrefs):
                self._add_card(batch, card, chain.members.get(card.href, ""), incremental)
        if finished:
            self._chains.drop(state.chain)
            batch.complete_listing = not incremental
            batch.next_sync_cursor = (encode_cursor(conn.book.href, state.token)
                                      if state.token else None)
        else:
            state.after = last
            self._chains.put(state.chain, chain)
            batch.next_page_token = state.encode()
        return batch

    def _add_card(self, batch: ContactBatch, card: FetchedCard, listed_etag: str,
                  incremental: bool) -> None:
        """Parse one fetched card into the batch, or record why it could not be.

        Unreadable cards go to ``checkpoint["unreadable"]`` (they exist; keep what is stored)
        so a complete listing never deletes a contact just because its card is malformed.
        """
        if card.gone:
            # Deleted between listing and fetch: a deletion for incremental sync; for a full
            # listing it simply is not part of the source any more.
            if incremental:
                batch.contacts.append(ParsedContact(external_id=card.href, deleted=True))
            return
        unreadable: list[str] = batch.checkpoint["unreadable"]  # type: ignore[index]
        if card.text is None:
            unreadable.append(card.href)
            batch.problems.append(f"{card.href}: the server sent no card data")
            return
        try:
            result = self._card_parser(card.text, card.href)
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

    # -- listings ----------------------------------------------------------------------------
    def _full_listing(self, conn: _Connection) -> Listing:
        """sync-collection from an empty token (gives the cursor), else PROPFIND ETags."""
        try:
            return list_changes(conn.transport, conn.book, "")
        except SyncCollectionUnsupported:
            return list_by_propfind(conn.transport, conn.book)

    @staticmethod
    def _changes(conn: _Connection, token: str) -> Listing:
        try:
            return list_changes(conn.transport, conn.book, token)
        except SyncCollectionUnsupported as exc:
            raise CursorExpiredError("The CardDAV server no longer offers incremental sync; "
                                     "a full sync is needed.") from exc

    def _rebuild_full(self, account: AccountRef, conn: _Connection, state: PageState) -> Chain:
        """The listing was lost (restart/other process): list again, resume after the href."""
        listing = self._full_listing(conn)
        chain = Chain(sorted(listing.members), listing.members, self._known(account))
        self._chains.put(state.chain, chain)
        return chain

    def _rebuild_incremental(self, conn: _Connection, state: PageState, token: str) -> Chain:
        listing = self._changes(conn, token)
        chain = Chain(sorted(listing.members), listing.members)
        self._chains.put(state.chain, chain)
        return chain

    def _known(self, account: AccountRef) -> dict[str, str]:
        return dict(self._known_etags(account)) if self._known_etags else {}

    # -- connections -------------------------------------------------------------------------
    @staticmethod
    def _key(account: AccountRef) -> tuple[int, str, str, str]:
        s = account.settings
        return (account.id, str(s.get("url", "")), str(s.get("username", "")),
                str(s.get("addressbook", "")))

    def _forget(self, account: AccountRef) -> None:
        with self._lock:
            conn = self._connections.pop(self._key(account), None)
        if conn is not None:
            conn.transport.close()

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

    def _connection(self, account: AccountRef) -> _Connection:
        key = self._key(account)
        with self._lock:
            conn = self._connections.get(key)
        if conn is not None:
            return conn
        settings = account.settings
        url = str(settings.get("url", "")).strip()
        if not url:
            raise ProviderError("This CardDAV account has no server URL; add one in its settings.")
        transport = DavTransport(
            str(settings.get("username", "")),
            lambda: self._password_lookup(account),
            session=self._session_factory(),
            **self._transport_options,  # type: ignore[arg-type]
        )
        try:
            books = discover_addressbooks(transport, url)
            book = choose_addressbook(books, settings.get("addressbook"), url)
        except BaseException:
            transport.close()
            raise
        conn = _Connection(transport, book)
        with self._lock:
            self._connections[key] = conn
        return conn

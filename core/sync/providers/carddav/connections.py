"""The provider's open connections: one per account (login, TLS trust, address book).

A connection is a :class:`~transport.DavTransport` plus the address book it resolved to and
what the provider learnt about the server (e.g. that it refuses sync-collection). It is
reused across the pages of a run; a lasting failure forgets it so that a re-entered
password, a new certificate trust or a moved book is picked up by the next call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import requests

from core.sync.contract import AccountRef, ProviderError
from core.sync.providers.carddav.discovery import (
    AddressBook,
    choose_addressbook,
    discover_addressbooks,
)
from core.sync.providers.carddav.transport import DavTransport

Key = tuple[Any, ...]


class Connection:
    """A transport plus the address book it resolved to, reused across pages."""

    def __init__(self, transport: DavTransport, book: AddressBook, region: str = "") -> None:
        self.transport = transport
        self.book = book
        #: The account's phone region, for contacts prepared in worker processes.
        self.region = region
        #: The chain currently reading through this transport (at most one); it has
        #: ``close()`` (a read-ahead ``Prefetcher``).
        self.active: Any = None
        #: The server refused sync-collection (seen now or remembered in the cursor): list
        #: by PROPFIND without asking it again.
        self.no_sync = False

    def close(self) -> None:
        if self.active is not None:
            self.active.close()
            self.active = None
        self.transport.close()


def connection_key(account: AccountRef) -> Key:
    """What a connection depends on: a change of any of these needs a new one."""
    s = account.settings
    return (account.id, *(str(s.get(name, "")) for name in (
        "url", "username", "addressbook", "ca_cert", "trust_fingerprint")))


class Connections:
    """Thread-safe cache of open connections by :func:`connection_key`."""

    def __init__(self, password_lookup: Callable[[AccountRef], str | None],
                 session_factory: Callable[[], requests.Session],
                 transport_options: dict[str, Any]) -> None:
        self._password_lookup = password_lookup
        self._session_factory = session_factory
        self._transport_options = transport_options
        self._open: dict[Key, Connection] = {}
        self._lock = threading.Lock()

    def get(self, account: AccountRef) -> Connection:
        """The account's connection, opening it (discovery included) when needed."""
        key = connection_key(account)
        with self._lock:
            conn = self._open.get(key)
        if conn is not None:
            return conn
        conn = self._open_new(account)
        with self._lock:
            self._open[key] = conn
        return conn

    def forget(self, account: AccountRef) -> None:
        with self._lock:
            conn = self._open.pop(connection_key(account), None)
        if conn is not None:
            conn.close()

    def close_all(self) -> None:
        with self._lock:
            connections = list(self._open.values())
            self._open.clear()
        for conn in connections:
            conn.transport.close()

    def _open_new(self, account: AccountRef) -> Connection:
        settings = account.settings
        url = str(settings.get("url", "")).strip()
        if not url:
            raise ProviderError("This CardDAV account has no server URL; add one in its settings.")
        transport = DavTransport(
            str(settings.get("username", "")),
            lambda: self._password_lookup(account),
            session=self._session_factory(),
            ca_cert=settings.get("ca_cert") or None,
            trust_fingerprint=settings.get("trust_fingerprint") or None,
            source_id=account.id or None,
            **self._transport_options,
        )
        try:
            books = discover_addressbooks(transport, url)
            book = choose_addressbook(books, settings.get("addressbook"), url)
        except BaseException:
            transport.close()
            raise
        return Connection(transport, book, account.region)

"""Setting up CardDAV sources: check a login, list its address books, one source per book.

A CardDAV account (server + user) often holds several address books; each one is its own
Kith source, keyed by ``{username}@{address book URL}``, so two books of one account never
share (or silently repoint) a source. What the CLI and the GUI's add dialog call:

- :func:`find_addressbooks` checks the URL, login and certificate and returns the books
  (raises ``AuthError`` / ``CertificateError`` (with the fingerprint) / ``DiscoveryError`` /
  ``TransientError`` with messages for the owner);
- :func:`pick_addressbooks` chooses by ``--addressbook`` (display name or href) or all;
- :func:`book_source` gives the source key, settings and display name for one book.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

from core.sync.providers.carddav.discovery import (
    AddressBook,
    DiscoveryError,
    choose_addressbook,
    discover_addressbooks,
)
from core.sync.providers.carddav.tls import normalize_fingerprint
from core.sync.providers.carddav.transport import DavTransport


@dataclass(frozen=True, slots=True)
class BookSource:
    """What a source for one address book is made of (no secrets)."""

    account_id: str
    display_name: str
    settings: dict[str, Any] = field(default_factory=dict)


def tls_settings(ca_cert: str | None = None, trust_fingerprint: str | None = None
                 ) -> dict[str, str]:
    """The TLS part of a source's settings (``ca_cert`` absolute, fingerprint normalised);
    ValueError names what is wrong."""
    out: dict[str, str] = {}
    if ca_cert:
        from pathlib import Path

        path = Path(ca_cert).expanduser().resolve()
        if not path.is_file():
            raise ValueError(f"{ca_cert}: no such CA certificate file")
        out["ca_cert"] = str(path)
    if trust_fingerprint:
        out["trust_fingerprint"] = normalize_fingerprint(trust_fingerprint)
    return out


def find_addressbooks(url: str, username: str, password: str | None, *,
                      ca_cert: str | None = None, trust_fingerprint: str | None = None,
                      timeout: float = 20.0, max_attempts: int = 2,
                      session: requests.Session | None = None) -> list[AddressBook]:
    """Log in at ``url`` and list the address books found there (the URL's own book when it
    is one). Raises the provider errors above; never returns an empty list (an account
    without books is a ``DiscoveryError`` naming the URL)."""
    transport = DavTransport(username, lambda: password, timeout=timeout,
                             max_attempts=max_attempts, base_delay=0.5,
                             session=session or requests.Session(), ca_cert=ca_cert,
                             trust_fingerprint=trust_fingerprint)
    try:
        books = discover_addressbooks(transport, url.strip())
    finally:
        transport.close()
    if not books:
        choose_addressbook(books, None, url)  # raises the "no address book" error
    return books


def pick_addressbooks(books: list[AddressBook], wanted: str | None, url: str, *,
                      all_books: bool = False) -> list[AddressBook]:
    """The books to add: all, the one named (display name or href), or the only one.

    Several books and no choice is a :class:`DiscoveryError` listing them, so the caller
    can ask (the CLI prompts on a terminal).
    """
    if all_books:
        return list(books)
    if wanted:
        return [choose_addressbook(books, wanted, url)]
    if len(books) == 1:
        return list(books)
    raise DiscoveryError(
        f"This account has {len(books)} address books: {describe_books(books)}. "
        "Choose one with --addressbook NAME, or add each as its own source with --all.")


def describe_books(books: list[AddressBook]) -> str:
    ordered = sorted(books, key=lambda b: (book_name(b).casefold(), b.href))
    return "; ".join(f"{book_name(b)} ({b.href})" for b in ordered)


def book_name(book: AddressBook) -> str:
    """The book's display name, else the last part of its path."""
    return book.displayname or unquote(book.href.rstrip("/").rsplit("/", 1)[-1]) or book.href


def book_label(book: AddressBook) -> str:
    """"Work on dav.example.org": what the owner sees for this source everywhere."""
    host = urlsplit(book.url).hostname or ""
    return f"{book_name(book)} on {host}" if host else book_name(book)


def book_source(book: AddressBook, username: str, server_url: str,
                tls: dict[str, str] | None = None, display_name: str = "") -> BookSource:
    """Key, settings and name of the source for one book. ``url`` is the book's own URL
    (each sync then needs one PROPFIND to find it, not the whole discovery)."""
    settings: dict[str, Any] = {
        "url": book.url, "username": username, "addressbook": book.href,
        "addressbook_name": book_name(book), "server_url": server_url.strip(),
        **(tls or {}),
    }
    return BookSource(f"{username}@{book.url}", display_name or book_label(book), settings)


def unchecked_source(url: str, username: str, addressbook: str | None,
                     tls: dict[str, str] | None = None, display_name: str = "") -> BookSource:
    """A source added without asking the server (``--no-check``, offline setup): keyed by
    the URL as typed plus the book asked for; the first sync finds the book."""
    url = url.strip()
    settings: dict[str, Any] = {"url": url, "username": username, **(tls or {})}
    key = f"{username}@{url}"
    if addressbook:
        settings["addressbook"] = addressbook
        key += f"#{addressbook}"
    host = urlsplit(url).hostname or url
    name = f"{addressbook} on {host}" if addressbook else f"{username} on {host}"
    return BookSource(key, display_name or name, settings)

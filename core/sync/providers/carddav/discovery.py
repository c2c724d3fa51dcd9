"""Finding the address book to sync from whatever URL the user typed.

Users paste a server root, a principal URL or an address book URL. RFC 6764/6352 give the
path: the URL itself if it is an address book, otherwise current-user-principal (from the
URL or ``/.well-known/carddav``) -> addressbook-home-set -> Depth 1 listing of address books.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from core.sync.contract import ProviderError
from core.sync.providers.carddav import dav_xml as dx
from core.sync.providers.carddav.transport import DavTransport, raise_for_dav_status, redact_url

# Deliberately not DAV:sync-token: some servers (Radicale) compute it by hashing every card,
# which makes a Depth 1 listing of a home set with big books take seconds.
_BOOK_PROPS = [dx.RESOURCETYPE, dx.DISPLAYNAME, dx.SUPPORTED_REPORT_SET]
_ENTRY_PROPS = _BOOK_PROPS + [dx.CURRENT_USER_PRINCIPAL, dx.ADDRESSBOOK_HOME_SET]


class DiscoveryError(ProviderError):
    """The URL works but leads to no address book; the owner must fix the URL."""


@dataclass(frozen=True, slots=True)
class AddressBook:
    """A discovered address book; ``href`` is its decoded path, ``url`` its absolute URL.

    ``supports_sync_collection`` is what the server advertises; the provider still tries
    sync-collection when it is False and falls back to PROPFIND only if the server refuses.
    """

    url: str
    href: str
    displayname: str
    supports_sync_collection: bool


def _propfind(transport: DavTransport, url: str, props: list[str], depth: str,
              ) -> list[dx.DavResponse] | None:
    """PROPFIND; None when the resource is missing or refuses PROPFIND (try another route)."""
    response = transport.request("PROPFIND", url, dx.propfind_body(props), depth=depth)
    if response.status_code in (400, 404, 405, 501):
        return None
    if response.status_code != 207:
        raise_for_dav_status(response, "discover address books")
        return None
    try:
        return dx.parse_multistatus(response.content, response.url or url).responses
    except ET.ParseError as exc:
        from core.sync.providers.carddav.listing import answer_error

        raise answer_error(exc, url) from exc


def _as_book(base_url: str, response: dx.DavResponse) -> AddressBook:
    sync = dx.supports_report(response, dx.SYNC_COLLECTION) or dx.SYNC_TOKEN in response.props
    return AddressBook(
        url=urljoin(base_url, dx.encode_href(response.href)),
        href=response.href,
        displayname=response.text(dx.DISPLAYNAME),
        supports_sync_collection=sync,
    )


def _find_self(responses: list[dx.DavResponse], url: str) -> dx.DavResponse | None:
    own = dx.normalize_href(url, url)
    for response in responses:
        if dx.same_collection(response.href, own):
            return response
    return responses[0] if len(responses) == 1 else None


def _home_sets(transport: DavTransport, url: str, entry: dx.DavResponse | None) -> list[str]:
    """Home-set URLs via the entry's own props, its principal, or the well-known URL."""
    if entry is not None and entry.hrefs_in(dx.ADDRESSBOOK_HOME_SET):
        return [urljoin(url, h) for h in entry.hrefs_in(dx.ADDRESSBOOK_HOME_SET)]
    principals = entry.hrefs_in(dx.CURRENT_USER_PRINCIPAL) if entry is not None else []
    if not principals:
        parts = urlsplit(url)
        well_known = f"{parts.scheme}://{parts.netloc}/.well-known/carddav"
        found = _propfind(transport, well_known, _ENTRY_PROPS, "0")
        if found:
            first = found[0]
            if first.hrefs_in(dx.ADDRESSBOOK_HOME_SET):
                return [urljoin(url, h) for h in first.hrefs_in(dx.ADDRESSBOOK_HOME_SET)]
            principals = first.hrefs_in(dx.CURRENT_USER_PRINCIPAL)
    homes: list[str] = []
    for principal in principals:
        principal_url = urljoin(url, principal)
        found = _propfind(transport, principal_url, [dx.ADDRESSBOOK_HOME_SET], "0")
        for response in found or []:
            homes.extend(urljoin(principal_url, h)
                         for h in response.hrefs_in(dx.ADDRESSBOOK_HOME_SET))
    return homes


def discover_addressbooks(transport: DavTransport, url: str) -> list[AddressBook]:
    """All address books reachable from ``url`` (the URL itself if it is one)."""
    if not url.endswith("/"):
        url += "/"
    entries = _propfind(transport, url, _ENTRY_PROPS, "0") or []
    entry = _find_self(entries, url)
    if entry is not None and entry.has_resourcetype(dx.ADDRESSBOOK):
        return [_as_book(url, entry)]
    homes = _home_sets(transport, url, entry) or [url]
    books: list[AddressBook] = []
    seen: set[str] = set()
    for home in homes:
        for response in _propfind(transport, home, _BOOK_PROPS, "1") or []:
            if response.has_resourcetype(dx.ADDRESSBOOK) and response.href not in seen:
                seen.add(response.href)
                books.append(_as_book(home, response))
    return books


def choose_addressbook(books: list[AddressBook], wanted: str | None, url: str) -> AddressBook:
    """The book named by the "addressbook" setting (href or display name), else the first."""
    if not books:
        raise DiscoveryError(
            f"No CardDAV address book was found at {redact_url(url)}. "
            "Check the URL, or give the address book's own URL."
        )
    if not wanted:
        return books[0]
    wanted_path = dx.normalize_href(url, wanted)
    for book in books:
        if dx.same_collection(book.href, wanted_path) or book.displayname == wanted:
            return book
    names = ", ".join(sorted(b.displayname or b.href for b in books))
    raise DiscoveryError(f"Address book {wanted!r} was not found; available: {names}.")

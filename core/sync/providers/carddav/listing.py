"""Listing an address book (what exists, with ETags) and fetching cards.

A listing is cheap (hrefs and ETags only); fetching card bodies is the expensive part, so the
provider lists once per page chain and fetches in ``addressbook-multiget`` batches.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from core.sync.contract import CursorExpiredError, ProviderError
from core.sync.providers.carddav import dav_xml as dx
from core.sync.providers.carddav.discovery import AddressBook
from core.sync.providers.carddav.transport import DavTransport, raise_for_dav_status, redact_url

#: Bound on RFC 6578 continuation requests for one listing (507 = "more follows").
MAX_CONTINUATIONS = 1000


class SyncCollectionUnsupported(ProviderError):
    """The server refused the sync-collection REPORT itself (not the token)."""


@dataclass(slots=True)
class Listing:
    """Members present (href -> ETag), members gone, and the token that describes this state."""

    members: dict[str, str] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    token: str | None = None


@dataclass(slots=True)
class FetchedCard:
    href: str
    etag: str
    #: The vCard text; None when the server sent none (see ``gone``).
    text: str | None
    #: True only when the server said 404 for this href: the card was deleted meanwhile.
    #: A card missing from the answer or without address-data is *not* gone, just unreadable.
    gone: bool = False


def _parse(content: bytes, url: str) -> dx.Multistatus:
    try:
        return dx.parse_multistatus(content, url)
    except ET.ParseError as exc:
        raise ProviderError(f"Unreadable answer from the CardDAV server at {redact_url(url)}"
                            ) from exc


def _sync_collection_once(transport: DavTransport, book: AddressBook, token: str
                          ) -> tuple[dx.Multistatus, bool]:
    """One sync-collection REPORT; returns the multistatus and whether it was truncated."""
    response = transport.request("REPORT", book.url, dx.sync_collection_body(token), depth="0")
    if response.status_code in (403, 409, 412) and dx.has_precondition(
        response.content, dx.VALID_SYNC_TOKEN
    ):
        raise CursorExpiredError(
            f"The CardDAV sync token for {book.href} is no longer valid; a full sync is needed."
        )
    code = response.status_code
    if code in (405, 501) or (not token and code in (400, 403, 415)):
        raise SyncCollectionUnsupported(
            f"{book.href} refused sync-collection (HTTP {code})")
    if response.status_code != 207:
        raise_for_dav_status(response, "list changes")
    status = _parse(response.content, book.url)
    truncated = any(
        r.status == 507 and dx.same_collection(r.href, book.href) for r in status.responses
    )
    return status, truncated


def list_changes(transport: DavTransport, book: AddressBook, token: str) -> Listing:
    """RFC 6578 sync-collection since ``token`` ("" = full listing), following truncation.

    A server may cut a large answer short (a 507 response for the collection itself) and hand
    back an intermediate token; we keep asking from that token until the answer is complete,
    merging so a later "deleted" overrides an earlier "present" and vice versa.
    """
    listing = Listing()
    current = token
    for _round in range(MAX_CONTINUATIONS):
        status, truncated = _sync_collection_once(transport, book, current)
        for response in status.responses:
            if dx.same_collection(response.href, book.href):
                continue
            if response.status == 404:
                listing.members.pop(response.href, None)
                listing.deleted.add(response.href)
            elif dx.GETETAG in response.props or response.status in (None, 200):
                listing.deleted.discard(response.href)
                listing.members[response.href] = response.text(dx.GETETAG)
        listing.token = status.sync_token or current
        if not truncated:
            return listing
        if not status.sync_token or status.sync_token == current:
            raise ProviderError(f"The CardDAV server truncated the listing of {book.href} "
                                "without a usable continuation token.")
        current = status.sync_token
    raise ProviderError(f"The listing of {book.href} did not finish after "
                        f"{MAX_CONTINUATIONS} continuations.")


def list_by_propfind(transport: DavTransport, book: AddressBook) -> Listing:
    """Full listing for servers without sync-collection: PROPFIND Depth 1 for ETags."""
    response = transport.request("PROPFIND", book.url, dx.propfind_body(
        [dx.GETETAG, dx.RESOURCETYPE]), depth="1")
    if response.status_code != 207:
        raise_for_dav_status(response, "list the address book")
    listing = Listing()
    for item in _parse(response.content, book.url).responses:
        if dx.same_collection(item.href, book.href) or item.href.endswith("/"):
            continue
        if item.status == 404:
            continue
        listing.members[item.href] = item.text(dx.GETETAG)
    return listing


def multiget(transport: DavTransport, book: AddressBook, hrefs: list[str]) -> list[FetchedCard]:
    """Fetch ``hrefs`` in one addressbook-multiget; missing cards come back with text None."""
    if not hrefs:
        return []
    response = transport.request("REPORT", book.url, dx.multiget_body(hrefs), depth="1")
    if response.status_code != 207:
        raise_for_dav_status(response, "fetch cards")
    found: dict[str, FetchedCard] = {}
    for item in _parse(response.content, book.url).responses:
        element = item.props.get(dx.ADDRESS_DATA)
        text = element.text if element is not None and element.text else None
        found[item.href] = FetchedCard(item.href, item.text(dx.GETETAG), text,
                                       gone=item.status == 404)
    return [found.get(href) or FetchedCard(href, "", None) for href in hrefs]

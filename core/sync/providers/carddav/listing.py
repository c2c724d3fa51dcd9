"""Listing an address book (what exists, with ETags) and fetching cards.

Three ways to read a book, cheapest question first:

- :func:`fetch_ctag`: one PROPFIND for the book's ``getctag``; equal to the stored one means
  nothing changed, so a quiet sync needs no listing at all;
- :class:`ChangeStream`: one sync-collection REPORT that also carries the cards
  (``address-data``), read and parsed while it arrives; used when Kith holds none of the
  cards (first sync) and for incremental changes (on Radicale the listing below costs the
  server nearly as much as this answer with every card, see ``provider``);
- :func:`list_changes` / :func:`list_by_propfind` (hrefs and ETags only) plus
  :func:`multiget` batches: used when Kith already holds most cards (a full resync after an
  expired token), so only cards whose ETag changed are downloaded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

import requests

from core.sync.contract import CursorExpiredError, ProviderError, TransientError
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


#: expat's "no element found", "unclosed token", "partial character": the document simply
#: stopped, which is what a connection closed in the middle of the answer looks like.
_TRUNCATED_CODES = (3, 5, 6)


def is_truncated(exc: ET.ParseError) -> bool:
    """The XML ended early (a broken connection), rather than being malformed."""
    return getattr(exc, "code", None) in _TRUNCATED_CODES


def answer_error(exc: ET.ParseError, url: str) -> ProviderError:
    """A transient "connection broke" error for a cut-off answer, else "unreadable"."""
    where = redact_url(url)
    if is_truncated(exc):
        return TransientError(f"The connection to the CardDAV server at {where} broke in the "
                              "middle of its answer; will retry later.")
    return ProviderError(f"Unreadable answer from the CardDAV server at {where} (the XML is "
                         f"malformed: {exc}).")


def _parse(content: bytes, url: str) -> dx.Multistatus:
    try:
        return dx.parse_multistatus(content, url)
    except ET.ParseError as exc:
        raise answer_error(exc, url) from exc


def _collection_props(transport: DavTransport, book: AddressBook, props: list[str]
                      ) -> dx.DavResponse | None:
    response = transport.request("PROPFIND", book.url, dx.propfind_body(props), depth="0")
    if response.status_code != 207:
        return None
    try:
        answer = dx.parse_multistatus(response.content, book.url)
    except ET.ParseError:
        return None
    for item in answer.responses:
        if dx.same_collection(item.href, book.href):
            return item
    return None


def fetch_ctag(transport: DavTransport, book: AddressBook) -> str | None:
    """A value that changes whenever any card of the book does: its ``CS:getctag``, else
    (servers without it) its ``DAV:sync-token`` or the collection's own ETag; None if the
    server offers none of them.

    getctag is asked alone first: some servers (Radicale) compute the sync-token by hashing
    every card, which would make every quiet sync pay for it. A refusal is not an error: the
    ctag only lets a sync skip work, and the listing that follows reports real problems.
    """
    item = _collection_props(transport, book, [dx.GETCTAG])
    if item is not None and item.text(dx.GETCTAG):
        return item.text(dx.GETCTAG)
    item = _collection_props(transport, book, [dx.SYNC_TOKEN, dx.GETETAG])
    if item is None:
        return None
    if item.text(dx.SYNC_TOKEN):
        return "sync-token:" + item.text(dx.SYNC_TOKEN)
    if item.text(dx.GETETAG):
        return "etag:" + item.text(dx.GETETAG)
    return None


def confirmed_ctag(transport: DavTransport, book: AddressBook, token: str) -> str | None:
    """The book's ctag, but only if it provably describes the state of ``token``.

    Used when the ctag could not be read *before* a listing (a first sync reads it
    afterwards, off the critical path): the ctag is read first, then a sync-collection from
    ``token`` must report no change at all, so the state the ctag describes lies between
    two equal states. Any change, or any refusal, gives None (no short-cut next time, the
    next sync simply asks sync-collection). The check is only an optimisation, so a failure
    here (even a network one) must not fail a sync whose cards all arrived: it gives None.
    """
    try:
        ctag = fetch_ctag(transport, book)
        if ctag is None:
            return None
        listing = list_changes(transport, book, token)
    except ProviderError:
        return None
    return None if listing.members or listing.deleted else ctag


def _start_sync_collection(transport: DavTransport, book: AddressBook, token: str, *,
                           with_data: bool = False, stream: bool = False) -> requests.Response:
    """Send one sync-collection REPORT and map the refusals; returns the 207 response."""
    response = transport.request("REPORT", book.url,
                                 dx.sync_collection_body(token, with_data=with_data),
                                 depth="0", stream=stream)
    if response.status_code == 207:
        return response
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
    raise_for_dav_status(response, "list changes")
    raise ProviderError(f"Unexpected answer HTTP {code} from {redact_url(book.url)}")


def _sync_collection_once(transport: DavTransport, book: AddressBook, token: str
                          ) -> tuple[dx.Multistatus, bool]:
    """One sync-collection REPORT; returns the multistatus and whether it was truncated."""
    response = _start_sync_collection(transport, book, token)
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


class ChangeStream:
    """A sync-collection answer *with card data*, parsed while it arrives.

    The first request is sent by the constructor, on the caller's thread, so an expired
    token or a server without sync-collection is reported at once; :meth:`members` (which
    may run on another thread) then yields each member response as soon as it is parsed and
    follows RFC 6578 truncation (507) with the intermediate token. ``token`` is the final
    sync token once :meth:`members` is exhausted.
    """

    #: Bytes read from the socket at a time: big enough to keep the parser busy, small
    #: enough that the first page is ready long before the whole answer is in.
    CHUNK = 64 * 1024

    def __init__(self, transport: DavTransport, book: AddressBook, token: str) -> None:
        self._transport = transport
        self._book = book
        self._start_token = token
        self.token: str | None = None
        self._response: requests.Response | None = _start_sync_collection(
            transport, book, token, with_data=True, stream=True)

    def close(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response = None

    def members(self) -> Iterator[dx.DavResponse]:
        current = self._start_token
        for _round in range(MAX_CONTINUATIONS):
            if self._response is None:
                self._response = _start_sync_collection(
                    self._transport, self._book, current, with_data=True, stream=True)
            parser = dx.MultistatusStream(self._book.url)
            truncated = False
            try:
                for part in self._parts(parser):
                    for item in part:
                        if dx.same_collection(item.href, self._book.href):
                            truncated = truncated or item.status == 507
                        else:
                            yield item
            finally:
                self.close()
            self.token = parser.sync_token or current
            if not truncated:
                return
            if not parser.sync_token or parser.sync_token == current:
                raise ProviderError(f"The CardDAV server truncated the listing of "
                                    f"{self._book.href} without a usable continuation token.")
            current = parser.sync_token
        raise ProviderError(f"The listing of {self._book.href} did not finish after "
                            f"{MAX_CONTINUATIONS} continuations.")

    def _parts(self, parser: dx.MultistatusStream) -> Iterator[list[dx.DavResponse]]:
        """Parsed responses per chunk; network and XML failures become provider errors."""
        assert self._response is not None
        where = redact_url(self._book.url)
        try:
            for chunk in self._response.iter_content(self.CHUNK):
                yield parser.feed(chunk)
            yield parser.close()
        except ET.ParseError as exc:
            raise answer_error(exc, self._book.url) from exc
        except requests.RequestException as exc:
            raise TransientError(f"The connection to the CardDAV server at {where} broke "
                                 f"in the middle of its answer ({type(exc).__name__}); "
                                 "will retry later.") from exc


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

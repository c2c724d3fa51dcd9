"""Page chains: page tokens, sync cursors and the in-memory cache of running chains.

A chain is one read of the address book, handed out page by page. Two kinds exist
(``PageState.mode``):

- ``"stream"``: one sync-collection answer with card data, consumed in server order;
- ``"listing"``: hrefs + ETags listed once, walked in sorted order, cards fetched per page.

The page token stays small (chain id, mode, last href, tokens), the chain itself lives in
memory. If it is gone (a restart, another provider instance) the provider lists again with
the ETags the database already holds, so pages already ingested are not fetched twice, and
resumes (after the last href for a listing). Resuming is safe because the chain reports the
token of its *first* listing when it had one: anything changed after it is reported again by
the next incremental sync.

The stored cursor carries the server's sync token and, when the server offers one, the
book's ctag for the token's state: a later equal ctag proves nothing changed since the token,
so a quiet sync can skip the sync-collection REPORT entirely. The ctag must never be newer
than the token (it would hide a change the token has not seen), so it is either fetched
*before* the listing, or fetched after it and confirmed by a sync-collection from the new
token that reports no change (``listing.confirmed_ctag``).
"""

from __future__ import annotations

import bisect
import json
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol

from core.sync.contract import CursorExpiredError, ProviderError

#: How many unchanged hrefs one page may report before it ends (keeps pages bounded).
UNCHANGED_PER_PAGE_FACTOR = 20


@dataclass(slots=True)
class PageState:
    """What a page token carries between pages of one chain."""

    chain: str
    after: str
    token: str | None
    book: str
    #: "stream" or "listing" (see the module docstring).
    mode: str = "listing"
    #: The book's ctag fetched before this chain's listing (None: not offered).
    ctag: str | None = None

    def encode(self) -> str:
        return json.dumps({"c": self.chain, "a": self.after, "t": self.token, "b": self.book,
                           "m": self.mode, "g": self.ctag})

    @classmethod
    def decode(cls, page_token: str) -> PageState:
        try:
            data = json.loads(page_token)
            return cls(chain=str(data["c"]), after=str(data["a"]), token=data["t"],
                       book=str(data["b"]), mode=str(data.get("m") or "listing"),
                       ctag=data.get("g"))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ProviderError("Not a CardDAV page token; restart the sync chain.") from exc


def encode_cursor(book_href: str, token: str, ctag: str | None = None, *,
                  no_sync_collection: bool = False) -> str:
    """The stored sync cursor: the server's sync token, the book it belongs to and the
    book's ctag seen just before that token's listing (when the server offers one).

    ``no_sync_collection``: the server refused sync-collection, so there is no token; the
    cursor remembers the refusal (the next sync does not ask again) and the ctag."""
    data: dict[str, object] = {"book": book_href, "token": token}
    if ctag:
        data["ctag"] = ctag
    if no_sync_collection:
        data["nosync"] = True
    return json.dumps(data)


def cursor_ctag(cursor: str) -> str | None:
    """The ctag stored in ``cursor``; None for bare or older cursors (no short-cut then)."""
    try:
        data = json.loads(cursor)
    except ValueError:
        return None
    ctag = data.get("ctag") if isinstance(data, dict) else None
    return str(ctag) if ctag else None


def decode_cursor(cursor: str, book_href: str) -> str:
    """The sync token in ``cursor``; :class:`CursorExpiredError` if it is for another book.

    A bare (non-JSON) cursor is accepted as a raw server token.
    """
    if not cursor:
        raise CursorExpiredError("No CardDAV sync token is stored; a full sync is needed.")
    try:
        data = json.loads(cursor)
    except ValueError:
        return cursor
    if not isinstance(data, dict) or not (data.get("token") or data.get("nosync")):
        raise CursorExpiredError("The stored CardDAV cursor is unreadable; a full sync is needed.")
    if data.get("book") and data["book"].rstrip("/") != book_href.rstrip("/"):
        raise CursorExpiredError("The address book changed since the last sync; "
                                 "a full sync is needed.")
    return str(data.get("token") or "")


@dataclass(slots=True)
class Chain:
    """One listing being paged through."""

    hrefs: list[str]
    members: dict[str, str]
    known: dict[str, str] = field(default_factory=dict)

    def take(self, after: str, page_size: int) -> tuple[list[str], list[str], str, bool]:
        """The next page after ``after``: (unchanged, to_fetch, last_href, finished).

        An href is unchanged when the caller's database already holds the same ETag for it.
        """
        unchanged: list[str] = []
        to_fetch: list[str] = []
        index = bisect.bisect_right(self.hrefs, after) if after else 0
        last = after
        unchanged_cap = page_size * UNCHANGED_PER_PAGE_FACTOR
        while index < len(self.hrefs):
            if len(to_fetch) >= page_size or len(unchanged) >= unchanged_cap:
                break
            href = self.hrefs[index]
            etag = self.members.get(href, "")
            if etag and self.known.get(href) == etag:
                unchanged.append(href)
            else:
                to_fetch.append(href)
            last = href
            index += 1
        return unchanged, to_fetch, last, index >= len(self.hrefs)


class Closeable(Protocol):
    def close(self) -> None: ...


class ChainCache:
    """A few recent running chains by id (thread-safe; providers may run in worker threads).

    A chain holds a prefetch thread and maybe an open HTTP answer, so one that is evicted,
    dropped or left behind at :meth:`close` is closed, never just forgotten.
    """

    def __init__(self, capacity: int = 4) -> None:
        self._capacity = capacity
        self._chains: OrderedDict[str, Closeable] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, chain: Closeable) -> str:
        chain_id = secrets.token_hex(8)
        evicted: list[Closeable] = []
        with self._lock:
            self._chains[chain_id] = chain
            while len(self._chains) > self._capacity:
                evicted.append(self._chains.popitem(last=False)[1])
        for old in evicted:
            old.close()
        return chain_id

    def put(self, chain_id: str, chain: Closeable) -> None:
        with self._lock:
            self._chains[chain_id] = chain

    def get(self, chain_id: str) -> Closeable | None:
        with self._lock:
            return self._chains.get(chain_id)

    def drop(self, chain_id: str) -> None:
        with self._lock:
            chain = self._chains.pop(chain_id, None)
        if chain is not None:
            chain.close()

    def close(self) -> None:
        with self._lock:
            chains = list(self._chains.values())
            self._chains.clear()
        for chain in chains:
            chain.close()

"""Page chains over one listing: page tokens, sync cursors and the in-memory listing cache.

A sync lists the address book once (hrefs + ETags) and then walks the hrefs in sorted order,
one page of card fetches at a time. The page token records the chain id, the last href done
and the sync token the listing produced, so it stays small even for 10,000 cards. The
listing itself is kept in memory; if it is gone (another process, a restart) the provider
lists again and resumes after the last href. Resuming is safe because the chain always
reports the token of its *first* listing: anything that changed after it is reported again
by the next incremental sync.
"""

from __future__ import annotations

import bisect
import json
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

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

    def encode(self) -> str:
        return json.dumps({"c": self.chain, "a": self.after, "t": self.token, "b": self.book})

    @classmethod
    def decode(cls, page_token: str) -> PageState:
        try:
            data = json.loads(page_token)
            return cls(chain=str(data["c"]), after=str(data["a"]),
                       token=data["t"], book=str(data["b"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError("Not a CardDAV page token; restart the sync chain.") from exc


def encode_cursor(book_href: str, token: str) -> str:
    """The stored sync cursor: the server's sync token plus the book it belongs to."""
    return json.dumps({"book": book_href, "token": token})


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
    if not isinstance(data, dict) or not data.get("token"):
        raise CursorExpiredError("The stored CardDAV cursor is unreadable; a full sync is needed.")
    if data.get("book") and data["book"].rstrip("/") != book_href.rstrip("/"):
        raise CursorExpiredError("The address book changed since the last sync; "
                                 "a full sync is needed.")
    return str(data["token"])


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


class ChainCache:
    """A few recent chains by id (thread-safe; providers may run in worker threads)."""

    def __init__(self, capacity: int = 4) -> None:
        self._capacity = capacity
        self._chains: OrderedDict[str, Chain] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, chain: Chain) -> str:
        chain_id = secrets.token_hex(8)
        with self._lock:
            self._chains[chain_id] = chain
            while len(self._chains) > self._capacity:
                self._chains.popitem(last=False)
        return chain_id

    def put(self, chain_id: str, chain: Chain) -> None:
        with self._lock:
            self._chains[chain_id] = chain

    def get(self, chain_id: str) -> Chain | None:
        with self._lock:
            return self._chains.get(chain_id)

    def drop(self, chain_id: str) -> None:
        with self._lock:
            self._chains.pop(chain_id, None)

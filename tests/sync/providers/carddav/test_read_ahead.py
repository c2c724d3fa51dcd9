"""Reading ahead: the next page is fetched and parsed while the caller still holds this one.

Against a real Radicale: the provider must have the next page's cards downloaded (listing
mode) or parsed (stream mode) before it is asked for them, stop its thread on close, and
hand a failure on the thread to the caller with its original type.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from core.sync.contract import CursorExpiredError, ProviderError, TransientError
from core.sync.providers.carddav.card_parser import parse_vcard
from core.sync.providers.carddav.prefetch import Prefetcher
from tests.servers.radicale import RadicaleServer, bulk_load_cards, ensure_addressbook_dir
from tests.sync.providers.carddav.conftest import CountingSession, account_for


def _load(server: RadicaleServer, count: int) -> None:
    bulk_load_cards(ensure_addressbook_dir(server.storage_dir, server.user, "contacts"), count)


def _wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "carddav-prefetch" and t.is_alive()]


class CountingParser:
    """The real card parser, counting the cards it parsed (from any thread)."""

    def __init__(self) -> None:
        self.parsed = 0

    def __call__(self, text: str, href: str):
        self.parsed += 1
        return parse_vcard(text, href)


def test_stream_pages_are_parsed_before_they_are_asked_for(radicale_server, make_provider
                                                           ) -> None:
    _load(radicale_server, 60)
    parser = CountingParser()
    provider = make_provider(page_size=20, card_parser=parser)
    account = account_for(radicale_server)

    first = provider.full_sync(account, None)

    # Page 2 is parsed while the caller still "ingests" page 1.
    assert _wait_until(lambda: parser.parsed >= 40)
    second = provider.full_sync(account, first.next_page_token)
    third = provider.full_sync(account, second.next_page_token)
    assert [len(p.contacts) for p in (first, second, third)] == [20, 20, 20]
    assert third.next_sync_cursor and third.complete_listing
    provider.close()


def test_first_sync_reads_the_whole_answer_and_confirms_the_ctag_during_page_one(
        radicale_server, make_provider, counting_session: CountingSession) -> None:
    """The stream reads far ahead: with 15 pages the answer is read to its end and the ctag
    confirmed (ctag + sync-collection) while the caller still holds page 1, so those two
    requests overlap the ingest instead of delaying the last page."""
    _load(radicale_server, 150)
    parser = CountingParser()
    provider = make_provider(page_size=10, card_parser=parser)
    account = account_for(radicale_server)

    first = provider.full_sync(account, None)

    assert _wait_until(lambda: counting_session.kinds[-3:] ==
                       ["sync-collection+data", "ctag", "sync-collection"])
    assert _wait_until(lambda: parser.parsed == 150)
    pages = [first]
    while pages[-1].next_page_token:
        pages.append(provider.full_sync(account, pages[-1].next_page_token))
    assert [len(p.contacts) for p in pages] == [10] * 15
    assert '"ctag"' in (pages[-1].next_sync_cursor or "")
    assert counting_session.kinds[-1] == "sync-collection"  # nothing more was asked
    provider.close()


def test_stream_read_ahead_stops_at_its_byte_budget(radicale_server, make_provider,
                                                    monkeypatch) -> None:
    """However many pages may be read ahead, no more card text than the budget is held
    (a book of photos must not be parsed into memory whole); one page always goes."""
    import core.sync.providers.carddav.chain_runner as chain_runner

    _load(radicale_server, 100)
    monkeypatch.setattr(chain_runner, "STREAM_READ_AHEAD_BYTES", 1)
    parser = CountingParser()
    provider = make_provider(page_size=10, card_parser=parser)
    account = account_for(radicale_server)

    first = provider.full_sync(account, None)

    # Page 1 handed out, page 2 queued (always admitted), page 3 parsed and waiting.
    assert _wait_until(lambda: parser.parsed >= 30)
    time.sleep(0.3)
    assert parser.parsed == 30
    pages = [first]
    while pages[-1].next_page_token:
        pages.append(provider.full_sync(account, pages[-1].next_page_token))
    assert sum(len(p.contacts) for p in pages) == 100 and pages[-1].next_sync_cursor
    provider.close()


def test_listing_pages_fetch_the_next_multiget_ahead(radicale_server, make_provider,
                                                     counting_session: CountingSession) -> None:
    """A resync (Kith already holds cards, all changed since): page 2's multiget is sent
    before page 2 is asked for."""
    _load(radicale_server, 60)
    stale = {f"/alice/contacts/card-{i:06d}.vcf": '"old"' for i in range(60)}
    provider = make_provider(page_size=20, multiget_batch=20, known_etags=lambda acc: stale)
    account = account_for(radicale_server)

    first = provider.full_sync(account, None)

    assert _wait_until(lambda: counting_session.multigets >= 2)
    pages = [first]
    while pages[-1].next_page_token:
        pages.append(provider.full_sync(account, pages[-1].next_page_token))
    assert [len(p.contacts) for p in pages] == [20, 20, 20]
    assert counting_session.multigets == 3 and counting_session.multiget_hrefs == 60
    provider.close()


def test_close_stops_the_read_ahead_thread(radicale_server, make_provider) -> None:
    _load(radicale_server, 60)
    before = set(_prefetch_threads())
    provider = make_provider(page_size=10)
    provider.full_sync(account_for(radicale_server), None)
    assert set(_prefetch_threads()) - before

    provider.close()

    assert _wait_until(lambda: not set(_prefetch_threads()) - before, timeout=5)


def test_server_gone_mid_chain_is_transient_on_a_later_page(tmp_path, make_provider) -> None:
    from tests.servers.radicale import run_radicale

    with run_radicale(tmp_path / "r") as server:
        _load(server, 80)
        stale = {f"/alice/contacts/card-{i:06d}.vcf": '"old"' for i in range(80)}
        provider = make_provider(page_size=10, multiget_batch=10, max_attempts=2,
                                 known_etags=lambda acc: stale)
        account = account_for(server)
        batch = provider.full_sync(account, None)
    # The server is gone: a page not fetched yet fails as a transient (retryable) error.
    with pytest.raises(TransientError):
        while batch.next_page_token:
            batch = provider.full_sync(account, batch.next_page_token)
    provider.close()


# -- the read-ahead helper on its own ---------------------------------------------------------


def test_prefetcher_delivers_in_order_then_none() -> None:
    feed = Prefetcher(iter([1, 2, 3]), depth=1)
    assert [feed.next(), feed.next(), feed.next(), feed.next()] == [1, 2, 3, None]


def test_prefetcher_reraises_the_original_error_type() -> None:
    def pages() -> Iterator[int]:
        yield 1
        raise CursorExpiredError("token gone")

    feed = Prefetcher(pages())
    assert feed.next() == 1
    with pytest.raises(CursorExpiredError, match="token gone"):
        feed.next()
    assert feed.next() is None


def test_prefetcher_close_runs_the_generator_cleanup() -> None:
    cleaned = threading.Event()

    def pages() -> Iterator[int]:
        try:
            yield from range(1000)
        finally:
            cleaned.set()

    feed = Prefetcher(pages(), depth=1)
    assert feed.next() == 0
    feed.close()
    assert cleaned.wait(5) and not feed.alive


def test_prefetcher_gives_up_when_nobody_takes_pages() -> None:
    cleaned = threading.Event()

    def pages() -> Iterator[int]:
        try:
            yield from range(10)
        finally:
            cleaned.set()

    feed = Prefetcher(pages(), depth=1, idle_timeout=0.5)
    assert cleaned.wait(5)
    assert feed.next() == 0  # what was handed over is still delivered
    with pytest.raises(ProviderError, match="stopped early"):
        feed.next()


def _counted(produced: list[int], count: int) -> Iterator[int]:
    for value in range(count):
        produced.append(value)
        yield value


def test_prefetcher_holds_no_more_weight_than_its_budget() -> None:
    produced: list[int] = []
    feed = Prefetcher(_counted(produced, 10), depth=8, weigh=lambda _page: 100, budget=250)

    # Two pages (200) fit the budget, a third (300) would not: it waits on the thread.
    assert _wait_until(lambda: len(produced) >= 3)
    time.sleep(0.3)
    assert len(produced) == 3
    assert feed.next() == 0
    assert _wait_until(lambda: len(produced) >= 4)
    time.sleep(0.3)
    assert len(produced) == 4
    assert [feed.next() for _ in range(10)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, None]
    feed.close()


def test_prefetcher_admits_one_page_heavier_than_the_budget() -> None:
    produced: list[int] = []
    feed = Prefetcher(_counted(produced, 3), depth=8, weigh=lambda _page: 1000, budget=10)

    assert _wait_until(lambda: len(produced) >= 2)
    time.sleep(0.3)
    assert len(produced) == 2  # page 0 queued although too heavy, page 1 waits
    assert [feed.next(), feed.next(), feed.next(), feed.next()] == [0, 1, 2, None]


def test_prefetcher_depth_still_bounds_weightless_pages() -> None:
    produced: list[int] = []
    feed = Prefetcher(_counted(produced, 10), depth=2, weigh=lambda _page: 0, budget=10)

    assert _wait_until(lambda: len(produced) >= 3)
    time.sleep(0.3)
    assert len(produced) == 3
    feed.close()

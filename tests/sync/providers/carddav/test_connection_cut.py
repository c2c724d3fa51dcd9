"""A connection that breaks in the middle of the server's answer (real servers behind a proxy
that cuts the answer off): reported as a broken connection and retried, never as an
unreadable answer; the next run converges."""

from __future__ import annotations

import pytest

from core.db.engine import Database
from core.db.models import SourceRecord
from core.sync.contract import TransientError
from core.sync.providers.carddav import CardDAVProvider
from core.sync.runtime import run_sync
from core.sync.sources import add_source
from tests.servers.cutting_proxy import run_cutting_proxy
from tests.sync.providers.carddav.conftest import DavServer, account_for
from tests.sync.runtime_support import count, rt_db, sync_state

__all__ = ["rt_db"]


def _provider() -> CardDAVProvider:
    return CardDAVProvider(lambda account: "pw", base_delay=0.001, max_attempts=2,
                           page_size=100)


def _drain(provider: CardDAVProvider, account) -> int:
    batch = provider.full_sync(account, None)
    total = len(batch.contacts)
    while batch.next_page_token:
        batch = provider.full_sync(account, batch.next_page_token)
        total += len(batch.contacts)
    return total


def test_cut_answer_is_a_broken_connection(dav_server: DavServer) -> None:
    dav_server.load_cards("contacts", 300)
    with run_cutting_proxy(dav_server.url) as proxy:
        account = account_for(dav_server, url=proxy.url + dav_server.book_path("contacts")[1:])
        provider = _provider()
        provider.validate_credentials(account)
        proxy.cut_after(1_500)  # the answers are gzip-compressed: small
        try:
            with pytest.raises(TransientError) as caught:
                _drain(provider, account)
        finally:
            provider.close()
        assert proxy.cuts >= 1
        message = str(caught.value)
        assert "broke in the middle of" in message and "Unreadable" not in message
        assert "127.0.0.1" in message and "will retry" in message

        proxy.cut_after(None)
        fresh = _provider()
        try:
            assert _drain(fresh, account) == 300
        finally:
            fresh.close()


def test_run_cut_mid_answer_keeps_the_source_retrying_then_converges(
        rt_db: Database, dav_server: DavServer) -> None:
    dav_server.load_cards("contacts", 300)
    with run_cutting_proxy(dav_server.url) as proxy:
        url = proxy.url + dav_server.book_path("contacts")[1:]
        with rt_db.session() as s:
            account_id = add_source(s, "carddav", "alice@cut", {"url": url, "username": "alice"})
            s.commit()
        proxy.cut_after(1_500)  # the answers are gzip-compressed: small
        provider = _provider()
        try:
            failed = run_sync(rt_db, account_id, provider)
        finally:
            provider.close()
        assert not failed.ok and "broke in the middle of" in (failed.error or "")
        state = sync_state(rt_db, account_id)
        assert state.health == "error" and state.next_run_at is not None  # retried later
        assert state.cursor is None

        proxy.cut_after(None)
        provider = _provider()
        try:
            again = run_sync(rt_db, account_id, provider)
        finally:
            provider.close()
    assert again.ok, again.error
    assert count(rt_db, SourceRecord, SourceRecord.account_id == account_id,
                 SourceRecord.deleted_at.is_(None)) == 300

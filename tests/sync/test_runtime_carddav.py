"""The sync runtime driving the CardDAV provider (read-ahead included) against a real Radicale
into a real SQLite database: first sync, quiet sync, changes, cancel mid-chain."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db.engine import Database
from core.db.models import SourceRecord
from core.sync.providers.carddav import CardDAVProvider
from core.sync.registry import stored_etags
from core.sync.runtime import run_sync
from core.sync.sources import add_source
from core.tasks import TaskCancelled, TaskState
from tests.servers.radicale import (
    RadicaleServer,
    bulk_load_cards,
    ensure_addressbook_dir,
    make_vcard,
    run_radicale,
)
from tests.sync.providers.carddav.conftest import CountingSession
from tests.sync.runtime_support import count, rt_db, sync_state

__all__ = ["rt_db"]


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[RadicaleServer]:
    with run_radicale(tmp_path / "radicale") as server:
        bulk_load_cards(ensure_addressbook_dir(server.storage_dir, server.user, "contacts"), 120)
        yield server


def _source(db: Database, server: RadicaleServer) -> int:
    with db.session() as s:
        account_id = add_source(s, "carddav", f"{server.user}@test",
                                {"url": server.book_url("contacts"), "username": server.user})
        s.commit()
    return account_id


def _provider(db: Database, session: CountingSession, **kwargs: object) -> CardDAVProvider:
    """As the registry builds it (knowing the stored ETags), on a recording session."""
    return CardDAVProvider(lambda account: "x", session_factory=lambda: session,
                           known_etags=lambda account: stored_etags(db, account.id),
                           **kwargs)  # type: ignore[arg-type]


def _live(db: Database, account_id: int) -> int:
    return count(db, SourceRecord, SourceRecord.account_id == account_id,
                 SourceRecord.deleted_at.is_(None))


def test_first_quiet_and_changed_syncs(rt_db: Database, radicale: RadicaleServer) -> None:
    account_id = _source(rt_db, radicale)
    session = CountingSession()

    first = run_sync(rt_db, account_id, _provider(rt_db, session, page_size=50))
    assert first.ok and first.mode == "full" and first.counts["added"] == 120
    assert first.pages == 3 and _live(rt_db, account_id) == 120
    assert session.multigets == 0  # the cards came with the listing
    cursor = sync_state(rt_db, account_id).cursor

    session.reset()
    quiet = run_sync(rt_db, account_id, _provider(rt_db, session))
    assert quiet.ok and quiet.mode == "incremental"
    assert quiet.counts["added"] == quiet.counts["updated"] == 0
    # Discovery plus one ctag PROPFIND: no sync-collection, no multiget.
    assert "ctag" in session.kinds
    assert not {"sync-collection", "sync-collection+data", "multiget"} & set(session.kinds)
    assert sync_state(rt_db, account_id).cursor == cursor

    radicale.put_card("contacts", "card-000005", make_vcard(5, version=9))
    radicale.put_card("contacts", "newcomer", make_vcard(777))
    radicale.delete_card("contacts", "card-000006")
    changed = run_sync(rt_db, account_id, _provider(rt_db, session))
    assert changed.ok and changed.mode == "incremental"
    assert (changed.counts["added"], changed.counts["updated"], changed.counts["deleted"]) == (
        1, 1, 1)
    assert _live(rt_db, account_id) == 120
    assert sync_state(rt_db, account_id).cursor != cursor


def test_cancel_mid_chain_keeps_pages_and_no_cursor(rt_db: Database,
                                                    radicale: RadicaleServer) -> None:
    """Cancelled after the first committed page: that page stays, the cursor is not stored,
    and closing the provider (as ``run_source`` does) stops its read-ahead thread."""
    account_id = _source(rt_db, radicale)
    state = TaskState(sink=lambda fraction, text: state.cancel())
    before = {t for t in threading.enumerate() if t.name == "carddav-prefetch"}
    provider = _provider(rt_db, CountingSession(), page_size=50)

    with pytest.raises(TaskCancelled):
        run_sync(rt_db, account_id, provider, state=state)
    provider.close()

    assert _live(rt_db, account_id) == 50
    assert sync_state(rt_db, account_id).cursor is None
    left = {t for t in threading.enumerate()
            if t.name == "carddav-prefetch" and t.is_alive()} - before
    assert not left

    resumed = run_sync(rt_db, account_id, _provider(rt_db, CountingSession(), page_size=50))
    assert resumed.ok and _live(rt_db, account_id) == 120
    assert resumed.counts["unchanged"] == 50 and resumed.counts["added"] == 70


def _synced_state(db: Database, account_id: int) -> tuple[list, list]:
    """What a sync wrote, keyed by stable values (record ids may differ between databases)."""
    from core.db.models import Party

    with db.session() as s:
        records = sorted(s.query(SourceRecord.external_id, SourceRecord.etag,
                                 SourceRecord.content_hash, SourceRecord.data, SourceRecord.raw)
                         .filter(SourceRecord.account_id == account_id).all())
        parties = sorted(s.query(Party.display_name, Party.sort_name, Party.search_text,
                                 Party.primary_phone, Party.handle_count).all())
    return records, parties


def test_big_pages_prepared_in_worker_processes_write_what_the_thread_would(
        rt_db: Database, radicale: RadicaleServer, tmp_path: Path) -> None:
    """A first sync whose pages go to the parser processes (``parse_workers``) stores exactly
    what parsing on the read-ahead thread stores: same records, hashes, data and parties."""
    from core.db.engine import open_database

    bulk_load_cards(ensure_addressbook_dir(radicale.storage_dir, radicale.user, "contacts"),
                    330, start=120)
    serial_db = open_database(f"sqlite:///{tmp_path / 'serial.sqlite'}")
    try:
        results = []
        for db, workers in ((rt_db, 2), (serial_db, 0)):
            account_id = _source(db, radicale)
            with db.session() as s:  # a region, so phone normalisation depends on it
                from core.db.models import SourceAccount

                s.get(SourceAccount, account_id).default_region = "DE"
                s.commit()
            provider = _provider(db, CountingSession(), page_size=500, parse_workers=workers)
            result = run_sync(db, account_id, provider)
            pool = provider._card_pool
            used_pool = pool is not None and pool._pool.pool is not None
            provider.close()
            assert result.ok and result.counts["added"] == 450, result.error
            assert used_pool == (workers > 0)
            results.append((_synced_state(db, account_id), sorted(result.problems)))
        assert results[0] == results[1]
    finally:
        serial_db.dispose()

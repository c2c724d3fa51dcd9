"""Incremental sync (RFC 6578) against real servers (Radicale and Xandikos): changes,
deletions, stale tokens, and the ctag short-cut that lets a quiet sync skip the
sync-collection REPORT."""

from __future__ import annotations

import json

import pytest

from core.sync.contract import CursorExpiredError
from core.sync.providers.carddav.card_parser import parse_vcard
from tests.servers.radicale import make_vcard
from tests.sync.providers.carddav.conftest import CountingSession, DavServer, account_for


def _drain(call):
    pages = [call(None)]
    while pages[-1].next_page_token:
        pages.append(call(pages[-1].next_page_token))
    return pages


def _initial_cursor(server: DavServer, provider, account, count: int = 30) -> str:
    server.load_cards("contacts", count)
    return _drain(lambda tok: provider.full_sync(account, tok))[-1].next_sync_cursor


def test_changes_additions_and_deletions_arrive(dav_server, make_provider) -> None:
    provider = make_provider(page_size=10)
    account = account_for(dav_server)
    cursor = _initial_cursor(dav_server, provider, account)
    dav_server.put_card("contacts", "card-000003", make_vcard(3, version=2))
    dav_server.put_card("contacts", "zed", make_vcard(900))
    dav_server.delete_card("contacts", "card-000004")
    dav_server.delete_card("contacts", "card-000005")

    pages = _drain(lambda tok: provider.incremental_sync(account, cursor, tok))

    contacts = [c for p in pages for c in p.contacts]
    by_id = {c.external_id: c for c in contacts}
    href = dav_server.card_href
    assert set(by_id) == {href("contacts", "card-000003"), href("contacts", "zed"),
                          href("contacts", "card-000004"), href("contacts", "card-000005")}
    assert by_id[dav_server.card_href("contacts", "card-000003")].name.full == "Person 3 v2"
    assert by_id[dav_server.card_href("contacts", "zed")].name.full == "Person 900"
    assert by_id[dav_server.card_href("contacts", "card-000004")].deleted
    assert by_id[dav_server.card_href("contacts", "card-000005")].deleted
    assert not by_id[dav_server.card_href("contacts", "card-000003")].deleted
    assert not any(p.complete_listing for p in pages)
    new_cursor = pages[-1].next_sync_cursor
    assert new_cursor and new_cursor != cursor

    # Nothing changed since: one empty page and a usable cursor.
    quiet = _drain(lambda tok: provider.incremental_sync(account, new_cursor, tok))
    assert len(quiet) == 1 and quiet[0].contacts == []
    assert quiet[0].next_sync_cursor


def test_many_changes_are_paged(dav_server, make_provider) -> None:
    provider = make_provider(page_size=10, multiget_batch=4)
    account = account_for(dav_server)
    cursor = _initial_cursor(dav_server, provider, account)
    for index in range(25):
        dav_server.put_card("contacts", f"card-{index:06d}", make_vcard(index, version=3))

    pages = _drain(lambda tok: provider.incremental_sync(account, cursor, tok))

    assert [len(p.contacts) for p in pages] == [10, 10, 5]
    assert [p.next_sync_cursor is None for p in pages] == [True, True, False]


def test_forged_token_means_cursor_expired(dav_server, make_provider) -> None:
    provider = make_provider()
    account = account_for(dav_server)
    cursor = _initial_cursor(dav_server, provider, account, count=3)
    real = json.loads(cursor)["token"]
    forged = json.dumps({"book": dav_server.book_path("contacts"),
                         "token": real[:-8] + ("0" * 8 if not real.endswith("0" * 8) else "1" * 8)})

    with pytest.raises(CursorExpiredError):
        provider.incremental_sync(account, forged, None)
    with pytest.raises(CursorExpiredError):
        provider.incremental_sync(account, "not-a-token-at-all", None)
    # The genuine cursor still works afterwards.
    assert provider.incremental_sync(account, cursor, None).next_sync_cursor


def test_cursor_of_another_addressbook_is_expired(dav_server, make_provider) -> None:
    provider = make_provider()
    account = account_for(dav_server)
    cursor = _initial_cursor(dav_server, provider, account, count=3)
    dav_server.create_addressbook("other", "Other")

    other = account_for(dav_server, addressbook="Other")
    with pytest.raises(CursorExpiredError):
        provider.incremental_sync(other, cursor, None)


# -- the ctag short-cut --------------------------------------------------------------------


def test_quiet_sync_asks_only_for_the_ctag(dav_server, make_provider,
                                           counting_session: CountingSession) -> None:
    """Nothing changed: one cheap PROPFIND, no sync-collection and no multiget."""
    provider = make_provider()
    account = account_for(dav_server)
    cursor = _initial_cursor(dav_server, provider, account)
    counting_session.reset()

    pages = _drain(lambda tok: provider.incremental_sync(account, cursor, tok))

    assert counting_session.kinds == ["ctag"]
    assert len(pages) == 1 and pages[0].contacts == [] and not pages[0].complete_listing
    assert pages[0].next_sync_cursor == cursor


def test_changes_after_a_quiet_check_are_still_seen(dav_server, make_provider,
                                                    counting_session: CountingSession) -> None:
    provider = make_provider()
    account = account_for(dav_server)
    cursor = _initial_cursor(dav_server, provider, account)
    assert _drain(lambda tok: provider.incremental_sync(account, cursor, tok))[0].contacts == []
    dav_server.put_card("contacts", "card-000001", make_vcard(1, version=5))
    dav_server.delete_card("contacts", "card-000002")
    counting_session.reset()

    pages = _drain(lambda tok: provider.incremental_sync(account, cursor, tok))

    changes = sorted((c.external_id, c.deleted, c.name.full)
                     for p in pages for c in p.contacts)
    assert changes == [(dav_server.card_href("contacts", "card-000001"), False, "Person 1 v5"),
                       (dav_server.card_href("contacts", "card-000002"), True, "")]
    # The changed card came inside the sync-collection answer (Radicale) or by one multiget
    # (Xandikos sends no address-data there).
    extra = [] if dav_server.kind == "radicale" else ["multiget"]
    assert counting_session.kinds == ["ctag", "sync-collection+data", *extra]
    new_cursor = pages[-1].next_sync_cursor
    assert json.loads(new_cursor)["ctag"] != json.loads(cursor)["ctag"]
    counting_session.reset()
    assert _drain(lambda tok: provider.incremental_sync(account, new_cursor, tok))[0].contacts == []
    assert counting_session.kinds == ["ctag"]


def test_change_during_a_full_sync_is_seen_by_the_next_sync(dav_server,
                                                            make_provider) -> None:
    """A change made after the listing was answered but before the sync ended must not hide
    behind a ctag read later: the stored ctag is one proven to match the token's state."""
    dav_server.load_cards("contacts", 30)
    changed = []

    def parser_that_edits_the_book(text: str, href: str):
        # Runs on the read-ahead thread after the listing answer arrived, before the ctag
        # is read: the worst moment for a change.
        if not changed:
            changed.append(dav_server.put_card("contacts", "late", make_vcard(500)))
        return parse_vcard(text, href)

    provider = make_provider(page_size=10, card_parser=parser_that_edits_the_book)
    account = account_for(dav_server)
    pages = _drain(lambda tok: provider.full_sync(account, tok))
    cursor = pages[-1].next_sync_cursor
    assert changed
    late = dav_server.card_href("contacts", "late")
    assert late not in {c.external_id for p in pages for c in p.contacts}

    changes = _drain(lambda tok: make_provider(card_parser=parse_vcard).incremental_sync(
        account, cursor, tok))

    assert [c.external_id for p in changes for c in p.contacts] == [late]

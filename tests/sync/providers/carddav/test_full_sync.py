"""Full sync against real servers (Radicale and Xandikos): cards inline on the first sync,
paging, ETag reuse with multiget batches on a resync, resumption."""

from __future__ import annotations

import json

from core.sync.providers.carddav import CardDAVProvider
from core.sync.providers.carddav.card_parser import parse_vcard
from tests.sync.providers.carddav.conftest import CountingSession, DavServer, account_for


def _load(server: DavServer, count: int, book: str = "contacts") -> None:
    server.load_cards(book, count, displayname="Contacts")


def _all_pages(provider: CardDAVProvider, account, page_token=None):
    pages = [provider.full_sync(account, page_token)]
    while pages[-1].next_page_token:
        pages.append(provider.full_sync(account, pages[-1].next_page_token))
    return pages


def test_first_sync_of_250_cards_comes_inline_across_pages(
        dav_server, make_provider, counting_session: CountingSession) -> None:
    _load(dav_server, 250)
    provider = make_provider(page_size=100, multiget_batch=40)

    pages = _all_pages(provider, account_for(dav_server))

    assert [len(p.contacts) for p in pages] == [100, 100, 50]
    ids = [c.external_id for p in pages for c in p.contacts]
    assert sorted(ids) == [dav_server.card_href("contacts", f"card-{i:06d}") for i in range(250)]
    assert all(c.etag.strip('"') and c.raw and not c.deleted for p in pages for c in p.contacts)
    # The cursor and the completeness flag belong to the last page only.
    assert [p.complete_listing for p in pages] == [False, False, True]
    assert [p.next_sync_cursor is None for p in pages] == [True, True, False]
    cursor = json.loads(pages[-1].next_sync_cursor)
    assert cursor["book"] == dav_server.book_path("contacts") and cursor["token"] and cursor["ctag"]
    # Kith held none of the cards: one sync-collection REPORT carried them all, no multiget
    # round trips. The ctag was read afterwards and confirmed by an empty sync-collection
    # from the new token (so it cannot be newer than the token).
    if dav_server.kind == "radicale":
        assert counting_session.kinds[-3:] == ["sync-collection+data", "ctag",
                                               "sync-collection"]
        assert counting_session.multigets == 0
    else:
        # Xandikos answers address-data in sync-collection with 404: the cards come by
        # multiget, each one exactly once.
        kinds = [k for k in counting_session.kinds if k != "multiget"]
        assert kinds[-3:] == ["sync-collection+data", "ctag", "sync-collection"]
        assert counting_session.multiget_hrefs == 250


def test_parsed_fields_and_categories(dav_server, make_provider) -> None:
    _load(dav_server, 2)
    pages = _all_pages(make_provider(), account_for(dav_server))
    first = next(c for c in pages[0].contacts if c.external_id.endswith("card-000000.vcf"))

    assert first.name.full == "Person 0"
    assert (first.name.given, first.name.family) == ("Person", "0")
    assert first.emails[0].value == "person0@example.org"
    assert first.phones[0].value == "+1 555 0000"
    assert first.organizations[0].name == "Example Corp"
    assert first.groups == ["Work"]


def test_full_resync_reuses_unchanged_etags(dav_server, make_provider,
                                            counting_session: CountingSession) -> None:
    _load(dav_server, 250)
    account = account_for(dav_server)
    first = _all_pages(make_provider(page_size=100), account)
    known = {c.external_id: c.etag for p in first for c in p.contacts}
    dav_server.put_card("contacts", "card-000007", "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                             "UID:card-000007\r\nFN:Changed Seven\r\nEND:VCARD\r\n")
    dav_server.put_card("contacts", "newcomer", "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                             "UID:newcomer\r\nFN:New Comer\r\nEND:VCARD\r\n")
    dav_server.delete_card("contacts", "card-000100")
    counting_session.reset()

    provider = make_provider(page_size=100, known_etags=lambda acc: known)
    pages = _all_pages(provider, account)

    fetched = {c.external_id for p in pages for c in p.contacts}
    unchanged = [h for p in pages for h in p.checkpoint["unchanged"]]
    assert fetched == {dav_server.card_href("contacts", "card-000007"),
                       dav_server.card_href("contacts", "newcomer")}
    # Kith holds most cards: an ETag-only listing, then only the two changed cards fetched.
    assert "sync-collection+data" not in counting_session.kinds
    assert counting_session.multiget_hrefs == 2
    assert len(unchanged) == 248 and len(set(unchanged)) == 248
    assert dav_server.card_href("contacts", "card-000100") not in unchanged
    assert pages[-1].complete_listing and pages[-1].next_sync_cursor


def test_chain_resumes_when_the_running_chain_is_lost(dav_server, make_provider,
                                                      counting_session: CountingSession) -> None:
    """A page token handed to a fresh provider (e.g. after a restart) still completes, and
    the cards the first page delivered (now in the database) are not downloaded again."""
    _load(dav_server, 120)
    account = account_for(dav_server)
    lost = make_provider(page_size=50)
    first = lost.full_sync(account, None)
    lost.close()  # its read-ahead stops: only the fresh provider's requests are counted
    in_database = {c.external_id: c.etag for c in first.contacts}
    counting_session.reset()

    fresh = make_provider(page_size=50, known_etags=lambda acc: in_database)
    rest = _all_pages(fresh, account, first.next_page_token)

    again = [c.external_id for p in rest for c in p.contacts]
    unchanged = {h for p in rest for h in p.checkpoint["unchanged"]}
    assert len(again) == 70 == len(set(again))
    assert set(again) | set(in_database) == {
        dav_server.card_href("contacts", f"card-{i:06d}") for i in range(120)}
    assert unchanged == set(in_database)
    assert counting_session.multiget_hrefs == 70
    assert rest[-1].complete_listing
    assert rest[-1].next_sync_cursor == _all_pages(make_provider(), account)[-1].next_sync_cursor


def test_empty_addressbook_is_one_complete_page(dav_server, make_provider) -> None:
    dav_server.create_addressbook("contacts")
    pages = _all_pages(make_provider(), account_for(dav_server))

    assert len(pages) == 1
    assert pages[0].contacts == [] and pages[0].complete_listing
    assert pages[0].next_sync_cursor


def test_unreadable_card_is_a_problem_not_a_failure(dav_server, make_provider) -> None:
    _load(dav_server, 5)
    seen: list[str] = []

    def picky_parser(text: str, href: str):
        seen.append(href)
        if href.endswith("card-000002.vcf"):
            raise ValueError("bad card")
        return parse_vcard(text, href)

    pages = _all_pages(make_provider(card_parser=picky_parser), account_for(dav_server))

    assert len(seen) == 5
    assert sorted(c.external_id for c in pages[0].contacts) == [
        dav_server.card_href("contacts", f"card-{i:06d}") for i in (0, 1, 3, 4)]
    assert len(pages[0].problems) == 1 and "card-000002.vcf" in pages[0].problems[0]
    # Present but unreadable: listed so a complete listing does not delete it.
    assert pages[0].checkpoint["unreadable"] == [dav_server.card_href("contacts", "card-000002")]

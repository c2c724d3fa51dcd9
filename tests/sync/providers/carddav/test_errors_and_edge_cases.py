"""Auth failures, outages and retries, Digest auth and RFC 6578 truncation (507)."""

from __future__ import annotations

import pytest

from core.sync.contract import AccountRef, AuthError, CursorExpiredError, TransientError
from core.sync.providers.carddav import CardDAVProvider
from tests.servers.radicale import AUTH_PASSWORD, RadicaleServer, run_radicale
from tests.servers.scripted_http import Reply, run_scripted
from tests.sync.providers.carddav.conftest import account_for
from tests.sync.providers.carddav.fake_book import FakeBook


def _account(url: str, username: str = "alice") -> AccountRef:
    return AccountRef(id=7, provider="carddav", account_id="t", settings={
        "url": url, "username": username})


def test_wrong_password_is_auth_error_without_the_password(radicale_auth_server: RadicaleServer,
                                                           make_provider) -> None:
    wrong = "Wr0ng-Secret-XYZ"
    provider = make_provider(password_lookup=lambda account: wrong)

    with pytest.raises(AuthError) as caught:
        provider.validate_credentials(account_for(radicale_auth_server))

    message = str(caught.value)
    assert "Re-enter the password" in message
    assert wrong not in message and AUTH_PASSWORD not in message
    assert not isinstance(caught.value, TransientError)


def test_right_password_reads_and_new_password_is_picked_up(radicale_auth_server,
                                                            make_provider) -> None:
    radicale_auth_server.create_addressbook("contacts")
    password = {"value": "stale"}
    provider = make_provider(password_lookup=lambda account: password["value"])
    account = account_for(radicale_auth_server)
    with pytest.raises(AuthError):
        provider.full_sync(account, None)

    password["value"] = AUTH_PASSWORD  # the owner re-entered it
    assert provider.full_sync(account, None).complete_listing


def test_missing_password_is_auth_error(radicale_auth_server, make_provider) -> None:
    provider = make_provider(password_lookup=lambda account: None)
    with pytest.raises(AuthError, match="No password is stored"):
        provider.validate_credentials(account_for(radicale_auth_server))


def test_server_down_is_transient_after_bounded_retries(tmp_path) -> None:
    with run_radicale(tmp_path / "gone") as server:
        url = server.url
    sleeps: list[float] = []
    provider = CardDAVProvider(lambda account: "x", max_attempts=3, base_delay=0.01,
                               sleep=sleeps.append)

    with pytest.raises(TransientError, match="could not connect"):
        provider.full_sync(_account(url), None)

    assert len(sleeps) == 2
    assert 0.005 <= sleeps[0] <= 0.01 and 0.01 <= sleeps[1] <= 0.02  # exponential, jittered


def test_503_then_success_is_retried(make_provider) -> None:
    book = FakeBook(failures=2)
    sleeps: list[float] = []
    with run_scripted(book) as server:
        provider = make_provider(sleep=sleeps.append)
        batch = provider.full_sync(_account(server.url + "book/"), None)
    assert len(sleeps) == 2
    assert batch.contacts


def test_persistent_429_honours_retry_after_then_gives_up() -> None:
    sleeps: list[float] = []
    with run_scripted(lambda request: Reply(429, b"slow down", {"Retry-After": "7"})) as server:
        provider = CardDAVProvider(lambda account: "x", max_attempts=4, base_delay=0.01,
                                   sleep=sleeps.append)
        with pytest.raises(TransientError) as caught:
            provider.validate_credentials(_account(server.url))
        assert len(server.requests) == 4
    assert sleeps == [7.0, 7.0, 7.0]
    assert caught.value.retry_after == 7.0


def test_truncated_sync_collection_is_continued() -> None:
    with run_scripted(FakeBook()) as server:
        provider = CardDAVProvider(lambda account: None)
        account = _account(server.url + "book/", username="")
        batch = provider.full_sync(account, None)
        changes = provider.incremental_sync(account, '{"book": "/book/", "token": "t1"}', None)
        with pytest.raises(CursorExpiredError):  # the fake answers 409 valid-sync-token
            provider.incremental_sync(account, '{"book": "/book/", "token": "stale"}', None)

    ids = sorted(c.external_id for c in batch.contacts)
    # gone.vcf appeared in the first part and was deleted in the continuation.
    assert ids == ["/book/a.vcf", "/book/b c.vcf"]
    assert batch.contacts[1].name.full == "B C"
    assert batch.complete_listing
    assert '"token": "t2"' in batch.next_sync_cursor
    assert sorted((c.external_id, c.deleted) for c in changes.contacts) == [
        ("/book/b c.vcf", False), ("/book/gone.vcf", True)]


def test_digest_auth_is_used_when_offered() -> None:
    book = FakeBook(digest_password="d1gest-Secret")
    with run_scripted(book) as server:
        provider = CardDAVProvider(lambda account: "d1gest-Secret")
        batch = provider.full_sync(_account(server.url + "book/"), None)
    assert len(batch.contacts) == 2
    sent = [h for h in book.auth_headers if h]
    assert sent and all(h.startswith("Digest ") for h in sent)
    assert not any("d1gest-Secret" in h for h in sent)


def test_digest_wrong_password_is_auth_error() -> None:
    with run_scripted(FakeBook(digest_password="right")) as server:
        provider = CardDAVProvider(lambda account: "wrong")
        with pytest.raises(AuthError) as caught:
            provider.validate_credentials(_account(server.url + "book/"))
    assert "wrong" not in str(caught.value)


def test_server_without_sync_collection_falls_back_to_propfind() -> None:
    """A full sync lists by PROPFIND; the cursor remembers the refusal, so the next sync
    asks for the ctag and, when it changed, lists by PROPFIND again: never the REPORT."""
    import json

    book = FakeBook(sync_collection=False, ctag="c1")
    with run_scripted(book) as server:
        stored: dict[str, str] = {}
        provider = CardDAVProvider(lambda account: None, known_etags=lambda acc: stored)
        account = _account(server.url + "book/", username="")
        batch = provider.full_sync(account, None)
        cursor = batch.next_sync_cursor
        # What the database holds after ingesting it (the ETags the listing gave).
        stored.update({"/book/a.vcf": '"ea"', "/book/b c.vcf": '"eb"'})
        assert json.loads(cursor) == {"book": "/book/", "token": "", "ctag": "c1",
                                      "nosync": True}
        server.requests.clear()

        quiet = provider.incremental_sync(account, cursor, None)
        assert quiet.contacts == [] and quiet.next_sync_cursor == cursor
        assert [(r.method, b"getctag" in r.body) for r in server.requests] == [
            ("PROPFIND", True)]

        book.ctag = "c2"
        del book.members["/book/b%20c.vcf"]
        server.requests.clear()
        changed = provider.incremental_sync(account, cursor, None)

    assert [(c.external_id, c.deleted) for c in changed.contacts] == [("/book/b c.vcf", True)]
    assert changed.checkpoint["unchanged"] == ["/book/a.vcf"]
    assert not any(b"sync-collection" in r.body for r in server.requests)
    assert json.loads(changed.next_sync_cursor)["ctag"] == "c2"
    assert sorted(c.external_id for c in batch.contacts) == ["/book/a.vcf", "/book/b c.vcf"]
    assert batch.complete_listing


def test_first_sync_completes_when_the_server_goes_away_after_answering(
        tmp_path, make_provider) -> None:
    """The ctag confirmation after the answer is only an optimisation: if the server is gone
    by then, the sync still delivers every card and a cursor, just without a ctag."""
    import json

    from core.sync.providers.carddav.card_parser import parse_vcard
    from tests.servers.radicale import bulk_load_cards, ensure_addressbook_dir

    with run_radicale(tmp_path / "r") as server:
        bulk_load_cards(ensure_addressbook_dir(server.storage_dir, server.user, "contacts"), 30)
        account = account_for(server)

        def parser_that_stops_the_server(text: str, href: str):
            server.stop()  # the whole answer is already in; nothing else will be served
            return parse_vcard(text, href)

        provider = make_provider(page_size=10, card_parser=parser_that_stops_the_server)
        pages = [provider.full_sync(account, None)]
        while pages[-1].next_page_token:
            pages.append(provider.full_sync(account, pages[-1].next_page_token))

    assert len({c.external_id for p in pages for c in p.contacts}) == 30
    cursor = json.loads(pages[-1].next_sync_cursor)
    assert cursor["token"] and "ctag" not in cursor
    assert pages[-1].complete_listing


@pytest.mark.parametrize(("body", "broken"), [
    (b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/bo', True),
    (b"", True),
    (b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"></D:response>', False),
])
def test_answer_ending_early_is_a_broken_connection_not_garbage(body: bytes,
                                                                broken: bool) -> None:
    """A close-delimited answer that stops mid-document reads as a broken connection (retried
    later); only XML that is malformed in itself is "unreadable"."""
    from core.sync.contract import ProviderError

    with run_scripted(lambda request: Reply(207, body)) as server, \
            pytest.raises(ProviderError) as caught:
        CardDAVProvider(lambda account: None).validate_credentials(
            _account(server.url + "book/"))
    assert isinstance(caught.value, TransientError) is broken
    assert ("broke in the middle" in str(caught.value)) is broken
    assert ("malformed" in str(caught.value)) is not broken

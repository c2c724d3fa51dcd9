"""Discovery against real servers (Radicale and Xandikos): from the root, a principal or
the book URL itself."""

from __future__ import annotations

import pytest

from core.sync.contract import AccountRef
from core.sync.providers.carddav import CardDAVProvider, DiscoveryError
from tests.servers.radicale import make_vcard
from tests.servers.scripted_http import Reply, run_scripted
from tests.sync.providers.carddav.conftest import account_for


def _drain_full(provider, account):
    batch = provider.full_sync(account, None)
    contacts = list(batch.contacts)
    while batch.next_page_token:
        batch = provider.full_sync(account, batch.next_page_token)
        contacts.extend(batch.contacts)
    return contacts, batch


def test_discovers_book_from_server_root(dav_server, make_provider) -> None:
    dav_server.create_addressbook("family", "Family")
    dav_server.put_card("family", "ann", make_vcard(1))
    provider = make_provider()
    account = account_for(dav_server)

    provider.validate_credentials(account)
    contacts, last = _drain_full(provider, account)

    assert [c.external_id for c in contacts] == [dav_server.card_href("family", "ann")]
    assert last.checkpoint["addressbook"] == dav_server.book_path("family")


@pytest.mark.parametrize("suffix", ["principal", "book/", "book"])
def test_discovers_from_principal_or_book_url(dav_server, make_provider, suffix) -> None:
    dav_server.create_addressbook("work", "Work")
    dav_server.put_card("work", "bob", make_vcard(2))
    principal = "alice/" if dav_server.kind == "radicale" else "user/"
    path = {"principal": principal, "book/": dav_server.book_path("work").lstrip("/"),
            "book": dav_server.book_path("work").strip("/")}[suffix]
    account = account_for(dav_server, url=dav_server.url + path)

    contacts, _ = _drain_full(make_provider(), account)

    assert [c.external_id for c in contacts] == [dav_server.card_href("work", "bob")]


@pytest.mark.parametrize("wanted", ["Second Book", "href"])
def test_addressbook_setting_picks_by_name_or_href(dav_server, make_provider,
                                                   wanted) -> None:
    dav_server.create_addressbook("first", "First Book")
    dav_server.create_addressbook("second", "Second Book")
    dav_server.put_card("first", "one", make_vcard(1))
    dav_server.put_card("second", "two", make_vcard(2))
    if wanted == "href":
        wanted = dav_server.book_path("second")
    account = account_for(dav_server, addressbook=wanted)

    contacts, _ = _drain_full(make_provider(), account)

    assert [c.external_id for c in contacts] == [dav_server.card_href("second", "two")]


def test_unknown_addressbook_names_the_available_ones(dav_server, make_provider) -> None:
    dav_server.create_addressbook("first", "First Book")
    account = account_for(dav_server, addressbook="Nope")

    with pytest.raises(DiscoveryError, match="First Book"):
        make_provider().validate_credentials(account)


def test_no_addressbook_at_all_is_actionable(dav_server, make_provider) -> None:
    with pytest.raises(DiscoveryError, match="No CardDAV address book"):
        make_provider().validate_credentials(account_for(dav_server))


def test_well_known_redirect_leads_to_principal_and_home_set() -> None:
    """A root without a principal: /.well-known/carddav (redirect) -> home set -> books."""
    def answer(inner: str) -> Reply:
        return Reply(207, ('<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" '
                           f'xmlns:C="urn:ietf:params:xml:ns:carddav">{inner}</D:multistatus>'
                           ).encode())

    def prop(href: str, inner: str) -> str:
        return (f"<D:response><D:href>{href}</D:href><D:propstat><D:prop>{inner}</D:prop>"
                "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>")

    def script(request):
        if request.path == "/.well-known/carddav":
            return Reply(301, b"", {"Location": "/dav/principals/me/"})
        if request.path == "/dav/principals/me/":
            return answer(prop(request.path, "<D:current-user-principal><D:href>"
                               "/dav/principals/me/</D:href></D:current-user-principal>"
                               "<C:addressbook-home-set><D:href>/dav/books/me/</D:href>"
                               "</C:addressbook-home-set>"))
        if request.path == "/dav/books/me/" and request.headers.get("Depth") == "1":
            book = "<D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>"
            return answer(prop("/dav/books/me/", "<D:resourcetype><D:collection/>"
                               "</D:resourcetype>")
                          + prop("/dav/books/me/default/", book
                                 + "<D:displayname>Default</D:displayname>"))
        if request.path == "/":
            return answer(prop("/", "<D:resourcetype><D:collection/></D:resourcetype>"))
        return Reply(404)

    with run_scripted(script) as server:
        provider = CardDAVProvider(lambda account: None)
        account = AccountRef(1, "carddav", "x", {"url": server.url, "username": ""})
        provider.validate_credentials(account)
        book = provider._connection(account).book
        methods = {(r.method, r.path) for r in server.requests}

    assert (book.href, book.displayname) == ("/dav/books/me/default/", "Default")
    assert ("PROPFIND", "/.well-known/carddav") in methods
    assert ("PROPFIND", "/dav/principals/me/") in methods  # redirect kept the method

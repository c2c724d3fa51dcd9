"""The app services the GUI's add-source dialog calls (``app.services.sources``): check a
login and list its address books, add chosen books as sources, re-enter a password, trust a
certificate. Real Radicale (passwords checked) and a real HTTPS Xandikos."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import sources as services
from core.db.engine import Database
from core.sync.contract import AuthError, CertificateError
from core.sync.status import source_statuses
from core.tasks import TaskState
from tests.emulators.memory_keyring import MemoryKeyring, memory_keyring
from tests.servers.radicale import AUTH_PASSWORD, RadicaleServer, make_vcard, run_radicale
from tests.servers.xandikos import XandikosServer, xandikos_tls_server
from tests.sync.runtime_support import rt_db

__all__ = ["rt_db", "xandikos_tls_server"]


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    yield from memory_keyring()


@pytest.fixture
def server(tmp_path: Path) -> RadicaleServer:
    with run_radicale(tmp_path / "radicale", with_auth=True) as radicale:
        radicale.create_addressbook("contacts", "Contacts")
        radicale.create_addressbook("work", "Work")
        radicale.put_card("work", "w", make_vcard(1))
        yield radicale


def test_check_lists_books_and_refuses_a_wrong_password(server) -> None:
    books = services.check_carddav(server.url, server.user, AUTH_PASSWORD, state=TaskState())
    assert sorted((b.name, b.href, b.label) for b in books) == [
        ("Contacts", "/alice/contacts/", "Contacts on 127.0.0.1"),
        ("Work", "/alice/work/", "Work on 127.0.0.1")]
    assert all(b.url.startswith(server.url) for b in books)
    with pytest.raises(AuthError, match="rejected the login"):
        services.check_carddav(server.url, server.user, "nope", state=TaskState())


def test_add_chosen_books_then_again(rt_db: Database, server, keyring_backend) -> None:
    added = services.add_carddav_sources(rt_db, server.url, server.user, AUTH_PASSWORD,
                                         addressbooks=["/alice/work/", "Contacts"],
                                         state=TaskState())
    assert sorted((a.display_name, a.created) for a in added) == [
        ("Contacts on 127.0.0.1", True), ("Work on 127.0.0.1", True)]
    again = services.add_carddav_sources(rt_db, server.url, server.user, AUTH_PASSWORD,
                                         addressbooks=["Work"], state=TaskState())
    assert [(a.display_name, a.created) for a in again] == [("Work on 127.0.0.1", False)]
    assert len(keyring_backend.entries) == 2

    work = next(a.account_id for a in added if a.display_name.startswith("Work"))
    with pytest.raises(AuthError):
        services.set_carddav_password(rt_db, work, "nope", state=TaskState())
    services.set_carddav_password(rt_db, work, AUTH_PASSWORD, state=TaskState())
    with rt_db.session() as s:
        assert {st.addressbook for st in source_statuses(s)} == {"/alice/work/",
                                                                  "/alice/contacts/"}


def test_certificate_prompt_flow(rt_db: Database, xandikos_tls_server: XandikosServer,
                                 keyring_backend) -> None:
    """What the dialog does: check, get the fingerprint, ask, check again trusting it."""
    server = xandikos_tls_server
    server.create_addressbook("family", "Family")
    with pytest.raises(CertificateError) as caught:
        services.check_carddav(server.url, "alice", "pw", state=TaskState())
    fingerprint = caught.value.fingerprint
    assert fingerprint == server.tls.fingerprint
    books = services.check_carddav(server.url, "alice", "pw", trust_fingerprint=fingerprint,
                                   state=TaskState())
    assert [b.name for b in books] == ["Family"]
    [added] = services.add_carddav_sources(rt_db, server.url, "alice", "pw",
                                           trust_fingerprint=fingerprint, state=TaskState())
    assert added.created and added.display_name == "Family on 127.0.0.1"
    services.trust_certificate(rt_db, added.account_id, fingerprint.replace(":", "").lower(),
                               state=TaskState())
    from core.db.models import SourceAccount

    with rt_db.session() as s:
        assert s.get(SourceAccount, added.account_id).settings["trust_fingerprint"] == fingerprint

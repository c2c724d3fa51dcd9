"""Self-hosted HTTPS: a real Xandikos serving TLS with a self-signed certificate.

Refused with a message that names the certificate's fingerprint (never retried as an
outage), accepted once the owner trusts that fingerprint or gives the CA file, refused again
when the server's certificate changes. Verification is never switched off otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from core.sync.contract import CertificateError
from core.sync.providers.carddav import CardDAVProvider
from core.sync.providers.carddav.accounts import find_addressbooks
from tests.emulators.memory_keyring import MemoryKeyring, memory_keyring
from tests.servers.radicale import make_vcard
from tests.servers.tls_cert import make_self_signed
from tests.servers.xandikos import XandikosServer, xandikos_tls_server
from tests.sync.providers.carddav.conftest import CountingSession, account_for

__all__ = ["xandikos_tls_server"]


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    yield from memory_keyring()


@pytest.fixture
def tls_book(xandikos_tls_server: XandikosServer) -> XandikosServer:
    xandikos_tls_server.create_addressbook("family", "Family")
    xandikos_tls_server.put_card("family", "ann", make_vcard(1))
    return xandikos_tls_server


@pytest.fixture
def kith(sqlite_migrated_url, capsys, monkeypatch):
    monkeypatch.setenv("KITH_CARDDAV_PASSWORD", "any")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--database", sqlite_migrated_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_untrusted_certificate_is_refused_once_with_its_fingerprint(tls_book) -> None:
    session = CountingSession()
    with pytest.raises(CertificateError) as caught:
        find_addressbooks(tls_book.url, "alice", "pw", session=session)
    error = caught.value
    assert error.fingerprint == tls_book.tls.fingerprint
    assert "not trusted (self-signed certificate)" in str(error)
    assert tls_book.tls.fingerprint in str(error) and "--trust-fingerprint" in str(error)
    assert session.requests == 1  # not retried: waiting cannot make it trusted


def test_pinned_fingerprint_or_ca_file_is_accepted(tls_book) -> None:
    pinned = find_addressbooks(tls_book.url, "alice", "pw",
                               trust_fingerprint=tls_book.tls.fingerprint.replace(":", ""))
    by_ca = find_addressbooks(tls_book.url, "alice", "pw", ca_cert=str(tls_book.tls.cert_path))
    assert [b.displayname for b in pinned] == [b.displayname for b in by_ca] == ["Family"]


def test_another_certificate_than_the_pinned_one_is_refused(tls_book, tmp_path: Path) -> None:
    other = make_self_signed(tmp_path / "other")
    provider = CardDAVProvider(lambda account: "pw", base_delay=0.001)
    account = account_for(tls_book, trust_fingerprint=other.fingerprint)
    with pytest.raises(CertificateError) as caught:
        provider.full_sync(account, None)
    assert caught.value.pinned == other.fingerprint
    assert caught.value.fingerprint == tls_book.tls.fingerprint
    assert "is not the one this account trusts" in str(caught.value)
    with pytest.raises(CertificateError):  # another CA does not vouch for it either
        find_addressbooks(tls_book.url, "alice", "pw", ca_cert=str(other.cert_path))


def test_cli_refuses_then_trusts_then_notices_a_changed_certificate(
        kith, tls_book, keyring_backend, tmp_path: Path) -> None:
    fingerprint = tls_book.tls.fingerprint
    add = ("sources", "add", "carddav", tls_book.url, "--user", "alice")
    code, _, err = kith(*add)
    assert code == 2 and "nothing was added" in err and fingerprint in err
    assert json.loads(kith("sources", "list", "--json")[1]) == []

    code, out, err = kith(*add, "--trust-fingerprint", fingerprint)
    assert code == 0, err
    assert "Added carddav source 1: Family on 127.0.0.1" in out
    code, out, err = kith("sync")
    assert code == 0 and "1 added" in out, err

    other = make_self_signed(tmp_path / "other")
    assert kith("sources", "edit", "1", "--trust-fingerprint", other.fingerprint)[0] == 0
    code, _, err = kith("sync")
    assert code == 1 and "is not the one this account trusts" in err
    assert "kith sources edit 1 --trust-fingerprint" in err
    [status] = json.loads(kith("status", "--json")[1])
    assert status["health"] == "error" and status["waits_for_owner"]
    assert status["next_run"] is None  # waits for the owner, no retry timer

    code, out, _ = kith("sources", "edit", "1", "--ca-cert", str(tls_book.tls.cert_path))
    assert code == 0
    code, out, err = kith("sync")
    assert code == 0, err

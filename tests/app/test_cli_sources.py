"""``kith sources | sync | status`` in-process against real files, Radicale and the emulator."""

from __future__ import annotations

import json
import threading
import webbrowser
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from app.cli import main
from core.db.engine import open_database
from core.db.models import Party, SourceAccount, SourceRecord
from tests.emulators.memory_keyring import MemoryKeyring, memory_keyring
from tests.servers.radicale import AUTH_PASSWORD, radicale_auth_server
from tests.sync.runtime_support import rt_api, vcard

__all__ = ["radicale_auth_server", "rt_api"]


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    yield from memory_keyring()


@pytest.fixture
def kith(sqlite_migrated_url, capsys):
    """Run ``kith --database URL ...``; returns (exit code, stdout, stderr)."""
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--database", sqlite_migrated_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "cards"
    root.mkdir()
    (root / "a.vcf").write_text(vcard("u1", "Ada Lovelace", "ada@example.com")
                                + vcard("u2", "Alan Turing", "alan@example.com"))
    return root


def _db_bytes(url: str) -> bytes:
    return Path(url.removeprefix("sqlite:///")).read_bytes()


def test_vcard_source_add_list_sync_status(kith, folder) -> None:
    code, out, _ = kith("sources", "add", "vcard", str(folder))
    assert code == 0 and "Added vcard source" in out
    code, out, _ = kith("sources", "list", "--json")
    [source] = json.loads(out)
    assert source["provider"] == "vcard" and source["health"] == "never"

    code, out, err = kith("sync")
    assert code == 0, err
    assert "full sync: 2 added" in out and "\r" not in out  # not a terminal: no progress line
    (folder / "b.vcf").write_text(vcard("u3", "Grace Hopper", "grace@example.com"))
    code, out, _ = kith("sync", str(source["id"]))
    assert code == 0 and "incremental sync: 1 added" in out

    code, out, _ = kith("status", "--json")
    [status] = json.loads(out)
    assert status["health"] == "ok" and status["provider"] == "vcard"
    assert status["account"] == str(folder.resolve())
    assert status["last_counts"]["added"] == 1 and status["last_counts"]["mode"] == "incremental"
    assert status["cursor_age_s"] >= 0 and status["next_run"] and status["last_success"]
    assert status["last_error"] is None
    code, out, _ = kith("status")
    assert code == 0 and "ok" in out


def test_sync_shows_progress_on_a_terminal(kith, folder, monkeypatch) -> None:
    import sys

    kith("sources", "add", "vcard", str(folder))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = kith("sync", "--full")
    assert code == 0
    assert "\rcards: 2 added, 0 updated, 0 unchanged" in out and "full sync: 2 added" in out


def test_empty_listing_needs_confirm_empty(kith, folder) -> None:
    kith("sources", "add", "vcard", str(folder))
    assert kith("sync")[0] == 0
    (folder / "a.vcf").write_text("")
    code, _, err = kith("sync", "vcard", "--full")
    assert code == 1 and "needs confirmation" in err and "--confirm-empty" in err
    code, out, _ = kith("status", "--json")
    assert json.loads(out)[0]["health"] == "needs_confirmation"
    code, out, _ = kith("sync", "vcard", "--full", "--confirm-empty", "--json")
    [outcome] = json.loads(out)
    assert code == 0 and outcome["ok"] and outcome["counts"]["deleted"] == 2


def test_remove_keeping_contacts_then_re_adding(kith, folder, sqlite_migrated_url) -> None:
    kith("sources", "add", "vcard", str(folder))
    kith("sync")
    code, out, _ = kith("sources", "remove", "1", "--keep-contacts")
    assert code == 0 and "kept" in out
    assert json.loads(kith("sources", "list", "--json")[1]) == []
    db = open_database(sqlite_migrated_url)
    with db.session() as s:
        assert len(s.scalars(select(Party).where(Party.role == "contact")).all()) == 2
        assert all(r.deleted_at is not None for r in s.scalars(select(SourceRecord)))
    kith("sources", "add", "vcard", str(folder))
    code, out, _ = kith("sync")
    assert code == 0 and "2 updated" in out  # the same records come back, no duplicates
    with db.session() as s:
        assert len(s.scalars(select(Party).where(Party.role == "contact")).all()) == 2
        assert all(r.deleted_at is None for r in s.scalars(select(SourceRecord)))
    db.dispose()


def test_remove_without_keeping_contacts_deletes_them(kith, folder, sqlite_migrated_url) -> None:
    kith("sources", "add", "vcard", str(folder))
    kith("sync")
    code, out, _ = kith("sources", "remove", "1")
    assert code == 0 and "2 contact(s) deleted" in out
    db = open_database(sqlite_migrated_url)
    with db.session() as s:
        assert s.scalars(select(Party).where(Party.role == "contact")).all() == []
        assert s.scalars(select(SourceAccount)).all() == []
    db.dispose()
    code, _, err = kith("sources", "remove", "1")
    assert code == 1 and "No source" in err


def test_unknown_source_and_missing_path(kith, tmp_path) -> None:
    code, _, err = kith("sources", "add", "vcard", str(tmp_path / "nope"))
    assert code == 1 and "no such file" in err
    code, _, err = kith("sync", "42")
    assert code == 1 and "no source matches" in err


def test_carddav_source_password_goes_to_the_keyring_only(
        kith, radicale_auth_server, keyring_backend, monkeypatch, sqlite_migrated_url) -> None:
    server = radicale_auth_server
    server.create_addressbook("contacts")
    server.put_card("contacts", "ada", vcard("ada", "Ada Lovelace", "ada@example.com"))
    monkeypatch.setenv("KITH_CARDDAV_PASSWORD", AUTH_PASSWORD)
    code, out, err = kith("sources", "add", "carddav", server.url, "--user", server.user)
    assert code == 0, err
    assert AUTH_PASSWORD not in out + err
    [(service, entry)] = keyring_backend.entries
    # The source's own entry (user, host and a per-source key), holding the password.
    assert service == "kith" and entry.startswith(f"carddav:{server.user}@127.0.0.1/")
    assert keyring_backend.entries[(service, entry)] == AUTH_PASSWORD
    assert "Added carddav source 1: contacts on 127.0.0.1 (address book /alice/contacts/)" in out
    code, out, err = kith("sync", "carddav")
    assert code == 0, err
    assert "full sync: 1 added" in out
    status = json.loads(kith("status", "--json")[1])[0]
    assert status["health"] == "ok" and status["live_records"] == 1
    assert AUTH_PASSWORD.encode() not in _db_bytes(sqlite_migrated_url)
    assert kith("sources", "remove", "1")[0] == 0
    assert keyring_backend.entries == {}  # credentials forgotten with the source


def test_carddav_without_password_source_fails_clearly(kith, monkeypatch) -> None:
    monkeypatch.delenv("KITH_CARDDAV_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    code, _, err = kith("sources", "add", "carddav", "https://dav.example.com/", "--user", "u")
    assert code == 2 and "KITH_CARDDAV_PASSWORD" in err


class _HttpBrowser:
    """The consent step: "the owner clicks Allow", i.e. an HTTP GET that follows the redirect
    from the emulator's auth endpoint to Kith's loopback listener."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        threading.Thread(target=lambda: requests.get(url, timeout=10), daemon=True).start()
        return True


def test_google_source_consent_flow_then_sync(kith, rt_api, keyring_backend, tmp_path,
                                              monkeypatch, sqlite_migrated_url) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator is plain loopback
    browser = _HttpBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda *a, **k: browser)
    secrets_file = tmp_path / "client.json"
    secrets_file.write_text(json.dumps(rt_api.client_config()))
    rt_api.store.add_person({"names": [{"displayName": "Ada Lovelace"}],
                             "emailAddresses": [{"value": "ada@example.com"}]})
    rt_api.store.add_other_contact({"names": [{"displayName": "Bob Other"}],
                                    "emailAddresses": [{"value": "bob@example.com"}]})

    code, out, err = kith("sources", "add", "google", "--client-secrets", str(secrets_file),
                          "--other-contacts", "--account", "owner@example.com",
                          "--api-endpoint", rt_api.url)
    assert code == 0, err
    assert len(browser.opened) == 1
    stored = keyring_backend.entries[("kith", "google:owner@example.com")]
    token = json.loads(stored)["refresh_token"]
    assert token not in out + err

    code, out, err = kith("sync", "google")
    assert code == 0, err
    assert "full sync: 2 added" in out
    assert kith("sync", "owner@example.com")[1].count("incremental sync") == 1
    assert token.encode() not in _db_bytes(sqlite_migrated_url)


def test_google_sync_after_revocation_reports_reconnect(
        kith, rt_api, keyring_backend, sqlite_migrated_url) -> None:
    from core.sync.providers.google import KeyringTokenStore
    from tests.sync.runtime_support import GOOGLE_ACCOUNT, add_google, google_credentials

    KeyringTokenStore().save(GOOGLE_ACCOUNT, google_credentials(rt_api))
    db = open_database(sqlite_migrated_url)
    add_google(db, rt_api)
    db.dispose()
    rt_api.oauth.revoke()
    rt_api.oauth.expire_access_tokens()
    code, _, err = kith("sync")
    assert code == 1 and "reconnect the account" in err
    [status] = json.loads(kith("status", "--json")[1])
    assert status["health"] == "error" and status["waits_for_owner"]
    assert status["next_run"] is None

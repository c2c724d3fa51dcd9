"""The installed-app OAuth flow end to end against the emulator, tokens in a test keyring."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from google.oauth2.credentials import Credentials

from core.sync.contract import AccountRef, AuthError
from core.sync.providers.google import (
    AUTH_MESSAGE,
    GoogleProvider,
    KeyringTokenStore,
    KeyringUnavailable,
    RetryPolicy,
    authorize_account,
)
from core.sync.providers.google.auth import SUCCESS_PAGE
from tests.emulators.memory_keyring import MemoryKeyring, no_keyring
from tests.emulators.people_api import PeopleApiEmulator
from tests.sync.providers.google.conftest import ACCOUNT_ID

KEY = ("kith", f"google:{ACCOUNT_ID}")


@pytest.fixture
def client_file(api: PeopleApiEmulator, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Path:
    # oauthlib insists on https for the token endpoint; the emulator is plain loopback HTTP.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    path = tmp_path / "client_secret.json"
    path.write_text(json.dumps(api.client_config()))
    return path


def _connect(client_file: Path, other_contacts: bool = True) -> tuple[Credentials, str, str]:
    """Run authorize_account in a thread and play the browser; returns (creds, url, page)."""
    urls: queue.Queue[str] = queue.Queue()
    result: dict[str, object] = {}

    def flow() -> None:
        try:
            result["creds"] = authorize_account(
                client_file, ACCOUNT_ID, KeyringTokenStore(), other_contacts=other_contacts,
                open_browser=False, on_url=urls.put, timeout_seconds=10)
        except Exception as exc:  # noqa: BLE001 - handed to the test thread
            result["error"] = exc

    thread = threading.Thread(target=flow)
    thread.start()
    auth_url = urls.get(timeout=10)
    # The "browser": consent is granted, Google redirects to Kith's loopback listener.
    page = requests.get(auth_url, timeout=10)
    thread.join(timeout=10)
    assert "error" not in result, result.get("error")
    return result["creds"], auth_url, page.text  # type: ignore[return-value]


def test_consent_flow_stores_tokens_in_keyring(api: PeopleApiEmulator, client_file: Path,
                                               keyring_backend: MemoryKeyring) -> None:
    creds, auth_url, page = _connect(client_file)
    query = parse_qs(urlsplit(auth_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["access_type"] == ["offline"]
    assert set(query["scope"][0].split()) == {
        "https://www.googleapis.com/auth/contacts.readonly",
        "https://www.googleapis.com/auth/contacts.other.readonly"}
    assert urlsplit(query["redirect_uri"][0]).hostname == "127.0.0.1"
    assert SUCCESS_PAGE in page
    stored = json.loads(keyring_backend.entries[KEY])
    assert stored["refresh_token"] == creds.refresh_token and creds.token
    assert api.requests["token"] == 1


def test_connected_account_syncs_refreshes_and_reports_revocation(
        api: PeopleApiEmulator, client_file: Path, keyring_backend: MemoryKeyring) -> None:
    _connect(client_file)
    api.store.add_person({"names": [{"displayName": "After Consent"}]})
    account = AccountRef(id=1, provider="google", account_id=ACCOUNT_ID,
                         settings={"other_contacts": True})

    def provider() -> GoogleProvider:
        return GoogleProvider(KeyringTokenStore(), api_endpoint=api.url,
                              retry=RetryPolicy(base_delay=0.001, sleep=lambda s: None))

    assert provider().full_sync(account, None).contacts[0].name.full == "After Consent"

    # Locally expired access token: refreshed at the client JSON's token_uri before calling.
    store = KeyringTokenStore()
    creds = store.load(ACCOUNT_ID)
    creds.expiry = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=5)
    store.save(ACCOUNT_ID, creds)
    old_token = creds.token
    api_calls = api.api_requests
    provider().list_groups(account, None)
    assert api.requests["token"] == 2
    assert api.api_requests == api_calls + 1  # no 401 round trip: refreshed up front
    assert json.loads(keyring_backend.entries[KEY])["token"] != old_token

    # Owner revokes Kith in their Google account: the next refresh answers invalid_grant.
    api.oauth.revoke()
    api.oauth.expire_access_tokens()
    with pytest.raises(AuthError) as info:
        provider().full_sync(account, None)
    assert str(info.value) == AUTH_MESSAGE
    secrets = json.loads(keyring_backend.entries[KEY])
    assert secrets["refresh_token"] not in str(info.value)


def test_untrusted_stored_token_uri_is_ignored(keyring_backend: MemoryKeyring) -> None:
    """A tampered keyring entry must not send the refresh token to a plain-HTTP remote host."""
    creds = Credentials(token="t", refresh_token="r", client_id="c", client_secret="s",
                        token_uri="http://evil.example/token")
    KeyringTokenStore().save(ACCOUNT_ID, creds)
    assert KeyringTokenStore().load(ACCOUNT_ID).token_uri == "https://oauth2.googleapis.com/token"


def test_unreadable_client_file_is_an_auth_error(tmp_path: Path,
                                                 keyring_backend: MemoryKeyring) -> None:
    with pytest.raises(AuthError, match="client"):
        authorize_account(tmp_path / "missing.json", ACCOUNT_ID, KeyringTokenStore(),
                          open_browser=False)


@pytest.fixture
def without_keyring() -> Iterator[object]:
    yield from no_keyring()


def test_missing_keyring_backend_is_a_clear_error(without_keyring: object) -> None:
    creds = Credentials(token="t", refresh_token="r", client_id="c", client_secret="s")
    with pytest.raises(KeyringUnavailable, match="keyring"):
        KeyringTokenStore().save(ACCOUNT_ID, creds)
    with pytest.raises(KeyringUnavailable):
        KeyringTokenStore().load(ACCOUNT_ID)

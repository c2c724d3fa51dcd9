"""Transient faults are retried inside the call; auth failures surface without secrets."""

from __future__ import annotations

import json

import pytest

from core.sync.contract import AccountRef, AuthError, TransientError
from core.sync.providers.google import AUTH_MESSAGE, GoogleProvider, PollingQuotaGate
from tests.emulators.memory_keyring import MemoryKeyring
from tests.emulators.people_api import PeopleApiEmulator
from tests.sync.providers.google.conftest import run_chain


def _secrets(keyring_backend: MemoryKeyring) -> list[str]:
    stored = json.loads(next(iter(keyring_backend.entries.values())))
    return [stored["token"], stored["refresh_token"], stored["client_secret"]]


def test_429_burst_then_success(api: PeopleApiEmulator, provider: GoogleProvider,
                                account: AccountRef, sleeps: list[float]) -> None:
    api.store.generate_persons(3)
    provider.list_groups(account, None)  # warm up: groups are fetched on a chain's first page
    api.inject_fault("429", count=3)
    batch = provider.full_sync(account, None)
    assert len(batch.contacts) == 3
    assert api.faults_served == 3
    assert provider.stats.retries == 3
    assert len(sleeps) == 3 and sleeps == sorted(sleeps)  # exponential growth
    assert sleeps[0] > 0


def test_retry_after_header_is_honoured(api: PeopleApiEmulator, provider: GoogleProvider,
                                        account: AccountRef, sleeps: list[float]) -> None:
    api.inject_fault("429", count=1, retry_after=7)
    provider.list_groups(account, None)
    assert sleeps == [7.0]


def test_500s_past_the_retry_budget_raise_transient(
        api: PeopleApiEmulator, provider: GoogleProvider, account: AccountRef,
        sleeps: list[float]) -> None:
    api.inject_fault("500", count=10)
    with pytest.raises(TransientError) as info:
        provider.full_sync(account, None)
    assert "5 attempts" in str(info.value)
    assert api.faults_served == 5  # bounded: exactly the budget, then give up
    assert len(sleeps) == 4


def test_503_then_success(api: PeopleApiEmulator, provider: GoogleProvider,
                          account: AccountRef) -> None:
    api.inject_fault("503", count=2)
    assert provider.list_groups(account, None).groups


def test_dropped_connections_are_retried(api: PeopleApiEmulator, provider: GoogleProvider,
                                         account: AccountRef) -> None:
    api.store.generate_persons(2)
    api.inject_fault("drop", count=3)
    batches = run_chain(lambda t: provider.full_sync(account, t))
    assert sum(len(b.contacts) for b in batches) == 2
    assert api.faults_served == 3


def test_revoked_grant_raises_auth_error_without_secrets(
        api: PeopleApiEmulator, provider: GoogleProvider, account: AccountRef,
        keyring_backend: MemoryKeyring) -> None:
    provider.list_groups(account, None)
    secrets = _secrets(keyring_backend)
    api.oauth.revoke()  # owner removed Kith's access in their Google account
    with pytest.raises(AuthError) as info:
        provider.full_sync(account, None)
    message = str(info.value)
    assert message == AUTH_MESSAGE
    assert not any(secret in message for secret in secrets)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert api.requests["token"] >= 1  # it tried a refresh, which answered invalid_grant


def test_expired_access_token_is_refreshed_and_saved(
        api: PeopleApiEmulator, provider: GoogleProvider, account: AccountRef,
        keyring_backend: MemoryKeyring) -> None:
    provider.list_groups(account, None)
    before = _secrets(keyring_backend)[0]
    api.oauth.expire_access_tokens()  # server-side expiry the client does not know about
    assert provider.list_groups(account, None).groups
    after = _secrets(keyring_backend)[0]
    assert after != before and api.requests["token"] == 1


def test_insufficient_scope_is_an_auth_error(api: PeopleApiEmulator, make_provider,
                                             token_store, account: AccountRef) -> None:
    from google.oauth2.credentials import Credentials

    access, refresh = api.oauth.issue_tokens(scopes=("openid",))
    token_store.save(account.account_id, Credentials(
        token=access, refresh_token=refresh, token_uri=f"{api.url}/token",
        client_id=api.oauth.client_id, client_secret=api.oauth.client_secret))
    with pytest.raises(AuthError):
        make_provider().validate_credentials(account)


def test_validate_credentials_ok(provider: GoogleProvider, account: AccountRef) -> None:
    provider.validate_credentials(account)


def test_missing_credentials_are_an_auth_error(provider: GoogleProvider) -> None:
    stranger = AccountRef(id=9, provider="google", account_id="nobody@example.com")
    with pytest.raises(AuthError, match="Reconnect"):
        provider.full_sync(stranger, None)


def test_quota_gate_waits_instead_of_calling(make_provider, api: PeopleApiEmulator,
                                             account: AccountRef) -> None:
    answers = iter([False, False, True] + [True] * 10)
    waits: list[float] = []
    gate = PollingQuotaGate(lambda cost: next(answers), period=60.0, sleep=waits.append)
    provider = make_provider(quota=gate)
    provider.list_groups(account, None)
    assert waits == [60.0, 60.0]
    assert api.api_requests == 1  # refused slots cost no request

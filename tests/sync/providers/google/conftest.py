"""Fixtures: a People API emulator, an in-memory keyring and a provider wired to both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from core.sync.contract import AccountRef, ContactBatch
from core.sync.providers.google import GoogleProvider, KeyringTokenStore, RetryPolicy
from tests.emulators.memory_keyring import MemoryKeyring, memory_keyring
from tests.emulators.people_api import PeopleApiEmulator, people_api_emulator

ACCOUNT_ID = "owner@example.com"


@pytest.fixture
def api() -> Iterator[PeopleApiEmulator]:
    with people_api_emulator() as emulator:
        yield emulator


@pytest.fixture
def keyring_backend() -> Iterator[MemoryKeyring]:
    yield from memory_keyring()


@pytest.fixture
def token_store(api: PeopleApiEmulator, keyring_backend: MemoryKeyring) -> KeyringTokenStore:
    """A keyring store already holding emulator-issued tokens for ACCOUNT_ID."""
    access, refresh = api.oauth.issue_tokens()
    creds = Credentials(
        token=access, refresh_token=refresh, token_uri=f"{api.url}/token",
        client_id=api.oauth.client_id, client_secret=api.oauth.client_secret,
        scopes=["https://www.googleapis.com/auth/contacts.readonly",
                "https://www.googleapis.com/auth/contacts.other.readonly"],
        expiry=datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1),
    )
    store = KeyringTokenStore()
    store.save(ACCOUNT_ID, creds)
    return store


@pytest.fixture
def sleeps() -> list[float]:
    """Every backoff/quota wait the provider asked for (nothing really sleeps)."""
    return []


@pytest.fixture
def make_provider(api: PeopleApiEmulator, token_store: KeyringTokenStore,
                  sleeps: list[float]) -> Callable[..., GoogleProvider]:
    def factory(**kwargs: Any) -> GoogleProvider:
        kwargs.setdefault("retry", RetryPolicy(attempts=5, base_delay=0.01,
                                               sleep=sleeps.append, jitter=lambda: 0.5))
        kwargs.setdefault("timeout", 5.0)
        return GoogleProvider(token_store, api_endpoint=api.url, **kwargs)
    return factory


@pytest.fixture
def provider(make_provider: Callable[..., GoogleProvider]) -> GoogleProvider:
    return make_provider()


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(id=1, provider="google", account_id=ACCOUNT_ID)


def run_chain(step: Callable[[str | None], ContactBatch]) -> list[ContactBatch]:
    """Drive a page chain to its end the way the sync runtime does."""
    batches = [step(None)]
    while batches[-1].next_page_token:
        batches.append(step(batches[-1].next_page_token))
        assert len(batches) < 1000, "runaway page chain"
    return batches

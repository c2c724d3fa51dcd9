"""The default password source: the OS keyring, service "kith", user carddav:{user}@{url}."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from core.sync.contract import AccountRef, AuthError
from core.sync.providers.carddav import keyring_password_lookup, keyring_username


class MemoryKeyring(KeyringBackend):
    """A real keyring backend kept in memory (the test must not touch the user's keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, broken: bool = False) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.broken = broken

    def get_password(self, service: str, username: str) -> str | None:
        if self.broken:
            raise KeyringError("locked")
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


ACCOUNT = AccountRef(id=3, provider="carddav", account_id="a",
                     settings={"url": "https://dav.example/", "username": "bob"})


def test_password_is_read_from_the_kith_service(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("kith", "carddav:bob@https://dav.example/", "hunter2")

    assert keyring_username(ACCOUNT) == "carddav:bob@https://dav.example/"
    assert keyring_password_lookup(ACCOUNT) == "hunter2"


def test_missing_entry_is_none(memory_keyring: MemoryKeyring) -> None:
    assert keyring_password_lookup(ACCOUNT) is None


def test_locked_keyring_is_an_auth_error(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.broken = True
    with pytest.raises(AuthError, match="keyring"):
        keyring_password_lookup(ACCOUNT)

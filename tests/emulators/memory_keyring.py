"""An in-memory keyring backend so tests exercise Kith's real keyring code without an OS vault."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail


class MemoryKeyring(KeyringBackend):
    """Passwords in a dict, keyed by (service, username)."""

    priority = 1  # type: ignore[assignment] - keyring declares this as a class property

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@contextmanager
def use_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """Install ``backend`` as the process keyring for the block, then restore the previous one."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def memory_keyring() -> Iterator[MemoryKeyring]:
    """Generator body for a pytest fixture."""
    with use_keyring(MemoryKeyring()) as backend:
        yield backend  # type: ignore[misc]


def no_keyring() -> Iterator[fail.Keyring]:
    """Generator body for a fixture simulating a machine without any keyring backend."""
    with use_keyring(fail.Keyring()) as backend:
        yield backend  # type: ignore[misc]

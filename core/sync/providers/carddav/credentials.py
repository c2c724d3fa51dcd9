"""The CardDAV password in the OS keyring: the ONE module that reads, writes and deletes it.

Entry: service "kith", user ``carddav:{username}@{host}/{credential_key}``, where
``credential_key`` is a random id stored in the source's settings when the source is added.
So the entry belongs to exactly one source of one database: two databases (or a test) using
the same account never overwrite each other's password, and removing a source removes its
entry. Sources added before that keep their old entry name ``carddav:{username}@{url}``.

Everything goes through the ``keyring`` package's module functions, so a backend the app
selects (``keyring.set_keyring``, e.g. a fallback when the OS has none) applies here too.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from core.sync.contract import AccountRef, AuthError, ProviderError

KEYRING_SERVICE = "kith"


class CredentialStoreError(ProviderError):
    """The password could not be stored (no usable keyring, or it refused)."""


def new_credential_key() -> str:
    """A fresh per-source id for the keyring entry name (not a secret)."""
    return secrets.token_hex(8)


def credential_name(settings: Mapping[str, Any]) -> str:
    """The keyring user name for a source's settings (see the module docstring)."""
    username = str(settings.get("username", ""))
    url = str(settings.get("url", ""))
    key = settings.get("credential_key")
    if key:
        host = urlsplit(url).hostname or ""
        return f"carddav:{username}@{host}/{key}"
    return f"carddav:{username}@{url}"


def keyring_username(account: AccountRef) -> str:
    """The keyring entry name for an account (kept for callers of the old name)."""
    return credential_name(account.settings)


def keyring_password_lookup(account: AccountRef) -> str | None:
    """Default password source for the provider: the source's own keyring entry."""
    return read_password(account.settings)


def read_password(settings: Mapping[str, Any]) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, credential_name(settings))
    except KeyringError as exc:
        raise AuthError("The system keyring could not be read; unlock it or re-enter the "
                        "CardDAV password.") from exc


def store_password(settings: Mapping[str, Any], password: str) -> None:
    """Write the source's password; :class:`CredentialStoreError` says what to do if the
    keyring cannot take it (the message never contains the password)."""
    import keyring
    import keyring.errors
    from keyring.backends import fail

    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise CredentialStoreError(
            "No usable OS keyring was found, so Kith cannot store the password safely. "
            "Install or unlock a keyring service and try again.")
    try:
        keyring.set_password(KEYRING_SERVICE, credential_name(settings), password)
    except keyring.errors.KeyringError as exc:
        raise CredentialStoreError(f"The OS keyring refused the password "
                                   f"({type(exc).__name__}); unlock it and try again.") from None


def forget_password(settings: Mapping[str, Any]) -> bool:
    """Delete the source's entry; True when one was removed (a missing one is no error)."""
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(KEYRING_SERVICE, credential_name(settings))
    except keyring.errors.KeyringError:  # includes PasswordDeleteError (no such entry)
        return False
    return True

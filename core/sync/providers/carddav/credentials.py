"""Where the CardDAV password comes from by default: the OS keyring.

Entry: service "kith", user ``carddav:{username}@{url}`` (the same name the CLI and the app
store it under). Kept apart from the provider so the secret handling is easy to audit.
"""

from __future__ import annotations

from core.sync.contract import AccountRef, AuthError

KEYRING_SERVICE = "kith"


def keyring_username(account: AccountRef) -> str:
    """The keyring entry name for an account: ``carddav:{username}@{url}``."""
    settings = account.settings
    return f"carddav:{settings.get('username', '')}@{settings.get('url', '')}"


def keyring_password_lookup(account: AccountRef) -> str | None:
    """Default password source: keyring service "kith", user ``carddav:{username}@{url}``."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_username(account))
    except KeyringError as exc:
        raise AuthError("The system keyring could not be read; unlock it or re-enter the "
                        "CardDAV password.") from exc

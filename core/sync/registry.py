"""Which provider class reads which kind of source.

The runtime never imports providers directly; the app asks ``provider_for(account)``. Tests
and the emulators pass their own factories (``overrides``) to point providers at loopback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.sync.contract import AccountRef, ContactProvider, ProviderError

ProviderFactory = Callable[[AccountRef], ContactProvider]


def _vcard(_account: AccountRef) -> ContactProvider:
    from core.sync.providers.vcard.provider import VCardProvider

    return VCardProvider()


def _google(account: AccountRef) -> ContactProvider:
    from core.sync.providers.google.auth import KeyringTokenStore
    from core.sync.providers.google.provider import GoogleProvider

    settings: dict[str, Any] = account.settings
    return GoogleProvider(KeyringTokenStore(), api_endpoint=settings.get("api_endpoint"))


def _carddav(_account: AccountRef) -> ContactProvider:
    from core.sync.providers.carddav.provider import CardDAVProvider

    return CardDAVProvider()


FACTORIES: dict[str, ProviderFactory] = {"vcard": _vcard, "google": _google, "carddav": _carddav}


def provider_for(
    account: AccountRef, overrides: dict[str, ProviderFactory] | None = None
) -> ContactProvider:
    factories = {**FACTORIES, **(overrides or {})}
    try:
        return factories[account.provider](account)
    except KeyError:
        raise ProviderError(f"Unknown provider {account.provider!r}") from None

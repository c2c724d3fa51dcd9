"""CardDAV provider: reads address books with sync-collection and addressbook-multiget."""

from core.sync.providers.carddav.card_parser import CardParser, default_card_parser
from core.sync.providers.carddav.discovery import AddressBook, DiscoveryError
from core.sync.providers.carddav.provider import (
    KEYRING_SERVICE,
    CardDAVProvider,
    keyring_password_lookup,
    keyring_username,
)

__all__ = [
    "KEYRING_SERVICE",
    "AddressBook",
    "CardDAVProvider",
    "CardParser",
    "DiscoveryError",
    "default_card_parser",
    "keyring_password_lookup",
    "keyring_username",
]

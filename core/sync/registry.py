"""Which provider class reads which kind of source.

The runtime never imports providers directly; the app asks ``provider_for(account)``. Tests
and the emulators pass their own factories (``overrides``) to point providers at loopback.
Given the database, the CardDAV provider learns the ETags Kith already holds, so a full
resync (expired token) re-downloads only the cards that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.sync.contract import AccountRef, ContactProvider, ProviderError

if TYPE_CHECKING:
    from core.db.engine import Database

ProviderFactory = Callable[[AccountRef], ContactProvider]


def _vcard(_account: AccountRef) -> ContactProvider:
    from core.sync.providers.vcard.provider import VCardProvider

    return VCardProvider()


def _csv_with(db: Database | None) -> ProviderFactory:
    """With the database, rows whose etag Kith holds are reported unchanged, not re-sent."""
    def factory(_account: AccountRef) -> ContactProvider:
        from core.sync.providers.csvfile.provider import CsvProvider

        known = (lambda account: stored_etags(db, account.id)) if db is not None else None
        return CsvProvider(known_etags=known)
    return factory


def _google_with(db: Database | None) -> ProviderFactory:
    """Google spends API calls: with the database, each call first consumes from the quota
    ledger (per account, per minute) and waits for the next period when refused."""

    def factory(account: AccountRef) -> ContactProvider:
        from core.social.quota import account_subject
        from core.sync.providers.google.auth import KeyringTokenStore
        from core.sync.providers.google.provider import GoogleProvider
        from core.sync.providers.google.quota_ledger_gate import LedgerQuotaGate

        settings: dict[str, Any] = account.settings
        quota = LedgerQuotaGate(db, account_subject(account.id)) if db is not None else None
        return GoogleProvider(KeyringTokenStore(), api_endpoint=settings.get("api_endpoint"),
                              quota=quota)
    return factory


def _carddav_with(db: Database | None) -> ProviderFactory:
    def factory(_account: AccountRef) -> ContactProvider:
        from core.sync.providers.carddav.provider import CardDAVProvider

        known = (lambda account: stored_etags(db, account.id)) if db is not None else None
        return CardDAVProvider(known_etags=known)
    return factory


def stored_etags(db: Database, account_id: int) -> dict[str, str]:
    """external id -> ETag of the account's live records (what a full resync may reuse)."""
    from sqlalchemy import select

    from core.db.models import SourceRecord

    with db.session() as s:
        rows = s.execute(select(SourceRecord.external_id, SourceRecord.etag).where(
            SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None),
            SourceRecord.etag != ""))
        return {ext: etag for ext, etag in rows}


FACTORIES: dict[str, ProviderFactory] = {
    "vcard": _vcard, "google": _google_with(None), "carddav": _carddav_with(None),
    "csv": _csv_with(None),
}


def provider_for(
    account: AccountRef,
    overrides: dict[str, ProviderFactory] | None = None,
    *,
    db: Database | None = None,
) -> ContactProvider:
    """A provider for ``account``; ``db`` lets providers consult what Kith already holds."""
    factories = {**FACTORIES, "carddav": _carddav_with(db), "google": _google_with(db),
                 "csv": _csv_with(db), **(overrides or {})}
    try:
        factory = factories[account.provider]
    except KeyError:
        raise ProviderError(f"Unknown provider {account.provider!r}") from None
    return factory(account)

"""Google People API provider: OAuth (keyring-stored tokens) and read-only contact sync."""

from core.sync.providers.google.auth import (
    KEYRING_SERVICE,
    CredentialStore,
    KeyringTokenStore,
    KeyringUnavailable,
    authorize_account,
    scopes_for,
)
from core.sync.providers.google.calls import (
    AUTH_MESSAGE,
    CallStats,
    PollingQuotaGate,
    QuotaGate,
    RetryPolicy,
    UnlimitedQuota,
)
from core.sync.providers.google.provider import GoogleProvider

__all__ = [
    "AUTH_MESSAGE",
    "KEYRING_SERVICE",
    "CallStats",
    "CredentialStore",
    "GoogleProvider",
    "KeyringTokenStore",
    "KeyringUnavailable",
    "PollingQuotaGate",
    "QuotaGate",
    "RetryPolicy",
    "UnlimitedQuota",
    "authorize_account",
    "scopes_for",
]

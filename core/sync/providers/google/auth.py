"""Google OAuth for Kith: the installed-app consent flow and token storage in the OS keyring.

The owner brings their own OAuth client JSON (Desktop app type) from the Google Cloud console;
Kith runs the loopback-redirect flow with PKCE and keeps the resulting authorized-user JSON
(refresh token included) in the OS keyring under service ``kith``, username
``google:<account>``. Nothing here logs or raises token text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import keyring
import keyring.errors
from google.auth import exceptions as auth_exceptions
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError
from keyring.backends import fail

from core.sync.contract import AuthError, TransientError
from core.sync.providers.google.calls import AUTH_MESSAGE

SCOPE_CONTACTS_READONLY = "https://www.googleapis.com/auth/contacts.readonly"
SCOPE_OTHER_CONTACTS_READONLY = "https://www.googleapis.com/auth/contacts.other.readonly"
KEYRING_SERVICE = "kith"
SUCCESS_PAGE = "Kith is now connected to your Google account. You can close this tab."


class KeyringUnavailable(AuthError):
    """No OS keyring backend: Kith refuses to store Google tokens anywhere less safe.

    An :class:`AuthError` so the runtime treats it as "the owner must act", not as retryable.
    """

    def __init__(self) -> None:
        super().__init__(
            "No usable OS keyring was found, so Kith cannot store Google credentials safely. "
            "Install or unlock a keyring service (GNOME Keyring/KWallet via Secret Service, "
            "macOS Keychain or Windows Credential Locker), then connect the account again."
        )


def scopes_for(other_contacts: bool) -> list[str]:
    """Read-only scopes; "other contacts" needs its own scope."""
    scopes = [SCOPE_CONTACTS_READONLY]
    if other_contacts:
        scopes.append(SCOPE_OTHER_CONTACTS_READONLY)
    return scopes


def _trusted_token_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"))


def keyring_username(account_id: str) -> str:
    return f"google:{account_id}"


class CredentialStore(Protocol):
    """Where a provider loads an account's Google credentials and saves refreshed ones."""

    def load(self, account_id: str) -> Credentials:
        """The stored credentials; raise :class:`AuthError` if there are none."""

    def save(self, account_id: str, credentials: Credentials) -> None: ...


class KeyringTokenStore:
    """Authorized-user JSON in the OS keyring (service ``kith``, user ``google:<account>``)."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self._service = service

    @staticmethod
    def _backend() -> Any:
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            raise KeyringUnavailable()
        return backend

    def load(self, account_id: str) -> Credentials:
        try:
            text = self._backend().get_password(self._service, keyring_username(account_id))
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable() from exc
        if not text:
            raise AuthError(f"No Google credentials stored for {account_id}: connect the "
                            "account in Kith (Sources -> Reconnect)")
        try:
            info = json.loads(text)
            credentials = Credentials.from_authorized_user_info(info, info.get("scopes"))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise AuthError(AUTH_MESSAGE) from None
        # google-auth resets token_uri to Google's; keep the one from the owner's client JSON
        # (it is what issued the refresh token), but only over TLS or to this machine.
        token_uri = info.get("token_uri")
        if token_uri and token_uri != credentials.token_uri and _trusted_token_uri(token_uri):
            expiry = credentials.expiry
            credentials = credentials.with_token_uri(token_uri)
            credentials.expiry = expiry  # the copy drops it; without it we never refresh early
        return credentials

    def save(self, account_id: str, credentials: Credentials) -> None:
        try:
            self._backend().set_password(self._service, keyring_username(account_id),
                                         credentials.to_json())
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable() from exc

    def delete(self, account_id: str) -> None:
        """Forget the account's tokens (disconnect); missing entries are fine."""
        try:
            self._backend().delete_password(self._service, keyring_username(account_id))
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable() from exc


class _ReportingFlow(InstalledAppFlow):
    """InstalledAppFlow that hands the consent URL to a callback (UI dialog, test, CLI)."""

    on_url: Callable[[str], None] | None = None

    def authorization_url(self, **kwargs: Any) -> tuple[str, str]:
        url, state = super().authorization_url(**kwargs)
        if self.on_url is not None:
            self.on_url(url)
        return url, state


def authorize_account(
    client_secrets_file: str | Path,
    account_id: str,
    store: CredentialStore,
    *,
    other_contacts: bool = False,
    open_browser: bool = True,
    on_url: Callable[[str], None] | None = None,
    timeout_seconds: float | None = 300,
    port: int = 0,
) -> Credentials:
    """Run the consent flow (loopback redirect on 127.0.0.1) and store the tokens.

    ``on_url`` receives the consent URL (to show it when no browser opens). Returns the
    credentials already saved in ``store``. Failures raise :class:`AuthError` without secrets.
    """
    try:
        flow = _ReportingFlow.from_client_secrets_file(
            str(client_secrets_file), scopes=scopes_for(other_contacts))
    except (OSError, ValueError) as exc:
        raise AuthError("The Google OAuth client file could not be read: download the "
                        "Desktop-app client JSON from the Google Cloud console again") from exc
    flow.on_url = on_url
    try:
        credentials = flow.run_local_server(
            host="127.0.0.1", port=port, open_browser=open_browser,
            authorization_prompt_message=None if on_url else
            "Open this URL in your browser to connect Kith to Google: {url}",
            success_message=SUCCESS_PAGE, timeout_seconds=timeout_seconds,
            access_type="offline", prompt="consent",
        )
    except WSGITimeoutError:
        raise AuthError("Google sign-in timed out: start Sources -> Connect again") from None
    except Exception as exc:  # noqa: BLE001 - oauthlib raises many types; none may leak text
        raise AuthError(f"Google sign-in failed ({type(exc).__name__}): try again") from None
    store.save(account_id, credentials)
    return credentials


def refresh_credentials(credentials: Credentials) -> None:
    """Refresh an expired access token at the client JSON's ``token_uri``.

    A revoked or expired grant (``invalid_grant``) raises :class:`AuthError`; a token endpoint
    that is unreachable raises :class:`TransientError`.
    """
    if not credentials.refresh_token:
        raise AuthError(AUTH_MESSAGE)
    try:
        credentials.refresh(Request())
    except auth_exceptions.RefreshError as exc:
        if getattr(exc, "retryable", False):
            raise TransientError("Google token endpoint is temporarily unavailable") from None
        raise AuthError(AUTH_MESSAGE) from None
    except auth_exceptions.TransportError:
        raise TransientError("Network error while refreshing the Google token") from None

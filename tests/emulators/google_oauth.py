"""OAuth 2.0 state of the emulated Google authorization server.

Covers what Kith's installed-app flow touches: one registered client, authorization codes bound
to a loopback redirect URI and a PKCE challenge, the ``authorization_code`` and
``refresh_token`` grants, revocation (``invalid_grant`` afterwards) and bearer-token checks.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

CONTACTS_READONLY = "https://www.googleapis.com/auth/contacts.readonly"
CONTACTS = "https://www.googleapis.com/auth/contacts"
OTHER_READONLY = "https://www.googleapis.com/auth/contacts.other.readonly"


class OAuthError(Exception):
    """An OAuth error response: ``error`` code (e.g. ``invalid_grant``) and HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(slots=True)
class _Code:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    challenge: str
    method: str


@dataclass(slots=True)
class _Access:
    scopes: tuple[str, ...]
    refresh: str | None
    expires_at: float


class OAuthState:
    """Clients, codes and tokens; access tokens expire after ``access_lifetime`` real seconds."""

    def __init__(self, access_lifetime: int = 3600) -> None:
        self.lock = threading.Lock()
        self.client_id = "kith-test.apps.googleusercontent.com"
        self.client_secret = "emulator-client-secret"
        self.access_lifetime = access_lifetime
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, tuple[str, ...]] = {}
        self._access: dict[str, _Access] = {}
        self.token_requests = 0

    def client_config(self, base_url: str) -> dict[str, object]:
        """The installed-app client JSON an owner downloads from the Cloud console."""
        return {"installed": {
            "client_id": self.client_id, "client_secret": self.client_secret,
            "project_id": "kith-emulator", "auth_uri": f"{base_url}/o/oauth2/auth",
            "token_uri": f"{base_url}/token",
            "auth_provider_x509_cert_url": f"{base_url}/oauth2/v1/certs",
            "redirect_uris": ["http://localhost"],
        }}

    # -- browser step --------------------------------------------------------------------

    def authorize(self, params: dict[str, str]) -> str:
        """Consent is always granted: return the redirect URL carrying code and state."""
        if params.get("client_id") != self.client_id:
            raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
        redirect = params.get("redirect_uri", "")
        host = urlparse(redirect).hostname
        if host not in ("localhost", "127.0.0.1", "::1") or params.get("response_type") != "code":
            raise OAuthError("invalid_request", "redirect_uri or response_type not allowed")
        code = "4/" + secrets.token_urlsafe(24)
        scopes = tuple(params.get("scope", "").split())
        with self.lock:
            self._codes[code] = _Code(self.client_id, redirect, scopes,
                                      params.get("code_challenge", ""),
                                      params.get("code_challenge_method", "plain"))
        query = {"state": params.get("state", ""), "code": code, "scope": " ".join(scopes)}
        return f"{redirect}?{urlencode(query)}"

    # -- token endpoint ------------------------------------------------------------------

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> dict[str, object]:
        """Answer a POST /token body or raise :class:`OAuthError`."""
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        with self.lock:
            self.token_requests += 1
            if client_id != self.client_id or secret != self.client_secret:
                raise OAuthError("invalid_client", "Unauthorized", 401)
            grant = form.get("grant_type")
            if grant == "authorization_code":
                return self._exchange_code(form)
            if grant == "refresh_token":
                scopes = self._refresh.get(form.get("refresh_token", ""))
                if scopes is None:
                    raise OAuthError("invalid_grant", "Token has been expired or revoked.")
                return self._access_response(scopes, form["refresh_token"])
            raise OAuthError("unsupported_grant_type", "Invalid grant_type")

    def _exchange_code(self, form: dict[str, str]) -> dict[str, object]:
        code = self._codes.pop(form.get("code", ""), None)
        if code is None or code.redirect_uri != form.get("redirect_uri"):
            raise OAuthError("invalid_grant", "Malformed auth code.")
        verifier = form.get("code_verifier", "")
        if code.challenge:
            if code.method == "S256":
                digest = hashlib.sha256(verifier.encode("ascii")).digest()
                expected = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
            else:
                expected = verifier
            if expected != code.challenge:
                raise OAuthError("invalid_grant", "Invalid code verifier.")
        refresh = "1//" + secrets.token_urlsafe(32)
        self._refresh[refresh] = code.scopes
        response = self._access_response(code.scopes, refresh)
        response["refresh_token"] = refresh
        return response

    def _access_response(self, scopes: tuple[str, ...], refresh: str | None) -> dict[str, object]:
        access = "ya29." + secrets.token_urlsafe(32)
        self._access[access] = _Access(scopes, refresh, time.time() + self.access_lifetime)
        return {"access_token": access, "expires_in": self.access_lifetime,
                "scope": " ".join(scopes), "token_type": "Bearer"}

    # -- test hooks ----------------------------------------------------------------------

    def issue_tokens(self, scopes: tuple[str, ...] = (CONTACTS_READONLY, OTHER_READONLY)
                     ) -> tuple[str, str]:
        """Skip the browser: an (access, refresh) pair as if consent had just been given."""
        with self.lock:
            refresh = "1//" + secrets.token_urlsafe(32)
            self._refresh[refresh] = scopes
            access = str(self._access_response(scopes, refresh)["access_token"])
            return access, refresh

    def revoke(self, refresh_token: str | None = None) -> None:
        """Revoke one refresh token (or all) and every access token minted from it."""
        with self.lock:
            victims = [refresh_token] if refresh_token else list(self._refresh)
            for rt in victims:
                self._refresh.pop(rt, None)
            self._access = {k: v for k, v in self._access.items()
                            if v.refresh not in victims}

    def expire_access_tokens(self) -> None:
        with self.lock:
            for access in self._access.values():
                access.expires_at = 0.0

    def check_bearer(self, header: str | None) -> tuple[str, ...] | None:
        """Scopes of a valid ``Authorization: Bearer`` header, or None."""
        if not header or not header.startswith("Bearer "):
            return None
        with self.lock:
            access = self._access.get(header[7:].strip())
            if access is None or access.expires_at < time.time():
                return None
            return access.scopes

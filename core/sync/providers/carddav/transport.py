"""HTTP for CardDAV: authentication choice, redirects, retries and error mapping.

Everything network-shaped is decided here so the provider only sees three outcomes: a
response, :class:`AuthError` (the owner must act) or :class:`TransientError` (try later).
The password is held only in the ``requests`` auth object; messages never include it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from core.sync.contract import AuthError, ProviderError, TransientError
from core.sync.providers.carddav.tls import PinnedAdapter, certificate_error

_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 5
#: 5xx answers that describe the request, not the server's health: retrying cannot help.
_NOT_RETRIED = (501, 505)


def redact_url(url: str) -> str:
    """The URL without any ``user:password@`` part, safe for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class DavTransport:
    """One authenticated, retrying HTTP channel to a CardDAV server.

    Credentials are sent only after the server asks for them (401), using the scheme it
    offers: Digest when its ``WWW-Authenticate`` says so, Basic otherwise. The chosen scheme
    is then kept for later requests so each page does not pay the challenge again.
    """

    def __init__(
        self,
        username: str,
        password_source: Callable[[], str | None],
        *,
        timeout: float = 30.0,
        max_attempts: int = 4,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
        ca_cert: str | None = None,
        trust_fingerprint: str | None = None,
        source_id: int | None = None,
    ) -> None:
        self._username = username
        self._password_source = password_source
        self._timeout = timeout
        self._max_attempts = max(1, max_attempts)
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._sleep = sleep
        self._session = session or requests.Session()
        self._auth: AuthBase | None = None
        #: Which source this is (for messages that name the command to run), if any.
        self._source_id = source_id
        self._ca_cert = ca_cert or None
        self._pinned = trust_fingerprint or None
        # Per request, not session.verify: requests lets REQUESTS_CA_BUNDLE override that.
        # A pinned certificate replaces the CA check (for this account's session only).
        self._verify: bool | str = False if self._pinned else (self._ca_cert or True)
        if self._pinned:
            self._session.mount("https://", PinnedAdapter(self._pinned))

    def close(self) -> None:
        self._session.close()

    # -- public ------------------------------------------------------------------------------
    def request(
        self, method: str, url: str, body: bytes | None = None, depth: str | None = None,
        *, stream: bool = False,
    ) -> requests.Response:
        """Send with auth, same-method redirects and retries; 401 becomes :class:`AuthError`.

        Other 4xx statuses are returned to the caller, which knows what they mean (a 403 on
        sync-collection may be an expired token, not a permission problem). ``stream`` leaves
        the body unread so a big answer can be parsed while it arrives; the caller must then
        close the response.
        """
        headers = {"Content-Type": "application/xml; charset=utf-8"}
        if depth is not None:
            headers["Depth"] = depth
        for _hop in range(_MAX_REDIRECTS + 1):
            response = self._send_with_auth(method, url, body, headers, stream)
            if response.status_code in _REDIRECTS and "Location" in response.headers:
                response.close()
                target = urljoin(url, response.headers["Location"])
                if urlsplit(url).scheme == "https" and urlsplit(target).scheme != "https":
                    raise ProviderError(f"{redact_url(url)} redirects to an unencrypted address; "
                                        "refusing to send the login there.")
                url = target
                continue
            return response
        raise ProviderError(f"Too many redirects at {redact_url(url)}")

    # -- internals ---------------------------------------------------------------------------
    def _send_with_auth(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str],
        stream: bool = False,
    ) -> requests.Response:
        response = self._send_retrying(method, url, body, headers, stream)
        if response.status_code != 401:
            return response
        response.close()
        if self._auth is None and self._username:
            self._auth = self._choose_auth(response)
            response = self._send_retrying(method, url, body, headers, stream)
            if response.status_code != 401:
                return response
            response.close()
        raise AuthError(
            f"The CardDAV server at {redact_url(url)} rejected the login for user "
            f"{self._username!r}. {self._reenter()}"
            if self._username else
            f"The CardDAV server at {redact_url(url)} requires a login. Add a user name and "
            "password to this account."
        )

    def _reenter(self) -> str:
        """Where the owner re-enters the password (the command names this source)."""
        if self._source_id:
            return (f"Re-enter the password with `kith sources password {self._source_id}` "
                    "(or the source's password action in the Sources panel).")
        return "Check the user name and password."

    def _choose_auth(self, challenge: requests.Response) -> AuthBase:
        password = self._password_source()
        if not password:
            raise AuthError(
                f"No password is stored for CardDAV user {self._username!r}. "
                f"{self._reenter()}"
            )
        offered = challenge.headers.get("WWW-Authenticate", "").lower()
        if "digest" in offered:
            return HTTPDigestAuth(self._username, password)
        return HTTPBasicAuth(self._username, password)

    def _send_retrying(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str],
        stream: bool = False,
    ) -> requests.Response:
        """Retry connection errors, 429 and 5xx with exponential backoff and full jitter."""
        reason = ""
        retry_after: float | None = None
        for attempt in range(self._max_attempts):
            if attempt:
                delay = self._backoff(attempt, retry_after)
                self._sleep(delay)
            try:
                response = self._session.request(
                    method, url, data=body, headers=headers, auth=self._auth,
                    timeout=self._timeout, allow_redirects=False, stream=stream,
                    verify=self._verify,
                )
            except requests.exceptions.SSLError as exc:
                # Not an outage: retrying cannot make an untrusted certificate trusted.
                raise certificate_error(exc, url, redact_url(url), pinned=self._pinned,
                                        ca_cert=self._ca_cert,
                                        source_id=self._source_id) from None
            except requests.exceptions.ChunkedEncodingError:
                reason = "the connection broke in the middle of the answer"
                retry_after = None
                continue
            except (requests.ConnectionError, requests.Timeout) as exc:
                reason = f"could not connect ({type(exc).__name__})"
                retry_after = None
                continue
            if response.status_code == 429 or (
                response.status_code >= 500 and response.status_code not in _NOT_RETRIED
            ):
                reason = f"HTTP {response.status_code}"
                retry_after = _retry_after_seconds(response)
                response.close()
                continue
            return response
        raise TransientError(
            f"The CardDAV server at {redact_url(url)} is unavailable ({reason}) after "
            f"{self._max_attempts} attempts; will retry later.",
            retry_after=retry_after,
        )

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        cap = min(self._max_delay, self._base_delay * (2 ** (attempt - 1)))
        delay = cap / 2 + random.uniform(0, cap / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self._max_delay))
        return delay


def _retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    return None


def raise_for_dav_status(response: requests.Response, what: str) -> None:
    """Map an unexpected final status to an actionable provider error."""
    code = response.status_code
    if 200 <= code < 300:
        return
    where = redact_url(response.url or "")
    if code == 403:
        raise AuthError(f"The CardDAV account may not {what} at {where} (HTTP 403). "
                        "Check the user name and the server's sharing rights.")
    if code == 404:
        raise ProviderError(f"Nothing found at {where} while trying to {what} (HTTP 404). "
                            "Check the CardDAV URL.")
    raise ProviderError(f"The CardDAV server answered HTTP {code} while trying to {what} "
                        f"at {where}.")

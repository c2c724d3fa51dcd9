"""A loopback HTTP emulator of Google People API v1 plus Google's OAuth endpoints.

Why: provider tests must drive the real google-api-python-client and google-auth stacks over
real HTTP, with the behaviours that matter for sync (paging, sync tokens that expire, deletions,
resourceName changes, 429/5xx bursts, revoked grants) and no network. Data lives in
:class:`~tests.emulators.people_store.PeopleStore` (``emulator.store``) and OAuth state in
:class:`~tests.emulators.google_oauth.OAuthState` (``emulator.oauth``).

Usage::

    with PeopleApiEmulator() as api:
        api.store.add_person({"names": [{"displayName": "Ada"}]})
        access, refresh = api.oauth.issue_tokens()
        ... build("people", "v1", client_options={"api_endpoint": api.url}) ...
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.emulators.google_oauth import (
    CONTACTS,
    CONTACTS_READONLY,
    OTHER_READONLY,
    OAuthError,
    OAuthState,
)
from tests.emulators.people_store import CONNECTIONS, OTHER, PeopleStore, SyncTokenExpired

PERSON_FIELDS = frozenset({
    "addresses", "ageRanges", "biographies", "birthdays", "calendarUrls", "clientData",
    "coverPhotos", "emailAddresses", "events", "externalIds", "fileAses", "genders", "imClients",
    "interests", "locales", "locations", "memberships", "metadata", "miscKeywords", "names",
    "nicknames", "occupations", "organizations", "phoneNumbers", "photos", "relations",
    "sipAddresses", "skills", "urls", "userDefined",
})
OTHER_FIELDS = frozenset({"emailAddresses", "metadata", "names", "phoneNumbers", "photos"})
EXPIRED_MESSAGE = "Sync token is expired. Clear local cache and retry call without the sync token."
_IGNORED_PARAMS = {"pageToken", "alt", "prettyPrint", "key", "fields"}


class ApiError(Exception):
    """A Google-style JSON error (``{"error": {code, message, status, details}}``)."""

    def __init__(self, code: int, status: str, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.code, self.status, self.message, self.reason = code, status, message, reason

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message,
                                 "status": self.status}
        if self.reason:
            error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                 "reason": self.reason, "domain": "googleapis.com",
                                 "metadata": {"service": "people.googleapis.com"}}]
        return {"error": error}


def _bad(message: str) -> ApiError:
    return ApiError(400, "INVALID_ARGUMENT", message)


@dataclass(slots=True)
class _Listing:
    """One page chain's frozen snapshot, so pages stay consistent while data changes."""

    fingerprint: str
    names: list[str]
    seq: int
    kind: str
    sync: bool
    lid: str = ""


class PeopleApiEmulator:
    """The server; start with ``with`` (or :meth:`start`/:meth:`stop`); ``url`` has no slash."""

    def __init__(self) -> None:
        self.store = PeopleStore(now=time.time())
        self.oauth = OAuthState()
        self.requests: Counter[str] = Counter()
        self.faults_served = 0
        self._faults: deque[tuple[str, float | None]] = deque()
        self._listings: dict[str, _Listing] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "emulator not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PeopleApiEmulator:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True, name="people-api-emulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> PeopleApiEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test hooks ----------------------------------------------------------------------

    def inject_fault(self, kind: str, count: int = 1, retry_after: float | None = None) -> None:
        """The next ``count`` API requests fail: ``"429"``, ``"500"``, ``"503"`` or ``"drop"``."""
        if kind not in ("429", "500", "503", "drop"):
            raise ValueError(kind)
        with self._lock:
            self._faults.extend([(kind, retry_after)] * count)

    def client_config(self) -> dict[str, object]:
        return self.oauth.client_config(self.url)

    @property
    def api_requests(self) -> int:
        """Requests to /v1/... endpoints served so far, faults included."""
        return sum(v for k, v in self.requests.items() if k.startswith("v1:"))

    def _take_fault(self) -> tuple[str, float | None] | None:
        with self._lock:
            if self._faults:
                self.faults_served += 1
                return self._faults.popleft()
            return None

    # -- listings ------------------------------------------------------------------------

    def list_people(self, kind: str, params: dict[str, str]) -> str:
        """Answer connections.list / otherContacts.list: the JSON response text."""
        mask_param = "personFields" if kind == CONNECTIONS else "readMask"
        allowed = PERSON_FIELDS if kind == CONNECTIONS else OTHER_FIELDS
        fields = {f.strip() for f in params.get(mask_param, "").split(",") if f.strip()}
        if not fields:
            raise _bad(f"{mask_param} mask is required. Please specify one or more valid paths.")
        if not fields <= allowed:
            raise _bad(f"Invalid {mask_param} path: {sorted(fields - allowed)[0]}")
        size = int(params.get("pageSize", "0") or 0) or 100
        if not 1 <= size <= 1000:
            raise _bad("pageSize must be between 1 and 1000.")
        listing, offset = self._listing(kind, params)
        with_previous = "syncToken" in params
        items = [text for n in listing.names[offset:offset + size]
                 if (text := self.store.render_json(kind, n, fields, with_previous))]
        out: dict[str, Any] = {}
        if kind == CONNECTIONS:
            out["totalPeople"] = out["totalItems"] = len(listing.names)
        else:
            out["totalSize"] = len(listing.names)
        if offset + size < len(listing.names):
            out["nextPageToken"] = self._page_token(listing, offset + size)
        elif listing.sync:
            out["nextSyncToken"] = self.store.issue_sync_token(kind, listing.seq)
        tail = json.dumps(out)
        if not items:
            return tail
        key = "connections" if kind == CONNECTIONS else "otherContacts"
        return f'{{"{key}": [{", ".join(items)}], {tail[1:]}'

    def _listing(self, kind: str, params: dict[str, str]) -> tuple[_Listing, int]:
        fingerprint = json.dumps(sorted((k, v) for k, v in params.items()
                                        if k not in _IGNORED_PARAMS))
        token = params.get("pageToken")
        if token:
            try:
                lid, offset_text = base64.urlsafe_b64decode(token.encode()).decode().split(":")
                listing = self._listings[lid]
                offset = int(offset_text)
            except (ValueError, KeyError, UnicodeDecodeError) as exc:
                raise _bad("Invalid pageToken.") from exc
            if listing.fingerprint != fingerprint or listing.kind != kind:
                raise _bad("Parameters provided with the page token must match the first call "
                           "that provided the page token.")
            return listing, offset
        with self.store.lock:
            seq = self.store.seq
            sync_token = params.get("syncToken")
            if sync_token:
                try:
                    since = self.store.check_sync_token(kind, sync_token)
                except SyncTokenExpired as exc:
                    raise ApiError(400, "FAILED_PRECONDITION", EXPIRED_MESSAGE,
                                   "EXPIRED_SYNC_TOKEN") from exc
                names = self.store.changes_since(kind, since)
            else:
                names = self.store.full_listing(kind)
        wants_sync = bool(sync_token) or params.get("requestSyncToken", "").lower() == "true"
        return _Listing(fingerprint, names, seq, kind, wants_sync), 0

    def _page_token(self, listing: _Listing, offset: int) -> str:
        if not listing.lid:
            listing.lid = secrets.token_hex(8)
            with self._lock:
                self._listings[listing.lid] = listing
        return base64.urlsafe_b64encode(f"{listing.lid}:{offset}".encode()).decode()

    def list_groups(self, params: dict[str, str]) -> dict[str, Any]:
        groups = self.store.groups()
        size = int(params.get("pageSize", "0") or 0) or 30
        if not 1 <= size <= 1000:
            raise _bad("pageSize must be between 1 and 1000.")
        offset = int(params.get("pageToken") or 0)
        out: dict[str, Any] = {"contactGroups": groups[offset:offset + size],
                               "totalItems": len(groups)}
        if offset + size < len(groups):
            out["nextPageToken"] = str(offset + size)
        else:
            out["nextSyncToken"] = secrets.token_urlsafe(12)
        return out


class _Handler(BaseHTTPRequestHandler):
    """Routes one request; the class attribute ``emulator`` is set per server."""

    emulator: PeopleApiEmulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silence the per-request stderr line (tests stay quiet)."""

    def _send(self, status: int, body: dict[str, Any] | str | None,
              headers: dict[str, str] | None = None) -> None:
        if isinstance(body, str):
            data = body.encode()
        else:
            data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if parts.path == "/o/oauth2/auth":
            self.emulator.requests["auth"] += 1
            try:
                location = self.emulator.oauth.authorize(params)
            except OAuthError as exc:
                self._send(exc.status, {"error": exc.error, "error_description": exc.description})
                return
            self._send(302, None, {"Location": location})
            return
        routes = {"/v1/people/me/connections": "connections", "/v1/otherContacts": "other",
                  "/v1/contactGroups": "groups"}
        route = routes.get(parts.path)
        self.emulator.requests[f"v1:{route or parts.path}"] += 1
        fault = self.emulator._take_fault()
        if fault is not None:
            self._fault(*fault)
            return
        try:
            if route is None:
                raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
            self._check_auth(route)
            body: dict[str, Any] | str
            if route == "connections":
                body = self.emulator.list_people(CONNECTIONS, params)
            elif route == "other":
                body = self.emulator.list_people(OTHER, params)
            else:
                body = self.emulator.list_groups(params)
        except ApiError as exc:
            self._send(exc.code, exc.body())
            return
        self._send(200, body)

    def _check_auth(self, route: str) -> None:
        scopes = self.emulator.oauth.check_bearer(self.headers.get("Authorization"))
        if scopes is None:
            raise ApiError(401, "UNAUTHENTICATED",
                           "Request had invalid authentication credentials. Expected OAuth 2 "
                           "access token, login cookie or other valid authentication "
                           "credential.", "ACCESS_TOKEN_TYPE_UNSUPPORTED")
        needed = {OTHER_READONLY} if route == "other" else {CONTACTS_READONLY, CONTACTS}
        if not needed & set(scopes):
            raise ApiError(403, "PERMISSION_DENIED",
                           "Request had insufficient authentication scopes.",
                           "ACCESS_TOKEN_SCOPE_INSUFFICIENT")

    def _fault(self, kind: str, retry_after: float | None) -> None:
        if kind == "drop":
            self.close_connection = True
            return
        headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else None
        if kind == "429":
            error = ApiError(429, "RESOURCE_EXHAUSTED",
                             "Quota exceeded for quota metric 'Read requests' and limit 'Read "
                             "requests per minute per user' of service 'people.googleapis.com'.",
                             "RATE_LIMIT_EXCEEDED")
        elif kind == "503":
            error = ApiError(503, "UNAVAILABLE", "The service is currently unavailable.")
        else:
            error = ApiError(500, "INTERNAL", "Internal error encountered.")
        self._send(error.code, error.body(), headers)

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if urlsplit(self.path).path != "/token":
            self._send(404, ApiError(404, "NOT_FOUND", "Not found.").body())
            return
        self.emulator.requests["token"] += 1
        form = dict(parse_qsl(raw, keep_blank_values=True))
        if raw.lstrip().startswith("{"):
            form = {k: str(v) for k, v in json.loads(raw).items()}
        basic = None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            basic = (user, password)
        try:
            self._send(200, self.emulator.oauth.token(form, basic),
                       {"Cache-Control": "no-store"})
        except OAuthError as exc:
            self._send(exc.status, {"error": exc.error, "error_description": exc.description})


@contextmanager
def people_api_emulator() -> Iterator[PeopleApiEmulator]:
    """Context manager / pytest fixture body: a started emulator, stopped afterwards."""
    emulator = PeopleApiEmulator().start()
    try:
        yield emulator
    finally:
        emulator.stop()

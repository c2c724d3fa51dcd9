"""Fixtures for the CardDAV provider tests: real servers (Radicale, Xandikos) and providers.

``dav_server`` runs a test once against Radicale and once against Xandikos, so a difference
between servers breaks CI rather than a user's sync.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from core.sync.contract import AccountRef
from core.sync.providers.carddav import CardDAVProvider
from tests.servers.radicale import (  # noqa: F401 - fixtures are used by name
    AUTH_PASSWORD,
    AUTH_USER,
    RadicaleServer,
    radicale_auth_server,
    radicale_server,
    run_radicale,
)
from tests.servers.xandikos import (  # noqa: F401 - fixtures are used by name
    XandikosServer,
    run_xandikos,
    xandikos_server,
    xandikos_tls_server,
)

#: Either real server; both offer the same helper methods.
DavServer = RadicaleServer | XandikosServer


@pytest.fixture(params=["radicale", "xandikos"])
def dav_server(request, tmp_path: Path) -> Iterator[DavServer]:
    """A real CardDAV server without password checks: Radicale, then Xandikos."""
    if request.param == "radicale":
        with run_radicale(tmp_path / "radicale") as server:
            yield server
    else:
        with run_xandikos(tmp_path / "xandikos") as server:
            yield server


def request_kind(method: str, body: bytes) -> str:
    """What a CardDAV request asks for: ctag, sync-collection, multiget, propfind, ..."""
    if method == "PROPFIND" and b"getctag" in body:
        return "ctag"
    if method == "REPORT" and b"sync-collection" in body:
        return "sync-collection+data" if b"address-data" in body else "sync-collection"
    if method == "REPORT" and b"addressbook-multiget" in body:
        return "multiget"
    return method.lower()


class CountingSession(requests.Session):
    """A real session that records every request by kind, to assert what was asked for.

    The provider reads ahead on a second thread, so the log is appended to under a lock.
    """

    def __init__(self) -> None:
        super().__init__()
        self.multigets = 0
        self.multiget_hrefs = 0
        self.requests = 0
        self.kinds: list[str] = []
        self._lock = threading.Lock()

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        body = kwargs.get("data") or b""
        with self._lock:
            self.requests += 1
            self.kinds.append(request_kind(method, body))
            if method == "REPORT" and b"addressbook-multiget" in body:
                self.multigets += 1
                self.multiget_hrefs += body.count(b"<D:href>")
        return super().request(method, url, *args, **kwargs)

    def reset(self) -> None:
        with self._lock:
            self.kinds.clear()
            self.multigets = self.multiget_hrefs = self.requests = 0


def account_for(server: DavServer, url: str | None = None, **settings: str) -> AccountRef:
    values = {"url": url or server.url, "username": server.user, **settings}
    return AccountRef(id=1, provider="carddav", account_id=f"{server.user}@test", settings=values)


@pytest.fixture
def counting_session() -> CountingSession:
    return CountingSession()


@pytest.fixture
def make_provider(counting_session: CountingSession) -> Callable[..., CardDAVProvider]:
    """Build a provider with the test password, fast retries and the counting session."""

    def factory(**kwargs) -> CardDAVProvider:
        kwargs.setdefault("password_lookup", lambda account: AUTH_PASSWORD)
        kwargs.setdefault("base_delay", 0.001)
        kwargs.setdefault("session_factory", lambda: counting_session)
        return CardDAVProvider(**kwargs)

    return factory

"""Fixtures for the CardDAV provider tests: real Radicale servers and provider factories."""

from __future__ import annotations

from collections.abc import Callable

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
)


class CountingSession(requests.Session):
    """A real session that counts requests by kind, to assert how much was fetched."""

    def __init__(self) -> None:
        super().__init__()
        self.multigets = 0
        self.multiget_hrefs = 0
        self.requests = 0

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        self.requests += 1
        body = kwargs.get("data") or b""
        if method == "REPORT" and b"addressbook-multiget" in body:
            self.multigets += 1
            self.multiget_hrefs += body.count(b"<D:href>")
        return super().request(method, url, *args, **kwargs)


def account_for(server: RadicaleServer, url: str | None = None, **settings: str) -> AccountRef:
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

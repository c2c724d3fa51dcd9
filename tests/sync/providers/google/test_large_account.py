"""A 50,000-contact account: the emulator holds it cheaply and the chain stays 50 pages."""

from __future__ import annotations

import time

import pytest

from core.sync.contract import AccountRef
from core.sync.providers.google import GoogleProvider
from tests.emulators.people_api import PeopleApiEmulator
from tests.sync.providers.google.conftest import run_chain


@pytest.mark.slow
def test_fifty_thousand_contacts(api: PeopleApiEmulator, provider: GoogleProvider,
                                 account: AccountRef) -> None:
    started = time.perf_counter()
    api.store.generate_persons(50_000)
    assert time.perf_counter() - started < 10  # lazy: no person JSON is built up front

    # Stream the chain like the runtime does (keeping 50,000 contacts alive is not the point).
    pages = total = 0
    token: str | None = None
    while True:
        batch = provider.full_sync(account, token)
        pages += 1
        total += len(batch.contacts)
        token, cursor = batch.next_page_token, batch.next_sync_cursor
        if not token:
            break
    assert (pages, total) == (50, 50_000)
    assert api.requests["v1:connections"] == 50

    # One edit among 50,000: the incremental chain is one small page.
    api.store.update_person("people/g0012345", {"names": [{"displayName": "Edited"}]})
    assert cursor
    changed = run_chain(lambda token: provider.incremental_sync(account, cursor, token))
    assert [c.name.full for b in changed for c in b.contacts] == ["Edited"]

"""Fixtures and helpers shared by the sync runtime, fault and CLI tests.

Real components only: a migrated SQLite file, the People API emulator on loopback with the
real google-api-python-client, an in-memory keyring backend, vCard folders on disk.
Import the fixtures you need into a test module (``from tests.sync.runtime_support import
...``); they are not in a conftest so they cannot clash with the provider test fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from sqlalchemy import func, select

from core.db.engine import Database, open_database
from core.db.models import Handle, Party, SourceRecord, SyncState
from core.sync.providers.google import GoogleProvider, KeyringTokenStore, RetryPolicy
from core.sync.sources import add_source
from tests.emulators.memory_keyring import MemoryKeyring, memory_keyring
from tests.emulators.people_api import PeopleApiEmulator, people_api_emulator

GOOGLE_ACCOUNT = "owner@example.com"


def vcard(uid: str, name: str, email: str = "", phone: str = "") -> str:
    family, _, given = name.partition(" ")[::-1]
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}",
             f"N:{family};{given};;;"]
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{email}")
    if phone:
        lines.append(f"TEL;TYPE=CELL:{phone}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def google_credentials(api: PeopleApiEmulator) -> Credentials:
    access, refresh = api.oauth.issue_tokens()
    return Credentials(
        token=access, refresh_token=refresh, token_uri=f"{api.url}/token",
        client_id=api.oauth.client_id, client_secret=api.oauth.client_secret,
        scopes=["https://www.googleapis.com/auth/contacts.readonly",
                "https://www.googleapis.com/auth/contacts.other.readonly"],
        expiry=datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1),
    )


@pytest.fixture
def rt_db(sqlite_migrated_url: str) -> Iterator[Database]:
    database = open_database(sqlite_migrated_url)
    yield database
    database.dispose()


@pytest.fixture
def rt_api() -> Iterator[PeopleApiEmulator]:
    with people_api_emulator() as emulator:
        yield emulator


@pytest.fixture
def rt_keyring() -> Iterator[MemoryKeyring]:
    yield from memory_keyring()


@pytest.fixture
def rt_sleeps() -> list[float]:
    return []


@pytest.fixture
def google_provider(rt_api: PeopleApiEmulator, rt_keyring: MemoryKeyring,
                    rt_sleeps: list[float]) -> Callable[..., GoogleProvider]:
    """Factory of providers wired to the emulator; backoff sleeps are recorded, not slept."""
    store = KeyringTokenStore()
    store.save(GOOGLE_ACCOUNT, google_credentials(rt_api))

    def factory(**kwargs: Any) -> GoogleProvider:
        kwargs.setdefault("retry", RetryPolicy(attempts=4, base_delay=0.01,
                                               sleep=rt_sleeps.append, jitter=lambda: 0.5))
        kwargs.setdefault("timeout", 5.0)
        kwargs.setdefault("page_size", 50)
        return GoogleProvider(store, api_endpoint=rt_api.url, **kwargs)
    return factory


def add_google(db: Database, api: PeopleApiEmulator, policy: str = "archive",
               **settings: Any) -> int:
    with db.session() as s:
        account_id = add_source(s, "google", GOOGLE_ACCOUNT,
                                {"api_endpoint": api.url} | settings, delete_policy=policy)
        s.commit()
    return account_id


def add_vcard_folder(db: Database, folder: Path, policy: str = "archive") -> int:
    with db.session() as s:
        account_id = add_source(s, "vcard", str(folder), {"path": str(folder)},
                                folder.name, delete_policy=policy)
        s.commit()
    return account_id


def sync_state(db: Database, account_id: int) -> SyncState:
    with db.session() as s:
        state = s.get(SyncState, account_id)
        assert state is not None
        s.expunge(state)
        return state


def live_names(db: Database, account_id: int) -> set[str]:
    """Display names of parties behind the account's live records."""
    with db.session() as s:
        return set(s.scalars(
            select(Party.display_name).join(SourceRecord, SourceRecord.party_id == Party.id)
            .where(SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None))))


def count(db: Database, model: type, *where: Any) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def snapshot(db: Database) -> dict[str, Any]:
    """What the owner sees, independent of row ids: parties with their resolved handles."""
    with db.session() as s:
        handles: dict[int, list[tuple[str, str]]] = {}
        for party_id, platform, value in s.execute(
                select(Handle.party_id, Handle.platform, Handle.value)):
            handles.setdefault(party_id, []).append((platform, value))
        parties = sorted(
            (name, tuple(sorted(handles.get(pid, []))))
            for pid, name in s.execute(select(Party.id, Party.display_name)
                                       .where(Party.role != "owner")))
        records = sorted(
            (ext, deleted is not None) for ext, deleted in s.execute(
                select(SourceRecord.external_id, SourceRecord.deleted_at)))
        unowned = sorted(s.scalars(select(Handle.value).where(Handle.party_id.is_(None))))
    return {"parties": parties, "records": records, "unowned_handles": unowned}

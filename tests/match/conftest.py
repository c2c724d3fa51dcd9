"""Fixtures for the review engine: a migrated SQLite file per test (copied from the shared
template); the identity tests run on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from core.db.engine import Database, open_database


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    return sqlite_db


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A freshly migrated database, SQLite and then PostgreSQL."""
    name = "sqlite_migrated_url" if request.param == "sqlite" else "pg_migrated_url"
    database = open_database(request.getfixturevalue(name))
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database of its own, SQLite and then PostgreSQL, for tests that migrate it down and
    up (the shared migrated ones must not be downgraded)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kith.sqlite'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    database = open_database(url)
    yield database
    database.dispose()

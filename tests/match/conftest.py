"""Fixtures for the review engine: a migrated SQLite file per test (copied from the shared
template); the identity tests run on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator

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

"""Fixtures for the review engine: a migrated SQLite file per test (copied from the shared
template); the identity tests run on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from core.db.engine import Database


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    return sqlite_db


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s

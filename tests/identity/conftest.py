"""Identity tests run on SQLite and PostgreSQL (the root conftest's ``db`` fixture)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from core.db.engine import Database


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s

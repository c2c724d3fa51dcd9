"""Opening the database for a command, once per process."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from core.db.engine import Database, open_database


def database(args: argparse.Namespace) -> Database:
    """The migrated database named by ``--database`` / ``KITH_DATABASE_URL`` / the default."""
    return open_database(getattr(args, "database", None))


@contextmanager
def session_scope(db: Database) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = db.session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

"""Opening the database for a command, once per process."""

from __future__ import annotations

import argparse
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

from core.db.engine import Database, open_database


def database(args: argparse.Namespace) -> Database:
    """The migrated database named by ``--database`` / ``KITH_DATABASE_URL`` / the default."""
    return open_database(getattr(args, "database", None))


def session_scope(db: Database) -> AbstractContextManager[Session]:
    """A session that commits on success and rolls back on error (shared with the GUI's
    services, so both front ends write the same way)."""
    from app.services import write_session

    return write_session(db)

"""GUI-facing service functions: each opens its own session, calls core, returns plain data.

Every public function here is a task: it takes the :class:`~core.db.engine.Database` first and
``state`` (a :class:`core.tasks.TaskState`) as a keyword, and runs on a worker thread through
:class:`app.tasks.TaskRunner`. ui/ calls these and never imports SQLAlchemy or core.db.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the GUI imports this package at start-up (app.services.lazy): keep it light
    from sqlalchemy.orm import Session

    from core.db.engine import Database


@contextmanager
def read_session(db: Database) -> Iterator[Session]:
    """A session for reads: nothing is committed, everything is released at the end."""
    session = db.session()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def write_session(db: Database) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = db.session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

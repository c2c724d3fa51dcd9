"""Where the database is: ``--database`` beats ``KITH_DATABASE_URL`` beats the default file.

Kept apart from core.db.engine so the GUI can find (and take a first look at) its SQLite file
before SQLAlchemy is imported: importing SQLAlchemy and the models is most of start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATABASE_URL = "KITH_DATABASE_URL"
SQLITE_PREFIX = "sqlite:///"


def default_database_path() -> Path:
    """``kith.sqlite`` in the user's data directory (platformdirs), created on demand."""
    from platformdirs import user_data_path

    return user_data_path("Kith", appauthor=False, ensure_exists=True) / "kith.sqlite"


def resolve_database_url(explicit: str | None = None) -> str:
    """``--database`` beats ``KITH_DATABASE_URL`` beats the default SQLite file.

    A bare file path is accepted and turned into a SQLite URL.
    """
    url = explicit or os.environ.get(ENV_DATABASE_URL)
    if not url:
        return f"{SQLITE_PREFIX}{default_database_path()}"
    if "://" not in url:
        return f"{SQLITE_PREFIX}{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://"):
        # Use psycopg 3, the maintained driver, unless the URL names one.
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def sqlite_file(url: str) -> str | None:
    """The file behind a SQLite URL; None for other databases and in-memory SQLite."""
    if not url.startswith(SQLITE_PREFIX):
        return None
    path = url[len(SQLITE_PREFIX):]
    return path if path and path != ":memory:" else None

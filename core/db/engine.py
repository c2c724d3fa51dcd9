"""Engine and session factory for SQLite (default) and PostgreSQL.

SQLite runs in WAL mode so readers (the GUI's list queries) proceed beside the one writer,
with foreign keys on and a busy timeout so a second writer waits instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from core.db.location import (  # noqa: F401 - re-exported: where callers always found them
    ENV_DATABASE_URL,
    default_database_path,
    resolve_database_url,
)

SQLITE_BUSY_TIMEOUT_MS = 30_000


#: SQLite's page cache per connection (KiB) for imports and the CLI: the write path re-reads
#: index pages of a growing database.
WRITE_CACHE_KIB = 32_000


#: WAL pages (4 KiB) after which a commit copies the log back into the database file
#: (SQLite's default is 1,000: 4 MB). A 20,000-card import writes ~170 MB, so the default
#: ran a checkpoint (page copies and an fsync) every few batches: 0.8 s of its commits,
#: 0.4 s with this. Safety is unchanged (WAL + synchronous=NORMAL); the log file grows to
#: about 40 MB between checkpoints and is removed when the last connection closes.
WAL_CHECKPOINT_PAGES = 10_000


def _sqlite_setup(cache_kib: int):  # noqa: ANN202 - a connect-event listener
    def configure(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API object
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        cursor.close()

    return configure


def make_engine(url: str, cache_kib: int = WRITE_CACHE_KIB) -> Engine:
    """Create an engine with Kith's per-dialect settings (``cache_kib``: SQLite's page cache
    per pooled connection)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_setup(cache_kib))
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


@dataclass(slots=True)
class Database:
    """An open, migrated database: the engine plus a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True,
                  cache_kib: int = WRITE_CACHE_KIB) -> Database:
    """Resolve, connect and (by default) migrate the database to the current schema.

    Raises :class:`core.db.migrate.DatabaseTooNewError` for a database written by a newer Kith.
    """
    resolved = resolve_database_url(url)
    engine = make_engine(resolved, cache_kib)
    if migrate:
        from core.db.migrate import upgrade_to_head  # Alembic: only when migrating

        upgrade_to_head(engine)
        # An import that died with the search index suspended: fill it now (core.db.fts).
        from core.db.fts import repair_search_index

        repair_search_index(engine)
    return Database(resolved, engine, sessionmaker(engine, expire_on_commit=False))

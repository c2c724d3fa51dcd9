"""Alembic-driven schema migrations with a "database too new" guard and SQLite backups."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

log = logging.getLogger("kith.db")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseTooNewError(RuntimeError):
    """The database was migrated by a newer Kith than this one; refuse to touch it."""


class DatabaseOpenError(RuntimeError):
    """The database cannot be opened (not a database, unreachable server...)."""


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def _current_heads(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def _backup_sqlite(engine: Engine, current: set[str]) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:" or not Path(database).exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    rev = "-".join(sorted(current)) or "empty"
    backup = Path(f"{database}.{rev}.{stamp}.bak")
    # VACUUM INTO gives a consistent copy even with a WAL in use.
    with engine.connect() as conn:
        conn.exec_driver_sql(f"VACUUM INTO '{backup.as_posix()}'")
    log.info("backed up %s to %s before migrating", database, backup)
    return backup


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to this code's head; back up a SQLite file first.

    Refuses (DatabaseTooNewError) when the database carries a revision this code does not know.
    """
    cfg = alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    known = {rev.revision for rev in script.walk_revisions()}
    heads = set(script.get_heads())
    try:
        current = _current_heads(engine)
    except Exception as exc:  # noqa: BLE001 - any driver error means "cannot open"
        raise DatabaseOpenError(f"Cannot open the database {engine.url!r}: {exc}") from exc
    unknown = current - known
    if unknown:
        raise DatabaseTooNewError(
            "This database was written by a newer version of Kith (schema "
            f"{', '.join(sorted(unknown))}); this version knows up to {', '.join(sorted(heads))}. "
            "Update Kith to open it; the database was left untouched."
        )
    if current == heads:
        return
    if engine.dialect.name == "sqlite" and current:
        _backup_sqlite(engine, current)
    command.upgrade(cfg, "heads")

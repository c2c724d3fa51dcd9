"""Dialect plumbing shared by the social layer: one code path for SQLite and PostgreSQL.

Every writer here is a single ``INSERT ... ON CONFLICT`` or a conditional ``UPDATE``, so the
database (not Python) decides races. Both dialects spell ON CONFLICT the same way, but
SQLAlchemy builds it from dialect-specific ``insert`` constructs; this module picks the right
one for whatever we were handed (an ORM Session or a Core Connection).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.db.base import utcnow

#: Anything with ``.execute(statement)``: the caller's Session or a Connection we opened.
Executor = Session | Connection


def dialect_name(executor: Executor) -> str:
    if isinstance(executor, Session):
        return executor.get_bind().dialect.name
    return executor.dialect.name


def dialect_insert(executor: Executor, table: Any) -> Any:
    """``insert(table)`` supporting ``on_conflict_do_nothing/do_update`` on the live dialect."""
    name = dialect_name(executor)
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the social layer supports SQLite and PostgreSQL, not {name}")


def as_engine(target: Any) -> Engine | None:
    """The Engine behind ``target`` (an Engine or a ``core.db.engine.Database``), else None."""
    if isinstance(target, Engine):
        return target
    engine = getattr(target, "engine", None)
    return engine if isinstance(engine, Engine) else None


def aware_utc(moment: datetime | None) -> datetime:
    """``moment`` as timezone-aware UTC (naive means UTC, as everywhere in Kith); None -> now."""
    if moment is None:
        return utcnow()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)

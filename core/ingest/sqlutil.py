"""Small portable SQL helpers for set-wise writes on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

T = TypeVar("T")

#: Rows per executemany: big enough to amortise round trips, small enough for SQLite's limits.
BATCH_ROWS = 500


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_ignore(
    session: Session, model: type, rows: list[dict[str, Any]], conflict_cols: list[str]
) -> None:
    """INSERT ... ON CONFLICT (cols) DO NOTHING.

    Race-safe on both engines: a concurrent writer that inserted the same key first wins and
    this call simply skips the row.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for chunk in chunked(rows, BATCH_ROWS):
        stmt = builder(model).on_conflict_do_nothing(index_elements=conflict_cols)
        session.execute(stmt, list(chunk))


def insert_returning_ids(session: Session, model: type, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert and return the new primary keys in the order of ``rows``."""
    ids: list[int] = []
    for chunk in chunked(rows, BATCH_ROWS):
        result = session.execute(
            insert(model).returning(model.id, sort_by_parameter_order=True), list(chunk)
        )
        ids.extend(result.scalars().all())
    return ids


def insert_many(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    for chunk in chunked(rows, BATCH_ROWS):
        session.execute(insert(model), list(chunk))

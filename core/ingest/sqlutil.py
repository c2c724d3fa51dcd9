"""Small portable SQL helpers for set-wise writes on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

T = TypeVar("T")

#: Rows per executemany: big enough to amortise round trips, small enough for SQLite's limits.
BATCH_ROWS = 500


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_ignore(
    session: Session, model: type, rows: list[dict[str, Any]], conflict_cols: list[str]
) -> None:
    """INSERT ... ON CONFLICT (cols) DO NOTHING (the same syntax on SQLite and PostgreSQL).

    Race-safe on both engines: a concurrent writer that inserted the same key first wins and
    this call simply skips the row.
    """
    _execute_rows(session, model, rows, tuple(rows[0]) if rows else (),
                  suffix=f" ON CONFLICT ({', '.join(conflict_cols)}) DO NOTHING")


def optimize(session: Session) -> None:
    """Let SQLite refresh its planner statistics after a large import (no-op elsewhere):
    without them some IN queries pick very slow plans on a freshly filled database."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA optimize"))


def allocate_ids(session: Session, model: type, count: int) -> list[int]:
    """Reserve ``count`` primary keys for a bulk insert.

    PostgreSQL draws them from the table's sequence (safe under concurrency). SQLite has one
    writer at a time: a no-op write takes the write lock first, so MAX(id) cannot move under us
    before this transaction commits.
    """
    if count == 0:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": count},
        )
        return [r[0] for r in rows]
    session.execute(text(f"UPDATE {table.name} SET id = id WHERE 0"))
    top = session.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}")).scalar_one()
    return list(range(top + 1, top + 1 + count))


def insert_returning_ids(session: Session, model: type, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert and return the new primary keys in the order of ``rows``.

    Ids are allocated up front so the insert is one plain executemany (RETURNING with a
    guaranteed order would make SQLite insert row by row).
    """
    ids = allocate_ids(session, model, len(rows))
    insert_many(session, model, [{**row, "id": pk} for row, pk in zip(rows, ids, strict=True)])
    return ids


def insert_many(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Plain DB-API executemany on the table, with SQLAlchemy's own bind processors applied.

    The bulk paths insert hundreds of thousands of rows; going straight to the driver with
    pre-converted parameters is several times faster than SQLAlchemy's per-row machinery while
    storing exactly what it would store (same SQL, same type conversion).
    """
    _execute_rows(session, model, rows, tuple(rows[0]) if rows else ())


def _execute_rows(
    session: Session, model: type, rows: list[dict[str, Any]], columns: tuple[str, ...],
    *, suffix: str = "", update_key: str | None = None,
) -> None:
    if not rows:
        return
    connection = session.connection()
    table = model.__table__
    sql, processors = _compiled(table, columns, connection.dialect, suffix, update_key)
    converters = [_memoized(p) if p is not None else None for p in processors]
    for chunk in chunked(rows, BATCH_ROWS * 4):
        if all(c is None for c in converters):
            params = [tuple(row[c] for c in columns) for row in chunk]
        else:
            params = [
                tuple(
                    conv(row[col]) if conv is not None else row[col]
                    for col, conv in zip(columns, converters, strict=True)
                )
                for row in chunk
            ]
        connection.exec_driver_sql(sql, params)


def _memoized(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Bulk rows repeat the same timestamp and flags; convert each distinct value once."""
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = processor(value)
            return result
        except TypeError:  # unhashable (JSON dicts/lists)
            return processor(value)

    return convert


_SQL_CACHE: dict[tuple[str, tuple[str, ...], str, str, str | None], tuple[str, list[Any]]] = {}


def _compiled(
    table: Any, columns: tuple[str, ...], dialect: Any, suffix: str, update_key: str | None
) -> tuple[str, list[Any]]:
    """The driver-level SQL for an INSERT (or UPDATE by ``update_key``) of ``columns``, and
    each column's bind processor, cached per table, columns and dialect."""
    key = (table.name, columns, dialect.name, suffix, update_key)
    cached = _SQL_CACHE.get(key)
    if cached is None:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        if update_key is None:
            names = ", ".join(quote(c) for c in columns)
            sql = (f"INSERT INTO {quote(table.name)} ({names}) "
                   f"VALUES ({', '.join(mark for _ in columns)}){suffix}")
        else:
            sets = ", ".join(f"{quote(c)} = {mark}" for c in columns if c != "_key")
            sql = f"UPDATE {quote(table.name)} SET {sets} WHERE {quote(update_key)} = {mark}"
        processors = [
            table.c[c if c != "_key" else update_key].type._cached_bind_processor(dialect)
            for c in columns
        ]
        cached = _SQL_CACHE[key] = (sql, processors)
    return cached


def update_many(session: Session, model: type, key: str, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE ... SET cols WHERE key = ? for per-row values.

    Each row holds ``_key`` (the key value) plus the columns to set; all rows must set the same
    columns. ORM objects of those rows already loaded in the session are expired, so callers
    holding them read the new values instead of stale ones.
    """
    if not rows:
        return
    columns = tuple(c for c in rows[0] if c != "_key") + ("_key",)
    _execute_rows(session, model, rows, columns, update_key=key)
    attrs = [c for c in columns if c != "_key"]
    for row in rows:
        obj = session.identity_map.get(identity_key(model, row["_key"]))
        if obj is not None:
            session.expire(obj, attrs)

"""Small portable SQL helpers for set-wise writes on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from json.encoder import encode_basestring_ascii
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import JSON, ColumnElement, String, any_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from core.ingest.json_text import JSONText

T = TypeVar("T")

#: Rows per executemany: big enough to amortise round trips, small enough for SQLite's limits.
BATCH_ROWS = 500


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_values(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN (values)`` with all the values bound as ONE parameter.

    A plain ``in_()`` expands to one placeholder per value at every execution, which costs
    SQLAlchemy milliseconds per 500-value query on the hot ingest path. SQLite unpacks a JSON
    array with ``json_each`` (the planner still probes the column's index per value);
    PostgreSQL compares against an array with ``= ANY``.
    """
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    each = func.json_each(
        bindparam(None, json.dumps(list(values), ensure_ascii=False), type_=String)
    ).table_valued("value")
    return column.in_(select(each.c.value))


def insert_ignore(
    session: Session, model: type, rows: list[dict[str, Any]], conflict_cols: list[str],
    *, columns: tuple[str, ...] = (), values: list[tuple[Any, ...]] | None = None,
) -> int:
    """INSERT ... ON CONFLICT (cols) DO NOTHING (the same syntax on SQLite and PostgreSQL).

    Race-safe on both engines: a concurrent writer that inserted the same key first wins and
    this call simply skips the row. Returns how many rows were inserted. Rows may come as
    tuples in ``columns`` order (``values``) instead of dicts.
    """
    return _execute_rows(session, model, rows, columns or (tuple(rows[0]) if rows else ()),
                         suffix=f" ON CONFLICT ({', '.join(conflict_cols)}) DO NOTHING",
                         values=values)


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
    if rows:  # as tuples with the id in front: no dict per row to copy and take apart
        columns = tuple(rows[0])
        values = [(pk, *row) for pk, row in zip(ids, _as_tuples(rows, columns), strict=True)]
        _execute_rows(session, model, [], ("id", *columns), values=values)
    return ids


def insert_many(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Plain DB-API executemany on the table, with SQLAlchemy's own bind processors applied.

    The bulk paths insert hundreds of thousands of rows; going straight to the driver with
    pre-converted parameters is several times faster than SQLAlchemy's per-row machinery while
    storing exactly what it would store (same SQL, same type conversion).
    """
    _execute_rows(session, model, rows, tuple(rows[0]) if rows else ())


def insert_tuples(
    session: Session, model: type, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> None:
    """:func:`insert_many` for rows already given as tuples in ``columns`` order (no dict
    per row to build and take apart again)."""
    _execute_rows(session, model, [], columns, values=list(rows))


#: Rows per multi-row statement, and the bound-parameter ceiling it must stay under
#: (SQLite builds before 3.32 allow 32,766 parameters; PostgreSQL's protocol allows 65,535).
ROWS_PER_STATEMENT = 500
MAX_PARAMETERS = 32_000


def _execute_rows(
    session: Session, model: type, rows: list[dict[str, Any]], columns: tuple[str, ...],
    *, suffix: str = "", update_key: str | None = None,
    values: list[tuple[Any, ...]] | None = None,
) -> int:
    """Write ``rows`` (or ``values``: the same as tuples in ``columns`` order) with as few
    statements as possible; return the driver's row count.

    Inserts go out as multi-row ``INSERT ... VALUES (...), (...)`` statements rather than a
    per-row executemany: SQLite runs the FTS5 trigger on ``party`` with one index flush per
    *statement*, so 500 rows per statement index about five times faster than 500 statements,
    and both engines save the per-statement overhead. SQLite updates use ``UPDATE ... FROM
    (VALUES ...)`` for the same reason; PostgreSQL updates stay a driver executemany (its
    VALUES lists would need a cast per column).
    """
    if not rows and not values:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    if values is None:
        values = _as_tuples(rows, columns)
    params = _parameters(values, columns, table, dialect, update_key)
    multi_row = update_key is None or dialect.name == "sqlite"
    if not multi_row:
        sql = _statement(table, columns, dialect, suffix, update_key, 0)
        for chunk in chunked(params, BATCH_ROWS * 4):
            connection.exec_driver_sql(sql, list(chunk))
        return len(params)
    per_statement = max(1, min(ROWS_PER_STATEMENT, MAX_PARAMETERS // len(columns)))
    count = 0
    start = 0
    for size in statement_sizes(len(params), per_statement):
        chunk = params[start:start + size]
        start += size
        sql = _statement(table, columns, dialect, suffix, update_key, size)
        result = connection.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))
        count += result.rowcount
    return count


#: Row counts a remainder (rows after the full statements) is cut into. Every multi-row
#: statement then has one of a few texts per table, which the driver's statement cache
#: (sqlite3: 128 per connection) keeps reusing. With one statement of the exact remainder,
#: each batch prepared one-off statements of 1..499 rows (SQLite keeps ~130 bytes per bound
#: value in a prepared statement) and the cache held 20-30 MB of them during an import.
REMAINDER_ROWS = (100, 20, 4, 1)


def statement_sizes(count: int, per_statement: int) -> list[int]:
    """Rows per statement for ``count`` rows: full statements of ``per_statement`` rows, then
    the remainder in pieces of ``REMAINDER_ROWS`` (at most 15 small statements)."""
    full, rest = divmod(count, per_statement)
    sizes = [per_statement] * full
    for size in REMAINDER_ROWS:
        if size < per_statement and rest:
            pieces, rest = divmod(rest, size)
            sizes += [size] * pieces
    if rest:  # REMAINDER_ROWS ends with 1, so only a changed ladder gets here
        sizes.append(rest)
    return sizes


def _as_tuples(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Dict rows as tuples in ``columns`` order."""
    if len(columns) == 1:
        return [(row[columns[0]],) for row in rows]
    getter = itemgetter(*columns)
    return [getter(row) for row in rows]


def _parameters(
    values: list[tuple[Any, ...]], columns: tuple[str, ...], table: Any, dialect: Any,
    update_key: str | None,
) -> list[tuple[Any, ...]]:
    """Row tuples in ``columns`` order, converted by each column's SQLAlchemy bind processor
    (so the driver stores exactly what the ORM would).

    Works column-wise: bulk rows repeat the same timestamp and flags, so each distinct value
    of a column is converted once and the rest is C-level mapping.
    """
    processors = _processors(table, columns, dialect, update_key)
    if all(p is None for p in processors):
        return values
    by_column: list[Sequence[Any]] = list(zip(*values, strict=True))
    for index, processor in enumerate(processors):
        if processor is None:
            continue
        column = by_column[index]
        if type(processor) is _JSONBind:
            if set(map(type, column)) == {str}:
                # json.dumps(text) with its default settings is this C function's result
                by_column[index] = list(map(encode_basestring_ascii, column))
                continue
            processor = processor.processor
        by_column[index] = _convert_column(column, processor)
    return list(zip(*by_column, strict=True))


class _JSONBind:
    """The bind processor of a JSON column that ``json.dumps`` serialises with its defaults
    (SQLAlchemy's own, no dialect-wide serialiser), marked so that a column of plain strings
    (field provenance: 600,000 values per 100,000 contacts) skips a Python call per value."""

    __slots__ = ("processor",)

    def __init__(self, processor: Callable[[Any], Any]) -> None:
        self.processor = processor


def _json_bind(column_type: Any, dialect: Any) -> Callable[[Any], Any] | _JSONBind | None:
    """The column's bind processor, marked when it is plain ``json.dumps`` of the value."""
    processor = column_type._cached_bind_processor(dialect)
    impl = column_type.dialect_impl(dialect)
    if (processor is not None and dialect.name == "sqlite" and isinstance(impl, JSON)
            and type(impl).bind_processor is JSON.bind_processor
            and getattr(dialect, "_json_serializer", None) is None
            and impl._str_impl.bind_processor(dialect) is None):
        return _JSONBind(processor)
    return processor


def _convert_column(column: Sequence[Any], processor: Callable[[Any], Any]) -> list[Any]:
    types = set(map(type, column))
    if JSONText in types:
        if len(types) == 1:
            return list(column)
        convert = processor
        processor = lambda v: v if type(v) is JSONText else convert(v)  # noqa: E731
    if len(types) > 1:  # True == 1 but JSON writes them differently
        return [processor(value) for value in column]
    try:
        converted = {value: processor(value) for value in set(column)}
    except TypeError:  # unhashable (JSON dicts and lists): once per distinct object
        by_object: dict[int, Any] = {}
        for value in column:
            if id(value) not in by_object:
                by_object[id(value)] = processor(value)
        return [by_object[id(value)] for value in column]
    return list(map(converted.__getitem__, column))


_SQL_CACHE: dict[tuple[Any, ...], str] = {}
_PROCESSOR_CACHE: dict[tuple[Any, ...], list[Any]] = {}


def _processors(
    table: Any, columns: tuple[str, ...], dialect: Any, update_key: str | None
) -> list[Any]:
    key = (table.name, columns, dialect.name, update_key)
    found = _PROCESSOR_CACHE.get(key)
    if found is None:
        found = _PROCESSOR_CACHE[key] = [
            _json_bind(table.c[c if c != "_key" else update_key].type, dialect)
            for c in columns
        ]
    return found


def _statement(
    table: Any, columns: tuple[str, ...], dialect: Any, suffix: str, update_key: str | None,
    row_count: int,
) -> str:
    """Driver-level SQL, cached per table, columns, dialect and row count.

    ``row_count`` 0 means one row's placeholders, for executemany. Updates take ``columns``
    with ``_key`` last.
    """
    key = (table.name, columns, dialect.name, suffix, update_key, row_count)
    sql = _SQL_CACHE.get(key)
    if sql is not None:
        return sql
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    one_row = f"({', '.join(mark for _ in columns)})"
    values = ", ".join([one_row] * max(row_count, 1))
    name = quote(table.name)
    if update_key is None:
        names = ", ".join(quote(c) for c in columns)
        sql = f"INSERT INTO {name} ({names}) VALUES {values}{suffix}"
    elif row_count == 0:
        sets = ", ".join(f"{quote(c)} = {mark}" for c in columns if c != "_key")
        sql = f"UPDATE {name} SET {sets} WHERE {quote(update_key)} = {mark}"
    else:  # SQLite: VALUES columns are named column1, column2, ...
        sets = ", ".join(
            f"{quote(c)} = v.column{i}" for i, c in enumerate(columns, 1) if c != "_key"
        )
        sql = (f"UPDATE {name} SET {sets} FROM (VALUES {values}) AS v "
               f"WHERE {name}.{quote(update_key)} = v.column{len(columns)}")
    _SQL_CACHE[key] = sql
    return sql


def update_many(session: Session, model: type, key: str, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE ... SET cols WHERE key = ? for per-row values.

    Each row holds ``_key`` (the key value) plus the columns to set; all rows must set the same
    columns. ORM objects of those rows already loaded in the session are expired, so callers
    holding them read the new values instead of stale ones.
    """
    if not rows:
        return
    columns = tuple(c for c in rows[0] if c != "_key") + ("_key",)
    rows = list({row["_key"]: row for row in rows}.values())  # one statement: last one wins
    _execute_rows(session, model, rows, columns, update_key=key)
    attrs = [c for c in columns if c != "_key"]
    for row in rows:
        obj = session.identity_map.get(identity_key(model, row["_key"]))
        if obj is not None:
            session.expire(obj, attrs)

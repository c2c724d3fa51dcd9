"""SQLite's full-text index of contacts (``party_fts``), and filling it in one pass after a
big import instead of row by row.

``party_fts`` (FTS5 over ``party.search_text`` with 1-, 2- and 3-letter prefix indexes) is
kept in step by three triggers on ``party`` (created by migration 0003). Row by row, the
index costs a 20,000-card import about a second of its single writer's time; indexing the
finished table in one ``rebuild`` costs about a third of that. So a big import *suspends*
the index (drops the triggers, in a committed transaction of its own) and *resumes* it at
the end: the triggers come back and the index is rebuilt from ``party`` in ONE transaction
(on a connection and thread of its own, beside the import's duplicate refresh, which reads
meanwhile and writes after that commit: ``core.ingest.search_index.DeferredIndex``). Other
connections see the triggers only with the whole index, so a search never takes a
half-filled index for one in step.

Crash safety: while the triggers are missing the index may be stale, and their absence is
itself the mark of it. An import that dies before it resumes (killed, power cut) leaves them
missing; :func:`repair_search_index` runs whenever a database is opened and does the resume
then. Another process that opens the database during an import does that repair at once
(the import then goes on with the triggers, only slower); either way every search after the
rebuild finds every contact. PostgreSQL has no such index (search is a LIKE on
``search_text``): every function here is a no-op there.
"""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import Connection, Engine

log = logging.getLogger("kith.db")

#: The triggers that keep ``party_fts`` in step with ``party`` (as migration 0003 made them).
TRIGGERS = {
    "party_fts_ai": (
        "CREATE TRIGGER IF NOT EXISTS party_fts_ai AFTER INSERT ON party BEGIN "
        "INSERT INTO party_fts(rowid, search_text) VALUES (new.id, new.search_text); END"),
    "party_fts_ad": (
        "CREATE TRIGGER IF NOT EXISTS party_fts_ad AFTER DELETE ON party BEGIN "
        "INSERT INTO party_fts(party_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"),
    "party_fts_au": (
        "CREATE TRIGGER IF NOT EXISTS party_fts_au AFTER UPDATE OF search_text ON party BEGIN "
        "INSERT INTO party_fts(party_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO party_fts(rowid, search_text) VALUES (new.id, new.search_text); END"),
}


def _has_index(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite" and connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'party_fts'"
    ).first() is not None


#: Whether the index's table exists, and how many of its triggers do (one small query).
_PARTS_SQL = ("SELECT coalesce(sum(name = 'party_fts'), 0), coalesce(sum(name != 'party_fts'), 0) "
              "FROM sqlite_master WHERE name IN ('party_fts', "
              + ", ".join(f"'{name}'" for name in TRIGGERS) + ")")


def _parts(dbapi_connection: sqlite3.Connection) -> tuple[bool, int]:
    table, triggers = dbapi_connection.execute(_PARTS_SQL).fetchone()
    return bool(table), int(triggers)


def search_index_suspended(connection: Connection) -> bool:
    """True when the index is not being kept in step (some trigger is missing)."""
    if connection.dialect.name != "sqlite":
        return False
    table, triggers = _parts(connection.connection.driver_connection)
    return table and triggers < len(TRIGGERS)


def search_index_in_step(dbapi_connection: sqlite3.Connection) -> bool:
    """True when the index exists and its triggers keep it in step: what every search asks
    first, on the driver (~10 µs; through SQLAlchemy ~50 µs, several times a keystroke)."""
    table, triggers = _parts(dbapi_connection)
    return table and triggers == len(TRIGGERS)


def write_lock(connection: Connection) -> None:
    """Open the write transaction now. Python's sqlite3 starts a transaction only before
    INSERT/UPDATE/DELETE and runs DDL on its own otherwise: a no-op UPDATE makes the trigger
    changes that follow part of one transaction (and takes the write lock before reading;
    a fill on a thread of its own takes it before its caller goes on to write anything)."""
    connection.exec_driver_sql("UPDATE party SET id = id WHERE 0")


def suspend_search_index(connection: Connection) -> bool:
    """Stop keeping the index in step (the caller commits). True when it was suspended here,
    False on PostgreSQL (nothing to do)."""
    if not _has_index(connection):
        return False
    write_lock(connection)
    for name in TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    return True


def resume_search_index(connection: Connection) -> None:
    """Put the triggers back and rebuild the index from ``party``, in the caller's
    transaction (commit it right after: the two belong together)."""
    if not _has_index(connection):
        return
    # The rebuild first: it opens the transaction the triggers are then created in.
    connection.exec_driver_sql("INSERT INTO party_fts(party_fts) VALUES ('rebuild')")
    for sql in TRIGGERS.values():
        connection.exec_driver_sql(sql)


def repair_search_index(engine: Engine) -> bool:
    """At open: finish the resume of an import that stopped with the index suspended.
    True when it had to."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as connection:
        if not search_index_suspended(connection):
            return False
    with engine.begin() as connection:
        write_lock(connection)
        if not search_index_suspended(connection):  # another process got there first
            return False
        log.info("an import stopped before its search index was filled: rebuilding it")
        resume_search_index(connection)
    return True

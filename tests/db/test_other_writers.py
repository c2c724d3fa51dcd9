"""``OtherWriters`` sees a commit by any other connection, never our own."""

from __future__ import annotations

import sqlite3

from sqlalchemy import text

from core.db.engine import Database, open_database
from core.db.other_writers import OtherWriters


def _write(session, name: str) -> None:  # noqa: ANN001 - a Session
    session.execute(text("INSERT INTO label (name, created_at) VALUES (:n, '2026-01-01')"),
                    {"n": name})


def test_our_own_commits_are_not_seen_another_connections_are(sqlite_db: Database) -> None:
    watch = OtherWriters()
    with sqlite_db.session() as s:
        watch.look(s)
        _write(s, "ours")
        s.commit()
        watch.look(s)
        _write(s, "ours too")
        s.commit()
    with sqlite_db.session() as s:  # the pool hands the same connection back
        watch.look(s)
    assert not watch.seen
    other = sqlite3.connect(sqlite_db.url.removeprefix("sqlite:///"))
    with other:
        other.execute("INSERT INTO label (name, created_at) VALUES ('theirs', '2026-01-01')")
    other.close()
    with sqlite_db.session() as s:
        watch.look(s)
    assert watch.seen


def test_a_connection_first_met_after_the_start_counts_as_a_change(
        sqlite_db: Database) -> None:
    watch = OtherWriters()
    with sqlite_db.session() as s:
        watch.look(s)
    second = open_database(sqlite_db.url, migrate=False)  # a connection of its own
    with second.session() as s:
        watch.look(s)
    second.dispose()
    assert watch.seen


def test_postgresql_always_counts_as_changed(pg_database_url: str) -> None:
    db = open_database(pg_database_url)
    watch = OtherWriters()
    with db.session() as s:
        watch.look(s)
    db.dispose()
    assert watch.seen

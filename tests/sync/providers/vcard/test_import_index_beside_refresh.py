"""A big import fills its search index on a thread of its own while the duplicate refresh
reads (core.ingest.search_index.DeferredIndex): no search ever reads a half-filled index as
in step, the refresh writes only after the fill committed, a failing fill is the import's
error (nothing of the refresh is written), a failing refresh still leaves the index filled,
and a process killed half-way through the fill leaves the index suspended (searchable
through ``search_text``) until the next open fills it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import core.ingest.search_index as search_index
from core.db.engine import Database, open_database
from core.db.fts import search_index_in_step, search_index_suspended
from core.db.models import ActivityEvent, MergeSuggestion, Party
from core.match.hooks import after_ingest
from core.sync.bulk_refresh import PENDING
from core.sync.vcard_import import import_vcards
from core.views.party import list_party_ids
from tests.subprocess_python import ROOT
from tests.sync.providers.vcard.test_import_search_index import (  # noqa: F401 - fixtures
    CARDS,
    _assert_every_card_is_found,
    _card,
    _fts_consistent,
    cards,
    suspensions,
)


def _indexed(con: sqlite3.Connection) -> int:
    """Contacts the full-text index itself holds (a MATCH reads the index, not ``party``)."""
    return con.execute("SELECT count(*) FROM party_fts WHERE party_fts MATCH 'zubrowski*'"
                       ).fetchone()[0]


def _file_of(db: Database) -> str:
    return db.url.removeprefix("sqlite:///")


class Watcher:
    """Another connection (the GUI's, say) that keeps asking, in one read transaction at a
    time, whether the index is in step, and when it is, how many contacts the index and
    the table each hold."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.stop = threading.Event()
        self.seen: list[tuple[int, int]] = []
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            while not self.stop.is_set():
                con.execute("BEGIN")
                if search_index_in_step(con):
                    self.seen.append((_indexed(con), con.execute(
                        "SELECT count(*) FROM party WHERE search_text LIKE '%zubrowski%'"
                    ).fetchone()[0]))
                con.execute("COMMIT")
        finally:
            con.close()

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join()


def test_the_refresh_writes_only_once_the_fill_committed(
        sqlite_db: Database, cards: Path, suspensions: list[bool]) -> None:  # noqa: F811
    """Imported on a thread, as the GUI's task runner does."""
    path = _file_of(sqlite_db)
    at_first_write: list[tuple[bool, int]] = []

    def hook(session: Session, touched: set[int] | None) -> object:
        session.execute(select(func.count()).select_from(Party)).scalar()  # a read: no wait
        session.add(ActivityEvent(kind="test", message="the refresh's first write"))
        session.flush()  # waits for the fill's commit
        with sqlite3.connect(path) as con:
            at_first_write.append((search_index_in_step(con), _indexed(con)))
        return after_ingest(session, touched)

    errors: list[BaseException] = []

    def run() -> None:
        try:
            import_vcards(sqlite_db, [cards], account="many", region="DE", workers=1,
                          after_ingest=hook)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            errors.append(exc)

    with Watcher(path) as watcher:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    assert not errors, errors
    assert suspensions == [True]
    assert at_first_write == [(True, CARDS)]
    # Whenever another connection found the index in step, it held every contact written.
    assert watcher.seen and all(indexed == written for indexed, written in watcher.seen)
    assert watcher.seen[-1] == (CARDS, CARDS)
    _assert_every_card_is_found(sqlite_db)
    _fts_consistent(sqlite_db)
    with sqlite_db.session() as s:
        assert s.scalar(select(func.count()).select_from(ActivityEvent)
                        .where(ActivityEvent.kind == PENDING)) == 0


def test_a_failed_fill_is_the_imports_error_and_the_refresh_writes_nothing(
        sqlite_db: Database, cards: Path, suspensions: list[bool],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(connection: Connection) -> None:  # a statement of the fill fails
        connection.exec_driver_sql("INSERT INTO party_fts_missing(party_fts) VALUES (1)")

    monkeypatch.setattr(search_index, "resume_search_index", broken)
    with pytest.raises(OperationalError, match="party_fts_missing") as raised:
        import_vcards(sqlite_db, [cards], account="many", region="DE", workers=1,
                      after_ingest=after_ingest)
    assert "INSERT INTO party_fts_missing" in str(raised.value)  # the fill's own error
    with sqlite_db.session() as s:
        # The refresh stopped at its first write: the pending mark says "rebuild next time".
        assert s.scalar(select(func.count()).select_from(ActivityEvent)
                        .where(ActivityEvent.kind == PENDING)) == 1
        assert s.scalar(select(func.count()).select_from(MergeSuggestion)) == 0
        assert search_index_suspended(s.connection())
    _assert_every_card_is_found(sqlite_db)  # through search_text meanwhile
    monkeypatch.undo()
    reopened = open_database(sqlite_db.url)  # the next open fills the index
    try:
        _fts_consistent(reopened)
        _assert_every_card_is_found(reopened)
    finally:
        reopened.dispose()


def test_a_failed_refresh_still_leaves_the_index_filled(
        db: Database, cards: Path, suspensions: list[bool]) -> None:  # noqa: F811
    """On SQLite and PostgreSQL (where there is no index to fill)."""

    def hook(_session: Session, _touched: set[int] | None) -> object:
        raise RuntimeError("the refresh broke (a test)")

    with pytest.raises(RuntimeError, match="a test"):
        import_vcards(db, [cards], account="many", region="DE", workers=1, after_ingest=hook)
    assert suspensions == ([True] if db.dialect == "sqlite" else [])
    _fts_consistent(db)
    _assert_every_card_is_found(db)


_KILLED_IN_THE_FILL = """
import os, signal, sys
import core.ingest.search_index as search_index
from core.db.engine import open_database
from core.match.hooks import after_ingest
from core.sync.vcard_import import import_vcards

search_index.DEFER_MIN_CONTACTS = 10
real = search_index.resume_search_index

def resume(connection):
    steps = [0]

    def progress():  # some way into the one-pass rebuild: the process dies
        steps[0] += 1
        if steps[0] == 20:
            os.kill(os.getpid(), signal.SIGKILL)

    connection.connection.driver_connection.set_progress_handler(progress, 50)
    real(connection)

search_index.resume_search_index = resume
import_vcards(open_database(sys.argv[1]), [sys.argv[2]], account="many", region="DE",
              workers=1, after_ingest=after_ingest)
"""


def test_a_process_killed_during_the_fill_is_searchable_and_repaired(
        sqlite_migrated_url: str, tmp_path: Path) -> None:
    many = 400
    path = tmp_path / "many.vcf"
    path.write_text("".join(_card(i) for i in range(many)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
    child = subprocess.run([sys.executable, "-c", _KILLED_IN_THE_FILL, sqlite_migrated_url,
                            str(path)], cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    as_left = open_database(sqlite_migrated_url, migrate=False)  # no repair on this open
    try:
        with as_left.session() as s:
            assert search_index_suspended(s.connection())
            assert s.scalar(select(func.count()).select_from(Party)) == many
            assert len(list_party_ids(s, "Quentin107 Zubr")) == 1  # read from search_text
    finally:
        as_left.dispose()
    reopened = open_database(sqlite_migrated_url)
    try:
        _fts_consistent(reopened)
        with sqlite3.connect(_file_of(reopened)) as con:
            assert _indexed(con) == many
        with reopened.session() as s:
            for i in range(100, many, 37):  # three digits: no other card's name prefix
                assert len(list_party_ids(s, f"zubrowski{i} quentin{i}")) == 1, i
    finally:
        reopened.dispose()

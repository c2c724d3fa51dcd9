"""Fault tests: dropped connections mid-chain and a sync process SIGKILLed at random points.

After every fault the database must be sound (integrity_check, foreign keys, no record without
its party or handles, handle owners equal to what the links resolve to), the last good cursor
must be intact, and the next uninterrupted run must converge to exactly what a clean single
run produces in a fresh database.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db.engine import Database, open_database
from core.sync.runtime import run_sync
from core.tasks import TaskState
from tests.emulators.people_api import PeopleApiEmulator
from tests.sync.runtime_support import (
    add_google,
    google_credentials,
    google_provider,
    rt_api,
    rt_db,
    rt_keyring,
    rt_sleeps,
    snapshot,
    sync_state,
)

__all__ = ["google_provider", "rt_api", "rt_db", "rt_keyring", "rt_sleeps"]

ROOT = Path(__file__).resolve().parents[2]
RETRY_ATTEMPTS = 4  # runtime_support's RetryPolicy budget per call


@pytest.fixture
def fresh_path(tmp_path: Path, _sqlite_template: Path) -> Path:
    target = tmp_path / "fresh.sqlite"
    shutil.copyfile(_sqlite_template, target)
    return target


@pytest.fixture
def fresh_db(fresh_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{fresh_path}")
    yield database
    database.dispose()


def db_path(db: Database) -> Path:
    return Path(str(db.engine.url.database))


def check_invariants(path: Path) -> None:
    """The database is sound: nothing half-written, handle owners as the links resolve."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731 - local shorthand
        assert q("SELECT id FROM source_record WHERE deleted_at IS NULL AND (party_id IS NULL "
                 "OR party_id NOT IN (SELECT id FROM party))") == [], "record without party"
        assert q("SELECT r.id FROM source_record r WHERE r.deleted_at IS NULL AND NOT EXISTS "
                 "(SELECT 1 FROM record_handle h WHERE h.source_record_id = r.id)") == [], \
            "record without its handles"
        assert q("SELECT id FROM record_handle WHERE handle_id NOT IN (SELECT id FROM handle) "
                 "OR source_record_id NOT IN (SELECT id FROM source_record)") == []
        assert q("SELECT id FROM party_handle_link WHERE party_id NOT IN (SELECT id FROM party) "
                 "OR handle_id NOT IN (SELECT id FROM handle)") == []
        assert q("SELECT id FROM handle WHERE party_id IS NOT NULL AND party_id NOT IN "
                 "(SELECT id FROM party)") == []
        links = q("SELECT l.handle_id, l.party_id FROM party_handle_link l "
                  "JOIN party p ON p.id = l.party_id "
                  "WHERE l.is_dismissed = 0 AND p.merged_into_id IS NULL "
                  "ORDER BY l.handle_id, l.is_confirmed DESC, l.confidence DESC, "
                  "l.created_at ASC, l.id ASC")
        best: dict[int, int] = {}
        for handle_id, party_id in links:
            best.setdefault(handle_id, party_id)
        for handle_id, owner in q("SELECT id, party_id FROM handle"):
            assert owner == best.get(handle_id), f"handle {handle_id} owner != resolution"
        assert q("SELECT p.id FROM party p WHERE p.handle_count != (SELECT count(*) FROM "
                 "handle h WHERE h.party_id = p.id)") == [], "stale handle_count"
    finally:
        con.close()


def _person(i: int) -> dict:
    return {"names": [{"displayName": f"Shared {i}", "givenName": "Shared",
                       "familyName": str(i)}],
            "emailAddresses": [{"value": "family@example.com"}],
            "phoneNumbers": [{"value": "+1 202 555 0199", "canonicalForm": "+12025550199"}]}


def _drop_after_first_page(api: PeopleApiEmulator) -> TaskState:
    """Progress arrives after each committed page: the connection dies right after page 1."""
    fired: list[bool] = []

    def sink(_fraction: float, _text: str) -> None:
        if not fired:
            fired.append(True)
            # httplib2 re-sends once on a dropped connection: drop more than the budget needs.
            api.inject_fault("drop", count=RETRY_ATTEMPTS * 3)
    return TaskState(sink)


def _network_back(api: PeopleApiEmulator) -> None:
    """The outage ends: forget the drops the failed run did not consume."""
    with api._lock:
        api._faults.clear()


def test_connection_drop_mid_full_chain_then_converges(
        rt_db, fresh_db, rt_api, google_provider) -> None:
    rt_api.store.generate_persons(240)
    for i in range(4):
        rt_api.store.add_person(_person(i))
    account = add_google(rt_db, rt_api)
    failed = run_sync(rt_db, account, google_provider(), state=_drop_after_first_page(rt_api))
    assert not failed.ok and failed.pages == 1 and "Network error" in (failed.error or "")
    assert rt_api.faults_served >= RETRY_ATTEMPTS
    _network_back(rt_api)
    state = sync_state(rt_db, account)
    assert state.cursor is None and state.health == "error" and state.lease_owner is None
    check_invariants(db_path(rt_db))

    assert run_sync(rt_db, account, google_provider()).ok
    check_invariants(db_path(rt_db))
    assert run_sync(fresh_db, add_google(fresh_db, rt_api), google_provider()).ok
    assert snapshot(rt_db) == snapshot(fresh_db)


def test_connection_drop_mid_incremental_chain_keeps_the_cursor(
        rt_db, fresh_db, rt_api, google_provider) -> None:
    names = rt_api.store.generate_persons(200)
    account = add_google(rt_db, rt_api)
    assert run_sync(rt_db, account, google_provider()).ok
    good = sync_state(rt_db, account)
    for n, name in enumerate(names[:150]):
        rt_api.store.update_person(name, {"names": [{"displayName": f"Renamed {n}"}]})
    for i in range(3):
        rt_api.store.add_person(_person(i))

    failed = run_sync(rt_db, account, google_provider(), state=_drop_after_first_page(rt_api))
    assert not failed.ok and failed.mode == "incremental" and failed.pages == 1
    _network_back(rt_api)
    state = sync_state(rt_db, account)
    assert (state.cursor, state.cursor_at) == (good.cursor, good.cursor_at)
    check_invariants(db_path(rt_db))

    again = run_sync(rt_db, account, google_provider())
    assert again.ok and again.mode == "incremental"
    check_invariants(db_path(rt_db))
    assert run_sync(fresh_db, add_google(fresh_db, rt_api), google_provider()).ok
    assert snapshot(rt_db) == snapshot(fresh_db)


class _ForkServer:
    """The fault_worker process: forks a sync on demand, reaps it after the kill."""

    def __init__(self, db_url: str, api: PeopleApiEmulator, account: int) -> None:
        env = dict(os.environ, KITH_TEST_GOOGLE_CREDENTIALS=google_credentials(api).to_json())
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.fault_worker", db_url, api.url, str(account)],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._read() == "ready"

    def _read(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def _send(self, line: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self._read()

    def run(self, mode: str) -> int:
        return int(self._send(f"run {mode}").split()[1])

    def wait(self, pid: int) -> int:
        return int(self._send(f"wait {pid}").split()[1])

    def close(self) -> None:
        if self.proc.poll() is None:
            self._send_quit()
        self.proc.wait(10)

    def _send_quit(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_sigkill_at_random_points_never_corrupts_and_converges(
        rt_db, fresh_db, rt_api, google_provider) -> None:
    rt_api.store.generate_persons(2990)
    for i in range(10):
        rt_api.store.add_person(_person(i))
    account = add_google(rt_db, rt_api)
    path = db_path(rt_db)
    rt_db.dispose()  # the forked syncs own the file now
    server = _ForkServer(f"sqlite:///{path}", rt_api, account)
    rng = random.Random(20261126)
    killed, window = 0, 2.0  # kill within the first `window` seconds of a sync
    deadline = time.monotonic() + 150
    try:
        for _ in range(30):
            before = sync_state(rt_db, account).cursor
            started = time.monotonic()
            pid = server.run("full")
            time.sleep(rng.uniform(0.02, window))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - reaped only by wait below
                pass
            status = server.wait(pid)
            check_invariants(path)
            if status == -signal.SIGKILL:
                killed += 1
                assert sync_state(rt_db, account).cursor == before, "cursor moved by a kill"
            else:  # it finished first: kill sooner next time so kills land mid-sync
                assert status == 0
                window = min(window, 0.8 * (time.monotonic() - started))
            assert time.monotonic() < deadline, "kill loop too slow"
            if killed == 20:
                break
        assert killed == 20
        final = server.run("auto")
        assert server.wait(final) == 0
    finally:
        server.close()
    check_invariants(path)
    state = sync_state(rt_db, account)
    assert state.health == "ok" and state.cursor and state.lease_owner is None
    assert run_sync(fresh_db, add_google(fresh_db, rt_api),
                    google_provider(page_size=1000)).ok
    converged, clean = snapshot(rt_db), snapshot(fresh_db)
    assert len(clean["records"]) == 3000
    assert converged == clean


def test_the_invariant_check_catches_a_half_written_record(rt_db, rt_api,
                                                           google_provider) -> None:
    """The checker itself must be able to fail (otherwise the kill test proves nothing)."""
    rt_api.store.generate_persons(3)
    account = add_google(rt_db, rt_api)
    assert run_sync(rt_db, account, google_provider()).ok
    path = db_path(rt_db)
    check_invariants(path)
    con = sqlite3.connect(path)
    hid, owner = con.execute("SELECT id, party_id FROM handle ORDER BY id LIMIT 1").fetchone()
    con.execute("UPDATE handle SET party_id = NULL WHERE id = ?", (hid,))
    con.commit()
    with pytest.raises(AssertionError, match="owner != resolution"):
        check_invariants(path)
    con.execute("UPDATE handle SET party_id = ? WHERE id = ?", (owner, hid))
    con.execute("DELETE FROM record_handle WHERE source_record_id = "
                "(SELECT min(id) FROM source_record)")
    con.commit()
    con.close()
    with pytest.raises(AssertionError, match="record without its handles"):
        check_invariants(path)

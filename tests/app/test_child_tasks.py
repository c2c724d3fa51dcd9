"""Tasks run in a child process: result, progress, log records, errors and cancel come back.

The task functions below are module-level so the spawned child can import them; each opens
nothing itself: the child opens the database by URL, as the real sync does.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.child_tasks import ChildTaskError, child_peaks_mb, run_in_child
from core.db.engine import Database, open_database
from core.tasks import TaskCancelled, TaskState


def count_parties(db: Database, extra: int, *, state: TaskState) -> dict[str, object]:
    state.progress(0.5, "half way")
    logging.getLogger("kith.test").warning("hello from the child")
    with db.session() as session:
        parties = session.execute(text("SELECT count(*) FROM party")).scalar_one()
    return {"parties": parties + extra, "pid": os.getpid()}


def fail(db: Database, *, state: TaskState) -> None:
    raise FileNotFoundError(2, "The vCard file or folder is missing", "/nowhere.vcf")


class Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:  # two required args: pickling breaks
        super().__init__(f"bad {a} {b}")


def fail_strangely(db: Database, *, state: TaskState) -> None:
    raise Unpicklable(1, 2)


def wait_for_cancel(db: Database, *, state: TaskState) -> str:
    for _ in range(600):
        state.check()
        state.progress(0.1, "waiting")
        time.sleep(0.05)
    return "never cancelled"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(f"sqlite:///{tmp_path / 'kith.sqlite'}")
    yield database
    database.dispose()


def test_result_progress_and_logs_come_back(db: Database, caplog) -> None:  # noqa: ANN001
    seen: list[tuple[float, str]] = []
    state = TaskState(lambda fraction, text: seen.append((fraction, text)))
    with caplog.at_level(logging.WARNING, logger="kith"):
        result = run_in_child(count_parties, db, 3, state=state)
    assert result["parties"] == 3 and result["pid"] != os.getpid()
    assert (0.5, "half way") in seen
    assert "hello from the child" in caplog.text
    assert child_peaks_mb and child_peaks_mb[-1]["child"] > 0


def test_errors_are_raised_here(db: Database) -> None:
    with pytest.raises(FileNotFoundError, match="missing"):
        run_in_child(fail, db, state=TaskState())
    with pytest.raises(ChildTaskError, match="bad 1 2"):
        run_in_child(fail_strangely, db, state=TaskState())


def test_cancel_reaches_the_child(db: Database) -> None:
    state = TaskState()
    threading.Timer(1.5, state.cancel).start()
    started = time.monotonic()
    with pytest.raises(TaskCancelled):
        run_in_child(wait_for_cancel, db, state=state)
    assert time.monotonic() - started < 20


def test_in_memory_database_runs_here() -> None:
    memory = open_database("sqlite:///:memory:")
    try:
        result = run_in_child(count_parties, memory, 0, state=TaskState())
        assert result["pid"] == os.getpid()
    finally:
        memory.dispose()

"""After an import that made the book big, the app learns the duplicate model again in a
child process started from the writer thread (never on the GUI thread), re-scores the
suggestions, tells the review views and says so in the status bar; a notice when nothing is
due changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app import tasks
from app.appcontext import AppContext
from app.child_tasks import child_peaks_mb
from app.services import write_session
from core.db.engine import Database
from core.db.models import MatchModel
from core.ingest.engine import ingest_contacts
from core.match.train import MIN_PARTIES
from core.tasks import TaskState
from tests.match.builders import account, person

_GIVEN = ("Anna", "Jonas", "Mia", "Lukas", "Lea", "Elias", "Emma", "Noah", "Sofia", "Ben")


def big_import(db: Database, *, state: TaskState) -> int:
    """What an import task does to the book: a thousand contacts from a new source."""
    with write_session(db) as session:
        book = account(session, "big")
        stats = ingest_contacts(session, book, [
            person(f"c{i}", _GIVEN[i % 10], f"Family{i // 10}",
                   birthday=(1950 + i % 50, 1 + i % 12, 1 + i % 28))
            for i in range(MIN_PARTIES)])
        return stats.added


def _models(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(MatchModel.id))) or 0


def test_a_big_import_is_learnt_from_on_a_worker(qtbot, window, ctx: AppContext) -> None:  # noqa: ANN001
    upkeep = window.model_upkeep
    handles: list[tasks.TaskHandle] = []
    ctx.runner.started.connect(handles.append)
    notices: list[frozenset] = []
    ctx.runner.changed.connect(notices.append)
    children = len(child_peaks_mb)
    with qtbot.waitSignal(upkeep.learnt, timeout=120_000) as learnt:
        ctx.write(big_import, name="import", changes={tasks.PARTIES, tasks.SOURCES})
    assert learnt.args[0]["parties"] >= MIN_PARTIES and learnt.args[0]["written"] >= 0
    [task] = [h for h in handles if h.name == "learn from your contacts"]
    assert task.write and len(child_peaks_mb) == children + 1  # learnt in a child process
    assert _models(ctx.db) == 1
    qtbot.waitUntil(lambda: frozenset({tasks.REVIEW}) in notices)
    assert window.status.text.startswith("Duplicate suggestions updated: Kith learnt from "
                                         "your 1,0")
    # A sync that brings nothing big: the check runs, nothing is learnt or announced.
    notices.clear()
    handle = upkeep.check()
    assert handle is not None and upkeep.check() is None  # one check at a time
    qtbot.waitUntil(lambda: handle.done, timeout=30_000)
    assert handle.result is None and _models(ctx.db) == 1
    assert len(child_peaks_mb) == children + 1  # nothing due: no child started
    assert frozenset({tasks.REVIEW}) not in notices


def test_learning_on_request_runs_in_a_child_too(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from app.services.review import retrain

    children = len(child_peaks_mb)
    handle = ctx.write(big_import, name="import")
    qtbot.waitUntil(lambda: handle.done, timeout=60_000)
    handle = ctx.write(retrain, name="learn")
    qtbot.waitUntil(lambda: handle.done, timeout=120_000)
    assert handle.error is None and handle.result["source"] == "estimated"
    assert len(child_peaks_mb) == children + 1 and _models(ctx.db) == 1

"""GUI test fixtures: offscreen Qt, a real SQLite file with the real engine, a task runner."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.appcontext import AppContext  # noqa: E402
from app.settings import DictBackend, Settings  # noqa: E402
from app.tasks import TaskRunner  # noqa: E402
from core.db.engine import Database, open_database  # noqa: E402
from tests.ui.helpers import seed  # noqa: E402


@pytest.fixture(autouse=True)
def _garbage_dies_on_the_gui_thread() -> Iterator[None]:
    """Collect each test's garbage on this (the GUI) thread when it ends.

    A test's widgets often sit in reference cycles (a slot lambda holding its widget) and
    outlive it as garbage. Left to the collector, they die wherever it next runs: in the
    next test that may be a task runner's worker thread, and a QTimer destroyed there warns
    "Timers cannot be stopped from another thread" (a failure here) or worse. The app
    itself never lets a full collection run off the GUI thread (``app.tasks.tune_for_gui``).
    """
    yield
    gc.collect()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'kith.sqlite'}")
    yield database
    database.dispose()


@pytest.fixture
def ctx(qtbot, db: Database) -> Iterator[AppContext]:  # noqa: ANN001 - pytest-qt fixture
    runner = TaskRunner()
    context = AppContext(runner, Settings(DictBackend()), db)
    yield context
    runner.shutdown()


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    """A small address book: two sources, accented names, one unknown sender."""
    return seed(db)


@pytest.fixture
def window(qtbot, ctx: AppContext, people: dict[str, int]):  # noqa: ANN001, ANN201
    from ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    with qtbot.waitSignal(win.contact_list.listUpdated, timeout=10_000):
        win.start(ctx.db, sync_on_start=False)
    yield win
    ctx.runner.shutdown()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform warns whenever a top-level window's size limits change, and when
    a tooltip window is raised (the layout test asks cells for their tooltips); those are
    properties of the test platform, not of Kith, so they alone are allowed."""
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints",
                                                       "does not support raise\\(\\)"))

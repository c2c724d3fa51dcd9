"""Nothing clipped: every view, opened on the demo data at 800x600 and 1280x800, with each
visible button's and label's text fitting its widget (tests/ui/layout_check.py), the window
no bigger than asked, and nothing cut by the window's edge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDeadlineTimer, QEventLoop
from PySide6.QtWidgets import QApplication

from app.appcontext import AppContext
from app.services import demo, handles, review
from app.settings import DictBackend, Settings
from app.tasks import TaskRunner
from core.db.engine import Database, open_database
from core.tasks import TaskState
from tests.ui.layout_check import find_clipped
from ui.main_window import MainWindow
from ui.shortcuts_dialog import ShortcutsDialog

SIZES = [(800, 600), (1280, 800)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo data with decisions of three kinds, so History has long sentences to show
    (a merge, a "not the same person", an address confirmed), and one pair left to review."""
    path: Path = tmp_path_factory.mktemp("layout") / "kith.sqlite"
    database = open_database(f"sqlite:///{path}")
    demo.load_demo(database, state=TaskState())
    pairs = review.suggestions(database, 2, state=TaskState())
    assert len(pairs) == 2, "the demo data has two suggested pairs"
    review.merge(database, pairs[0].party_a_id, pairs[0].party_b_id, state=TaskState())
    review.not_same(database, pairs[1].party_a_id, pairs[1].party_b_id, state=TaskState())
    contested = handles.contested(database, 1, state=TaskState())
    links = handles.info(database, contested[0].id, state=TaskState()).links
    handles.confirm(database, contested[0].id, links[-1].party_id, state=TaskState())
    yield database
    database.dispose()


def settle(window: MainWindow, ms: int = 300) -> None:
    """Let every queued read finish and its result be shown."""
    app = QApplication.instance()
    for _ in range(3):
        window.ctx.runner.wait(10_000)
        deadline = QDeadlineTimer(ms)
        while not deadline.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


@pytest.fixture
def shown(qtbot, demo_db) -> Iterator[Callable[[tuple[int, int]], MainWindow]]:  # noqa: ANN001
    windows: list[MainWindow] = []

    def make(size: tuple[int, int], database: Any = demo_db) -> MainWindow:
        ctx = AppContext(TaskRunner(), Settings(DictBackend()), database)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        window.start(database, sync_on_start=False)
        settle(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.ctx.runner.shutdown()


def assert_fits(window: Any, size: tuple[int, int], view: str) -> None:
    """Nothing clipped: every text fits its widget, every column is in view."""
    if isinstance(window, MainWindow):
        settle(window)
    assert (window.width(), window.height()) == size, \
        f"{view}: the window cannot be as small as {size}: {window.width()}x{window.height()}"
    clipped = find_clipped(window)
    assert not clipped, f"{view} at {size[0]}x{size[1]}:\n" + "\n".join(map(str, clipped))


def _contacts(window: MainWindow) -> None:
    ids = window.contact_list.model.ids()
    window.contact_list.select_party(ids[min(3, len(ids) - 1)])


def _search(window: MainWindow) -> None:
    window.contact_list.search.setText("müller")


def _handles(window: MainWindow) -> None:
    window.show_page("handles")
    if window.handles.contested.rowCount():
        window.handles.contested.selectRow(0)


def _handles_unpicked(window: MainWindow) -> None:
    """Before an address is picked, the empty links table's titles (once cut) show."""
    window.show_page("handles")


def _review(window: MainWindow) -> None:
    window.show_page("review")


def _senders(window: MainWindow) -> None:
    window.show_page("review")
    window.review.tabs.setCurrentIndex(1)


def _history(window: MainWindow) -> None:
    window.show_page("history")


def _sources(window: MainWindow) -> None:
    window.show_page("sources")


VIEWS: dict[str, Callable[[MainWindow], None]] = {
    "contacts": _contacts, "search": _search, "handles": _handles,
    "handles, nothing picked": _handles_unpicked, "review": _review,
    "unknown senders": _senders, "history": _history, "sources": _sources,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", list(VIEWS))
def test_view_fits(shown, size, view) -> None:  # noqa: ANN001
    window = shown(size)
    VIEWS[view](window)
    assert_fits(window, size, view)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_run_page_fits(shown, tmp_path, size) -> None:  # noqa: ANN001
    empty = open_database(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        window = shown(size, empty)
        assert window.contacts_page.currentWidget() is window.empty
        assert_fits(window, size, "first run")
        window.empty.status.setText("Loading the demo data…")  # the message once cut in half
        assert_fits(window, size, "first run, loading")
    finally:
        empty.dispose()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_shortcuts_dialog_fits(qtbot, shown, size) -> None:  # noqa: ANN001
    window = shown(size)
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= size[0] and dialog.height() <= size[1]
    assert not find_clipped(dialog)

"""Start-up: a too-new or unreadable database shows a dialog (exit 3), first run shows the
empty state whose "Load demo data" fills the list, layout persists, closing during a sync
cancels it cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from app import gui
from app.appcontext import AppContext
from app.settings import DictBackend, Settings
from app.tasks import TaskRunner
from tests.factories import future_database
from tests.ui.helpers import write_vcards
from ui.main_window import MainWindow


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """QSettings and the log file under tmp_path; QMessageBox.critical recorded, not shown."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    monkeypatch.setattr("app.logging_setup.log_dir", lambda: tmp_path / "logs")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda _parent, title, message: shown.append(f"{title}\n{message}"))
    return shown


def test_database_too_new_shows_a_dialog(qtbot, tmp_path, isolated) -> None:  # noqa: ANN001
    path = tmp_path / "future.sqlite"
    future_database(path)
    assert gui.main(["--database", str(path), "--no-sync"]) == gui.EXIT_DATABASE
    assert len(isolated) == 1
    assert "newer version of Kith" in isolated[0]


def test_unreadable_database_shows_a_dialog(qtbot, tmp_path, isolated) -> None:  # noqa: ANN001
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    assert gui.main(["--database", str(path), "--no-sync"]) == gui.EXIT_DATABASE
    assert "Cannot open the database" in isolated[0] or "could not be opened" in isolated[0]


def test_first_run_shows_empty_state_and_loads_demo(qtbot, ctx, tmp_path,  # noqa: ANN001
                                                    monkeypatch) -> None:
    demo_dir = tmp_path / "resources" / "demo"
    demo_dir.mkdir(parents=True)
    write_vcards(demo_dir / "a-phone.vcf", 4, prefix="phone")
    write_vcards(demo_dir / "b-mail.vcf", 3, prefix="mail")
    monkeypatch.setattr("app.services.demo.resource_path",
                        lambda *parts: tmp_path.joinpath("resources", *parts))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.start(ctx.db, sync_on_start=False)
    qtbot.waitUntil(lambda: win.contacts_page.currentWidget() is win.empty, timeout=5000)
    win.empty.buttons["demo"].click()
    qtbot.waitUntil(lambda: win.contacts_page.currentWidget() is win.splitter, timeout=30_000)
    qtbot.waitUntil(lambda: win.contact_list.model.rowCount() == 7, timeout=10_000)
    qtbot.waitUntil(lambda: len(win.sync_panel.rows) == 2, timeout=5000)


def test_layout_persists(qtbot, ctx, people) -> None:  # noqa: ANN001
    backend = DictBackend()
    ctx.settings = Settings(backend)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    # Within the offscreen screen (800x600): restoreGeometry() shrinks a window to the screen.
    win.resize(780, 560)
    win.show()
    win.splitter.setSizes([400, 200])
    qtbot.wait(50)
    before = win.splitter.sizes()
    # A width that fits the list (ui.contact_columns keeps every column in view), and an order.
    win.contact_list.table.setColumnWidth(1, 100)
    win.contact_list.table.horizontalHeader().moveSection(2, 0)
    win.show_page("sources")
    win.save_state()
    again = MainWindow(AppContext(TaskRunner(), Settings(backend), ctx.db))
    qtbot.addWidget(again)
    again.show()
    assert again.pages.currentWidget() is again.sync_panel
    again.show_page("contacts")
    qtbot.wait(50)
    # The offscreen platform restores geometry to within its fake frame margins.
    assert abs(again.width() - win.width()) <= 30 and abs(again.height() - win.height()) <= 30
    assert abs(again.splitter.sizes()[0] - before[0]) <= 30, (again.splitter.sizes(), before)
    assert again.contact_list.table.columnWidth(1) == 100
    assert again.contact_list.table.horizontalHeader().logicalIndex(0) == 2
    again.ctx.runner.shutdown()


def test_closing_during_a_sync_cancels_it(qtbot, ctx, people, tmp_path) -> None:  # noqa: ANN001
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.start(ctx.db, sync_on_start=False)
    panel = win.sync_panel
    panel.add_vcard_path(str(write_vcards(tmp_path / "many.vcf", 1900)), sync=True)
    qtbot.waitUntil(lambda: bool(panel.running), timeout=10_000)
    handle = next(iter(panel.running.values()))
    qtbot.waitUntil(lambda: bool(handle.state.text) or handle.done, timeout=30_000)
    win.close()
    assert handle.state.cancelled
    assert not ctx.runner._writes.activeThreadCount()
    with ctx.db.engine.connect() as conn:
        healths = [r[0] for r in conn.execute(text("SELECT health FROM sync_state"))]
    assert "syncing" not in healths


def test_first_look_paints_before_the_database_opens(qtbot, db, people) -> None:  # noqa: ANN001
    """app.gui's order: the first look's page is painted while the window has no database;
    a search typed meanwhile waits; once the database opens the list holds that search."""
    from app.first_look import first_look
    from core.tasks import TaskState

    page = first_look(db.url, state=TaskState())
    assert page is not None and page.ids
    context = AppContext(TaskRunner(), Settings(DictBackend()))
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.show_first_look(page)
    panel = win.contact_list
    assert panel.model.ids() == page.ids and panel.model.cached(page.ids[0]) is not None
    panel.search.setText("chloe")  # before the database is open: held, not failed
    assert "failed" not in panel.count_label.text()
    with qtbot.waitSignal(panel.listUpdated, timeout=10_000):
        win.start(db, sync_on_start=False)
    qtbot.waitUntil(lambda: panel.model.ids() == [people["chloe"]], timeout=5000)
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.model.ids() == page.ids, timeout=5000)
    context.runner.shutdown()


def test_first_look_then_open_keeps_the_page_and_appends(qtbot, db, people) -> None:  # noqa: ANN001
    from app.first_look import first_look
    from core.tasks import TaskState

    page = first_look(db.url, state=TaskState())
    context = AppContext(TaskRunner(), Settings(DictBackend()))
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.show_first_look(page)
    resets: list[int] = []
    win.contact_list.model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(win.contact_list.listUpdated, timeout=10_000):
        win.start(db, sync_on_start=False)
    assert resets == []  # the first look's rows stayed; the rest (if any) was appended
    assert win.contact_list.model.ids()[:len(page.ids)] == page.ids
    context.runner.shutdown()

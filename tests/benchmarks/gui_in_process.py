"""Search, scroll and the background import measured in one process, on the real window.

The main window is built as the app builds it (menu bar, toolbar, sidebar, the GUI's own
database settings) on a copy of the benchmark database, offscreen. Search is timed from a
keystroke to that query's first page painted (what the owner sees) and to its full result;
scrolling from a page step to the page painted with its rows; the import by gui_import.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.gui_import import import_stall
from tests.benchmarks.gui_keystrokes import KEY_INTERVAL_MS, QUERIES, p95, per_query


class PaintClock:
    """Notes when a widget starts painting, to tell whether the rows a search put into the
    model have been painted already (the viewport's own event loop paint) or not yet."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        clock = self
        self.model_changed_at: float | None = None
        self.painted_at = 0.0

        class Filter(QObject):
            def eventFilter(self, _obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint:
                    clock.painted_at = time.perf_counter()
                return False

        self._filter = Filter()
        widget.installEventFilter(self._filter)

    def model_changed(self) -> None:
        self.model_changed_at = time.perf_counter()

    def painted_since_change(self) -> bool:
        """A paint started after the model changed, and (one thread) has finished by now."""
        return self.model_changed_at is not None and self.painted_at > self.model_changed_at


def measure_in_process(db_path: Path, workdir: Path, size: int,
                       with_import: bool = True) -> dict[str, Any]:
    """Search, scroll and (``with_import``) the stall during an import, in this process."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.appcontext import AppContext
    from app.db_open import GUI_CACHE_KIB
    from app.settings import DictBackend, Settings
    from app.tasks import TaskRunner
    from core.db.engine import open_database
    from ui.main_window import MainWindow

    qapp = QApplication.instance() or QApplication([])  # kept alive for the whole run
    # Opened as the app opens it (app.db_open): the GUI's read connections keep a smaller
    # page cache than imports; the default here measured a GUI the app never runs.
    db = open_database(f"sqlite:///{db_path}", cache_kib=GUI_CACHE_KIB)
    ctx = AppContext(TaskRunner(), Settings(DictBackend()), db)
    window = MainWindow(ctx)  # with its menu bar, toolbar and sidebar, as the owner sees it
    window.resize(1280, 800)
    window.show()
    panel = window.contact_list

    def spin_until(condition, timeout_s: float = 60.0) -> None:  # noqa: ANN001
        """Wait in the event loop (idle, like the real app) until ``condition`` holds.

        Never busy-poll here: a GUI thread spinning in Python keeps asking for the GIL, and a
        worker that releases it on every SQLite step then waits a switch interval each time.
        """
        if condition():
            return
        deadline = time.perf_counter() + timeout_s
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(1)

        def check() -> None:
            if condition() or time.perf_counter() > deadline:
                loop.quit()

        poll.timeout.connect(check)
        poll.start()
        loop.exec()
        poll.stop()
        if not condition():
            raise TimeoutError("benchmark step timed out")

    window.start(db, sync_on_start=False)
    window.sync_panel.schedule.stop()  # the benchmark database's base source has no file
    table = panel.table
    spin_until(lambda: panel.model.rowCount() >= size)
    paints = PaintClock(table.viewport())
    panel.model.modelReset.connect(paints.model_changed)

    # Search: keystroke -> the list shows that query's first page, painted (what the owner
    # sees), and separately -> the full result (count and scroll range) is in. "Painted" is
    # the viewport's first paint after the model took the new rows; when the event loop has
    # not painted yet once the rows are in, the benchmark paints (and times) it itself.
    search_ms: list[float] = []
    full_ms: list[float] = []
    #: (query, typed, first page, full result, process CPU time to the first page), in ms.
    keystrokes: list[tuple[str, str, float, float, float]] = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            text = query[:end].strip()
            started, cpu_started = time.perf_counter(), time.process_time()
            paints.model_changed_at = None
            panel.search.setText(query[:end])
            spin_until(lambda t=text: (getattr(panel, "_first_shown", None) is not None
                                       and panel._first_shown.search == t)  # noqa: SLF001
                       or (panel._last_shown is not None and panel._last_shown.search == t
                           and not panel._searching))
            if not paints.painted_since_change():
                table.viewport().repaint()
            search_ms.append((time.perf_counter() - started) * 1000)
            cpu_ms = (time.process_time() - cpu_started) * 1000
            spin_until(lambda t=text: panel._last_shown is not None  # noqa: SLF001
                       and panel._last_shown.search == t and not panel._searching)
            full_ms.append((time.perf_counter() - started) * 1000)
            keystrokes.append((query, query[:end], search_ms[-1], full_ms[-1], cpu_ms))
            # The next key comes KEY_INTERVAL_MS after this one (a steady typist), or at once
            # when the full result took longer. Until then the event loop runs, as it does
            # for a person typing; before, the next key always came the instant the full
            # result was in, so the repaint that result asks for was inside every keystroke.
            spin_until(lambda s=started: time.perf_counter() - s >= KEY_INTERVAL_MS / 1000)
        panel.search.clear()
    spin_until(lambda: panel._last_shown is not None and panel._last_shown.search == ""
               and panel.model.rowCount() >= size)

    # Scroll: one page down, painted with its rows.
    model = panel.model
    bar = table.verticalScrollBar()
    spin_until(lambda: model.cached(model.party_id(0)) is not None)
    scroll_ms: list[float] = []
    placeholders = 0
    for _ in range(60):
        started = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        table.viewport().repaint()
        first = table.rowAt(0)
        last = table.rowAt(table.viewport().height() - 1)
        last = last if last >= 0 else model.rowCount() - 1

        def loaded(f: int = first, la: int = last) -> bool:
            return all(model.cached(model.party_id(r)) is not None for r in range(f, la + 1))

        if not loaded():  # placeholders were painted: wait for the rows, paint again
            placeholders += 1
            spin_until(loaded)
            table.viewport().repaint()
        scroll_ms.append((time.perf_counter() - started) * 1000)
        # Between two scroll steps the app's event loop runs (each step is a wheel or key
        # event): replies of the rows fetched ahead are delivered there. Not timed.
        qapp.processEvents()

    measured: dict[str, Any] = {
        "search_p95_ms": round(p95(search_ms), 2),
        "search_p50_ms": round(statistics.median(search_ms), 2),
        "search_full_p95_ms": round(p95(full_ms), 2),
        **per_query(keystrokes),
        "scroll_page_ms": round(p95(scroll_ms), 2),
        "scroll_page_p50_ms": round(statistics.median(scroll_ms), 2),
        "scroll_pages_with_placeholders": placeholders,
    }
    if with_import:
        measured.update(import_stall(window, ctx, db, workdir, size, spin_until))
    ctx.runner.shutdown()
    window.close()
    qapp.processEvents()
    db.dispose()
    return measured

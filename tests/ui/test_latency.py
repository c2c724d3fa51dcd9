"""The GUI thread stays responsive while a 20,000-contact import runs in the task runner.

A 5 ms QTimer measures the gaps between its ticks on the GUI thread; the issue's goal, and
the assertion, is no gap over 100 ms. The import is a 20,000-card vCard file synced through
the sources panel, the way the owner runs it: the task runner runs the sync in a child
process (app.child_tasks), so the import's Python never holds this process's GIL, and the
GUI thread only relays progress. (With the import on a worker *thread*, CPython's GIL alone
produced 100-160 ms gaps on a 2-core machine.) The owner keeps searching meanwhile, and the
change notice at the end refreshes the list.
"""

from __future__ import annotations

import gc
import time

import pytest
from PySide6.QtCore import QTimer

from tests.ui.helpers import write_vcards

IMPORT_SIZE = 20_000
MAX_GAP_MS = 100.0


class GapMeter:
    def __init__(self, interval_ms: int = 5) -> None:
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.max_gap_ms = 0.0
        self.ticks = 0
        self.slow: list[tuple[float, int]] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self.last) * 1000
        self.max_gap_ms = max(self.max_gap_ms, gap)
        if gap > 50:
            self.slow.append((round(now, 2), round(gap)))
        self.last = now
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()


@pytest.mark.slow
def test_gui_thread_never_blocks_during_a_big_import(qtbot, window, people,  # noqa: ANN001
                                                     tmp_path) -> None:  # noqa: ANN001
    """The whole window is live (list, detail, sync panel reacting to progress) meanwhile."""
    panel = window.sync_panel
    cards = write_vcards(tmp_path / "big-import.vcf", IMPORT_SIZE, prefix="big")
    panel.add_vcard_path(str(cards), sync=False)
    qtbot.waitUntil(lambda: any(s.settings.get("path") == str(cards.resolve())
                                for s in panel.rows), timeout=10_000)
    account_id = next(s.id for s in panel.rows if s.settings.get("path") == str(cards.resolve()))
    qtbot.waitUntil(lambda: not window.ctx.runner.busy(), timeout=10_000)
    window.contact_list.select_party(people["anna"])
    progress: list[str] = []
    window.ctx.runner.progressed.connect(lambda _h, _f, text: progress.append(text))
    # The app collects once and freezes what start-up built (tasks.tune_for_gui); here the
    # garbage of the tests before this one is collected first, so a full collection of their
    # windows does not land inside the measurement.
    gc.collect()
    meter = GapMeter()
    meter.start()
    handle = panel.sync(account_id)
    assert handle is not None
    # Keep the GUI busy the way an owner would: searching while the import runs.
    for text in ("a", "an", "ann", "anna", ""):
        window.contact_list.search.setText(text)
        qtbot.wait(200)
    qtbot.waitUntil(lambda: handle.done, timeout=240_000)
    qtbot.waitUntil(lambda: window.contact_list.model.rowCount() == 6 + IMPORT_SIZE,
                    timeout=30_000)  # the change notice refreshed the list
    qtbot.wait(300)
    meter.stop()
    assert handle.error is None and handle.result["added"] == IMPORT_SIZE
    assert progress, "progress from the child process reached the GUI"
    assert meter.ticks > 100
    print(f"max GUI gap {meter.max_gap_ms:.0f} ms (goal and limit {MAX_GAP_MS:.0f} ms)")
    assert meter.max_gap_ms <= MAX_GAP_MS, (
        f"GUI thread blocked for {meter.max_gap_ms:.0f} ms; gaps over 50 ms: {meter.slow}")

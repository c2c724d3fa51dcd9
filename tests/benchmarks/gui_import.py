"""The GUI during a background import: the GUI thread's stalls, and search while it runs.

A ``size``-card vCard file is imported through the real sync path (the sources panel's "Full
sync", which runs the sync in a child process) while a 5 ms GUI-thread timer records its
longest gap; from the import's 15th second the benchmark's queries are typed again, and the
gap while typing is recorded apart from the import's own.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.gui_database import DEFAULT_SIZE
from tests.benchmarks.gui_keystrokes import KEY_INTERVAL_MS, QUERIES, p95

#: Seconds into the background import (at 100,000 cards; less for smaller sizes) when the
#: benchmark types the queries again.
TYPE_DURING_IMPORT_AFTER_S = 15.0


class TypingDuringImport:
    """Types QUERIES letter by letter into the search box, driven by the event loop (the
    import's own wait loop keeps running), and times each keystroke to its first page shown.
    The GUI-thread stall is measured meanwhile, so it includes this work."""

    def __init__(self, panel: Any, start_after_s: float) -> None:
        from PySide6.QtCore import QTimer

        self.panel = panel
        self.keystroke_ms: list[float] = []
        self._keys = [q[:end] for q in QUERIES for end in range(1, len(q) + 1)] + [""]
        self._typed: tuple[str, float] | None = None
        self._last_key = 0.0
        self._start_at = time.perf_counter() + start_after_s
        self._poll = QTimer()
        self._poll.setInterval(1)
        self._poll.timeout.connect(self._step)
        self._poll.start()

    def _step(self) -> None:
        panel, now = self.panel, time.perf_counter()
        if now < self._start_at:
            return
        if self._typed is not None:
            text, started = self._typed
            if not (panel._first_shown is not None and panel._first_shown.search == text):  # noqa: SLF001
                return
            if started:  # its first page is shown: time it once
                self.keystroke_ms.append((now - started) * 1000)
                self._typed = (text, 0.0)
            if panel._searching:  # noqa: SLF001 - the next key once the list settled
                return
            if now - self._last_key < KEY_INTERVAL_MS / 1000:
                return
        if not self._keys:
            self.stop()
            return
        key = self._keys.pop(0)
        self._last_key = time.perf_counter()
        self._typed = (key.strip(), self._last_key if key else 0.0)  # "" clears: untimed
        panel.search.setText(key)

    @property
    def typing(self) -> bool:
        """Between the first keystroke and the last one's first page."""
        return self._poll.isActive() and time.perf_counter() >= self._start_at

    def stop(self) -> None:
        self._poll.stop()


def import_stall(window: Any, ctx: Any, db: Any, workdir: Path, size: int,
                 spin_until: Any) -> dict[str, Any]:
    """A size-card vCard import through the real sync path, a GUI timer measuring gaps."""
    from PySide6.QtCore import QTimer

    from app import child_tasks
    from app.services import sources as source_services
    from core.sync.providers.vcard.synthetic import write_synthetic_file
    from core.tasks import TaskState

    cards = write_synthetic_file(workdir / "import.vcf", size, seed=2)
    account_id = source_services.add_vcard_source(db, str(cards), state=TaskState())
    # The longest gap while only the import runs, and (separately) while the owner types.
    gaps = {"max": 0.0, "typing": 0.0, "last": time.perf_counter()}
    typists: list[TypingDuringImport] = []

    def tick() -> None:
        now = time.perf_counter()
        key = "typing" if typists and typists[0].typing else "max"
        gaps[key] = max(gaps[key], (now - gaps["last"]) * 1000)
        gaps["last"] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    slow: list[str] = []  # the task runner logs GUI-thread callbacks over 30 ms: say which

    class SlowCallbacks(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "slow GUI-thread callback" in record.getMessage():
                slow.append(record.getMessage().split("task ", 1)[-1])

    catcher = SlowCallbacks()
    logging.getLogger("kith.tasks").addHandler(catcher)
    # "Full sync" in the sources panel: the same call, task and change notices as the button.
    handle = window.sync_panel.sync(account_id, full=True)
    assert handle is not None
    gaps["last"] = time.perf_counter()
    timer.start()
    typist = TypingDuringImport(window.contact_list, start_after_s=TYPE_DURING_IMPORT_AFTER_S
                                * min(1.0, size / DEFAULT_SIZE))
    typists.append(typist)
    spin_until(lambda: handle.done, timeout_s=3600)
    typist.stop()
    spin_until(lambda: not ctx.runner.busy(), timeout_s=120)
    timer.stop()
    logging.getLogger("kith.tasks").removeHandler(catcher)
    if handle.error is not None:
        raise RuntimeError(f"the benchmark import failed: {handle.error}")
    typed = typist.keystroke_ms
    return {
        "max_stall_ms": round(gaps["max"], 2),
        # The same keystrokes as above, typed while the import runs (from its 15th second).
        "search_during_import_p95_ms": round(p95(typed), 2) if typed else None,
        "search_during_import_keystrokes": len(typed),
        "max_stall_while_typing_ms": round(gaps["typing"], 2),
        "slow_gui_callbacks_during_import": slow,
        "imported_cards": size,
        # The import runs in a child process (app.child_tasks): its memory is reported here,
        # separately from the GUI process's own peak below, never hidden.
        "import_child_peak_rss_mb": max((p.get("child", 0.0) for p in child_tasks.child_peaks_mb),
                                        default=0.0),
        "import_helpers_peak_rss_mb": max((p.get("helpers", 0.0)
                                           for p in child_tasks.child_peaks_mb), default=0.0),
    }

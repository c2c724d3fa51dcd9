"""GUI benchmark (offscreen): ``python -m tests.benchmarks gui [--size N]``.

With ``size`` contacts in the database (default 100,000) it measures:

- ``start_to_paint_s``: a fresh ``kith`` process, from before it is spawned to the contact list
  painted with rows (the app prints the moment when ``KITH_BENCH_PAINT`` is set); the median
  of three such starts;
- ``search_p95_ms``: keystroke to updated list (its first page painted), over realistic
  queries (names, emails, and phone numbers in the forms owners type them) typed letter by
  letter at a steady pace (a key every 200 ms, or as soon as the
  previous key's full result is in when that takes longer);
- ``scroll_page_ms``: p95 of scrolling one page down and painting it with its rows;
- ``max_stall_ms``: the longest gap of a 5 ms GUI-thread timer while a ``size``-card vCard
  file is imported in the background through the real sync path (the sources panel's "Full
  sync", which runs the sync in a child process);
- ``search_during_import_p95_ms``: the search keystrokes again, typed from the import's 15th
  second, and ``max_stall_while_typing_ms``, the timer's longest gap meanwhile (apart from
  ``max_stall_ms``, which is the import alone);
- ``peak_rss_mb``: the GUI process's peak resident memory (the database is built in a
  separate process so the build does not count); the import's child process and its vCard
  parser helpers are reported beside it (``import_child_peak_rss_mb``,
  ``import_helpers_peak_rss_mb``).

The database is built once per size through the real ingest engine and cached under the
user cache directory (``KITH_BENCH_CACHE`` overrides it), then copied for each run
(gui_database). This module runs the start-ups; the rest is measured in one process on the
real window (gui_in_process), with the queries from gui_keystrokes and the import from
gui_import.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.gui_database import DEFAULT_SIZE, ROOT, database_copy
from tests.benchmarks.gui_in_process import measure_in_process

# Before any Qt import (those come inside the measuring functions).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

START_RUNS = 3


def start_to_paint(db_path: Path, workdir: Path) -> float:
    env = dict(os.environ, KITH_BENCH_PAINT="1", QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(workdir / "config"), XDG_STATE_HOME=str(workdir / "state"))
    started = time.time()
    out = subprocess.run([sys.executable, "-m", "app.gui", "--database", str(db_path),
                          "--no-sync"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("KITH_PAINTED "):
            return float(line.split()[1]) - started
    raise RuntimeError(f"the app never painted its list: {out.stderr[-2000:]}")


def run(size: int | None = None) -> dict[str, object]:
    size = size or DEFAULT_SIZE
    workdir = Path(tempfile.mkdtemp(prefix="kith-gui-bench-"))
    try:
        db_path = database_copy(size, workdir)
        # Start-up is the noisiest figure (disk cache, other processes): the median of three
        # fresh processes, each one reported.
        paints = [start_to_paint(db_path, workdir) for _ in range(START_RUNS)]
        paint = statistics.median(paints)
        measured = measure_in_process(db_path, workdir, size)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {"name": "gui", "size": size, "start_to_paint_s": round(paint, 3),
                "start_to_paint_runs_s": [round(p, 3) for p in paints],
                **measured, "peak_rss_mb": round(peak_kb / 1024, 1)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else None)))

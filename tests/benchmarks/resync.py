"""``resync``: the same 100,000 contacts again, unchanged, vs the baseline's insert rate.

ratio = Kith unchanged contacts/s / baseline insert contacts/s (goal: at least 1).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.benchmarks.baseline import insert_baseline
from tests.benchmarks.ingest import DEFAULT_SIZE, kith_ingest, prepare_db
from tests.benchmarks.memory import peak_rss_mb


def run(size: int | None = None) -> dict:
    size = size or DEFAULT_SIZE
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline_s = insert_baseline(folder / "baseline.sqlite", size)
        db, account_id = prepare_db(folder)
        first_s = kith_ingest(db, account_id, size)
        resync_s = kith_ingest(db, account_id, size)
        db.dispose()
    baseline_rate, resync_rate = size / baseline_s, size / resync_s
    return {
        "name": "resync", "size": size,
        "baseline_insert_s": round(baseline_s, 3), "kith_first_ingest_s": round(first_s, 3),
        "kith_resync_s": round(resync_s, 3),
        "baseline_contacts_per_s": round(baseline_rate),
        "kith_unchanged_contacts_per_s": round(resync_rate),
        "ratio": round(resync_rate / baseline_rate, 3), "goal_ratio": 1.0,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }

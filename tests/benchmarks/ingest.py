"""``ingest``: 100,000 new parsed contacts through Kith's write path vs the raw baseline.

ratio = Kith contacts/s / baseline contacts/s (goal: at least 1/3).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from core.db.engine import open_database
from core.ingest.engine import ingest_contacts
from core.sync.vcard_import import ensure_account
from tests.benchmarks.baseline import insert_baseline
from tests.benchmarks.corpus import contacts
from tests.benchmarks.memory import peak_rss_mb

DEFAULT_SIZE = 100_000
BATCH = 1000


def kith_ingest(db, account_id: int, size: int) -> float:
    data = list(contacts(size))
    start = time.perf_counter()
    for offset in range(0, size, BATCH):
        with db.session() as s:
            stats = ingest_contacts(s, account_id, data[offset: offset + BATCH], region="US")
            s.commit()
        assert not stats.errors, stats.errors[:3]
    return time.perf_counter() - start


def prepare_db(folder: Path):
    db = open_database(f"sqlite:///{folder / 'kith.sqlite'}")
    with db.session() as s:
        account_id = ensure_account(s, "vcard", "bench", "bench")
        s.commit()
    return db, account_id


def run(size: int | None = None) -> dict:
    size = size or DEFAULT_SIZE
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline_s = insert_baseline(folder / "baseline.sqlite", size)
        db, account_id = prepare_db(folder)
        kith_s = kith_ingest(db, account_id, size)
        db.dispose()
    baseline_rate, kith_rate = size / baseline_s, size / kith_s
    return {
        "name": "ingest", "size": size,
        "baseline_s": round(baseline_s, 3), "kith_s": round(kith_s, 3),
        "baseline_contacts_per_s": round(baseline_rate), "kith_contacts_per_s": round(kith_rate),
        "ratio": round(kith_rate / baseline_rate, 3), "goal_ratio": round(1 / 3, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }

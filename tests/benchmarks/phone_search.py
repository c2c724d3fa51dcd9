"""Phone search cost: ``python -m tests.benchmarks phone_search [--size N]``.

On the GUI benchmark's database (``size`` contacts, default 100,000, one phone each), types
phone numbers in several forms letter by letter and times, per keystroke, the two queries the
contact list runs (core.views.party through app.services.contacts): the first page (what the
owner sees; no refinement from the previous keystroke, so this is the worst case) and every
id of the result. Name keystrokes typed the same way are the baseline (``*_ratio``).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from tests.benchmarks.gui_database import DEFAULT_SIZE, database_copy
from tests.benchmarks.gui_keystrokes import p95

#: Numbers of the corpus (+1 202 2000000+i) in the forms people type them.
PHONE_QUERIES = ["(202) 201-2345", "202-201-2345", "+1 202 201 2345", "2012345", "1-202-20123",
                 "+49 151 3018681"]
NAME_QUERIES = ["müller", "anna", "rossi", "zoë n"]


def measure(db_path: Path, queries: list[str]) -> dict[str, float]:
    from app.services import contacts
    from app.services.list_query import ListQuery
    from core.db.engine import open_database
    from core.tasks import TaskState

    db = open_database(f"sqlite:///{db_path}", migrate=False)
    first: list[float] = []
    full: list[float] = []
    try:
        for query in queries:
            for end in range(1, len(query) + 1):
                text = query[:end].strip()
                started = time.perf_counter()
                contacts.first_page(db, ListQuery(text), state=TaskState())
                first.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                contacts.search_ids(db, ListQuery(text), state=TaskState())
                full.append((time.perf_counter() - started) * 1000)
    finally:
        db.dispose()
    return {"first_page_p95_ms": round(p95(first), 2),
            "first_page_median_ms": round(statistics.median(first), 2),
            "all_ids_p95_ms": round(p95(full), 2), "keystrokes": len(first)}


def run(size: int | None = None) -> dict[str, object]:
    size = size or DEFAULT_SIZE
    with tempfile.TemporaryDirectory(prefix="kith-phone-bench-") as tmp:
        path = database_copy(size, Path(tmp))
        from core.db.engine import open_database

        open_database(f"sqlite:///{path}").dispose()  # migrate a cache built by older code
        measure(path, NAME_QUERIES[:1])  # warm the page cache
        names = measure(path, NAME_QUERIES)
        phones = measure(path, PHONE_QUERIES)
        db_mb = path.stat().st_size / 1e6
    return {"benchmark": "phone_search", "size": size, "phones": phones, "names": names,
            "first_page_ratio": round(phones["first_page_p95_ms"]
                                      / max(names["first_page_p95_ms"], 0.01), 2),
            "database_mb": round(db_mb, 1)}

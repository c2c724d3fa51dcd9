"""First-run helpers: load the bundled demo data (two overlapping vCard sources)."""

from __future__ import annotations

from app.paths import resource_path
from app.services import read_session, syncing
from app.services.sources import add_vcard_source
from core.db.engine import Database
from core.tasks import TaskState
from core.views.party import list_party_ids
from core.views.sources import list_sources

#: The demo owner lives in Germany: numbers like "0151 2345678" are German mobiles.
DEMO_REGION = "DE"


def demo_files() -> list[str]:
    return sorted(str(p) for p in resource_path("demo").glob("*.vcf"))


def load_demo(db: Database, *, state: TaskState) -> dict[str, int]:
    """Add every demo file as a vCard source and sync it; returns the summed counts."""
    files = demo_files()
    if not files:
        raise FileNotFoundError(2, "No demo data bundled", str(resource_path("demo")))
    total: dict[str, int] = {}
    for index, path in enumerate(files):
        state.check()
        state.progress(index / len(files), f"Loading {path.rsplit('/', 1)[-1]}…")
        account_id = add_vcard_source(db, path, state=state, region=DEMO_REGION)
        counts = syncing.sync_source_here(db, account_id, state=TaskState())
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    state.progress(1.0, "Demo data loaded")
    return total


def is_empty(db: Database, *, state: TaskState) -> bool:
    """First run: no contacts and no sources yet."""
    with read_session(db) as session:
        return not list_sources(session) and not list_party_ids(session, limit=1)

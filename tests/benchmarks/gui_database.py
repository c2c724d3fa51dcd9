"""The GUI benchmark's database: ``size`` contacts, built once per size and cached.

Built through the real ingest engine in its own process (``python -m
tests.benchmarks.gui_database --build PATH SIZE``), so the build never counts in the GUI
process's memory or time, and cached under the user cache directory (``KITH_BENCH_CACHE``
overrides it). Each run works on a copy. The phone search benchmark uses the same database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_SIZE = 100_000
BATCH = 1000
ROOT = Path(__file__).resolve().parents[2]


def _cache_dir() -> Path:
    from platformdirs import user_cache_path

    override = os.environ.get("KITH_BENCH_CACHE")
    return Path(override) if override else user_cache_path("kith-bench", appauthor=False)


def build_database(path: Path, size: int) -> None:
    """``size`` contacts through the real ingest engine (runs in its own process)."""
    from core.db.engine import open_database
    from core.ingest.engine import ingest_contacts
    from tests.benchmarks.corpus import contacts
    from tests.ui.helpers import add_account

    db = open_database(f"sqlite:///{path}")
    account = add_account(db, "vcard", "bench-base.vcf")
    batch = []
    for contact in contacts(size):
        batch.append(contact)
        if len(batch) == BATCH:
            with db.session() as session:
                ingest_contacts(session, account, batch)
                session.commit()
            batch = []
    if batch:
        with db.session() as session:
            ingest_contacts(session, account, batch)
            session.commit()
    db.dispose()


def database_copy(size: int, workdir: Path) -> Path:
    """A copy, in ``workdir``, of the cached database of ``size`` contacts (built if missing)."""
    cached = _cache_dir() / f"gui-{size}.sqlite"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-m", "tests.benchmarks.gui_database", "--build",
                        str(partial), str(size)], cwd=ROOT, check=True)
        partial.rename(cached)
    target = workdir / "kith.sqlite"
    shutil.copyfile(cached, target)
    return target


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--build":
        build_database(Path(sys.argv[2]), int(sys.argv[3]))

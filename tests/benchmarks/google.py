"""``google``: a 50,000-contact Google account synced from the People API emulator.

Full sync (pageSize 1000, through ``run_sync`` into an empty SQLite file) and then a
no-change incremental sync. Reports contacts per second for the full sync, seconds for the
incremental one, and Kith's peak memory. The emulator runs in its own process so its CPU and
memory do not count against Kith (it answers over loopback HTTP as Google would).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SIZE = 50_000
PAGE_SIZE = 1000
ACCOUNT = "owner@example.com"
ROOT = Path(__file__).resolve().parents[2]


def serve(size: int) -> None:
    """Child process: an emulator holding ``size`` generated contacts until stdin closes."""
    from tests.emulators.people_api import PeopleApiEmulator
    from tests.sync.runtime_support import google_credentials

    with PeopleApiEmulator() as api:
        api.store.generate_persons(size)
        print(json.dumps({"url": api.url, "credentials": google_credentials(api).to_json()}),
              flush=True)
        sys.stdin.read()


def run(size: int | None = None) -> dict:
    size = size or DEFAULT_SIZE
    child = subprocess.Popen([sys.executable, "-m", "tests.benchmarks.google", "--serve",
                              str(size)], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        info = json.loads(child.stdout.readline())
        return _measure(size, info["url"], info["credentials"])
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(30)


def _measure(size: int, url: str, credentials: str) -> dict:
    import keyring

    from core.db.engine import open_database
    from core.sync.providers.google import GoogleProvider, KeyringTokenStore
    from core.sync.runtime import run_sync
    from core.sync.sources import add_source
    from tests.benchmarks.memory import peak_rss_mb
    from tests.emulators.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    keyring.set_password("kith", f"google:{ACCOUNT}", credentials)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'kith.sqlite'}")
        with db.session() as s:
            account = add_source(s, "google", ACCOUNT, {"api_endpoint": url})
            s.commit()
        provider = GoogleProvider(KeyringTokenStore(), api_endpoint=url, page_size=PAGE_SIZE)
        started = time.perf_counter()
        full = run_sync(db, account, provider)
        full_s = time.perf_counter() - started
        assert full.ok and full.mode == "full", full.error
        assert full.counts["added"] == size, full.counts
        started = time.perf_counter()
        incremental = run_sync(db, account, provider)
        incremental_s = time.perf_counter() - started
        assert incremental.ok and incremental.mode == "incremental", incremental.error
        assert incremental.counts["added"] == incremental.counts["updated"] == 0
        db.dispose()
    return {
        "name": "google", "size": size, "peak_rss_mb": round(peak_rss_mb(), 1),
        "full_s": round(full_s, 2), "full_contacts_per_s": round(size / full_s, 1),
        "incremental_s": round(incremental_s, 3), "full_pages": full.pages,
        "api_calls": provider.stats.calls, "emulator": "separate process",
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
    else:
        print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else None)))

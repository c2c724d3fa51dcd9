"""Subprocess body for the kill test: one Google sync into a SQLite file, to be SIGKILLed.

Usage: ``python -m tests.sync.fault_worker DB_URL API_URL ACCOUNT_ID MODE`` with the Google
credentials JSON (emulator-issued, test-only) in ``KITH_TEST_GOOGLE_CREDENTIALS``. Prints
"ready" once imports are done (so the parent times its kill against the sync, not against
interpreter start-up), then "done <counts>" if it was not killed first.
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    db_url, api_url, account_id, mode = argv
    import keyring

    from core.db.engine import open_database
    from core.sync.providers.google import GoogleProvider, KeyringTokenStore, RetryPolicy
    from core.sync.runtime import run_sync
    from tests.emulators.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    keyring.set_password("kith", "google:owner@example.com",
                         os.environ["KITH_TEST_GOOGLE_CREDENTIALS"])
    db = open_database(db_url)
    provider = GoogleProvider(KeyringTokenStore(), api_endpoint=api_url, page_size=100,
                              retry=RetryPolicy(attempts=3, base_delay=0.01), timeout=10)
    print("ready", flush=True)
    result = run_sync(db, int(account_id), provider, mode=mode)
    print("done", json.dumps({"ok": result.ok, "error": result.error, **result.counts}),
          flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

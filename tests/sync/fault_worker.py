"""Subprocess for the kill test: forks Google syncs into a SQLite file, to be SIGKILLed.

Why a fork server: importing the Google client and SQLAlchemy costs seconds per interpreter;
twenty kills would spend most of the test budget starting Python. This process imports once,
then forks one child per sync (the child opens its own database connection after the fork),
and reports the child's pid so the test can SIGKILL it at a random moment.

Usage: ``python -m tests.sync.fault_worker DB_URL API_URL ACCOUNT_ID`` with the test-only,
emulator-issued Google credentials JSON in ``KITH_TEST_GOOGLE_CREDENTIALS``. Commands on
stdin, one per line: ``run MODE`` -> ``pid N``; ``wait N`` -> ``exit STATUS`` (reaps the
child; a SIGKILLed child reports -9); ``quit``.
"""

from __future__ import annotations

import os
import sys


def _child(db_url: str, api_url: str, account_id: int, mode: str) -> int:
    from core.db.engine import open_database
    from core.sync.providers.google import GoogleProvider, KeyringTokenStore, RetryPolicy
    from core.sync.runtime import run_sync

    db = open_database(db_url)
    provider = GoogleProvider(KeyringTokenStore(), api_endpoint=api_url, page_size=100,
                              retry=RetryPolicy(attempts=3, base_delay=0.01), timeout=10)
    result = run_sync(db, account_id, provider, mode=mode)
    return 0 if result.ok else 1


def main(argv: list[str]) -> int:
    db_url, api_url, account_id = argv
    import keyring

    import core.db.engine  # noqa: F401 - import once, before forking
    import core.sync.providers.google  # noqa: F401
    import core.sync.runtime  # noqa: F401
    from tests.emulators.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    keyring.set_password("kith", "google:owner@example.com",
                         os.environ["KITH_TEST_GOOGLE_CREDENTIALS"])
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "run":
            pid = os.fork()
            if pid == 0:  # the child: one sync, then leave without running parent cleanup
                code = 2
                try:
                    code = _child(db_url, api_url, int(account_id), arg)
                finally:
                    os._exit(code)
            print(f"pid {pid}", flush=True)
        elif command == "wait":
            _, status = os.waitpid(int(arg), 0)
            print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)
        elif command == "quit":
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

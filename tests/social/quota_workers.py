"""Worker bodies for the multi-process quota tests (importable by spawned children)."""

from __future__ import annotations

from datetime import datetime


def spend_until_refused(url: str, subject: str, platform: str, cost: int,
                        now_iso: str, barrier, results) -> None:  # noqa: ANN001 - mp proxies
    """Own engine (as a separate Kith process would have); spend until the ledger says no."""
    from core.db.engine import make_engine
    from core.social import consume

    engine = make_engine(url)
    now = datetime.fromisoformat(now_iso)
    granted = 0
    try:
        barrier.wait(timeout=60)
        while consume(engine, subject, platform, cost, now=now):
            granted += cost
    finally:
        engine.dispose()
        results.put(granted)

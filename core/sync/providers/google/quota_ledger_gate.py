"""A :class:`QuotaGate` for the Google provider backed by the database quota ledger.

Why the ledger and not an in-memory counter: the budget Google enforces is per user and per
minute across every process talking for that account (the GUI, ``kith sync``, the MCP server).
Spending from one shared ledger row per (account, minute) keeps them all under the limit
together, and a refused spend waits for the next minute instead of earning a 429.

Each ``acquire`` spends in its own short, committed transaction (never inside the caller's
ingest transaction), so a ledger write lock is held for one UPDATE only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from core.db.base import utcnow
from core.social._sql import as_engine
from core.social.quota import NoOpenPeriodError, PeriodRule, try_consume
from core.sync.contract import ProviderError

log = logging.getLogger(__name__)

#: Conservative default below Google's per-user People API read quota; set it to the value
#: shown in the Cloud console (APIs & Services -> People API -> Quotas) when it differs.
DEFAULT_BUDGET_PER_MINUTE = 60

#: Sleep this much past the period end so a wall clock a hair behind the sleep timer does not
#: land back in the exhausted period.
EDGE_MARGIN_S = 0.01


class LedgerQuotaGate:
    """Blocking admission: spend ``cost`` from the ledger, or sleep until the period ends.

    ``database`` is a ``core.db.engine.Database`` or an Engine. Periods are opened on demand,
    one per minute with ``budget_per_minute`` (an existing period covering the moment, e.g. one
    the owner opened with a different budget, is used as is). ``sleep`` and ``now`` are
    injectable: tests pass a fake clock, the runtime may pass an interruptible wait.
    """

    def __init__(self, database: object, subject: str, platform: str = "google",
                 budget_per_minute: int = DEFAULT_BUDGET_PER_MINUTE,
                 sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], datetime] = utcnow) -> None:
        engine = as_engine(database)
        if engine is None:
            raise TypeError("LedgerQuotaGate needs a Database or an Engine")
        if budget_per_minute < 1:
            raise ValueError("budget_per_minute must be at least 1")
        self._engine = engine
        self.subject = subject
        self.platform = platform
        self.rule = PeriodRule.per_minute(budget_per_minute)
        self._sleep = sleep
        self._now = now
        #: How many times acquire had to wait, and for how long in total (for stats and tests).
        self.waits = 0
        self.waited_s = 0.0

    def acquire(self, cost: int = 1) -> None:
        """Return once ``cost`` units are spent from the ledger; wait for new periods if needed."""
        if cost < 1:
            return
        if cost > self.rule.budget:
            raise ProviderError(f"a Google call costing {cost} can never fit a quota of "
                                f"{self.rule.budget} per minute")
        while True:
            moment = self._now()
            try:
                result = try_consume(self._engine, self.subject, self.platform, cost,
                                     now=moment, auto_open=self.rule)
            except NoOpenPeriodError as exc:
                raise ProviderError(f"Quota ledger has no usable period: {exc}") from None
            if result.granted:
                return
            period = result.period
            if cost > period.budget:
                raise ProviderError(f"a Google call costing {cost} can never fit the ledger "
                                    f"budget of {period.budget} for {self.subject}")
            wait = max(0.0, (period.period_end - moment).total_seconds()) + EDGE_MARGIN_S
            self.waits += 1
            self.waited_s += wait
            log.info("Google quota for %s spent until %s; waiting %.1f s", self.subject,
                     period.period_end.isoformat(), wait)
            self._sleep(wait)

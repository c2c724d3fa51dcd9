"""LedgerQuotaGate: the Google provider's quota gate spending from the database ledger.

A fake clock stands in for time: ``sleep`` advances ``now``, so waiting for the next minute
is checked exactly without real sleeping.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.db.models.social import QuotaLedger
from core.social import account_subject, open_period
from core.sync.contract import ProviderError
from core.sync.providers.google import QuotaGate, RetryPolicy
from core.sync.providers.google.calls import CallStats, run_call
from core.sync.providers.google.quota_ledger_gate import EDGE_MARGIN_S, LedgerQuotaGate
from tests.social.helpers import T0

SUBJECT = account_subject(3)


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


def _periods(db) -> list[tuple[datetime, datetime, int, int]]:
    with db.session() as s:
        rows = s.query(QuotaLedger).order_by(QuotaLedger.period_start).all()
        return [(r.period_start, r.period_end, r.budget, r.used) for r in rows]


def _gate(db, clock: FakeClock, budget: int = 3) -> LedgerQuotaGate:
    return LedgerQuotaGate(db, SUBJECT, budget_per_minute=budget, sleep=clock.sleep, now=clock)


def test_gate_satisfies_the_provider_protocol(db):
    gate: QuotaGate = _gate(db, FakeClock(T0))
    assert hasattr(gate, "acquire")


def test_refused_acquire_waits_for_the_next_minute(db):
    clock = FakeClock(T0 + timedelta(seconds=50))
    gate = _gate(db, clock, budget=3)
    for _ in range(3):
        gate.acquire()
    assert clock.sleeps == []
    gate.acquire()  # minute spent: sleeps the 10 s left, then spends from the next minute
    assert clock.sleeps == [pytest.approx(10 + EDGE_MARGIN_S)]
    assert gate.waits == 1
    minute = timedelta(minutes=1)
    assert _periods(db) == [(T0, T0 + minute, 3, 3), (T0 + minute, T0 + 2 * minute, 3, 1)]


def test_cost_larger_than_what_is_left_waits_and_refusal_spends_nothing(db):
    clock = FakeClock(T0 + timedelta(seconds=5))
    gate = _gate(db, clock, budget=5)
    gate.acquire(4)
    gate.acquire(2)  # 4 + 2 > 5: the first minute stays at 4, the next one pays
    assert clock.sleeps == [pytest.approx(55 + EDGE_MARGIN_S)]
    assert [p[3] for p in _periods(db)] == [4, 2]


def test_two_gates_share_one_budget(db):
    """Two processes (two gates) on the same account spend from the same ledger row."""
    clock = FakeClock(T0)
    first, second = _gate(db, clock, budget=3), _gate(db, clock, budget=3)
    first.acquire(2)
    second.acquire(1)
    assert clock.sleeps == []
    first.acquire()
    assert len(clock.sleeps) == 1 and first.waits == 1 and second.waits == 0


def test_an_existing_period_is_honoured(db):
    """A period the owner opened (hourly, budget 2) applies instead of the per-minute rule."""
    with db.session() as s:
        open_period(s, SUBJECT, "google", 2, T0, T0 + timedelta(hours=1))
        s.commit()
    clock = FakeClock(T0 + timedelta(minutes=30))
    gate = _gate(db, clock, budget=100)
    gate.acquire()
    gate.acquire()
    gate.acquire()
    assert clock.sleeps == [pytest.approx(30 * 60 + EDGE_MARGIN_S)]
    assert [p[2:] for p in _periods(db)] == [(2, 2), (100, 1)]


def test_a_cost_that_can_never_fit_is_an_error_not_a_hang(db):
    clock = FakeClock(T0)
    with pytest.raises(ProviderError, match="never fit"):
        _gate(db, clock, budget=3).acquire(4)
    with db.session() as s:
        open_period(s, SUBJECT, "google", 1, T0, T0 + timedelta(hours=1))
        s.commit()
    with pytest.raises(ProviderError, match="never fit"):
        _gate(db, clock, budget=3).acquire(2)
    assert clock.sleeps == []


def test_run_call_consumes_before_each_attempt(db):
    clock = FakeClock(T0)
    gate = _gate(db, clock, budget=10)
    attempts = iter([TimeoutError("dropped"), "ok"])

    def call() -> str:
        outcome = next(attempts)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    policy = RetryPolicy(attempts=3, sleep=lambda _s: None, jitter=lambda: 0.0)
    assert run_call(call, quota=gate, retry=policy, stats=CallStats()) == "ok"
    assert _periods(db)[0][3] == 2  # the retried attempt was paid for too

"""Concurrent consumers on SQLite and PostgreSQL never lose an increment and never overspend."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from datetime import timedelta

from core.db.models.social import QuotaLedger
from core.social import PeriodRule, account_subject, consume, open_period
from tests.social.helpers import T0
from tests.social.quota_workers import spend_until_refused

SUBJECT = account_subject(1)
NOW = T0 + timedelta(seconds=30)


def _run_threads(count: int, body: Callable[[int], int]) -> list[int]:
    barrier = threading.Barrier(count)
    results: list[int] = [0] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = body(index)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    return results


def _ledger(db) -> list[tuple[int, int]]:
    with db.session() as s:
        return [(r.budget, r.used) for r in s.query(QuotaLedger).all()]


def _open(db, budget: int) -> None:
    with db.session() as s:
        open_period(s, SUBJECT, "google", budget, T0, T0 + timedelta(hours=1))
        s.commit()


def test_threads_on_an_engine_spend_exactly_the_budget(db):
    budget = 300
    _open(db, budget)

    def body(_index: int) -> int:
        granted = 0
        while consume(db.engine, SUBJECT, "google", now=NOW):
            granted += 1
        return granted

    results = _run_threads(8, body)
    assert sum(results) == budget
    assert _ledger(db) == [(budget, budget)]


def test_threads_with_mixed_costs_and_own_sessions(db):
    """Costs 1-3 through caller-committed sessions; the cost-1 spenders drain the last units."""
    budget = 250
    _open(db, budget)

    def body(index: int) -> int:
        cost = index % 3 + 1
        granted = 0
        with db.session() as s:
            while consume(s, SUBJECT, "google", cost, now=NOW):
                s.commit()
                granted += cost
            s.commit()
        return granted

    results = _run_threads(6, body)
    assert sum(results) == budget
    assert _ledger(db) == [(budget, budget)]


def test_threads_auto_opening_the_same_period_make_one_row(db):
    budget = 120
    rule = PeriodRule.per_minute(budget)

    def body(_index: int) -> int:
        granted = 0
        while consume(db.engine, SUBJECT, "google", now=NOW, auto_open=rule):
            granted += 1
        return granted

    results = _run_threads(8, body)
    assert sum(results) == budget
    assert _ledger(db) == [(budget, budget)]


def test_processes_with_separate_engines_spend_exactly_the_budget(db):
    budget, workers = 240, 4
    _open(db, budget)
    # fork: children start in milliseconds with the modules already imported; each still
    # builds its own engine. The parent's pooled connections are closed first so none is shared.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    db.engine.dispose()
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [
        ctx.Process(target=spend_until_refused,
                    args=(db.url, SUBJECT, "google", 1, NOW.isoformat(), barrier, results))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    granted = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    assert sum(granted) == budget
    assert sum(1 for g in granted if g) >= 2  # the processes really competed for the budget
    assert _ledger(db) == [(budget, budget)]

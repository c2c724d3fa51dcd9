"""A step budget holds on every run of a cached statement, not only the first."""

from __future__ import annotations

import sqlite3

import pytest

from core.views.step_budget import OverBudget, step_budget

COUNT = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) " \
        "SELECT count(*) FROM n"


def steps_of(raw: sqlite3.Connection, rows: int) -> int:
    """VM steps the counting query takes for ``rows`` rows (measured, not assumed)."""
    calls = [0]

    def tick() -> int:
        calls[0] += 1
        return 0

    raw.set_progress_handler(tick, 1)
    raw.execute(COUNT, (rows,)).fetchone()
    raw.set_progress_handler(None, 0)
    return calls[0]


def test_a_query_under_budget_runs_every_time() -> None:
    raw = sqlite3.connect(":memory:")
    budget = 2 * steps_of(raw, 5000)
    for _ in range(30):  # the same cached statement each time
        with step_budget(raw, budget):
            assert raw.execute(COUNT, (5000,)).fetchone() == (5000,)


def test_a_query_over_budget_stops_every_time() -> None:
    raw = sqlite3.connect(":memory:")
    budget = steps_of(raw, 5000) // 2
    for _ in range(10):
        with pytest.raises(OverBudget), step_budget(raw, budget):
            raw.execute(COUNT, (5000,)).fetchone()
    assert raw.execute(COUNT, (10,)).fetchone() == (10,)  # the handler is gone afterwards


def test_other_errors_pass_through() -> None:
    raw = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError, match="no such table"), step_budget(raw, 10**6):
        raw.execute("SELECT * FROM missing")

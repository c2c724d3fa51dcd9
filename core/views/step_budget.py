"""Run an SQLite query under a budget of virtual-machine steps, and give up past it.

Why not ``set_progress_handler(lambda: 1, budget)``: SQLite calls the handler when the
statement's *lifetime* step count crosses a multiple of the interval, and the sqlite3 module
reuses cached statements without resetting that count. So from the second run of the same
SQL on a connection, the first call (and the interruption) came anywhere between 1 and
``budget`` steps in: a random budget. Here the handler is called every ``CHECK_STEPS`` and
counts, so the budget holds to within CHECK_STEPS steps on every run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

#: How often the handler runs (VM steps): small against any budget, rare enough to be free.
CHECK_STEPS = 1000


class OverBudget(Exception):
    """The query needed more steps than its budget and was interrupted."""


@contextmanager
def step_budget(raw: sqlite3.Connection, steps: int) -> Iterator[None]:
    """Interrupt the queries run inside this block once they took about ``steps`` VM steps
    together; raises :class:`OverBudget` then."""
    calls = [0]
    limit = max(1, steps // CHECK_STEPS)

    def tick() -> int:
        calls[0] += 1
        return 1 if calls[0] > limit else 0

    raw.set_progress_handler(tick, CHECK_STEPS)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if calls[0] > limit and "interrupt" in str(exc):
            raise OverBudget() from exc
        raise
    finally:
        raw.set_progress_handler(None, 0)


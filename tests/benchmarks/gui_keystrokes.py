"""What the GUI benchmark types into the search box, and how its keystroke times are told.

The queries are realistic (names, emails, and phone numbers in the forms owners type them),
typed letter by letter at a steady typist's pace; the p95 of their keystrokes decides the
search figure, so the summary names the queries and keystrokes behind it.
"""

from __future__ import annotations

import statistics
from typing import Any

#: Typed letter by letter, in this order.
QUERIES = ["müller", "anna", "example.com", "+1202", "rossi", "zoë n",
           # Phone numbers as owners type them: a national number with spaces and its
           # trunk prefix, the last digits alone (no match in this US corpus: the whole
           # index is searched), and the corpus's own numbers in the same forms.
           "0151 30", "3018681", "202 200 01", "2000123"]
#: Slowest keystrokes listed by name in the result (what decides the p95).
SLOWEST_KEYSTROKES = 8
#: A steady typist's pace: a key every 200 ms (about 60 words a minute).
KEY_INTERVAL_MS = 200


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def per_query(keystrokes: list[tuple[str, str, float, float, float]]) -> dict[str, Any]:
    """Which queries are slow: each query's keystrokes (first page painted) at p50, p95 and
    max, and the slowest keystrokes of the run with what had been typed (the run's p95 is
    decided by its few slowest keystrokes, so these name them).

    Beside the time, the CPU time the GUI process (all its threads) spent from the key to
    the painted page: on a shared machine the time also holds the waits for a core, which
    the CPU time leaves out, so two versions compare on it even when the load differs."""
    by_query: dict[str, dict[str, float]] = {}
    for query in QUERIES:
        mine = [k for k in keystrokes if k[0] == query]
        if mine:
            times, cpu = [k[2] for k in mine], [k[4] for k in mine]
            by_query[query] = {"p50": round(statistics.median(times), 1),
                               "p95": round(p95(times), 1), "max": round(max(times), 1),
                               "full_p95": round(p95([k[3] for k in mine]), 1),
                               "cpu_p50": round(statistics.median(cpu), 1),
                               "cpu_p95": round(p95(cpu), 1)}
    slowest = sorted(keystrokes, key=lambda k: -k[2])[:SLOWEST_KEYSTROKES]
    cpu = [k[4] for k in keystrokes]
    return {"search_cpu_p95_ms": round(p95(cpu), 2) if cpu else None,
            "search_cpu_p50_ms": round(statistics.median(cpu), 2) if cpu else None,
            "search_by_query_ms": by_query,
            "search_slowest_keystrokes_ms": [[k[1], round(k[2], 1), round(k[4], 1)]
                                             for k in slowest]}

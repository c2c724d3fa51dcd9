"""How much a second process speeds this machine up, measured in the same run.

A benchmark that runs Kith's processes side by side (the import's parser processes, the
duplicate refresh's scoring worker) against a single-threaded baseline reads differently on
a machine whose cores are really there and on one whose virtual cores share a physical one
or a host's time slices: on the 2-vCPU machines these benchmarks run on, two busy processes
have been seen to finish 1.25x as much work as one in the same time, not 2x, and that figure
changes from hour to hour with the host's load. The probe runs the same pure-Python loop
alone and then twice side by side, and reports the work done per second against one.
"""

from __future__ import annotations

import multiprocessing
import time

#: Loop rounds per probe: about a second of work on this kind of machine.
ROUNDS = 40_000_000


def _busy(rounds: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(rounds):
        total += i
    return time.perf_counter() - start


def parallel_speedup(processes: int = 2, rounds: int = ROUNDS) -> float:
    """Work done per second by ``processes`` busy processes over that of one (1.0: no gain
    from the extra processes, ``processes``: a full core each)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        pool.map(_busy, [1000] * processes)  # interpreters started before the clock
        alone = pool.apply(_busy, (rounds,))
        start = time.perf_counter()
        pool.map(_busy, [rounds] * processes)
        together = time.perf_counter() - start
    return round(processes * alone / together, 2)

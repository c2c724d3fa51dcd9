"""Scoring a big refresh's candidate pairs in worker processes.

A from-scratch refresh of a 100,000-party book scores ~670,000 candidate pairs, most of its
time, on one core. ``ScoringWorkers`` starts a few "spawn" processes (never fork: the same
refresh runs on a worker thread of the GUI process, and a forked copy of a threaded Qt
process is not safe), ships them the features once as plain tuples and the pairs once;
workers take chunks of pairs in turn (a shared counter) and answer only the kept pairs of
each, with their places in it (the refresh keeps each pair's rules as a number, not the
~120 MB dict of candidates). The refresh writes its blocking keys while the workers score,
then takes chunks itself too: from its own features in a book small enough to keep them,
else from the packed copy it sent, unpacked once its keys are written (at 100,000 parties,
where memory allows one worker, both cores then score what is left).

Workers run ``score_pairs.score_pairs``, the very loop in-process scoring runs, so their
results are bit-identical (tests/match/test_parallel_score.py). Whatever goes wrong with a
worker (it cannot start, dies, sends garbage) costs time, never results: the chunks it
took are scored in process. What runs in a worker is in ``scoring_process``.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
import time
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from core.match.features import PartyFeatures
from core.match.labels import Labels
from core.match.score_pairs import Kept, Pair, pack, unpack
from core.match.scoring_process import (
    dump_packed,
    load_packed,
    pairs_of,
    positions,
    take_chunk,
    worker_main,
)
from core.match.weights import Model

#: Books with fewer comparable parties are scored in process. Workers are started before
#: the pairs are counted (so their start overlaps the blocking); 20,000 parties make about
#: 100,000 candidate pairs (two seconds of scoring on one core), against about a second of
#: starting workers and shipping them the features.
PARALLEL_MIN_PARTIES = 20_000
#: At most this many scoring processes (the refresh's own process writes the blocking keys
#: meanwhile, and at 100,000 parties its own work is already the longer path).
MAX_WORKERS = 2
#: Each worker holds a copy of the features (about 2.8 KB a party: 280 MB at 100,000), so
#: the workers together hold at most this many parties: two for a book of up to 60,000, one
#: above (the memory the workers add stays under ~340 MB whatever the core count).
WORKER_PARTIES_BUDGET = 120_000
#: Pairs taken at a time (by a worker or the refresh), and answered together.
_CHUNK = 5_000
#: Parties per message of features.
_FEATURE_SLICE = 10_000
#: A worker that sends nothing for this long is given up on (what it took is scored here).
_RESULT_TIMEOUT_S = 600.0


def default_workers() -> int:
    """Scoring processes for this machine: one per usable core but the one the refresh
    itself keeps busy writing keys, at most ``MAX_WORKERS``; 0 (score in process) on a
    single core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(MAX_WORKERS, cores - 1))


@dataclass(slots=True)
class ScoringRun:
    """What the last refresh's scoring did (read by the duplicates benchmark)."""

    workers: int = 0
    pairs: int = 0
    kept: int = 0
    #: Peak resident memory of each worker, MB (as it reported it).
    worker_peak_mb: list[float] = field(default_factory=list)
    #: Workers that failed (what they took was scored in process).
    fallbacks: int = 0
    #: Chunks the refresh scored itself while waiting.
    helped: int = 0
    #: Chunks nobody answered (a worker died with them), scored by the refresh at the end.
    left: int = 0


#: The last scoring run of this process (diagnostics; not used for results).
last_run = ScoringRun()


class ScoringWorkers:
    """Worker processes started early (their interpreters start while the refresh loads
    the features), fed once with ``send_features`` and ``send_pairs``, read once with
    ``gather``. Always ``close`` them."""

    def __init__(self, count: int, target: Callable[..., None] | None = None,
                 args: tuple = ()) -> None:
        """``count`` processes running ``target(conn, next_chunk, *args)`` (default: the
        scoring worker, ``worker_main``)."""
        ctx = multiprocessing.get_context("spawn")
        self.procs: list[Any] = []
        self.conns: list[Connection] = []
        #: Messages for each worker, written by one thread per worker: a pipe write waits
        #: until the worker reads, and the refresh must not wait for interpreters to start.
        self.outboxes: list[queue.SimpleQueue[bytes | None]] = []
        self.pumps: list[threading.Thread] = []
        self.failed: list[bool] = []
        #: The next chunk of pairs nobody has taken yet: workers (and the refresh itself,
        #: when it helps) take chunks from it, so nobody idles while others have work.
        self.next_chunk = ctx.Value("q", 0)
        #: The pairs sent (flat: a, b, a, b...), the number of each one's rules, the rules.
        self.pairs = array("q")
        self.rules = array("I")
        self.combos: list[list[str]] = []
        self.chunks = 0
        try:
            for i in range(count):
                mine, theirs = ctx.Pipe()
                proc = ctx.Process(target=target or worker_main,
                                   args=(theirs, self.next_chunk, *args),
                                   daemon=True, name="kith-scoring")
                proc.start()
                theirs.close()
                self.procs.append(proc)
                self.conns.append(mine)
                self.failed.append(False)
                self.outboxes.append(queue.SimpleQueue())
                pump = threading.Thread(target=self._pump, args=(i,), daemon=True,
                                        name="kith-scoring-send")
                pump.start()
                self.pumps.append(pump)
        except Exception:
            self.close()
            raise

    def _pump(self, i: int) -> None:
        conn, outbox = self.conns[i], self.outboxes[i]
        while (data := outbox.get()) is not None:
            if self.failed[i]:
                continue
            try:
                conn.send_bytes(data)
            except (OSError, ValueError):
                self.failed[i] = True

    def send_features(self, feats: Mapping[int, PartyFeatures], model: Model, labels: Labels
                      ) -> list[bytes]:
        """Send every worker the model and the features (in slices, so neither side holds
        all of them twice), as soon as they are loaded: the workers unpack them while the
        refresh builds its blocks. Returns the slices sent (``features_of`` gives the
        features back: a refresh that lets its features go keeps these, a fifth of their
        size, to score chunks too once its keys are written)."""
        head = pickle.dumps((model, labels, _CHUNK), protocol=pickle.HIGHEST_PROTOCOL)
        self._send_all(head)
        values = list(feats.values())
        slices: list[bytes] = []
        for start in range(0, len(values), _FEATURE_SLICE):
            slices.append(dump_packed([pack(f) for f in values[start:start + _FEATURE_SLICE]]))
            self._send_all(slices[-1])
        self._send_all(b"")  # the end of the features
        return slices

    def send_pairs(self, candidates: Mapping[Pair, list[str]], rejected: set[Pair]) -> None:
        """Give every worker the candidate pairs but the ``rejected`` ones: they take chunks
        of ``_CHUNK`` from them in turn and start at once. This process keeps the pairs
        (16 bytes each) and each one's rules as a number (4 bytes): the caller can let the
        dict of candidates go (~120 MB at 100,000 parties) before the keys are written."""
        flat, rules, combos = flatten_pairs(candidates, rejected)
        self.use_pairs(flat, rules, combos)
        self._send_all(flat.tobytes())

    def use_pairs(self, flat: array, rules: array, combos: list[list[str]]) -> None:
        """The pairs the workers score (``flatten_pairs``), kept here to read their answers."""
        self.pairs, self.rules, self.combos = flat, rules, combos
        self.chunks = -(-len(rules) // _CHUNK)

    def _send_all(self, data: bytes) -> None:
        for outbox in self.outboxes:
            outbox.put(data)

    def gather(self, fallback: Callable[[list[Pair]], list[Kept]],
               take: Callable[[list[Kept], list[list[str]]], None],
               helper: Callable[[list[Pair]], list[Kept]] | None = None) -> None:
        """Hand every kept pair with its rules to ``take``, chunk by chunk as the workers
        send them (the refresh prepares the rows of one chunk while the workers score the
        next). With a ``helper`` the refresh scores chunks too instead of waiting. Chunks a
        failed worker took, or nobody took, are scored by ``fallback`` at the end."""
        run = ScoringRun(workers=len(self.conns), pairs=len(self.rules))

        def taken(k: int, kept: list[Kept], where: list[int]) -> None:
            run.kept += len(kept)
            base = k * _CHUNK
            take(kept, [self.combos[self.rules[base + i]] for i in where])

        def here(score: Callable[[list[Pair]], list[Kept]], k: int) -> None:
            pairs = self._chunk(k)
            kept = score(pairs)
            taken(k, kept, positions(pairs, kept))

        answered: set[int] = set()
        pending = dict(enumerate(self.conns))
        # Each worker's: it is given up on when it has not answered for _RESULT_TIMEOUT_S.
        deadlines = [time.monotonic() + _RESULT_TIMEOUT_S] * len(self.conns)
        while pending:
            k = take_chunk(self.next_chunk, self.chunks) if helper is not None else None
            if k is not None:
                here(helper, k)
                run.helped += 1
                answered.add(k)
            ready = wait(list(pending.values()), timeout=0 if k is not None else 0.2)
            for i, conn in list(pending.items()):
                if conn in ready:
                    message = _message(conn)
                elif (self.failed[i] or not self.procs[i].is_alive()
                      or time.monotonic() > deadlines[i]):
                    message = None
                else:
                    continue
                if message is None:  # failed: what it took is scored below
                    del pending[i]
                    run.fallbacks += 1
                    continue
                deadlines[i] = time.monotonic() + _RESULT_TIMEOUT_S
                if message[0] == "kept" and not self._fits(message[1], message[3]):
                    del pending[i]  # garbage: whatever it took is scored below
                    run.fallbacks += 1
                elif message[0] == "kept":
                    taken(message[1], message[2], message[3])
                    answered.add(message[1])
                else:  # "done": its peak memory
                    del pending[i]
                    run.worker_peak_mb.append(message[1])
        for k in range(self.chunks):
            if k not in answered:
                here(fallback, k)
                run.left += 1
        global last_run
        last_run = run

    def _fits(self, k: object, where: list[int]) -> bool:  # a chunk and places that exist
        return isinstance(k, int) and 0 <= k < self.chunks and all(
            k * _CHUNK + i < len(self.rules) for i in where)

    def _chunk(self, k: int) -> list[Pair]:
        return pairs_of(self.pairs[2 * k * _CHUNK:2 * (k + 1) * _CHUNK])

    def close(self) -> None:
        """End the workers: by now their answers were read or are no longer wanted."""
        for i, outbox in enumerate(self.outboxes):
            self.failed[i] = True  # nothing more is sent
            outbox.put(None)
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()  # a worker still waiting for input or still scoring
            proc.join(timeout=2)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for pump in self.pumps:
            pump.join(timeout=5)
        for conn in self.conns:
            conn.close()


def flatten_pairs(candidates: Mapping[Pair, list[str]], rejected: set[Pair]
                  ) -> tuple[array, array, list[list[str]]]:
    """The candidate pairs but the ``rejected`` ones, flat (a, b, a, b...), with each one's
    rules as a number into the list of distinct rule lists (the third value)."""
    flat, rules = array("q"), array("I")
    combos: dict[tuple[str, ...], int] = {}
    for pair, codes in candidates.items():
        if pair in rejected:
            continue
        flat.append(pair[0])
        flat.append(pair[1])
        combo = tuple(codes)
        number = combos.get(combo)
        if number is None:
            number = combos[combo] = len(combos)
        rules.append(number)
    return flat, rules, [list(c) for c in combos]


def worker_count(parties: int) -> int:
    """Scoring processes for a book of ``parties``: ``default_workers``, fewer when their
    copies of the features would pass ``WORKER_PARTIES_BUDGET`` (never fewer than one)."""
    return min(default_workers(), max(1, WORKER_PARTIES_BUDGET // max(parties, 1)))


def start_workers(parties: int, count: int | None = None,
                  min_parties: int = PARALLEL_MIN_PARTIES) -> ScoringWorkers | None:
    """``count`` workers (default: ``default_workers``) for a refresh over ``parties``
    comparable parties, or None (a small book, a single core, or processes that cannot
    start: the refresh then scores in process)."""
    count = worker_count(parties) if count is None else count
    if count < 1 or parties < min_parties:
        return None
    try:
        return ScoringWorkers(count)
    except (OSError, RuntimeError, ValueError):
        return None


def _message(conn: Connection) -> tuple[str, Any] | None:
    """("kept", chunk, kept pairs, their places in the chunk) or ("done", peak MB) from a
    worker; None for a broken pipe or a message that is neither."""
    try:
        message = pickle.loads(conn.recv_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        return None
    if not isinstance(message, tuple) or not message:
        return None
    if (message[0] == "kept" and len(message) == 4 and isinstance(message[2], list)
            and isinstance(message[3], list) and len(message[2]) == len(message[3])
            and all(isinstance(i, int) and i >= 0 for i in message[3])):
        return message
    if message[0] == "done" and len(message) == 2 and isinstance(message[1], float):
        return message
    return None


def features_of(slices: list[bytes]) -> dict[int, PartyFeatures]:
    """The features ``ScoringWorkers.send_features`` sent as ``slices``, each slice let go
    once unpacked (``slices`` is emptied)."""
    feats: dict[int, PartyFeatures] = {}
    slices.reverse()
    while slices:
        for p in load_packed(slices.pop()):
            feats[p[0]] = unpack(p)
    return feats

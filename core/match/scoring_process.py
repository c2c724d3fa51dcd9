"""What runs in a scoring process: take chunks of pairs in turn, answer the kept ones.

``parallel.ScoringWorkers`` starts these processes and reads their answers; the process that
followed an import (``feature_tail``) answers the same way. The pieces both sides use (the
shared chunk counter, pairs as a flat array, where a kept pair sits in its chunk) live here
too, so that both read the same format.
"""

from __future__ import annotations

import marshal
import pickle
import sys
from array import array
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from core.match.features import PartyFeatures
from core.match.score_pairs import Kept, Packed, Pair, score_pairs, unpack


def take_chunk(next_chunk: Any, chunks: int) -> int | None:  # noqa: ANN401 - a shared Value
    """The next chunk nobody has taken (and mark it taken), or None when all are."""
    with next_chunk.get_lock():
        k = next_chunk.value
        if k >= chunks:
            return None
        next_chunk.value = k + 1
    return k


def dump_packed(packed: list[Packed]) -> bytes:
    """Packed features as bytes: marshal (ten times faster than pickle at writing plain
    tuples of strings and numbers, and this is the refresh's own time; the worker reads them
    while the refresh builds its blocks), pickle for a value marshal does not take."""
    try:
        return b"m" + marshal.dumps(packed)
    except ValueError:
        return b"p" + pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)


def load_packed(data: bytes) -> list[Packed]:
    body = memoryview(data)[1:]
    return marshal.loads(body) if data[:1] == b"m" else pickle.loads(body)


def pairs_of(flat: array) -> list[Pair]:
    """Flat pairs (a, b, a, b...) as tuples."""
    it = iter(flat)
    return list(zip(it, it, strict=True))


def positions(pairs: list[Pair], kept: list[Kept]) -> list[int]:
    """Where in ``pairs`` each kept pair is (so its rules are found by number)."""
    if not kept:
        return []
    where = {pair: i for i, pair in enumerate(pairs)}
    return [where[got[0]] for got in kept]


def peak_rss_mb() -> float:
    """This process's own peak resident memory, MB. On Linux from VmHWM: ``ru_maxrss`` of a
    spawned process also counts the moment between fork and exec, when it was a copy of
    the refresh's whole process (shared pages, but counted as its own)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows: not measured
        return 0.0
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes there, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def worker_main(conn: Connection, next_chunk: Any) -> None:  # noqa: ANN401 - a Value
    """A scoring process: the model, the features, then the pairs; takes chunks of them
    until none is left, answering the kept pairs of each, then its peak memory, and ends."""
    import gc

    gc.disable()  # millions of short-lived acyclic objects; the process ends after one job
    try:
        model, labels, chunk = pickle.loads(conn.recv_bytes())
        feats: dict[int, PartyFeatures] = {}
        while data := conn.recv_bytes():
            for p in load_packed(data):
                feats[p[0]] = unpack(p)
            del data
        flat = array("q")
        flat.frombytes(conn.recv_bytes())
    except (EOFError, OSError):
        return  # the refresh gave up on this worker (or never needed it)
    score_chunks(conn, next_chunk, flat, chunk,
                 lambda pairs: score_pairs(pairs, feats, model, labels))


def score_chunks(conn: Connection, next_chunk: Any, flat: array, chunk: int,  # noqa: ANN401
                 score: Callable[[list[Pair]], list[Kept]], *, lock: Any = None,  # noqa: ANN401
                 done: bool = True) -> None:
    """A worker's scoring: take chunks of ``flat`` until none is left, answering the kept
    pairs of each (``score``: in the chunk's order), then (``done``) its peak memory, and
    close ``conn``. With a ``lock``, each answer is written holding it (two processes
    writing to one pipe)."""
    chunks = -(-len(flat) // (2 * chunk))
    while (k := take_chunk(next_chunk, chunks)) is not None:
        pairs = pairs_of(flat[2 * k * chunk:2 * (k + 1) * chunk])
        kept = score(pairs)
        message = pickle.dumps(("kept", k, kept, positions(pairs, kept)),
                               protocol=pickle.HIGHEST_PROTOCOL)
        if lock is None:
            conn.send_bytes(message)
        else:
            with lock:
                conn.send_bytes(message)
    if done:
        conn.send_bytes(pickle.dumps(("done", peak_rss_mb()),
                                     protocol=pickle.HIGHEST_PROTOCOL))
        conn.close()

"""The features of a big import's parties, loaded while the import writes them.

A big import ends with one full rebuild of the duplicate suggestions, which used to begin by
loading every party's features, building their blocking keys and shipping them to a scoring
process: at 100,000 parties about five seconds on one core while the other idled, after the
last batch. During the import itself the second core is a third idle (one writer sets the
pace). A ``FeatureTail`` is a scoring process started with the import: after each batch
commits it loads the features and keys of the parties that batch touched, from a read
connection of its own (SQLite's write-ahead log lets it read beside the writer). The rebuild
then asks it for the blocks (which it writes as the stored keys) and the candidate pairs, and
the tail scores them like any scoring worker (``parallel``).

Its copy is what a full load would read only if nothing but the import's batches changed the
book meanwhile: ``core.sync.bulk_refresh`` offers it to the rebuild (``offered``) only when
no other connection committed during the import (``core.db.other_writers``) and re-applied
decisions changed nothing (``hooks``); otherwise, or if the tail fails, the rebuild loads
everything itself as before. Who holds which number (``features.mark_households``) depends
on other parties, so it is counted once, over all the parties, at the end.
"""

from __future__ import annotations

import pickle
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from multiprocessing.connection import Connection
from sys import intern
from typing import Any

from core.match.blocking import MAX_BLOCK_SIZE, RULE_CAPS, pairs_from_blocks, party_keys
from core.match.features import (
    HOUSEHOLD_LINKS,
    PartyFeatures,
    load_features,
    mark_households,
    phone_holders,
)
from core.match.labels import Labels
from core.match.parallel import (
    _CHUNK,
    PARALLEL_MIN_PARTIES,
    ScoringWorkers,
    flatten_pairs,
)
from core.match.score_pairs import Kept, Pair, score_pairs
from core.match.scoring_process import score_chunks
from core.match.weights import Model

#: Imports expected to write fewer parties are not followed (their rebuild is short, and
#: scored in process: ``parallel``).
MIN_PARTIES = PARALLEL_MIN_PARTIES
#: Pairs left to score at the end (waiting, or of parties whose scores went stale) from
#: which the tail scores them in two processes (``_score_in_two``).
TWO_SCORERS_MIN = 20_000
#: How long the rebuild waits for the tail's blocks (it may still be loading its last
#: batches) before it loads everything itself.
READY_TIMEOUT_S = 300.0


class FeatureTail(ScoringWorkers):
    """One scoring process that follows an import (see the module's docstring). Feed it
    with ``load`` after each commit; the rebuild calls ``blocks`` then ``take_pairs`` then
    ``gather``; always ``close`` it."""

    def __init__(self, url: str, expected: int) -> None:
        """Follow the book at ``url``, which will hold about ``expected`` comparable
        parties once the import is in."""
        super().__init__(1, _tail_main, (url, expected, TWO_SCORERS_MIN))

    def load(self, party_ids: Iterable[int] | None) -> None:
        """(Re)load these parties' features once what wrote them has committed (None: every
        comparable party, as the book stands when the tail reads it). Never waits."""
        ids = None if party_ids is None else sorted(party_ids)
        self._send_all(pickle.dumps(("load", ids), protocol=pickle.HIGHEST_PROTOCOL))

    def blocks(self, model: Model, labels: Labels, rejected: set[Pair]
               ) -> dict[str, list[int]] | None:
        """Tell the tail the import is over and return its blocks (key -> holders in party
        order, as ``blocking.blocks_of`` makes them); None if it failed or took too long."""
        self._send_all(pickle.dumps(("finish", model, labels, rejected, _CHUNK),
                                    protocol=pickle.HIGHEST_PROTOCOL))
        message = self._answer("blocks", READY_TIMEOUT_S)
        return message[1] if message is not None else None

    def take_pairs(self) -> bool:
        """Read the candidate pairs the tail scores now (``gather`` reads its answers)."""
        message = self._answer("pairs", READY_TIMEOUT_S)
        if message is None:
            return False
        flat, rules = array("q"), array("I")
        flat.frombytes(message[1])
        rules.frombytes(message[2])
        self.use_pairs(flat, rules, message[3])
        return True

    def _answer(self, kind: str, timeout: float) -> tuple | None:
        conn, proc = self.conns[0], self.procs[0]
        deadline = time.monotonic() + timeout
        while not conn.poll(0.2):
            if self.failed[0] or not proc.is_alive() or time.monotonic() > deadline:
                return None
        try:
            message = pickle.loads(conn.recv_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            return None
        if not isinstance(message, tuple) or not message or message[0] != kind:
            return None
        return message


def worth_following(expected: int, live: int) -> bool:
    """Whether a run writing ``expected`` parties into a book of ``live`` ones is worth a
    tail: big enough for workers (``MIN_PARTIES``) and for its refresh to be a full rebuild
    (``hooks.FULL_REBUILD_SHARE`` of the book once it is written)."""
    from core.match.hooks import FULL_REBUILD_SHARE

    return expected >= MIN_PARTIES and expected >= FULL_REBUILD_SHARE * (live + expected)


_offered: ContextVar[FeatureTail | None] = ContextVar("kith_feature_tail", default=None)


@contextmanager
def offered(tail: FeatureTail | None) -> Iterator[None]:
    """Within this block a full rebuild (``suggest``) takes ``tail``'s features instead of
    loading its own."""
    token = _offered.set(tail)
    try:
        yield
    finally:
        _offered.reset(token)


def take() -> FeatureTail | None:
    """The tail on offer, if any (once: a second rebuild loads its own)."""
    tail = _offered.get()
    _offered.set(None)
    return tail


def withdraw() -> None:
    """Something the tail did not follow changed the book (re-applied decisions): the
    rebuild must load its own features."""
    _offered.set(None)


def _tail_main(conn: Connection, next_chunk: Any, url: str, expected: int,  # noqa: ANN401
               two_scorers_min: int) -> None:
    """The tail's process: follow the import, then answer the rebuild."""
    import gc
    import os

    gc.disable()  # millions of acyclic objects; the process ends after one import
    if hasattr(os, "nice"):
        os.nice(5)  # the import's writer and parsers come first: this uses what they leave
    from core.db.engine import open_database

    try:
        db = open_database(url, migrate=False)
        follower = Follower(db, expected, two_scorers_min)
        while True:
            if follower.waiting and not conn.poll():
                follower.score_some()  # scoring waits whenever a batch is there to load
                continue
            if (message := pickle.loads(conn.recv_bytes()))[0] != "load":
                break
            follower.load(message[1])
        db.dispose()
        _, model, labels, rejected, chunk = message
    except (EOFError, OSError):
        return  # the import ended without a rebuild (or gave up on the tail)
    follower.answer(conn, next_chunk, model, labels, rejected, chunk)


def _score_in_two(conn: Connection, next_chunk: Any, flat: array, chunk: int,  # noqa: ANN401
                  score: Callable[[list[Pair]], list[Kept]], *, twice: bool) -> None:
    """Answer every chunk of ``flat``; with ``twice`` (and where processes fork: not on
    Windows), a forked copy of this process answers chunks too. At the end of an import that
    left it work, the tail was the only process with the features, on one core, while the
    rebuild waited for it after writing the keys: the copy shares them (copy-on-write) and
    puts the other core to work. Both write to the one pipe, taking turns; only this
    process says "done", once the copy ended. A copy that dies leaves the chunks it took
    unanswered, and the rebuild scores those itself."""
    import os

    if not twice or not hasattr(os, "fork"):
        score_chunks(conn, next_chunk, flat, chunk, score)
        return
    import multiprocessing

    lock = multiprocessing.get_context("fork").Lock()
    child = os.fork()
    if child == 0:  # the copy
        try:
            score_chunks(conn, next_chunk, flat, chunk, score, lock=lock, done=False)
        finally:
            os._exit(0)
    score_chunks(conn, next_chunk, flat, chunk, score, lock=lock, done=False)
    os.waitpid(child, 0)
    score_chunks(conn, next_chunk, flat, chunk, score)  # none left: says "done"


def _code(a: int, b: int) -> int:
    """A pair (a < b) as one int: a set of them is a third of a set of tuples (party ids
    stay far below 2**32)."""
    return a << 32 | b


_LOW = (1 << 32) - 1


class Follower:
    """The tail's state: every comparable party's features and keys, the blocks they make,
    and the pairs scored so far.

    Pairs are scored as their parties arrive, with the model and the owner's labels the
    book had when the import began (the rebuild checks they are still the ones it uses).
    Loading comes first: pairs wait (``waiting``) and are scored while no batch is there
    to load. A pair's score is only reused at the end if it is still right: not if either party was
    loaded again after it was scored (``dirty``), and not if either holds a number that
    turned out to be a household's (``mark_households`` runs once everything is in)."""

    def __init__(self, db: Any, expected: int,  # noqa: ANN401 - a Database
                 two_scorers_min: int = TWO_SCORERS_MIN) -> None:
        from core.match.labels import load_labels
        from core.match.model_store import active_model

        self.db = db
        #: Comparable parties expected once the import is in.
        self.expected = expected
        self.two_scorers_min = two_scorers_min
        with db.session() as session:
            self.model, self.labels = active_model(session), load_labels(session)
        self.feats: dict[int, PartyFeatures] = {}
        self.keys: dict[int, list[str]] = {}
        self.blocks: dict[str, list[int]] = {}
        #: Pairs found so far (``_code``), and those of them not scored yet.
        self.found: set[int] = set()
        self.waiting: list[int] = []
        self.kept: dict[Pair, Kept] = {}
        self.dirty: set[int] = set()

    def load(self, ids: list[int] | None) -> None:
        """(Re)load ``ids`` (None: all), re-block them and score their new pairs; a party
        no longer comparable (merged away, deleted) is dropped."""
        with self.db.session() as session:
            loaded = load_features(session, ids, households=False)
        if loaded and max(loaded) > _LOW:
            raise ValueError("party ids past 2**32: pairs are not kept as one int")
        for pid in ids or ():
            if pid not in loaded and pid in self.feats:
                self._unblock(pid)
                del self.feats[pid]
                self.dirty.add(pid)
        for pid, f in loaded.items():
            if pid in self.feats:
                self._unblock(pid)
                self.dirty.add(pid)
            self.feats[pid] = f
            # One string per distinct key, shared by its block and every holder's list
            # (~1.7 million keys at 100,000 parties, ~390,000 distinct).
            self.keys[pid] = keys = [intern(k) for k in party_keys(f)]
            for k in keys:
                members = self.blocks.get(k)
                if members is None:
                    self.blocks[k] = [pid]
                else:
                    members.append(pid)
        self.waiting.extend(self._new_pairs(loaded))

    def _unblock(self, pid: int) -> None:
        for k in self.keys.pop(pid, ()):
            members = self.blocks[k]
            members.remove(pid)
            if not members:
                del self.blocks[k]

    def _new_pairs(self, parties: Iterable[int]) -> list[int]:
        """Pairs (``_code``) of ``parties`` in blocks small enough to be compared, not
        found before."""
        new: list[int] = []
        found, add, blocks, caps = self.found, self.found.add, self.blocks, RULE_CAPS
        # A block of n holders when a share s of the book is in looks headed for n / s:
        # its pairs wait for the end when that passes the cap (most blocks of common keys
        # would be scored early and then grow past it).
        share = min(1.0, len(self.feats) / max(self.expected, 1))
        for pid in parties:
            high = pid << 32
            for k in self.keys[pid]:
                members = blocks[k]
                n = len(members)
                if n < 2 or n > caps.get(k[:2], MAX_BLOCK_SIZE) * share:
                    continue
                for other in members:
                    if other > pid:
                        code = high | other
                    elif other < pid:
                        code = other << 32 | pid
                    else:
                        continue
                    if code not in found:
                        add(code)
                        new.append(code)
        return new

    def score_some(self, count: int = 2_000) -> None:
        """Score up to ``count`` of the waiting pairs."""
        codes = self.waiting[-count:]
        del self.waiting[-count:]
        pairs = [(code >> 32, code & _LOW) for code in codes]
        for got in score_pairs(pairs, self.feats, self.model, self.labels):
            self.kept[got[0]] = got

    def answer(self, conn: Connection, next_chunk: Any, model: Model,  # noqa: ANN401
               labels: Labels, rejected: set[Pair], chunk: int) -> None:
        """The rebuild's turn: blocks (in party order), then the candidate pairs, then each
        chunk's kept pairs, reusing the scores still right."""
        counts = phone_holders(self.feats)
        household = {f.party_id for f in self.feats.values()
                     if any(counts[use.handle_id] >= HOUSEHOLD_LINKS and not use.shared
                            for use in f.phones.values())}
        mark_households(self.feats, counts)
        if (model, labels) != (self.model, self.labels):
            self.found.clear()  # scored with another model or other labels: all again
            self.kept.clear()
        stale = self.dirty | household
        unscored = set(self.waiting)
        self.waiting = []
        del self.keys
        blocks = self.blocks
        for members in blocks.values():
            members.sort()
        conn.send_bytes(pickle.dumps(("blocks", blocks), protocol=pickle.HIGHEST_PROTOCOL))
        flat, rules, combos = flatten_pairs(pairs_from_blocks(blocks), rejected)
        del blocks, self.blocks
        conn.send_bytes(pickle.dumps(("pairs", flat.tobytes(), rules.tobytes(), combos),
                                     protocol=pickle.HIGHEST_PROTOCOL))
        found, kept, feats = self.found, self.kept, self.feats

        def score(pairs: list[Pair]) -> list[Kept]:
            fresh = [p for p in pairs if (code := _code(*p)) not in found or code in unscored
                     or p[0] in stale or p[1] in stale]
            new = {got[0]: got for got in score_pairs(fresh, feats, model, labels)}
            wanted = set(fresh)
            return [got for p in pairs
                    if (got := new.get(p) if p in wanted else kept.get(p)) is not None]

        _score_in_two(conn, next_chunk, flat, chunk, score,
                      twice=len(unscored) + len(stale) >= self.two_scorers_min)

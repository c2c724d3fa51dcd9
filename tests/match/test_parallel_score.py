"""Scoring in worker processes stores exactly what scoring in process stores: the same
pairs, scores, probabilities, rules and explanations (SQLite and PostgreSQL), with the
owner's decisions taken into account, from a refresh run on a worker thread (as the GUI
runs it), and when a worker dies its share is scored in process with the same result."""

from __future__ import annotations

import os
import signal
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import MergeSuggestion
from core.match import parallel, suggest
from core.match.blocking import candidate_pairs
from core.match.features import load_features
from core.match.labels import load_labels
from core.match.model_store import active_model
from core.match.score_pairs import pack, score_pairs, unpack
from core.match.scoring_process import dump_packed, load_packed
from core.match.suggest import refresh_suggestions, set_pair_status
from tests.match.corpus import generate
from tests.match.corpus_load import load


def _rows(session: Session) -> list[tuple]:
    return [tuple(r) for r in session.execute(select(
        MergeSuggestion.party_a_id, MergeSuggestion.party_b_id, MergeSuggestion.score,
        MergeSuggestion.probability, MergeSuggestion.blocking_rule, MergeSuggestion.explanation,
        MergeSuggestion.status, MergeSuggestion.model_version, MergeSuggestion.pattern,
    ).order_by(MergeSuggestion.party_a_id, MergeSuggestion.party_b_id))]


def _with_workers(monkeypatch: pytest.MonkeyPatch, kill_all: list[bool] | None = None
                  ) -> list[int]:
    """Make every full refresh score in two worker processes (both killed at once while
    ``kill_all[0]``); returns the list the number of workers each refresh really
    used is appended to."""
    used: list[int] = []

    def start(parties: int) -> parallel.ScoringWorkers | None:
        workers = parallel.start_workers(parties, count=2, min_parties=0)
        used.append(0 if workers is None else len(workers.procs))
        if workers is not None and kill_all and kill_all[0]:
            for proc in workers.procs:
                proc.kill()
        return workers

    monkeypatch.setattr(suggest, "start_workers", start)
    return used


def test_refresh_in_workers_stores_what_in_process_stores(
        any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with any_db.session() as session:
        load(session, generate(1200, seed=11))
        refresh_suggestions(session)
        session.commit()
        # Decisions: a merged pattern lifts pairs from any score (nothing skipped early),
        # a rejected pair is never suggested again.
        first, second = _rows(session)[:2]
        set_pair_status(session, first[0], first[1], "merged")
        set_pair_status(session, second[0], second[1], "rejected")
        session.commit()
        assert any(merged for merged, _ in load_labels(session).values())
        refresh_suggestions(session)
        session.commit()
        in_process = _rows(session)

        kill_all = [False]
        used = _with_workers(monkeypatch, kill_all)
        monkeypatch.setattr(parallel, "_CHUNK", 300)  # several chunks for each worker
        errors: list[BaseException] = []

        def run() -> None:  # on a thread, as the GUI's task runner calls it
            try:
                refresh_suggestions(session)
                session.commit()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
                errors.append(exc)

        # The refresh scoring chunks too from its own features (a small book), from the
        # packed copy it sent the workers (a big book: it lets its features go), and
        # leaving every chunk to the workers (a big book, not unpacking to help).
        unpacked: list[int] = []

        def features_of(packed: list[bytes]) -> dict:
            unpacked.append(len(packed))
            return parallel.features_of(packed)

        monkeypatch.setattr(suggest, "features_of", features_of)
        for helping_max, unpack, unpacks in ((suggest.HELPING_MAX_PARTIES, False, []),
                                             (0, True, [1]), (0, False, [])):
            monkeypatch.setattr(suggest, "HELPING_MAX_PARTIES", helping_max)
            monkeypatch.setattr(suggest, "UNPACK_TO_HELP", unpack)
            unpacked.clear()
            thread = threading.Thread(target=run)
            thread.start()
            thread.join()
            assert not errors, errors
            assert used[-1] == 2
            assert parallel.last_run.workers == 2 and parallel.last_run.fallbacks == 0
            # Every pair scored again but the rejected one (the merged one is kept as is).
            assert parallel.last_run.kept == len([r for r in in_process if r[6] != "rejected"])
            assert _rows(session) == in_process
            assert unpacked == unpacks  # 1,200 parties: one slice
        assert parallel.last_run.helped == 0
        # Workers that die: every chunk is scored here, from the packed copy or with the
        # features loaded again.
        kill_all[0] = True
        for unpack, unpacks in ((True, [1]), (False, [])):
            monkeypatch.setattr(suggest, "UNPACK_TO_HELP", unpack)
            unpacked.clear()
            run()
            assert not errors, errors
            assert parallel.last_run.fallbacks == 2 and unpacked == unpacks
            assert _rows(session) == in_process


def _scored_corpus(db: Database, size: int, seed: int):  # noqa: ANN202 - a tuple of five
    """A corpus loaded into ``db``: its features, model, labels, candidate pairs (with
    their rules) and the kept pairs in-process scoring gives, each with its rules (what
    workers must give too)."""
    with db.session() as session:
        load(session, generate(size, seed=seed))
        feats = load_features(session)
        model, labels = active_model(session), load_labels(session)
    candidates = candidate_pairs(feats)
    kept = score_pairs(list(candidates), feats, model, labels)
    return feats, model, labels, candidates, sorted((*got, candidates[got[0]]) for got in kept)


def _answers(into: list, on_kept=None):  # noqa: ANN001, ANN202 - a callback
    """A ``gather`` callback that collects each kept pair with its rules."""

    def take(kept: list, rules: list) -> None:
        if on_kept is not None:
            on_kept()
        into.extend((*got, codes) for got, codes in zip(kept, rules, strict=True))

    return take


def test_a_dead_worker_costs_time_not_results(db: Database,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    feats, model, labels, candidates, expected = _scored_corpus(db, 600, seed=5)
    assert expected, "the corpus has duplicates to find"

    monkeypatch.setattr(parallel, "_CHUNK", 100)  # many chunks
    for helping in (False, True):
        workers = parallel.ScoringWorkers(2)
        kept: list = []

        def here(share: list) -> list:
            return score_pairs(share, feats, model, labels)

        try:
            workers.procs[0].kill()
            workers.send_features(feats, model, labels)
            workers.send_pairs(candidates, set())
            workers.gather(here, _answers(kept), here if helping else None)
        finally:
            workers.close()
        assert parallel.last_run.fallbacks == 1
        assert len(parallel.last_run.worker_peak_mb) == 1
        assert sorted(kept) == expected  # each kept pair once, with its rules, as in process
        assert not any(p.is_alive() for p in workers.procs)


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals")
def test_a_silent_worker_is_given_up_on(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that stops answering (alive, but stopped) is given up on once it has not
    answered for ``_RESULT_TIMEOUT_S``; the chunk it held is scored in process."""
    feats, model, labels, candidates, expected = _scored_corpus(db, 400, seed=9)
    monkeypatch.setattr(parallel, "_CHUNK", 5)
    monkeypatch.setattr(parallel, "_RESULT_TIMEOUT_S", 5.0)
    workers = parallel.ScoringWorkers(2)
    kept: list = []

    def here(share: list) -> list:
        return score_pairs(share, feats, model, labels)

    def stop_first() -> None:  # once scoring runs, the first worker goes silent
        if workers.procs[0].pid and not stopped:
            os.kill(workers.procs[0].pid, signal.SIGSTOP)
            stopped.append(True)

    stopped: list[bool] = []
    try:
        workers.send_features(feats, model, labels)
        workers.send_pairs(candidates, set())
        workers.gather(here, _answers(kept, stop_first))
    finally:
        workers.close()
    assert parallel.last_run.fallbacks == 1
    assert sorted(kept) == expected
    assert not any(p.is_alive() for p in workers.procs)


def test_features_travel_unchanged(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.session() as session:
        load(session, generate(300, seed=3))
        feats = load_features(session)
        model = active_model(session)
    assert any(f.phones for f in feats.values()) and any(f.addresses for f in feats.values())
    packed = [pack(f) for f in feats.values()]
    assert [unpack(p) for p in load_packed(dump_packed(packed))] == list(feats.values())
    # The copy the refresh keeps of what it sent (slices of 100 here) unpacks to the same.
    monkeypatch.setattr(parallel, "_FEATURE_SLICE", 100)
    workers = parallel.ScoringWorkers(1)
    try:
        slices = workers.send_features(feats, model, {})
    finally:
        workers.close()
    assert len(slices) == 3
    again = parallel.features_of(slices)
    assert list(again.items()) == list(feats.items()) and slices == []


class Name(str):
    """A str subclass (as a driver might return): marshal refuses it, pickle takes it."""


def test_a_value_marshal_refuses_travels_by_pickle() -> None:
    packed = [(1, Name("Ada"), ((1815, 12, 10),))]
    data = dump_packed(packed)
    assert data[:1] == b"p"
    assert load_packed(data) == packed


def test_worker_count_follows_cores_and_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: set(range(8)))
    assert parallel.default_workers() == parallel.MAX_WORKERS == 2
    assert parallel.worker_count(20_000) == 2
    assert parallel.worker_count(100_000) == 1  # two copies of its features: too much
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: {0})
    assert parallel.default_workers() == 0
    assert parallel.worker_count(20_000) == 0
    assert parallel.start_workers(50_000) is None  # one core: scored in process


def test_a_worker_naming_pairs_never_sent_is_given_up_on(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer whose chunk or places name no pair that was sent (a broken worker) is not
    believed: that worker is given up on and its share scored in process."""
    feats, model, labels, candidates, expected = _scored_corpus(db, 400, seed=9)
    monkeypatch.setattr(parallel, "_CHUNK", 50)
    real = parallel._message
    spoiled: list[bool] = []

    def spoil(conn):  # noqa: ANN001, ANN202 - the real reader, one answer made nonsense
        message = real(conn)
        if message and message[0] == "kept" and message[2] and not spoiled:
            spoiled.append(True)
            return ("kept", message[1], message[2], [10**6] * len(message[3]))
        return message

    monkeypatch.setattr(parallel, "_message", spoil)
    workers = parallel.ScoringWorkers(1)
    kept: list = []

    def here(share: list) -> list:
        return score_pairs(share, feats, model, labels)

    try:
        workers.send_features(feats, model, labels)
        workers.send_pairs(candidates, set())
        workers.gather(here, _answers(kept))
    finally:
        workers.close()
    assert spoiled and parallel.last_run.fallbacks == 1
    assert sorted(kept) == expected

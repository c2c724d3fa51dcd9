"""A big refresh scores a share of its candidate pairs in a worker process: the result is
exactly the one-process result (scores, explanation levels, rules, decision items), also when
the worker fails and its share is scored in-process after all; and a full rebuild that
scores on two processes stores the rows and keys a one-process rebuild stores (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.engine import Database, open_database
from core.db.models import MatchKey, MergeSuggestion
from core.match import scoring
from core.match.blocking import pairs_from_blocks, party_keys
from core.match.features import load_features
from core.match.labels import load_labels
from core.match.scoring import score_candidates, score_serial
from core.match.suggest import refresh_suggestions, rejected_pairs
from core.match.weights import HAND_MODEL
from tests.match.corpus import generate
from tests.match.corpus_load import load


def _candidates(session: Session) -> tuple[dict, dict]:
    feats = load_features(session)
    blocks: dict[str, list[int]] = {}
    for pid, f in feats.items():
        for key in party_keys(f):
            blocks.setdefault(key, []).append(pid)
    return pairs_from_blocks(blocks), feats


def _explode(payload: bytes) -> bytes:
    """Stands in for the worker's entry point: the worker fails."""
    raise RuntimeError("worker lost")


@pytest.fixture
def corpus(session: Session) -> Session:
    load(session, generate(600, seed=5, dup_rate=0.15))
    session.commit()
    return session


def test_two_processes_score_what_one_does(corpus: Session) -> None:
    candidates, feats = _candidates(corpus)
    assert len(candidates) > 200
    rejected, labels = rejected_pairs(corpus), load_labels(corpus)
    alone = score_serial(candidates.items(), feats, rejected, HAND_MODEL, labels)
    split = score_candidates(candidates, feats, rejected, HAND_MODEL, labels, min_pairs=1)
    assert len(alone) > 50
    assert split == alone


def test_a_failed_worker_costs_time_not_pairs(corpus: Session,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    candidates, feats = _candidates(corpus)
    rejected, labels = rejected_pairs(corpus), load_labels(corpus)
    alone = score_serial(candidates.items(), feats, rejected, HAND_MODEL, labels)
    monkeypatch.setattr(scoring, "_score_packed", _explode)
    split = score_candidates(candidates, feats, rejected, HAND_MODEL, labels, min_pairs=1)
    assert split == alone


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    name = "sqlite_migrated_url" if request.param == "sqlite" else "pg_migrated_url"
    database = open_database(request.getfixturevalue(name))
    yield database
    database.dispose()


def test_a_rebuild_on_two_processes_stores_the_same_rows(
        any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """On both engines: the blocking keys are written while the worker scores."""
    with any_db.session() as session:
        load(session, generate(600, seed=5, dup_rate=0.15))
        session.commit()

        def rows() -> list[tuple]:
            return [tuple(r) for r in session.execute(
                select(MergeSuggestion.party_a_id, MergeSuggestion.party_b_id,
                       MergeSuggestion.score, MergeSuggestion.probability,
                       MergeSuggestion.blocking_rule, MergeSuggestion.explanation,
                       MergeSuggestion.pattern).order_by(MergeSuggestion.party_a_id,
                                                         MergeSuggestion.party_b_id))]

        def keys() -> list[tuple]:
            return [tuple(r) for r in session.execute(
                select(MatchKey.party_id, MatchKey.key).order_by(MatchKey.party_id,
                                                                 MatchKey.key))]

        refresh_suggestions(session)
        session.commit()
        one_process, one_process_keys = rows(), keys()
        session.execute(MergeSuggestion.__table__.delete())
        monkeypatch.setattr(scoring, "PARALLEL_MIN_PAIRS", 1)
        refresh_suggestions(session)
        session.commit()
        assert len(one_process) > 50
        assert rows() == one_process
        assert keys() == one_process_keys

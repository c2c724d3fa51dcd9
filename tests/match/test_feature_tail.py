"""The tail's own bookkeeping (core.match.feature_tail.Follower), run in this process: what it
answers is what a rebuild from a full load computes, also when parties were loaded again,
when numbers became household numbers only once every holder was in, and when the owner's
labels changed after it scored."""

from __future__ import annotations

import pickle
import threading
from array import array
from multiprocessing import Pipe, Value
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.db.engine import Database
from core.db.models import Party
from core.match.blocking import blocks_of, pairs_from_blocks
from core.match.feature_tail import Follower
from core.match.features import HOUSEHOLD_LINKS, load_features
from core.match.hooks import after_ingest
from core.match.labels import load_labels, pattern_of
from core.match.model_store import active_model
from core.match.parallel import flatten_pairs
from core.match.score_pairs import score_pairs
from core.sync.vcard_import import import_vcards
from tests.match.corruption.households import generate, write_books


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_books(generate(120, seed=5), tmp_path_factory.mktemp("books"))


def _answer(follower: Follower, db: Database, labels: dict | None = None) -> tuple:
    """The follower's blocks, pairs and kept pairs, as the rebuild would read them."""
    with db.session() as s:
        model, stored = active_model(s), load_labels(s)
    mine, theirs = Pipe()
    worker = threading.Thread(target=follower.answer, args=(
        theirs, Value("q", 0), model, stored if labels is None else labels, set(), 50))
    worker.start()
    blocks = pickle.loads(mine.recv_bytes())[1]
    _, flat_bytes, rule_bytes, combos = pickle.loads(mine.recv_bytes())
    kept = []
    while (message := pickle.loads(mine.recv_bytes()))[0] == "kept":
        kept.extend(message[2])
    worker.join()
    flat, rules = array("q"), array("I")
    flat.frombytes(flat_bytes)
    rules.frombytes(rule_bytes)
    return blocks, _with_rules(flat, rules, combos), sorted(kept, key=lambda got: got[0])


def _with_rules(flat: array, rules: array, combos: list[list[str]]) -> dict:
    """Each candidate pair with the rules that paired it (the order they are sent in only
    decides who scores which chunk)."""
    return {(flat[2 * i], flat[2 * i + 1]): combos[r] for i, r in enumerate(rules)}


def _expected(db: Database, labels: dict | None = None) -> tuple:
    """The same from a full load, as ``suggest._rebuild`` computes it."""
    with db.session() as s:
        feats = load_features(s)
        model, stored = active_model(s), load_labels(s)
    blocks = blocks_of(feats)
    flat, rules, combos = flatten_pairs(pairs_from_blocks(blocks), set())
    pairs = list(zip(flat[::2], flat[1::2], strict=True))
    kept = score_pairs(pairs, feats, model, stored if labels is None else labels)
    return blocks, _with_rules(flat, rules, combos), sorted(kept, key=lambda got: got[0])


def _same(got: tuple, expected: tuple) -> None:
    blocks, candidates, kept = got
    assert {k: sorted(v) for k, v in blocks.items()} == {
        k: sorted(v) for k, v in expected[0].items()}
    assert candidates == expected[1]
    assert kept == expected[2]


def test_parties_followed_batch_by_batch_answer_what_a_full_load_does(
        sqlite_db: Database, books: dict[str, Path]) -> None:
    import_vcards(sqlite_db, [books["a"], books["b"]], after_ingest=after_ingest, workers=1)
    with sqlite_db.session() as s:
        ids = sorted(s.scalars(select(Party.id).where(Party.kind != "system")))
        feats = load_features(s)
    households = [use for f in feats.values() for use in f.phones.values() if use.shared]
    assert households  # the corpus has numbers HOUSEHOLD_LINKS people hold
    assert HOUSEHOLD_LINKS > 1
    follower = Follower(sqlite_db, len(ids))
    for start in range(0, len(ids), 40):  # in batches, as an import writes them
        follower.load(ids[start:start + 40])
        follower.score_some(50)  # what it scores before the next batch comes
    # The first batch again, as an import touching its parties again would load it.
    follower.load(ids[:40])
    assert follower.waiting and follower.kept  # some pairs scored, some left for the end
    _same(_answer(follower, sqlite_db), _expected(sqlite_db))


def test_a_party_changed_and_loaded_again_is_scored_again(
        sqlite_db: Database, books: dict[str, Path]) -> None:
    import_vcards(sqlite_db, [books["a"], books["b"]], after_ingest=after_ingest, workers=1)
    follower = Follower(sqlite_db, 2000)
    follower.load(None)
    _score_all(follower)
    with sqlite_db.session() as s:
        feats = load_features(s)
    # A kept pair whose score nothing else would make the tail recompute (no household
    # number): one party's first name changes, which changes (or drops) the pair's score.
    before = _expected(sqlite_db)
    a = next(got[0][0] for got in before[2] if not any(
        use.shared for pid in got[0] for use in feats[pid].phones.values()))
    with sqlite_db.session() as s:
        s.execute(update(Party).where(Party.id == a).values(
            given_name="Quirinus", display_name="Quirinus " + feats[a].name.family))
        s.commit()
    follower.load([a])
    after = _expected(sqlite_db)
    assert after[2] != before[2]
    _same(_answer(follower, sqlite_db), after)


def test_labels_other_than_those_it_scored_with_mean_scoring_again(
        sqlite_db: Database, books: dict[str, Path]) -> None:
    import_vcards(sqlite_db, [books["a"]], after_ingest=after_ingest, workers=1)
    follower = Follower(sqlite_db, 1000)
    follower.load(None)
    _score_all(follower)
    expected = _expected(sqlite_db)
    # The owner said "not the same" 40 times to the pattern of every pair kept.
    labels = {pattern: (0, 40) for pattern in _patterns(expected[2])}
    relabelled = _expected(sqlite_db, labels)
    assert relabelled[2] != expected[2]
    _same(_answer(follower, sqlite_db, labels), relabelled)


def _score_all(follower: Follower) -> None:
    """Score every waiting pair (as an import with time to spare would)."""
    while follower.waiting:
        follower.score_some()
    assert follower.kept


def _patterns(kept: list) -> set:
    return {pattern_of(levels) for _pair, _score, levels, _extra in kept} - {()}

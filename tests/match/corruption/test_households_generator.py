"""The households corpus is seeded, holds the hard negatives it promises, keeps its fairness
rules, and its books survive a vCard round trip."""

from __future__ import annotations

from pathlib import Path

from core.sync.providers.vcard.reader import parse_paths
from tests.match.corruption.household_cultures import CULTURES
from tests.match.corruption.households import generate, write_books


def _fingerprint(corpus) -> list:  # noqa: ANN001
    return [(c.external_id, c.canonical()) for b in ("a", "b") for c in corpus.books[b]]


def test_same_seed_same_corpus_other_seed_other_corpus() -> None:
    assert _fingerprint(generate(40, seed=3)) == _fingerprint(generate(40, seed=3))
    assert _fingerprint(generate(40, seed=3)) != _fingerprint(generate(40, seed=4))


def test_every_hard_negative_kind_is_there_with_truth() -> None:
    corpus = generate(200, seed=13)
    counts = corpus.counts()
    for kind in ("spouse", "sibling", "twin", "namesake", "parent"):
        assert counts.get(kind, 0) >= 10, (kind, counts)
    assert set(corpus.truth) == {c.external_id for b in "ab" for c in corpus.books[b]}
    assert len(corpus.true_pairs()) > 400  # most people are in both books
    regions = {corpus.households[p.household].culture.region for p in corpus.people.values()}
    assert len(regions) == len(CULTURES)


def test_fairness_rules_hold() -> None:
    corpus = generate(300, seed=21)
    by_pid: dict[str, list] = {}
    for book in "ab":
        for c in corpus.books[book]:
            by_pid.setdefault(corpus.truth[c.external_id], []).append(c)
    for pair, kind in corpus.relations.items():
        p, q = (corpus.people[x] for x in sorted(pair))
        if kind == "twin":
            assert p.birth == q.birth and p.given[:1] != q.given[:1]
        if kind == "namesake":
            assert (p.given, p.family) == (q.given, q.family) and abs(p.birth[0] - q.birth[0]) >= 26
            for person in (p, q):
                for record in by_pid.get(person.pid, []):
                    dated = any(d.year for d in record.birthdays)
                    assert record.name.suffix or dated, record
    landlines = [h.landline for h in corpus.households if h.landline]
    assert len(landlines) == len(set(landlines))  # one home, one landline


def test_books_round_trip_through_vcard_files(tmp_path: Path) -> None:
    corpus = generate(30, seed=5)
    paths = write_books(corpus, tmp_path)
    for book, path in paths.items():
        batches = list(parse_paths([path], 1))
        read = [c for batch in batches for c in batch.contacts]
        assert not [p for batch in batches for p in batch.problems]
        assert {c.external_id for c in read} == {c.external_id for c in corpus.books[book]}
        by_id = {c.external_id: c for c in read}
        for original in corpus.books[book]:
            assert by_id[original.external_id].name.suffix == original.name.suffix
            assert len(by_id[original.external_id].phones) == len(original.phones)

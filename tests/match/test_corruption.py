"""The corruption corpus does what its documentation says: rates that add up, every error
type acting as described, 1-9 duplicates per person, names from many cultures, and the same
corpus for the same seed."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.match.corruption import errors, one_file, two_sources
from tests.match.corruption.generate import DUPLICATES
from tests.match.corruption.vocab import CULTURES


def test_rates_are_distributions() -> None:
    for table in (errors.ERROR_RATES, errors.DATE_ERRORS, errors.MODIFICATIONS_PER_RECORD,
                  DUPLICATES):
        assert sum(table.values()) == pytest.approx(1.0)
    assert set(DUPLICATES) == set(range(1, 10))


def test_error_types_do_what_they_say() -> None:
    rng = random.Random(1)
    word = "Philpott"
    typo = errors.keyboard_substitution(rng, word)
    diff = [(a, b) for a, b in zip(word, typo, strict=True) if a != b]
    assert len(diff) == 1 and diff[0][1].lower() in errors._neighbours(diff[0][0])
    assert len(errors.insertion(rng, word)) == len(word) + 1
    assert len(errors.deletion(rng, word)) == len(word) - 1
    swapped = errors.transposition(rng, word)
    assert sorted(swapped) == sorted(word) and swapped != word
    assert errors.token_split_merge(rng, "Mac Kinder") in ("MacKinder", "Mac-Kinder")
    assert errors.accents_dropped(rng, "García") == "Garcia"
    assert errors.ocr_confusion(random.Random(0), "rn") in ("m", "rri", "ri", "rn")
    assert errors.digit_typo(rng, "10115") != "10115"
    for _ in range(200):
        date = (1971, 3, 4)
        year, month, day = errors.date_error(rng, date)
        assert 1 <= month <= 12 and 1 <= day <= 28


def test_one_file_has_1_to_9_duplicates_per_person_from_many_cultures() -> None:
    corpus = one_file(3000, seed=2)
    assert len(corpus.person_of) == 3000
    sizes = Counter(Counter(corpus.person_of.values()).values())
    assert max(sizes) <= 10 and sizes[1] > sizes[2] > 0 and len(sizes) >= 5
    families = {r.family for r in corpus.records.values()}
    assert len(families) > 400
    towns = {r.town for r in corpus.records.values() if r.town}
    assert len(towns) > 40
    cultures_seen = {c.name for c in CULTURES
                     if any(r.family in c.family for r in corpus.records.values())}
    assert len(cultures_seen) == len(CULTURES)


def test_two_sources_hold_the_same_people() -> None:
    corpus = two_sources(2000, seed=4)
    people = {src: {corpus.person_of[(src, c.external_id)] for c in contacts}
              for src, contacts in corpus.sources.items()}
    shared = people["phone"] & people["mail"]
    assert len(shared) > 400
    assert len(people["mail"] - people["phone"]) > 50


def test_same_seed_same_corpus() -> None:
    a, b = one_file(500, seed=9), one_file(500, seed=9)
    assert a.records == b.records and a.person_of == b.person_of
    assert one_file(500, seed=10).records != a.records

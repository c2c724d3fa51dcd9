"""The matcher against a synthetic corpus with known truth (people over three sources with
typos, nicknames, swapped names, new phones, shared landlines, same-name strangers)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.match.suggest import refresh_suggestions
from tests.match.corpus import generate
from tests.match.corpus_load import load, quality, truth_pairs


def test_precision_and_recall_on_synthetic_corpus(session: Session) -> None:
    corpus = generate(1500, seed=11, dup_rate=0.08)
    accounts = load(session, corpus)
    truth = truth_pairs(session, corpus, accounts)
    assert len(truth) >= 80
    refresh_suggestions(session)
    session.commit()
    result = quality(session, truth)
    assert result.precision >= 0.95, result.false_positives
    assert result.recall >= 0.95, result.false_negatives
    # Household members share a landline, a street and a family name: never suggested.
    assert corpus.shared_phones

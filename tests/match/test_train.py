"""Estimating the model from the book's own data: EM converges on a seeded corruption corpus,
the estimate is stored and versioned with the suggestions, small books keep the hand table,
and ``kith duplicates --retrain`` runs it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli import main
from core.db.engine import Database
from core.db.models import MatchModel, MergeSuggestion
from core.match.model_store import active_model, model_from_params
from core.match.suggest import refresh_suggestions
from core.match.train import MIN_PARTIES, retrain
from core.match.views import list_suggestions
from core.match.weights import HAND_MODEL, calibrated_version
from tests.match.builders import account, person
from tests.match.corpus_load import load
from tests.match.corruption import one_file


@pytest.fixture(scope="module")
def corpus():  # noqa: ANN201 - a Corpus
    return one_file(1300, seed=5)


def test_em_converges_and_the_estimate_scores_the_suggestions(session: Session,
                                                                corpus) -> None:  # noqa: ANN001
    load(session, corpus)
    session.commit()
    result = retrain(session, seed=1)
    assert result.converged and result.model.source == "estimated"
    assert result.parties >= MIN_PARTIES and result.pairs > 500
    w = result.model.weights
    # What any sensible estimate says, learnt rather than set by hand:
    assert w[("given", "exact")] > w[("given", "one_typo")] > 0 > w[("given", "different")]
    assert w[("family", "exact")] > 0 > w[("family", "different")]
    assert w[("birthday", "exact")] > w[("birthday", "one_digit")] > 0  # a typo is FOR
    assert w[("birthday", "conflict")] < 0
    assert w[("name", "namesakes")] <= 0
    assert w[("household", "same_home_2")] == round(2 * w[("household", "same_home")], 2) <= 0
    assert result.model.prior < -5  # matches are rare among all pairs
    row = session.scalar(select(MatchModel))
    assert row is not None and calibrated_version(row.version) == result.model.version
    assert active_model(session).weights == result.model.weights
    refresh_suggestions(session)
    versions = set(session.scalars(select(MergeSuggestion.model_version)))
    assert versions == {result.model.version}
    view = list_suggestions(session, limit=1)[0]
    assert view.explanation[0].weight == result.model.prior
    assert view.score == round(sum(i.weight for i in view.explanation), 2)
    # The same data and seed give the same estimate (a re-estimate is a new version).
    again = retrain(session, seed=1)
    assert again.model.weights == result.model.weights
    assert again.model.version != result.model.version


def test_small_books_keep_the_hand_table(session: Session) -> None:
    acc = account(session)
    from core.ingest.engine import ingest_contacts

    ingest_contacts(session, acc, [person("a", "Anna", "Berg"), person("b", "Ana", "Berg")])
    result = retrain(session)
    assert result.model is HAND_MODEL and "fewer than" in result.reason
    assert session.scalar(select(MatchModel)) is None
    assert active_model(session) is HAND_MODEL


def test_an_estimate_for_other_levels_is_not_used() -> None:
    assert model_from_params("est-9", {"levels_of": "kith-fs-0", "prior": -9,
                                        "levels": []}) is HAND_MODEL


def test_cli_retrain(db: Database, corpus, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    with db.session() as session:
        load(session, corpus)
        session.commit()
    assert main(["--database", db.url, "duplicates", "--retrain", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Learnt new weights from ")
    assert "Starting point for any two contacts" in out


def test_em_does_not_learn_households_into_one_person() -> None:
    """Twins (unrelated first names, one birthday, one home) and a parent and a child of one
    name (Jr./Sr., birth dates a generation apart) are many in a book of families; EM must
    not take them for one person seen twice: the kin item explains their home away, and the
    m of the "different" levels stays capped at the hand table's."""
    from collections import Counter

    from core.match.train import CLAMPED_M, em
    from core.match.weights import FIELDS, LEVELS

    same = (("address", "same_street"), ("birthday", "exact"), ("family", "exact"),
            ("given", "exact"))
    twins = (("address", "same_street"), ("birthday", "exact"), ("family", "exact"),
             ("given", "different"), ("phone", "landline"))
    namesakes = (("address", "same_street"), ("birthday", "generation"), ("family", "exact"),
                 ("generation", "different"), ("given", "exact"), ("phone", "landline"))
    strangers = (("address", "different"), ("birthday", "conflict"), ("family", "different"),
                 ("given", "different"))
    patterns = Counter({same: 200, twins: 300, namesakes: 100, strangers: 20000})
    u = {key: LEVELS[key][1] for key in LEVELS}
    m, _lam, _iterations, converged = em(patterns, u, 1e6, [])
    assert converged
    hand = {key: LEVELS[key][0] / sum(LEVELS[(key[0], lvl)][0] for lvl in FIELDS[key[0]])
            for key in LEVELS}
    for key in CLAMPED_M:
        assert m[key] <= hand[key] + 1e-12
    # The landline only ever appears in the households' pairs: had EM counted them as
    # matches, its m would be near 1.
    assert m[("phone", "landline")] < 0.5

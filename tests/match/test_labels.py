"""The owner's decisions are labels: a "not the same person" lowers the open pairs with the
same kind of evidence, a merge raises them, revoking takes the label back; and a full
rebuild agrees with what the decision did to the stored rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import MergeSuggestion, Party
from core.ingest.engine import ingest_contacts
from core.match.decisions import mark_not_duplicate, revoke_decision
from core.match.merge import merge_parties
from core.match.suggest import refresh_suggestions
from core.match.unmerge import unmerge
from core.match.views import list_suggestions
from core.match.weights import DEFAULT_MIN_SCORE
from tests.match.builders import account, person


def _seed(session: Session) -> dict[str, tuple[int, int]]:
    acc = account(session)
    where = {"street": "Hauptstr. 1", "postal": "10115", "city": "Berlin"}
    there = {"street": "Ringstr. 5", "postal": "20095", "city": "Hamburg"}
    ingest_contacts(session, acc, [
        person("a1", "Anna", "Berg", **where), person("a2", "Anna", "Berg", **where),
        person("c1", "Carl", "Weiss", **there), person("c2", "Carl", "Weiss", **there),
        person("o1", "Olga", "Nowak", birthday=(1970, 1, 2)),
        person("o2", "Olga", "Nowak", birthday=(1970, 1, 2)),
    ])
    refresh_suggestions(session)
    ids: dict[str, list[int]] = {}
    for p in session.scalars(select(Party).where(Party.kind != "system")):
        ids.setdefault(p.display_name, []).append(p.id)
    return {name: (min(v), max(v)) for name, v in ids.items()}


def _row(session: Session, pair: tuple[int, int]) -> MergeSuggestion | None:
    return session.scalar(select(MergeSuggestion).where(
        MergeSuggestion.party_a_id == pair[0], MergeSuggestion.party_b_id == pair[1]))


def _state(session: Session) -> dict:
    return {(r.party_a_id, r.party_b_id): (r.status, r.score, r.explanation, r.pattern)
            for r in session.scalars(select(MergeSuggestion))}


def _agrees_with_full_rebuild(session: Session) -> None:
    before = _state(session)
    refresh_suggestions(session)
    assert _state(session) == before


def test_not_the_same_person_lowers_pairs_like_it_and_revoking_restores(
        session: Session) -> None:
    pairs = _seed(session)
    anna, carl, olga = pairs["Anna Berg"], pairs["Carl Weiss"], pairs["Olga Nowak"]
    first = _row(session, carl)
    assert first is not None and first.score >= DEFAULT_MIN_SCORE
    base_score, base_explanation = first.score, list(first.explanation)
    olga_score = _row(session, olga).score  # another pattern: untouched throughout
    decision = mark_not_duplicate(session, *anna)
    row = _row(session, carl)
    assert row.score < DEFAULT_MIN_SCORE
    item = row.explanation[-1]
    assert item["field"] == "decisions"
    assert item["sentence"] == ("With the same kind of evidence you said 1 pair were "
                                "different people")
    assert row.score == round(sum(i["weight"] for i in row.explanation), 2)
    assert carl not in [(v.party_a_id, v.party_b_id) for v in list_suggestions(session)]
    assert _row(session, olga).score == olga_score
    _agrees_with_full_rebuild(session)
    revoke_decision(session, decision)
    row = _row(session, carl)
    assert (row.score, row.explanation) == (base_score, base_explanation)
    _agrees_with_full_rebuild(session)


def test_a_merge_raises_pairs_like_it_and_unmerge_takes_it_back(session: Session) -> None:
    pairs = _seed(session)
    anna, carl = pairs["Anna Berg"], pairs["Carl Weiss"]
    base = _row(session, carl).score
    decision = merge_parties(session, list(anna))
    row = _row(session, carl)
    assert row.score > base and row.explanation[-1]["field"] == "decisions"
    assert "you merged 1 pair" in row.explanation[-1]["sentence"]
    _agrees_with_full_rebuild(session)
    unmerge(session, decision)
    assert _row(session, carl).score == base
    _agrees_with_full_rebuild(session)


def test_useful_order_puts_the_least_certain_first(session: Session) -> None:
    _seed(session)
    by_score = list_suggestions(session)
    useful = list_suggestions(session, order="useful")
    assert sorted(v.id for v in by_score) == sorted(v.id for v in useful)
    assert [abs(v.score) for v in useful] == sorted(abs(v.score) for v in useful)
    assert by_score[0].score >= by_score[-1].score
    import pytest

    with pytest.raises(ValueError, match="Unknown order"):
        list_suggestions(session, order="random")

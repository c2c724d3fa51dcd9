"""Stored suggestions: built from the database, explained, incremental, never re-suggesting
a rejected pair (also after a re-import)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db.models import MergeSuggestion, Party, SourceAccount
from core.ingest.engine import ingest_contacts
from core.match.decisions import mark_not_duplicate
from core.match.hooks import after_ingest
from core.match.key_store import stored_memberships
from core.match.suggest import refresh_suggestions
from core.match.views import list_suggestions
from core.match.weights import HAND_MODEL
from tests.match.builders import account, person


def _seed(session: Session) -> tuple[int, int, dict[str, int]]:
    a, b = account(session, "a"), account(session, "b")
    ingest_contacts(session, a, [
        person("1", "Robert", "Smith", emails=("rob.smith@gmail.com",),
               phones=("0151 11111111",), birthday=(1980, 2, 3)),
        person("2", "Anna", "Berg", emails=("anna@berg.de",), birthday=(1975, 6, 1)),
        person("3", "Clara", "Zorn", phones=("0176 33333333",)),
    ])
    ingest_contacts(session, b, [
        person("1", "Bob", "Smith", emails=("robsmith@googlemail.com",),
               phones=("0152 22222222",), birthday=(1980, 2, 3)),
        person("2", "Anna", "Berg", emails=("a.berg@web.de",), birthday=(1991, 1, 9)),
    ])
    session.commit()
    ids = {p.display_name: p.id for p in session.scalars(select(Party))}
    return a, b, ids


def test_refresh_stores_explained_suggestions(session: Session) -> None:
    _seed(session)
    assert refresh_suggestions(session) >= 1
    views = list_suggestions(session)
    assert [(v.name_a, v.name_b) for v in views] == [("Robert Smith", "Bob Smith")]
    view = views[0]
    assert view.blocking_rule == "same_email"  # canonical Gmail address
    assert view.model_version == HAND_MODEL.version
    assert 0.99 < view.probability <= 1
    fields = [(i.field, i.level) for i in view.explanation]
    assert fields == [("prior", "start"), ("given", "nickname"), ("family", "exact"),
                      ("email", "exact"), ("phone", "different_mobile"), ("birthday", "exact")]
    assert view.explanation[0].weight == -7.5
    assert view.score == round(sum(i.weight for i in view.explanation), 2)
    assert all(i.sentence for i in view.explanation)
    assert view.blocking_sentences[0] == "Found because both have the same email address"
    # Same name, conflicting birthdays: scored but below the review threshold.
    low = list_suggestions(session, min_score=-100)
    assert ("Anna Berg", "Anna Berg") not in [(v.name_a, v.name_b) for v in low]


def test_refresh_is_deterministic_and_ordered(session: Session) -> None:
    _seed(session)
    refresh_suggestions(session)
    first = [(v.party_a_id, v.party_b_id, v.score, v.explanation) for v in
             list_suggestions(session, min_score=-50)]
    refresh_suggestions(session)
    again = [(v.party_a_id, v.party_b_id, v.score, v.explanation) for v in
             list_suggestions(session, min_score=-50)]
    assert first == again
    assert [s for _, _, s, _ in first] == sorted((s for _, _, s, _ in first), reverse=True)


def test_incremental_rescore_after_sync(session: Session) -> None:
    a, b, ids = _seed(session)
    refresh_suggestions(session)
    keys_before = len(stored_memberships(session)[0])
    # A sync brings a new record for Clara with a typo and her phone in another format.
    stats = ingest_contacts(session, b, [person("9", "Klara", "Zorn", emails=("kz@x.org",),
                                                phones=(("0176 3333 3333"),))])
    assert stats.touched_party_ids  # attached to Clara by phone: no new party
    stats = ingest_contacts(session, b, [person("10", "Clara", "Zorn",
                                                emails=("clara.zorn@web.de",),
                                                birthday=(1990, 3, 3))])
    new_party = next(iter(stats.touched_party_ids))
    assert after_ingest(session, stats.touched_party_ids) == 1
    pairs = {(v.party_a_id, v.party_b_id) for v in list_suggestions(session, min_score=-50)}
    assert (ids["Clara Zorn"], new_party) in pairs
    assert len(stored_memberships(session)[0]) > keys_before


def test_rejected_pair_is_never_suggested_again_even_after_reimport(session: Session) -> None:
    a, b, ids = _seed(session)
    refresh_suggestions(session)
    view = list_suggestions(session)[0]
    mark_not_duplicate(session, view.party_a_id, view.party_b_id)
    session.commit()
    refresh_suggestions(session)
    assert list_suggestions(session) == []
    # The source is removed and imported again: new rows, new ids, same stable keys.
    session.execute(delete(SourceAccount).where(SourceAccount.id == b))
    session.execute(delete(Party).where(Party.id == ids["Bob Smith"]))
    session.commit()
    b2 = session.scalar(select(SourceAccount.id).where(SourceAccount.account_id == "a"))
    assert b2 == a
    again = SourceAccount(provider="vcard", account_id="b", display_name="b")
    session.add(again)
    session.flush()
    stats = ingest_contacts(session, again.id, [
        person("1", "Bob", "Smith", emails=("robsmith@googlemail.com",),
               phones=("0152 22222222",), birthday=(1980, 2, 3))])
    assert ids["Bob Smith"] not in stats.touched_party_ids
    refresh_suggestions(session)
    assert list_suggestions(session) == []
    rows = session.scalars(select(MergeSuggestion.status)).all()
    assert "open" not in rows

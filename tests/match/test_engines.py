"""The review engine on PostgreSQL too: a full build (driver-level key insert, index rebuild),
an incremental re-score, a merge and its undo."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.db.engine import Database
from core.ingest.engine import ingest_contacts
from core.match.merge import merge_parties
from core.match.suggest import refresh_suggestions
from core.match.unmerge import unmerge
from core.match.views import list_suggestions
from tests.match.builders import account, person
from tests.match.state import capture


def test_build_rescore_merge_unmerge(any_db: Database) -> None:
    with any_db.session() as session:
        _scenario(session)


def _scenario(session: Session) -> None:
    a, b = account(session, "a"), account(session, "b")
    ingest_contacts(session, a, [person("1", "Robert", "Smith", emails=("rob.smith@gmail.com",),
                                        birthday=(1980, 2, 3))])
    ingest_contacts(session, b, [person("1", "Bob", "Smith", emails=("robsmith@gmail.com",),
                                        birthday=(1980, 2, 3))])
    session.commit()
    assert refresh_suggestions(session) == 1
    session.commit()
    [view] = list_suggestions(session)
    stats = ingest_contacts(session, b, [person("2", "Rob", "Smith", birthday=(1980, 2, 3))])
    refresh_suggestions(session, stats.touched_party_ids)
    session.commit()
    assert len(list_suggestions(session)) == 3
    before = capture(session)
    decision = merge_parties(session, [view.party_a_id, view.party_b_id])
    session.commit()
    assert len(list_suggestions(session)) == 1
    unmerge(session, decision)
    session.commit()
    assert capture(session) == before

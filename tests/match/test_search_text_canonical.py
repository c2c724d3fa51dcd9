"""``party.search_text`` must be a function of the party's current state, not of its history.

Merge round trips compare restored parties column by column with parties that never merged;
if a party's text depended on whether it was written at insert or by a later refresh, an
unrelated refresh (a sync deleting one of its records) would make two equal parties differ.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.db.models import Party
from core.ingest.engine import ingest_contacts
from core.ingest.search_index import refresh_search_text
from tests.match.builders import account, person


def test_new_party_text_equals_refreshed_text(session: Session) -> None:
    acc = account(session, "a")
    stats = ingest_contacts(session, acc, [
        person("1", "Anna", "Berg", emails=("p3e0@example.org",), phones=("0151 10000003",))])
    party_id = next(iter(stats.touched_party_ids))
    session.flush()
    inserted = session.get(Party, party_id).search_text
    refresh_search_text(session, [party_id])
    session.flush()
    session.expire_all()
    assert session.get(Party, party_id).search_text == inserted

"""Merging moves everything onto one party, honours field choices, and can be undone;
splitting a record off makes a party of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import (
    Address,
    Decision,
    Handle,
    ImportantDate,
    LabelMembership,
    MergeSuggestion,
    Party,
    SourceRecord,
)
from core.ingest.engine import ingest_contacts
from core.match.merge import MergeError, merge_parties
from core.match.split import split_record
from core.match.suggest import refresh_suggestions
from core.match.unmerge import unmerge
from core.match.views import list_decisions, list_suggestions
from tests.match.builders import account, person
from tests.match.state import capture


def _two(session: Session) -> tuple[int, int]:
    a, b = account(session, "a"), account(session, "b")
    p1 = next(iter(ingest_contacts(session, a, [
        person("1", "Robert", "Smith", emails=("rob@x.org",), phones=("0151 11111111",),
               birthday=(1980, 2, 3), org="ACME", groups=("Friends",))]).touched_party_ids))
    p2 = next(iter(ingest_contacts(session, b, [
        person("1", "Bob", "Smith", emails=("bob@y.org",), phones=("0152 22222222",),
               birthday=(1980, 2, 3), org="Globex", street="Hauptstr. 1", city="Berlin",
               groups=("Work",))]).touched_party_ids))
    session.commit()
    return p1, p2


def test_merge_moves_records_links_details_and_takes_chosen_fields(session: Session) -> None:
    p1, p2 = _two(session)
    refresh_suggestions(session)
    decision = merge_parties(session, [p1, p2], keep_id=p1,
                             field_choices={"name": p2, "organization": p2})
    session.commit()
    keep, gone = session.get(Party, p1), session.get(Party, p2)
    assert (keep.display_name, keep.given_name, keep.organization) == ("Bob Smith", "Bob",
                                                                      "Globex")
    assert keep.birthday == "1980-02-03"
    assert gone.merged_into_id == p1
    assert set(session.scalars(select(SourceRecord.party_id))) == {p1}
    assert set(session.scalars(select(Handle.party_id))) == {p1}
    assert keep.handle_count == 4
    assert set(session.scalars(select(Address.party_id))) == {p1}
    assert set(session.scalars(select(ImportantDate.party_id))) == {p1}
    assert set(session.scalars(select(LabelMembership.party_id))) == {p1}
    assert session.scalars(select(MergeSuggestion.status)).all() in ([], ["merged"])
    assert list_suggestions(session, min_score=-100) == []
    [view] = list_decisions(session)
    assert (view.id, view.kind, view.is_active) == (decision, "merge", True)
    assert "Bob Smith" in view.summary
    row = session.get(Decision, decision)
    assert row.subject["keep"]["records"] == [["vcard", "a", "1"]]
    assert row.subject["field_choices"] == {"name": p2, "organization": p2}


def test_merge_refuses_bad_requests(session: Session) -> None:
    p1, p2 = _two(session)
    with pytest.raises(MergeError, match="at least two"):
        merge_parties(session, [p1, p1])
    with pytest.raises(MergeError, match="not one of"):
        merge_parties(session, [p1, p2], keep_id=999)
    with pytest.raises(MergeError, match="Unknown field"):
        merge_parties(session, [p1, p2], field_choices={"shoe_size": p1})
    decision = merge_parties(session, [p1, p2])
    with pytest.raises(MergeError, match="already merged"):
        merge_parties(session, [p1, p2])
    unmerge(session, decision)
    with pytest.raises(MergeError, match="already undone"):
        unmerge(session, decision)


def test_chained_merges_unwind_in_order(session: Session) -> None:
    p1, p2 = _two(session)
    c = account(session, "c")
    p3 = next(iter(ingest_contacts(session, c, [person("1", "Rob", "Smith")]).touched_party_ids))
    session.commit()
    before = capture(session)
    first = merge_parties(session, [p1, p2], keep_id=p1)
    second = merge_parties(session, [p3, p1], keep_id=p3)
    with pytest.raises(MergeError, match=f"undo decision {second} first"):
        unmerge(session, first)
    unmerge(session, second)
    unmerge(session, first)
    session.commit()
    assert capture(session) == before


def test_owner_is_always_the_party_kept(session: Session) -> None:
    p1, p2 = _two(session)
    session.get(Party, p2).role = "owner"
    session.flush()
    merge_parties(session, [p1, p2])
    assert session.get(Party, p1).merged_into_id == p2
    with pytest.raises(MergeError, match="owner"):
        merge_parties(session, [p2, _new(session)], keep_id=_last(session))


def _new(session: Session) -> int:
    d = account(session, "d")
    return next(iter(ingest_contacts(session, d, [person("9", "Zed", "Q")]).touched_party_ids))


def _last(session: Session) -> int:
    return max(session.scalars(select(Party.id)))


def test_split_record_makes_its_own_party_and_revoke_merges_back(session: Session) -> None:
    from core.match.decisions import revoke_decision

    p1, p2 = _two(session)
    merge_parties(session, [p1, p2], keep_id=p1, field_choices={"organization": p2})
    session.commit()
    record = session.scalar(select(SourceRecord).where(SourceRecord.external_id == "1",
                                                       SourceRecord.account_id != 1))
    new_id = split_record(session, record.id)
    session.commit()
    new = session.get(Party, new_id)
    keep = session.get(Party, p1)
    assert (new.display_name, new.organization) == ("Bob Smith", "Globex")
    assert keep.organization == "ACME"  # fell back to the remaining record
    assert session.get(SourceRecord, record.id).party_id == new_id
    owners = {h.value: h.party_id for h in session.scalars(select(Handle))}
    assert owners["bob@y.org"] == new_id and owners["rob@x.org"] == p1
    assert set(session.scalars(select(Address.party_id))) == {new_id}
    status = session.scalar(select(MergeSuggestion.status).where(
        MergeSuggestion.party_a_id == min(p1, new_id)))
    assert status == "rejected"
    split_decision = list_decisions(session)[0]
    assert split_decision.kind == "split"
    with pytest.raises(MergeError, match="only one"):
        split_record(session, session.scalar(select(SourceRecord.id).where(
            SourceRecord.party_id == new_id)))
    merge_id = revoke_decision(session, split_decision.id)
    session.commit()
    assert session.get(Party, new_id).merged_into_id == p1
    assert session.get(Decision, merge_id).kind == "merge"
    assert session.get(Decision, split_decision.id).revoked_at is not None

"""The decision log: every review action is one revocable row tied to stable keys."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db.models import Decision, Handle, Party, PartyHandleLink, SourceAccount
from core.ingest.engine import ingest_contacts
from core.ingest.resolve import resolve_handles
from core.match.decisions import (
    confirm_handle_link,
    dismiss_handle_link,
    mark_handle_shared,
    mark_not_duplicate,
    reapply_decisions,
    revoke_decision,
)
from core.match.hooks import after_ingest
from core.match.merge import merge_parties
from core.match.suggest import refresh_suggestions
from core.match.views import list_decisions, list_suggestions
from tests.match.builders import account, person


def _handle(session: Session, value: str) -> Handle:
    session.expire_all()  # resolution updates rows in bulk, behind the identity map
    return session.scalar(select(Handle).where(Handle.value == value))


def _pair(session: Session) -> tuple[int, int, int]:
    a, b = account(session, "a"), account(session, "b")
    p1 = next(iter(ingest_contacts(session, a, [person(
        "1", "Robert", "Smith", emails=("rob@x.org",), phones=("0151 11111111",),
        birthday=(1980, 2, 3))]).touched_party_ids))
    p2 = next(iter(ingest_contacts(session, b, [person(
        "1", "Bob", "Smith", emails=("bob@y.org", "rob@x.org"),
        birthday=(1980, 2, 3))]).touched_party_ids))
    session.commit()
    return p1, p2, b


def test_link_dismiss_and_confirm_are_logged_and_revocable(session: Session) -> None:
    p1, p2, _ = _pair(session)
    shared = _handle(session, "rob@x.org")
    assert shared.party_id == p1  # oldest link wins resolution
    d1 = confirm_handle_link(session, shared.id, p2)
    assert _handle(session, "rob@x.org").party_id == p2
    d2 = dismiss_handle_link(session, shared.id, p1)
    kinds = [(v.id, v.kind) for v in list_decisions(session)]
    assert kinds == [(d2, "link_dismiss"), (d1, "link_confirm")]
    assert "email rob@x.org belongs to Bob Smith" in list_decisions(session)[1].summary
    revoke_decision(session, d1)
    assert _handle(session, "rob@x.org").party_id == p2  # p1 still dismissed
    link = session.scalar(select(PartyHandleLink).where(PartyHandleLink.party_id == p2,
                                                        PartyHandleLink.handle_id == shared.id))
    assert (link.is_confirmed, link.is_dismissed) == (False, False)
    revoke_decision(session, d2)
    assert _handle(session, "rob@x.org").party_id == p1
    assert all(not v.is_active for v in list_decisions(session))


def test_link_verdict_survives_reimport(session: Session) -> None:
    p1, p2, b = _pair(session)
    shared = _handle(session, "rob@x.org")
    dismiss_handle_link(session, shared.id, p2)
    session.commit()
    # The second source is removed and imported again: its party and links are new rows.
    session.execute(delete(SourceAccount).where(SourceAccount.id == b))
    session.execute(delete(Party).where(Party.id == p2))
    session.commit()
    again = SourceAccount(provider="vcard", account_id="b", display_name="b")
    session.add(again)
    session.flush()
    stats = ingest_contacts(session, again.id, [person(
        "1", "Bob", "Smith", emails=("bob@y.org", "rob@x.org"), birthday=(1980, 2, 3))])
    new_party = next(iter(stats.touched_party_ids - {p1}))
    link = session.scalar(select(PartyHandleLink).where(
        PartyHandleLink.party_id == new_party, PartyHandleLink.handle_id == shared.id))
    assert not link.is_dismissed
    after_ingest(session, stats.touched_party_ids)
    session.refresh(link)
    assert link.is_dismissed
    assert reapply_decisions(session) == 0  # idempotent


def test_shared_handle_mark_is_logged_and_revocable(session: Session) -> None:
    _pair(session)
    phone = _handle(session, "+4915111111111")
    decision = mark_handle_shared(session, phone.id)
    assert _handle(session, "+4915111111111").is_shared
    assert list_decisions(session)[0].summary == "phone +4915111111111 is shared"
    revoke_decision(session, decision)
    assert not _handle(session, "+4915111111111").is_shared


def test_not_duplicate_and_its_revocation(session: Session) -> None:
    p1, p2, _ = _pair(session)
    refresh_suggestions(session)
    assert [(v.party_a_id, v.party_b_id) for v in list_suggestions(session)] == [(p1, p2)]
    decision = mark_not_duplicate(session, p1, p2)
    refresh_suggestions(session)
    assert list_suggestions(session) == []
    revoke_decision(session, decision)
    assert [(v.party_a_id, v.party_b_id) for v in list_suggestions(session)] == [(p1, p2)]
    assert session.get(Decision, decision).revoked_at is not None


def test_revoking_merge_unmerges_and_revoking_unmerge_merges_again(session: Session) -> None:
    p1, p2, _ = _pair(session)
    merge = merge_parties(session, [p1, p2], keep_id=p2, field_choices={"name": p1})
    undo = revoke_decision(session, merge)
    assert session.get(Decision, undo).kind == "unmerge"
    assert session.get(Party, p1).merged_into_id is None
    again = revoke_decision(session, undo)
    assert session.get(Decision, again).kind == "merge"
    assert session.get(Party, p1).merged_into_id == p2
    assert session.get(Party, p2).display_name == "Robert Smith"
    active = [(v.kind, v.is_active) for v in list_decisions(session)]
    assert active == [("merge", True), ("unmerge", False), ("merge", False)]


def test_merge_survives_reimport_of_a_source(session: Session) -> None:
    a = account(session, "a")
    p1 = next(iter(ingest_contacts(session, a, [person(
        "1", "Robert", "Smith", emails=("rob@x.org",))]).touched_party_ids))
    b = account(session, "b")
    p2 = next(iter(ingest_contacts(session, b, [person(
        "1", "Bob", "Smith", emails=("bob@y.org",))]).touched_party_ids))
    merge_parties(session, [p1, p2], keep_id=p1)
    session.commit()
    # The source is removed with everything it brought (records and their links) ...
    session.execute(delete(SourceAccount).where(SourceAccount.id == b))
    bob = _handle(session, "bob@y.org").id
    session.execute(delete(PartyHandleLink).where(PartyHandleLink.handle_id == bob))
    resolve_handles(session, [bob])
    session.commit()
    # ... and imported again: its record comes back as a party of its own.
    again = SourceAccount(provider="vcard", account_id="b", display_name="b")
    session.add(again)
    session.flush()
    stats = ingest_contacts(session, again.id, [person(
        "1", "Bob", "Smith", emails=("bob@y.org",))])
    fresh = next(iter(stats.touched_party_ids))
    assert fresh != p1
    after_ingest(session, stats.touched_party_ids)
    session.commit()
    assert session.get(Party, fresh).merged_into_id == p1
    reapplied = list_decisions(session)[0]
    assert reapplied.kind == "merge" and reapplied.is_active
    assert session.get(Decision, reapplied.id).actor.startswith("kith (re-applied")
    assert reapply_decisions(session) == 0

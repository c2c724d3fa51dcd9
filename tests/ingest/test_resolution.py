"""Handle ownership: resolution order, confirm/dismiss, re-link, handle_count."""

from __future__ import annotations

from sqlalchemy import select, update

from core.db.models import Handle, Party, PartyHandleLink
from core.ingest.engine import ingest_contacts
from core.ingest.resolve import confirm_link, dismiss_link, resolve_handles
from tests.factories import add_account, contact
from tests.ingest.helpers import handle_id, owner_name, party_id_of


def _two_claimants(s):
    """Pat lists info@ first (owner: oldest), Sam lists it too."""
    acc = add_account(s)
    ingest_contacts(s, acc, [contact("p", "Pat", emails=("pat@x.com", "info@acme.com"))])
    s.commit()
    ingest_contacts(s, acc, [contact("s", "Sam", emails=("sam@x.com", "info@acme.com"))])
    s.commit()
    return acc, party_id_of(s, acc, "p"), party_id_of(s, acc, "s"), handle_id(
        s, "email", "info@acme.com")


def test_oldest_link_wins_among_equals_then_confidence_then_confirmed(db):
    with db.session() as s:
        _, pat, sam, info = _two_claimants(s)
        assert owner_name(s, "email", "info@acme.com") == "Pat"
        s.execute(update(PartyHandleLink).where(PartyHandleLink.party_id == sam,
                                                PartyHandleLink.handle_id == info)
                  .values(confidence=0.95))
        resolve_handles(s, [info])
        assert owner_name(s, "email", "info@acme.com") == "Sam"
        confirm_link(s, info, pat)
        assert owner_name(s, "email", "info@acme.com") == "Pat"


def test_dismissed_links_are_ignored_and_none_left_means_unowned(db):
    with db.session() as s:
        _, pat, sam, info = _two_claimants(s)
        assert dismiss_link(s, info, pat) == sam
        assert dismiss_link(s, info, sam) is None
        s.commit()
        assert s.get(Handle, info).party_id is None


def test_handle_count_recounted_for_old_and_new_owner(db):
    with db.session() as s:
        _, pat, sam, info = _two_claimants(s)
        assert (s.get(Party, pat).handle_count, s.get(Party, sam).handle_count) == (2, 1)
        confirm_link(s, info, sam)
        s.commit()
        assert (s.get(Party, pat).handle_count, s.get(Party, sam).handle_count) == (1, 2)


def test_relinking_keeps_confidence_source_and_dismissed_state(db):
    with db.session() as s:
        acc, pat, sam, info = _two_claimants(s)
        dismiss_link(s, info, sam)
        s.commit()
        # Sam's record changes and still lists info@: the dismissal must survive the re-sync.
        ingest_contacts(s, acc, [contact("s", "Sam B", emails=("sam@x.com", "info@acme.com"))])
        s.commit()
        link = s.scalar(select(PartyHandleLink).where(PartyHandleLink.party_id == sam,
                                                      PartyHandleLink.handle_id == info))
        assert (link.is_dismissed, link.source, link.confidence) == (True, "source:vcard", 0.9)
        assert owner_name(s, "email", "info@acme.com") == "Pat"


def test_resolution_runs_only_for_changed_links(db):
    with db.session() as s:
        acc, pat, sam, info = _two_claimants(s)
        # Tamper with the stored owner: an unchanged re-sync must not "fix" it (no work done),
        # while a resolution of that handle does.
        s.execute(update(Handle).where(Handle.id == info).values(party_id=sam))
        s.commit()
        ingest_contacts(s, acc, [contact("p", "Pat", emails=("pat@x.com", "info@acme.com"))])
        assert s.get(Handle, info).party_id == sam
        resolve_handles(s, [info])
        assert s.get(Handle, info).party_id == pat


def _counts_match_ownership(s) -> None:
    owned = {pid: 0 for pid in s.scalars(select(Party.id))}
    for pid in s.scalars(select(Handle.party_id).where(Handle.party_id.is_not(None))):
        owned[pid] += 1
    assert dict(s.execute(select(Party.id, Party.handle_count)).all()) == owned


def test_new_handles_in_one_batch_get_owners_and_counts_like_resolution(db):
    """Brand-new handles listed by one new party are owned at insert; one listed by two new
    parties in the same batch still goes through resolution (first listed wins)."""
    with db.session() as s:
        acc = add_account(s)
        stats = ingest_contacts(s, acc, [
            contact("a", "Ann Lee", emails=("ann@x.com",), phones=("+1 202 555 0100",)),
            contact("b", "Bob Ray", emails=("bob@x.com",), phones=("+1 202 555 0199",)),
            contact("c", "Cy Young", emails=("cy@x.com", "desk@acme.com")),
            contact("d", "Di Moss", emails=("di@x.com", "desk@acme.com")),
        ])
        s.commit()
        assert stats.added == 4 and not stats.errors
        assert owner_name(s, "email", "ann@x.com") == "Ann Lee"
        assert owner_name(s, "phone", "+12025550199") == "Bob Ray"
        assert owner_name(s, "email", "desk@acme.com") == "Cy Young"
        _counts_match_ownership(s)


def test_handle_inserted_by_another_writer_is_resolved_not_assumed(db):
    """insert_handles: a key that exists by the time it inserts (another writer won the race)
    is looked up and reported as not ours, so the caller resolves it normally."""
    from core.ingest.normalize import normalize_email
    from core.ingest.resolve import insert_handles

    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("a", "Ann Lee", emails=("ann@x.com",))])
        s.commit()
        ann = party_id_of(s, acc, "a")
        existing = handle_id(s, "email", "ann@x.com")
        taken, fresh = normalize_email("ann@x.com"), normalize_email("new@x.com")
        ids, ours = insert_handles(s, [taken, fresh], {("email", "new@x.com"): ann})
        assert ids[("email", "ann@x.com")] == existing
        assert ours == {("email", "new@x.com")}
        assert s.scalar(select(Handle.party_id).where(Handle.id == ids[("email", "new@x.com")])) \
            == ann


def test_new_party_search_text_leaves_out_secured_handles(db):
    """A new party listing an existing secured handle is not findable by it, exactly as a
    later refresh would have it."""
    from core.identity.handles import mark_handle_secured
    from core.ingest.search_index import refresh_search_text

    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("a", "Ann Lee", emails=("ann@x.com", "desk@x.com"))])
        s.commit()
        mark_handle_secured(s, handle_id(s, "email", "desk@x.com"))
        s.commit()
        ingest_contacts(s, acc, [contact("b", "Bob Ray", emails=("bob@x.com", "desk@x.com"))])
        s.commit()
        bob = party_id_of(s, acc, "b")
        inserted = s.get(Party, bob).search_text
        assert "desk@x.com" not in inserted and "bob@x.com" in inserted
        refresh_search_text(s, [bob])
        s.commit()
        s.expire_all()
        assert s.get(Party, bob).search_text == inserted

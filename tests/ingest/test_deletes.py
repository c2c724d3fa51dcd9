"""Deletes at the source: archive vs mirror, the empty-listing guard, re-resolution."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db.models import Handle, Party, SourceRecord
from core.ingest.deletes import SuspectEmptyListingError, apply_complete_listing
from core.ingest.engine import ingest_contacts
from core.ingest.fields import edit_field
from tests.factories import add_account, contact
from tests.ingest.helpers import owner_name, party_id_of


def test_archive_policy_marks_deleted_and_flags_party(db):
    with db.session() as s:
        acc = add_account(s, policy="archive")
        ingest_contacts(s, acc, [contact("a", "Ann", emails=("ann@x.com",)),
                                 contact("b", "Ben", emails=("ben@x.com",))])
        s.commit()
        pid = party_id_of(s, acc, "a")
        stats = apply_complete_listing(s, acc, {"b"})
        s.commit()
        assert stats.deleted == 1
        record = s.scalar(select(SourceRecord).where(SourceRecord.external_id == "a"))
        assert record.deleted_at is not None
        assert s.get(Party, pid).needs_archival_review is True
        assert owner_name(s, "email", "ann@x.com") == "Ann"  # nothing hard-deleted


def test_mirror_policy_removes_records_and_orphans_handles(db):
    with db.session() as s:
        acc = add_account(s, policy="mirror")
        ingest_contacts(s, acc, [contact("a", "Ann", emails=("ann@x.com",)),
                                 contact("b", "Ben", emails=("ben@x.com",))])
        s.commit()
        apply_complete_listing(s, acc, {"b"})
        s.commit()
        assert s.scalar(select(func.count()).select_from(SourceRecord)) == 1
        assert s.scalar(select(func.count()).select_from(Party)) == 1
        assert owner_name(s, "email", "ann@x.com") is None  # orphan handle: unowned


def test_mirror_keeps_party_with_local_edits(db):
    with db.session() as s:
        acc = add_account(s, policy="mirror")
        ingest_contacts(s, acc, [contact("a", "Ann", emails=("ann@x.com",))])
        s.commit()
        pid = party_id_of(s, acc, "a")
        edit_field(s, pid, "notes", "my sister-in-law")
        s.commit()
        apply_complete_listing(s, acc, {"other"})
        s.commit()
        party = s.get(Party, pid)
        assert party is not None and party.needs_archival_review is True


def test_shared_handle_reresolved_after_a_record_is_removed(db):
    with db.session() as s:
        acc = add_account(s, policy="mirror")
        ingest_contacts(s, acc, [contact("m", "Mum", emails=("mum@x.com",),
                                         phones=("202-555-0100",))])
        s.commit()
        s.scalar(select(Handle).where(Handle.platform == "phone")).is_shared = True
        s.commit()
        ingest_contacts(s, acc, [contact("d", "Dad", emails=("dad@x.com",),
                                         phones=("202-555-0100",))])
        s.commit()
        assert party_id_of(s, acc, "m") != party_id_of(s, acc, "d")
        assert owner_name(s, "phone", "+12025550100") == "Mum"  # the older link
        apply_complete_listing(s, acc, {"d"})  # Mum's card is gone at the source
        s.commit()
        assert owner_name(s, "phone", "+12025550100") == "Dad"
        assert owner_name(s, "email", "mum@x.com") is None


def test_empty_listing_is_suspect_and_deletes_nothing_until_confirmed(db):
    with db.session() as s:
        acc = add_account(s, policy="mirror")
        ingest_contacts(s, acc, [contact(f"c{i}", f"C {i}") for i in range(3)])
        s.commit()
        with pytest.raises(SuspectEmptyListingError, match="listed no contacts"):
            apply_complete_listing(s, acc, set())
        s.rollback()
        assert s.scalar(select(func.count()).select_from(SourceRecord)) == 3
        stats = apply_complete_listing(s, acc, set(), confirm_empty=True)
        s.commit()
        assert stats.deleted == 3


def test_deleted_then_returning_record_is_revived(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("a", "Ann", emails=("ann@x.com",))])
        ingest_contacts(s, acc, [contact("a", "", deleted=True)])
        s.commit()
        stats = ingest_contacts(s, acc, [contact("a", "Ann", emails=("ann@x.com",))])
        s.commit()
        assert stats.updated == 1
        record = s.scalar(select(SourceRecord))
        assert record.deleted_at is None
        assert s.get(Party, record.party_id).needs_archival_review is False

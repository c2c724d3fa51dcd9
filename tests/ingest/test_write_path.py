"""The one write path: idempotency, attachment order, all-or-nothing records."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db.models import ActivityEvent, Party, SourceRecord
from core.ingest.engine import ingest_contacts
from tests.factories import add_account, contact
from tests.ingest.helpers import count_writes, owner_name, party_id_of, snapshot


def test_reingest_converges_and_writes_nothing(db):
    with db.session() as s:
        acc = add_account(s)
        batch = [
            contact(f"u{i}", f"Person {i}", emails=(f"p{i}@example.com",),
                    phones=(f"(202) 555-01{i:02d}",), groups=("Friends",))
            for i in range(20)
        ]
        first = ingest_contacts(s, acc, batch)
        s.commit()
        before = snapshot(s)
        with count_writes(db.engine) as writes:
            second = ingest_contacts(s, acc, batch)
            s.commit()
        assert (first.added, second.added, second.unchanged) == (20, 0, 20)
        assert writes == []
        assert snapshot(s) == before


def test_keyless_records_are_skipped_and_counted(db):
    with db.session() as s:
        acc = add_account(s)
        stats = ingest_contacts(s, acc, [contact(None, "No Key"), contact("", "Empty"),
                                         contact("k1", "Keyed")])
        s.commit()
        assert (stats.skipped, stats.added) == (2, 1)
        assert s.scalar(select(func.count()).select_from(SourceRecord)) == 1


def test_unchanged_etag_skips_even_if_content_differs(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("e1", "Ann", etag="v1")])
        s.commit()
        stats = ingest_contacts(s, acc, [contact("e1", "Ann Changed", etag="v1")])
        assert stats.unchanged == 1
        stats = ingest_contacts(s, acc, [contact("e1", "Ann Changed", etag="v2")])
        s.commit()
        assert stats.updated == 1
        assert s.scalar(select(Party.display_name)) == "Ann Changed"


def test_new_record_attaches_by_primary_email_then_phone(db):
    with db.session() as s:
        a = add_account(s, "a.vcf")
        b = add_account(s, "b.vcf")
        ingest_contacts(s, a, [
            contact("a1", "Alice Smith", emails=("alice@example.com",)),
            contact("a2", "Bob Jones", phones=("202-555-0199",)),
        ])
        s.commit()
        ingest_contacts(s, b, [
            contact("b1", "A. Smith", emails=("ALICE@example.com", "other@example.com")),
            contact("b2", "Robert Jones", phones=("+1 202 555 0199",)),
        ])
        s.commit()
        assert party_id_of(s, a, "a1") == party_id_of(s, b, "b1")
        assert party_id_of(s, a, "a2") == party_id_of(s, b, "b2")
        assert s.scalar(select(func.count()).select_from(Party)) == 2
        # The existing party keeps its name: a second source fills blanks only.
        assert owner_name(s, "email", "other@example.com") == "Alice Smith"


def test_name_only_match_never_merges(db):
    with db.session() as s:
        a, b = add_account(s, "a.vcf"), add_account(s, "b.vcf")
        ingest_contacts(s, a, [contact("x", "John Smith", emails=("john1@example.com",))])
        ingest_contacts(s, b, [contact("y", "John Smith", emails=("john2@example.com",))])
        s.commit()
        assert party_id_of(s, a, "x") != party_id_of(s, b, "y")


def test_shared_handle_never_attaches(db):
    with db.session() as s:
        a, b = add_account(s, "a.vcf"), add_account(s, "b.vcf")
        ingest_contacts(s, a, [contact("m", "Mum", phones=("202-555-0100",))])
        s.commit()
        from core.db.models import Handle

        landline = s.scalar(select(Handle).where(Handle.platform == "phone"))
        landline.is_shared = True
        s.commit()
        ingest_contacts(s, b, [contact("d", "Dad", phones=("202-555-0100",))])
        s.commit()
        assert party_id_of(s, a, "m") != party_id_of(s, b, "d")


def test_contested_handle_never_attaches(db):
    with db.session() as s:
        a = add_account(s, "a.vcf")
        # Two different people both list info@ (first email) -> different parties? No: the
        # second attaches. So contest it explicitly with a non-primary use first.
        ingest_contacts(s, a, [
            contact("p1", "Pat", emails=("pat@example.com", "info@acme.com")),
            contact("p2", "Sam", emails=("sam@example.com", "info@acme.com")),
        ])
        s.commit()
        b = add_account(s, "b.vcf")
        ingest_contacts(s, b, [contact("q", "Acme desk", emails=("info@acme.com",))])
        s.commit()
        pid = party_id_of(s, b, "q")
        assert pid not in (party_id_of(s, a, "p1"), party_id_of(s, a, "p2"))


def test_a_failing_record_is_skipped_alone(db):
    with db.session() as s:
        acc = add_account(s)
        batch = [contact(f"ok{i}", f"Fine {i}", emails=(f"f{i}@example.com",)) for i in range(5)]
        batch.insert(2, contact("bad", "Broken Date", birthday=(1990, 13, 40)))
        stats = ingest_contacts(s, acc, batch)
        s.commit()
        assert stats.added == 5
        assert len(stats.errors) == 1 and "'bad'" in stats.errors[0]
        assert s.scalar(select(func.count()).select_from(SourceRecord)) == 5
        assert party_id_of(s, acc, "bad") is None


def test_activity_events_for_synced_updated_and_deleted(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("e", "Eve", emails=("eve@example.com",))])
        ingest_contacts(s, acc, [contact("e", "Eve Adams", emails=("eve@example.com",))])
        ingest_contacts(s, acc, [contact("e", "", deleted=True)])
        s.commit()
        kinds = list(s.scalars(select(ActivityEvent.kind).order_by(ActivityEvent.id)))
        assert kinds == ["contact_synced", "contact_sync_updated", "contact_sync_deleted_source"]


def test_blank_incoming_value_never_overwrites(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("n", "Nina", org="Acme", notes="met at conf")])
        ingest_contacts(s, acc, [contact("n", "Nina", org="", notes="")])
        s.commit()
        party = s.scalar(select(Party))
        assert (party.organization, party.notes) == ("Acme", "met at conf")


def test_renamed_record_keeps_its_row(db):
    with db.session() as s:
        acc = add_account(s, provider="google")
        ingest_contacts(s, acc, [contact("people/c1", "Ren", emails=("ren@example.com",))])
        s.commit()
        renamed = contact("people/c2", "Ren", emails=("ren@example.com",))
        renamed.previous_external_ids = ["people/c1"]
        ingest_contacts(s, acc, [renamed])
        s.commit()
        assert list(s.scalars(select(SourceRecord.external_id))) == ["people/c2"]


def test_family_landline_does_not_join_different_people(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [
            contact("m", "Anna Weber", given="Anna", family="Weber", emails=("anna@x.com",),
                    phones=("030 1234567",)),
            contact("b", "Ben Weber", given="Ben", family="Weber", emails=("ben@x.com",),
                    phones=("030 1234567",)),
            contact("r", "Bob Smith", given="Bob", family="Smith", phones=("+1 202 555 0101",)),
        ], region="DE")
        s.commit()
        b = add_account(s, "b.vcf")
        ingest_contacts(s, b, [contact("r2", "Robert Smith", given="Robert", family="Smith",
                                       phones=("(202) 555-0101",))], region="US")
        s.commit()
        assert party_id_of(s, acc, "m") != party_id_of(s, acc, "b")
        assert owner_name(s, "phone", "+49301234567") == "Anna Weber"
        assert party_id_of(s, acc, "r") == party_id_of(s, b, "r2")  # Bob is Robert

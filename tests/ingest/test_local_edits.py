"""Local edits win over sources, sync after sync; conflicts are recorded."""

from __future__ import annotations

from sqlalchemy import select

from core.db.models import ActivityEvent, FieldProvenance, Party
from core.ingest.engine import ingest_contacts
from core.ingest.fields import edit_field, take_source_value
from tests.factories import add_account, contact
from tests.ingest.helpers import party_id_of


def test_local_edit_survives_three_syncs_and_records_conflicts(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("a", "Ann", org="Acme")])
        s.commit()
        pid = party_id_of(s, acc, "a")
        edit_field(s, pid, "organization", "Acme Labs (mine)")
        s.commit()
        for n, org in enumerate(("Acme Inc", "Acme Corp", "Acme GmbH"), start=1):
            ingest_contacts(s, acc, [contact("a", "Ann", org=org, notes=f"sync {n}")])
            s.commit()
            party = s.get(Party, pid)
            assert party.organization == "Acme Labs (mine)"
            assert party.notes == f"sync {n}"  # other fields still follow the source
        conflicts = list(s.scalars(
            select(ActivityEvent).where(ActivityEvent.kind == "contact_sync_conflict")))
        assert [c.payload["source"] for c in conflicts] == ["Acme Inc", "Acme Corp", "Acme GmbH"]
        assert all(c.payload["field"] == "organization" for c in conflicts)


def test_unchanged_source_value_is_not_a_conflict(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("a", "Ann", org="Acme")])
        pid = party_id_of(s, acc, "a")
        edit_field(s, pid, "organization", "Mine")
        ingest_contacts(s, acc, [contact("a", "Ann", org="Acme", notes="other change")])
        s.commit()
        assert s.scalar(select(ActivityEvent).where(
            ActivityEvent.kind == "contact_sync_conflict")) is None


def test_take_source_value_back(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("a", "Ann", org="Acme")])
        pid = party_id_of(s, acc, "a")
        edit_field(s, pid, "organization", "Mine")
        ingest_contacts(s, acc, [contact("a", "Ann", org="Acme 2")])
        s.commit()
        assert take_source_value(s, pid, "organization") == "Acme 2"
        s.commit()
        prov = s.scalar(select(FieldProvenance).where(FieldProvenance.party_id == pid,
                                                      FieldProvenance.field == "organization"))
        assert prov.is_local is False and prov.source_record_id is not None
        ingest_contacts(s, acc, [contact("a", "Ann", org="Acme 3")])
        s.commit()
        assert s.get(Party, pid).organization == "Acme 3"


def test_provenance_names_the_record_that_supplied_each_field(db):
    with db.session() as s:
        a, b = add_account(s, "a.vcf"), add_account(s, "b.vcf")
        ingest_contacts(s, a, [contact("x", "Ann", emails=("ann@x.com",))])
        ingest_contacts(s, b, [contact("y", "Ann B", emails=("ann@x.com",), org="Acme")])
        s.commit()
        pid = party_id_of(s, a, "x")
        prov = {p.field: p.source_record_id for p in s.scalars(
            select(FieldProvenance).where(FieldProvenance.party_id == pid))}
        from core.db.models import SourceRecord

        rec = {r.external_id: r.id for r in s.scalars(select(SourceRecord))}
        assert prov["display_name"] == rec["x"]
        assert prov["organization"] == rec["y"]

"""Contacts the owner creates, edits, archives and deletes in Kith (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.models import Decision, FieldProvenance, Handle, ImportantDate, Party, SourceRecord
from core.ingest.contact_lifecycle import (
    ContactActionError,
    archive_contact,
    can_delete,
    delete_contact,
    restore_contact,
)
from core.ingest.engine import ingest_contacts
from core.ingest.local_contacts import (
    ContactDraft,
    DraftAddress,
    DraftDate,
    DraftValue,
    create_contact,
    draft_of,
    save_contact,
)
from core.match.decisions import revoke_decision
from core.views.party import list_party_ids, party_detail
from tests.factories import add_account, contact
from tests.ingest.helpers import party_id_of


def _draft(**fields: str) -> ContactDraft:
    draft = ContactDraft()
    draft.fields.update(fields)
    return draft


def test_create_a_contact_with_every_kind_of_value(db):
    draft = _draft(given_name="Zoë", family_name="Neumann", organization="Acme",
                   title="Engineer", nickname="Zo", notes="Met at the fair")
    draft.emails = [DraftValue("Zoe@Example.org", "work")]
    draft.phones = [DraftValue("0151 3018681", "cell")]
    draft.urls = [DraftValue("https://zoe.example.org")]
    draft.addresses = [DraftAddress("home", street="Hauptstr. 1", locality="Berlin",
                                    postal_code="10115", country="Germany")]
    draft.dates = [DraftDate("birthday", 6, 16)]
    with db.session() as s:
        pid = create_contact(s, draft, region="DE")
        s.commit()
        d = party_detail(s, pid)
        assert (d.display_name, d.organization, d.title, d.nickname, d.notes) == (
            "Zoë Neumann", "Acme", "Engineer", "Zo", "Met at the fair")
        assert d.emails == ["zoe@example.org"] and d.phones == ["+491513018681"]
        assert [u["url"] for u in d.urls] == ["https://zoe.example.org"]
        assert d.addresses[0]["locality"] == "Berlin"
        assert d.dates[0]["shown"] == "16 June" and d.dates[0]["year"] is None
        assert {r.provider for r in d.records} == {"local"}
        assert list_party_ids(s, "0151 3018681") == [pid]
        assert can_delete(s, pid) == ""


def test_a_new_contact_never_joins_an_existing_one(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("a", "Ann Smith", emails=("ann@x.org",))])
        s.commit()
        draft = _draft(given_name="Ann", family_name="Other")
        draft.emails = [DraftValue("ann@x.org")]
        pid = create_contact(s, draft)
        s.commit()
        assert pid != party_id_of(s, acc, "a")
        assert s.scalar(select(SourceRecord.party_id).where(
            SourceRecord.external_id.like("kith-%"))) == pid


def test_edit_every_field_of_a_local_contact_and_clear_some(db):
    with db.session() as s:
        draft = _draft(given_name="Max", family_name="Bauer", nickname="Maxi")
        draft.phones = [DraftValue("030 2297980")]
        pid = create_contact(s, draft, region="DE")
        s.commit()
        edit = draft_of(s, pid)
        assert [p.source for p in edit.phones] == [""]  # the owner's own: editable
        edit.fields.update(given_name="Maximilian", nickname="", title="CTO", notes="n")
        edit.phones = [DraftValue("+49 151 3018681", "cell")]
        edit.emails = [DraftValue("max@example.org")]
        edit.dates = [DraftDate("anniversary", 3, 1, 2010)]
        save_contact(s, pid, edit, region="DE")
        s.commit()
        d = party_detail(s, pid)
        assert (d.display_name, d.given_name, d.nickname, d.title) == (
            "Maximilian Bauer", "Maximilian", "", "CTO")
        assert d.phones == ["+491513018681"] and d.emails == ["max@example.org"]
        assert [(x["kind"], x["date"]) for x in d.dates] == [("anniversary", "2010-03-01")]
        assert list_party_ids(s, "2297980") == []
        assert list_party_ids(s, "maximilian") == [pid]


def test_editing_a_source_contact_keeps_the_source_and_dismisses_removed_handles(db):
    with db.session() as s:
        acc = add_account(s, region="DE")
        ingest_contacts(s, acc, [contact("a", "Ann Smith", emails=("ann@x.org",),
                                         phones=("030 2297980",))])
        s.commit()
        pid = party_id_of(s, acc, "a")
        edit = draft_of(s, pid)
        assert [e.source for e in edit.emails] == ["vcard: a.vcf"]
        edit.phones = []  # "not hers"
        edit.emails.append(DraftValue("ann@home.example"))
        edit.fields["organization"] = "Globex"
        save_contact(s, pid, edit, region="DE")
        s.commit()
        d = party_detail(s, pid)
        assert d.organization == "Globex" and sorted(d.emails) == ["ann@home.example",
                                                                  "ann@x.org"]
        assert d.phones == []
        assert s.scalar(select(Decision.kind).order_by(Decision.id.desc())) == "link_dismiss"
        assert s.scalar(select(FieldProvenance.is_local).where(
            FieldProvenance.party_id == pid, FieldProvenance.field == "organization"))
        # The next sync keeps the owner's edit and own email.
        ingest_contacts(s, acc, [contact("a", "Ann Smith", emails=("ann@x.org",),
                                         phones=("030 2297980",), org="Initech")])
        s.commit()
        d = party_detail(s, pid)
        assert d.organization == "Globex" and "ann@home.example" in d.emails
        assert can_delete(s, pid).startswith("A source holds this contact")
        with pytest.raises(ContactActionError):
            delete_contact(s, pid)


def test_archive_restore_and_undo_from_history(db):
    with db.session() as s:
        acc = add_account(s)
        ingest_contacts(s, acc, [contact("a", "Ann Smith", emails=("ann@x.org",))])
        s.commit()
        pid = party_id_of(s, acc, "a")
        s.get(Party, pid).needs_archival_review = True  # "No live source left"
        s.commit()
        decision = archive_contact(s, pid)
        s.commit()
        assert list_party_ids(s) == []
        assert list_party_ids(s, filter_name="archived") == [pid]
        assert list_party_ids(s, filter_name="needs_review") == []
        assert s.scalar(select(SourceRecord.id).where(SourceRecord.party_id == pid))
        revoke_decision(s, decision)  # Undo in History
        s.commit()
        assert list_party_ids(s) == [pid]
        assert s.get(Party, pid).needs_archival_review is True  # as it was
        second = archive_contact(s, pid)
        restore_contact(s, pid)  # the Restore action marks the decision undone too
        s.commit()
        assert list_party_ids(s) == [pid]
        assert s.get(Decision, second).revoked_at is not None


def test_delete_a_local_contact_and_undo(db):
    with db.session() as s:
        draft = _draft(given_name="Zoë", family_name="Neumann")
        draft.phones = [DraftValue("+49 151 3018681")]
        draft.dates = [DraftDate("birthday", 6, 16, 1990)]
        pid = create_contact(s, draft)
        edit = draft_of(s, pid)
        edit.fields["notes"] = "my note"
        save_contact(s, pid, edit)
        s.commit()
        decision = delete_contact(s, pid)
        s.commit()
        assert s.get(Party, pid) is None and list_party_ids(s, "zoe") == []
        assert s.scalar(select(Handle.party_id).where(Handle.value == "+491513018681")) is None
        assert s.get(Decision, decision).summary == "Deleted Zoë Neumann"
        revoke_decision(s, decision)
        s.commit()
        (back,) = list_party_ids(s, "3018681")
        d = party_detail(s, back)
        assert (d.display_name, d.notes, d.phones) == ("Zoë Neumann", "my note",
                                                       ["+491513018681"])
        assert s.scalar(select(ImportantDate.year).where(ImportantDate.party_id == back)) == 1990
        assert s.scalar(select(Handle.party_id).where(Handle.value == "+491513018681")) == back


def test_bad_input_is_refused_with_a_reason(db):
    with db.session() as s:
        with pytest.raises(ValueError, match="needs a name"):
            create_contact(s, _draft())
        bad = _draft(given_name="X")
        bad.dates = [DraftDate("birthday", 13, 1)]
        with pytest.raises(ValueError, match="not a day"):
            create_contact(s, bad)


def test_a_national_number_is_read_with_the_sources_region_when_the_owner_has_none(db):
    with db.session() as s:
        add_account(s, region="DE")
        draft = _draft(given_name="Zoë")
        draft.phones = [DraftValue("0151 3018681")]
        pid = create_contact(s, draft)  # no region from settings or the locale
        s.commit()
        assert party_detail(s, pid).phones == ["+491513018681"]

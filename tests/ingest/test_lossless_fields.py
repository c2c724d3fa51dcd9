"""Issue 14: what real clients write has a home, is shown, searched, merged and exported.

Runs the real write path on SQLite and PostgreSQL: cards parsed by the vCard reader, written
by ``ingest_contacts``, read back through the contact card, search, merge/unmerge and export.
"""

from __future__ import annotations

from sqlalchemy import func, select

from core.db.engine import Database
from core.db.models import Handle, PartyFact, SourceAccount
from core.ingest.engine import ingest_contacts
from core.match.merge import merge_parties
from core.match.unmerge import unmerge
from core.sync.providers.vcard.export import write_vcard
from core.sync.providers.vcard.reader import parse_text
from core.views.export import party_to_contact
from core.views.party import list_party_ids, party_detail

CARD = """BEGIN:VCARD
VERSION:3.0
UID:rebecca
N:Hollis;Rebecca;;;
FN:Rebecca Hollis
ORG:Lotus Development Corporation;Accounting
TITLE:Controller
ROLE:Counting Money
EMAIL;TYPE=INTERNET;TYPE=PREF:Rebecca_Hollis@Lotus.example
TEL;TYPE=WORK:(905) 555-1234
TEL;TYPE=HOME:3456789
X-MS-IMADDRESS:rhollis@im.example
item1.X-ABRELATEDNAMES:Theodore Hollis
item1.X-ABLabel:_$!<Spouse>!$_
item2.X-ABDATE:2001-04-01
item3.X-ABDATE:2010-06-12
item3.X-ABLabel:_$!<Anniversary>!$_
GENDER:F
TZ:America/New_York
X-PHONETIC-FIRST-NAME:Re-BEK-ah
X-LOTUS-CHILD:Anne Hollis
END:VCARD
"""
SECOND = """BEGIN:VCARD
VERSION:4.0
UID:becky
FN:Becky Hollis
N:Hollis;Becky;;;
ORG:Iris Associates;Research
ROLE:Reviewer
RELATED;TYPE=child;VALUE=text:Anne Hollis
END:VCARD
"""


def _account(db: Database, name: str = "book") -> int:
    with db.session() as s:
        acc = SourceAccount(provider="vcard", account_id=name, display_name=name,
                            default_region="US")
        s.add(acc)
        s.commit()
        return acc.id


def _ingest(db: Database, account_id: int, text: str) -> None:
    contacts, problems = parse_text(text)
    assert [p for p in problems if not p.is_warning] == []
    with db.session() as s:
        ingest_contacts(s, account_id, contacts, region="US")
        s.commit()


def _only_party(db: Database, search: str = "") -> int:
    with db.session() as s:
        (pid,) = list_party_ids(s, search)
        return pid


def test_values_as_written_beside_their_keys_and_exported_as_written(db: Database) -> None:
    _ingest(db, _account(db), CARD)
    pid = _only_party(db)
    with db.session() as s:
        handles = {h.value: h for h in party_detail(s, pid).handles}
        assert handles["rebecca_hollis@lotus.example"].display_value == \
            "Rebecca_Hollis@Lotus.example"
        assert handles["+19055551234"].display_value == "(905) 555-1234"
        # A local-only number is not valid, and kept as written.
        assert handles["3456789"].is_valid is False
        assert handles["3456789"].display_value == "3456789"
        assert handles["rhollis@im.example"].platform == "im"
        text = write_vcard(party_to_contact(s, pid), "4.0")
    assert "EMAIL;PREF=1:Rebecca_Hollis@Lotus.example\r\n" in text
    assert "TEL;TYPE=work:(905) 555-1234\r\n" in text
    assert "ROLE:Counting Money\r\n" in text and "ORG:Lotus Development Corporation;" \
        "Accounting\r\n" in text
    assert "X-LOTUS-CHILD:Anne Hollis\r\n" in text
    assert "RELATED;VALUE=text;TYPE=spouse:Theodore Hollis\r\n" in text
    assert "GENDER:F\r\n" in text and "TZ:America/New_York\r\n" in text


def test_contact_card_lines_for_what_has_no_column(db: Database) -> None:
    _ingest(db, _account(db), CARD)
    pid = _only_party(db)
    with db.session() as s:
        detail = party_detail(s, pid)
    lines = [(x.section, x.label, x.value) for x in detail.extra_lines]
    assert lines == [
        ("Work", "Department", "Accounting"),
        ("Work", "Role", "Counting Money"),
        ("Related people", "Spouse", "Theodore Hollis"),
        ("Personal", "Gender", "Female"),
        ("Personal", "Time zone", "America/New_York"),
        ("Personal", "Pronunciation", "Re-BEK-ah"),
        ("Dates", "Date", "1 April 2001"),
    ]
    assert detail.extra_lines[0].sources == ["vcard:book"]
    # The unlabelled X-ABDATE is not an anniversary; the Apple-labelled one is.
    assert sorted((d["kind"], d["date"]) for d in detail.dates) == [
        ("anniversary", "2010-06-12"), ("date", "2001-04-01")]


def test_search_finds_department_role_related_people_and_im_handles(db: Database) -> None:
    _ingest(db, _account(db), CARD)
    pid = _only_party(db)
    for query in ("accounting", "counting money", "theodore", "rhollis"):
        assert _only_party(db, query) == pid, query


def test_merge_carries_the_new_fields_and_unmerge_gives_them_back(db: Database) -> None:
    acc = _account(db)
    _ingest(db, acc, CARD)
    _ingest(db, acc, SECOND)
    with db.session() as s:
        first, second = sorted(list_party_ids(s))
        decision = merge_parties(s, [first, second], keep_id=first)
        s.commit()
        merged = party_detail(s, first)
        assert ("Related people", "Child", "Anne Hollis") in [
            (x.section, x.label, x.value) for x in merged.extra_lines]
        assert ("Work", "Organisation", "Iris Associates") in [
            (x.section, x.label, x.value) for x in merged.extra_lines]
        assert list_party_ids(s, "reviewer") == [first]
        exported = party_to_contact(s, first)
        assert [o.name for o in exported.organizations] == [
            "Lotus Development Corporation", "Iris Associates"]
        unmerge(s, decision)
        s.commit()
        assert s.scalar(select(func.count()).select_from(PartyFact)
                        .where(PartyFact.party_id == second)) == 2
        assert ("Related people", "Child", "Anne Hollis") not in [
            (x.section, x.label, x.value) for x in party_detail(s, first).extra_lines]


def test_a_changed_card_replaces_its_facts(db: Database) -> None:
    acc = _account(db)
    _ingest(db, acc, CARD)
    _ingest(db, acc, CARD.replace("ROLE:Counting Money", "ROLE:Auditing"))
    pid = _only_party(db)
    with db.session() as s:
        lines = [(x.label, x.value) for x in party_detail(s, pid).extra_lines]
        assert ("Role", "Auditing") in lines and ("Role", "Counting Money") not in lines
        assert s.scalar(select(func.count()).select_from(Handle)) == 4
    assert _only_party(db, "auditing") == pid
    with db.session() as s:
        assert list_party_ids(s, "money") == []


def test_the_party_shows_the_current_organisation_and_export_keeps_the_past_one(
        db: Database) -> None:
    from core.ingest.parsed import Name, Organization, ParsedContact

    acc = _account(db)
    contact = ParsedContact(external_id="g1", name=Name(full="Hiro Nakamura"), organizations=[
        Organization(name="Deveaux Corp", title="Intern", current=False),
        Organization(name="Yamagata", title="Researcher", department="Time Research")])
    with db.session() as s:
        ingest_contacts(s, acc, [contact], region="US")
        s.commit()
    pid = _only_party(db)
    with db.session() as s:
        detail = party_detail(s, pid)
        assert (detail.organization, detail.title) == ("Yamagata", "Researcher")
        assert [(x.label, x.value) for x in detail.extra_lines] == [
            ("Past organisation", "Deveaux Corp"), ("Title", "Intern"),
            ("Department", "Time Research")]
        back = party_to_contact(s, pid)
    assert back.organizations == contact.organizations
    assert "ORG;X-KITH-PAST=1:Deveaux Corp\r\n" in write_vcard(back, "3.0")

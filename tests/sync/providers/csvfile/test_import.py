"""``import_csv`` into a real database through the one write path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db.models import Handle, Party, SourceAccount, SourceRecord
from core.ingest.serialize import contact_from_data
from core.sync.providers.csvfile.columns import MappingError
from core.sync.providers.csvfile.importer import account_name, import_csv, remembered_mapping
from core.views.party import party_detail

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "csv"


def copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_reimport_changes_nothing_and_an_edited_row_updates_its_contact(db, tmp_path) -> None:
    path = copy(tmp_path, "google_contacts.csv")
    first = import_csv(db, path, region="US")
    assert (first.stats.added, first.rows) == (4, 5)
    parties = count(db, Party)
    again = import_csv(db, path, region="US")
    assert (again.stats.added, again.stats.updated, again.stats.unchanged) == (0, 0, 4)
    text = path.read_text(encoding="utf-8").replace("(202) 555-0101", "(202) 555-0199")
    path.write_text(text, encoding="utf-8", newline="")
    edited = import_csv(db, path, region="US")
    assert (edited.stats.added, edited.stats.updated, edited.stats.unchanged) == (0, 1, 3)
    assert count(db, Party) == parties
    with db.session() as s:
        record = s.scalars(select(SourceRecord).where(
            SourceRecord.external_id == first_id(s, "Hopper"))).one()
        assert [p.value for p in contact_from_data(record.data).phones] == ["(202) 555-0199"]
        assert s.scalar(select(Handle.id).where(Handle.value == "+12025550199")) is not None


def first_id(session, family: str) -> str:
    for record in session.scalars(select(SourceRecord)):
        if contact_from_data(record.data).name.family == family:
            return record.external_id
    raise AssertionError(family)


def test_phone_and_email_labels_reach_the_contact(sqlite_db, tmp_path) -> None:
    import_csv(sqlite_db, copy(tmp_path, "outlook_en_utf16.csv"), region="US")
    with sqlite_db.session() as s:
        party_id = s.scalar(select(Party.id).where(Party.display_name.like("%Hamilton%")))
        detail = party_detail(s, party_id)
    labels = {h.display_value or h.value: h.label for h in detail.handles
              if h.platform == "phone"}
    assert sorted(labels.values()) == ["mobile", "work", "work,fax"]
    assert any(h.value == "margaret@mit.example" for h in detail.handles)


def test_bad_rows_are_reported_by_line_and_the_rest_imports(sqlite_db, tmp_path) -> None:
    report = import_csv(sqlite_db, copy(tmp_path, "google_bad_rows.csv"))
    assert [(p.line, p.skipped) for p in report.problems] == [(3, True), (4, True)]
    assert "7 values but the header has 5 columns" in report.problems[0].reason
    assert (report.stats.added, report.rows_skipped) == (3, 2)
    assert count(sqlite_db, SourceRecord) == 3


def test_a_mapping_is_remembered_per_file(sqlite_db, tmp_path) -> None:
    path = copy(tmp_path, "members_tab.csv")
    mapping = {"Member": "name.full", "Mobil": "phone:mobile", "Club role": "org.title"}
    first = import_csv(sqlite_db, path, mapping=mapping, region="US")
    assert first.stats.added == 2 and first.unmapped == ["Joined"]
    with sqlite_db.session() as s:
        remembered = remembered_mapping(s, account_name(path))
        names = sorted(s.scalars(select(Party.display_name)))
    assert remembered["Member"] == "name.full" and remembered["Mobil"] == "phone:mobile"
    assert remembered["Joined"] == "skip"
    assert names == ["Barbara Liskov", "Frances Allen"]
    again = import_csv(sqlite_db, path, region="US")  # no mapping given: the remembered one
    assert (again.stats.added, again.stats.unchanged) == (0, 2)
    other = copy(tmp_path, "google_contacts.csv")
    with sqlite_db.session() as s:
        assert remembered_mapping(s, account_name(other)) is None


def test_a_partial_mapping_adds_to_the_remembered_one(sqlite_db, tmp_path) -> None:
    path = copy(tmp_path, "members_tab.csv")
    import_csv(sqlite_db, path, mapping={"Member": "name.full"})
    second = import_csv(sqlite_db, path, mapping={"Club role": "org.title"})
    # Member is still the name (same row keys: nothing added), the title is new: updated
    assert (second.stats.added, second.stats.updated) == (0, 2)
    with sqlite_db.session() as s:
        assert remembered_mapping(s, account_name(path))["Member"] == "name.full"
    # the file gains a column and loses "Joined": the remembered mapping still applies
    text = path.read_text(encoding="utf-8").replace("\tJoined", "\tSince")
    path.write_text(text, encoding="utf-8")
    third = import_csv(sqlite_db, path)
    assert (third.stats.added, third.stats.unchanged) == (0, 2)


def test_a_csv_with_no_usable_column_asks_for_a_mapping(sqlite_db, tmp_path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text("Sku;Colour;Size\r\nA1;red;M\r\n", encoding="utf-8")
    with pytest.raises(MappingError, match="inventory.csv: no column is known to hold a name"):
        import_csv(sqlite_db, path)
    assert count(sqlite_db, SourceAccount) == 0


@pytest.mark.parametrize(("name", "added"), [
    ("google_legacy.csv", 2), ("outlook_de_cp1252.csv", 2), ("linkedin_connections.csv", 3),
    ("yahoo_contacts.csv", 2),
])
def test_every_recognised_export_imports(sqlite_db, tmp_path, name, added) -> None:
    report = import_csv(sqlite_db, copy(tmp_path, name), region="US")
    assert report.stats.added == added and report.problems == []
    assert report.stats.errors == []

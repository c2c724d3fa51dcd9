"""Each export style's real header row is recognised and its columns land in the right fields.

The fixtures in tests/fixtures/csv are written in the exact header styles the services export
(encodings and delimiters included); every assertion here names a value a wrong mapping, a
wrong encoding or a wrong header row would lose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.ingest.parsed import ParsedContact
from core.sync.providers.csvfile.detect import inspect_csv
from core.sync.providers.csvfile.formats import default_targets
from core.sync.providers.csvfile.reader import CsvRow, iter_rows

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "csv"


def rows(name: str) -> list[CsvRow]:
    layout = inspect_csv(FIXTURES / name)
    return list(iter_rows(layout, default_targets(layout.format, layout.headers)))


def contacts(name: str) -> dict[str, ParsedContact]:
    return {r.contact.display_name: r.contact for r in rows(name) if r.contact is not None}


@pytest.mark.parametrize(("name", "key", "encoding", "delimiter"), [
    ("google_contacts.csv", "google", "utf-8", ","),
    ("google_legacy.csv", "google", "utf-8", ","),
    ("outlook_en_utf16.csv", "outlook", "utf-16", ","),
    ("outlook_de_cp1252.csv", "outlook_de", "cp1252", ";"),
    ("linkedin_connections.csv", "linkedin", "utf-8", ","),
    ("yahoo_contacts.csv", "yahoo", "utf-8-sig", ","),
    ("thunderbird.csv", "thunderbird", "utf-8", ","),
    ("members_tab.csv", "generic", "utf-8", "\t"),
])
def test_each_export_is_recognised_by_its_headers(name, key, encoding, delimiter) -> None:
    layout = inspect_csv(FIXTURES / name)
    assert (layout.format.key, layout.encoding, layout.delimiter) == (key, encoding, delimiter)


def test_google_current_export_labels_primary_multi_values_groups_and_dates() -> None:
    ada = contacts("google_contacts.csv")["Countess Ada Lovelace"]
    assert (ada.name.given, ada.name.family, ada.name.prefix) == ("Ada", "Lovelace", "Countess")
    assert [(e.value, e.label, e.primary) for e in ada.emails] == [
        ("ada@example.com", "home", True), ("ada@engines.example", "work", False)]
    # "a ::: b" in one cell is two values sharing the slot's label
    assert [(p.value, p.label) for p in ada.phones] == [
        ("+44 20 7946 0001", "mobile"), ("+44 20 7946 0002", "work"),
        ("+44 20 7946 0003", "work")]
    assert ada.groups == ["Friends", "Mathematicians"]  # the system group myContacts dropped
    assert (ada.organizations[0].name, ada.organizations[0].title,
            ada.organizations[0].department) == ("Analytical Engines Ltd", "Programmer",
                                                 "Research")
    address = ada.addresses[0]
    assert (address.label, address.street, address.locality, address.postal_code) == (
        "home", "12 St James's Square", "London", "SW1Y 4JH")
    assert ada.birthdays[0].iso() == "1815-12-10"
    assert ada.anniversaries[0].iso() == "1835-07-08" and ada.anniversaries[0].label == ""
    assert ada.notes == "Met at the Babbage salon.\nLikes poetical science."
    assert ada.urls[0].value == "https://ada.example.com" and ada.urls[0].label == "Profile"
    assert ada.nickname == ["Enchantress of Numbers"]
    # columns without a home yet are kept in the raw snapshot
    assert ada.raw["Relation 1 - Value"] == "William King"
    grace = contacts("google_contacts.csv")["Grace Brewster Hopper"]
    assert grace.birthdays[0].iso() == "--12-09"  # no year
    assert grace.emails[0].label == "Navy"  # a custom label stays as typed
    assert [p.uri for p in grace.photos] == [
        "https://lh3.googleusercontent.com/contacts/AOTexample-grace-hopper"]
    assert ada.photos == []


def test_google_legacy_export_with_im_and_fax_labels() -> None:
    kj = contacts("google_legacy.csv")["Katherine Johnson"]
    assert [(e.value, e.label, e.primary) for e in kj.emails] == [
        ("kj@nasa.example", "work", True), ("katherine@example.net", "home", False)]
    assert [(p.value, p.label) for p in kj.phones] == [
        ("+1 757 555 0142", "mobile"), ("+1 757 555 0143", "home,fax")]
    assert [(u.value, u.platform) for u in kj.usernames] == [("kjohnson.nasa", "skype")]
    assert kj.groups == ["NASA"]
    assert kj.organizations[0].department == "Flight Research"
    dorothy = contacts("google_legacy.csv")["Dorothy Vaughan"]
    # only the formatted address was given: it is kept rather than dropped
    assert dorothy.addresses[0].street == "Newport News, Virginia"


def test_outlook_english_utf16_streets_phones_categories_and_us_dates() -> None:
    people = contacts("outlook_en_utf16.csv")
    margaret = people["Dr. Margaret Hamilton"]
    assert {(p.value, p.label) for p in margaret.phones} == {
        ("(617) 555-0120", "work"), ("(617) 555-0199", "mobile"), ("(617) 555-0121", "work,fax")}
    work = margaret.addresses[0]
    assert (work.label, work.street, work.locality, work.region, work.postal_code) == (
        "work", "75 Cambridge Pkwy\nBuilding 2", "Cambridge", "MA", "02142")
    assert margaret.groups == ["Apollo", "Business"]
    assert margaret.birthdays[0].iso() == "1936-08-17"  # 8/17/1936, month first
    assert margaret.anniversaries == []  # Outlook's "0/0/00" means none
    assert margaret.organizations[0].department == "Software Engineering"
    assert margaret.raw["Spouse"] == "James Cox Chambers"
    assert people["Edsger Dijkstra"].birthdays[0].iso() == "1930-05-11"


def test_outlook_german_headers_in_windows_1252_with_semicolons() -> None:
    people = contacts("outlook_de_cp1252.csv")
    jm = people["Herr Jürgen Müller-Lüdenscheidt"]
    assert jm.organizations[0].name == "Größenwahn GmbH"
    assert jm.organizations[0].department == "Einkauf"
    assert jm.addresses[0].street == "Königstraße 12"
    assert jm.addresses[0].locality == "Düsseldorf" and jm.addresses[0].label == "work"
    assert {(p.value, p.label) for p in jm.phones} == {
        ("+49 211 5550100", "work"), ("0171 5550199", "mobile"), ("+49 211 5550101", "work,fax")}
    assert jm.birthdays[0].iso() == "1961-03-24"  # 24.3.1961, day first
    assert jm.groups == ["Geschäftlich", "Lieferanten"]
    assert "–" in jm.notes  # an en dash: byte 0x96 in Windows-1252
    assert people["Åsa Öberg"].emails[0].value == "asa@example.se"


def test_linkedin_notes_above_the_header_are_skipped_and_lines_counted() -> None:
    found = rows("linkedin_connections.csv")
    assert [r.line for r in found] == [5, 6, 7]  # notes, a quoted paragraph, a blank line
    tim = found[0].contact
    assert (tim.name.given, tim.name.family) == ("Tim", "Berners-Lee")
    assert tim.urls[0].label == "linkedin" and tim.urls[0].value.startswith("https://www.")
    assert tim.organizations[0].title == "Director"
    assert found[1].contact.emails[0].value == "radia@example.com"


def test_yahoo_export_with_bom_messenger_ids_and_addresses() -> None:
    hedy = contacts("yahoo_contacts.csv")["Hedy Lamarr"]
    assert hedy.name.given == "Hedy"  # the BOM is not part of the first header
    assert [(u.value, u.platform) for u in hedy.usernames] == [
        ("hedy_kiesler", "yahoo"), ("hedy.lamarr", "skype")]
    assert {(p.value, p.label) for p in hedy.phones} == {
        ("+1 310 555 0177", "mobile"), ("+1 310 555 0178", "work")}
    assert [e.value for e in hedy.emails] == ["hedy@example.com", "h.lamarr@studio.example"]
    assert hedy.addresses[0].locality == "Los Angeles" and hedy.addresses[0].label == "home"
    assert hedy.birthdays[0].iso() == "1914-11-09"
    assert hedy.notes == "Spread spectrum pioneer"


def test_thunderbird_export_with_dates_in_three_columns() -> None:
    found = rows("thunderbird.csv")
    baker, eich, broken = (r.contact for r in found)
    assert baker.name.full == "Mitchell Baker" and baker.name.given == "Mitchell"
    assert [(e.value) for e in baker.emails] == ["mitchell@mozilla.example", "mb@home.example"]
    assert {(p.value, p.label) for p in baker.phones} == {
        ("+1 650 555 0190", "work"), ("+1 650 555 0191", "mobile")}
    assert baker.addresses[0].street == "2 Harrison St\nSuite 175"
    assert baker.organizations[0].department == "Board"
    assert baker.birthdays[0].iso() == "--04-03"  # no birth year given
    assert eich.birthdays[0].iso() == "1961-07-04"
    assert broken.birthdays == []
    assert [str(p) for p in found[2].problems] == [
        "thunderbird.csv, line 4: birthday '/13/40' (year/month/day) is not a date Kith can "
        "read; it was left out"]


def test_bad_rows_are_reported_with_line_and_reason_and_the_rest_reads() -> None:
    found = rows("google_bad_rows.csv")
    problems = [str(p) for r in found for p in r.problems]
    assert problems == [
        "google_bad_rows.csv, line 3: 7 values but the header has 5 columns (a missing quote "
        "or an extra delimiter?); row skipped",
        "google_bad_rows.csv, line 4: no name, email, phone or company in this row; row "
        "skipped",
    ]
    good = [(r.line, r.contact.name.family) for r in found if r.contact is not None]
    # a quoted name spanning two lines: the next row's line number still counts both
    assert good == [(2, "Wirth"), (5, "Liskov"), (7, "Knuth")]


def test_an_unreadable_date_is_a_warning_and_the_row_imports() -> None:
    turing = next(r for r in rows("google_contacts.csv")
                  if r.contact and r.contact.name.family == "Turing")
    assert turing.contact.birthdays == []
    assert [str(p) for p in turing.problems] == [
        "google_contacts.csv, line 7: Birthday 'next tuesday' is not a date Kith can read; "
        "it was left out"]
    assert not turing.problems[0].skipped


def test_a_quote_never_closed_costs_one_row_not_the_rest(tmp_path) -> None:
    path = tmp_path / "stray.csv"
    path.write_text("First Name,Last Name,E-mail 1 - Value,Labels\r\n"
                    'Ada,"Lovelace,ada@example.com,\r\n'
                    "Bob,Smith,bob@example.com,\r\n"
                    'Cy,Young,cy@example.com,"Notes ""quoted""\r\nacross lines"\r\n'
                    "Dee,Dee,dee@example.com,\r\n", encoding="utf-8", newline="")
    from core.sync.providers.csvfile.detect import inspect_csv as inspect

    layout = inspect(path)
    found = list(iter_rows(layout, default_targets(layout.format, layout.headers)))
    assert [str(p) for r in found for p in r.problems] == [
        "stray.csv, line 2: a quote opened on this line is never closed (it ran to line 4); "
        "row skipped"]
    assert [(r.line, r.contact.name.given) for r in found if r.contact] == [
        (3, "Bob"), (4, "Cy"), (6, "Dee")]
    cy = next(r.contact for r in found if r.contact and r.contact.name.given == "Cy")
    assert cy.groups == ['Notes "quoted"\r\nacross lines']  # a real multi-line value stays


def test_a_stray_nul_byte_is_removed_and_said(tmp_path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"First Name,Last Name,E-mail 1 - Value,Labels\r\n"
                     b"Ada,Love\x00lace,ada@example.com,\r\nBob,Smith,bob@example.com,\r\n")
    from core.sync.providers.csvfile.detect import inspect_csv as inspect

    layout = inspect(path)
    found = list(iter_rows(layout, default_targets(layout.format, layout.headers)))
    assert found[0].contact.name.family == "Lovelace"
    assert [str(p) for p in found[0].problems] == [
        "nul.csv, line 2: NUL characters were removed"]
    assert found[1].contact.name.family == "Smith"

"""Encodings, delimiters, stable row keys and the column mapping language."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from core.sync.providers.csvfile.columns import (
    MappingError,
    parse_map_options,
    resolve_targets,
)
from core.sync.providers.csvfile.detect import CsvFileError, inspect_csv
from core.sync.providers.csvfile.formats import default_targets
from core.sync.providers.csvfile.mapping import parse_date_text
from core.sync.providers.csvfile.reader import iter_rows
from core.sync.providers.csvfile.targets import Target, parse_target

TEXT = ("First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Labels\r\n"
        "Zoë,Ångström,Home,zoe@example.com,* myContacts ::: Café crew\r\n"
        "José,Núñez,Work,jose@example.es,* myContacts\r\n")


def names(path: Path) -> list[str]:
    layout = inspect_csv(path)
    return [r.contact.display_name for r in
            iter_rows(layout, default_targets(layout.format, layout.headers)) if r.contact]


@pytest.mark.parametrize(("codec", "expected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
    ("utf-16-le", "utf-16-le"), ("cp1252", "cp1252"),
])
def test_every_encoding_exports_write_reads_the_same_names(tmp_path, codec, expected) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(TEXT.encode(codec))
    assert inspect_csv(path).encoding == expected
    assert names(path) == ["Zoë Ångström", "José Núñez"]


def test_a_windows_1252_byte_far_past_the_sample_still_decides(tmp_path) -> None:
    filler = "".join(f"Person,Number{i},Home,p{i}@example.com,\r\n" for i in range(20_000))
    path = tmp_path / "big.csv"
    head = TEXT.splitlines(keepends=True)[0]  # ASCII up to the last row
    path.write_bytes((head + filler + "Renée,Lévesque,Home,r@example.ca,\r\n").encode("cp1252"))
    assert path.stat().st_size > 256 * 1024
    assert inspect_csv(path).encoding == "cp1252"
    assert names(path)[-1] == "Renée Lévesque"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path, delimiter) -> None:
    text = TEXT.replace(",", delimiter).replace(" ::: Café crew", "")
    # a comma inside a quoted value must not fool the semicolon / tab sniffing
    text += delimiter.join(['"Smith, Jr."', "Bob", "Work", "bob@example.com", ""]) + "\r\n"
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8", newline="")
    layout = inspect_csv(path)
    assert layout.delimiter == delimiter and layout.format.key == "google"
    assert names(path)[-1] == "Smith, Jr. Bob"


def test_empty_and_binary_files_are_refused_with_the_reason(tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("\r\n\r\n", encoding="utf-8")
    with pytest.raises(CsvFileError, match="empty.csv: the file is empty"):
        inspect_csv(empty)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(CsvFileError, match="photo.csv"):
        inspect_csv(binary)


def keyed(path: Path) -> dict[str, str]:
    layout = inspect_csv(path)
    return {r.contact.external_id: r.contact.phones[0].value if r.contact.phones else ""
            for r in iter_rows(layout, default_targets(layout.format, layout.headers))
            if r.contact}


def test_row_keys_are_stable_and_ignore_edits_outside_the_name(tmp_path) -> None:
    head = "First Name,Last Name,Name Prefix,E-mail 1 - Value,Phone 1 - Value,Labels\r\n"
    path = tmp_path / "p.csv"
    path.write_text(head + "Ann,Lee,,ann@a.example,111,\r\nAnn,Lee,,ann@b.example,222,\r\n"
                    "Bo,Wu,,bo@example.com,333,\r\n", encoding="utf-8")
    first = keyed(path)
    assert len(first) == 3  # two "Ann Lee" rows get different keys
    assert keyed(path) == first  # reading again gives the same keys
    path.write_text(head + "Ann,Lee,,ann@a.example,111,\r\nAnn,Lee,,ann@b.example,222,\r\n"
                    "Bo,Wu,Dr.,bo@example.com,999,\r\n", encoding="utf-8")
    edited = keyed(path)
    assert set(edited) == set(first)  # Bo's phone and title changed, his key did not
    assert sorted(edited.values()) == ["111", "222", "999"]


def test_map_options_parse_fields_and_name_what_is_wrong() -> None:
    assert parse_map_options(["Mail=email:work", "Member = full_name", "Mobil=phone:mobile"]) \
        == {"Mail": "email:work", "Member": "name.full", "Mobil": "phone:mobile"}
    assert parse_target("address.locality:home") == Target("address", "locality", "home")
    assert parse_target("email.label#1") == Target("email", "label", slot="1")
    with pytest.raises(MappingError, match="unknown field 'shoe_size'"):
        parse_map_options(["Size=shoe_size"])
    with pytest.raises(MappingError, match="expected COLUMN=FIELD"):
        parse_map_options(["email"])


def test_a_mapping_naming_a_missing_column_lists_the_real_ones(tmp_path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("Member,Mail\r\nAda,ada@example.com\r\n", encoding="utf-8")
    layout = inspect_csv(path)
    with pytest.raises(MappingError, match="no column 'Phone'; its columns are: Member, Mail"):
        resolve_targets(layout, {"Phone": "phone"})
    targets = resolve_targets(layout, {"member": "name.full"})  # case-insensitive headers
    assert targets == [Target("name", "full"), Target("email")]


@pytest.mark.parametrize(("text", "day_first", "iso"), [
    ("1985-03-22", False, "1985-03-22"), ("--03-22", False, "--03-22"),
    ("3/22/1985", False, "1985-03-22"), ("22/3/1985", False, "1985-03-22"),
    ("4/5/1985", True, "1985-05-04"), ("24.3.1961", False, "1961-03-24"),
    ("14 Feb 2019", False, "2019-02-14"), ("March 22, 1985", False, "1985-03-22"),
])
def test_dates_as_exports_write_them(text, day_first, iso) -> None:
    assert parse_date_text(text, day_first).iso() == iso


def test_placeholder_dates_are_none_and_nonsense_is_an_error() -> None:
    assert parse_date_text("0/0/00") is None and parse_date_text("") is None
    with pytest.raises(ValueError):
        parse_date_text("13/13/2020")


def test_utf16_without_bom_is_recognised(tmp_path) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes(TEXT.encode("utf-16-be"))
    assert not path.read_bytes().startswith(codecs.BOM_UTF16_BE)
    assert names(path) == ["Zoë Ångström", "José Núñez"]


def test_a_day_first_outlook_export_reads_its_ambiguous_dates_day_first(tmp_path) -> None:
    from core.sync.providers.csvfile.formats import default_targets as targets_of

    head = "First Name,Last Name,E-mail Address,Business Phone,Birthday\r\n"
    path = tmp_path / "uk.csv"
    path.write_text(head + "Edsger,Dijkstra,ewd@example.nl,,05/11/1930\r\n"
                    "Margaret,Hamilton,mh@example.com,,17/08/1936\r\n", encoding="utf-8")
    layout = inspect_csv(path)
    assert layout.format.key == "outlook" and layout.day_first
    dates = [r.contact.birthdays[0].iso()
             for r in iter_rows(layout, targets_of(layout.format, layout.headers))]
    assert dates == ["1930-11-05", "1936-08-17"]
    path.write_text(head + "Edsger,Dijkstra,ewd@example.nl,,05/11/1930\r\n", encoding="utf-8")
    assert not inspect_csv(path).day_first  # nothing says otherwise: US month first


def test_a_generic_csv_guesses_columns_whose_names_say_what_they_hold(tmp_path) -> None:
    path = tmp_path / "verein.csv"
    path.write_text("Vorname;Nachname;Handy;Lieblingsfarbe\r\nJörg;Schmidt;0171 5550100;blau\r\n",
                    encoding="utf-8")
    layout = inspect_csv(path)
    assert layout.format.key == "generic"
    assert default_targets(layout.format, layout.headers) == [
        Target("name", "given"), Target("name", "family"), Target("phone", label="mobile"),
        Target("skip")]

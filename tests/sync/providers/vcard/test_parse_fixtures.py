"""Parsing real-world vCard dialects: 2.1 quoted-printable, Apple 3.0, 4.0 and odd encodings."""

from __future__ import annotations

import base64

from core.ingest.parsed import DateValue
from core.sync.providers.vcard.reader import parse_text
from tests.sync.providers.vcard.conftest import FIXTURES, parse_file, photo_bytes


def test_v21_quoted_printable_bare_types_and_charset() -> None:
    contacts, problems = parse_file(FIXTURES / "v21_qp.vcf")
    assert problems == []
    joerg, anna = contacts
    assert joerg.name.full == "Dr. Jörg Karl Müller"
    assert (joerg.name.family, joerg.name.given, joerg.name.middle, joerg.name.prefix) == (
        "Müller", "Jörg", "Karl", "Dr.")
    assert [(p.value, p.label, p.primary) for p in joerg.phones] == [
        ("+49 30 1234567", "home", False),
        ("+49 170 7654321", "mobile", True),
        ("+49 30 999", "work,fax", False),
    ]
    assert [(e.value, e.label, e.primary) for e in joerg.emails] == [
        ("joerg@example.de", "", True), ("j.mueller@firma.example", "work", False)]
    address = joerg.addresses[0]
    # the QP soft line break joins "Deutsch=" and "land"
    assert (address.street, address.locality, address.country, address.label) == (
        "Hauptstraße 5", "München", "Deutschland", "home")
    assert joerg.organizations[0].name == "Große Firma"
    assert joerg.organizations[0].department == "Vertrieb"
    assert joerg.organizations[0].title == "Leiter"
    assert joerg.notes == "Erste Zeile\nZweite Zeile"
    assert joerg.birthdays == [DateValue(month=1, day=31, year=1970)]
    assert joerg.photos[0].data == photo_bytes("png")
    assert joerg.photos[0].mime_type == "image/png"
    assert joerg.raw.startswith("BEGIN:VCARD") and "END:VCARD" in joerg.raw
    # 2.1 cards have no UID: a derived, stable id
    assert joerg.external_id and joerg.external_id.startswith("vcard-derived:")
    assert anna.usernames[0].platform == "skype" and anna.usernames[0].value == "anna.schmidt"
    assert anna.display_name == "Anna Schmidt"


def test_derived_ids_are_stable_and_distinct() -> None:
    first, _ = parse_file(FIXTURES / "v21_qp.vcf")
    again, _ = parse_file(FIXTURES / "v21_qp.vcf")
    assert [c.external_id for c in first] == [c.external_id for c in again]
    assert len({c.external_id for c in first}) == 2


def test_apple_v30_grouped_labels_photo_and_dates() -> None:
    contacts, problems = parse_file(FIXTURES / "apple_v30.vcf")
    assert problems == []
    (c,) = contacts
    assert c.external_id == "6B29FC40-CA47-1067-B31D-00DD010662DA"
    assert [(e.value, e.label, e.primary) for e in c.emails] == [
        ("johnny@work.example", "work", True), ("johnny.gym@example.com", "Gym", False)]
    assert [(p.label, p.primary) for p in c.phones] == [("mobile", True), ("home", False)]
    assert c.urls[0].label == "homepage"
    assert c.birthdays == [DateValue(month=4, day=15, year=None)]
    assert c.anniversaries == [DateValue(month=6, day=12, year=2010)]
    # Only Apple's anniversary label makes an anniversary: a custom label is its own date.
    assert c.dates == [DateValue(month=3, day=1, year=None, label="First day at work")]
    assert c.photos[0].data == photo_bytes("jpg") and c.photos[0].mime_type == "image/jpeg"
    assert c.groups == ["Friends", "Apple, Inc. people"]
    assert c.notes == "Met at WWDC\nLikes apples, pears"
    assert c.nickname == ["Jo"]
    assert c.country == "US"
    usernames = [(u.platform, u.value, u.label) for u in c.usernames]
    assert usernames == [
        ("twitter", "jappleseed", ""), ("linkedin", "johnny-a", ""),
        ("skype", "johnny.skype", "home"), ("xmpp", "johnny@jabber.example", ""),
    ]
    assert c.organizations[0].name == "Apple Inc."


def test_v40_data_uri_photo_multi_nickname_and_no_year_dates() -> None:
    contacts, problems = parse_file(FIXTURES / "v40.vcf")
    zoe, omar = contacts
    assert zoe.external_id == "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    assert zoe.nickname == ["Zo", "Zozo", "The, Great"]
    assert zoe.photos[0].data == photo_bytes("png") and zoe.photos[0].mime_type == "image/png"
    assert zoe.photos[1].uri == "https://example.org/zoe.jpg"
    assert zoe.photos[1].mime_type == "image/jpeg"
    assert zoe.birthdays == [DateValue(month=4, day=15)]
    assert zoe.anniversaries == [DateValue(month=6, day=12, year=2010)]
    assert [(p.value, p.label) for p in zoe.phones] == [("+46-8-123-4567", "mobile")]
    assert [(u.platform, u.value, u.primary) for u in zoe.usernames] == [
        ("telegram", "zoe_tg", False), ("xmpp", "zoe@example.org", True)]
    assert zoe.emails[0].primary is True
    assert omar.birthdays == [DateValue(month=4, day=15)]
    # a text anniversary is not a date: reported, the card is still imported
    assert omar.anniversaries == []
    assert len(problems) == 1 and "circa 1800" in problems[0].reason
    assert problems[0].card_number == 2


def test_cp1252_file_without_declared_charset() -> None:
    contacts, problems = parse_file(FIXTURES / "cp1252.vcf")
    assert problems == []
    assert contacts[0].name.full == "Hélène Lefèvre"
    assert contacts[0].notes == "Preis 5 € – Café"
    assert contacts[1].name.full == "Søren Ødegaard"


def test_latin1_file_with_declared_charset_and_qp() -> None:
    contacts, _ = parse_file(FIXTURES / "latin1_declared.vcf")
    (c,) = contacts
    assert c.name.full == "Jürgen Müller"
    assert c.addresses[0].street == "Straße 1" and c.addresses[0].locality == "Köln"
    assert c.country == "DE"


def test_malformed_card_is_reported_and_the_others_survive() -> None:
    path = FIXTURES / "malformed_middle.vcf"
    contacts, problems = parse_file(path)
    assert [c.external_id for c in contacts] == ["good-1", "good-3", "good-5"]
    by_card = {p.card_number: p for p in problems}
    broken = by_card[2]
    assert broken.path == str(path)
    assert broken.line == 8  # BEGIN:VCARD of the second card
    assert "this line has no colon" in broken.reason and "line 12" in broken.reason
    assert f"{path}: card 2, line 8:" in str(broken)
    unterminated = by_card[4]
    assert unterminated.line == 19 and "END:VCARD" in unterminated.reason


def test_v21_base64_photo_continued_without_indent() -> None:
    data = photo_bytes("jpg")
    b64 = base64.b64encode(data).decode()
    text = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Nokia;Nora\r\nPHOTO;TYPE=JPEG;ENCODING=BASE64:"
            f"{b64[:40]}\r\n{b64[40:]}\r\n\r\nTEL;CELL:+358 40 123\r\nEND:VCARD\r\n")
    (contact,), problems = parse_text(text)
    assert problems == []
    assert contact.photos[0].data == data and contact.photos[0].mime_type == "image/jpeg"
    assert contact.phones[0].value == "+358 40 123"


def test_qp_with_wrong_charset_is_decoded_leniently() -> None:
    text = ("BEGIN:VCARD\r\nVERSION:2.1\r\nUID:q1\r\n"
            "FN;ENCODING=QUOTED-PRINTABLE:Ren=E9e\r\n"  # latin-1 bytes, no CHARSET
            "NOTE;CHARSET=X-UNKNOWN;ENCODING=QUOTED-PRINTABLE:caf=C3=A9\r\nEND:VCARD\r\n")
    (contact,), problems = parse_text(text)
    assert problems == []
    assert contact.name.full == "Renée" and contact.notes == "café"

"""What each client's quirk must become (the corpus in tests/fixtures/vcard/clients)."""

from __future__ import annotations

import base64

from core.ingest.parsed import DateValue, Related
from core.sync.providers.vcard.export import fold, write_vcard
from core.sync.providers.vcard.reader import parse_text
from tests.sync.providers.vcard.conftest import FIXTURES, parse_file

CLIENTS = FIXTURES / "clients"


def _by_name(file: str) -> dict:
    contacts, _ = parse_file(CLIENTS / file)
    return {c.display_name: c for c in contacts}


def test_escaped_double_quote_is_unescaped_like_common_readers_do() -> None:
    rebecca = _by_name("lotus_notes.vcf")["Rebecca Hollis"]
    assert rebecca.notes == 'She said "call me after five", never before.'


def test_an_escaped_comma_keeps_one_nickname_and_commas_split_many() -> None:
    assert _by_name("thunderbird.vcf")["Astrid Lindqvist"].nickname == ["Johny,JayJay"]
    jane = _by_name("rfc6350.vcf")["Jane Doe"]
    assert jane.nickname == ["Jim", "Jimmie"]
    assert jane.groups == ["INTERNET", "IETF", "INDUSTRY", "INFORMATION TECHNOLOGY"]
    text = write_vcard(_by_name("thunderbird.vcf")["Astrid Lindqvist"])
    assert "NICKNAME:Johny\\,JayJay\r\n" in text


def test_only_apples_anniversary_label_makes_an_anniversary() -> None:
    hiro = _by_name("iphone.vcf")["Hiro Nakamura"]
    assert hiro.anniversaries == [] and hiro.dates == [DateValue(month=5, day=12)]
    priya = _by_name("gmail.vcf")["Priya Raman"]
    assert priya.anniversaries == [DateValue(month=9, day=8, year=2012)]
    assert priya.dates == [DateValue(month=1, day=15, year=2019, label="Started at Startup")]


def test_base64_with_one_character_too_many_still_gives_the_photo() -> None:
    (photo,) = _by_name("iphone.vcf")["Hiro Nakamura"].photos
    assert photo.data == base64.b64decode("/9j/4AAQSkZJRgAB")
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p\r\nFN:P\r\n"
            "PHOTO;ENCODING=b;TYPE=PNG:iVBO\r\n Rw\r\nEND:VCARD\r\n")  # padding missing
    (contact,), problems = parse_text(card)
    assert problems == [] and contact.photos[0].data == b"\x89PNG"


def test_quoted_printable_soft_line_breaks_join_words() -> None:
    assert _by_name("outlook2007.vcf")["Li Chen"].notes == (
        "Prefers morning calls.\nSecond line with a soft break in the middle.")
    ayse = _by_name("android.vcf")["Ayşe Öztürk"]
    assert "yumuşak satır sonu" in ayse.notes


def test_placeholder_phone_values_are_reported_with_their_line_and_kept_as_a_note() -> None:
    contacts, problems = parse_file(CLIENTS / "outlook2003.vcf")
    assert [(p.card_number, p.line, p.reason, p.is_warning) for p in problems] == [
        (1, 9, "TEL 'HomePhone' is not a phone number; kept in the notes", True),
        (1, 11, "TEL 'BusinessPhone' is not a phone number; kept in the notes", True),
    ]
    (anil,) = contacts
    assert [p.value for p in anil.phones] == ["(425) 555-0187", "(425) 555-0188"]
    assert anil.notes == "Phone: HomePhone\nPhone: BusinessPhone"


def test_work_details_related_people_and_personal_facts_have_a_home() -> None:
    rebecca = _by_name("lotus_notes.vcf")["Rebecca Hollis"]
    org = rebecca.organizations[0]
    assert (org.name, org.department, org.title, org.role) == (
        "Lotus Development Corporation", "Accounting", "Controller", "Counting Money")
    sibylle = _by_name("evolution.vcf")["Sibylle Kroos"]
    assert sibylle.related == [Related("Prof. Hartmut Engel", "manager"),
                               Related("Jonas Berg", "assistant"),
                               Related("Markus Kroos", "spouse")]
    assert sibylle.file_as == "Kroos, Sibylle"
    assert sibylle.organizations[0].department == "Research, Lab 2"
    li = _by_name("outlook2007.vcf")["Li Chen"]
    assert li.gender == "F"
    assert [(u.platform, u.value) for u in li.usernames] == [
        ("im", "li.chen@im.fabrikam.example")]
    assert [r.relation for r in li.related] == ["manager", "assistant", "spouse"]
    zelda = _by_name("mac_address_book.vcf")["Zelda Young"]
    assert [(r.name, r.relation) for r in zelda.related] == [
        ("Tom Baker", "manager"), ("Ivy Chen", "assistant")]
    assert [(u.platform, u.value, u.label) for u in zelda.usernames] == [
        ("aim", "zeldayoung", "home"), ("msn", "zelda@hotmail.example", "work")]
    hiro = _by_name("iphone.vcf")["Hiro Nakamura"]
    assert (hiro.phonetic.given, hiro.phonetic.family) == ("ひろ", "なかむら")
    astrid = _by_name("thunderbird.vcf")["Astrid Lindqvist"]
    assert (astrid.time_zone, astrid.geo, astrid.languages) == (
        "Europe/Stockholm", "geo:59.3293,18.0686", ["sv", "en"])
    public = _by_name("rfc2426.vcf")["Mr. John Q. Public, Esq."]
    assert (public.time_zone, public.geo, public.file_as) == (
        "-05:00", "geo:37.386013,-122.082932", "Public")
    jane = _by_name("rfc6350.vcf")["Jane Doe"]
    assert jane.related[0] == Related(relation="friend",
                                      uri="urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
    assert jane.gender == "F;grrrl"


def test_unmodelled_properties_are_kept_and_written_back() -> None:
    anil = _by_name("outlook2003.vcf")["Anil Gupta"]
    assert anil.extra_properties == [
        "LABEL;WORK;PREF:One Microsoft Way\\nRedmond, WA 98052\\nUnited States of America",
        "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2"]
    for version in ("4.0", "3.0"):
        text = write_vcard(anil, version)
        assert "\r\nX-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\n" in text
        assert "REV:" not in text
    assert "PRODID" not in "".join(_by_name("iphone.vcf")["Hiro Nakamura"].extra_properties)


def test_folding_never_splits_a_utf8_character() -> None:
    line = "NOTE:" + "x" * 69 + "ü" * 3
    folded = fold(line)
    first = folded.split("\r\n")[0]
    assert len(first.encode("utf-8")) <= 75 and first.endswith("x")
    assert folded.replace("\r\n ", "").rstrip("\r\n") == line

"""write_vcards -> parse gives back the same contacts (canonical form), for 4.0 and 3.0."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.ingest.parsed import (
    Address,
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
    Photo,
    Related,
)
from core.sync.providers.vcard.export import fold, write_vcard_file, write_vcards
from core.sync.providers.vcard.reader import parse_text
from tests.sync.providers.vcard.conftest import FIXTURES, parse_file

# Letters (any script), digits and the punctuation that vCard escaping must survive.
_ALPHABET = st.one_of(
    st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")),
    st.sampled_from(list(" ,;:\\-._'@/()&+!?\"")),
)
text = st.text(_ALPHABET, min_size=1, max_size=30).map(str.strip).filter(bool)
opt_text = st.one_of(st.just(""), text)
label = st.one_of(st.sampled_from(["", "home", "work", "mobile", "work,fax", "other", "Gym",
                                   "Ferienhaus", "iPhone"]), text)
value = text.filter(lambda v: not v.lower().startswith(("mailto:", "tel:")))
contact_value = st.builds(ContactValue, value=value, label=label, primary=st.booleans())
# A TEL without a single digit is not a phone number: the parser moves it to the notes.
phone_value = st.builds(ContactValue, value=value.filter(lambda v: any(c.isdigit() for c in v)),
                        label=label, primary=st.booleans())
username = st.builds(
    ContactValue,
    value=st.text(st.sampled_from("abcxyz019._-@"), min_size=1, max_size=20),
    label=label, primary=st.booleans(),
    platform=st.sampled_from(["twitter", "skype", "telegram", "xmpp", "github", "mastodon",
                              "signal", "matrix", "icq", "gtalk", "linkedin", "yahoo"]),
)
address = st.builds(Address, label=label, po_box=opt_text, extended=opt_text, street=opt_text,
                    locality=opt_text, region=opt_text, postal_code=opt_text,
                    country=st.one_of(opt_text, st.sampled_from(["DE", "fr", "US"]))
                    ).filter(lambda a: not a.is_blank())
organization = st.builds(Organization, name=opt_text, title=opt_text, department=opt_text,
                         role=opt_text, current=st.booleans()
                         ).filter(lambda o: bool(o.name or o.title or o.department or o.role))
related = st.one_of(
    st.builds(Related, name=text, relation=st.one_of(
        st.sampled_from(["", "spouse", "child", "manager", "assistant", "friend"]), text)),
    st.builds(Related, uri=st.sampled_from(["urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af",
                                            "http://example.com/bob.vcf"]),
              relation=st.sampled_from(["", "spouse", "co-worker"])),
)
phonetic = st.builds(Name, given=opt_text, family=opt_text, middle=opt_text)
extra_line = st.sampled_from([
    "X-MOZILLA-HTML:TRUE", "X-ABSHOWAS:COMPANY", "KIND:individual", "CLASS:PUBLIC",
    "X-WAB-PRIVATE;X-ABLABEL=Gym:some text\\, escaped", "X-CUSTOM1;TYPE=home:value;with;semis",
])
date_label = st.one_of(st.just(""), text.filter(lambda t: t.lower() != "anniversary"))
date = st.builds(DateValue, month=st.integers(1, 12), day=st.integers(1, 28),
                 year=st.one_of(st.none(), st.integers(1900, 2100)), label=date_label)
photo = st.one_of(
    st.builds(Photo, data=st.binary(min_size=1, max_size=300),
              mime_type=st.sampled_from(["", "image/jpeg", "image/png", "image/gif"])),
    st.builds(Photo, uri=st.sampled_from(["https://example.org/a.jpg", "http://x.test/p?q=1"]),
              mime_type=st.sampled_from(["", "image/jpeg"])),
)
notes = st.one_of(st.just(""), st.lists(text, min_size=1, max_size=3).map("\n".join))
contacts = st.builds(
    ParsedContact,
    external_id=text,
    name=st.builds(Name, full=opt_text, given=opt_text, family=opt_text, middle=opt_text,
                   prefix=opt_text, suffix=opt_text),
    nickname=st.lists(text, max_size=3),
    emails=st.lists(contact_value, max_size=3),
    phones=st.lists(phone_value, max_size=3),
    addresses=st.lists(address, max_size=2),
    organizations=st.lists(organization, max_size=2),
    birthdays=st.lists(date, max_size=1),
    anniversaries=st.lists(date, max_size=2),
    urls=st.lists(contact_value, max_size=2),
    usernames=st.lists(username, max_size=3),
    photos=st.lists(photo, max_size=2),
    groups=st.lists(text, max_size=3, unique=True),
    notes=notes,
    country=st.sampled_from(["", "DE", "CH"]),
    related=st.lists(related, max_size=3),
    gender=st.sampled_from(["", "M", "F", "O", "F;woman", ";fluid", "U"]),
    phonetic=phonetic,
    time_zone=st.sampled_from(["", "America/New_York", "-05:00", "Europe/Berlin"]),
    geo=st.sampled_from(["", "geo:37.386013,-122.082932", "geo:-33.8,151.2"]),
    languages=st.lists(st.sampled_from(["en", "fr-CA", "de"]), max_size=2, unique=True),
    dates=st.lists(date, max_size=2),
    file_as=opt_text,
    extra_properties=st.lists(extra_line, max_size=2, unique=True),
)


def _roundtrip(originals: list[ParsedContact], version: str) -> list[ParsedContact]:
    parsed, problems = parse_text(write_vcards(originals, version))
    assert problems == []
    return parsed


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact=contacts)
def test_generated_contacts_round_trip(version: str, contact: ParsedContact) -> None:
    (back,) = _roundtrip([contact], version)
    assert back.canonical() == contact.canonical()


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.parametrize("name", ["v21_qp.vcf", "apple_v30.vcf", "v40.vcf", "cp1252.vcf",
                                  "latin1_declared.vcf", "malformed_middle.vcf"])
def test_fixture_contacts_round_trip(version: str, name: str) -> None:
    originals, _ = parse_file(FIXTURES / name)
    back = _roundtrip(originals, version)
    assert [c.canonical() for c in back] == [c.canonical() for c in originals]


def test_version_specific_forms() -> None:
    contact = ParsedContact(
        external_id="u1", name=Name(full="A B"),
        birthdays=[DateValue(month=4, day=15)],
        emails=[ContactValue("a@example.org", "work", primary=True)],
        photos=[Photo(data=b"\x89PNG", mime_type="image/png")],
    )
    v4 = write_vcards([contact], "4.0")
    assert "BDAY:--0415\r\n" in v4
    assert "EMAIL;PREF=1;TYPE=work:a@example.org" in v4
    assert "PHOTO:data:image/png;base64,iVBORw==" in v4
    v3 = write_vcards([contact], "3.0")
    assert "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15" in v3
    assert "PHOTO;ENCODING=b;TYPE=PNG:iVBORw==" in v3
    assert "TYPE=work,pref" in v3
    with pytest.raises(ValueError):
        write_vcards([contact], "2.1")


def test_deleted_contacts_are_not_exported() -> None:
    assert write_vcards([ParsedContact(external_id="gone", deleted=True)]) == ""


def test_fold_keeps_multibyte_characters_whole_and_lines_short() -> None:
    line = "NOTE:" + "ä" * 100 + " " * 80 + "end"
    folded = fold(line)
    physical = folded.split("\r\n")[:-1]
    assert all(len(p.encode("utf-8")) <= 75 or not p[75:].strip() for p in physical)
    assert "".join(p[1:] if i else p for i, p in enumerate(physical)) == line


def test_write_vcard_file_streams_and_reads_back(tmp_path) -> None:
    originals, _ = parse_file(FIXTURES / "apple_v30.vcf")
    target = tmp_path / "out.vcf"
    assert write_vcard_file(target, originals, "3.0") == 1
    back, problems = parse_file(target)
    assert problems == [] and back[0].canonical() == originals[0].canonical()

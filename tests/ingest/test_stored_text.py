"""The stored data text and the content hash come from one JSON encoding
(``serialize.stored_text_and_hash``) yet say exactly what the two encodings said before.

The hashes below were computed with the code that encoded twice (``content_hash_of_data``
beside ``json.dumps(data)``): a stored hash that no longer matches an unchanged contact would
make the next sync of every book rewrite all its records, so they are pinned byte for byte.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.ingest.json_text import JSONText
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
from core.ingest.prepare import prepare_for_write
from core.ingest.serialize import contact_to_data, content_hash_of_data, stored_text_and_hash
from core.sync.providers.vcard.transport import pack_lean, unpack_lean
from tests.ingest.test_serialize import contacts

#: Content hashes of :func:`golden_contacts` as the two-encoding code computed them.
PINNED_HASHES = {
    "plain": "623785725d225ce752473cae894841983cd23996a010e9c5994761eb0adf6099",
    "unicode": "66b68e5f1316278e56295dde55d834d151aa01804f38b4c4e27d413ade673926",
    "sparse": "1b7b495e77662ea5608b2f72fccfbb08658ae8dbe58b89b59d27c9015c43de25",
    "photo": "79e1ee923723db8e6b049f04c26454f64983c8ada926faacf6d8cf8d2f411d49",
    "empty": "f939e308a88e59545241d7afb610366cf5ef0046198dbfdec51350f2992f7add",
}


def golden_contacts() -> dict[str, ParsedContact]:
    """Fixed contacts covering plain ASCII, non-ASCII and characters JSON escapes, the sparse
    fields, photos (inline and by reference), renames, and a contact with nothing set."""
    return {
        "plain": ParsedContact(
            external_id="uid-1", etag="vcf2:abc",
            name=Name(full="Ann Lee", given="Ann", family="Lee"),
            emails=[ContactValue("ann@example.com", "work", True)],
            phones=[ContactValue("+1 212 555 0100", "mobile")],
        ),
        "unicode": ParsedContact(
            external_id="vcard-derived:0f", etag="",
            name=Name(full="Zoë Ørsted-Ångström 山田 🙂"),
            nickname=["Zo", "Ø"], notes='Line 1\nTab\t"quoted" back\\slash \u0000 \u2028 end',
            addresses=[Address("home", "", "", "Nørregade 54", "København", "", "1165", "DK")],
            organizations=[Organization("Acme GmbH", "Engineer", "R&D")],
            birthdays=[DateValue(10, 25, None, "")], anniversaries=[DateValue(6, 1, 1990, "x")],
            urls=[ContactValue("https://ex.example/ä", "")], groups=["Friends", "Ärzte"],
            country="DK", previous_external_ids=["old-1", "old-2"],
            usernames=[ContactValue("@zoe", "", False, "telegram")],
        ),
        "sparse": ParsedContact(
            external_id="uid-3", etag="e3", deleted=True,
            organizations=[Organization("Old Co", "CEO", "", "Counting Money", False),
                           Organization("New Co")],
            related=[Related("Bob", "spouse", ""), Related("", "child", "urn:uuid:1")],
            gender="F;woman", phonetic=Name(given="アン"), time_zone="Europe/Berlin",
            geo="geo:1,2", languages=["en-US"], dates=[DateValue(1, 2, 2003, "First day")],
            file_as="Lee, Ann", extra_properties=["X-FOO;TYPE=bar:baz"],
        ),
        "photo": ParsedContact(
            external_id="uid-4", etag="e4", name=Name(given="Pia"),
            photos=[Photo(b"\x89PNG\r\n\x1a\n\x00\xff", "image/png", ""),
                    Photo(None, "", "https://example.com/p.jpg")],
        ),
        "empty": ParsedContact(external_id=None),
    }


@pytest.mark.parametrize("name", sorted(PINNED_HASHES))
def test_one_encoding_keeps_the_pinned_hash(name: str) -> None:
    contact = golden_contacts()[name]
    data = contact_to_data(contact)
    _, content_hash = stored_text_and_hash(contact)
    assert content_hash == PINNED_HASHES[name]
    assert content_hash_of_data(data) == contact.content_hash() == PINNED_HASHES[name]


@pytest.mark.parametrize("name", sorted(PINNED_HASHES))
def test_stored_text_loads_to_the_data_the_old_text_held(name: str) -> None:
    contact = golden_contacts()[name]
    data = contact_to_data(contact)
    text, _ = stored_text_and_hash(contact)
    assert json.loads(text) == data == json.loads(json.dumps(data))


@pytest.mark.parametrize("name", sorted(PINNED_HASHES))
def test_the_parser_process_path_sends_the_same_data_and_hash(name: str) -> None:
    """What a parser process hands the writer (prepare as text, pack, unpack) loads to the
    dict the writer used to get, with the pinned hash."""
    contact = golden_contacts()[name]
    prepared = prepare_for_write(contact, "DE", data_as_text=True)
    assert type(prepared.data) is JSONText
    lean = unpack_lean(pack_lean(prepared), "raw text")
    assert type(lean.data) is JSONText  # stored as it is by the bulk writers
    assert lean.content_hash == PINNED_HASHES[name]
    assert lean.data_dict() == contact_to_data(contact)
    dict_path = prepare_for_write(contact, "DE")
    assert dict_path.content_hash == prepared.content_hash
    assert dict_path.fields == prepared.fields and dict_path.party_row == prepared.party_row



_text = st.text(max_size=8)
_values = st.lists(st.builds(ContactValue, _text, _text, st.booleans(), _text), max_size=2)
_dates = st.lists(st.builds(DateValue, st.integers(1, 12), st.integers(1, 31),
                            st.one_of(st.none(), st.integers(1, 2100)), _text), max_size=2)
_names = st.builds(Name, _text, _text, _text, _text, _text, _text)
#: Contacts with every field, including the sparse ones and the organisation's sparse keys.
rich_contacts = st.builds(
    ParsedContact,
    external_id=st.one_of(st.none(), _text), etag=_text, name=_names,
    nickname=st.lists(_text, max_size=2), emails=_values, phones=_values,
    addresses=st.lists(st.builds(Address, _text, _text, _text, _text, _text, _text, _text,
                                 _text), max_size=2),
    organizations=st.lists(st.builds(Organization, _text, _text, _text, _text, st.booleans()),
                           max_size=2),
    birthdays=_dates, anniversaries=_dates, urls=_values, usernames=_values,
    photos=st.lists(st.builds(Photo, st.one_of(st.none(), st.binary(max_size=8)), _text, _text),
                    max_size=2),
    groups=st.lists(_text, max_size=2), notes=_text, country=_text, deleted=st.booleans(),
    previous_external_ids=st.lists(_text, max_size=2),
    related=st.lists(st.builds(Related, _text, _text, _text), max_size=2), gender=_text,
    phonetic=_names, time_zone=_text, geo=_text, languages=st.lists(_text, max_size=2),
    dates=_dates, file_as=_text, extra_properties=st.lists(_text, max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(contacts, rich_contacts))
def test_any_contact_gets_the_two_encodings_results(contact: ParsedContact) -> None:
    """Random texts (any Unicode, quotes, control characters) in every field: the one
    encoding (which does not sort keys) gives the hash of the sorted canonical JSON, and text
    that loads to the same data as the old text."""
    data = contact_to_data(contact)
    text, content_hash = stored_text_and_hash(contact)
    sorted_json = json.dumps(contact.canonical(), sort_keys=True, ensure_ascii=False)
    assert content_hash == hashlib.sha256(sorted_json.encode("utf-8")).hexdigest()
    assert content_hash == content_hash_of_data(data)
    assert json.loads(text) == json.loads(json.dumps(data))

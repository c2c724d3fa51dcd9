"""The stored record data and the content hash derived from it agree with the model."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from core.ingest.parsed import ContactValue, DateValue, Name, ParsedContact, Photo
from core.ingest.serialize import contact_from_data, contact_to_data, content_hash_of_data

texts = st.text(max_size=12)

contacts = st.builds(
    lambda ext, given, family, emails, photo, year, etag: ParsedContact(
        external_id=ext, etag=etag, name=Name(full=f"{given} {family}", given=given,
                                              family=family),
        emails=[ContactValue(e, "home") for e in emails],
        birthdays=[DateValue(year=year, month=2, day=3)],
        photos=[Photo(data=photo, mime_type="image/png")] if photo is not None else [],
        previous_external_ids=[ext + "-old"],
    ),
    texts.filter(bool), texts, texts, st.lists(texts, max_size=3),
    st.one_of(st.none(), st.binary(max_size=32)), st.one_of(st.none(), st.integers(1900, 2020)),
    texts,
)


@settings(max_examples=60, deadline=None)
@given(contacts)
def test_hash_is_sha256_of_the_canonical_json(contact: ParsedContact) -> None:
    """The hash (computed from the stored data) is exactly the digest of ``canonical()``,
    so hashes stored by earlier versions still match unchanged contacts."""
    payload = json.dumps(contact.canonical(), sort_keys=True, ensure_ascii=False)
    expected = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    assert content_hash_of_data(contact_to_data(contact)) == expected == contact.content_hash()


@settings(max_examples=60, deadline=None)
@given(contacts)
def test_data_round_trips(contact: ParsedContact) -> None:
    assert contact_from_data(contact_to_data(contact)).canonical() == contact.canonical()


def test_hash_ignores_etag_but_not_content() -> None:
    a = ParsedContact(external_id="x", etag="1", name=Name(full="Ann"))
    b = ParsedContact(external_id="x", etag="2", name=Name(full="Ann"))
    c = ParsedContact(external_id="x", etag="1", name=Name(full="Anne"))
    hash_of = lambda p: content_hash_of_data(contact_to_data(p))  # noqa: E731
    assert hash_of(a) == hash_of(b) != hash_of(c)

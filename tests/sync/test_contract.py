"""ContactBatch.for_ingest: the contacts in order, prepared where a provider prepared them."""

from __future__ import annotations

from core.ingest.parsed import Name, ParsedContact
from core.ingest.prepare import prepare_for_write
from core.sync.contract import ContactBatch


def test_for_ingest_substitutes_prepared_contacts_in_place() -> None:
    a, b, gone = (ParsedContact(external_id="a", name=Name(full="Ann")),
                  ParsedContact(external_id="b", name=Name(full="Bob")),
                  ParsedContact(external_id="c", deleted=True))
    batch = ContactBatch(contacts=[a, gone, b])
    assert batch.for_ingest() == [a, gone, b]
    ready_b = prepare_for_write(b, "DE")
    batch.prepared.append(ready_b)
    assert batch.for_ingest() == [a, gone, ready_b]
    # an equal but different contact object is not replaced: substitution is by identity
    batch.prepared.append(prepare_for_write(ParsedContact(external_id="a",
                                                          name=Name(full="Ann")), "DE"))
    assert batch.for_ingest()[0] is a

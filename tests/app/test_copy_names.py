"""A source copy's name for the contact card's "Copies in your sources", read from the
canonical fields the ingest engine stores for it (ParsedContact.canonical())."""

from __future__ import annotations

import pytest

from app.services.contacts import copy_name
from core.ingest.parsed import ContactValue, Name, Organization, ParsedContact


@pytest.mark.parametrize(("contact", "shown"), [
    (ParsedContact(external_id="1", name=Name(full="Rafaeo Oliweira")), "Rafaeo Oliweira"),
    (ParsedContact(external_id="2", name=Name(given="Kate", family="Müller")), "Kate Müller"),
    (ParsedContact(external_id="3", organizations=[Organization("Acme GmbH")],
                   emails=[ContactValue("info@acme.example", "work")]), "Acme GmbH"),
    (ParsedContact(external_id="4", emails=[ContactValue("kate@example.org", "home")]),
     "kate@example.org"),
    (ParsedContact(external_id="5"), ""),
])
def test_a_copy_goes_by_its_name_else_what_it_has(contact: ParsedContact, shown: str) -> None:
    assert copy_name(contact.canonical()) == shown

"""CardDAV cards are read by the vCard source's parser (one meaning of a card)."""

from __future__ import annotations

from core.sync.providers.carddav.card_parser import default_card_parser

CARD = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nFN:Dr. Ada King\r\n"
    "N:King;Ada;Augusta;Dr.;Countess\r\n"
    "EMAIL;TYPE=work,pref:ada@example.org\r\nEMAIL:ada@home.example\r\n"
    "TEL;TYPE=cell:+44 20 7946 0000\r\nORG:Analytical Engines;Research\r\n"
    "TITLE:Analyst\r\nCATEGORIES:Friends,Math\r\nNOTE:First programmer\r\nEND:VCARD\r\n"
)


def test_default_parser_reads_the_core_fields_with_the_vcard_parser() -> None:
    contact, warnings = default_card_parser()(CARD, "/book/ada.vcf")

    assert warnings == []
    assert contact.name.full == "Dr. Ada King"
    assert (contact.name.given, contact.name.family, contact.name.middle) == (
        "Ada", "King", "Augusta")
    assert (contact.name.prefix, contact.name.suffix) == ("Dr.", "Countess")
    assert [(e.value, e.primary) for e in contact.emails] == [
        ("ada@example.org", True), ("ada@home.example", False)]
    assert [p.value for p in contact.phones] == ["+44 20 7946 0000"]
    org = contact.organizations[0]
    assert (org.name, org.title) == ("Analytical Engines", "Analyst")
    assert contact.groups == ["Friends", "Math"]
    assert contact.notes == "First programmer"

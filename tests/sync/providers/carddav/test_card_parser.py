"""The fallback card parser and the hook that prefers the vCard package's parser."""

from __future__ import annotations

import sys
import types

from core.ingest.parsed import ParsedContact
from core.sync.providers.carddav import card_parser
from core.sync.providers.carddav.card_parser import _minimal_parse, default_card_parser

CARD = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nFN:Dr. Ada King\r\n"
    "N:King;Ada;Augusta;Dr.;Countess\r\n"
    "EMAIL;TYPE=work,pref:ada@example.org\r\nEMAIL:ada@home.example\r\n"
    "TEL;TYPE=cell:+44 20 7946 0000\r\nORG:Analytical Engines;Research\r\n"
    "TITLE:Analyst\r\nCATEGORIES:Friends,Math\r\nNOTE:First programmer\r\nEND:VCARD\r\n"
)


def test_minimal_parse_reads_the_core_fields() -> None:
    contact = _minimal_parse(CARD, "/book/ada.vcf")

    assert contact.external_id == "/book/ada.vcf"
    assert contact.name.full == "Dr. Ada King"
    assert (contact.name.given, contact.name.family, contact.name.middle) == (
        "Ada", "King", "Augusta")
    assert (contact.name.prefix, contact.name.suffix) == ("Dr.", "Countess")
    assert [(e.value, e.label, e.primary) for e in contact.emails] == [
        ("ada@example.org", "work", True), ("ada@home.example", "", False)]
    assert [(p.value, p.label) for p in contact.phones] == [("+44 20 7946 0000", "cell")]
    org = contact.organizations[0]
    assert (org.name, org.department, org.title) == ("Analytical Engines", "Research", "Analyst")
    assert contact.groups == ["Friends", "Math"]
    assert contact.notes == "First programmer"
    assert contact.raw == CARD


def test_default_parser_is_the_vcard_packages_parse_card() -> None:
    """With the real vCard package present, its ``parse_card`` (contact, warnings) is used."""
    contact, warnings = default_card_parser()(CARD, "/book/ada.vcf")

    assert isinstance(warnings, list)
    assert contact.name.full == "Dr. Ada King"
    assert contact.emails[0].value == "ada@example.org"


def test_default_parser_accepts_a_one_argument_function(monkeypatch) -> None:
    module = types.ModuleType(card_parser._VCARD_MODULE)

    def parse_card_text(text: str) -> ParsedContact:  # the one-argument shape
        return ParsedContact(external_id=None, notes="from vcard package")

    module.parse_card_text = parse_card_text  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, card_parser._VCARD_MODULE, module)

    parsed = default_card_parser()(CARD, "/book/x.vcf")

    assert parsed.notes == "from vcard package"


def test_default_parser_falls_back_without_the_vcard_package(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, card_parser._VCARD_MODULE, None)  # import -> ImportError
    assert default_card_parser() is _minimal_parse

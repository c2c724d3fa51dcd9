"""Decoding and card splitting edge cases."""

from __future__ import annotations

import codecs

from hypothesis import given, settings
from hypothesis import strategies as st

from core.sync.providers.vcard.reader import parse_text
from core.sync.providers.vcard.textio import decode_vcard_bytes, split_cards


def test_decode_utf8_bom_and_utf16() -> None:
    text = "BEGIN:VCARD\r\nFN:Zoë\r\nEND:VCARD\r\n"
    assert decode_vcard_bytes(codecs.BOM_UTF8 + text.encode("utf-8")) == text
    assert decode_vcard_bytes(text.encode("utf-16")) == text


def test_decode_mixed_utf8_and_latin1_lines() -> None:
    data = "FN:Zoë\r\n".encode() + "FN;CHARSET=ISO-8859-1:Jürgen\r\n".encode("latin-1")
    assert decode_vcard_bytes(data) == "FN:Zoë\r\nFN;CHARSET=ISO-8859-1:Jürgen\r\n"


def test_decode_prefers_declared_charset_over_cp1252() -> None:
    data = "N;CHARSET=ISO-8859-7:x\r\nFN:\u03b1\u03b2\r\n".encode("iso-8859-7")
    assert decode_vcard_bytes(data).endswith("FN:\u03b1\u03b2\r\n")


def test_split_tolerates_blank_lines_folding_and_case() -> None:
    text = ("\r\nbegin:vcard\r\nVERSION:3.0\r\nNOTE:a\r\n  folded\r\n\r\nend:vcard\r\n\r\n"
            "BEGIN:VCARD\nFN:B\nEND:VCARD")
    cards, problems = split_cards(text, "f.vcf")
    assert problems == []
    assert [(c.number, c.line) for c in cards] == [(1, 2), (2, 9)]
    assert "  folded" in cards[0].text


def test_split_reports_stray_text_and_unterminated_cards() -> None:
    text = "garbage\nmore garbage\nBEGIN:VCARD\nFN:A\n"
    cards, problems = split_cards(text, "f.vcf")
    assert cards == []
    assert [(p.card_number, p.line) for p in problems] == [(None, 1), (1, 3)]
    assert str(problems[0]) == "f.vcf: line 1: text outside BEGIN:VCARD/END:VCARD ignored"


@settings(max_examples=200, deadline=None)
@given(body=st.lists(st.text(max_size=60), max_size=8))
def test_garbage_cards_never_raise(body: list[str]) -> None:
    """Whatever is between BEGIN and END, parsing reports problems instead of raising."""
    card = "BEGIN:VCARD\r\n" + "\r\n".join(body) + "\r\nEND:VCARD\r\n"
    contacts, problems = parse_text(card + "BEGIN:VCARD\r\nUID:ok\r\nFN:Ok\r\nEND:VCARD\r\n")
    assert contacts[-1].external_id == "ok"
    assert all(p.line >= 1 and p.reason for p in problems)

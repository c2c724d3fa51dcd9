"""The fast paths for common content lines give exactly what vobject's ``parseLine`` and
line-by-line unfolding give, and every other line goes the slow way."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from vobject.base import ParseError

from core.sync.providers.vcard.lines import (
    CardParseError,
    _glue_lines,
    _may_name_an_encoding,
    _simple_parts,
    _unfold,
    _vobject_parts,
    read_lines,
)
from tests.sync.providers.vcard.conftest import FIXTURES

#: Lines the fast path takes, in the forms the big exporters write.
SIMPLE = [
    "FN:Ann Lee",
    "N:Lee;Ann;;;",
    "EMAIL;TYPE=INTERNET;TYPE=WORK,pref:ann@example.com",
    "TEL;TYPE=CELL:+49 165 7368886",
    "item1.EMAIL;type=INTERNET;type=pref:ann@example.com",
    "item1.X-ABLabel:_$!<Other>!$_",
    "TEL;WORK;VOICE;PREF:+1 212 555 0100",
    "ADR;TYPE=HOME:;;Nørregade 54;München;;80331;DE",
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-10-25",
    "NOTE:a: b: c, d; e \"quoted\" after the first colon",
    "X_LOTUS_NAME;X_P=a b:value",  # "_" in the name reads as "-", not in parameters
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==",
    "URL:https://example.com/a?b=c;d",
    "EMPTY:",
]

#: Lines the fast path must leave to vobject (which may still read them).
FALLBACK = [
    'EMAIL;TYPE="work,pref":ann@example.com',  # a quoted value
    'X-FOO;LABEL="a:b":value',  # a quoted value holding the ":" the line splits on
    "TEL;TYPE=:123",  # an empty value (vobject reads it as a bare parameter)
    "TEL;TYPE=a,,b:123",  # an empty value inside a list
    "TEL;;TYPE=CELL:123",  # ";;"
    "TEL;TYPE=a=b:123",  # a second "="
    "TEL;:123",
    "TEL;TYPE,CELL:123",  # a list without "="
    "NO COLON",
    "BAD NAME:x",
    "a.b.c:x",
    ":no name",
    "TEL;X Y=1:2",
]


@pytest.mark.parametrize("line", SIMPLE)
def test_common_lines_take_the_fast_path_with_vobjects_result(line: str) -> None:
    assert _simple_parts(line) is not None
    assert _simple_parts(line) == _vobject_parts(line, 1)


@pytest.mark.parametrize("line", FALLBACK)
def test_other_lines_go_to_vobject(line: str) -> None:
    assert _simple_parts(line) is None


def test_what_vobject_rejects_is_still_a_card_error_naming_the_line() -> None:
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nBAD NAME:x\r\nEND:VCARD\r\n"
    with pytest.raises(CardParseError) as caught:
        read_lines(card)
    assert caught.value.line_in_card == 4 and "BAD NAME" in str(caught.value)


def test_a_quoted_parameter_is_read_by_vobject() -> None:
    line = read_lines('BEGIN:VCARD\r\nEMAIL;TYPE="work,pref";X-A=b:ann@example.com\r\n')[1]
    assert (line.name, line.params, line.value) == (
        "EMAIL", {"TYPE": ["work,pref"], "X-A": ["b"]}, "ann@example.com")


def _fixture_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(Path(FIXTURES).rglob("*.vcf")):
        text = path.read_bytes().decode("utf-8", "replace")
        lines.extend(logical for logical, _ in _unfold(text))
    return lines


def test_every_fixture_line_reads_as_vobject_reads_it() -> None:
    taken = 0
    for line in _fixture_lines():
        fast = _simple_parts(line)
        if fast is not None:
            taken += 1
            assert fast == _vobject_parts(line, 1), line
    assert taken > 200  # the fixtures are mostly simple lines


_LINE_CHARS = st.sampled_from(list('aZ9_-.;:=,"\\ \tÄ\n') + ["TYPE", "item1", "X-A"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE_CHARS, max_size=24).map("".join))
@example("A;B=c,d;E:f")
@example("a.B;C:d")
def test_any_line_the_fast_path_takes_reads_as_vobject_reads_it(line: str) -> None:
    _assert_agrees_with_vobject(line)


def _assert_agrees_with_vobject(line: str) -> bool:
    """Fails when the fast path answers differently from vobject; True when it answered."""
    fast = _simple_parts(line)
    if fast is None:
        return False
    try:
        expected = _vobject_parts(line, 1)
    except ParseError:  # the fast path must never accept what vobject rejects
        pytest.fail(f"fast path accepted a line vobject rejects: {line!r}")
    assert fast == expected
    return True


_WORD = st.text(alphabet="aZ9_-", min_size=1, max_size=5)
_PARAM_VALUE = st.text(alphabet='aZ9 =,"\\Ä:;_-.', max_size=5)
_PARAM = st.tuples(_WORD, st.lists(_PARAM_VALUE, max_size=3)).map(
    lambda p: p[0] + ("=" + ",".join(p[1]) if p[1] else ""))
_STRUCTURED = st.builds(
    lambda group, name, params, value: (f"{group}." if group else "") + name
    + "".join(";" + p for p in params) + ":" + value,
    st.one_of(st.just(""), _WORD), _WORD, st.lists(_PARAM, max_size=4),
    st.text(alphabet='aZ:;,"= ', max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(_STRUCTURED)
def test_any_structured_line_reads_as_vobject_reads_it(line: str) -> None:
    """Lines shaped like content lines, with the characters that change their reading
    inside parameter values: the fast path agrees with vobject whenever it answers."""
    _assert_agrees_with_vobject(line)


def _fixture_cards() -> list[str]:
    texts = []
    for path in sorted(Path(FIXTURES).rglob("*.vcf")):
        texts.append(path.read_bytes().decode("utf-8", "replace"))
    return texts


def test_cards_without_folds_unfold_as_line_by_line_gluing_does() -> None:
    texts = [*_fixture_cards(), "BEGIN:VCARD\r\nFN:A\r\n\r\n \r\nEND:VCARD\r\n",
             " FN:leading space on the first line\nN:x", "A:1\x0bB:2\u2028C:3\x85D:4\rE:5"]
    for text in texts:
        assert _unfold(text) == _glue_lines(text)


_CARD_CHARS = st.sampled_from(["\r\n", "\n", "\r", " ", "\t", "\x0b", "\u2028", "\x85", "A",
                               "b", ":", ";", "=", "BASE64", "ENCODING=b", "PHOTO;", "QQ==",
                               "FN:x", "Ä"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_CARD_CHARS, max_size=30).map("".join))
def test_any_text_unfolds_as_line_by_line_gluing_does(text: str) -> None:
    assert _unfold(text) == _glue_lines(text)


def test_only_q_b_6_4_and_equals_upper_case_to_themselves() -> None:
    """What _may_name_an_encoding relies on: no other character's upper case holds one of
    the characters it looks for, so a card without them names no encoding in any case."""
    others = [chr(code) for code in range(0x110000)
              if not 0xD800 <= code <= 0xDFFF and chr(code) not in "qQbB64="
              and any(ch in chr(code).upper() for ch in "QB64=")]
    assert others == []
    assert _may_name_an_encoding("PHOTO;encoding=b:QQ==") and _may_name_an_encoding("bAsE64")
    assert _may_name_an_encoding("Quoted-Printable")
    assert not _may_name_an_encoding("BEGIN:VCARD\r\nFN:Zoë Ørsted\r\nEND:VCARD\r\n")


@pytest.mark.parametrize("card", [
    "BEGIN:VCARD\r\nNOTE;encoding=quoted-printable:caf=C3=A9\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nPHOTO;encoding=b;type=png:iVBO\r\nRw0K\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nPHOTO;Base64:iVBO\r\n  Rw0K\r\nEND:VCARD\r\n",
])
def test_encodings_in_lower_or_mixed_case_are_still_seen(card: str) -> None:
    lines = read_lines(card)
    assert [ln.name for ln in lines] == ["BEGIN", lines[1].name, "END"]
    if "NOTE" in card:
        assert lines[1].value == "café"
    else:
        assert lines[1].value.replace(" ", "") == "iVBORw0K"

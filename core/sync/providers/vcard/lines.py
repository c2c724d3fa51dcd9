"""vCard text -> logical content lines (RFC 6350 unfolding, vCard 2.1 quoted-printable).

vobject does the line-level grammar (``parseLine``, and ``getLogicalLines`` for QP soft line
breaks); this module turns its output into :class:`CardLine` records that remember the line
of the card each property starts on, so every warning can point at the property's own line.
"""

from __future__ import annotations

import io
import quopri
import re
from dataclasses import dataclass
from itertools import compress, count

from vobject.base import ParseError, getLogicalLines, parseLine

from core.sync.providers.vcard.values import first


class CardWarning(str):
    """A non-fatal problem with one property: the text is the reason, ``line_in_card``
    (1-based) the property's own line. A ``str`` so callers that only print it still work."""

    line_in_card: int | None

    def __new__(cls, reason: str, line_in_card: int | None = None) -> CardWarning:
        self = super().__new__(cls, reason)
        self.line_in_card = line_in_card
        return self

    def __reduce__(self) -> tuple:
        return CardWarning, (str(self), self.line_in_card)


class CardParseError(ValueError):
    """The card cannot be read at all; the message is the reason shown to the owner.

    ``line_in_card`` (1-based) is the offending line within the card, when known, so the file
    reader can point at the exact line of the file.
    """

    def __init__(self, reason: str, line_in_card: int | None = None) -> None:
        super().__init__(reason)
        self.line_in_card = line_in_card


@dataclass(slots=True)
class CardLine:
    """One logical content line: upper-case name, lower-case group, raw (escaped) value."""

    name: str
    group: str
    params: dict[str, list[str]]
    singles: list[str]
    value: str
    #: The line of the card (1-based) where this property starts.
    number: int = 0


def _decode_qp(value: str, charset: str) -> str:
    """vCard 2.1 QUOTED-PRINTABLE in the declared CHARSET (UTF-8 if none), leniently."""
    raw = quopri.decodestring(value.encode("utf-8"))
    for name in (charset or "utf-8", "utf-8"):
        try:
            return raw.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp1252", "replace")


#: The head (the text before the first ":") of a content line in the form nearly every card
#: uses: an optional group, the name, and parameters that are a bare name (vCard 2.1 ``WORK``)
#: or ``NAME=value[,value...]`` with non-empty values without quotes, "=", ";", ":" or ",".
#: It is a strict subset of vobject's line grammar; anything else (quoted values, empty
#: values, ";;", a second "=") goes to vobject's ``parseLine``, which decides.
_SIMPLE_HEAD = re.compile(
    r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)"
    r"((?:;[A-Za-z0-9_-]+(?:=[^\";:,=]+(?:,[^\";:,=]+)*)?)*)")


#: A whole line whose head :data:`_SIMPLE_HEAD` covers: groups (group, name, parameters,
#: value). The head cannot hold ":", so the ":" after it is the line's first.
_SIMPLE_LINE = re.compile(_SIMPLE_HEAD.pattern + ":(.*)", re.DOTALL)


def _simple_parts(text: str) -> tuple[str, str, dict[str, list[str]], list[str], str] | None:
    """(name, group, params, singles, value) of a line :data:`_SIMPLE_LINE` matches, exactly
    as :func:`_vobject_parts` gives them; None for any other line.

    vobject's ``parseLine`` runs three regular expressions per line (the line, its
    parameters, each parameter's values), a third of the parsing CPU of a bulk import. Without
    quotes before it, the first ":" ends the head (an unquoted parameter value cannot hold
    one), so one match and a few splits give the same result. (:func:`read_lines` does the
    same inline for cards without quoted-printable text.)
    """
    match = _SIMPLE_LINE.match(text)
    if match is None:
        return None
    group, name, raw_params, value = match.groups()
    params, singles = _simple_params(raw_params) if raw_params else ({}, [])
    # vobject reads "_" in a name as "-" (Lotus Notes writes X_FOO).
    return name.replace("_", "-").upper(), (group or "").lower(), params, singles, value


def _simple_params(raw: str) -> tuple[dict[str, list[str]], list[str]]:
    """The parameter table and bare parameters of a :data:`_SIMPLE_HEAD`'s parameters
    (";TYPE=a,b;PREF")."""
    params: dict[str, list[str]] = {}
    singles: list[str] = []
    for part in raw[1:].split(";"):
        key, equals, values = part.partition("=")
        if equals:
            params.setdefault(key.upper(), []).extend(values.split(","))
        else:
            singles.append(key)
    return params, singles


def _vobject_parts(text: str,
                   number: int) -> tuple[str, str, dict[str, list[str]], list[str], str]:
    """(name, group, params, singles, value) by vobject's ``parseLine``, which raises
    ``ParseError`` for a line its grammar rejects."""
    name, raw_params, value, group = parseLine(text, number)
    params: dict[str, list[str]] = {}
    singles: list[str] = []
    for entry in raw_params:
        if len(entry) == 1:
            singles.append(entry[0])
        else:
            params.setdefault(entry[0].upper(), []).extend(entry[1:])
    return name.upper(), (group or "").lower(), params, singles, value


def _content_line(text: str, number: int, may_be_qp: bool) -> CardLine:
    """vobject's line grammar (``parseLine``) without its ``ContentLine`` object.

    ``ContentLine.__init__`` costs more than everything else per line (attribute hooks), and we
    only need its parameter table and QP decoding, which are reproduced here. Common lines
    take :func:`_simple_parts` instead of ``parseLine`` itself.
    """
    name, group, params, singles, value = _simple_parts(text) or _vobject_parts(text, number)
    if not may_be_qp:
        return CardLine(name, group, params, singles, value, number)
    qp = False
    encodings = params.get("ENCODING")
    if encodings and any(e.upper() == "QUOTED-PRINTABLE" for e in encodings):
        qp = True
        params["ENCODING"] = [e for e in encodings if e.upper() != "QUOTED-PRINTABLE"]
        if not params["ENCODING"]:
            del params["ENCODING"]
    if any(s.upper() == "QUOTED-PRINTABLE" for s in singles):
        qp = True
        singles = [s for s in singles if s.upper() != "QUOTED-PRINTABLE"]
    if qp:
        value = _decode_qp(value, first(params, "CHARSET"))
    return CardLine(name, group, params, singles, value, number)


_BASE64_LINE_RE = re.compile(r"^[A-Za-z0-9+/=]+$")


def _is_base64_header(line: str) -> bool:
    head = line.split(":", 1)[0].upper()
    return "BASE64" in head or "ENCODING=B" in head


def _unfold(text: str, upper: str | None = None) -> list[tuple[str, int]]:
    """RFC 6350 unfolding: (logical line, number of its first physical line); blanks dropped.

    Most cards have nothing to glue (no folded line, no BASE64 data): their physical lines are
    the logical ones, found with a few scans of the text in C instead of a look at every line
    in Python (``upper``: the text upper-cased, when the caller has it). Others go to
    :func:`_glue_lines`.
    """
    upper = text.upper() if upper is None else upper
    if "BASE64" in upper or "ENCODING=B" in upper:
        return _glue_lines(text)
    lines = text.splitlines()
    joined = "\n".join(lines)  # a line after the first starting with a space or tab: a fold
    if "\n " in joined or "\n\t" in joined:
        return _glue_lines(text)
    # [(line, number) for number, line in enumerate(lines, 1) if line.strip()], in C.
    return list(compress(zip(lines, count(1)), map(str.strip, lines)))


def _glue_lines(text: str) -> list[tuple[str, int]]:
    """:func:`_unfold` line by line: continuation lines (a leading space or tab) are glued to
    the line before them.

    vCard 2.1 writers (old Nokia, some Outlook versions) continue BASE64 photo data on lines
    without the leading space; such lines are glued to the photo instead of being read as
    broken properties.
    """
    out: list[tuple[str, int]] = []
    in_base64 = False
    for number, line in enumerate(text.splitlines(), start=1):
        if out and (line[:1] in (" ", "\t")
                    or (in_base64 and _BASE64_LINE_RE.match(line))):
            out[-1] = (out[-1][0] + line.lstrip(" \t") if in_base64 else out[-1][0] + line[1:],
                       out[-1][1])
        elif line.strip():
            out.append((line, number))
            in_base64 = _is_base64_header(line)
        else:
            in_base64 = False
    return out


def _may_name_an_encoding(text: str) -> bool:
    """Whether ``text`` may hold "QUOTED-PRINTABLE", "BASE64" or "ENCODING=B" in any case.

    Each holds a "q", a "64" or an "=b" (no other character upper-cases to Q, B, 6, 4 or =),
    which most cards do not: they need no upper-cased copy of their text, a fifth of the cost
    of unfolding them.
    """
    return "q" in text or "Q" in text or "64" in text or "=b" in text or "=B" in text


def read_lines(text: str) -> list[CardLine]:
    """The card's logical lines as (name, group, params, singletons, value) records.

    Raises :class:`CardParseError` naming the first line vobject's grammar rejects.
    """
    lines: list[CardLine] = []
    # QP soft line breaks need vobject's line reader; most cards have none and a plain unfold
    # is several times faster.
    upper = text.upper() if _may_name_an_encoding(text) else ""
    qp = "QUOTED-PRINTABLE" in upper
    logical_lines = (getLogicalLines(io.StringIO(text), allowQP=True) if qp
                     else _unfold(text, upper))
    for logical, number in logical_lines:
        match = None if qp else _SIMPLE_LINE.match(logical)
        if match is not None:  # _simple_parts inline: two calls per line fewer
            group, name, raw_params, value = match.groups()
            params, singles = _simple_params(raw_params) if raw_params else ({}, [])
            lines.append(CardLine(name.replace("_", "-").upper(), (group or "").lower(), params,
                                  singles, value, number))
            continue
        try:
            lines.append(_content_line(logical, number, qp))
        except ParseError as exc:
            snippet = logical[:60].replace("\n", " ")
            raise CardParseError(f"unreadable property line {snippet!r}", number) from exc
    return lines

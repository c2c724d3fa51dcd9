"""Reading vCard files as text and cutting them into single cards.

Real exports are messy: old phones write Windows-1252 or Latin-1, some mix a UTF-8 card with a
Latin-1 one, Outlook writes UTF-16. We decode defensively here so that the parser only ever sees
``str``. We also split the file into cards ourselves (instead of letting vobject read the whole
stream) so that one malformed card costs only that card, and so every problem can name the card
number and the line where the card starts.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

#: Extensions treated as vCard files when a folder is scanned.
VCARD_SUFFIXES = (".vcf", ".vcard")

_CHARSET_RE = re.compile(rb"CHARSET=\"?([A-Za-z0-9_.-]+)", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class CardText:
    """One card cut out of a file: its 1-based number, first line (1-based) and text."""

    number: int
    line: int
    text: str


@dataclass(slots=True, frozen=True)
class CardProblem:
    """A non-fatal problem: a card that could not be read, or stray text between cards."""

    path: str
    card_number: int | None
    line: int
    reason: str

    def __str__(self) -> str:
        where = f"card {self.card_number}, " if self.card_number is not None else ""
        return f"{self.path}: {where}line {self.line}: {self.reason}"


def _codec_ok(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charsets(data: bytes) -> list[str]:
    """Codecs named by ``CHARSET=`` parameters in the file, known to Python, first seen first."""
    found: list[str] = []
    for match in _CHARSET_RE.finditer(data):
        name = _codec_ok(match.group(1).decode("ascii", "ignore"))
        if name and name not in found:
            found.append(name)
    return found


def _decode_line(raw: bytes, fallbacks: list[str]) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET_RE.search(raw)
    if match:
        name = _codec_ok(match.group(1).decode("ascii", "ignore"))
        if name:
            try:
                return raw.decode(name)
            except UnicodeDecodeError:
                pass
    for name in fallbacks:
        try:
            return raw.decode(name)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # never fails: every byte maps to a code point


def decode_vcard_bytes(data: bytes) -> str:
    """Decode a vCard file: UTF-8 (with or without BOM), UTF-16 by BOM, else line by line.

    When the whole file is not valid UTF-8 each physical line is tried as UTF-8 first, then as
    the charset its own ``CHARSET=`` names, then as the non-UTF-8 charsets declared elsewhere in
    the file, then cp1252 and finally latin-1. Decoding per line keeps files that mix UTF-8 and
    Latin-1 cards (concatenated exports) readable.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    fallbacks = [c for c in declared_charsets(data) if c not in ("utf-8", "ascii")]
    fallbacks += [c for c in ("cp1252", "latin-1") if c not in fallbacks]
    return "".join(_decode_line(raw, fallbacks) for raw in data.splitlines(keepends=True))


def read_vcard_file(path: str | Path) -> str:
    """Read and decode one vCard file (see :func:`decode_vcard_bytes`)."""
    return decode_vcard_bytes(Path(path).read_bytes())


def split_cards(text: str, path: str = "") -> tuple[list[CardText], list[CardProblem]]:
    """Cut ``text`` into cards between ``BEGIN:VCARD`` and ``END:VCARD`` lines.

    Blank lines and folding are left alone (the parser handles them). A card that is not closed
    before the next ``BEGIN:VCARD`` or the end of the file is reported and dropped; non-blank text
    outside any card is reported once per stretch and ignored. Card numbers count every
    ``BEGIN:VCARD`` seen, so they match what a person counts in an editor.
    """
    cards: list[CardText] = []
    problems: list[CardProblem] = []
    current: list[str] | None = None
    start_line = 0
    number = 0
    stray_reported = False
    for index, line in enumerate(text.splitlines(keepends=True), start=1):
        marker = line.strip().upper()
        if marker == "BEGIN:VCARD":
            if current is not None:
                problems.append(CardProblem(path, number, start_line,
                                            "card has no END:VCARD before the next BEGIN:VCARD"))
            number += 1
            current = [line]
            start_line = index
            stray_reported = False
        elif current is not None:
            current.append(line)
            if marker == "END:VCARD":
                cards.append(CardText(number, start_line, "".join(current)))
                current = None
        elif marker and not stray_reported:
            problems.append(CardProblem(path, None, index,
                                        "text outside BEGIN:VCARD/END:VCARD ignored"))
            stray_reported = True
    if current is not None:
        problems.append(CardProblem(path, number, start_line,
                                    "card has no END:VCARD before the end of the file"))
    return cards, problems


def list_vcard_files(root: str | Path) -> list[Path]:
    """``root`` itself if it is a file, else every *.vcf / *.vcard below it, sorted by path.

    macOS AppleDouble companions (``._name.vcf``) are binary metadata, not cards: skipped.
    """
    base = Path(root)
    if not base.exists():
        raise FileNotFoundError(f"vCard file or folder not found: {base}")
    if base.is_file():
        return [base]
    return sorted(
        p for p in base.rglob("*")
        if p.is_file() and p.suffix.lower() in VCARD_SUFFIXES and not p.name.startswith("._")
    )

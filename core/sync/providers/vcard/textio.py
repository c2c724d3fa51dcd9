"""Reading vCard files as text and cutting them into single cards.

Real exports are messy: old phones write Windows-1252 or Latin-1, some mix a UTF-8 card with a
Latin-1 one, Outlook writes UTF-16. We decode defensively here so that the parser only ever sees
``str``. We also split the file into cards ourselves (instead of letting vobject read the whole
stream) so that one malformed card costs only that card, and so every problem can name the card
number and the line where the card starts.

A big export is read as a stream (:func:`iter_card_file`): the reader holds a chunk of the file
and the cards being parsed, never the whole text, so a 100,000-card import does not keep every
card's text in memory for the length of the sync. The stream decodes exactly as
:func:`decode_vcard_bytes` does the whole file and cuts exactly the cards :func:`split_cards`
cuts (tests/sync/providers/vcard/test_streaming.py).
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Extensions treated as vCard files when a folder is scanned.
VCARD_SUFFIXES = (".vcf", ".vcard")

_CHARSET_RE = re.compile(rb"CHARSET=\"?([A-Za-z0-9_.-]+)", re.IGNORECASE)
#: Bytes read at a time by the streaming reader (its text and lines take about ten times that).
READ_CHUNK = 1 << 18


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
    #: True for a problem with one value of a card that was still imported (the card is not
    #: skipped); False for a card (or stray text) that could not be read at all.
    is_warning: bool = False

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
    for item in iter_cards(text.splitlines(keepends=True), path):
        if isinstance(item, CardText):
            cards.append(item)
        else:
            problems.append(item)
    return cards, problems


_MARKER_LENGTHS = (len("BEGIN:VCARD"), len("END:VCARD"))


def iter_cards(lines: Iterable[str], path: str = "") -> Iterator[CardText | CardProblem]:
    """:func:`split_cards` over lines (``keepends``) as they come: cards and problems in the
    order they are found."""
    current: list[str] | None = None
    start_line = 0
    number = 0
    stray_reported = False
    for index, line in enumerate(lines, start=1):
        marker = line.strip()
        if len(marker) in _MARKER_LENGTHS:  # only a line this long can be BEGIN/END:VCARD
            marker = marker.upper()
        if marker == "BEGIN:VCARD":
            if current is not None:
                yield CardProblem(path, number, start_line,
                                  "card has no END:VCARD before the next BEGIN:VCARD")
            number += 1
            current = [line]
            start_line = index
            stray_reported = False
        elif current is not None:
            current.append(line)
            if marker == "END:VCARD":
                yield CardText(number, start_line, "".join(current))
                current = None
        elif marker and not stray_reported:
            yield CardProblem(path, None, index, "text outside BEGIN:VCARD/END:VCARD ignored")
            stray_reported = True
    if current is not None:
        yield CardProblem(path, number, start_line,
                          "card has no END:VCARD before the end of the file")


def iter_card_file(path: str | Path) -> Generator[CardText | CardProblem, None, None]:
    """The cards and problems of ``split_cards(read_vcard_file(path), str(path))``, read as a
    stream.

    The file is read twice through one open handle: a first pass finds the encoding (is the
    whole file UTF-8? which charsets does it declare?), the second decodes and cuts. A file
    rewritten in place while it is read raises ``OSError`` at the end (the caller treats it
    as a transient read error and syncs again), so a torn read never completes a listing.
    """
    with open(path, "rb") as handle:
        before = os.fstat(handle.fileno())
        yield from iter_cards(_decoded_lines(handle), str(path))
        after = os.fstat(handle.fileno())
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise OSError(f"{path} changed while it was being read")


def _decoded_lines(handle: io.BufferedIOBase) -> Iterator[str]:
    """``decode_vcard_bytes(handle.read()).splitlines(keepends=True)``, chunk by chunk."""
    head = handle.read(2)
    handle.seek(0)
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text = io.TextIOWrapper(handle, encoding="utf-16", newline="")
        try:
            yield from _lines(iter(lambda: text.read(READ_CHUNK), ""))
        finally:
            text.detach()  # the caller closes the file
        return
    if _all_utf8(handle):
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        chunks = (decoder.decode(block) for block in _blocks(handle))
        yield from _lines(chunks)
        return
    fallbacks = [c for c in _declared_in(handle) if c not in ("utf-8", "ascii")]
    fallbacks += [c for c in ("cp1252", "latin-1") if c not in fallbacks]
    handle.seek(0)
    yield from _lines(_fallback_chunks(handle, fallbacks))


def _blocks(handle: io.BufferedIOBase) -> Iterator[bytes]:
    return iter(lambda: handle.read(READ_CHUNK), b"")


def _lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines of the concatenated chunks, as ``str.splitlines(keepends=True)`` cuts them:
    the last piece of each chunk waits for the next (it may be the start of a line, or a
    carriage return whose line feed starts the next chunk)."""
    rest = ""
    for chunk in chunks:
        if not chunk:
            continue
        lines = (rest + chunk).splitlines(keepends=True)
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def _all_utf8(handle: io.BufferedIOBase) -> bool:
    """Would ``data.decode("utf-8-sig")`` succeed? (checked without holding the data)"""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for block in _blocks(handle):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _declared_in(handle: io.BufferedIOBase) -> list[str]:
    """:func:`declared_charsets` of the whole file, block by block (a ``CHARSET=`` value
    never spans a line, so each block is cut after its last newline)."""
    handle.seek(0)
    found: list[str] = []
    rest = b""
    for block in _blocks(handle):
        data = rest + block
        cut = data.rfind(b"\n") + 1
        rest = data[cut:]
        found += [c for c in declared_charsets(data[:cut]) if c not in found]
    found += [c for c in declared_charsets(rest) if c not in found]
    return found


def _fallback_chunks(handle: io.BufferedIOBase, fallbacks: list[str]) -> Iterator[str]:
    """Line-by-line decoding (see :func:`decode_vcard_bytes`) over the physical lines that
    ``bytes.splitlines`` finds, one block at a time."""
    rest = b""
    for block in _blocks(handle):
        raws = (rest + block).splitlines(keepends=True)
        rest = raws.pop()
        yield "".join(_decode_line(raw, fallbacks) for raw in raws)
    if rest:
        yield _decode_line(rest, fallbacks)


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


def estimate_cards(files: Iterable[Path]) -> int:
    """About how many cards ``files`` hold (``BEGIN:VCARD`` lines in upper or lower case),
    from a byte scan: cheap next to parsing, for choosing a bulk strategy. Unreadable files
    count 0 (parsing reports them)."""
    marks = (b"BEGIN:VCARD", b"begin:vcard")
    count = 0
    for path in files:
        try:
            with open(path, "rb") as handle:
                tail = b""
                while block := handle.read(1 << 20):
                    data = tail + block
                    count += sum(data.count(m) for m in marks)
                    tail = data[-(len(marks[0]) - 1):]  # a mark cut by the block's end
        except OSError:
            continue
    return count

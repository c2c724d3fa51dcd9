"""What a CSV file is before reading it: encoding, delimiter, header row, export format.

Exports differ in all four: Outlook writes UTF-16 or Windows-1252, Google UTF-8, Excel in a
German locale separates with semicolons, "Unicode text" with tabs, and LinkedIn puts a few
lines of notes above the header. Everything here looks at the start of the file only, except
the UTF-8 check, which reads the whole file (a single invalid byte near the end means the
file is Windows-1252, and guessing wrong would garble every accented name).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from core.sync.providers.csvfile.formats import CsvFormat, detect_format, header_score

DELIMITERS = (",", ";", "\t")
SAMPLE_BYTES = 256 * 1024
#: Rows before the header that may be notes (LinkedIn writes three).
MAX_LEADING_ROWS = 12
_CHUNK = 1 << 20


class CsvFileError(ValueError):
    """The file cannot be read as CSV at all (empty, binary, no header row)."""


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """How to read one file: ``skip_rows`` CSV rows come before the header row."""

    path: str
    encoding: str
    delimiter: str
    skip_rows: int
    header_line: int
    headers: list[str]
    format: CsvFormat
    #: Dates like 05/11/1930 are day first (the format says so, or a sampled date such as
    #: 17/08/1936 could only be read day first: a UK or Australian Outlook export).
    day_first: bool = False


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` / ``utf-16`` by BOM; UTF-16 without BOM by its NUL bytes; UTF-8 when the
    whole file decodes as UTF-8; otherwise Windows-1252 (what Excel and Outlook write)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if len(head) >= 4 and head.count(0) >= len(head) // 4:
            even = head[0::2].count(0)
            odd = head[1::2].count(0)
            return "utf-16-be" if even > odd else "utf-16-le"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """The file as text for ``csv`` (``newline=""`` keeps line breaks inside quoted notes).
    Windows-1252 leaves five byte values undefined; they become U+FFFD, not an error."""
    errors = "replace" if encoding == "cp1252" else "strict"
    return open(path, encoding=encoding, errors=errors, newline="")  # noqa: SIM115


def _sample_rows(text: str, delimiter: str) -> list[tuple[list[str], int]]:
    """Rows of the sample with the physical line each ends on (a cut last row is dropped)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[list[str], int]] = []
    try:
        for row in reader:
            rows.append((row, reader.line_num))
            if len(rows) >= MAX_LEADING_ROWS + 40:
                break
    except csv.Error:
        pass
    return rows


def _header_index(rows: list[tuple[list[str], int]]) -> tuple[int, int]:
    """(index of the header row, its score): the best-understood row among the first ones,
    else the first row with as many columns as most rows have."""
    best, best_score = -1, 0
    for i, (row, _) in enumerate(rows[:MAX_LEADING_ROWS]):
        score = header_score(row)
        if score > best_score:
            best, best_score = i, score
    if best_score >= 2:
        return best, best_score
    widths = [len(r) for r, _ in rows if any(c.strip() for c in r)]
    if not widths:
        return -1, 0
    common = max(set(widths), key=lambda w: (widths.count(w), w))
    for i, (row, _) in enumerate(rows[:MAX_LEADING_ROWS]):
        if len(row) == common and any(c.strip() for c in row):
            return i, best_score
    return -1, 0


def _consistency(rows: list[tuple[list[str], int]], start: int) -> tuple[int, int]:
    """(columns of the header row, data rows with exactly that many columns)."""
    width = len(rows[start][0])
    same = sum(1 for r, _ in rows[start + 1:] if len(r) == width)
    return width, same


def inspect_csv(path: str | Path) -> CsvLayout:
    """Encoding, delimiter, header row and format of ``path``; CsvFileError when it is not
    a CSV file with a header row."""
    target = Path(path).expanduser()
    encoding = detect_encoding(target)
    with open_text(target, encoding) as handle:
        try:
            sample = handle.read(SAMPLE_BYTES)
        except UnicodeDecodeError as exc:
            raise CsvFileError(f"{target.name}: not a text file ({exc.reason})") from None
    sample = sample.lstrip("\ufeff")
    if not sample.strip():
        raise CsvFileError(f"{target.name}: the file is empty")
    controls = sum(1 for ch in sample[:65536] if ch < " " and ch not in "\t\r\n")
    if controls > len(sample[:65536]) // 100:  # one stray NUL is a bad row, not a binary
        raise CsvFileError(f"{target.name}: not a CSV file (it holds binary data)")
    if len(sample) == SAMPLE_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    choices = []
    for delimiter in DELIMITERS:
        rows = _sample_rows(sample, delimiter)
        index, score = _header_index(rows)
        if index < 0:
            continue
        width, same = _consistency(rows, index)
        choices.append(((score, width > 1, same, width), delimiter, rows, index))
    if not choices:
        raise CsvFileError(f"{target.name}: no header row found")
    _, delimiter, rows, index = max(choices, key=lambda c: c[0])
    headers = [h.replace("\ufeff", "").strip() for h in rows[index][0]]
    if len(headers) < 2 and not any(headers):
        raise CsvFileError(f"{target.name}: no header row found")
    fmt = detect_format(headers)
    day_first = fmt.day_first or _dates_day_first([r for r, _ in rows[index + 1:]])
    return CsvLayout(str(target), encoding, delimiter, index, rows[index][1], headers, fmt,
                     day_first)


_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{2,4}$")


def _dates_day_first(rows: list[list[str]]) -> bool:
    """Whether the sampled slash dates can only be day first (more such dates than dates
    that can only be month first)."""
    day = month = 0
    for row in rows:
        for cell in row:
            match = _SLASH_DATE.match(cell.strip())
            if match:
                a, b = int(match.group(1)), int(match.group(2))
                day += a > 12 >= b
                month += b > 12 >= a
    return day > month

"""Stream a CSV file as contacts: row numbers, stable keys, bad rows reported.

CSV rows carry no UID, so each contact's external id is a hash of its identifying values
(the name; with no name, the first email, phone or company). Re-importing the same file
therefore changes nothing, and a row whose phone or notes were edited updates its contact. Two
rows with the same name are told apart by their first email and phone, and a third identical
one by its position among them.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from core.ingest.parsed import ParsedContact
from core.sync.providers.csvfile.detect import CsvLayout, open_text
from core.sync.providers.csvfile.mapping import RowMapper
from core.sync.providers.csvfile.targets import Target

#: A value longer than this is not a contact's (a binary file, a runaway quote): reported.
MAX_FIELD = 1_000_000


@dataclass(slots=True)
class RowProblem:
    """A row skipped or imported with a value left out, with where and why."""

    file: str
    line: int
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.reason}"


@dataclass(slots=True)
class CsvRow:
    """One data row: its first physical line, its contact (None if skipped), problems."""

    line: int
    contact: ParsedContact | None
    problems: list[RowProblem] = field(default_factory=list)


def _identity(c: ParsedContact) -> str:
    """What names the row's person: the name (a title or suffix added later is an edit, not
    someone else), else the first email, phone or company."""
    n = c.name
    text = "\x1f".join(p.casefold() for p in (n.given, n.middle, n.family, n.full))
    if text.strip("\x1f"):
        return "n:" + " ".join(text.split())
    if c.emails:
        return "e:" + c.emails[0].value.casefold()
    if c.phones:
        return "p:" + "".join(ch for ch in c.phones[0].value if ch.isdigit() or ch == "+")
    if c.organizations and c.organizations[0].name:
        return "o:" + c.organizations[0].name.casefold()
    return ""


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


class StableKeys:
    """Gives each row's contact its external id; remembers keys used in this file."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def key(self, contact: ParsedContact) -> str | None:
        identity = _identity(contact)
        if not identity:
            return None
        key = _digest(identity)
        if key in self.used:
            extra = (contact.emails[0].value.casefold() if contact.emails else "",
                     contact.phones[0].value if contact.phones else "")
            key = _digest(identity + "\x1e" + "\x1f".join(extra))
            n = 2
            base = key
            while key in self.used:
                key, n = f"{base}-{n}", n + 1
        self.used.add(key)
        return "row:" + key


def iter_rows(layout: CsvLayout, targets: list[Target], *, keep_raw: bool = True,
              signature: str = "") -> Iterator[CsvRow]:
    """Every data row of the file, in order, with its contact keyed and its problems.

    Each contact's etag is a digest of its cells and ``signature`` (the mapping's): an
    unchanged row under an unchanged mapping is then skipped by the write path without
    being normalised again."""
    name = Path(layout.path).name
    mapper = RowMapper(layout.headers, targets, day_first=layout.day_first)
    keys = StableKeys()
    width = len(layout.headers)
    headers = layout.headers
    for line, cells in _physical_rows(layout):
        if isinstance(cells, str):
            yield CsvRow(line, None, [RowProblem(name, line, cells)])
            continue
        if not any(cells) or not any(v.strip() for v in cells):
            continue
        if len(cells) > width and any(v.strip() for v in cells[width:]):
            yield CsvRow(line, None, [RowProblem(
                name, line, f"{len(cells)} values but the header has {width} columns "
                "(a missing quote or an extra delimiter?); row skipped")])
            continue
        problems: list[RowProblem] = []
        if "\x00" in "".join(cells):
            cells = [v.replace("\x00", "") for v in cells]
            problems.append(RowProblem(name, line, "NUL characters were removed", False))
        contact, warnings = mapper.contact(cells)
        contact.external_id = keys.key(contact)
        problems += [RowProblem(name, line, w, skipped=False) for w in warnings]
        if contact.external_id is None:
            problems.append(RowProblem(name, line, "no name, email, phone or company in "
                                       "this row; row skipped"))
            yield CsvRow(line, None, problems)
            continue
        contact.etag = _digest(signature + "\x1e" + "\x1f".join(cells))
        if keep_raw:
            contact.raw = {h: v for h, v in zip(headers, cells, strict=False) if v}
        yield CsvRow(line, contact, problems)


def first_rows(layout: CsvLayout, count: int) -> list[list[str]]:
    """The first ``count`` data rows as read, each as wide as the header (for a preview);
    blank and unreadable rows are left out."""
    width = len(layout.headers)
    out: list[list[str]] = []
    with closing(_physical_rows(layout)) as rows:
        for _line, cells in rows:
            if isinstance(cells, str) or not any(v.strip() for v in cells):
                continue
            out.append((cells + [""] * width)[:width])
            if len(out) >= count:
                break
    return out


def _runaway(cells: list[str], delimiter: str, width: int) -> bool:
    """A quote that was never closed: the row is short and one of its values holds whole
    lines that look like rows of their own (as many delimiters as a row has)."""
    if len(cells) >= width:
        return False
    need = max(width - 1, 2)
    return any(line.count(delimiter) >= need
               for v in cells if "\n" in v or "\r" in v
               for line in v.splitlines()[1:])


def _physical_rows(layout: CsvLayout) -> Iterator[tuple[int, list[str] | str]]:
    """(first physical line, cells) per CSV row after the header; a str instead of cells is
    the reason a row could not be read. After a runaway quote the reading restarts on the
    line after the one that opened it, so one stray quote costs one row, not the file."""
    csv.field_size_limit(MAX_FIELD)
    restart: int | None = None  # physical line to restart on (1-based)
    while True:
        with open_text(Path(layout.path), layout.encoding) as handle:
            reader = csv.reader(handle, delimiter=layout.delimiter)
            if restart is None:
                for _ in range(layout.skip_rows + 1):
                    next(reader, None)
                base = 0
            else:
                for _ in range(restart - 1):
                    handle.readline()
                base = restart - 1
            restart = None
            last = reader.line_num
            while restart is None:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    line, last = base + last + 1, reader.line_num
                    yield line, f"not readable as CSV ({exc}); row skipped"
                    continue
                line, end, last = base + last + 1, base + reader.line_num, reader.line_num
                if end > line and _runaway(cells, layout.delimiter, len(layout.headers)):
                    yield line, (f"a quote opened on this line is never closed (it ran to "
                                 f"line {end}); row skipped")
                    restart = line + 1
                    continue
                yield line, cells

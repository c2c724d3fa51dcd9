"""Stream a CSV file as contacts: row numbers, stable keys, bad rows reported.

CSV rows carry no UID, so each contact's external id is a hash of its identifying values
(the name parts; with no name, the first email, phone or company). Re-importing the same file
therefore changes nothing, and a row whose phone or notes were edited updates its contact. Two
rows with the same name are told apart by their first email and phone, and a third identical
one by its position among them.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.ingest.parsed import ParsedContact
from core.sync.providers.csvfile.detect import CsvLayout, open_text
from core.sync.providers.csvfile.mapping import RowMapper
from core.sync.providers.csvfile.targets import Target

#: Rows longer than this are not contacts (a binary file, a runaway quote): reported.
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
    n = c.name
    text = "\x1f".join(p.casefold() for p in (n.prefix, n.given, n.middle, n.family,
                                                n.suffix, n.full))
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
    mapper = RowMapper(layout.headers, targets, day_first=layout.format.day_first)
    keys = StableKeys()
    width = len(layout.headers)
    headers = layout.headers
    csv.field_size_limit(MAX_FIELD)
    with _data_reader(layout) as reader:
        last = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = last + 1
                last = reader.line_num
                yield CsvRow(line, None, [RowProblem(name, line, f"not readable as CSV ({exc})")])
                continue
            line = last + 1
            last = reader.line_num
            if not any(cells) or not any(v.strip() for v in cells):
                continue
            if len(cells) > width and any(v.strip() for v in cells[width:]):
                yield CsvRow(line, None, [RowProblem(
                    name, line, f"{len(cells)} values but the header has {width} columns "
                    "(a missing quote or an extra delimiter?); row skipped")])
                continue
            contact, warnings = mapper.contact(cells)
            contact.external_id = keys.key(contact)
            problems = [RowProblem(name, line, w, skipped=False) for w in warnings]
            if contact.external_id is None:
                problems.append(RowProblem(name, line, "no name, email, phone or company in "
                                           "this row; row skipped"))
                yield CsvRow(line, None, problems)
                continue
            contact.etag = _digest(signature + "\x1e" + "\x1f".join(cells))
            if keep_raw:
                contact.raw = {h: v for h, v in zip(headers, cells, strict=False) if v}
            yield CsvRow(line, contact, problems)


@contextmanager
def _data_reader(layout: CsvLayout) -> Iterator[Any]:
    """A csv reader positioned after the header row (notes above it skipped as CSV rows, so
    a quoted note spanning lines is skipped whole)."""
    with open_text(Path(layout.path), layout.encoding) as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter)
        for _ in range(layout.skip_rows + 1):
            next(reader, None)
        yield reader


"""Shared helpers for the vCard provider tests: fixture paths and a quick parse of one file."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.ingest.parsed import ParsedContact
from core.sync.providers.vcard.reader import parse_paths
from core.sync.providers.vcard.textio import CardProblem

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "vcard"


def parse_file(path: Path) -> tuple[list[ParsedContact], list[CardProblem]]:
    """All contacts and problems of one file, parsed serially."""
    contacts: list[ParsedContact] = []
    problems: list[CardProblem] = []
    for batch in parse_paths([path], workers=1):
        contacts.extend(batch.contacts)
        problems.extend(batch.problems)
    return contacts, problems


def photo_bytes(kind: str) -> bytes:
    """The exact image bytes embedded in the fixtures (``png`` or ``jpg``)."""
    for line in (FIXTURES / "photo_bytes.txt").read_text().splitlines():
        key, _, value = line.partition("=")
        if key == kind:
            return bytes.fromhex(value)
    raise KeyError(kind)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES

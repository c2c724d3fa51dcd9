"""A contact card's extra lines: work details, related people, personal facts, other dates.

Built from ``party_fact`` rows and labelled ``important_date`` rows, formatted for reading
(relation and label words, dates with month names, genders in words), each with the sources
that said it. The card renders :class:`DetailLine` generically, so a new kind of fact needs a
change here only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import ImportantDate, PartyFact
from core.ingest.facts import gender_words
from core.views.phone_display import format_date


@dataclass(slots=True)
class DetailLine:
    """One more line of a contact card, for fields without a dedicated attribute.

    The card renders these generically (section heading, label, value, sources), so a new kind of
    field (related people, gender, time zone...) needs a read-model change only, not a view change.
    """

    section: str  # heading the line goes under, e.g. "Work", "Personal", "Related people"
    label: str  # e.g. "Department", "Spouse", "Time zone"
    value: str  # formatted for reading
    sources: list[str] = field(default_factory=list)  # where it came from, e.g. "vCard: work.vcf"


_PERSONAL = {"gender": "Gender", "time_zone": "Time zone", "geo": "Location",
             "file_as": "File as"}
_PHONETIC = ("phonetic_given", "phonetic_middle", "phonetic_family")


def words(label: str) -> str:
    """"co-worker" -> "Co-worker"; a custom label keeps its own case."""
    return label[:1].upper() + label[1:] if label else label


def date_words(year: int | None, month: int, day: int) -> str:
    """"12 June 2010", or "1 March" when the year is unknown (``format_date``, year first)."""
    return format_date(month, day, year)


def geo_words(value: str) -> str:
    """"geo:37.386013,-122.082932" -> "37.386013, -122.082932"."""
    text = value[4:] if value.startswith("geo:") else value
    return ", ".join(p.strip() for p in text.split(","))


class _Lines:
    """Collects lines, merging the sources of a line several records repeat."""

    def __init__(self, sources: Mapping[int, str]) -> None:
        self.sources = sources
        self.lines: list[DetailLine] = []
        self._index: dict[tuple[str, str, str], DetailLine] = {}

    def add(self, section: str, label: str, value: str, record_id: int | None) -> None:
        if not value:
            return
        source = self.sources.get(record_id or -1, "local") if record_id else "local"
        key = (section, label, value)
        line = self._index.get(key)
        if line is None:
            line = self._index[key] = DetailLine(section, label, value, [])
            self.lines.append(line)
        if source not in line.sources:
            line.sources.append(source)


def _work(out: _Lines, data: dict[str, Any], first: bool, rid: int | None) -> None:
    if not first or not data.get("current", True):
        label = "Organisation" if data.get("current", True) else "Past organisation"
        out.add("Work", label, data.get("name", ""), rid)
        out.add("Work", "Title", data.get("title", ""), rid)
    out.add("Work", "Department", data.get("department", ""), rid)
    out.add("Work", "Role", data.get("role", ""), rid)


def detail_lines(session: Session, party_id: int, sources: Mapping[int, str],
                 organization: str = "") -> list[DetailLine]:
    """Lines for the party's card, sections in the order Work, Related people, Personal,
    Dates. ``organization`` is the one the card already shows (its further ones are lines)."""
    out = _Lines(sources)
    facts = session.scalars(select(PartyFact).where(PartyFact.party_id == party_id)
                            .order_by(PartyFact.source_record_id, PartyFact.position)).all()
    for f in facts:
        if f.kind == "organization" and isinstance(f.data, dict):
            _work(out, f.data, f.data.get("name", "") == organization, f.source_record_id)
    for f in facts:
        if f.kind == "related":
            out.add("Related people", words(f.label) or "Related", f.value, f.source_record_id)
    phonetic: dict[int | None, list[str]] = {}
    for f in facts:
        if f.kind in _PERSONAL:
            value = {"gender": gender_words, "geo": geo_words}.get(f.kind, str)(f.value)
            out.add("Personal", _PERSONAL[f.kind], value, f.source_record_id)
        elif f.kind in _PHONETIC:
            phonetic.setdefault(f.source_record_id, ["", "", ""])[
                _PHONETIC.index(f.kind)] = f.value
        elif f.kind == "language":
            out.add("Personal", "Language", f.value, f.source_record_id)
    for rid, parts in phonetic.items():
        out.add("Personal", "Pronunciation", " ".join(p for p in parts if p), rid)
    for d in session.scalars(select(ImportantDate).where(
            ImportantDate.party_id == party_id, ImportantDate.kind == "date")
            .order_by(ImportantDate.id)):
        out.add("Dates", words(d.label) or "Date", date_words(d.year, d.month, d.day),
                d.source_record_id)
    return out.lines

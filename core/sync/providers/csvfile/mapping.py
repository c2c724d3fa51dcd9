"""One CSV row -> one neutral ``ParsedContact``, through a column mapping.

The mapping (one :class:`Target` per column) is compiled once into index lists so a 100,000-row
file costs a few list look-ups per cell. Exports put several values in one cell (Google's
``" ::: "``), mark the primary value with ``"* "`` in its label, and give numbered groups of
columns (``Address 1 - City``) that belong together: all three are handled here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from core.ingest.parsed import (
    Address,
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
    Photo,
)
from core.sync.providers.csvfile.targets import Target

MULTI_SEP = " ::: "
#: Google's system groups: every contact is in "myContacts"; "starred" is a flag.
SYSTEM_GROUPS = {"mycontacts", "my contacts", "starred", "friends_and_family"}
_KNOWN_LABELS = {
    "home fax": "home,fax", "work fax": "work,fax", "other fax": "other,fax",
    "mobile": "mobile", "cell": "mobile", "home": "home", "work": "work", "other": "other",
    "main": "main", "pager": "pager", "fax": "fax", "google voice": "google voice",
    "work mobile": "work,mobile", "work pager": "work,pager", "internet": "",
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_NO_YEAR = re.compile(r"^--(\d{1,2})-?(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\.?$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_WORDY = re.compile(r"^(\d{1,2})\.? ([a-zäé]+)\.?,? (\d{4})$|^([a-zäé]+)\.? (\d{1,2}),? (\d{4})$")
_EMPTY_DATES = {"0/0/00", "0.0.00", "00.00.0000", "0000-00-00", "1/1/1601"}


def split_values(cell: str) -> list[str]:
    """Google writes several values of one slot as ``a ::: b``."""
    if MULTI_SEP in cell:
        return [v.strip() for v in cell.split(MULTI_SEP) if v.strip()]
    return [cell]


def read_label(text: str) -> tuple[str, bool]:
    """``"* Home"`` -> ("home", True): Google marks the primary value with a star. Known
    words are lower-cased the way vCard labels are; a custom label stays as typed."""
    text = text.strip()
    primary = text.startswith("*")
    if primary:
        text = text.lstrip("*").strip()
    key = text.casefold()
    return _KNOWN_LABELS.get(key, text), primary


def parse_date_text(text: str, day_first: bool = False) -> DateValue | None:
    """ISO, ``--MM-DD``, ``3/22/1985`` (``22.3.1985`` and day-first exports), ``12 Mar 2021``.
    Raises ValueError for text that is not a date; returns None for an empty placeholder."""
    value = text.strip()
    if not value or value in _EMPTY_DATES:
        return None
    year: int | None
    if match := _ISO.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NO_YEAR.match(value):
        year, month, day = None, int(match.group(1)), int(match.group(2))
    elif match := _NUMERIC.match(value):
        a, b, c = (int(g) for g in match.groups())
        if len(match.group(1)) == 4:
            year, month, day = a, b, c
        else:
            dots = "." in value
            month, day = (b, a) if (day_first or dots or a > 12) else (a, b)
            year = c + (1900 if c >= 30 else 2000) if len(match.group(3)) <= 2 else c
    elif match := _WORDY.match(value.casefold()):
        g = match.groups()
        day_s, mon_s, year_s = (g[0], g[1], g[2]) if g[0] else (g[4], g[3], g[5])
        month = _MONTHS.get(mon_s[:3], 0) or _GERMAN_MONTHS.get(mon_s[:3], 0)
        day, year = int(day_s), int(year_s)
    else:
        raise ValueError(value)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(value)
    if year == 0:
        year = None
    return DateValue(month=month, day=day, year=year)


_GERMAN_MONTHS = {"jan": 1, "feb": 2, "mär": 3, "apr": 4, "mai": 5, "jun": 6, "jul": 7,
                  "aug": 8, "sep": 9, "okt": 10, "nov": 11, "dez": 12}


def _joined(cells: list[str], cols: list[int], sep: str = " ") -> str:
    """The non-empty values of ``cols``, stripped and joined (one column: just its value)."""
    if len(cols) == 1:
        return cells[cols[0]].strip()
    return sep.join(v for v in (cells[c].strip() for c in cols) if v)


@dataclass(slots=True)
class _Slot:
    """Columns that describe one value together (value, label, platform)."""

    kind: str
    value: list[int] = field(default_factory=list)
    label_col: int = -1
    fixed_label: str = ""
    platform_col: int = -1


class RowMapper:
    """Compiled mapping: ``contact(cells)`` builds the ParsedContact of one row."""

    def __init__(self, headers: list[str], targets: list[Target], *, day_first: bool = False):
        self.headers = headers
        self.day_first = day_first
        self.name: dict[str, list[int]] = defaultdict(list)
        self.nickname: list[int] = []
        self.notes: list[int] = []
        self.groups: list[int] = []
        self.photo: list[int] = []
        self.dates: list[tuple[int, str, str]] = []  # (column, kind, slot)
        self.date_labels: dict[str, int] = {}
        #: Dates written in three columns (Thunderbird's Birth Year / Month / Day).
        self.split_dates: dict[str, dict[str, int]] = {}
        self.slots: dict[tuple[str, str, str], _Slot] = {}
        self.addresses: dict[str, dict[str, list[int]]] = {}
        self.address_labels: dict[str, int] = {}
        self.orgs: dict[str, dict[str, list[int]]] = {}
        for col, t in enumerate(targets):
            self._add(col, t)
        self.width = len(headers)

    def _add(self, col: int, t: Target) -> None:
        kind = t.kind
        if kind == "skip":
            return
        if kind == "name":
            self.name[t.part].append(col)
        elif kind in ("nickname", "notes", "groups", "photo"):
            getattr(self, kind).append(col)
        elif kind in ("birthday", "anniversary", "event"):
            if t.part == "label":
                self.date_labels[t.slot] = col
            elif t.part in ("year", "month", "day"):
                self.split_dates.setdefault(kind, {})[t.part] = col
            else:
                self.dates.append((col, kind, t.slot or (t.label and f"={t.label}")))
        elif kind in ("email", "phone", "url", "im"):
            key = (kind, t.slot, "" if t.slot else t.label)
            slot = self.slots.setdefault(key, _Slot(kind, fixed_label=t.label))
            if t.part == "label":
                slot.label_col = col
            elif t.part == "platform":
                slot.platform_col = col
            else:
                slot.value.append(col)
        elif kind == "address":
            group = t.slot or t.label or "other"
            if t.part == "label":
                self.address_labels[group] = col
            else:
                self.addresses.setdefault(group, defaultdict(list))[t.part].append(col)
        elif kind == "org":
            self.orgs.setdefault(t.slot, defaultdict(list))[t.part].append(col)

    # ------------------------------------------------------------------ per row

    def contact(self, cells: list[str]) -> tuple[ParsedContact, list[str]]:
        """The row's contact (external_id unset) and warnings about values left out."""
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        warnings: list[str] = []
        c = ParsedContact(external_id=None)
        if self.name:
            c.name = Name(**{part: _joined(cells, cols) for part, cols in self.name.items()})
        for col in self.nickname:
            c.nickname.extend(v for v in split_values(cells[col].strip()) if v)
        if self.notes:
            c.notes = _joined(cells, self.notes, "\n\n")
        for col in self.groups:
            if cells[col]:
                self._groups(cells[col], c.groups)
        for col in self.photo:  # a web address (Google's export); anything else is no photo
            if cells[col].strip().startswith(("https://", "http://")):
                c.photos.append(Photo(uri=cells[col].strip()))
        for slot in self.slots.values():
            if any(cells[col] for col in slot.value):
                self._values(slot, cells, c)
        for group, parts in self.addresses.items():
            if any(cells[col] for cols in parts.values() for col in cols):
                c.addresses.append(self._address(group, parts, cells))
        for parts in self.orgs.values():
            org = Organization(**{p: _joined(cells, cols, ", ") for p, cols in parts.items()})
            if org.name or org.title or org.department:
                c.organizations.append(org)
        for col, kind, slot in self.dates:
            if cells[col]:
                self._date(col, kind, slot, cells, c, warnings)
        for kind, parts in self.split_dates.items():
            self._split_date(kind, parts, cells, c, warnings)
        return c, warnings

    def _split_date(self, kind: str, parts: dict[str, int], cells: list[str], c: ParsedContact,
                    warnings: list[str]) -> None:
        texts = {p: cells[col].strip() for p, col in parts.items()}
        if not any(texts.values()):
            return
        try:
            month, day = int(texts.get("month", "")), int(texts.get("day", ""))
            year = int(texts["year"]) if texts.get("year") else None
            if not (1 <= month <= 12 and 1 <= day <= 31):
                raise ValueError(month)
        except ValueError:
            shown = "/".join(texts.get(p, "") for p in ("year", "month", "day"))
            warnings.append(f"{kind} {shown!r} (year/month/day) is not a date Kith can read; "
                            "it was left out")
            return
        (c.birthdays if kind == "birthday" else c.anniversaries).append(
            DateValue(month=month, day=day, year=year or None))

    @staticmethod
    def _groups(cell: str, groups: list[str]) -> None:
        for part in split_values(cell):
            for g in part.split(";"):
                g = g.strip().lstrip("*").strip()
                if g and g.casefold() not in SYSTEM_GROUPS and g not in groups:
                    groups.append(g)

    def _values(self, slot: _Slot, cells: list[str], c: ParsedContact) -> None:
        label, primary = (read_label(cells[slot.label_col]) if slot.label_col >= 0
                          else (slot.fixed_label, False))
        platform = cells[slot.platform_col].strip().casefold() if slot.platform_col >= 0 else ""
        if slot.kind == "im" and not platform:
            platform, label = (label or "im").casefold(), ""
        target = {"email": c.emails, "phone": c.phones, "url": c.urls,
                  "im": c.usernames}[slot.kind]
        for col in slot.value:
            for value in split_values(cells[col].strip()):
                if value:
                    target.append(ContactValue(value=value, label=label, primary=primary,
                                               platform=platform))
                    primary = False

    def _address(self, group: str, parts: dict[str, list[int]], cells: list[str]) -> Address:
        label = group if not group.isdigit() else ""
        if group in self.address_labels:
            label, _ = read_label(cells[self.address_labels[group]])
        address = Address(label=label)
        for part, cols in parts.items():
            if part != "formatted":
                setattr(address, part, _joined(cells, cols, "\n"))
        if address.is_blank() and "formatted" in parts:
            address.street = _joined(cells, parts["formatted"], "\n")
        return address

    def _date(self, col: int, kind: str, slot: str, cells: list[str], c: ParsedContact,
              warnings: list[str]) -> None:
        text = cells[col].strip()
        if not text:
            return
        label = slot[1:] if slot.startswith("=") else ""
        if kind == "event" and slot in self.date_labels:
            label, _ = read_label(cells[self.date_labels[slot]])
        try:
            date = parse_date_text(text, self.day_first)
        except ValueError:
            warnings.append(f"{self.headers[col]} {text!r} is not a date Kith can read; "
                            "it was left out")
            return
        if date is None:
            return
        date.label = label if label.casefold() != "anniversary" else ""
        # Until custom dates get their own home, a labelled event is an anniversary with its
        # label (what the vCard reader does with X-ABDATE).
        (c.birthdays if kind == "birthday" else c.anniversaries).append(date)

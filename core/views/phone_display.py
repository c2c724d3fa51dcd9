"""Phone numbers and dates formatted for reading, the same way in the list and on the card.

A stored phone is its E.164 key ("+491513018681"). The owner reads it in the national form
when it is a number of the owner's own region ("0151 3018681"), in the international form
otherwise ("+49 151 3018681"). ``phonenumbers`` formats numbers its metadata knows; a number
it cannot place (a length its patterns do not cover, as in many address books) is grouped as
country code, a three-digit prefix and the rest, which is how such numbers are usually
written. Values that are not E.164 (a number kept as the source wrote it) are shown as they
are.

This module imports no SQLAlchemy: the GUI's first look at the database (app.first_look)
formats its rows with it before the database layer is loaded.
"""

from __future__ import annotations

import calendar
import locale
import os
from functools import cache, lru_cache
from typing import Any

_owner_region = ""


@cache
def _phonenumbers() -> tuple[Any, dict[int, tuple[str, ...]]]:
    """``phonenumbers`` and its country-code table, imported on first use: the GUI imports
    this module at start-up, and the import (30-50 ms) belongs on the worker that formats
    the first rows, not on the GUI thread before the window shows."""
    import phonenumbers
    from phonenumbers.data import _COUNTRY_CODE_TO_REGION_CODE

    return phonenumbers, _COUNTRY_CODE_TO_REGION_CODE


def _region_from_locale() -> str:
    """The owner's country from the environment's locale ("de_DE.UTF-8" -> "DE")."""
    for name in ("LC_ALL", "LC_TELEPHONE", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if "_" in value:
            region = value.split("_", 1)[1][:2].upper()
            if region.isalpha():
                return region
    try:
        value = locale.getlocale()[0] or ""
    except ValueError:
        value = ""
    return value.split("_", 1)[1][:2].upper() if "_" in value else ""


def owner_region() -> str:
    """The region whose numbers are shown in national form (settings, else the locale)."""
    return _owner_region or _region_from_locale()


def set_owner_region(region: str) -> None:
    """Set by the app from its settings (``ingest/default_region``); "" means the locale."""
    global _owner_region
    _owner_region = (region or "").strip().upper()[:2]
    format_phone.cache_clear()


def _number(digits: str) -> Any:
    phonenumbers, regions_of_code = _phonenumbers()
    for size in (1, 2, 3):
        code = int(digits[:size]) if len(digits) > size else 0
        if code in regions_of_code:
            national = digits[size:]
            zeros = len(national) - len(national.lstrip("0"))
            return phonenumbers.PhoneNumber(country_code=code, national_number=int(national or "0"),
                               italian_leading_zero=zeros > 0 or None,
                               number_of_leading_zeros=zeros if zeros > 1 else None)
    return None


def _grouped(code: int, national: str, domestic: bool) -> str:
    """Fallback grouping for a number the metadata cannot format."""
    phonenumbers, _regions = _phonenumbers()
    head, tail = national[:3], national[3:]
    if domestic:
        trunk = phonenumbers.PhoneMetadata.metadata_for_region(
            phonenumbers.region_code_for_country_code(code))
        prefix = (trunk.national_prefix or "") if trunk is not None else ""
        return " ".join(p for p in (prefix + head, tail) if p)
    return " ".join(p for p in (f"+{code}", head, tail) if p)


@lru_cache(maxsize=4096)  # about 1 MB; a page of rows is a few dozen
def format_phone(value: str, region: str | None = None) -> str:
    """``value`` (an E.164 phone key, maybe with ";ext=N") formatted for reading."""
    if not value.startswith("+"):
        return value
    digits, _, extension = value[1:].partition(";ext=")
    number = _number(digits) if digits.isdigit() else None
    if number is None:
        return value
    phonenumbers, regions_of_code = _phonenumbers()
    home = owner_region() if region is None else region.upper()
    domestic = bool(home) and home in regions_of_code.get(number.country_code, ())
    kind = phonenumbers.PhoneNumberFormat
    style = kind.NATIONAL if domestic else kind.INTERNATIONAL
    text = phonenumbers.format_number(number, style)
    rest = text.removeprefix(f"+{number.country_code}").strip()
    if not any(ch in rest for ch in " -()"):  # the metadata had no pattern for it
        national = digits[len(str(number.country_code)):]
        text = _grouped(number.country_code, national, domestic)
    return f"{text} ext. {extension}" if extension else text


def warm_up(values: list[str]) -> None:
    """Load what formatting ``values`` will need (``phonenumbers`` and each country's
    metadata, a module import each) by formatting one number per country prefix, here on the
    worker, so the GUI thread never pays an import when it formats them later."""
    seen: set[str] = set()
    for value in values:
        if value.startswith("+") and value[:4] not in seen:
            seen.add(value[:4])
            format_phone(value)


def is_bare_number(written: str) -> bool:
    """True when a source wrote a phone as bare digits ("+491513018681", "01513018681"):
    such a number is formatted for reading; one the source laid out itself ("+49 30
    1234567", "(905) 555-1234") is shown as written (DESIGN section 8)."""
    text = written.strip().removeprefix("+")
    return text.isdigit()


def shown_handle(platform: str, value: str, written: str, is_valid: bool) -> str:
    """An address or number as the card, the list and the review show it: as its source
    wrote it (``written``; the normalised ``value`` when none), a valid phone the source
    wrote as bare digits formatted for reading (DESIGN section 8)."""
    text = written or value
    if platform == "phone" and is_valid and is_bare_number(text):
        return format_phone(value)
    return text


def format_date(month: int, day: int, year: int | None = None) -> str:
    """A day for reading in the locale's language: "16 June", "16 June 1990" (never
    "--06-16"); the month name comes from the C library's locale."""
    try:
        month_name = calendar.month_name[month]
    except IndexError:
        return f"{day}.{month}." + (str(year) if year else "")
    text = f"{day} {month_name}"
    return f"{text} {year}" if year else text

"""Normalisation of handle values and text, shared by ingest, lookup and search.

One definition of "the same email/phone" is what makes re-syncs converge and reverse lookups
find what ingest stored, so every caller goes through these functions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import phonenumbers

EMAIL = "email"
PHONE = "phone"

_SPACE_RE = re.compile(r"\s+")
_PHONE_KEEP_RE = re.compile(r"[^0-9+*#]")
_EXTENSION_RE = re.compile(r"(?:;ext=|\s*(?:ext\.?|extension|x|#)\s*)(\d{1,7})\s*$", re.IGNORECASE)


class NormalizedHandle(NamedTuple):
    """A handle ready to store: ``(platform, value)`` is its identity.

    A named tuple (immutable, hashable) rather than a frozen dataclass: bulk imports build
    hundreds of thousands of them, several times cheaper this way, and they cross process
    boundaries as plain tuples.
    """

    platform: str
    value: str
    display_value: str
    is_valid: bool = True


#: Unicode combining marks (the blocks NFKD moves accents into).
_MARKS_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_PAST_02FF_RE = re.compile("[\u0300-\U0010ffff]")


def fold(text: str) -> str:
    """Case-fold and strip diacritics (NFKD, marks removed): "Zoë Ø" -> "zoe ø"."""
    if text.isascii():
        return " ".join(text.casefold().split())
    stripped = _MARKS_RE.sub("", unicodedata.normalize("NFKD", text))
    # Marks outside the blocks above are rare: look for them only past U+02FF (a regex
    # search, not ``max(stripped)``, which made a string per character: a fifth of a bulk
    # import's search text).
    if _PAST_02FF_RE.search(stripped) and any(
        unicodedata.combining(ch) for ch in stripped if ord(ch) > 0x2FF
    ):
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def normalize_email(raw: str) -> NormalizedHandle | None:
    """Trim and case-fold. A value without "@" is still kept (flagged) so nothing is lost."""
    value = raw.strip().strip("<>").strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if not value:
        return None
    folded = value.casefold()
    valid = "@" in folded and not folded.startswith("@") and not folded.endswith("@")
    return NormalizedHandle(EMAIL, folded, value, valid)


_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE


@lru_cache(maxsize=65536)
def _parse_phone(digits: str, region: str) -> tuple[str, bool]:
    try:
        number = phonenumbers.parse(digits, region or None)
    except phonenumbers.NumberParseException:
        return digits, False
    # IS_POSSIBLE_LOCAL_ONLY ("3456789" in region US: a number only without its area code)
    # is not a number anyone can be reached at: kept as written, flagged not valid.
    if phonenumbers.is_possible_number_with_reason(number) != _POSSIBLE:
        return digits, False
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True


#: Every ASCII character but the ones a phone number keeps, for ``str.translate``.
_ASCII_NOT_KEPT = {code: None for code in range(128) if chr(code) not in "0123456789+*#"}


def phone_chars(text: str) -> str:
    """``text`` without the characters a phone number drops (all but digits 0-9, +, *, #).

    ``str.translate`` for ASCII text (nearly every number), the regular expression for the
    rest: a regex substitution per number cost more than the rest of its normalising but
    phonenumbers' own parsing."""
    if text.isascii():
        return text.translate(_ASCII_NOT_KEPT)
    return _PHONE_KEEP_RE.sub("", text)


def _extension(text: str) -> re.Match[str] | None:
    """:data:`_EXTENSION_RE` in ``text``; searched only when ``text`` holds the "x" or "#"
    every extension marker has (";ext=", "ext", "extension", "x", "#"), which most numbers
    do not: a search tries the pattern at every character."""
    if "x" in text or "X" in text or "#" in text:
        return _EXTENSION_RE.search(text)
    return None


def normalize_phone(raw: str, region: str = "") -> NormalizedHandle | None:
    """E.164 via ``phonenumbers`` with a default region; the extension is kept as ``;ext=N``.

    A number that is not possible is stored as cleaned text (digits, +, *, #) and flagged
    invalid, so the owner still sees it and nothing is silently dropped.
    """
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    if not text:
        return None
    extension = ""
    match = _extension(text)
    if match and len(phone_chars(text[: match.start()])) >= 5:
        extension = match.group(1)
        text = text[: match.start()]
    cleaned = phone_chars(text)
    if text.lstrip().startswith("00") and not cleaned.startswith("+"):
        cleaned = "+" + cleaned.lstrip("0")
    if not cleaned:
        return None
    value, valid = _parse_phone(cleaned, (region or "").upper())
    if extension:
        value = f"{value};ext={extension}"
    return NormalizedHandle(PHONE, value, raw.strip(), valid)


def normalize_username(raw: str, platform: str) -> NormalizedHandle | None:
    """Usernames: trimmed, leading "@" dropped, case-folded (platform handles are
    case-insensitive on every network Kith knows)."""
    value = raw.strip()
    if not value:
        return None
    platform = (platform or "username").strip().casefold()
    folded = value.lstrip("@").casefold()
    return NormalizedHandle(platform, folded, value, bool(folded))


def normalize_handle(platform: str, raw: str, region: str = "") -> NormalizedHandle | None:
    """Dispatch on the channel type, as reverse lookups and ingest both need."""
    kind = platform.strip().casefold()
    if kind in (EMAIL, "mail"):
        return normalize_email(raw)
    if kind in (PHONE, "tel", "sms", "whatsapp_phone"):
        return normalize_phone(raw, region)
    return normalize_username(raw, kind)


def sort_key(family: str, given: str, display: str) -> str:
    """Ordering key for the contact list: family name first, folded."""
    key = " ".join(p for p in (family, given) if p) or display
    return fold(key)[:500]

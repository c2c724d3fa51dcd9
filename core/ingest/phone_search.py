"""Phone numbers in search: what the index holds for a number, and how a typed number is read.

The owner types a number the way it is written on a card or a letterhead: "+49 151 3018681",
"0151 3018681", "0151-3018681", "(0151) 3018681", "+49 (0) 151 3018681", the last digits
"3018681", or any part of it ("1513018"). The index (``party.search_text``, FTS5 on SQLite,
``LIKE`` on PostgreSQL) matches words by prefix, so each stored E.164 number contributes:

- its digits ("491513018681"): the international form, with or without "+";
- the national form with the country's trunk prefix ("01513018681"), from ``phonenumbers``'
  metadata (no parsing, so a 100,000-card import pays a dictionary look-up per number);
- every suffix of its digits down to MIN_SUFFIX digits ("1513018681", "513018681", ...,
  "8681"), so the last digits, and any run of MIN_SUFFIX - 1 or more digits inside the
  number, are a word prefix.

On the query side, neighbouring words that are only digits and phone punctuation are joined
into one run of digits (:func:`join_phone_words`), so "0151 3018681" searches "01513018681".
"""

from __future__ import annotations

import re
from functools import cache

from phonenumbers import PhoneMetadata
from phonenumbers.data import _COUNTRY_CODE_TO_REGION_CODE as _REGIONS_OF_CODE

#: The shortest suffix of a number that gets its own index word. A shorter run of digits is
#: still found when it is a prefix of one of those words (any run inside the number but its
#: last MIN_SUFFIX - 1 digits).
MIN_SUFFIX = 4
#: A query word that may be (part of) a phone number: digits and the punctuation people put
#: between them, with at least one digit.
_PHONE_WORD = re.compile(r"^[+(]*[0-9][0-9().\-/]*$")
_NON_DIGITS = re.compile(r"[^0-9]")


@cache
def _trunk_prefix(country_code: int) -> str:
    """The national (trunk) prefix for numbers of this country code ("0" for 49, "" for 1)."""
    for region in _REGIONS_OF_CODE.get(country_code, ()):
        metadata = PhoneMetadata.metadata_for_region(region)
        if metadata is not None:
            return metadata.national_prefix or ""
    return ""


def _split_country(digits: str) -> tuple[int, str] | None:
    """(country code, national significant number) of an E.164 number's digits."""
    for size in (1, 2, 3):
        code = int(digits[:size]) if len(digits) > size else 0
        if code in _REGIONS_OF_CODE:
            return code, digits[size:]
    return None


def phone_index_words(value: str) -> list[str]:
    """The index words for one stored phone handle (see the module docstring); [] for a
    value that is not an E.164 number (an impossible number kept as cleaned text is indexed
    as written, like any other word)."""
    if not value.startswith("+"):
        return []
    digits = value[1:].split(";", 1)[0]
    if not digits.isdigit():
        return []
    words = [digits]
    split = _split_country(digits)
    if split is not None:
        trunk = _trunk_prefix(split[0])
        if trunk and trunk + split[1] != digits:
            words.append(trunk + split[1])
    words.extend(digits[start:] for start in range(1, len(digits) - MIN_SUFFIX + 1))
    return words


def is_phone_word(word: str) -> bool:
    return bool(_PHONE_WORD.match(word))


def join_phone_words(words: list[str]) -> list[str]:
    """Neighbouring phone-like words joined into one run of digits; other words unchanged.

    "+49 (0) 151 3018681" -> ["491513018681"] (the "(0)" after a country code is the trunk
    prefix some people write in brackets and dial only at home); "0049 151..." -> "49151...".
    Words with no letter or digit (a lone "-" or "(") are dropped: they match nothing.
    """
    joined: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            digits = "".join(_NON_DIGITS.sub("", w) for w in run)
            if run[0].startswith("00") and len(digits) > 2:
                digits = digits[2:]
            joined.append(digits)
            run.clear()

    for word in words:
        if is_phone_word(word):
            if word == "(0)" and run and run[0].startswith("+"):
                continue
            run.append(word)
            continue
        flush()
        if any(ch.isalnum() for ch in word):
            joined.append(word)
    flush()
    return joined

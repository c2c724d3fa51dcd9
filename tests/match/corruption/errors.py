"""The error types real address books carry, each a small function of (rng, value).

Rates (documented here, used by ``generate``): every duplicate record gets 1, 2 or 3
modifications (probabilities ``MODIFICATIONS_PER_RECORD``), each of one type drawn with
``ERROR_RATES``; a type picks a field it can act on, so a record with no birthday never gets
a date error. The rates follow what studies of registry and address-book data report (about
half of all errors are single-character typing errors: substitution by a keyboard neighbour,
deletion, insertion, transposition), plus the errors that are not typing at all: OCR
confusions, phonetic spellings, nicknames, compound names split or joined, swapped fields,
missing values and digit errors in dates and postcodes.
"""

from __future__ import annotations

import random
import unicodedata

#: How many modifications one duplicate record gets.
MODIFICATIONS_PER_RECORD: dict[int, float] = {1: 0.55, 2: 0.30, 3: 0.15}

#: Share of modifications of each type (sums to 1).
ERROR_RATES: dict[str, float] = {
    "keyboard_substitution": 0.13,
    "insertion": 0.07,
    "deletion": 0.09,
    "transposition": 0.07,
    "ocr_confusion": 0.06,
    "phonetic_variant": 0.08,
    "nickname": 0.05,
    "token_split_merge": 0.05,
    "swapped_fields": 0.04,
    "missing_value": 0.16,
    "date_digit": 0.12,
    "postcode_digit": 0.04,
    "accents_dropped": 0.04,
}

#: Of date errors: which kind.
DATE_ERRORS: dict[str, float] = {"one_digit": 0.45, "transposed_digits": 0.15,
                                 "day_month_swapped": 0.15, "year_missing": 0.15,
                                 "year_typo": 0.10}

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_POS = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}


def _neighbours(ch: str) -> str:
    """Keys next to ``ch`` on a QWERTY keyboard (same row and the rows above/below)."""
    low = ch.lower()
    if low not in _POS:
        return ""
    r, c = _POS[low]
    out = []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            rr, cc = r + dr, c + dc
            if (dr or dc) and 0 <= rr < 3 and 0 <= cc < len(_ROWS[rr]):
                out.append(_ROWS[rr][cc])
    return "".join(out)


def _keep_case(new: str, old: str) -> str:
    return new.upper() if old.isupper() else new


def _letter_positions(word: str) -> list[int]:
    return [i for i, ch in enumerate(word) if ch.isalpha()]


def keyboard_substitution(rng: random.Random, word: str) -> str:
    spots = [i for i in _letter_positions(word) if _neighbours(word[i])]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[:i] + _keep_case(rng.choice(_neighbours(word[i])), word[i]) + word[i + 1:]


def insertion(rng: random.Random, word: str) -> str:
    if not word:
        return word
    i = rng.randrange(1, len(word) + 1)
    prev = word[i - 1]
    # Mostly a doubled letter or a neighbouring key, sometimes any letter.
    pool = prev.lower() * 3 + _neighbours(prev) + "aeiou"
    return word[:i] + rng.choice(pool) + word[i:]


def deletion(rng: random.Random, word: str) -> str:
    spots = _letter_positions(word)
    if len(spots) < 3:
        return word
    i = rng.choice(spots[1:])  # the first letter is kept more often than not
    return word[:i] + word[i + 1:]


def transposition(rng: random.Random, word: str) -> str:
    spots = [i for i in range(len(word) - 1) if word[i].isalpha() and word[i + 1].isalpha()
             and word[i] != word[i + 1]]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


#: Letters a scanner or a tired eye confuses (both directions).
OCR_PAIRS = (("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"),
             ("l", "1"), ("o", "0"), ("e", "c"), ("c", "e"), ("h", "b"), ("b", "h"),
             ("i", "l"), ("l", "i"), ("u", "ii"), ("n", "ri"), ("a", "q"), ("g", "q"),
             ("t", "f"), ("f", "t"))


def ocr_confusion(rng: random.Random, word: str) -> str:
    low = word.lower()
    found = [(a, b, i) for a, b in OCR_PAIRS for i in range(len(low)) if low.startswith(a, i)]
    if not found:
        return keyboard_substitution(rng, word)
    a, b, i = rng.choice(found)
    return word[:i] + _keep_case(b, word[i]) + word[i + len(a):]


#: Spellings that sound alike (both directions where it makes sense).
PHONETIC_PAIRS = (("ph", "f"), ("f", "ph"), ("ck", "k"), ("k", "ck"), ("c", "k"), ("k", "c"),
                  ("y", "i"), ("i", "y"), ("ie", "y"), ("ei", "ai"), ("ai", "ei"),
                  ("ey", "ay"), ("th", "t"), ("tt", "t"), ("t", "tt"), ("ll", "l"),
                  ("l", "ll"), ("nn", "n"), ("n", "nn"), ("ss", "s"), ("s", "ss"),
                  ("z", "s"), ("s", "z"), ("v", "w"), ("w", "v"), ("ou", "u"), ("oo", "u"),
                  ("ee", "i"), ("sch", "sh"), ("sh", "sch"), ("ch", "sh"), ("x", "ks"),
                  ("ks", "x"), ("mm", "m"), ("dt", "t"), ("tz", "z"), ("j", "y"),
                  ("y", "j"), ("ae", "e"), ("oe", "o"), ("ue", "u"), ("kh", "h"))


def phonetic_variant(rng: random.Random, word: str) -> str:
    low = word.lower()
    found = [(a, b, i) for a, b in PHONETIC_PAIRS for i in range(1, len(low))
             if low.startswith(a, i)]
    if not found:
        return word
    a, b, i = rng.choice(found)
    return word[:i] + b + word[i + len(a):]


def accents_dropped(rng: random.Random, word: str) -> str:
    """"Müller" -> "Muller" or "Mueller", "García" -> "Garcia" (a keyboard without them)."""
    if word.isascii():
        return word
    if rng.random() < 0.5:
        word = word.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
    return "".join(ch for ch in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(ch)).replace("ł", "l").replace("Ł", "L")


def token_split_merge(rng: random.Random, name: str) -> str:
    """"Mac Kinder" <-> "MacKinder"; "van der Berg" -> "vanderBerg"; a long name split."""
    if " " in name:
        return name.replace(" ", "" if rng.random() < 0.7 else "-", 1)
    if "-" in name:
        return name.replace("-", " " if rng.random() < 0.5 else "", 1)
    if len(name) >= 8:
        i = rng.randrange(3, len(name) - 3)
        return name[:i] + " " + name[i:]
    return name


TYPING_ERRORS = {
    "keyboard_substitution": keyboard_substitution,
    "insertion": insertion,
    "deletion": deletion,
    "transposition": transposition,
    "ocr_confusion": ocr_confusion,
    "phonetic_variant": phonetic_variant,
    "accents_dropped": accents_dropped,
}


def digit_typo(rng: random.Random, text: str) -> str:
    """One digit replaced by a neighbour on the number pad or a random one."""
    spots = [i for i, ch in enumerate(text) if ch.isdigit()]
    if not spots:
        return text
    i = rng.choice(spots)
    old = int(text[i])
    new = (old + rng.choice((-1, 1, 3, -3))) % 10 if rng.random() < 0.6 else rng.randrange(10)
    if new == old:
        new = (old + 1) % 10
    return text[:i] + str(new) + text[i + 1:]


def date_error(rng: random.Random, date: tuple[int | None, int, int]
               ) -> tuple[int | None, int, int]:
    """One of ``DATE_ERRORS`` on (year, month, day); the result is always a valid date."""
    year, month, day = date
    kind = rng.choices(list(DATE_ERRORS), weights=list(DATE_ERRORS.values()))[0]
    if kind == "year_missing" and year:
        return None, month, day
    if kind == "day_month_swapped" and day <= 12 and day != month:
        return year, day, month
    if kind == "transposed_digits":
        text = f"{day:02d}"
        if text[0] != text[1] and 1 <= int(text[::-1]) <= 28:
            return year, month, int(text[::-1])
    if kind == "year_typo" and year:
        new = int(digit_typo(rng, str(year)[2:]))
        return 1900 + new if new > 25 else 2000 + new, month, day
    for _ in range(10):  # one digit of the day or month
        text = digit_typo(rng, f"{month:02d}{day:02d}")
        m, d = int(text[:2]), int(text[2:])
        if 1 <= m <= 12 and 1 <= d <= 28 and (m, d) != (month, day):
            return year, m, d
    return year, month, day

"""String similarity for comparison levels: edit distances, Jaro-Winkler, phonetic keys.

Thin, cached wrappers over rapidfuzz (MIT; C implementations of Jaro-Winkler and the
optimal-string-alignment form of Damerau-Levenshtein) and jellyfish (MIT; Metaphone). The
same two names are compared again and again (a common surname against its namesakes,
batch after batch), so the answers for name pairs are cached.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA, Hamming, JaroWinkler

#: Jaro-Winkler bands (as Splink's defaults): >= HIGH is "close", >= LOW "similar".
JW_HIGH = 0.92
JW_LOW = 0.88


def edits(a: str, b: str, cutoff: int = 3) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: a swap of two neighbouring
    letters is one edit), capped at ``cutoff + 1``."""
    return OSA.distance(a, b, score_cutoff=cutoff)


def jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


@lru_cache(maxsize=65536)
def sound(word: str) -> str:
    """Metaphone key of a word without spaces or hyphens ("" for no letters)."""
    letters = "".join(ch for ch in word if "a" <= ch <= "z")
    return jellyfish.metaphone(letters) if letters else ""


def joined(text: str) -> str:
    """A name with its spaces and hyphens removed: "mac kinder" -> "mackinder"."""
    return text.replace(" ", "").replace("-", "")


def typo_band(a: str, b: str) -> str | None:
    """How close two (different) words are: "one_typo" (one edit, both 3+ letters),
    "close" (Jaro-Winkler >= 0.88 in words of 4+ letters, or two edits in words of 5+), "phonetic"
    (same Metaphone key) or None."""
    shortest = min(len(a), len(b))
    if shortest < 2:
        return None
    if abs(len(a) - len(b)) > 3:  # no band but sound reaches that far: skip the metrics
        key = sound(a)
        return "phonetic" if key and len(key) >= 2 and key == sound(b) else None
    distance = edits(a, b)
    if distance <= 1 and shortest >= 3:
        return "one_typo"
    # Jaro-Winkler says little about 2-3 letter names ("Li" / "Liu" score 0.91).
    if shortest >= 4 and (jaro_winkler(a, b) >= JW_LOW or (distance <= 2 and shortest >= 5)):
        return "close"
    key = sound(a)
    if key and len(key) >= 2 and key == sound(b):
        return "phonetic"
    return None


def digits_one_off(a: str, b: str) -> bool:
    """Same length, exactly one character different (a mistyped digit)."""
    return len(a) == len(b) and Hamming.distance(a, b, score_cutoff=2) == 1


def digits_transposed(a: str, b: str) -> bool:
    """Same length, two neighbouring characters swapped."""
    if len(a) != len(b) or Hamming.distance(a, b, score_cutoff=3) != 2:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (len(diff) == 2 and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])

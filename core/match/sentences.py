"""Plain-English sentences for explanation items and blocking rules (what the owner reads).

``sentence(field, level, left, right)`` says what one comparison found, in words a person
uses ("Kate is a short form of Katherine"); ``rule_sentence(code)`` says why two contacts were
compared at all ("Found because both have the same email address"). No rule codes, level
names or row ids reach the owner.
"""

from __future__ import annotations

from functools import lru_cache

from core.match.names import NICKNAMES, clean

PRIOR_SENTENCE = "Starting point for any two contacts"

_SENTENCES: dict[tuple[str, str], str] = {
    ("given", "exact"): "Both have the first name {l}",
    ("given", "one_typo"): "{l} and {r} differ by one letter, a likely typo",
    ("given", "close"): "{l} and {r} are spelled very similarly",
    ("given", "phonetic"): "{l} and {r} sound the same",
    ("given", "initial"): "{l} and {r}: one first name is just the initial of the other",
    ("given", "swapped"): "{l} and {r} have the same names with first and last name swapped",
    ("given", "gender_form"): "{l} and {r} are the male and female forms of one name",
    ("given", "different"): "{l} and {r} are different first names",
    ("family", "exact"): "Both have the last name {l}",
    ("family", "joined"): "{l} and {r} are the same last name, written with or without a space",
    ("family", "one_typo"): "{l} and {r} differ by one letter, a likely typo",
    ("family", "close"): "{l} and {r} are spelled very similarly",
    ("family", "phonetic"): "{l} and {r} sound the same",
    ("family", "part"): "{l} and {r}: one last name is part of the other",
    ("family", "different"): "{l} and {r} are different last names",
    ("name", "namesakes"): "In this address book, different people have names as alike as "
                           "{l} and {r} more often than each name alone suggests",
    ("household", "same_home"): "People of one household share a last name and a home "
                                "(address, landline or family email), so together these say "
                                "less than each alone",
    ("household", "same_home_2"): "People of one household share a last name and a home "
                                  "(address, landline or family email), so together these "
                                  "say less than each alone",
    ("household", "same_home_3"): "People of one household share a last name and a home "
                                  "(address, landline or family email), so together these "
                                  "say less than each alone",
    ("household", "kin"): "{l} and {r} look like two people of one home (by their first "
                          "names, Jr./Sr. or birth dates): a household shares its address, "
                          "landline and family email, twins even a birthday, so here these "
                          "count for nothing",
    ("generation", "same"): "Both names carry {l}",
    ("generation", "one_side"): "{l} and {r}: only one name carries a generation marker",
    ("generation", "different"): "{l} and {r}: one name, two generations (a parent and a "
                                 "child)",
    ("email", "exact"): "Both use the email address {l}",
    ("email", "role"): "Both list {l}, a shared address (like info@) that says little",
    ("email", "same_local_part"): "{l} and {r} have the same mailbox name at different providers",
    ("email", "typo"): "{l} and {r} differ by one character, perhaps a typo",
    ("email", "different"): "No email address in common ({l} and {r})",
    ("phone", "exact"): "Both have the number {l}",
    ("phone", "landline"): "Both list the landline {l}, which a household may share",
    ("phone", "household"): "Both list {l}, a number shared by several people",
    ("phone", "typo"): "{l} and {r} differ by one digit, perhaps a typo",
    ("phone", "different_mobile"): "Different mobile numbers ({l} and {r})",
    ("phone", "different"): "No phone number in common ({l} and {r})",
    ("birthday", "exact"): "Both were born on {l}",
    ("birthday", "day_month"): "Same birthday ({l} and {r}); one year is unknown",
    ("birthday", "one_digit"): "Birthdays {l} and {r} differ by one digit, a likely typo",
    ("birthday", "transposed"): "Birthdays {l} and {r} have two digits swapped, a likely typo",
    ("birthday", "day_month_swapped"): "Birthdays {l} and {r} have day and month swapped",
    ("birthday", "day_month_typo"): "Birthdays {l} and {r} differ by one digit and one year "
                                    "is unknown: many people's birthdays are that close",
    ("birthday", "year_differs"): "Same day and month but different years ({l} and {r})",
    ("birthday", "conflict"): "Different birthdays ({l} and {r})",
    ("birthday", "generation"): "Birthdays a generation apart ({l} and {r}), as a parent's "
                                "and a child's",
    ("address", "same_street"): "Both live at {l}",
    ("address", "fuzzy_street"): "Nearly the same street address ({l} and {r}), a likely typo",
    ("address", "postcode_typo"): "Postcodes differ by one digit ({l} and {r})",
    ("address", "same_area"): "Addresses in the same town or postcode ({l} and {r})",
    ("address", "different"): "Different addresses ({l} and {r})",
    ("organisation", "same"): "Both work at {l}",
    ("organisation", "similar"): "Similar organisations ({l} and {r})",
    ("organisation", "different"): "Different organisations ({l} and {r})",
}


def sentence(field: str, level: str, left: str, right: str) -> str:
    """The plain sentence for one explanation item."""
    if (field, level) == ("given", "nickname"):
        short, long = (left, right) if _is_short_form(left, right) else (right, left)
        return f"{short} is a short form of {long}" if short != long else \
            f"{left} and {right} are forms of one name"
    if (field, level) == ("name", "namesakes") and left == right:  # not "as X and X"
        return (f"In this address book, different people share a name like {left} more "
                "often than each part of it alone suggests")
    template = _SENTENCES.get((field, level))
    if template is None:
        return f"{field}: {left} and {right}"
    return template.format(l=left, r=right)


@lru_cache(maxsize=65536)
def written(token: str, display: str) -> str:
    """A folded name token as the owner wrote it in ``display``: "muller" in "Katherine
    Müller" -> "Müller" (diacritics, capitals, hyphens kept). The words of the display name
    that fold to the token (or one hyphenated word that starts with it: "Eun-ji" for "eun"),
    else the token capitalised word by word when the display name
    does not hold it (a name taken from the structured fields)."""
    words = display.split()
    wanted = token.split()
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            folded = clean(" ".join(words[start:end])).split()
            # One written word may hold more than the compared token: "Eun-ji" for "eun".
            if folded == wanted or (end == start + 1 and folded[:len(wanted)] == wanted):
                return _trim(" ".join(words[start:end]))
            if len(folded) >= len(wanted):
                break
    return " ".join(w[:1].upper() + w[1:] for w in wanted)


def _trim(text: str) -> str:
    """Punctuation around a written name goes ("Müller," in "Müller, Katherine")."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] != ".":
        end -= 1
    return text[start:end]


def _is_short_form(a: str, b: str) -> bool:
    x, y = a.casefold(), b.casefold()
    return NICKNAMES.get(x) == y or (x in NICKNAMES and y not in NICKNAMES) or len(x) < len(y)


#: Blocking rule code -> why two contacts were compared.
RULE_SENTENCES: dict[str, str] = {
    "em": "Found because both have the same email address",
    "ph": "Found because both have the same phone number",
    "fn": "Found because both have the same name",
    "fi": "Found because both have the same last name and first initial, or one has no "
          "first name",
    "sf": "Found because the last names have the same letters and the first initials are "
          "the same",
    "py": "Found because last names sound alike and the birth year is the same",
    "pg": "Found because both first and last names sound alike",
    "og": "Found because both have the same first name and organisation",
    "gb": "Found because both have the same first name and birthday",
    "ad": "Found because both have the same street address",
    "bd": "Found because both have the same date of birth",
    "fp": "Found because both have the same last name and postcode",
    "jn": "Found because the last names match when written without spaces",
    "qg": "Found because the names start with the same letters",
    "ne": "Found because the names end with the same letters",
    "ns": "Found because the names end or start with the same letters",
    "fe": "Found because the last names end with the same letters and the first initials "
          "are the same",
    "sl": "Found because the short names are written with the same letters",
    "dm": "Found because both have the same birthday and initial",
    "an": "Found because both have the same house number and postcode or town",
    "ym": "Found because both were born in the same month and year and share an initial",
}


def rule_sentence(code: str) -> str:
    """The plain sentence for one blocking rule (by code or by stored rule name)."""
    from core.match.blocking import RULE_CODES

    code = RULE_CODES.get(code, code)
    return RULE_SENTENCES.get(code, "Found because some details are the same")

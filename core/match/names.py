"""Name and value normalisation for *comparison* (not for storage).

Stored values keep what the source said; comparing needs a harder fold: accents and case
gone (Unicode NFKD, marks stripped, case-folded: no GPL transliteration library), "Family,
Given" order undone, prefixes and suffixes dropped, nicknames mapped to their formal name,
and a phonetic key so "Meyer" and "Maier" land in one block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.ingest.normalize import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NON_ALNUM_RE = re.compile(r"[^0-9a-z\u00c0-\uffff ]+")

PREFIXES = _words(
    "mr mrs ms miss mx dr prof sir dame rev fr herr frau hr fr dipl ing mag mme mlle m sr sra "
    "srta dott dottssa"
)
SUFFIXES = _words("jr sr ii iii iv v phd md esq mba msc bsc dds")

#: Nickname -> formal given name. Small on purpose: common English forms plus a few others.
NICKNAMES: dict[str, str] = {
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert", "bert": "robert",
    "bill": "william", "billy": "william", "will": "william", "willy": "william",
    "liam": "william", "dick": "richard", "rick": "richard", "ricky": "richard",
    "rich": "richard", "jim": "james", "jimmy": "james", "jamie": "james",
    "mike": "michael", "mikey": "michael", "mick": "michael", "tom": "thomas",
    "tommy": "thomas", "joe": "joseph", "joey": "joseph", "jack": "john", "johnny": "john",
    "jon": "john", "dave": "david", "davy": "david", "dan": "daniel", "danny": "daniel",
    "steve": "steven", "stephen": "steven", "chris": "christopher", "kit": "christopher",
    "matt": "matthew", "tony": "anthony", "andy": "andrew", "drew": "andrew",
    "nick": "nicholas", "ben": "benjamin", "benny": "benjamin", "sam": "samuel",
    "alex": "alexander", "sandy": "alexander", "ed": "edward", "eddie": "edward",
    "ted": "edward", "ned": "edward", "fred": "frederick", "freddie": "frederick",
    "greg": "gregory", "harry": "henry", "hank": "henry", "jeff": "jeffrey",
    "jerry": "gerald", "larry": "lawrence", "len": "leonard", "leo": "leonard",
    "pete": "peter", "phil": "philip", "ray": "raymond", "ron": "ronald", "ronnie": "ronald",
    "tim": "timothy", "timmy": "timothy", "walt": "walter", "charlie": "charles",
    "chuck": "charles", "chas": "charles", "frank": "francis", "gene": "eugene",
    "kate": "katherine", "katie": "katherine", "kathy": "katherine", "cathy": "katherine",
    "catherine": "katherine", "kathryn": "katherine", "liz": "elizabeth", "lizzie": "elizabeth",
    "beth": "elizabeth", "betty": "elizabeth", "eliza": "elizabeth", "bess": "elizabeth",
    "jen": "jennifer", "jenny": "jennifer", "maggie": "margaret", "meg": "margaret",
    "peggy": "margaret", "sue": "susan", "susie": "susan", "suzy": "susan",
    "patty": "patricia", "pat": "patricia", "trish": "patricia", "becky": "rebecca",
    "debbie": "deborah", "deb": "deborah", "abby": "abigail", "vicky": "victoria",
    "tori": "victoria", "mandy": "amanda", "manda": "amanda", "cindy": "cynthia",
    "jo": "josephine", "josie": "josephine", "annie": "anne", "ann": "anne", "anna": "anne",
    "nancy": "anne", "molly": "mary", "polly": "mary", "sally": "sarah", "sara": "sarah",
    "ellie": "eleanor", "nell": "eleanor", "nellie": "eleanor", "dotty": "dorothy",
    "dot": "dorothy", "jess": "jessica", "jessie": "jessica", "sophie": "sophia",
    "hans": "johannes", "sepp": "josef", "joseph": "josef", "franz": "franziskus",
    "kathi": "katharina", "lena": "magdalena", "lisa": "elisabeth", "jan": "johannes",
    "paco": "francisco", "pepe": "jose", "nacho": "ignacio", "lupe": "guadalupe",
    "sasha": "alexander", "misha": "mikhail", "kolya": "nikolai",
}

_INITIAL_RE = re.compile(r"^[a-z]$")


@lru_cache(maxsize=262144)
def clean(text: str) -> str:
    """Folded text with punctuation turned to spaces: "O'Brien-Smith" -> "o brien smith"."""
    if not text:
        return ""
    return " ".join(_NON_ALNUM_RE.sub(" ", fold(text)).split())


def formal_given(token: str) -> str:
    """The formal form of a given name token (nickname table), itself when unknown."""
    return NICKNAMES.get(token, token)


def is_initial(token: str) -> bool:
    return bool(_INITIAL_RE.match(token))


@dataclass(frozen=True, slots=True)
class CompareName:
    """A person's name ready for comparison: folded tokens without prefixes or suffixes."""

    given: str  # first given token (may be an initial)
    family: str  # family name, all tokens joined by a space
    middle: str = ""
    nickname: str = ""

    @property
    def formal(self) -> str:
        return formal_given(self.given)

    @property
    def initial(self) -> str:
        return self.given[:1]

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.given, self.family) if p)

    def is_blank(self) -> bool:
        return not (self.given or self.family)


def _strip_affixes(tokens: list[str]) -> list[str]:
    while tokens and tokens[0] in PREFIXES and len(tokens) > 1:
        tokens = tokens[1:]
    while tokens and tokens[-1] in SUFFIXES and len(tokens) > 1:
        tokens = tokens[:-1]
    return tokens


def split_display_name(display: str) -> tuple[str, str]:
    """(given, family) from a formatted name: "Smith, John" and "John Smith" both work."""
    if "," in display:
        family, _, given = display.partition(",")
        family_tokens = _strip_affixes(clean(family).split())
        given_tokens = _strip_affixes(clean(given).split())
        if given_tokens and given_tokens[-1] in SUFFIXES:
            given_tokens = given_tokens[:-1]
        return (given_tokens[0] if given_tokens else "", " ".join(family_tokens))
    tokens = _strip_affixes(clean(display).split())
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return tokens[0], ""
    return tokens[0], tokens[-1]


_EMAIL_LIKE_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LOCAL_WORD_RE = re.compile(r"[^a-z]+")


def names_of_display(display: str) -> tuple[str, str]:
    """(given, family) of a contact known by its display name only.

    A source that has no name for a contact shows its email address or number instead, and
    those are no name: "desk@example.org" is not a "Desk Org", and the domain of
    "john.smith@example.com" is nobody's family name (every ".com" contact would share it).
    An address names a person only through a mailbox name of two or more words ("john.smith",
    "j_smith84"), and not a role's ("info.sales"); a display without letters names nobody.
    """
    text = display.strip()
    if _EMAIL_LIKE_RE.match(text):
        from core.match.values import is_role_local  # values builds on this module

        local = fold(text.partition("@")[0]).partition("+")[0]
        words = [w for w in _LOCAL_WORD_RE.split(local) if w]
        if len(words) < 2 or is_role_local(local) or is_role_local(words[0]):
            return "", ""
        return words[0], words[-1]
    if not any(ch.isalpha() for ch in text):
        return "", ""
    return split_display_name(text)


@lru_cache(maxsize=262144)
def compare_name(given: str, family: str, middle: str, display: str, nickname: str = "",
                 ) -> CompareName:
    """Build the comparison name from structured parts, falling back to the display name."""
    g = _strip_affixes(clean(given).split())
    f = _strip_affixes(clean(family).split())
    g_token = g[0] if g else ""
    f_text = " ".join(t for t in f if t not in SUFFIXES)
    if not g_token and not f_text and display:
        g_token, f_text = names_of_display(display)
    nick = clean(nickname).split()
    return CompareName(g_token, f_text, clean(middle), nick[0] if nick else "")


_SOUNDEX = str.maketrans(
    "abcdefghijklmnopqrstuvwxyz",
    "01230120022455012623010202",
)


@lru_cache(maxsize=262144)
def phonetic_key(name: str) -> str:
    """A Soundex-style key of the last family token ("meyer", "maier" -> "m600").

    Soundex is public domain and enough for blocking: it only decides which pairs get
    compared, never the score.
    """
    tokens = clean(name).split()
    if not tokens:
        return ""
    word = "".join(ch for ch in tokens[-1] if "a" <= ch <= "z")
    if not word:
        return ""
    codes = word.translate(_SOUNDEX)
    out = [word[0]]
    last = codes[0]
    for ch, code in zip(word[1:], codes[1:], strict=True):
        if code != "0" and code != last:
            out.append(code)
        if ch not in "hw":
            last = code
    return ("".join(out) + "000")[:4]


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in 0..1 (pure Python; names are short)."""
    if a == b:
        return 1.0 if a else 0.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    a_match = [False] * la
    b_match = [False] * lb
    matches = 0
    for i, ch in enumerate(a):
        lo, hi = max(0, i - window), min(lb, i + window + 1)
        for j in range(lo, hi):
            if not b_match[j] and b[j] == ch:
                a_match[i] = b_match[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_chars = [c for c, m in zip(a, a_match, strict=True) if m]
    b_chars = [c for c, m in zip(b, b_match, strict=True) if m]
    transpositions = sum(x != y for x, y in zip(a_chars, b_chars, strict=True)) / 2
    jaro = (matches / la + matches / lb + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def within_one_edit(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one insertion, deletion, substitution or swap of two
    neighbouring letters (optimal string alignment distance <= 1)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    if la > lb:
        return a[i + 1:] == b[i:]
    return a[i:] == b[i + 1:]

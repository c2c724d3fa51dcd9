"""Match evidence as the owner reads it: plain sentences and a waterfall whose rows add up.

The duplicate model explains a score as a list of (field, level, left, right, weight) items
and names the blocking rule that paired two contacts. Those names ("full_name_any_order",
"name: nickname") are the engine's words, not the owner's. This module turns them into plain
sentences and into a waterfall that starts with the prior ("Starting point") as its own row,
so the rows shown always sum exactly to the total shown.

When the engine already gives a plain sentence (an item's ``sentence``, a ``prior`` item at
the head of the list, a sentence function for blocking rules in ``core.match.blocking``), it
is used as is; the tables below are the fallback for stored suggestions and older engines.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.views.phone_display import format_date

#: Why two contacts were compared at all, by blocking rule (name or short code).
RULE_SENTENCES: dict[str, str] = {
    "same_email": "Found because both have the same email address",
    "same_phone": "Found because both have the same phone number",
    "full_name_any_order": "Found because both have the same name",
    "family_name_and_first_initial": "Found because both have the same family name and "
                                     "first initial",
    "phonetic_family_and_birth_year": "Found because the family names sound alike and the "
                                      "birth year is the same",
    "phonetic_family_and_given_name": "Found because the family names sound alike and the "
                                      "given names are the same",
    "organisation_and_given_name": "Found because both have the same given name and "
                                   "organisation",
    "given_name_and_birthday": "Found because both have the same given name and birthday",
    "street_address": "Found because both have the same street address",
}
_RULE_CODES = {"em": "same_email", "ph": "same_phone", "fn": "full_name_any_order",
               "fi": "family_name_and_first_initial", "py": "phonetic_family_and_birth_year",
               "pg": "phonetic_family_and_given_name", "og": "organisation_and_given_name",
               "gb": "given_name_and_birthday", "ad": "street_address"}
#: Names a function in core.match.blocking may have that turns a rule into a sentence.
_RULE_SENTENCE_FUNCTIONS = ("rule_sentence", "plain_rule", "describe_rule", "rule_text")

PRIOR_FIELD = "prior"
PRIOR_LABEL = "Starting point"
PRIOR_HINT = ("How likely any two contacts that look alike are the same person, before "
              "the evidence below")


def _engine_rule_sentence(rule: str) -> str:
    """The engine's own sentence for a rule, when this build has one (else "")."""
    import importlib

    for module, name, many in (("core.match.sentences", "rule_sentence", False),
                               ("core.match.blocking", "rule_sentences", True),
                               *(("core.match.blocking", n, False)
                                 for n in _RULE_SENTENCE_FUNCTIONS)):
        try:
            fn = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if not callable(fn):
            continue
        try:
            text = fn([rule]) if many else fn(rule)
        except (KeyError, ValueError, TypeError, IndexError):
            continue
        if many:
            text = text[0] if text else ""
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def rule_sentence(rule: str) -> str:
    """"Found because both have the same name" for the rule that paired two contacts."""
    rule = (rule or "").strip()
    if not rule:
        return ""
    name = _RULE_CODES.get(rule, rule)
    if name in RULE_SENTENCES:  # known here: no need to ask the engine
        engine = _engine_rule_sentence(rule)
        return engine if engine and "some details" not in engine else RULE_SENTENCES[name]
    return _engine_rule_sentence(rule) or "Found because some details are the same"


def _names_apart(left: str, right: str) -> tuple[str, str]:
    """The parts of two names that differ ("Kate", "Katherine" of "Kate Müller" and
    "Katherine Müller")."""
    a, b = left.split(), right.split()
    while a and b and a[-1].casefold() == b[-1].casefold():
        a, b = a[:-1], b[:-1]
    while a and b and a[0].casefold() == b[0].casefold():
        a, b = a[1:], b[1:]
    return " ".join(a), " ".join(b)


_ISO_DATE = re.compile(r"(?<![\d-])(\d{4}|-)-(\d{2})-(\d{2})(?!\d)")
_E164 = re.compile(r"\+\d{8,15}\b")


def _date(match: re.Match[str]) -> str:
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    if not 1 <= month <= 12:
        return match.group(0)
    return format_date(month, day, None if year == "-" else int(year))


def _phone(match: re.Match[str]) -> str:
    try:
        import phonenumbers

        number = phonenumbers.parse(match.group(0), None)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except Exception:  # noqa: BLE001 - phonenumbers raises its own parse errors
        return match.group(0)


def readable_values(text: str) -> str:
    """Dates and phone numbers inside a sentence as people write them: "1979-06-25" ->
    "25 June 1979", "--06-16" -> "16 June", "+491513018681" -> "+49 1513 018681"."""
    return _E164.sub(_phone, _ISO_DATE.sub(_date, text))


def item_sentence(item: Any) -> str:
    """One evidence item as a plain sentence (the engine's own when it has one)."""
    field = str(getattr(item, "field", "") or "")
    level = str(getattr(item, "level", "") or "")
    left = str(getattr(item, "left", "") or "")
    right = str(getattr(item, "right", "") or "")
    sentence = str(getattr(item, "sentence", "") or "").strip()
    if field == "name" and level == "nickname" and "short form" not in sentence:
        a, b = _names_apart(left, right)
        if a and b:
            short, full = sorted((a, b), key=len)
            return f"{short} is a short form of {full}"
    if sentence:
        return readable_values(sentence)
    try:
        from core.match.weights import LEVELS
        text = LEVELS[(field, level)][2]
    except (ImportError, KeyError, IndexError):
        text = f"{field} {level}".replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else ""


@dataclass(frozen=True, slots=True)
class WaterfallRow:
    """One bar: what it says, its weight as shown (rounded), and its tooltip."""

    label: str
    weight: float
    tooltip: str = ""
    is_prior: bool = False


@dataclass(frozen=True, slots=True)
class Waterfall:
    rows: tuple[WaterfallRow, ...]
    #: The total shown; always exactly the sum of the rows' shown weights.
    total: float


def _round_to_total(values: Sequence[float], total: float, step: float = 0.1) -> list[float]:
    """Round ``values`` to ``step`` so that they sum exactly to ``total`` rounded to ``step``
    (largest remainder), instead of rounding each and leaving a gap nobody can explain."""
    units = [v / step for v in values]
    floors = [math.floor(u) for u in units]
    target = round(total / step)
    missing = target - sum(floors)
    order = sorted(range(len(units)), key=lambda i: units[i] - floors[i], reverse=True)
    if missing < 0:
        order = sorted(range(len(units)), key=lambda i: units[i] - floors[i])
    for k in range(abs(missing)):
        floors[order[k % len(order)]] += 1 if missing > 0 else -1
    return [round(f * step, 1) + 0.0 for f in floors]


def waterfall(items: Sequence[Any], total: float) -> Waterfall:
    """The rows of an explanation, the prior first, summing exactly to the total shown.

    The prior is the explanation's own first item when its field is "prior"; otherwise it is
    what the total has beyond the listed weights (total minus their sum).
    """
    items = list(items)
    prior_item = next((i for i in items if getattr(i, "field", "") == PRIOR_FIELD), None)
    evidence = [i for i in items if i is not prior_item]
    if not items:
        return Waterfall((), 0.0)
    weights = [float(getattr(i, "weight", 0.0) or 0.0) for i in evidence]
    if prior_item is not None:
        prior = float(getattr(prior_item, "weight", 0.0) or 0.0)
        prior_tip = str(getattr(prior_item, "sentence", "") or "") or PRIOR_HINT
    else:
        prior = float(total) - sum(weights)
        prior_tip = PRIOR_HINT
    shown = _round_to_total([prior, *weights], float(total))
    rows = [WaterfallRow(PRIOR_LABEL, shown[0], prior_tip, is_prior=True)]
    for item, weight in zip(evidence, shown[1:], strict=True):
        left, right = str(getattr(item, "left", "") or ""), str(getattr(item, "right", "") or "")
        tip = left if left == right else f"{left}  ·  {right}" if left or right else ""
        tip = readable_values(tip)
        rows.append(WaterfallRow(item_sentence(item), weight, tip))
    return Waterfall(tuple(rows), round(sum(shown), 1) + 0.0)

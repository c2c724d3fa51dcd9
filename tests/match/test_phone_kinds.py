"""Phone kinds from the compact number-type table are exactly what phonenumbers says, and the
table stays bounded (it used to be two (number, label) caches of every phone in the book)."""

from __future__ import annotations

import phonenumbers
import pytest

from core.match import values
from core.match.compare import _phone_kind, phone_kind
from core.match.features import PhoneUse
from core.match.values import is_mobile, label_says_mobile, number_type

_NUMBERS = [
    "+4915112345678",  # DE mobile
    "+4930123456",  # DE fixed line
    "+4930123456;ext=12",
    "+12015550123",  # US: fixed line or mobile
    "+447700900123",  # GB mobile
    "+999123",  # no such country
    "+",
    "0301234567",  # not E.164: never parsed
    "",
]
_LABELS = ["", "Mobile", "CELL", "home", "Work", "fax", "main", "iPhone", "office", "other"]


def _reference_is_mobile(e164: str, label: str) -> bool:
    """The rule as it was written before the table (a phonenumbers parse per call)."""
    low = label.casefold()
    if any(w in low for w in ("mobile", "cell", "handy", "iphone", "portable")):
        return True
    if any(w in low for w in ("home", "work", "fax", "office", "landline")):
        return False
    if not e164.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(e164.split(";", 1)[0], None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def _reference_kind(value: str, label: str) -> str:
    if _reference_is_mobile(value, label):
        return "mobile"
    if any(w in label.casefold() for w in ("home", "work", "office", "landline", "fax", "main")):
        return "landline"
    if value.startswith("+"):
        try:
            kind = phonenumbers.number_type(phonenumbers.parse(value.split(";")[0], None))
        except phonenumbers.NumberParseException:
            return "unknown"
        if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
            return "landline"
    return "unknown"


@pytest.mark.parametrize("label", _LABELS)
@pytest.mark.parametrize("number", _NUMBERS)
def test_kinds_equal_the_plain_phonenumbers_rule(number: str, label: str) -> None:
    for _ in range(2):  # first from phonenumbers, then from the table
        assert is_mobile(number, label) == _reference_is_mobile(number, label)
        assert phone_kind(number, label) == _reference_kind(number, label)
        assert _phone_kind(PhoneUse(number, label, 1)) == phone_kind(number, label)


def test_label_words() -> None:
    assert label_says_mobile("Handy") is True
    assert label_says_mobile("HOME,voice") is False
    assert label_says_mobile("") is None and label_says_mobile("pager") is None


def test_number_table_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "_NUMBER_TYPES", {})
    monkeypatch.setattr(values, "NUMBER_TYPES_MAX", 5)
    numbers = [f"+49301234{i:03d}" for i in range(12)]
    kinds = [number_type(n) for n in numbers]
    assert len(values._NUMBER_TYPES) <= 5
    assert kinds == [number_type(n) for n in numbers]  # starting over changes no answer
    assert set(kinds) == {phonenumbers.PhoneNumberType.FIXED_LINE}

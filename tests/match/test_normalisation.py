"""Comparison normalisation: folding, name order, affixes, nicknames, phonetics, emails."""

from __future__ import annotations

import pytest

from core.match.names import (
    clean,
    compare_name,
    formal_given,
    is_initial,
    jaro_winkler,
    phonetic_key,
    split_display_name,
    within_one_edit,
)
from core.match.values import canonical_email, is_mobile, is_role_email, parse_birthday


def test_clean_strips_marks_case_and_punctuation() -> None:
    assert clean("Zoë  O'Brien-Šmíd") == "zoe o brien smid"
    assert clean("ＡＢＣ") == "abc"  # NFKD folds full-width letters


def test_family_given_order_and_affixes() -> None:
    assert split_display_name("Smith, John") == ("john", "smith")
    assert split_display_name("Dr. John Smith Jr.") == ("john", "smith")
    assert split_display_name("Smith, Prof. Dr. Anna") == ("anna", "smith")
    name = compare_name("", "", "", "Müller, Jürgen")
    assert (name.given, name.family) == ("jurgen", "muller")
    structured = compare_name("Mr. John", "Smith III", "", "ignored")
    assert (structured.given, structured.family) == ("john", "smith")


def test_nicknames_and_initials() -> None:
    assert formal_given("bob") == "robert"
    assert formal_given("bill") == "william"
    assert formal_given("zelda") == "zelda"
    assert is_initial("j") and not is_initial("jo")
    assert compare_name("J.", "Smith", "", "").given == "j"


def test_phonetic_key_groups_spellings() -> None:
    assert phonetic_key("Meyer") == phonetic_key("Maier") == phonetic_key("Mayer")
    assert phonetic_key("Smith") == phonetic_key("Smyth")
    assert phonetic_key("") == ""


def test_similarity_helpers() -> None:
    assert within_one_edit("martha", "marhta")
    assert within_one_edit("zener", "zner")
    assert not within_one_edit("meyer", "maier")
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.9611, abs=1e-4)
    assert jaro_winkler("", "x") == 0.0


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("J.Doe+news@GoogleMail.com", "jdoe@gmail.com"),
        ("j.doe@gmail.com", "jdoe@gmail.com"),
        ("ann+x@outlook.com", "ann@outlook.com"),
        ("ann.lee+x@web.de", "ann.lee+x@web.de"),  # web.de keeps dots and tags
    ],
)
def test_canonical_email(raw: str, canonical: str) -> None:
    assert canonical_email(raw) == canonical


def test_role_emails_and_mobiles() -> None:
    assert is_role_email("info@acme.de") and is_role_email("office@x.org")
    assert not is_role_email("anna.info@x.org")
    assert is_mobile("+4915112345678")
    assert not is_mobile("+4930123456")
    assert is_mobile("+4930123456", "Mobile")
    assert parse_birthday("--02-29") == (None, 2, 29)
    assert parse_birthday("1980-02-03") == (1980, 2, 3)
    assert parse_birthday("garbage") is None


@pytest.mark.parametrize(("display", "expected"), [
    ("desk@example.org", ("", "")),            # one word: a mailbox, not a name
    ("info.sales@firma.de", ("", "")),         # a role's mailbox
    ("john.smith@example.com", ("john", "smith")),
    ("J_Smith84@x.org", ("j", "smith")),       # digits are not part of the name
    ("anna.maria.berg+shop@x.org", ("anna", "berg")),
    ("+49 (151) 234-5678", ("", "")),
    ("Smith, John", ("john", "smith")),        # a real name as before
])
def test_display_names_that_are_addresses_or_numbers(display: str,
                                                      expected: tuple[str, str]) -> None:
    name = compare_name("", "", "", display)
    assert (name.given, name.family) == expected

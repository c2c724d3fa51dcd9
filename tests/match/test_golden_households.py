"""Golden pairs of one home: the levels and the kin item that keep family members apart
(hand-set table; see test_golden_pairs.py for the helpers and the typo levels).

Each case is a pair an address book of households holds: twins (same birthday, unrelated
first names), a parent and a child of one name (Jr./Sr., birth dates a generation apart), a
child's card listing a parent's mobile, spouses with a family email. The explanation still
adds up to the score (``levels`` checks it on every call).
"""

from __future__ import annotations

from core.match.compare import date_level, score_pair
from core.match.kin import kin_weight
from core.match.weights import DEFAULT_MIN_SCORE, WEIGHTS
from tests.match.test_golden_pairs import feats, levels

HOME = {"street": "Hauptstr. 1", "postal": "10115", "city": "Berlin"}
LANDLINE = (("+4930123456", "home", False),)


def _item(a, b, field: str):  # noqa: ANN001, ANN202 - PartyFeatures
    return next(item for item in score_pair(a, b).items if item.field == field
                and (field != "household" or item.level == "kin"))


def test_twins_shared_birthday_and_home_count_for_nothing() -> None:
    anna = feats(1, "Anna", "Berg", phones=LANDLINE, birthday=(2001, 5, 5), **HOME)
    lena = feats(2, "Lena", "Berg", phones=LANDLINE, birthday=(2001, 5, 5), **HOME)
    found = levels(anna, lena)
    assert found[0] == ("given", "different", -7.28)
    # The landline, the street and the birthday are cancelled by the kin item...
    shared = WEIGHTS[("phone", "landline")] + WEIGHTS[("address", "same_street")] + \
        WEIGHTS[("birthday", "exact")]
    assert found[-1] == ("household", "kin", round(-shared, 2))
    # ...so what is left is the names: two different first names of one family.
    assert score_pair(anna, lena).score == round(-7.5 - 7.28 + 3.23, 2)
    kin = _item(anna, lena, "household")
    assert (kin.left, kin.right) == ("Anna Berg", "Lena Berg")
    assert kin.sentence.startswith("Anna Berg and Lena Berg look like two people of one home")


def test_spouses_family_email_and_landline_count_for_nothing() -> None:
    email = ("familie.berg@web.de",)
    a = feats(1, "Peter", "Berg", emails=email, phones=LANDLINE, birthday=(1970, 3, 1), **HOME)
    b = feats(2, "Sabine", "Meyer", emails=email, phones=LANDLINE, birthday=(1972, 3, 1),
              **HOME)
    assert levels(a, b)[-1][:2] == ("household", "kin")
    assert score_pair(a, b).score < 0


def test_parent_and_child_of_one_name() -> None:
    senior = feats(1, "John", "Baker", phones=LANDLINE, birthday=(1961, 4, 9), marker="Sr.",
                   **HOME)
    junior = feats(2, "John", "Baker", phones=LANDLINE, birthday=(1990, 11, 23),
                   marker="Jr.", **HOME)
    found = levels(senior, junior)
    assert ("generation", "different", WEIGHTS[("generation", "different")]) in found
    assert ("birthday", "generation", -9.45) in found
    assert found[-1][:2] == ("household", "kin")
    assert score_pair(senior, junior).score < 0
    assert date_level((1961, 4, 9), (1990, 11, 23)) == "generation"
    assert date_level((1961, 4, 9), (1970, 11, 23)) == "conflict"  # not a generation
    generation = _item(senior, junior, "generation")
    assert (generation.left, generation.right) == ("Sr.", "Jr.")
    assert "two generations" in generation.sentence
    # One side without a marker and no birth date: the home says nothing, the names do.
    plain = feats(3, "John", "Baker", phones=LANDLINE, **HOME)
    no_date = feats(4, "John", "Baker", phones=LANDLINE, marker="Jr.", **HOME)
    found = levels(plain, no_date)
    assert ("generation", "one_side", WEIGHTS[("generation", "one_side")]) in found
    assert found[-1][:2] == ("household", "kin")
    assert score_pair(plain, no_date).score < DEFAULT_MIN_SCORE
    # The same marker on both sides is evidence for, and no kin item.
    again = feats(5, "John", "Baker", phones=LANDLINE, marker="Jr.", **HOME)
    found = levels(no_date, again)
    assert ("generation", "same", WEIGHTS[("generation", "same")]) in found
    assert all(f != "household" or lvl != "kin" for f, lvl, _ in found)
    assert score_pair(no_date, again).score >= DEFAULT_MIN_SCORE


def test_one_person_at_home_keeps_the_home_evidence() -> None:
    a = feats(1, "Anna", "Berg", phones=LANDLINE, birthday=(2001, 5, 5), **HOME)
    b = feats(2, "Anja", "Berg", phones=LANDLINE, birthday=(2001, 5, 5), **HOME)  # a typo
    found = levels(a, b)
    assert found[0][:2] == ("given", "one_typo")
    assert all(f != "household" for f, _, _ in found)
    assert score_pair(a, b).score >= DEFAULT_MIN_SCORE


def test_a_number_labelled_as_a_relatives_is_shared() -> None:
    dad = feats(1, "Ana", "Ribeiro", phones=(("+5531984406481", "mobile", False),), **HOME)
    kid = feats(2, "Gustavo", "Ribeiro", phones=(("+5531984406481", "Dad", False),), **HOME)
    found = levels(dad, kid)
    assert ("phone", "household", WEIGHTS[("phone", "household")]) in found
    assert score_pair(dad, kid).score < 0


def test_gender_forms_are_their_own_level_and_no_kin() -> None:
    mario = feats(1, "Mario", "Rossi", phones=LANDLINE, **HOME)
    maria = feats(2, "Maria", "Rossi", phones=LANDLINE, **HOME)
    found = levels(mario, maria)
    assert found[0] == ("given", "gender_form", -2.32)
    assert all(lvl != "kin" for _, lvl, _ in found)


def test_a_day_month_digit_with_a_year_missing_is_weak() -> None:
    assert date_level((None, 8, 18), (1948, 8, 28)) == "day_month_typo"
    assert date_level((1948, 8, 18), (1948, 8, 28)) == "one_digit"
    a = feats(1, "Ibrahim", "Shawky", birthday=(None, 8, 18))
    b = feats(2, "Ibrahim", "Shawky", birthday=(1948, 8, 28))
    assert levels(a, b)[-1] == ("birthday", "day_month_typo", 0.51)
    assert score_pair(a, b).score < DEFAULT_MIN_SCORE


def test_kin_weight_never_adds() -> None:
    weights = {("address", "same_street"): -1.0, ("given", "different"): -7.0}
    assert kin_weight([("given", "different"), ("address", "same_street")], weights) == 0.0

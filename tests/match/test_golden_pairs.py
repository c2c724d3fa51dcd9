"""Golden pairs: fixed inputs, fixed levels, fixed weights, fixed scores.

If a weight in core.match.weights changes, these numbers change: bump MODEL_VERSION then.
"""

from __future__ import annotations

import pytest

from core.match.blocking import pairs_from_blocks, party_keys, rule_label
from core.match.compare import score_pair
from core.match.features import PartyFeatures, PhoneUse
from core.match.names import clean, compare_name
from core.match.values import address_key, canonical_email, is_role_email
from core.match.weights import MODEL_VERSION, PRIOR, WEIGHTS, probability


def feats(pid: int, given: str = "", family: str = "", *, display: str = "",
          emails: tuple[str, ...] = (), phones: tuple[tuple[str, str, bool], ...] = (),
          birthday: tuple[int | None, int, int] | None = None, org: str = "",
          street: str = "", postal: str = "", city: str = "") -> PartyFeatures:
    f = PartyFeatures(pid, display or f"{given} {family}".strip(),
                      compare_name(given, family, "", display), clean(org), org)
    f.emails = {canonical_email(e): e for e in emails}
    f.email_locals = {canonical_email(e).partition("@")[0]: e for e in emails
                      if len(canonical_email(e).partition("@")[0]) >= 5
                      and not is_role_email(e)}
    f.phones = {v: PhoneUse(v, label, i, shared) for i, (v, label, shared) in enumerate(phones)}
    if birthday:
        f.birthdays.add(birthday)
    if street or postal or city:
        f.addresses.append(address_key(street, postal, city))
    return f


def levels(a: PartyFeatures, b: PartyFeatures) -> list[tuple[str, str, float]]:
    return [(i.field, i.level, i.weight) for i in score_pair(a, b).items]


def test_weight_table_is_versioned_and_fixed() -> None:
    assert MODEL_VERSION == "kith-fs-1"
    assert PRIOR == -7.5
    assert WEIGHTS[("name", "exact")] == 8.46
    assert WEIGHTS[("email", "exact")] == 8.97
    assert WEIGHTS[("phone", "exact")] == 8.03
    assert WEIGHTS[("birthday", "conflict")] == -7.0
    assert WEIGHTS[("phone", "household")] == 1.5
    assert WEIGHTS[("email", "role")] == 2.0
    assert probability(0) == 0.5


def test_same_person_nickname_gmail_dots_and_birthday() -> None:
    a = feats(1, "Robert", "Smith", emails=("rob.smith@gmail.com",), birthday=(1980, 2, 3))
    b = feats(2, "Bob", "Smith", emails=("robsmith+x@googlemail.com",), birthday=(1980, 2, 3))
    result = score_pair(a, b)
    assert levels(a, b) == [("name", "nickname", 7.0), ("email", "exact", 8.97),
                            ("birthday", "exact", 6.0)]
    assert result.score == pytest.approx(14.47)
    assert result.probability > 0.9999
    name = result.items[0]
    assert (name.left, name.right) == ("Robert Smith", "Bob Smith")
    assert "forms of one name" in name.sentence


def test_swapped_and_family_given_display() -> None:
    a = feats(1, "John", "Miller", birthday=(None, 4, 5))
    b = feats(2, "Miller", "John", birthday=(1970, 4, 5))
    assert levels(a, b) == [("name", "swapped", 7.0), ("birthday", "day_month", 4.0)]
    assert score_pair(a, b).score == pytest.approx(3.5)
    c = feats(3, display="Miller, John")
    assert levels(a, c)[0] == ("name", "exact", 8.46)


def test_same_mailbox_name_at_another_provider() -> None:
    a = feats(1, "Eva", "Lind", emails=("eva.lind@web.de",))
    b = feats(2, "Eva", "Lind", emails=("eva.lind@gmx.de",))
    assert levels(a, b) == [("name", "exact", 8.46), ("email", "same_local_part", 1.0)]


def test_typo_and_initial() -> None:
    a = feats(1, "Martha", "Jones")
    assert levels(a, feats(2, "Marhta", "Jones"))[0][1] == "typo"
    assert levels(a, feats(3, "M.", "Jones"))[0][1] == "initial"
    assert levels(a, feats(4, "Martha", "Jnoes"))[0][1] == "typo"


def test_same_name_different_people_score_below_review() -> None:
    a = feats(1, "Anna", "Berg", emails=("anna@berg.de",),
              phones=(("+4915112345678", "mobile", False),), birthday=(1980, 1, 1))
    b = feats(2, "Anna", "Berg", emails=("a.berg@web.de",),
              phones=(("+4917612345678", "mobile", False),), birthday=(1991, 7, 9))
    assert levels(a, b) == [("name", "exact", 8.46), ("email", "different", -0.5),
                            ("phone", "different_mobile", -1.0),
                            ("birthday", "conflict", -7.0)]
    assert score_pair(a, b).score == pytest.approx(-7.54)


def test_household_landline_weighs_little() -> None:
    a = feats(1, "Peter", "Krause", phones=(("+4930123456", "home", True),),
              street="Hauptstr. 1", postal="10115", city="Berlin")
    b = feats(2, "Petra", "Krause", phones=(("+4930123456", "home", True),),
              street="Hauptstr 1", postal="10115", city="Berlin")
    assert levels(a, b) == [("name", "family_only", -1.5), ("phone", "household", 1.5),
                            ("address", "same_street", 4.5)]
    assert score_pair(a, b).score == pytest.approx(-3.0)


def test_role_address_and_missing_values() -> None:
    a = feats(1, "Eva", "Lind", emails=("info@lind.de",), org="Lind GmbH")
    b = feats(2, "Eva", "Lind", emails=("INFO@lind.de",), org="Lind GmbH")
    assert levels(a, b) == [("name", "exact", 8.46), ("email", "role", 2.0),
                            ("organisation", "same", 1.5)]
    lone = feats(3, "Eva", "Lind")
    assert score_pair(a, lone).score == pytest.approx(PRIOR + 8.46)  # missing adds 0


def test_blocking_keys_and_rules() -> None:
    a = feats(1, "Robert", "Smith", emails=("rob@x.org",), birthday=(1980, 2, 3), org="ACME")
    b = feats(2, "Bob", "Smyth", birthday=(1980, 5, 5))
    c = feats(3, "Clara", "Zorn", emails=("rob@x.org",))
    keys_a, keys_b = party_keys(a), party_keys(b)
    assert "em:rob@x.org" in keys_a
    assert "fi:smith|r" in keys_a and "og:acme|robert" in keys_a
    assert keys_a & keys_b == {"py:s530|1980", "pg:s530|robert"}
    blocks: dict[str, list[int]] = {}
    for f in (a, b, c):
        for k in party_keys(f):
            blocks.setdefault(k, []).append(f.party_id)
    pairs = pairs_from_blocks(blocks)
    assert set(pairs) == {(1, 2), (1, 3)}
    assert rule_label(pairs[(1, 3)]) == "same_email"
    assert rule_label(pairs[(1, 2)]) == ("phonetic_family_and_birth_year,"
                                         "phonetic_family_and_given_name")


def test_oversized_blocks_are_skipped() -> None:
    blocks = {"fi:smith|j": list(range(100)), "em:x@y.z": [1, 2]}
    assert set(pairs_from_blocks(blocks)) == {(1, 2)}


def test_scores_are_deterministic() -> None:
    a = feats(1, "Zoë", "Ørsted", emails=("zoe@x.dk",), phones=(("+4512345678", "", False),))
    b = feats(2, "Zoe", "Orsted", emails=("zoe@x.dk",))
    first = score_pair(a, b)
    assert all(score_pair(a, b) == first for _ in range(3))

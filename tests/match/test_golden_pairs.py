"""Golden pairs: fixed inputs, fixed levels, fixed weights, fixed scores.

If a weight in core.match.weights changes, these numbers change: bump MODEL_VERSION then.
These use the hand-set table (the model of small books); the estimated model is tested in
test_train.py. The typo cases are the misses of issue 13.
"""

from __future__ import annotations

import pytest

from core.match.blocking import (
    RULES,
    candidate_pairs,
    pairs_from_blocks,
    party_keys,
    rule_label,
    rule_sentences,
)
from core.match.compare import date_level, score_pair
from core.match.features import PartyFeatures, PhoneUse
from core.match.names import clean, compare_name
from core.match.sentences import rule_sentence
from core.match.values import address_key, canonical_email, is_role_email
from core.match.weights import DEFAULT_MIN_SCORE, MODEL_VERSION, PRIOR, WEIGHTS, probability


def feats(pid: int, given: str = "", family: str = "", *, display: str = "",
          emails: tuple[str, ...] = (), phones: tuple[tuple[str, str, bool], ...] = (),
          birthday: tuple[int | None, int, int] | None = None, org: str = "",
          street: str = "", postal: str = "", city: str = "", marker: str = ""
          ) -> PartyFeatures:
    f = PartyFeatures(pid, display or f"{given} {family}".strip(),
                      compare_name(given, family, "", display), clean(org), org, marker=marker)
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
    """The items after the prior (which is always first: checked in every call)."""
    result = score_pair(a, b)
    prior, *items = result.items
    assert (prior.field, prior.weight) == ("prior", PRIOR)
    assert prior.sentence == "Starting point for any two contacts"
    assert result.score == round(sum(i.weight for i in result.items), 2)  # exact waterfall
    assert all(i.sentence for i in result.items)
    return [(i.field, i.level, i.weight) for i in items]


def test_weight_table_is_versioned_and_fixed() -> None:
    assert MODEL_VERSION == "kith-fs-3"
    assert PRIOR == -7.5
    assert WEIGHTS[("given", "exact")] == 5.17
    assert WEIGHTS[("family", "exact")] == 3.23
    assert WEIGHTS[("email", "exact")] == 8.97
    assert WEIGHTS[("phone", "exact")] == 8.03
    assert WEIGHTS[("birthday", "conflict")] == -6.41
    assert WEIGHTS[("birthday", "one_digit")] == 3.06  # a typo is evidence FOR
    assert WEIGHTS[("phone", "household")] == 1.5
    assert probability(0) == 0.5


def test_same_person_nickname_gmail_dots_and_birthday() -> None:
    a = feats(1, "Robert", "Smith", emails=("rob.smith@gmail.com",), birthday=(1980, 2, 3))
    b = feats(2, "Bob", "Smith", emails=("robsmith+x@googlemail.com",), birthday=(1980, 2, 3))
    assert levels(a, b) == [("given", "nickname", 3.91), ("family", "exact", 3.23),
                            ("email", "exact", 8.97), ("birthday", "exact", 6.0)]
    result = score_pair(a, b)
    assert result.score == pytest.approx(14.61)
    assert result.probability > 0.9999
    given = result.items[1]
    assert (given.left, given.right) == ("Robert", "Bob")
    assert given.sentence == "Bob is a short form of Robert"


def test_one_digit_birth_date_typo_is_weak_evidence_not_a_veto() -> None:
    # "jessica mac kinder" twice at the same address, one birth-date digit wrong.
    a = feats(1, "Jessica", "Mac Kinder", birthday=(1980, 6, 8), street="126 High Street",
              postal="LS29 9TA", city="Leeds")
    b = feats(2, "Jessica", "Mac Kinder", birthday=(1980, 6, 2), street="126 High Street",
              postal="LS29 9TA", city="Leeds")
    assert levels(a, b)[2] == ("birthday", "one_digit", 3.06)
    assert score_pair(a, b).score >= DEFAULT_MIN_SCORE


def test_joined_surname_and_typos_in_both_names_match() -> None:
    a = feats(1, "Jessica", "Mac Kinder", birthday=(1980, 6, 8))
    b = feats(2, "Jessica", "MacKinder", birthday=(1980, 6, 8))
    assert levels(a, b)[1] == ("family", "joined", 2.32)
    assert "with or without a space" in score_pair(a, b).items[2].sentence
    ronan = feats(3, "Ronan", "Phillpott", birthday=(1971, 3, 4), street="Hauptstr. 5",
                  postal="10115", city="Berlin")
    typo = feats(4, "Rqznan", "Philpott", birthday=(1971, 3, 4), street="Hauptstr 5",
                 postal="10115", city="Berlin")
    assert [lvl for _, lvl, _ in levels(ronan, typo)] == ["close", "one_typo", "exact",
                                                          "same_street"]
    assert score_pair(ronan, typo).score >= DEFAULT_MIN_SCORE
    ewan = feats(5, "Ewan", "Wittchen", street="Elm Grove 7", postal="G12 8QQ", city="Glasgow")
    ewapn = feats(6, "Ewapn", "Wittchen", street="Elm Grove 7", postal="G12 8QQ",
                  city="Glasgow")
    assert levels(ewan, ewapn)[0] == ("given", "one_typo", 3.0)
    assert score_pair(ewan, ewapn).score >= DEFAULT_MIN_SCORE


def test_date_levels() -> None:
    assert date_level((1980, 6, 8), (1980, 6, 8)) == "exact"
    assert date_level((1980, 6, 8), (None, 6, 8)) == "day_month"
    assert date_level((1980, 6, 8), (1980, 6, 9)) == "one_digit"
    assert date_level((1972, 6, 8), (1942, 6, 8)) == "one_digit"
    assert date_level((1980, 6, 12), (1980, 6, 21)) == "transposed"
    assert date_level((1980, 6, 8), (1980, 8, 6)) == "day_month_swapped"
    assert date_level((1950, 6, 8), (1987, 6, 8)) == "year_differs"
    assert date_level((1980, 6, 8), (1981, 3, 4)) == "conflict"
    assert date_level((1980, 6, 8), (1980, 11, 30)) == "conflict"


def test_swapped_and_family_given_display() -> None:
    a = feats(1, "John", "Miller", birthday=(None, 4, 5))
    b = feats(2, "Miller", "John", birthday=(1970, 4, 5))
    assert levels(a, b) == [("given", "swapped", 5.32), ("birthday", "day_month", 3.09)]
    c = feats(3, display="Miller, John")
    assert levels(a, c)[:2] == [("given", "exact", 5.17), ("family", "exact", 3.23)]


def test_same_mailbox_name_at_another_provider() -> None:
    a = feats(1, "Eva", "Lind", emails=("evchen77@web.de",))
    b = feats(2, "Eva", "Lind", emails=("evchen77@gmx.de",))
    assert levels(a, b)[2] == ("email", "same_local_part", 1.0)


def test_mailbox_names_made_of_the_name_or_numbered_apart_are_no_evidence() -> None:
    # Two people named Eva Lind both pick "eva.lind" or "elind" at their providers, and a
    # provider numbers namesakes' mailboxes (eva.lind66@ / eva.lind60@): not a typo.
    a = feats(1, "Eva", "Lind", emails=("eva.lind@web.de",))
    b = feats(2, "Eva", "Lind", emails=("eva.lind@gmx.de",))
    assert levels(a, b)[2] == ("email", "different", -0.5)
    c = feats(3, "Eva", "Lind", emails=("e_lind@web.de",))
    d = feats(4, "Eva", "Lind", emails=("e_lind@gmx.de",))
    assert levels(c, d)[2][1] == "different"
    e = feats(5, "Eva", "Lind", emails=("eva.lind66@web.de",))
    f = feats(6, "Eva", "Lind", emails=("eva.lind60@web.de",))
    assert levels(e, f)[2][1] == "different"
    g = feats(7, "Eva", "Lind", emails=("eva.lindd66@web.de",))  # a letter typo still is one
    assert levels(e, g)[2] == ("email", "typo", 3.32)


def test_typo_and_initial() -> None:
    a = feats(1, "Martha", "Jones")
    assert levels(a, feats(2, "Marhta", "Jones"))[0][1] == "one_typo"
    assert levels(a, feats(3, "M.", "Jones"))[0][1] == "initial"
    assert levels(a, feats(4, "Martha", "Jnoes"))[1][1] == "one_typo"


def test_same_name_different_people_score_below_review() -> None:
    a = feats(1, "Anna", "Berg", emails=("anna@berg.de",),
              phones=(("+4915112345678", "mobile", False),), birthday=(1980, 1, 1))
    b = feats(2, "Anna", "Berg", emails=("a.berg@web.de",),
              phones=(("+4917612345678", "mobile", False),), birthday=(1991, 7, 9))
    assert levels(a, b)[-1] == ("birthday", "conflict", -6.41)
    assert score_pair(a, b).score < 0


def test_family_members_are_not_typos_of_each_other() -> None:
    # Siblings and spouses share a family name, a street and a landline; male and female
    # forms of one name are evidence against, unrelated given names strong evidence against.
    home = (("+4930123456", "home", True),)
    where = {"street": "Hauptstr. 1", "postal": "10115", "city": "Berlin"}
    peter = feats(1, "Peter", "Krause", phones=home, **where)
    petra = feats(2, "Petra", "Krause", phones=home, **where)
    assert levels(peter, petra)[0] == ("given", "gender_form", -2.32)
    assert score_pair(peter, petra).score < 0
    twin_a = feats(3, "Anna", "Berg", phones=home, birthday=(2001, 5, 5), **where)
    twin_b = feats(4, "Lena", "Berg", phones=home, birthday=(2001, 5, 5), **where)
    assert score_pair(twin_a, twin_b).score < DEFAULT_MIN_SCORE


def test_role_address_and_missing_values() -> None:
    a = feats(1, "Eva", "Lind", emails=("info@lind.de",), org="Lind GmbH")
    b = feats(2, "Eva", "Lind", emails=("INFO@lind.de",), org="Lind GmbH")
    assert levels(a, b)[2:] == [("email", "role", 2.0), ("organisation", "same", 1.5)]
    lone = feats(3, "Eva", "Lind")
    assert score_pair(a, lone).score == pytest.approx(PRIOR + 5.17 + 3.23)  # missing adds 0


def test_blocking_keys_and_rules() -> None:
    a = feats(1, "Robert", "Smith", emails=("rob@x.org",), birthday=(1980, 2, 3), org="ACME")
    b = feats(2, "Bob", "Smyth", birthday=(1980, 5, 5))
    c = feats(3, "Clara", "Zorn", emails=("rob@x.org",))
    keys_a, keys_b = party_keys(a), party_keys(b)
    assert "em:rob@x.org" in keys_a
    assert "fi:smith|r" in keys_a and "og:acme|robert" in keys_a
    # Nickname and a spelling variant: the phonetic family name with the birth year pairs
    # them (the phonetic family + given name rule retired: blocking.RETIRED_RULES).
    assert keys_a & keys_b == {"py:s530|1980"}
    pairs = candidate_pairs({f.party_id: f for f in (a, b, c)})
    assert set(pairs) == {(1, 2), (1, 3)}
    assert rule_label(pairs[(1, 3)]) == "same_email"
    assert rule_label(pairs[(1, 2)]) == "phonetic_family_and_birth_year"
    assert rule_sentences(pairs[(1, 3)]) == ["Found because both have the same email address"]


def test_typo_pairs_share_a_blocking_key() -> None:
    # Two typos in the name and nothing else in common but the birth date.
    a = feats(1, "Ronan", "Phillpott", birthday=(1971, 3, 4))
    b = feats(2, "Rqznan", "Philpott", birthday=(1971, 3, 4))
    assert party_keys(a) & party_keys(b)
    c = feats(3, "Jessica", "Mac Kinder")
    d = feats(4, "Jessica", "MacKinder")
    assert party_keys(c) & party_keys(d)


def test_every_rule_has_a_plain_sentence() -> None:
    for code, name in RULES:
        text = rule_sentence(code)
        assert text.startswith("Found because") and text == rule_sentence(name)
        assert "_" not in text


def test_oversized_blocks_are_skipped() -> None:
    blocks = {"fi:smith|j": list(range(100)), "em:x@y.z": [1, 2]}
    assert set(pairs_from_blocks(blocks)) == {(1, 2)}


def test_scores_are_deterministic() -> None:
    a = feats(1, "Zoë", "Ørsted", emails=("zoe@x.dk",), phones=(("+4512345678", "", False),))
    b = feats(2, "Zoe", "Orsted", emails=("zoe@x.dk",))
    first = score_pair(a, b)
    assert all(score_pair(a, b) == first for _ in range(3))


def test_an_address_shown_as_the_name_is_no_name() -> None:
    # Contacts known by an email address only: their display name is the address. Before,
    # its domain became a family name ("com"), which blocked and scored every such contact
    # against every other one at a ".com" address.
    jane = feats(1, display="jane@example.com", emails=("jane@example.com",))
    jim = feats(2, display="jim@sample.com", emails=("jim@sample.com",))
    assert (jane.name.given, jane.name.family) == ("", "")
    assert not party_keys(jane) & party_keys(jim)
    assert not [lv for lv in levels(jane, jim) if lv[0] in ("given", "family")]
    # A mailbox name of two words still names its person, matched against a named contact.
    mailbox = feats(3, display="john.smith+news@gmail.com", emails=("john.smith@gmail.com",))
    named = feats(4, "John", "Smith", emails=("jsmith@work.example",))
    assert (mailbox.name.given, mailbox.name.family) == ("john", "smith")
    assert party_keys(mailbox) & party_keys(named)
    # A number shown as the name names nobody either.
    number = feats(5, display="+49 151 2345678")
    assert (number.name.given, number.name.family) == ("", "")

"""Blocking keys that keep pairs with a typo in each name, and the re-keying of a book whose
stored keys were made by an older set of rules (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import MergeSuggestion
from core.ingest.engine import ingest_contacts
from core.match.blocking import (
    KEYS_VERSION,
    RETIRED_RULES,
    block_cap,
    candidate_pairs,
    house_number,
    pairs_from_blocks,
    party_keys,
    rule_of,
    rule_sentences,
)
from core.match.hooks import after_ingest
from core.match.key_store import (
    first_keyed_party,
    keys_of,
    members_of,
    replace_keys,
    stored_memberships,
    write_all,
)
from core.match.suggest import refresh_suggestions, stale_keys
from core.match.views import list_suggestions
from tests.match.builders import account, person
from tests.match.test_golden_pairs import feats


def _pair_rules(a, b) -> list[str]:  # noqa: ANN001 - PartyFeatures
    return candidate_pairs({f.party_id: f for f in (a, b)}).get((a.party_id, b.party_id), [])


@pytest.mark.parametrize(("one", "other", "code", "sentence"), [
    # The first letter of the family name mistyped, nothing else to go on.
    (("Kari", "Nielsen"), ("Kari", "Hielsen"), "ns",
     "Found because the names end or start with the same letters"),
    # A typo at the start of both names.
    (("Hannah", "Schroder"), ("Hqnnah", "Sshroder"), "ne",
     "Found because the names end with the same letters"),
    # Swapped fields and a typo in each name.
    (("Zeynep", "Kara"), ("Akra", "Zeynep"), "ns",
     "Found because the names end or start with the same letters"),
])
def test_a_typo_in_each_name_still_meets_by_name_endings(one, other, code, sentence
                                                         ) -> None:  # noqa: ANN001
    rules = _pair_rules(feats(1, *one), feats(2, *other))
    assert code in rules
    assert sentence in rule_sentences(rules)


def test_the_family_initial_key_joins_the_family_name_and_knows_nicknames() -> None:
    joined = _pair_rules(feats(1, "Jessica", "Mac Kinder"), feats(2, "Jessica", "MacKinder"))
    assert joined[0] == "fi"
    nickname = _pair_rules(feats(1, "Bob", "Fischer-Wendt"), feats(2, "Robert", "Fischerwendt"))
    assert "fi" in nickname
    assert "fi:fischerwendt|b" in party_keys(feats(1, "Bob", "Fischer-Wendt"))


def test_unrelated_people_share_no_name_key() -> None:
    keys = party_keys(feats(1, "Kari", "Nielsen")) & party_keys(feats(2, "Mona", "Berg"))
    assert keys == set()


def test_keys_of_an_older_kith_are_rebuilt_on_the_next_refresh(any_db: Database) -> None:
    with any_db.session() as session:
        book = account(session, "a")
        ingest_contacts(session, book, [person("1", "Kari", "Nielsen"),
                                        person("2", "Ola", "Berg")])
        session.commit()
        refresh_suggestions(session)
        session.commit()
        assert not stale_keys(session, set())
        # What an older Kith stored: other keys for the same parties.
        old = [(pid, "x" + key) for pid, key in stored_memberships(session)[0]]
        blocks: dict[str, list[int]] = {}
        by_party: dict[int, list[str]] = {}
        for pid, key in old:
            blocks.setdefault(key, []).append(pid)
            by_party.setdefault(pid, []).append(key)
        write_all(session, blocks, by_party)
        session.commit()
        assert stale_keys(session, set())
        # A new contact whose only partner is findable by this Kith's keys.
        stats = ingest_contacts(session, book, [person("3", "Kari", "Hielsen")])
        after_ingest(session, stats.touched_party_ids)
        session.commit()
        assert not stale_keys(session, set())
        assert not [k for _, k in _keys(session) if k.startswith("x")]
        pairs = [(v.party_a_id, v.party_b_id) for v in list_suggestions(session, -100.0)]
        assert len(pairs) == 1  # Kari Nielsen / Kari Hielsen, paired by the name endings
        refresh_suggestions(session)  # a full rebuild ends where the incremental one did
        assert pairs == [(v.party_a_id, v.party_b_id)
                         for v in list_suggestions(session, -100.0)]


@pytest.mark.parametrize(("one", "other", "code"), [
    # No first name at all: meets the family's people by any initial.
    (feats(1, "", "Leroy"), feats(2, "Celine", "Leroy"), "fi"),
    # An initial and a typo'd family name.
    (feats(1, "V", "Lebedeev"), feats(2, "Vladimir", "Lebedev"), "qg"),
    # A typo at the start of the family name, the first name kept its initial only.
    (feats(1, "D", "Fischer"), feats(2, "Dieter", "Tischer"), "fe"),
    # Two letters of the family name swapped.
    (feats(1, "Amelie", "Phoof"), feats(2, "Amelie", "Pohof"), "sf"),
    # A short family name with its letters swapped.
    (feats(1, "Anh", "Ho"), feats(2, "Anh", "Oh"), "sl"),
    # A short family name mistyped: the end of the first name and its last letter are left.
    (feats(1, "Hao", "Wu"), feats(2, "Hao", "Qu"), "sl"),
    # Street and postcode both mistyped: the house number and the town are left.
    (feats(1, "Ivan", "Ivanov", street="ul Tversskaya 45", postal="429671", city="Kazan"),
     feats(2, "Oleg", "Lvanv", street="ul Tverskaya 45", postal="420671", city="Kazan"), "an"),
])
def test_typo_keys_pair_what_the_exact_keys_lose(one, other, code) -> None:  # noqa: ANN001
    rules = _pair_rules(one, other)
    assert code in rules
    assert all(s != "Found because some details are the same" for s in rule_sentences(rules))


def test_the_house_number_is_the_last_run_of_digits() -> None:
    assert house_number("sch0olstraat 167") == house_number("schoolstraat 167") == "167"
    assert house_number("am hang") == ""


def test_retired_rules_make_no_keys_but_keep_their_sentences() -> None:
    keys = party_keys(feats(1, "Anna", "Berg", birthday=(1980, 5, 1), street="Hauptstr 1",
                            postal="10115", city="Berlin"))
    assert {rule_of(k) for k in keys} & RETIRED_RULES == set()
    assert rule_sentences(["full_name_any_order"]) == ["Found because both have the same name"]


@pytest.mark.parametrize(("code", "cap"), [("qg", 12), ("ne", 12), ("ns", 8), ("fi", 50)])
def test_each_rule_pairs_its_blocks_only_up_to_its_cap(code: str, cap: int) -> None:
    key = f"{code}:x"
    assert block_cap(key) == cap
    assert len(pairs_from_blocks({key: list(range(cap))})) == cap * (cap - 1) // 2
    assert pairs_from_blocks({key: list(range(cap + 1))}) == {}


def test_keys_of_the_rules_before_the_retirement_are_noticed(any_db: Database) -> None:
    with any_db.session() as session:
        book = account(session, "a")
        ingest_contacts(session, book, [person("1", "Kari", "Nielsen")])
        session.commit()
        refresh_suggestions(session)
        session.commit()
        assert not stale_keys(session, set())
        # What the Kith before stored besides for Kari: a full-name key.
        pid = first_keyed_party(session, 0)
        assert pid is not None
        _add_key(session, pid, "fn:kari nielsen")
        session.commit()
        assert stale_keys(session, set())


def test_a_book_keyed_by_older_rules_is_rebuilt_whoever_holds_the_first_key(
        any_db: Database) -> None:
    """``stale_keys`` samples the first keyed party only, whose keys need not show a changed
    rule (here the retired full-name key was Kari's). The keys' version in the model
    version still forces the rebuild."""
    with any_db.session() as session:
        book = account(session, "a")
        ingest_contacts(session, book, [
            person("0", emails=("desk@example.org",)),
            person("1", "Kari", "Nielsen", birthday=(1980, 5, 1)),
            person("2", "Kari", "Nielsen", birthday=(1980, 5, 1), city="Oslo")])
        session.commit()
        refresh_suggestions(session)
        session.commit()
        assert list_suggestions(session, -100.0)
        # What the Kith before stored: a retired full-name key, suggestions of its version.
        first = first_keyed_party(session, 0)
        kari = min(members_of(session, ["fi:nielsen|k"])["fi:nielsen|k"])
        assert first != kari
        _add_key(session, kari, "fn:kari nielsen")
        session.execute(update(MergeSuggestion).values(model_version="kith-fs-3+c1"))
        session.commit()
        assert not stale_keys(session, set())  # the sample alone misses it
        stats = ingest_contacts(session, book, [person("3", "Ola", "Berg")])
        after_ingest(session, stats.touched_party_ids)
        session.commit()
        assert not [k for _, k in _keys(session) if k.startswith("fn:")]
        versions = {v.model_version for v in list_suggestions(session, -100.0)}
        assert versions == {f"kith-fs-3+c1+{KEYS_VERSION}"}


def _keys(session: Session) -> list[tuple[int, str]]:
    """Every stored (party, key), checked to be the same as parties and as blocks list it."""
    by_party, by_block = stored_memberships(session)
    assert by_party == by_block
    return by_party


def _add_key(session: Session, pid: int, key: str) -> None:
    """One more stored key for a party (what an older Kith stored)."""
    old = keys_of(session, [pid])
    replace_keys(session, {pid: old.get(pid, set()) | {key}}, old)

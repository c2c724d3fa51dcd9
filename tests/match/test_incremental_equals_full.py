"""The incremental re-score after each import batch ends exactly where a full rebuild does,
also when batches push common-name blocks over the block-size cap, pull them back under it,
and change which phone numbers count as household numbers."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from core.db.engine import Database
from core.ingest.engine import ingest_contacts
from core.ingest.parsed import ParsedContact
from core.match.blocking import MAX_BLOCK_SIZE, block_cap
from core.match.hooks import after_ingest
from core.match.key_store import stored_memberships
from tests.match.builders import account, person
from tests.match.rebuild_check import assert_same_as_rebuild

_GIVEN = ("Anna", "Ava", "Bob", "Robert")
_FAMILY = ("Müller", "Schmidt")
_STREETS = ("Hauptstraße 1", "Hauptstraße 2", "Bahnhofstraße 9")


def _contact(rng: random.Random, ext: str, etag: str = "1") -> ParsedContact:
    """Few names (blocks of dozens), half without email or phone so that namesakes score
    above the storing threshold, shared streets and birthdays for the weaker rules."""
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    with_ids = rng.random() < 0.5
    return person(
        ext, given, family,
        emails=(f"{given}.{family}{ext}@example.org".lower(),) if with_ids else (),
        phones=((f"0151 {rng.randint(1000000, 9999999)}", "mobile"),) if with_ids else (),
        birthday=(rng.choice((1970, 1980)), 5, rng.randint(1, 3)) if rng.random() < 0.3
        else None,
        street=rng.choice(_STREETS), postal="10115", city="Berlin",
        org="Acme" if rng.random() < 0.3 else "", etag=etag)


def _sync(session: Session, acc: int, contacts: list[ParsedContact]) -> None:
    stats = ingest_contacts(session, acc, contacts)
    after_ingest(session, stats.touched_party_ids)
    session.commit()


def test_batches_across_the_block_cap_agree_with_a_full_rebuild(session: Session) -> None:
    rng = random.Random(5)
    acc = account(session, "book")
    contacts = [_contact(rng, str(i)) for i in range(300)]
    for start in range(0, 300, 60):
        _sync(session, acc, contacts[start:start + 60])
        assert_same_as_rebuild(session)
    # Every name block is now over the cap; renaming most of one name's holders shrinks its
    # block back under it, which pairs the remaining (unchanged) holders again.
    # ("Bob" is a form of "Robert": one block "fi:muller|r".)
    roberts = [c for c in contacts if c.name.given in ("Bob", "Robert")
               and c.name.family == "Müller"]
    assert len(roberts) > MAX_BLOCK_SIZE
    renamed = []
    for c in roberts[:len(roberts) - 20]:
        c.name.given, c.name.full, c.etag = "Zelda", f"Zelda {c.name.family}", "2"
        renamed.append(c)
    _sync(session, acc, renamed)
    rows = assert_same_as_rebuild(session)
    rules = {r[4] for r in rows}
    # The shrunk block pairs again.
    assert any("family_name_and_first_initial" in r for r in rules)


def test_household_number_threshold_agrees_with_a_full_rebuild(session: Session) -> None:
    acc = account(session, "book")
    landline = ("030 1234567", "home")

    def member(ext: str, given: str, phones: tuple = (landline,), etag: str = "1"
               ) -> ParsedContact:
        return person(ext, given, "Berg", phones=phones, birthday=(1980, 5, 1),
                      street="Hauptstraße 1", postal="10115", city="Berlin", etag=etag)

    def clara_dora(rows: list[tuple]) -> list[tuple]:
        return [r for r in rows if "Clara" in str(r[5]) and "Klara" in str(r[5])]

    # One person written two ways (unrelated first names at one home would be two people
    # of it, whose shared landline counts for nothing either way: see core.match.kin).
    _sync(session, acc, [member("1", "Clara"), member("2", "Klara")])
    private = clara_dora(assert_same_as_rebuild(session))
    _sync(session, acc, [member("3", "Emma")])  # a third party lists it: a household number
    household = clara_dora(assert_same_as_rebuild(session))
    assert private and household and household[0][2] < private[0][2]
    # Emma drops the number: the two unchanged parties share a private landline again.
    _sync(session, acc, [member("3", "Emma", phones=(), etag="2")])
    assert clara_dora(assert_same_as_rebuild(session)) == private


def test_typo_key_blocks_across_their_caps_agree_with_a_full_rebuild(any_db: Database
                                                                     ) -> None:
    """The typo keys have caps of their own (``blocking.RULE_CAPS``: 12 for the name
    beginnings, 8 for a start with an end): batches of one person's many typo'd copies and
    records without a first name (which join every initial's block of the family name) push
    those blocks over their caps and back under them, on SQLite and PostgreSQL."""
    rng = random.Random(11)
    givens, families = ("Hannah", "Hanna", "Hannha", "Hqnnah", ""), ("Schroder", "Schrodr")
    contacts = [person(str(i), rng.choice(givens), rng.choice(families)) for i in range(30)]
    assert block_cap("qg:hann|s") < sum(c.name.given.startswith("Hann") for c in contacts)
    with any_db.session() as session:
        acc = account(session, "book")
        for start in range(0, 30, 6):
            _sync(session, acc, contacts[start:start + 6])
            assert_same_as_rebuild(session)
        assert _holders(session, "qg:hann|s") > block_cap("qg:hann|s")
        renamed = [c for c in contacts if c.name.given.startswith("Hann")][:12]
        for c in renamed:
            c.name.given, c.name.full, c.etag = "Zelda", f"Zelda {c.name.family}", "2"
        _sync(session, acc, renamed)
        rows = assert_same_as_rebuild(session)
        assert 2 <= _holders(session, "qg:hann|s") <= block_cap("qg:hann|s")
        assert any("name_beginnings" in r[4] for r in rows)  # the shrunk block pairs again


def _holders(session: Session, key: str) -> int:
    return sum(k == key for _, k in stored_memberships(session)[1])

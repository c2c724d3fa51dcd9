"""The stored blocking keys (one row per key with its holders, one per party with its keys)
stay one consistent picture of the book: parties deleted at the source or by the owner, and
parties merged away, leave their blocks (at the latest on the next refresh, which then ends
where a full rebuild does), on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading

import pytest

from core.db.engine import Database, open_database
from core.db.models import SourceAccount
from core.ingest.contact_lifecycle import delete_contact
from core.ingest.deletes import remove_records
from core.ingest.engine import ingest_contacts
from core.ingest.local_contacts import create_contact
from core.ingest.parsed import ParsedContact
from core.match.blocking import block_cap
from core.match.hooks import after_ingest
from core.match.key_store import (
    decode_keys,
    encode_keys,
    gone_parties,
    key_sizes,
    members_of,
    pack,
    unpack,
)
from core.match.merge import merge_parties
from core.match.suggest import refresh_suggestions
from core.views.contact_draft import ContactDraft
from tests.match.builders import account, person
from tests.match.rebuild_check import assert_same_as_rebuild, book_state

_KEY = "fi:muller|a"


def _annas(count: int, rng: random.Random) -> list[ParsedContact]:
    """Anna and Ava Müller (one block "fi:muller|a"), half of them with an email of their
    own so that not every pair is worth storing."""
    return [person(str(i), rng.choice(("Anna", "Ava")), "Müller",
                   emails=(f"a{i}@example.org",) if rng.random() < 0.5 else (),
                   birthday=(1980, 5, rng.randint(1, 3)) if rng.random() < 0.3 else None,
                   street="Hauptstraße 1", postal="10115", city="Berlin")
            for i in range(count)]


def test_parties_deleted_at_the_source_leave_their_blocks(any_db: Database) -> None:
    """A mirrored deletion removes parties without a refresh of them; the next incremental
    refresh takes them out of their blocks, and a block that fell back under its cap pairs
    its remaining (unchanged) holders again, as a full rebuild does."""
    cap = block_cap(_KEY)
    with any_db.session() as session:
        acc = account(session, "book")
        session.get(SourceAccount, acc).delete_policy = "mirror"
        contacts = _annas(cap + 6, random.Random(3))
        ingest_contacts(session, acc, contacts)
        after_ingest(session, None)
        session.commit()
        assert key_sizes(session, [_KEY]) == {_KEY: cap + 6}
        rows = book_state(session)[0]
        assert not any("family_name_and_first_initial" in r[4] for r in rows)

        stats = remove_records(session, session.get(SourceAccount, acc),
                               [c.external_id for c in contacts[:10]])
        after_ingest(session, stats.touched_party_ids)
        session.commit()
        gone = gone_parties(session)
        assert len(gone) == 10  # still listed by their blocks, until the next refresh

        stats = ingest_contacts(session, acc, [person("x", "Ola", "Berg")])
        after_ingest(session, stats.touched_party_ids)
        session.commit()
        assert gone_parties(session) == set()
        assert not gone & set(members_of(session, [_KEY])[_KEY])
        assert key_sizes(session, [_KEY]) == {_KEY: cap - 4}
        rows = assert_same_as_rebuild(session)
        assert any("family_name_and_first_initial" in r[4] for r in rows)


def test_a_contact_deleted_by_the_owner_leaves_its_blocks(any_db: Database) -> None:
    with any_db.session() as session:
        ann = create_contact(session, _draft(given_name="Ann", family_name="Berg"))
        anne = create_contact(session, _draft(given_name="Ann", family_name="Berg",
                                              organization="Acme"))
        refresh_suggestions(session)
        session.commit()
        assert [(r[0], r[1]) for r in book_state(session)[0]] == [(ann, anne)]
        delete_contact(session, anne)
        session.commit()
        assert gone_parties(session) == {anne}
        refresh_suggestions(session, [ann])
        session.commit()
        assert anne not in {pid for pid, _ in book_state(session)[1]}
        assert assert_same_as_rebuild(session) == []


def _draft(**fields: str) -> ContactDraft:
    draft = ContactDraft()
    draft.fields.update(fields)
    return draft


def test_parties_merged_away_leave_their_blocks(any_db: Database) -> None:
    with any_db.session() as session:
        acc = account(session, "book")
        ingest_contacts(session, acc, [person("1", "Kari", "Nielsen"),
                                       person("2", "Kari", "Nielsen", city="Oslo"),
                                       person("3", "Kari", "Hielsen")])
        refresh_suggestions(session)
        session.commit()
        holders = members_of(session, ["fi:nielsen|k"])["fi:nielsen|k"]
        assert len(holders) == 2
        merge_parties(session, holders)
        session.commit()
        assert len(members_of(session, ["fi:nielsen|k"])["fi:nielsen|k"]) == 1
        assert gone_parties(session) == set()
        assert_same_as_rebuild(session)


@pytest.mark.parametrize("keys", [["em:ann@x.org", "ph:+4930123"], ["em:a\nb@x.org"],
                                  ["[x]"], ["fi:berg|a"]])
def test_a_partys_keys_come_back_as_they_went_in(keys: list[str]) -> None:
    assert decode_keys(encode_keys(keys)) == keys


def test_holders_come_back_as_they_went_in() -> None:
    ids = [1, 7, 2**40, 123456]
    assert unpack(pack(ids)) == ids
    assert len(pack(ids)) == 8 * len(ids)


def test_two_refreshes_changing_one_block_at_once_lose_nothing(pg_migrated_url: str) -> None:
    """Two sources syncing into one PostgreSQL: each refresh reads a block's holders and
    writes them back changed; the second waits for the first to commit (``lock_keys``)
    instead of writing back what it read before and dropping the first one's party."""
    first, second = open_database(pg_migrated_url), open_database(pg_migrated_url)
    try:
        with first.session() as session:
            books = account(session, "one"), account(session, "two")
            ingest_contacts(session, books[0], [person(str(i), given, "Berg") for i, given
                                                in enumerate(("Ola", "Per", "Nils", "Eva"))])
            refresh_suggestions(session)
            session.commit()
        errors: list[BaseException] = []

        def other_sync() -> None:
            try:
                with second.session() as two:
                    stats = ingest_contacts(two, books[1], [person("b", "Kari", "Nielsen",
                                                                   city="Oslo")])
                    after_ingest(two, stats.touched_party_ids)
                    two.commit()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
                errors.append(exc)

        with first.session() as one:
            stats = ingest_contacts(one, books[0], [person("a", "Kari", "Nielsen")])
            after_ingest(one, stats.touched_party_ids)  # holds the keys until it commits
            thread = threading.Thread(target=other_sync)
            thread.start()
            thread.join(1.0)
            assert thread.is_alive()  # waiting for the first refresh
            one.commit()
        thread.join(30)
        assert not errors and not thread.is_alive()
        with first.session() as session:
            karis = sorted(members_of(session, [_NIELSEN])[_NIELSEN])
            assert len(karis) == 2
            rows = assert_same_as_rebuild(session)
            assert tuple(karis) in {(r[0], r[1]) for r in rows}
    finally:
        first.dispose()
        second.dispose()


_NIELSEN = "fi:nielsen|k"

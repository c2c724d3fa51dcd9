"""The handle memory of a bulk import (core.ingest.handle_memory): batches written with it
store what batches without it store, it spares a fresh book's import the lookups of keys the
book cannot hold, and it gives up when another writer inserted or deleted handles between two
batches, on SQLite and on PostgreSQL (where it always looks keys up)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, event, func, select

from core.db.engine import open_database
from core.db.models import Handle, PartyHandleLink, RecordHandle, SourceRecord
from core.ingest.engine import ingest_contacts
from core.ingest.handle_memory import HandleMemory
from core.ingest.normalize import normalize_email
from core.ingest.parsed import ParsedContact
from core.ingest.resolve import upsert_handles
from tests.factories import add_account, contact
from tests.ingest.helpers import owner_name, party_id_of, snapshot


def _batches() -> list[list[ParsedContact]]:
    """Three batches; later ones list handles of earlier ones (and of each other)."""
    first = [contact(f"a{i}", f"Ann {i}", emails=(f"ann{i}@example.com",),
                     phones=(f"(202) 555-01{i:02d}",)) for i in range(6)]
    second = [contact(f"b{i}", f"Ben {i}", emails=(f"ben{i}@example.com",),
                      phones=(f"(202) 555-01{i:02d}", "(202) 555-0199")) for i in range(4)]
    second.append(contact("b9", "Ann Again", emails=("ann1@example.com", "new@example.com")))
    third = [contact("c0", "Cy", emails=("ben2@example.com",), groups=("Work",)),
             contact("c1", "Dee", phones=("(202) 555-0199",))]
    return [first, second, third]


def _write(db, account: int, batch: list[ParsedContact], memory: HandleMemory | None) -> None:
    """One batch in one transaction, as the importer writes it."""
    with db.session() as s:
        ingest_contacts(s, account, batch, handles=memory)
        s.commit()


def _state(db) -> dict:
    with db.session() as s:
        state = snapshot(s)
        state["record_handles"] = sorted(s.execute(
            select(SourceRecord.external_id, Handle.value, RecordHandle.position)
            .join(RecordHandle, RecordHandle.source_record_id == SourceRecord.id)
            .join(Handle, Handle.id == RecordHandle.handle_id)).all())
        return state


@pytest.fixture
def twin(database_url, request) -> Iterator[tuple[object, object]]:
    """Two fresh databases on the same engine."""
    if database_url.startswith("sqlite"):
        other = request.getfixturevalue("tmp_path") / "twin.sqlite"
        other_url = f"sqlite:///{other}"
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        other_url = cluster.create_database(template=cluster.migrated_template())
    first, second = open_database(database_url), open_database(other_url)
    yield first, second
    first.dispose()
    second.dispose()


_LOOKUP = re.compile(r"FROM handle\s+WHERE .*handle\.value (IN|= ANY)", re.S)


def _handle_lookups(engine) -> list[str]:
    """Collects the statements that look handles up by value."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if _LOOKUP.search(statement):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return seen


def test_batches_store_the_same_with_and_without_the_memory(twin):
    with_memory, without = twin
    memory = HandleMemory(load_limit=100)
    for db, handles in ((with_memory, memory), (without, None)):
        with db.session() as s:
            account = add_account(s)
        for batch in _batches():
            _write(db, account, batch, handles)
    assert _state(with_memory) == _state(without)
    with with_memory.session() as s:  # the later batches joined the earlier parties
        assert party_id_of(s, account, "b9") == party_id_of(s, account, "a1")
        assert owner_name(s, "email", "ben2@example.com") == "Ben 2"
    assert memory.in_use == (with_memory.dialect == "sqlite")
    assert memory.resets == 0


def test_a_fresh_book_skips_looking_up_keys_it_cannot_hold(db):
    with db.session() as s:
        account = add_account(s)
    memory = HandleMemory(load_limit=100)
    lookups = _handle_lookups(db.engine)
    first, second, _third = _batches()
    _write(db, account, first, memory)
    if db.dialect == "postgresql":  # no memory there: every key is looked up
        assert len(lookups) == 2  # one query per platform
        return
    assert lookups == []
    _write(db, account, second, memory)
    # only the keys the first batch inserted: one query per platform (ann1, four phones)
    assert len(lookups) == 2


def test_a_book_with_more_handles_than_the_limit_is_looked_up(db):
    with db.session() as s:
        account = add_account(s)
    _write(db, account, _batches()[0], None)  # 12 handles
    memory = HandleMemory(load_limit=11)
    lookups = _handle_lookups(db.engine)
    _write(db, account, _batches()[1], memory)
    assert not memory.in_use
    assert lookups


def _other_writer(db):
    """A second connection to the same database (another program, say)."""
    return open_database(db.url, migrate=False)


def _with_another_writer(db, memory: HandleMemory | None, between) -> int:
    """The three batches, with ``between(other database)`` run by a second connection
    after the second batch; returns the import's account."""
    with db.session() as s:
        account = add_account(s)
    first, second, third = _batches()
    _write(db, account, first, memory)
    _write(db, account, second, memory)
    other = _other_writer(db)
    try:
        between(other)
    finally:
        other.dispose()
    _write(db, account, third, memory)
    return account


def _someone_adds_cys_email(other) -> None:
    with other.session() as s:
        account = add_account(s, "other.vcf")
    _write(other, account, [contact("x", "Cy", emails=("cy@example.com",))], None)


def _remove_handle(other, hid: int) -> None:
    with other.session() as s:
        s.execute(delete(RecordHandle).where(RecordHandle.handle_id == hid))
        s.execute(delete(PartyHandleLink).where(PartyHandleLink.handle_id == hid))
        s.execute(delete(Handle).where(Handle.id == hid))
        s.commit()


def _someone_removes_bens_email(other) -> None:
    with other.session() as s:
        hid = s.scalar(select(Handle.id).where(Handle.value == "ben2@example.com"))
    _remove_handle(other, hid)


def _someone_swaps_the_newest_handle_for_cys_email(other) -> None:
    """The table's highest id stays: only SQLite's data_version tells the memory."""
    with other.session() as s:
        newest = s.scalar(select(func.max(Handle.id)))
    _remove_handle(other, newest)
    _someone_adds_cys_email(other)
    with other.session() as s:
        if other.dialect == "sqlite":
            assert s.scalar(select(func.max(Handle.id))) == newest


@pytest.mark.parametrize("between", [_someone_adds_cys_email,
                                     _someone_swaps_the_newest_handle_for_cys_email])
def test_a_handle_another_connection_inserted_between_batches_is_found(twin, monkeypatch,
                                                                        between):
    """Cy (third batch) lists an email someone else's contact brought in meanwhile."""
    monkeypatch.setattr("tests.ingest.test_handle_memory._batches", _batches_with_cy_email)
    with_memory, without = twin
    memory = HandleMemory(load_limit=100)
    account = _with_another_writer(with_memory, memory, between)
    _with_another_writer(without, None, between)
    assert _state(with_memory) == _state(without)
    assert not memory.in_use  # given up: every later batch looks its keys up
    assert memory.resets == (with_memory.dialect == "sqlite")
    with with_memory.session() as s:  # Cy joined the party that brought the email
        assert party_id_of(s, account, "c0") == party_id_of(s, account + 1, "x")
        assert s.scalar(select(func.count()).select_from(Handle)
                        .where(Handle.value == "cy@example.com")) == 1


def _batches_with_cy_email() -> list[list[ParsedContact]]:
    first, second, _third = _BATCHES()
    return [first, second, [contact("c0", "Cy", emails=("cy@example.com",))]]


_BATCHES = _batches


def test_a_handle_another_connection_deleted_between_batches_is_made_again(twin):
    with_memory, without = twin
    memory = HandleMemory(load_limit=100)
    account = _with_another_writer(with_memory, memory, _someone_removes_bens_email)
    _with_another_writer(without, None, _someone_removes_bens_email)
    assert _state(with_memory) == _state(without)
    with with_memory.session() as s:  # Cy (third batch) lists ben2@example.com again
        made = s.scalar(select(Handle.id).where(Handle.value == "ben2@example.com"))
        assert owner_name(s, "email", "ben2@example.com") == "Cy"
        listed = s.scalars(select(RecordHandle.handle_id).join(
            SourceRecord, SourceRecord.id == RecordHandle.source_record_id)
            .where(SourceRecord.external_id == "c0", SourceRecord.account_id == account)).all()
        assert listed == [made]


def test_a_handle_inserted_on_the_same_connection_between_batches_is_found(db):
    """No other connection commits, so only the table's highest id tells the memory."""
    with db.session() as s:
        account = add_account(s)
    memory = HandleMemory(load_limit=100)
    first, second, _third = _batches()
    with db.session() as s:
        ingest_contacts(s, account, first, handles=memory)
        s.commit()
        upsert_handles(s, [normalize_email("ben0@example.com")])
        s.commit()
        hid = s.scalar(select(Handle.id).where(Handle.value == "ben0@example.com"))
        ingest_contacts(s, account, second, handles=memory)
        s.commit()
        assert not memory.in_use
        listed = s.scalars(select(RecordHandle.handle_id).join(
            SourceRecord, SourceRecord.id == RecordHandle.source_record_id)
            .where(SourceRecord.external_id == "b0")).all()
        assert hid in listed
        assert s.scalar(select(func.count()).select_from(Handle)
                        .where(Handle.value == "ben0@example.com")) == 1


def test_keys_of_a_batch_that_rolled_back_are_written_again(db):
    with db.session() as s:
        account = add_account(s)
    memory = HandleMemory(load_limit=100)
    first, second, _third = _batches()
    with db.session() as s:
        ingest_contacts(s, account, first, handles=memory)
        s.rollback()
    _write(db, account, first + second, memory)
    assert memory.in_use == (db.dialect == "sqlite")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SourceRecord)) == 11
        assert owner_name(s, "email", "ann0@example.com") == "Ann 0"
        linked = s.scalar(select(func.count()).select_from(RecordHandle))
        assert linked == sum(len(c.emails) + len(c.phones) for c in first + second)

"""The memory of a bulk import (core.ingest.import_memory): batches written with it store what
batches without it store, it spares a fresh book's import the lookups of handles and records
the book cannot hold, and it gives up when another writer inserted or deleted rows between two
batches, on SQLite and on PostgreSQL (where it always looks keys up)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, event, func, select

from core.db.engine import open_database
from core.db.models import Handle, PartyHandleLink, RecordHandle, SourceRecord
from core.ingest.engine import ingest_contacts
from core.ingest.import_memory import ImportMemory
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


def _write(db, account: int, batch: list[ParsedContact], memory: ImportMemory | None) -> None:
    """One batch in one transaction, as the importer writes it."""
    with db.session() as s:
        ingest_contacts(s, account, batch, memory=memory)
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


_LOOKUP = {
    "handle": re.compile(r"FROM handle\s+WHERE .*handle\.value (IN|= ANY)", re.S),
    "record": re.compile(r"FROM source_record\s+WHERE .*source_record\.external_id (IN|= ANY)",
                         re.S),
}


def _lookups(engine, table: str = "handle") -> list[str]:
    """Collects the statements that look handles (or records) up by their keys."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if _LOOKUP[table].search(statement):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return seen


def test_batches_store_the_same_with_and_without_the_memory(twin):
    with_memory, without = twin
    memories = []
    for db in twin:
        with db.session() as s:
            account = add_account(s)
        memories.append(ImportMemory(account, load_limit=100) if db is with_memory else None)
        for batch in _batches():
            _write(db, account, batch, memories[-1])
        _write(db, account, [contact("a2", "Ann Two", emails=("ann2@example.com",))],
               memories[-1])
    memory = memories[0]
    assert _state(with_memory) == _state(without)
    with with_memory.session() as s:  # the later batches joined the earlier parties
        assert party_id_of(s, account, "b9") == party_id_of(s, account, "a1")
        assert owner_name(s, "email", "ben2@example.com") == "Ben 2"
        # a record of an earlier batch was found again, and updated
        assert s.scalar(select(func.count()).select_from(SourceRecord)
                        .where(SourceRecord.external_id == "a2")) == 1
    sqlite = with_memory.dialect == "sqlite"
    for part in (memory.handles, memory.records):
        assert (part.in_use, part.resets) == (sqlite, 0)


def _new_import(db):  # noqa: ANN001, ANN202 - a Database; (account, memory, batches)
    """A new account, the memory an import of it holds, and the import's three batches."""
    with db.session() as s:
        account = add_account(s)
    return account, ImportMemory(account, load_limit=100), _batches()


def test_a_fresh_book_skips_looking_up_keys_it_cannot_hold(db):
    account, memory, (first, second, _third) = _new_import(db)
    handles, records = _lookups(db.engine), _lookups(db.engine, "record")
    _write(db, account, first, memory)
    if db.dialect == "postgresql":  # no memory there: every key is looked up
        assert (len(handles), len(records)) == (2, 1)  # one query per platform
        return
    assert handles == records == []
    _write(db, account, second, memory)
    # only the handles the first batch inserted: one query per platform (ann1, four phones)
    assert (len(handles), len(records)) == (2, 0)
    _write(db, account, [contact("a0", "Ann 0 again")], memory)
    assert len(records) == 1


def test_a_book_with_more_keys_than_the_limit_is_looked_up(db):
    with db.session() as s:
        account = add_account(s)
    _write(db, account, _batches()[0], None)  # 6 records, 12 handles
    memory = ImportMemory(account, load_limit=11)
    handles, records = _lookups(db.engine), _lookups(db.engine, "record")
    _write(db, account, _batches()[1], memory)
    sqlite = db.dialect == "sqlite"
    assert (memory.handles.in_use, memory.records.in_use) == (False, sqlite)
    assert handles  # the records of the book (6) were few enough: none of b0..b9 is there
    assert bool(records) != sqlite


def test_another_accounts_batch_does_not_use_the_memory(db):
    with db.session() as s:
        account = add_account(s)
        other = add_account(s, "other.vcf")
    memory = ImportMemory(account, load_limit=100)
    _write(db, account, _batches()[0], memory)
    _write(db, other, _batches()[0], memory)  # the same ids, in another account
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SourceRecord)
                        .where(SourceRecord.account_id == other)) == 6


def _other_writer(db):
    """A second connection to the same database (another program, say)."""
    return open_database(db.url, migrate=False)


def _with_another_writer(db, use_memory: bool, between) -> tuple[int, ImportMemory | None]:
    """The three batches, with ``between(other database, account)`` run by a second
    connection after the second batch; returns the import's account and memory."""
    with db.session() as s:
        account = add_account(s)
    memory = ImportMemory(account, load_limit=100) if use_memory else None
    first, second, third = _batches()
    _write(db, account, first, memory)
    _write(db, account, second, memory)
    other = _other_writer(db)
    try:
        between(other, account)
    finally:
        other.dispose()
    _write(db, account, third, memory)
    return account, memory


def _someone_adds_cys_email(other, _account: int) -> None:
    with other.session() as s:
        account = add_account(s, "other.vcf")
    _write(other, account, [contact("x", "Cy", emails=("cy@example.com",))], None)


def _remove_handle(other, hid: int) -> None:
    with other.session() as s:
        s.execute(delete(RecordHandle).where(RecordHandle.handle_id == hid))
        s.execute(delete(PartyHandleLink).where(PartyHandleLink.handle_id == hid))
        s.execute(delete(Handle).where(Handle.id == hid))
        s.commit()


def _someone_removes_bens_email(other, _account: int) -> None:
    with other.session() as s:
        hid = s.scalar(select(Handle.id).where(Handle.value == "ben2@example.com"))
    _remove_handle(other, hid)


def _someone_swaps_the_newest_handle_for_cys_email(other, account: int) -> None:
    """The table's highest id stays: only SQLite's data_version tells the memory."""
    with other.session() as s:
        newest = s.scalar(select(func.max(Handle.id)))
    _remove_handle(other, newest)
    _someone_adds_cys_email(other, account)
    with other.session() as s:
        if other.dialect == "sqlite":
            assert s.scalar(select(func.max(Handle.id))) == newest


def _batches_with_cy_email() -> list[list[ParsedContact]]:
    first, second, _third = _BATCHES()
    return [first, second, [contact("c0", "Cy", emails=("cy@example.com",))]]


_BATCHES = _batches


@pytest.mark.parametrize("between", [_someone_adds_cys_email,
                                     _someone_swaps_the_newest_handle_for_cys_email])
def test_a_handle_another_connection_inserted_between_batches_is_found(twin, monkeypatch,
                                                                        between):
    """Cy (third batch) lists an email someone else's contact brought in meanwhile."""
    monkeypatch.setattr("tests.ingest.test_import_memory._batches", _batches_with_cy_email)
    with_memory, without = twin
    account, memory = _with_another_writer(with_memory, True, between)
    _with_another_writer(without, False, between)
    assert _state(with_memory) == _state(without)
    assert not memory.handles.in_use  # given up: every later batch looks its keys up
    assert memory.handles.resets == (with_memory.dialect == "sqlite")
    with with_memory.session() as s:  # Cy joined the party that brought the email
        assert party_id_of(s, account, "c0") == party_id_of(s, account + 1, "x")
        assert s.scalar(select(func.count()).select_from(Handle)
                        .where(Handle.value == "cy@example.com")) == 1


def test_a_handle_another_connection_deleted_between_batches_is_made_again(twin):
    with_memory, without = twin
    account, _memory = _with_another_writer(with_memory, True, _someone_removes_bens_email)
    _with_another_writer(without, False, _someone_removes_bens_email)
    assert _state(with_memory) == _state(without)
    with with_memory.session() as s:  # Cy (third batch) lists ben2@example.com again
        made = s.scalar(select(Handle.id).where(Handle.value == "ben2@example.com"))
        assert owner_name(s, "email", "ben2@example.com") == "Cy"
        listed = s.scalars(select(RecordHandle.handle_id).join(
            SourceRecord, SourceRecord.id == RecordHandle.source_record_id)
            .where(SourceRecord.external_id == "c0", SourceRecord.account_id == account)).all()
        assert listed == [made]


def _someone_writes_cys_record(other, account: int) -> None:
    """Another program writes the import's next record first (same account, same id)."""
    _write(other, account, [contact("c0", "Cy", emails=("cy@example.com",))], None)


def test_a_record_another_connection_wrote_between_batches_is_updated(twin):
    with_memory, without = twin
    account, memory = _with_another_writer(with_memory, True, _someone_writes_cys_record)
    _with_another_writer(without, False, _someone_writes_cys_record)
    assert _state(with_memory) == _state(without)
    assert not memory.records.in_use
    with with_memory.session() as s:  # updated in place: one record, with the import's data
        assert s.scalar(select(func.count()).select_from(SourceRecord)
                        .where(SourceRecord.external_id == "c0")) == 1
        assert owner_name(s, "email", "ben2@example.com") == "Ben 2"
        assert party_id_of(s, account, "c0") is not None


def test_a_handle_inserted_on_the_same_connection_between_batches_is_found(db):
    """No other connection commits, so only the table's highest id tells the memory."""
    account, memory, (first, second, _third) = _new_import(db)
    with db.session() as s:
        ingest_contacts(s, account, first, memory=memory)
        s.commit()
        upsert_handles(s, [normalize_email("ben0@example.com")])
        s.commit()
        hid = s.scalar(select(Handle.id).where(Handle.value == "ben0@example.com"))
        ingest_contacts(s, account, second, memory=memory)
        s.commit()
        assert not memory.handles.in_use
        listed = s.scalars(select(RecordHandle.handle_id).join(
            SourceRecord, SourceRecord.id == RecordHandle.source_record_id)
            .where(SourceRecord.external_id == "b0")).all()
        assert hid in listed
        assert s.scalar(select(func.count()).select_from(Handle)
                        .where(Handle.value == "ben0@example.com")) == 1


def test_keys_of_a_batch_that_rolled_back_are_written_again(db):
    account, memory, (first, second, _third) = _new_import(db)
    with db.session() as s:
        ingest_contacts(s, account, first, memory=memory)
        s.rollback()
    _write(db, account, first + second, memory)
    sqlite = db.dialect == "sqlite"
    assert (memory.handles.in_use, memory.records.in_use) == (sqlite, sqlite)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SourceRecord)) == 11
        assert owner_name(s, "email", "ann0@example.com") == "Ann 0"
        linked = s.scalar(select(func.count()).select_from(RecordHandle))
        assert linked == sum(len(c.emails) + len(c.phones) for c in first + second)

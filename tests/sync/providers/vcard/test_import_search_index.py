"""A big import fills SQLite's search index in one pass at the end (core.db.fts): search still
finds every contact by name prefix, email and phone afterwards, also when the import stopped
half-way (cancelled, or killed: the next open of the database rebuilds the index)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

import core.ingest.search_index as search_index
import core.sync.vcard_import as vcard_import
from core.db.engine import Database, open_database
from core.db.fts import TRIGGERS, search_index_suspended, suspend_search_index
from core.db.models import SourceRecord
from core.ingest.engine import ingest_contacts
from core.ingest.prepare import LeanPrepared
from core.sync.providers.vcard.reader import estimate_cards
from core.sync.vcard_import import import_vcards
from core.tasks import TaskCancelled, TaskState
from core.views.party import list_party_id_array, list_party_ids
from core.views.refine import first_matching
from tests.factories import add_account, contact

CARDS = 40


def _card(i: int) -> str:
    return ("BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"UID:person-{i}\r\nFN:Quentin{i:02d} Zubrowski{i:02d}\r\n"
            f"N:Zubrowski{i:02d};Quentin{i:02d};;;\r\n"
            f"EMAIL;TYPE=INTERNET:q{i}@example.org\r\n"
            f"TEL;TYPE=CELL:+49 151 30{i:02d}8681\r\nEND:VCARD\r\n")


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    path = tmp_path / "many.vcf"
    path.write_text("".join(_card(i) for i in range(CARDS)), encoding="utf-8")
    return path


@pytest.fixture
def suspensions(monkeypatch) -> list[bool]:
    """Lowers the "big import" bar to a few cards and records each suspension."""
    monkeypatch.setattr(search_index, "DEFER_MIN_CONTACTS", 10)
    calls: list[bool] = []
    real = search_index.suspend_search_index

    def spy(connection):  # noqa: ANN001, ANN202 - a stand-in with the real behaviour
        done = real(connection)
        calls.append(done)
        return done

    monkeypatch.setattr(search_index, "suspend_search_index", spy)
    return calls


def _assert_every_card_is_found(db: Database, count: int = CARDS) -> None:
    with db.session() as s:
        for i in range(count):
            found = list_party_ids(s, f"Quentin{i:02d}")
            assert len(found) == 1, f"card {i} by given name"
            assert list_party_ids(s, f"zubrowski{i:02d}") == found, f"card {i} by family name"
            assert list_party_ids(s, f"Zubrowski{i:02d} Qu") == found, f"card {i} by prefixes"
            assert list_party_ids(s, f"q{i}@example.org") == found, f"card {i} by email"
            assert list_party_ids(s, f"0151 30{i:02d}8681") == found, f"card {i} national"
            assert list_party_ids(s, f"+4915130{i:02d}8681") == found, f"card {i} E.164"
            assert list_party_ids(s, f"30{i:02d}8681") == found, f"card {i} local part"


def _fts_consistent(db: Database) -> None:
    if db.dialect != "sqlite":
        return
    with db.engine.begin() as c:
        c.exec_driver_sql("INSERT INTO party_fts(party_fts, rank) VALUES ('integrity-check', 1)")
        assert not search_index_suspended(c)


def test_a_big_import_is_found_by_every_search_afterwards(db: Database, cards: Path,
                                                          suspensions: list[bool],
                                                          monkeypatch) -> None:
    # Parsed by the process pool, so the writer gets lean prepared contacts (JSON text).
    real_parse = vcard_import.parse_paths
    lean_seen: list[bool] = []

    def parse_in_pool(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        for batch in real_parse(*args, parallel_threshold=10, **kwargs):
            lean_seen.extend(isinstance(p, LeanPrepared) for p in batch.prepared)
            yield batch

    monkeypatch.setattr(vcard_import, "parse_paths", parse_in_pool)
    report = import_vcards(db, [cards], account="many", region="DE", workers=2)
    assert lean_seen == [True] * CARDS
    assert report.stats.added == CARDS
    # The deferred path ran on SQLite; PostgreSQL (no FTS table) never suspends anything.
    assert suspensions == ([True] if db.dialect == "sqlite" else [])
    _assert_every_card_is_found(db)
    _fts_consistent(db)
    # The parser processes hand over the stored data as JSON text: it is stored as JSON.
    with db.session() as s:
        records = s.scalars(select(SourceRecord)).all()
        assert len(records) == CARDS
        for record in records:
            assert record.data["external_id"] == record.external_id
            assert record.data["emails"][0]["value"].endswith("@example.org")
        kind = "jsonb_typeof" if db.dialect == "postgresql" else "json_type"
        kinds = s.execute(text(f"SELECT DISTINCT {kind}(data) FROM source_record"))
        assert kinds.scalars().all() == ["object"]


def test_a_small_import_keeps_the_index_row_by_row(sqlite_db: Database, cards: Path,
                                                   monkeypatch) -> None:
    monkeypatch.setattr(search_index, "suspend_search_index",
                        lambda _c: pytest.fail("a small import must not suspend the index"))
    import_vcards(sqlite_db, [cards], account="few", region="DE", workers=1)
    _assert_every_card_is_found(sqlite_db)


def test_a_big_book_is_not_reindexed_for_a_smaller_import(sqlite_db: Database, cards: Path,
                                                          suspensions: list[bool]) -> None:
    with sqlite_db.session() as s:
        account = add_account(s, region="DE")
        ingest_contacts(s, account, [contact(f"old{i}", f"Old Person{i}") for i in range(90)])
        s.commit()
    import_vcards(sqlite_db, [cards], account="many", region="DE", workers=1)
    assert suspensions == []  # 90 > 2 x 40: one rebuild would index the 90 again
    _assert_every_card_is_found(sqlite_db)


def test_a_cancelled_import_leaves_the_index_whole(sqlite_db: Database, cards: Path,
                                                   suspensions: list[bool]) -> None:
    state = TaskState()
    checks = [0]
    real_check = state.check

    def cancel_on_second_batch() -> None:
        checks[0] += 1
        if checks[0] == 2:
            state.cancel()
        real_check()

    state.check = cancel_on_second_batch  # type: ignore[method-assign]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(vcard_import, "BATCH_SIZE", 15)
        with pytest.raises(TaskCancelled):
            import_vcards(sqlite_db, [cards], account="many", region="DE", workers=1,
                          state=state)
    assert suspensions == [True]
    _assert_every_card_is_found(sqlite_db, 15)  # the first batch was committed
    _fts_consistent(sqlite_db)


def test_an_import_killed_with_the_index_suspended_is_repaired_at_the_next_open(
        sqlite_migrated_url: str) -> None:
    db = open_database(sqlite_migrated_url)
    with db.session() as s:
        suspend_search_index(s.connection())
        s.commit()
        account = add_account(s, region="DE")
        ingest_contacts(s, account, [
            contact(f"k{i}", f"Quentin{i:02d} Zubrowski{i:02d}", emails=(f"q{i}@example.org",),
                    phones=(f"+49 151 30{i:02d}8681",)) for i in range(5)])
        s.commit()  # the process "dies" here, before the index is resumed
    with db.session() as s:
        # Not in the index yet (the test can fail), though searches find it meanwhile.
        assert s.execute(text("SELECT rowid FROM party_fts WHERE party_fts MATCH 'quentin00'")
                         ).all() == []
        assert len(list_party_ids(s, "Quentin00")) == 1
    db.dispose()
    reopened = open_database(sqlite_migrated_url)
    try:
        with reopened.engine.connect() as c:
            names = {n for (n,) in c.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
        assert set(TRIGGERS) <= names
        _assert_every_card_is_found(reopened, 5)
        _fts_consistent(reopened)
    finally:
        reopened.dispose()


def test_searches_while_the_index_is_suspended_find_what_is_written(
        sqlite_db: Database) -> None:
    """An open window searching during a big import (the index suspended until it ends):
    the contacts written so far are found, and a renamed one by its new name only."""
    with sqlite_db.session() as s:
        account = add_account(s, region="DE")
        ingest_contacts(s, account, [contact("old", "Olga Oldname", emails=("olga@example.org",))])
        s.commit()
        suspend_search_index(s.connection())
        s.commit()
        ingest_contacts(s, account, [
            contact(f"k{i}", f"Quentin{i:02d} Zubrowski{i:02d}", emails=(f"q{i}@example.org",),
                    phones=(f"+49 151 30{i:02d}8681",)) for i in range(5)]
            + [contact("old", "Olga Newname", emails=("olga@example.org",))])
        s.commit()
        assert search_index_suspended(s.connection())
    _assert_every_card_is_found(sqlite_db, 5)
    with sqlite_db.session() as s:
        for search in ("quentin03", "zubrowski03 qu", "q3@example.org", "0151 3003"):
            first_page = list_party_ids(s, search, limit=50)  # the window's first page
            assert first_page == list(list_party_id_array(s, search)), search
            assert len(first_page) == 1, search
        olga = list_party_ids(s, "olga newname", limit=50)
        assert len(olga) == 1 and list_party_ids(s, "newname") == olga
        assert list_party_ids(s, "oldname", limit=50) == list_party_ids(s, "oldname") == []
        # Narrowing the previous result would read the stale index: not done meanwhile.
        assert first_matching(s, "quentin0", list_party_id_array(s, "quentin"), 50) is None


def test_cards_are_estimated_across_read_blocks(tmp_path: Path) -> None:
    path = tmp_path / "padded.vcf"
    card = _card(1).encode()
    pad = b"X" * ((1 << 20) - 5)  # the first card's BEGIN:VCARD straddles the first MiB
    path.write_bytes(pad + card + card.lower())
    assert estimate_cards([path, tmp_path / "missing.vcf"]) == 2


def test_a_real_import_killed_half_way_is_searchable_after_the_next_open(
        sqlite_migrated_url: str, tmp_path: Path) -> None:
    """``kith import`` of a big file, SIGKILLed once some batches are committed (with the
    index suspended): the next open rebuilds it and every committed contact is found."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from sqlalchemy import create_engine

    from core.sync.providers.vcard.synthetic import write_synthetic_file
    from tests.subprocess_python import ROOT

    path = write_synthetic_file(tmp_path / "big.vcf", 20_000, seed=5)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "--database", sqlite_migrated_url, "import", str(path),
         "--account", "big"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    watcher = create_engine(sqlite_migrated_url)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert child.poll() is None, "the import ended before it could be killed"
            with watcher.connect() as c:
                records = c.exec_driver_sql("SELECT COUNT(*) FROM source_record").scalar()
                suspended = search_index_suspended(c)
            if records >= 2000 and suspended:
                break
            assert time.monotonic() < deadline, "the import never got going"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        watcher.dispose()
    db = open_database(sqlite_migrated_url)
    try:
        _fts_consistent(db)
        with db.session() as s:
            rows = s.execute(text(
                "SELECT p.id, p.given_name, p.family_name FROM party p "
                "JOIN source_record r ON r.party_id = p.id WHERE p.given_name != '' "
                "ORDER BY p.id")).all()
            assert len(rows) >= 1000
            for pid, given, family in rows[:: max(1, len(rows) // 60)]:
                assert pid in list_party_ids(s, f"{family} {given[:2]}"), (given, family)
            first_email = s.execute(text(
                "SELECT h.value, l.party_id FROM handle h JOIN party_handle_link l "
                "ON l.handle_id = h.id WHERE h.platform = 'email' LIMIT 1")).one()
            assert first_email[1] in list_party_ids(s, first_email[0])
    finally:
        db.dispose()

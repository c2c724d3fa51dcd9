"""A CSV file as a source: the real sync runtime, the real provider, a real SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from core.db.engine import Database
from core.db.models import SourceRecord
from core.sync.contract import AccountRef
from core.sync.providers.csvfile.provider import CsvProvider
from core.sync.registry import provider_for
from core.sync.runtime import run_sync
from core.sync.sources import add_source

HEAD = "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Value,Labels\r\n"


def write(path: Path, *rows: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else None
    path.write_text(HEAD + "".join(r + "\r\n" for r in rows), encoding="utf-8", newline="")
    if before is not None:  # a same-size rewrite within the clock tick must still be seen
        os.utime(path, ns=(before + 10**9, before + 10**9))


def add(db: Database, path: Path, mapping: dict | None = None) -> int:
    with db.session() as s:
        settings = {"path": str(path), **({"mapping": mapping} if mapping else {})}
        account_id = add_source(s, "csv", str(path), settings, path.name)
        s.commit()
    return account_id


def live(db: Database, account_id: int) -> dict[str, bool]:
    from core.ingest.serialize import contact_from_data

    with db.session() as s:
        records = s.scalars(select(SourceRecord).where(SourceRecord.account_id == account_id))
        return {contact_from_data(r.data).name.given: r.deleted_at is None for r in records}


def test_registry_knows_csv_sources(tmp_path) -> None:
    provider = provider_for(AccountRef(1, "csv", "x", {"path": str(tmp_path / "x.csv")}))
    assert isinstance(provider, CsvProvider) and provider.name() == "csv"


def test_full_then_unchanged_then_edited_file(sqlite_db, tmp_path) -> None:
    path = tmp_path / "google.csv"
    write(path, "Ada,Lovelace,Home,ada@example.com,,* myContacts ::: Friends",
          "Alan,Turing,Work,alan@example.org,+44 20 7946 0000,* myContacts",
          "Grace,Hopper,,grace@example.com,,Friends", ",,,,,* myContacts")
    account = add(sqlite_db, path)
    first = run_sync(sqlite_db, account, CsvProvider())
    assert first.ok and first.mode == "full" and first.counts["added"] == 3
    assert first.problems == ["google.csv, line 5: no name, email, phone or company in this "
                              "row; row skipped"]
    second = run_sync(sqlite_db, account, CsvProvider())
    assert second.ok and second.mode == "incremental" and not second.cursor_expired
    assert second.counts["added"] == second.counts["updated"] == 0
    # Alan's phone changes, Grace leaves the file: re-read fully, Grace archived
    write(path, "Ada,Lovelace,Home,ada@example.com,,* myContacts ::: Friends",
          "Alan,Turing,Work,alan@example.org,+44 20 7946 9999,* myContacts")
    third = run_sync(sqlite_db, account, CsvProvider())
    assert third.ok and third.cursor_expired
    assert (third.counts["added"], third.counts["updated"], third.counts["deleted"]) == (0, 1, 1)
    assert live(sqlite_db, account) == {"Ada": True, "Alan": True, "Grace": False}


def test_pages_resume_when_the_stream_is_lost(sqlite_db, tmp_path) -> None:
    path = tmp_path / "many.csv"
    write(path, *(f"P{i},Person,,p{i}@example.com,,Team{i % 3}" for i in range(25)))
    account = AccountRef(1, "csv", str(path), {"path": str(path)})
    provider = CsvProvider(page_size=10)
    first = provider.full_sync(account, None)
    assert len(first.contacts) == 10 and first.next_page_token
    fresh = CsvProvider(page_size=10)  # e.g. the app restarted between pages
    second = fresh.full_sync(account, first.next_page_token)
    third = fresh.full_sync(account, second.next_page_token)
    ids = [c.external_id for c in first.contacts + second.contacts + third.contacts]
    assert len(ids) == len(set(ids)) == 25
    assert third.complete_listing and third.next_sync_cursor
    assert {g.name: g.member_count for g in third.groups} == {"Team0": 9, "Team1": 8,
                                                               "Team2": 8}


def test_a_mapped_source_and_a_changed_mapping(sqlite_db, tmp_path) -> None:
    path = tmp_path / "club.csv"
    path.write_text("Member;Mail\r\nBarbara Liskov;bl@example.edu\r\n", encoding="utf-8")
    account = add(sqlite_db, path, {"Member": "name.full", "Mail": "email"})
    assert run_sync(sqlite_db, account, CsvProvider()).counts["added"] == 1
    with sqlite_db.session() as s:
        from core.db.models import SourceAccount

        row = s.get(SourceAccount, account)
        row.settings = {**row.settings, "mapping": {"Member": "name.full", "Mail": "email:work"}}
        s.commit()
    result = run_sync(sqlite_db, account, CsvProvider())
    assert result.cursor_expired and result.counts["updated"] == 1


def test_a_missing_file_is_an_actionable_error(sqlite_db, tmp_path) -> None:
    path = tmp_path / "gone.csv"
    account = add(sqlite_db, path)
    result = run_sync(sqlite_db, account, CsvProvider())
    assert not result.ok and "CSV file not found" in (result.error or "")


def test_rows_kith_holds_are_reported_unchanged_not_resent(sqlite_db, tmp_path) -> None:
    from core.sync.registry import stored_etags

    path = tmp_path / "google.csv"
    write(path, "Ada,Lovelace,Home,ada@example.com,,", "Alan,Turing,,alan@example.org,,",
          "Grace,Hopper,,grace@example.com,,")
    account = add(sqlite_db, path)
    assert run_sync(sqlite_db, account, CsvProvider()).counts["added"] == 3
    provider = CsvProvider(known_etags=lambda ref: stored_etags(sqlite_db, ref.id))
    ref = AccountRef(account, "csv", str(path), {"path": str(path)})
    page = provider.full_sync(ref, None)
    assert page.contacts == [] and len(page.checkpoint["unchanged"]) == 3
    full = run_sync(sqlite_db, account, provider, mode="full")
    assert (full.counts["unchanged"], full.counts["deleted"]) == (3, 0)
    write(path, "Ada,Lovelace,Home,ada@example.com,,", "Grace,Hopper,,grace@example.com,,")
    after = run_sync(sqlite_db, account, provider, mode="full")
    # unchanged rows count as present: only the row that left the file is archived
    assert (after.counts["unchanged"], after.counts["deleted"]) == (2, 1)
    assert live(sqlite_db, account) == {"Ada": True, "Alan": False, "Grace": True}

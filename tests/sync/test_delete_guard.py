"""The mass-delete guard, for every provider: a run that would remove more than 50 records and
more than a third of a source's live ones is held (its additions and updates still land)
until the owner applies or keeps the removals. Real vCard folders (SQLite and PostgreSQL),
real Radicale and Xandikos, the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update

from app.cli import main
from core.db.engine import Database
from core.db.models import SourceAccount, SourceRecord
from core.ingest.deletes import apply_held_deletes, keep_held_deletes
from core.sync.providers.carddav import CardDAVProvider
from core.sync.providers.vcard import VCardProvider
from core.sync.registry import stored_etags
from core.sync.runtime import run_sync
from core.sync.sources import add_source
from core.sync.status import source_statuses
from tests.sync.providers.carddav.conftest import DavServer, dav_server
from tests.sync.runtime_support import add_vcard_folder, count, rt_db, sync_state, vcard

__all__ = ["dav_server", "rt_db"]


def _write_cards(folder: Path, numbers: range | list[int]) -> None:
    (folder / "all.vcf").write_text("".join(
        vcard(f"u{n}", f"Person Number{n}", f"p{n}@example.com") for n in numbers))


def _live(db: Database, account_id: int) -> int:
    return count(db, SourceRecord, SourceRecord.account_id == account_id,
                 SourceRecord.deleted_at.is_(None))


def _held(db: Database, account_id: int) -> int:
    with db.session() as s:
        [status] = [st for st in source_statuses(s) if st.id == account_id]
    return status.held_deletes


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "cards"
    root.mkdir()
    _write_cards(root, range(90))
    return root


def _vcard_sync(db: Database, account_id: int, mode: str = "auto"):
    result = run_sync(db, account_id, VCardProvider(workers=1), mode=mode)
    assert result.ok, result.error
    return result


def test_shrunk_source_is_held_then_applied(db: Database, folder: Path) -> None:
    account = add_vcard_folder(db, folder)
    assert _vcard_sync(db, account).counts["added"] == 90
    _write_cards(folder, [*range(20), 500])  # 70 gone, one new

    held = _vcard_sync(db, account)
    assert held.held_deletes == 70 and held.counts["deleted"] == 0
    assert held.counts["added"] == 1  # additions land while the removals wait
    assert _live(db, account) == 91 and _held(db, account) == 70
    with db.session() as s:
        [status] = source_statuses(s)
    assert status.held_notice.startswith("This sync would remove 70 contacts from cards")

    again = _vcard_sync(db, account, mode="full")  # a later run keeps holding them
    assert again.held_deletes == 70 and _live(db, account) == 91

    with db.session() as s:
        assert apply_held_deletes(s, account).deleted == 70
        s.commit()
    assert _live(db, account) == 21 and _held(db, account) == 0
    assert sync_state(db, account).held_deletes is None
    with db.session() as s, pytest.raises(LookupError):
        apply_held_deletes(s, account)


def test_kept_contacts_are_not_proposed_again(db: Database, folder: Path) -> None:
    account = add_vcard_folder(db, folder)
    _vcard_sync(db, account)
    _write_cards(folder, range(20))
    assert _vcard_sync(db, account).held_deletes == 70
    with db.session() as s:
        assert keep_held_deletes(s, account) == 70
        s.commit()
    assert _live(db, account) == 90 and _held(db, account) == 0

    later = _vcard_sync(db, account, mode="full")
    assert later.held_deletes == 0 and later.counts["deleted"] == 0 and _live(db, account) == 90
    _write_cards(folder, range(15))  # five more removed: below the guard, applied at once
    applied = _vcard_sync(db, account, mode="full")
    assert applied.counts["deleted"] == 5 and _live(db, account) == 85


def test_small_deletion_is_applied_at_once(db: Database, folder: Path) -> None:
    account = add_vcard_folder(db, folder)
    _vcard_sync(db, account)
    _write_cards(folder, range(40))  # 50 removed: not more than 50
    result = _vcard_sync(db, account)
    assert result.held_deletes == 0 and result.counts["deleted"] == 50
    assert _live(db, account) == 40


def test_cli_shows_the_held_sync_and_applies_it(sqlite_migrated_url, folder, capsys) -> None:
    def kith(*argv: str) -> tuple[int, str, str]:
        code = main(["--database", sqlite_migrated_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    kith("sources", "add", "vcard", str(folder))
    assert kith("sync")[0] == 0
    _write_cards(folder, range(10))
    code, out, _ = kith("sync")
    assert code == 0
    assert "This sync would remove 80 contacts from cards; nothing was removed" in out
    assert "kith sync --apply-deletes 1" in out and "kith sync --keep-deletes 1" in out
    code, out, _ = kith("status")
    assert "would remove 80 contacts" in out
    [status] = json.loads(kith("status", "--json")[1])
    assert status["held_deletes"] == 80 and "would remove 80" in status["held_notice"]
    code, out, _ = kith("sync", "--apply-deletes", "1")
    assert code == 0 and "removed 80 contacts" in out
    assert json.loads(kith("sources", "list", "--json")[1])[0]["live_records"] == 10
    code, _, err = kith("sync", "--keep-deletes", "1")
    assert code == 1 and "no removals waiting" in err


def _carddav_source(db: Database, server: DavServer, book: str) -> int:
    with db.session() as s:
        account_id = add_source(s, "carddav", f"{server.user}@{server.book_url(book)}",
                                {"url": server.book_url(book), "username": server.user})
        s.commit()
    return account_id


def _carddav_sync(db: Database, account_id: int):
    provider = CardDAVProvider(lambda account: "pw", base_delay=0.001,
                               known_etags=lambda account: stored_etags(db, account.id))
    try:
        result = run_sync(db, account_id, provider)
    finally:
        provider.close()
    assert result.ok, result.error
    return result


def test_carddav_collection_shrunk_on_the_server_is_held(rt_db: Database,
                                                         dav_server: DavServer) -> None:
    dav_server.load_cards("contacts", 90)
    account = _carddav_source(rt_db, dav_server, "contacts")
    assert _carddav_sync(rt_db, account).counts["added"] == 90
    for number in range(60):
        dav_server.delete_card("contacts", f"card-{number:06d}")
    dav_server.put_card("contacts", "newcomer", vcard("new", "New Comer", "new@example.com"))

    result = _carddav_sync(rt_db, account)
    assert result.mode == "incremental" and result.held_deletes == 60
    assert result.counts["added"] == 1 and _live(rt_db, account) == 91
    assert _carddav_sync(rt_db, account).held_deletes == 60  # a quiet sync keeps them held


def test_carddav_source_pointed_at_another_book_is_held(rt_db: Database,
                                                        dav_server: DavServer) -> None:
    """The old failure: a source silently repointed to another book of the account. The
    cursor belongs to the old book, so a full listing of the new one follows: held."""
    dav_server.load_cards("contacts", 90)
    dav_server.load_cards("work", 5, start=1000, displayname="Work")
    account = _carddav_source(rt_db, dav_server, "contacts")
    _carddav_sync(rt_db, account)
    with rt_db.session() as s:
        s.execute(update(SourceAccount).where(SourceAccount.id == account).values(
            settings={"url": dav_server.book_url("work"), "username": dav_server.user}))
        s.commit()

    result = _carddav_sync(rt_db, account)
    assert result.mode == "full" and result.cursor_expired
    assert result.held_deletes == 90 and result.counts["added"] == 5
    assert _live(rt_db, account) == 95


def test_mcp_reports_and_answers_a_held_sync(db: Database, folder: Path) -> None:
    from app.commands.mcp_server import KithTools

    account = add_vcard_folder(db, folder)
    tools = KithTools(db)
    [first] = tools.contacts_sync_now()
    assert first["ok"] and first["held_deletes"] == 0
    _write_cards(folder, range(5))
    [held] = tools.contacts_sync_now()
    assert held["ok"] and held["held_deletes"] == 85
    [status] = tools.contacts_sync_status()
    assert status["held_deletes"] == 85 and "would remove 85 contacts" in status["held_notice"]
    assert tools.contacts_source_list()[0]["held_deletes"] == 85
    assert not tools.contacts_held_deletes(account, "maybe")["ok"]
    assert tools.contacts_held_deletes(account, "apply") == {
        "ok": True, "source_id": account, "decision": "apply", "count": 85}
    assert _live(db, account) == 5
    assert not tools.contacts_held_deletes(account, "keep")["ok"]  # nothing held any more

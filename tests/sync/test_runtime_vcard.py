"""The sync runtime driving the real vCard folder provider into a real SQLite database."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from core.db.base import utcnow
from core.db.models import Party, SourceRecord, SyncState
from core.sync.contract import AccountRef, ContactBatch
from core.sync.lease import new_owner
from core.sync.providers.vcard import VCardProvider
from core.sync.runtime import SyncAlreadyRunningError, run_source, run_sync
from core.sync.schedule import due_syncs
from core.sync.status import source_statuses
from core.tasks import TaskCancelled, TaskState
from tests.sync.runtime_support import (
    add_vcard_folder,
    count,
    live_names,
    rt_db,
    sync_state,
    vcard,
)

__all__ = ["rt_db"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "cards"
    root.mkdir()
    (root / "a.vcf").write_text(vcard("u1", "Ada Lovelace", "ada@example.com")
                                + vcard("u2", "Alan Turing", "alan@example.com"))
    (root / "b.vcf").write_text(vcard("u3", "Grace Hopper", phone="+1 202 555 0101"))
    return root


def provider() -> VCardProvider:
    return VCardProvider(workers=1)


def test_full_then_incremental_applies_changes_and_archives_deletions(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder)
    first = run_sync(rt_db, account, provider())
    assert first.ok and first.mode == "full"
    assert first.counts["added"] == 3
    state = sync_state(rt_db, account)
    assert state.health == "ok" and state.cursor and state.last_full_at is not None
    assert state.lease_owner is None and state.last_counts["added"] == 3

    (folder / "a.vcf").write_text(vcard("u1", "Ada King", "ada@example.com"))  # u2 removed
    (folder / "c.vcf").write_text(vcard("u4", "Katherine Johnson", "kj@example.com"))
    second = run_sync(rt_db, account, provider())
    assert second.ok and second.mode == "incremental"
    assert (second.counts["added"], second.counts["updated"], second.counts["deleted"]) \
        == (1, 1, 1)
    assert live_names(rt_db, account) == {"Ada King", "Grace Hopper", "Katherine Johnson"}
    # archive policy: the record stays, marked deleted; its party survives for review
    assert count(rt_db, SourceRecord, SourceRecord.deleted_at.is_not(None)) == 1
    assert count(rt_db, Party, Party.display_name == "Alan Turing",
                 Party.needs_archival_review.is_(True)) == 1
    assert sync_state(rt_db, account).cursor != state.cursor


def test_mirror_policy_removes_deleted_records_and_their_parties(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder, policy="mirror")
    assert run_sync(rt_db, account, provider()).ok
    (folder / "b.vcf").unlink()
    result = run_sync(rt_db, account, provider())
    assert result.ok and result.counts["deleted"] == 1
    assert count(rt_db, SourceRecord) == 2
    assert count(rt_db, Party, Party.display_name == "Grace Hopper") == 0


def test_full_sync_deletions_follow_the_complete_listing(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder)
    assert run_sync(rt_db, account, provider()).ok
    (folder / "b.vcf").unlink()
    result = run_sync(rt_db, account, provider(), mode="full")
    assert result.ok and result.mode == "full" and result.counts["deleted"] == 1
    assert live_names(rt_db, account) == {"Ada Lovelace", "Alan Turing"}


def test_empty_listing_needs_confirmation_and_deletes_nothing(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder)
    assert run_sync(rt_db, account, provider()).ok
    cursor = sync_state(rt_db, account).cursor
    for path in folder.glob("*.vcf"):
        path.write_text("")
    result = run_sync(rt_db, account, provider(), mode="full")
    assert not result.ok and result.health == "needs_confirmation"
    assert "confirm" in (result.error or "")
    state = sync_state(rt_db, account)
    assert state.health == "needs_confirmation" and state.cursor == cursor
    assert count(rt_db, SourceRecord, SourceRecord.deleted_at.is_(None)) == 3

    confirmed = run_sync(rt_db, account, provider(), mode="full", confirm_empty=True)
    assert confirmed.ok and confirmed.counts["deleted"] == 3
    assert count(rt_db, SourceRecord, SourceRecord.deleted_at.is_(None)) == 0


def test_missing_folder_is_an_error_not_a_mass_deletion(rt_db, folder, tmp_path) -> None:
    account = add_vcard_folder(rt_db, folder)
    assert run_sync(rt_db, account, provider()).ok
    folder.rename(tmp_path / "elsewhere")
    result = run_sync(rt_db, account, provider())
    assert not result.ok and result.health == "error" and "not found" in (result.error or "")
    assert count(rt_db, SourceRecord, SourceRecord.deleted_at.is_(None)) == 3


def test_cancel_keeps_the_old_cursor_and_releases_the_lease(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder)
    assert run_sync(rt_db, account, provider()).ok
    before = sync_state(rt_db, account)
    (folder / "c.vcf").write_text(vcard("u4", "Katherine Johnson"))
    state = TaskState()
    state.cancel()
    with pytest.raises(TaskCancelled):
        run_sync(rt_db, account, provider(), state=state)
    after = sync_state(rt_db, account)
    assert after.cursor == before.cursor and after.cursor_at == before.cursor_at
    assert after.lease_owner is None and after.health == "ok"
    assert "Cancelled" in (after.last_error or "")
    assert run_sync(rt_db, account, provider()).counts["added"] == 1


class _Gate:
    """A real vCard provider whose first page waits until the test lets it go."""

    def __init__(self) -> None:
        self.inner = provider()
        self.entered = threading.Event()
        self.release = threading.Event()

    def name(self) -> str:
        return "vcard"

    def validate_credentials(self, account: AccountRef) -> None:
        self.inner.validate_credentials(account)

    def full_sync(self, account: AccountRef, page_token: str | None) -> ContactBatch:
        self.entered.set()
        assert self.release.wait(10)
        return self.inner.full_sync(account, page_token)

    def incremental_sync(self, account, cursor, page_token):  # pragma: no cover - unused
        return self.inner.incremental_sync(account, cursor, page_token)

    def list_groups(self, account, page_token):  # pragma: no cover - unused
        return self.inner.list_groups(account, page_token)


def test_two_concurrent_runs_of_one_source_never_overlap(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder)
    gate = _Gate()
    results = []
    worker = threading.Thread(target=lambda: results.append(run_sync(rt_db, account, gate)))
    worker.start()
    try:
        assert gate.entered.wait(10)
        with pytest.raises(SyncAlreadyRunningError):
            run_sync(rt_db, account, provider())
        with rt_db.session() as s:
            assert due_syncs(s, utcnow(), startup=True) == []  # running: not scheduled
            [status] = source_statuses(s)
            assert status.running and status.health == "syncing"
    finally:
        gate.release.set()
        worker.join(10)
    assert results and results[0].ok
    assert run_sync(rt_db, account, provider()).ok  # the lease was given back


def test_a_killed_runs_lease_is_taken_over(rt_db, folder) -> None:
    """A run that died (its process is gone) must not block the source for 30 minutes."""
    account = add_vcard_folder(rt_db, folder)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    host = new_owner().split(":")[0]
    with rt_db.session() as s:
        s.execute(update(SyncState).where(SyncState.account_id == account).values(
            lease_owner=f"{host}:{int(dead.stdout)}:deadbeef", health="syncing",
            lease_until=utcnow() + timedelta(minutes=20)))
        s.commit()
    with rt_db.session() as s:
        [status] = source_statuses(s)
        assert status.health == "interrupted" and not status.running
    assert run_sync(rt_db, account, provider()).ok


def test_a_live_foreign_lease_is_respected(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder)
    with rt_db.session() as s:
        s.execute(update(SyncState).where(SyncState.account_id == account).values(
            lease_owner="other-host:1:cafe", lease_until=utcnow() + timedelta(minutes=20)))
        s.commit()
    with pytest.raises(SyncAlreadyRunningError):
        run_sync(rt_db, account, provider())


def test_run_source_uses_the_registry_and_the_schedule_follows(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder)
    with rt_db.session() as s:
        assert [(d.account_id, d.mode, d.reason) for d in due_syncs(s, utcnow())] \
            == [(account, "full", "first sync")]
    result = run_source(rt_db, account)
    assert result.ok and result.counts["added"] == 3
    now = utcnow()
    with rt_db.session() as s:
        assert due_syncs(s, now) == []
        assert [d.mode for d in due_syncs(s, now, startup=True)] == ["incremental"]
        assert [d.mode for d in due_syncs(s, now + timedelta(minutes=16))] == ["incremental"]
        assert [(d.mode, d.reason) for d in due_syncs(s, now + timedelta(days=6, minutes=1))] \
            == [("full", "cursor is 6 days old")]
        [status] = source_statuses(s, now)
    assert status.provider == "vcard" and status.health == "ok"
    assert status.cursor_age_s is not None and status.cursor_age_s < 60
    assert status.next_run is not None and status.next_forced_full is not None
    assert status.last_counts["added"] == 3 and status.live_records == 3
    assert run_source(rt_db, account, full=True).mode == "full"


def test_six_day_old_cursor_forces_a_full_sync(rt_db, folder) -> None:
    account = add_vcard_folder(rt_db, folder)
    assert run_sync(rt_db, account, provider()).ok
    later = utcnow() + timedelta(days=6, seconds=1)
    result = run_sync(rt_db, account, provider(), now=lambda: later)
    assert result.ok and result.mode == "full"

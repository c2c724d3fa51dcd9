"""The sync runtime driving the real Google provider against the People API emulator."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.db.base import utcnow
from core.db.models import Party, SourceRecord
from core.sync.providers.google import AUTH_MESSAGE
from core.sync.runtime import DEGRADED_AFTER, run_sync
from core.sync.schedule import due_syncs
from core.sync.status import source_statuses
from tests.sync.runtime_support import (
    add_google,
    count,
    google_provider,
    live_names,
    rt_api,
    rt_db,
    rt_keyring,
    rt_sleeps,
    sync_state,
)

__all__ = ["google_provider", "rt_api", "rt_db", "rt_keyring", "rt_sleeps"]


def _person(name: str, email: str) -> dict:
    given, _, family = name.partition(" ")
    return {"names": [{"displayName": name, "givenName": given, "familyName": family}],
            "emailAddresses": [{"value": email, "type": "home"}]}


def test_full_then_incremental_with_changes_deletions_and_renames(
        rt_db, rt_api, google_provider) -> None:
    rt_api.store.generate_persons(120)
    ada = rt_api.store.add_person(_person("Ada Lovelace", "ada@example.com"))
    alan = rt_api.store.add_person(_person("Alan Turing", "alan@example.com"))
    grace = rt_api.store.add_person(_person("Grace Hopper", "grace@example.com"))
    account = add_google(rt_db, rt_api)

    first = run_sync(rt_db, account, google_provider())
    assert first.ok and first.mode == "full" and first.counts["added"] == 123
    assert first.pages == 3  # pageSize 50
    cursor = sync_state(rt_db, account).cursor
    assert cursor

    rt_api.store.update_person(ada, _person("Ada King", "ada@example.com"))
    rt_api.store.delete_person(alan)
    renamed = rt_api.store.rename_person(grace)
    rt_api.store.add_person(_person("Katherine Johnson", "kj@example.com"))
    second = run_sync(rt_db, account, google_provider())
    assert second.ok and second.mode == "incremental", second.error
    assert second.counts["added"] == 1 and second.counts["deleted"] == 1
    names = live_names(rt_db, account)
    assert {"Ada King", "Grace Hopper", "Katherine Johnson"} <= names
    assert "Alan Turing" not in names and len(names) == 123
    with rt_db.session() as s:
        externals = set(s.scalars(select(SourceRecord.external_id)
                                  .where(SourceRecord.deleted_at.is_(None))))
    assert renamed in externals and grace not in externals  # same record, new name
    assert count(rt_db, Party, Party.display_name == "Grace Hopper") == 1
    assert sync_state(rt_db, account).cursor not in (None, cursor)

    third = run_sync(rt_db, account, google_provider())
    assert third.ok and third.mode == "incremental"
    assert third.counts["added"] == third.counts["updated"] == 0


def test_mirror_policy_removes_deleted_google_contacts(rt_db, rt_api, google_provider) -> None:
    keep = rt_api.store.add_person(_person("Ada Lovelace", "ada@example.com"))
    gone = rt_api.store.add_person(_person("Alan Turing", "alan@example.com"))
    account = add_google(rt_db, rt_api, policy="mirror")
    assert run_sync(rt_db, account, google_provider()).ok
    rt_api.store.delete_person(gone)
    assert run_sync(rt_db, account, google_provider()).counts["deleted"] == 1
    assert count(rt_db, SourceRecord) == 1
    assert count(rt_db, Party, Party.display_name == "Alan Turing") == 0
    assert keep


def test_expired_sync_token_runs_a_full_sync_in_the_same_run(
        rt_db, rt_api, google_provider) -> None:
    rt_api.store.generate_persons(80)
    account = add_google(rt_db, rt_api)
    assert run_sync(rt_db, account, google_provider()).ok
    old = sync_state(rt_db, account)
    rt_api.store.add_person(_person("Ada Lovelace", "ada@example.com"))
    rt_api.store.expire_sync_tokens()

    result = run_sync(rt_db, account, google_provider())
    assert result.ok, result.error
    assert result.mode == "full" and result.cursor_expired
    assert result.counts["added"] == 1 and result.counts["unchanged"] == 80
    new = sync_state(rt_db, account)
    assert new.cursor and new.cursor != old.cursor and new.last_full_at > old.last_full_at
    assert new.health == "ok" and new.last_counts["mode"] == "full"
    assert run_sync(rt_db, account, google_provider()).mode == "incremental"


def test_a_429_burst_is_absorbed_by_backoff(rt_db, rt_api, google_provider, rt_sleeps) -> None:
    rt_api.store.generate_persons(120)
    account = add_google(rt_db, rt_api)
    rt_api.inject_fault("429", count=3)
    result = run_sync(rt_db, account, google_provider())
    assert result.ok and result.counts["added"] == 120
    assert rt_api.faults_served == 3 and len(rt_sleeps) == 3
    assert sync_state(rt_db, account).health == "ok"


def test_repeated_failures_degrade_the_source_and_keep_the_cursor(
        rt_db, rt_api, google_provider) -> None:
    rt_api.store.generate_persons(10)
    account = add_google(rt_db, rt_api)
    assert run_sync(rt_db, account, google_provider()).ok
    good = sync_state(rt_db, account)
    attempts = 4  # the provider's retry budget per call in these tests
    rt_api.inject_fault("500", count=attempts * DEGRADED_AFTER)
    healths = []
    for _ in range(DEGRADED_AFTER):
        result = run_sync(rt_db, account, google_provider())
        assert not result.ok
        healths.append(result.health)
    assert healths == ["error"] * (DEGRADED_AFTER - 1) + ["degraded"]
    state = sync_state(rt_db, account)
    assert state.cursor == good.cursor and state.cursor_at == good.cursor_at
    assert state.consecutive_failures == DEGRADED_AFTER
    assert "Check the network" in state.last_error and "HTTP 500" in state.last_error
    assert state.next_run_at is not None and state.next_run_at > utcnow()
    with rt_db.session() as s:
        [status] = source_statuses(s)
        assert status.health == "degraded" and status.last_error == state.last_error

    recovered = run_sync(rt_db, account, google_provider())
    assert recovered.ok and recovered.mode == "incremental"
    state = sync_state(rt_db, account)
    assert state.health == "ok" and state.consecutive_failures == 0 and state.last_error is None


def test_auth_failure_is_an_error_without_a_retry_storm(
        rt_db, rt_api, google_provider, rt_sleeps, rt_keyring) -> None:
    rt_api.store.generate_persons(5)
    account = add_google(rt_db, rt_api)
    assert run_sync(rt_db, account, google_provider()).ok
    rt_api.oauth.revoke()
    rt_api.oauth.expire_access_tokens()
    before = rt_api.api_requests + rt_api.requests["token"]

    result = run_sync(rt_db, account, google_provider())
    assert not result.ok and result.health == "error" and result.error == AUTH_MESSAGE
    assert rt_sleeps == []  # not retried
    assert rt_api.api_requests + rt_api.requests["token"] - before <= 2
    state = sync_state(rt_db, account)
    assert state.next_run_at is None and state.cursor  # waits for the owner; cursor kept
    secrets = [v for v in rt_keyring.entries.values()]
    assert not any(secret in (state.last_error or "") for secret in secrets)
    with rt_db.session() as s:
        assert due_syncs(s, utcnow() + timedelta(hours=6)) == []
        assert [d.account_id for d in due_syncs(s, utcnow(), startup=True)] == [account]
        [status] = source_statuses(s)
        assert status.waits_for_owner and status.next_run is None and "reconnect" in \
            status.last_error


def test_other_contacts_stream_is_synced_too(rt_db, rt_api, google_provider) -> None:
    rt_api.store.add_person(_person("Ada Lovelace", "ada@example.com"))
    rt_api.store.add_other_contact({"emailAddresses": [{"value": "bob@example.com"}],
                                    "names": [{"displayName": "Bob Other"}]})
    account = add_google(rt_db, rt_api, other_contacts=True)
    result = run_sync(rt_db, account, google_provider())
    assert result.ok and result.counts["added"] == 2
    assert run_sync(rt_db, account, google_provider()).mode == "incremental"


def test_registry_google_provider_spends_from_the_quota_ledger(
        rt_db, rt_api, google_provider) -> None:
    """Built by the registry with the database, every People API call is consumed first."""
    from core.db.models import QuotaLedger
    from core.sync.registry import provider_for
    from core.sync.runtime import account_ref

    google_provider()  # stores the emulator's credentials in the test keyring
    rt_api.store.generate_persons(30)
    account = add_google(rt_db, rt_api)
    with rt_db.session() as s:
        from core.db.models import SourceAccount

        ref = account_ref(s.get(SourceAccount, account))
    before = rt_api.api_requests
    result = run_sync(rt_db, account, provider_for(ref, db=rt_db))
    assert result.ok, result.error
    calls = rt_api.api_requests - before
    with rt_db.session() as s:
        spent = sum(row.used for row in s.scalars(select(QuotaLedger)))
        subjects = {row.subject for row in s.scalars(select(QuotaLedger))}
    assert calls >= 1 and spent == calls
    assert subjects == {f"account:{account}"}

"""Adding and removing contact sources (the account rows the sync runtime reads).

Removing a source has two meanings, and the owner picks one:

- ``keep_contacts=True``: the contacts stay in Kith as they are. The source's records are
  archived (``deleted_at``) rather than deleted, because a party's addresses, dates and labels
  hang off its records; the account row stays, marked ``settings["removed"]``, so nothing
  syncs it any more and it is hidden from listings. Adding the same source again revives it
  and the next full sync re-attaches the same records (no duplicates).
- ``keep_contacts=False``: mirror-style removal. Every record of the source goes through the
  mirror delete path (links it supported are dropped, handles re-resolved, parties left with
  nothing else and no local edits are deleted; parties with local edits or other sources
  survive), then the account row and its sync state are deleted.

Credentials are not handled here (core never touches the keyring for writes): the caller
forgets them with :func:`forget_credentials`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import ActivityEvent, SourceAccount, SourceRecord, SyncState
from core.ingest.deletes import remove_records
from core.sync.source_kinds import source_words

PROVIDERS = ("vcard", "google", "carddav", "csv")
DELETE_POLICIES = ("archive", "mirror")


@dataclass(slots=True)
class RemovedSource:
    account_id: int
    provider: str
    account: str
    kept_contacts: bool
    records: int
    deleted_parties: int


def is_removed(account: SourceAccount) -> bool:
    return bool((account.settings or {}).get("removed"))


def add_source(session: Session, provider: str, account_id: str, settings: dict[str, Any],
               display_name: str = "", delete_policy: str = "archive",
               default_region: str = "") -> int:
    """Create (or revive) the source; the same provider + account twice is one source.

    ``settings`` must not hold credentials (they belong in the keyring). The caller commits.
    """
    if provider not in PROVIDERS:
        raise ValueError(f"Unknown provider {provider!r}; expected one of {', '.join(PROVIDERS)}")
    if delete_policy not in DELETE_POLICIES:
        raise ValueError("delete_policy must be 'archive' or 'mirror'")
    account = session.scalar(select(SourceAccount).where(
        SourceAccount.provider == provider, SourceAccount.account_id == account_id))
    revived = account is not None and is_removed(account)
    if account is None:
        account = SourceAccount(provider=provider, account_id=account_id,
                                display_name=display_name or account_id,
                                delete_policy=delete_policy, settings=dict(settings))
        session.add(account)
        session.flush()
    else:
        merged = {k: v for k, v in (account.settings or {}).items() if k != "removed"}
        account.settings = merged | dict(settings)
        account.delete_policy = delete_policy
        if display_name:
            account.display_name = display_name
    if default_region:  # phones written without +CC are read in this country
        account.default_region = default_region.upper()
    if session.get(SyncState, account.id) is None:
        session.add(SyncState(account_id=account.id, health="never", last_counts={}))
    elif revived:
        # Force a full listing so every archived record that still exists comes back.
        session.execute(update(SyncState).where(SyncState.account_id == account.id).values(
            cursor=None, cursor_at=None, health="never", next_run_at=None))
    again = ", added again" if revived else ""
    session.add(ActivityEvent(kind="source_added", account_id=account.id,
                              message=source_words(provider, account.display_name) + again))
    session.flush()
    return account.id


@dataclass(slots=True)
class AddOutcome:
    """What adding a source did: ``created`` a new one, ``revived`` a removed one, or
    neither (it already existed and nothing was changed)."""

    account_id: int
    display_name: str
    created: bool = False
    revived: bool = False

    @property
    def existed(self) -> bool:
        return not (self.created or self.revived)


def find_source(session: Session, provider: str, account_id: str) -> SourceAccount | None:
    """The live (not removed) source with this key, if any. The account of a one-shot
    import (``kith import``) is not a source yet: adding it as one turns it into one."""
    account = session.scalar(select(SourceAccount).where(
        SourceAccount.provider == provider, SourceAccount.account_id == account_id))
    if account is None or is_removed(account) or (account.settings or {}).get("import"):
        return None
    return account


def add_new_source(session: Session, provider: str, account_id: str,
                   settings: dict[str, Any], display_name: str = "",
                   delete_policy: str = "archive", default_region: str = "",
                   existing: SourceAccount | None = None) -> AddOutcome:
    """Add (or revive) a source; one that already exists is reported and left unchanged
    (changing it is ``edit_source``'s job, so a repeated ``add`` can never repoint it).
    ``existing`` lets a caller name a source it matched another way (an older key)."""
    current = existing or find_source(session, provider, account_id)
    if current is not None:
        return AddOutcome(current.id, current.display_name or current.account_id)
    revived = session.scalar(select(SourceAccount).where(
        SourceAccount.provider == provider, SourceAccount.account_id == account_id)) is not None
    new_id = add_source(session, provider, account_id, settings, display_name, delete_policy,
                        default_region)
    account = session.get(SourceAccount, new_id)
    assert account is not None
    return AddOutcome(new_id, account.display_name or account_id, created=not revived,
                      revived=revived)


def edit_source(session: Session, account_id: int, *, display_name: str | None = None,
                delete_policy: str | None = None, settings: dict[str, Any] | None = None,
                drop_settings: tuple[str, ...] = ()) -> SourceAccount:
    """Change a source's name, delete policy or settings (e.g. TLS trust). The caller
    commits; LookupError for an unknown source, ValueError for a bad policy."""
    account = session.get(SourceAccount, account_id)
    if account is None or is_removed(account):
        raise LookupError(f"No source with id {account_id}")
    if delete_policy is not None:
        if delete_policy not in DELETE_POLICIES:
            raise ValueError("delete_policy must be 'archive' or 'mirror'")
        account.delete_policy = delete_policy
    if display_name:
        account.display_name = display_name
    merged = {k: v for k, v in (account.settings or {}).items() if k not in drop_settings}
    account.settings = merged | dict(settings or {})
    session.add(ActivityEvent(kind="source_edited", account_id=account.id,
                              message=f"Changed the settings of {account.display_name}"))
    session.flush()
    return account


def remove_source(session: Session, account_id: int, keep_contacts: bool) -> RemovedSource:
    """Remove a source (see the module docstring for the two modes). The caller commits.

    Raises LookupError for an unknown (or already removed) source.
    """
    account = session.get(SourceAccount, account_id)
    if account is None or is_removed(account):
        raise LookupError(f"No source with id {account_id}")
    label = account.display_name or account.account_id
    if keep_contacts:
        records = session.execute(
            update(SourceRecord)
            .where(SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None))
            .values(deleted_at=utcnow())
        ).rowcount  # type: ignore[attr-defined]
        account.settings = dict(account.settings or {}) | {"removed": utcnow().isoformat()}
        session.execute(update(SyncState).where(SyncState.account_id == account_id).values(
            cursor=None, cursor_at=None, health="removed", next_run_at=None,
            lease_owner=None, lease_until=None))
        session.add(ActivityEvent(
            kind="source_removed", account_id=account_id,
            message=f"{source_words(account.provider, label)}; its contacts were kept",
            payload={"kept_contacts": True, "records": records}))
        session.flush()
        return RemovedSource(account_id, account.provider, account.account_id, True,
                             int(records or 0), 0)
    ids = list(session.scalars(select(SourceRecord.external_id).where(
        SourceRecord.account_id == account_id)))
    # Archived records count too: un-archive them so the mirror path sees every one.
    session.execute(update(SourceRecord).where(SourceRecord.account_id == account_id)
                    .values(deleted_at=None))
    account.delete_policy = "mirror"
    session.flush()
    before = _party_count(session)
    remove_records(session, account, ids)
    deleted_parties = before - _party_count(session)
    provider, name = account.provider, account.account_id
    session.add(ActivityEvent(
        kind="source_removed",
        message=f"{source_words(provider, label)}, and its contacts with it",
        payload={"kept_contacts": False, "records": len(ids),
                 "deleted_parties": deleted_parties}))
    session.delete(account)
    session.flush()
    return RemovedSource(account_id, provider, name, False, len(ids), deleted_parties)


def _party_count(session: Session) -> int:
    from sqlalchemy import func

    from core.db.models import Party

    return int(session.scalar(select(func.count()).select_from(Party)) or 0)


def forget_credentials(provider: str, account_id: str, settings: dict[str, Any]) -> bool:
    """Delete the source's keyring entry (Google tokens, CardDAV password); best effort.

    Returns True when an entry was removed. A missing keyring or entry is not an error.
    """
    if provider == "carddav":
        from core.sync.providers.carddav.credentials import forget_password

        return forget_password(settings)
    import keyring
    import keyring.errors

    if provider == "google":
        user = f"google:{account_id}"
    else:
        return False
    try:
        keyring.delete_password("kith", user)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError:
        return False
    return True

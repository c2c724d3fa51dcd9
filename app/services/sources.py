"""Source management: list sources and activity, add vCard / CardDAV / Google sources, remove.

Credentials never touch the database: the CardDAV password goes to the OS keyring (service
``kith``, the entry name the CardDAV provider reads); Google tokens are stored by the Google
provider's own consent flow.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from app.services import read_session, write_session
from core.db.base import utcnow
from core.db.engine import Database
from core.db.models import ActivityEvent, Party, SourceAccount, SourceRecord, SyncState
from core.tasks import TaskState
from core.views.sources import ActivityView, SourceStatus, list_sources, recent_activity

KEYRING_SERVICE = "kith"


def sources(db: Database, *, state: TaskState) -> list[SourceStatus]:
    with read_session(db) as session:
        return list_sources(session)


def activity(db: Database, limit: int = 50, *, state: TaskState) -> list[ActivityView]:
    with read_session(db) as session:
        return recent_activity(session, limit)


def _add(db: Database, provider: str, account_id: str, display_name: str,
         settings: dict) -> int:
    with write_session(db) as session:
        existing = session.scalar(
            select(SourceAccount).where(SourceAccount.provider == provider,
                                        SourceAccount.account_id == account_id)
        )
        if existing is not None:
            return existing.id
        account = SourceAccount(provider=provider, account_id=account_id,
                                display_name=display_name, settings=settings)
        session.add(account)
        session.flush()
        session.add(SyncState(account_id=account.id, health="never"))
        session.add(ActivityEvent(kind="source_added", account_id=account.id,
                                  message=f"Added {provider} source {display_name}"))
        return account.id


def add_vcard_source(db: Database, path: str, *, state: TaskState) -> int:
    """A vCard file or folder as a source; the same path twice is the same source."""
    target = Path(path).expanduser().resolve()
    if not target.exists():
        raise FileNotFoundError(2, "No such file or folder", str(target))
    return _add(db, "vcard", str(target), target.name, {"path": str(target)})


def add_carddav_source(db: Database, url: str, username: str, password: str,
                       *, state: TaskState) -> int:
    """A CardDAV address book; the password goes to the OS keyring, never the database."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError("The CardDAV address must start with https:// (or http://)")
    if password:
        import keyring

        keyring.set_password(KEYRING_SERVICE, f"carddav:{username}@{url}", password)
    return _add(db, "carddav", f"{username}@{url}", f"{username} @ {url}",
                {"url": url, "username": username})


def add_google_source(db: Database, client_json: str, account_email: str,
                      *, state: TaskState) -> int:
    """Run Google's consent flow in the browser (loopback redirect), then add the source."""
    from core.sync.providers.google.auth import KeyringTokenStore, authorize_account

    state.progress(0.1, "Waiting for consent in the browser…")
    authorize_account(client_json, account_email, KeyringTokenStore())
    return _add(db, "google", account_email, account_email, {"other_contacts": False})


def remove_source(db: Database, account_id: int, archive_contacts: bool,
                  *, state: TaskState) -> None:
    """Remove a source. Its contacts stay (records detached) or are archived when asked."""
    with write_session(db) as session:
        account = session.get(SourceAccount, account_id)
        if account is None:
            return
        party_ids = set(session.scalars(
            select(SourceRecord.party_id).where(SourceRecord.account_id == account_id,
                                                SourceRecord.party_id.is_not(None))
        ))
        if archive_contacts and party_ids:
            others = set(session.scalars(
                select(SourceRecord.party_id).where(
                    SourceRecord.party_id.in_(party_ids), SourceRecord.account_id != account_id,
                    SourceRecord.deleted_at.is_(None))
            ))
            lonely = party_ids - others
            if lonely:
                session.execute(update(Party).where(Party.id.in_(lonely))
                                .values(archived_at=utcnow()))
        label = account.display_name or account.account_id
        session.add(ActivityEvent(kind="source_removed",
                                  message=f"Removed {account.provider} source {label}",
                                  payload={"archived": archive_contacts}))
        session.delete(account)

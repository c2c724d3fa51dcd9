"""Source management: list sources and activity, add vCard / CardDAV / Google sources, remove.

Credentials never touch the database: the CardDAV password goes to the OS keyring (service
``kith``, the entry name the CardDAV provider reads); Google tokens are stored by the Google
provider's own consent flow.
"""

from __future__ import annotations

from pathlib import Path

from app.services import read_session, write_session
from core.db.engine import Database
from core.db.models import SourceAccount
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
         settings: dict, region: str = "") -> int:
    """Create (or revive) a source through core.sync.sources; same provider+account = same."""
    from core.sync.sources import add_source

    with write_session(db) as session:
        return add_source(session, provider, account_id, settings, display_name,
                          default_region=region)


def add_vcard_source(db: Database, path: str, *, state: TaskState, region: str = "") -> int:
    """A vCard file or folder as a source; the same path twice is the same source.
    ``region`` is the country for phone numbers written without +CC."""
    target = Path(path).expanduser().resolve()
    if not target.exists():
        raise FileNotFoundError(2, "No such file or folder", str(target))
    return _add(db, "vcard", str(target), target.name, {"path": str(target)}, region)


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
    return _add(db, "google", account_email, account_email, {})


def remove_source(db: Database, account_id: int, keep_contacts: bool,
                  *, state: TaskState) -> None:
    """Remove a source: keep its contacts (records archived, source hidden) or remove the
    contacts only it held (parties with local edits or other sources survive)."""
    from core.sync.sources import forget_credentials
    from core.sync.sources import remove_source as core_remove

    with write_session(db) as session:
        account = session.get(SourceAccount, account_id)
        if account is None:
            raise LookupError(f"No source with id {account_id}")
        provider, ext, settings = account.provider, account.account_id, dict(account.settings)
        core_remove(session, account_id, keep_contacts)
    forget_credentials(provider, ext, settings)

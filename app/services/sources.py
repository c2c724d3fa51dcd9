"""Source management: list sources and activity, add vCard / CardDAV / Google sources, remove.

Credentials never touch the database: the CardDAV password goes to the OS keyring (service
``kith``, the entry name the CardDAV provider reads); Google tokens are stored by the Google
provider's own consent flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _default_name(url: str, username: str) -> str:
    """A readable default name for a CardDAV source: "alice on cloud.example.com"."""
    from urllib.parse import urlsplit

    host = urlsplit(url.strip()).hostname or url.strip()
    return f"{username} on {host}" if username else host


def check_carddav(url: str, username: str, password: str, *, ca_cert: str | None = None,
                  trust_fingerprint: str | None = None, state: TaskState) -> list[Any]:
    """Try the login at ``url`` before anything is saved (run as a task, no database).

    Raises the provider's errors for the dialog to put in words: ``AuthError`` (wrong or
    missing password; its ``CertificateError`` subclass carries ``.fingerprint`` where the
    provider has one), ``DiscoveryError`` (no address book there), ``TransientError``
    (server unreachable), ValueError (bad address). Returns the address books found where
    the provider lists them (the carddav work adds that), else an empty list.
    ``ca_cert`` is accepted for the same call shape and not used by this provider yet.
    """
    from core.sync.contract import AccountRef
    from core.sync.providers.carddav import CardDAVProvider

    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError("The CardDAV address must start with https:// (or http://)")
    state.progress(0.0, "Checking the login…")
    settings = {"url": url, "username": username}
    if trust_fingerprint:
        settings["trust_fingerprint"] = trust_fingerprint
    provider = CardDAVProvider(password_lookup=lambda _account: password or None,
                               parse_workers=0, max_attempts=1, timeout=20.0)
    try:
        provider.validate_credentials(AccountRef(0, "carddav", f"{username}@{url}", settings))
    finally:
        provider.close()
    return []


@dataclass(frozen=True, slots=True)
class AddedSource:
    account_id: int
    display_name: str
    #: False: the source already existed.
    created: bool


def add_carddav_sources(db: Database, url: str, username: str, password: str, *,
                        addressbooks: list[str] | None = None, all_books: bool = False,
                        ca_cert: str | None = None, trust_fingerprint: str | None = None,
                        check: bool = True, display_name: str = "", region: str = "",
                        state: TaskState) -> list[AddedSource]:
    """Add the CardDAV address book at ``url`` as a source named ``display_name`` (default
    "alice on cloud.example.com"), after checking the login unless ``check=False``. The
    password goes to the keyring, never the database. ``addressbooks``/``all_books``/
    ``ca_cert`` keep the call shape of the multi-book version and are not used here."""
    url = url.strip()
    if check:
        check_carddav(url, username, password, trust_fingerprint=trust_fingerprint,
                      state=state)
    elif not url.startswith(("http://", "https://")):
        raise ValueError("The CardDAV address must start with https:// (or http://)")
    if password:
        import keyring

        keyring.set_password(KEYRING_SERVICE, f"carddav:{username}@{url}", password)
    settings = {"url": url, "username": username}
    if trust_fingerprint:
        settings["trust_fingerprint"] = trust_fingerprint
    name = display_name.strip() or _default_name(url, username)
    return [AddedSource(_add(db, "carddav", f"{username}@{url}", name, settings, region),
                        name, True)]


def add_carddav_source(db: Database, url: str, username: str, password: str,
                       *, state: TaskState, addressbook: str | None = None,
                       ca_cert: str | None = None, trust_fingerprint: str | None = None,
                       check: bool = True) -> int:
    """One CardDAV address book; returns its source id. See :func:`add_carddav_sources`."""
    added = add_carddav_sources(db, url, username, password,
                                addressbooks=[addressbook] if addressbook else None,
                                ca_cert=ca_cert, trust_fingerprint=trust_fingerprint,
                                check=check, state=state)
    return added[0].account_id


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

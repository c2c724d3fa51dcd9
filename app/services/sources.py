"""Source management: list sources and activity, add vCard / CardDAV / Google sources, remove.

Credentials never touch the database: the CardDAV password goes to the OS keyring (service
``kith``, the entry name the CardDAV provider reads); Google tokens are stored by the Google
provider's own consent flow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.services import read_session, write_session
from core.db.engine import Database
from core.db.models import SourceAccount
from core.tasks import TaskState
from core.views.sources import ActivityView, SourceStatus, list_sources, recent_activity

KEYRING_SERVICE = "kith"


class SourceCheckFailed(ValueError):
    """Checking a new source's server or credentials failed (the message says why)."""


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


def carddav_default_name(url: str, username: str) -> str:
    """A readable default name for a CardDAV source: "alice on cloud.example.com"."""
    from urllib.parse import urlsplit

    host = urlsplit(url.strip()).hostname or url.strip()
    return f"{username} on {host}" if username else host


def _carddav_account(url: str, username: str, extra: dict | None = None) -> Any:
    from core.sync.contract import AccountRef

    return AccountRef(id=0, provider="carddav", account_id=f"{username}@{url}",
                      settings={"url": url, "username": username, **(extra or {})})


def check_carddav(db: Database, url: str, username: str, password: str,
                  extra: dict | None = None, *, state: TaskState) -> None:
    """Reach the server and sign in with these credentials, before anything is saved.

    Raises :class:`SourceCheckFailed` with a message for the owner (never the password).
    ``extra`` holds further account settings (e.g. a trusted certificate fingerprint).
    """
    from core.sync.contract import AuthError, ProviderError, TransientError
    from core.sync.providers.carddav import CardDAVProvider

    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise SourceCheckFailed("The server address must start with https:// (or http://).")
    if not username.strip():
        raise SourceCheckFailed("Enter the user name for this server.")
    state.progress(0.0, "Checking the server and your sign-in…")
    provider = CardDAVProvider(password_lookup=lambda _account: password or None,
                               parse_workers=0, max_attempts=1, timeout=20.0)
    try:
        provider.validate_credentials(_carddav_account(url, username, extra))
    except AuthError as exc:
        if getattr(exc, "fingerprint", None):  # untrusted certificate: the dialog asks
            raise
        raise SourceCheckFailed(
            "The server refused the user name or password." if password else
            "The server asks for a password: enter the password for this account.") from exc
    except TransientError as exc:
        if getattr(exc, "fingerprint", None):
            raise
        raise SourceCheckFailed(f"Kith could not reach {url}. Check the address and your "
                                "network connection, then try again.") from exc
    except ProviderError as exc:
        if getattr(exc, "fingerprint", None):
            raise
        raise SourceCheckFailed(f"Kith could not find an address book at {url}: "
                                f"{str(exc) or type(exc).__name__}") from exc
    except OSError as exc:
        raise SourceCheckFailed(f"Kith could not reach {url}: {exc}") from exc
    finally:
        provider.close()


def add_carddav_source(db: Database, url: str, username: str, password: str,
                       name: str = "", extra: dict | None = None, *, state: TaskState) -> int:
    """A CardDAV address book; the password goes to the keyring, never the database.

    The GUI checks the account with :func:`check_carddav` first; ``name`` is what every
    message calls the source ("Work contacts").
    """
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError("The CardDAV address must start with https:// (or http://)")
    if password:
        import keyring

        keyring.set_password(KEYRING_SERVICE, f"carddav:{username}@{url}", password)
    return _add(db, "carddav", f"{username}@{url}",
                name.strip() or carddav_default_name(url, username),
                {"url": url, "username": username, **(extra or {})})


def source_name(db: Database, account_id: int, *, state: TaskState) -> str:
    """What messages call a source: its name (never its number)."""
    with read_session(db) as session:
        account = session.get(SourceAccount, account_id)
        if account is None:
            raise LookupError("That source no longer exists")
        return account.display_name or account.account_id


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

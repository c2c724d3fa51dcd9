"""Source management: list sources and activity, add vCard / CardDAV / Google sources, remove.

Credentials never touch the database: the CardDAV password goes to the OS keyring, in the
source's own entry (``core.sync.providers.carddav.credentials``, the one module that touches
it); Google tokens are stored by the Google provider's own consent flow. A CardDAV account
with several address books becomes one source per book (:func:`add_carddav_sources`).
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class AddressBookInfo:
    """One address book a CardDAV login can read (plain data for the add dialog)."""

    href: str
    url: str
    name: str
    #: "Work on dav.example.org": the source's display name if added.
    label: str


def check_carddav(url: str, username: str, password: str, *, ca_cert: str | None = None,
                  trust_fingerprint: str | None = None,
                  state: TaskState) -> list[AddressBookInfo]:
    """Try the login at ``url`` and list the address books it can read (run as a task).

    Raises ``CertificateError`` (``.fingerprint``: the SHA-256 the server presented, for a
    "trust this certificate?" prompt; retry with ``trust_fingerprint=``), ``AuthError``
    (wrong user/password), ``DiscoveryError`` (no address book there), ``TransientError``
    (server unreachable) and ValueError (bad URL or fingerprint); never stores anything.
    """
    from core.sync.providers.carddav.accounts import (
        book_label,
        book_name,
        find_addressbooks,
        tls_settings,
    )

    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError("The CardDAV address must start with https:// (or http://)")
    tls = tls_settings(ca_cert, trust_fingerprint)
    state.progress(None, "Checking the login…")
    books = find_addressbooks(url, username, password, ca_cert=tls.get("ca_cert"),
                              trust_fingerprint=tls.get("trust_fingerprint"))
    return [AddressBookInfo(b.href, b.url, book_name(b), book_label(b)) for b in books]


@dataclass(frozen=True, slots=True)
class AddedSource:
    account_id: int
    display_name: str
    #: False: the source already existed and nothing was changed.
    created: bool


def add_carddav_sources(db: Database, url: str, username: str, password: str, *,
                        addressbooks: list[str] | None = None, all_books: bool = False,
                        ca_cert: str | None = None, trust_fingerprint: str | None = None,
                        check: bool = True, display_name: str = "", region: str = "",
                        state: TaskState) -> list[AddedSource]:
    """Add CardDAV address books as sources, one source each (by href or display name in
    ``addressbooks``, or ``all_books``; the only book when there is one). Each password is
    stored in that source's own keyring entry, never the database. Existing sources are
    reported (``created=False``) and left unchanged. Raises as :func:`check_carddav`."""
    from core.sync.carddav_setup import plan_carddav, save_carddav

    state.progress(None, "Checking the login…")
    wanted = list(addressbooks or [])
    plans, books = plan_carddav(url, username, password, addressbook=wanted[0] if wanted else None,
                                all_books=all_books or len(wanted) > 1, ca_cert=ca_cert,
                                trust_fingerprint=trust_fingerprint, check=check,
                                display_name=display_name)
    if len(wanted) > 1:
        keep = set(wanted)
        plans = [p for p in plans if p.settings.get("addressbook") in keep
                 or p.settings.get("addressbook_name") in keep]
    with write_session(db) as session:
        outcomes = save_carddav(session, plans, password, books=books, region=region)
    return [AddedSource(o.account_id, o.display_name, not o.existed) for o in outcomes]


def add_carddav_source(db: Database, url: str, username: str, password: str,
                       *, state: TaskState, addressbook: str | None = None,
                       ca_cert: str | None = None, trust_fingerprint: str | None = None,
                       check: bool = True) -> int:
    """One CardDAV address book (the only one, or ``addressbook``); returns its source id
    (an existing source's id when it was already added). See :func:`add_carddav_sources`."""
    added = add_carddav_sources(db, url, username, password,
                                addressbooks=[addressbook] if addressbook else None,
                                ca_cert=ca_cert, trust_fingerprint=trust_fingerprint,
                                check=check, state=state)
    return added[0].account_id


def set_carddav_password(db: Database, account_id: int, password: str, *, check: bool = True,
                         state: TaskState) -> None:
    """Re-enter a CardDAV source's password (checked on the server first unless
    ``check=False``); stored in the source's own keyring entry."""
    from core.sync.providers.carddav.accounts import find_addressbooks
    from core.sync.providers.carddav.credentials import store_password

    with read_session(db) as session:
        account = session.get(SourceAccount, account_id)
        if account is None or account.provider != "carddav":
            raise LookupError(f"No CardDAV source with id {account_id}")
        settings = dict(account.settings or {})
    if check:
        find_addressbooks(settings["url"], settings.get("username", ""), password,
                          ca_cert=settings.get("ca_cert"),
                          trust_fingerprint=settings.get("trust_fingerprint"))
    store_password(settings, password)


def trust_certificate(db: Database, account_id: int, fingerprint: str, *,
                      state: TaskState) -> None:
    """Trust exactly the certificate with this SHA-256 fingerprint for one CardDAV source
    (after the owner confirmed the prompt); ValueError for a malformed fingerprint."""
    from core.sync.providers.carddav.tls import normalize_fingerprint
    from core.sync.sources import edit_source

    pinned = normalize_fingerprint(fingerprint)
    with write_session(db) as session:
        edit_source(session, account_id, settings={"trust_fingerprint": pinned},
                    drop_settings=("ca_cert",))


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

"""Adding CardDAV sources, one per address book (what ``kith sources add carddav`` and the
app's add-source service both run).

Two steps, so the network is never used inside a database transaction:

1. :func:`plan_carddav` checks the login at the URL (unless ``check=False``) and returns one
   :class:`~core.sync.providers.carddav.accounts.BookSource` per address book to add;
2. :func:`save_carddav` adds each one that does not exist yet (an existing one is reported
   and left unchanged) and stores the password in that source's own keyring entry.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import SourceAccount
from core.sync.providers.carddav.accounts import (
    BookSource,
    book_source,
    find_addressbooks,
    pick_addressbooks,
    tls_settings,
    unchecked_source,
)
from core.sync.providers.carddav.discovery import AddressBook, DiscoveryError, choose_addressbook
from core.sync.sources import AddOutcome, add_new_source, find_source, is_removed

#: Asked when the account has several books and none was named: returns the chosen ones
#: (the CLI prompts on a terminal); None means "do not ask" (the DiscoveryError stands).
Chooser = Callable[[list[AddressBook]], list[AddressBook]]


def plan_carddav(url: str, username: str, password: str | None, *,
                 addressbook: str | None = None, all_books: bool = False,
                 ca_cert: str | None = None, trust_fingerprint: str | None = None,
                 check: bool = True, display_name: str = "",
                 choose: Chooser | None = None) -> tuple[list[BookSource], list[AddressBook]]:
    """The sources to add and every book found (empty without a check). Raises ValueError
    for bad input and the provider errors (auth, certificate, discovery, network)."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError("The CardDAV address must start with https:// (or http://)")
    tls = tls_settings(ca_cert, trust_fingerprint)
    if not check:
        return [unchecked_source(url, username, addressbook, tls, display_name)], []
    books = find_addressbooks(url, username, password, ca_cert=tls.get("ca_cert"),
                              trust_fingerprint=tls.get("trust_fingerprint"))
    try:
        chosen = pick_addressbooks(books, addressbook, url, all_books=all_books)
    except DiscoveryError:
        if choose is None or addressbook:
            raise
        chosen = choose(books)
    name = display_name if len(chosen) == 1 else ""
    return [book_source(b, username, url, tls, name) for b in chosen], books


def _older_source_for(session: Session, plan: BookSource, books: list[AddressBook]
                      ) -> SourceAccount | None:
    """A source added before sources were keyed by address book (key ``user@URL``) that
    reads this very book: re-adding must report it, not add the book a second time."""
    username = plan.settings.get("username")
    href = plan.settings.get("addressbook")
    server_url = plan.settings.get("server_url")
    if not books or not href:
        return None
    for account in session.scalars(select(SourceAccount).where(
            SourceAccount.provider == "carddav")):
        settings = account.settings or {}
        if is_removed(account) or settings.get("username") != username:
            continue
        if settings.get("addressbook_name") or settings.get("url") != server_url:
            continue  # a per-book source (own key) or another URL
        try:
            book = choose_addressbook(books, settings.get("addressbook"), server_url or "")
        except DiscoveryError:
            continue
        if book.href == href:
            return account
    return None


def save_carddav(session: Session, plans: list[BookSource], password: str | None, *,
                 books: list[AddressBook] | None = None, delete_policy: str = "archive",
                 region: str = "") -> list[AddOutcome]:
    """Add each planned source that is new; store the password under its own key. The
    caller commits (and on failure may call ``forget_password`` for created outcomes)."""
    from core.sync.providers.carddav.credentials import new_credential_key, store_password

    outcomes: list[AddOutcome] = []
    for plan in plans:
        existing = (find_source(session, "carddav", plan.account_id)
                    or _older_source_for(session, plan, books or []))
        if existing is not None:
            outcomes.append(AddOutcome(existing.id, existing.display_name or plan.account_id))
            continue
        settings = dict(plan.settings) | {"credential_key": new_credential_key()}
        if password:
            store_password(settings, password)
        outcomes.append(add_new_source(session, "carddav", plan.account_id, settings,
                                       plan.display_name, delete_policy, region))
    return outcomes

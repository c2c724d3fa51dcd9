"""``kith sources add | list | edit | password | remove``: connect and disconnect contact sources.

Credentials never reach the database or the terminal: the CardDAV password is read from
``KITH_CARDDAV_PASSWORD`` or prompted without echo and stored in the OS keyring, in an entry
of its own per source (``core.sync.providers.carddav.credentials``); Google
tokens come from the consent flow in the browser and go to the keyring too. ``kith sync``
and ``kith status`` live in ``app/commands/syncing.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.context import database, session_scope

PASSWORD_ENV = "KITH_CARDDAV_PASSWORD"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sources", help="add, list or remove contact sources")
    ssub = p.add_subparsers(dest="sources_command", metavar="ACTION", required=True)

    add = ssub.add_parser("add", help="connect a source")
    kinds = add.add_subparsers(dest="provider", metavar="PROVIDER", required=True)
    policy = argparse.ArgumentParser(add_help=False)
    policy.add_argument("--name", default="", help="display name")
    policy.add_argument("--delete-policy", choices=("archive", "mirror"), default="archive",
                        help="what a deletion at the source does (default: archive)")

    v = kinds.add_parser("vcard", parents=[policy], help="a .vcf file or a folder of them")
    v.add_argument("path", metavar="PATH")
    v.set_defaults(handler=cmd_add_vcard)

    csv = kinds.add_parser("csv", parents=[policy], help="a CSV file, read again when changed")
    csv.add_argument("path", metavar="PATH")
    csv.add_argument("--map", action="append", metavar="COLUMN=FIELD", help="COLUMN as FIELD")
    csv.set_defaults(handler=cmd_add_csv)

    g = kinds.add_parser("google", parents=[policy], help="a Google account (People API)")
    g.add_argument("--client-secrets", required=True, metavar="FILE",
                   help="your OAuth client JSON (Desktop app) from the Google Cloud console")
    g.add_argument("--other-contacts", action="store_true",
                   help="also read 'Other contacts' (people you emailed)")
    g.add_argument("--account", default="", metavar="EMAIL", help="the Google account")
    g.add_argument("--no-browser", action="store_true",
                   help="print the consent URL instead of opening a browser")
    g.add_argument("--api-endpoint", default=None, help=argparse.SUPPRESS)
    g.set_defaults(handler=cmd_add_google)

    c = kinds.add_parser("carddav", parents=[policy],
                         help="a CardDAV account: each address book becomes its own source")
    c.add_argument("url", metavar="URL", help="server, principal or address book URL")
    c.add_argument("--user", required=True, metavar="USER")
    c.add_argument("--addressbook", default="", metavar="NAME",
                   help="the address book to add, by name or href (asked when there are "
                        "several)")
    c.add_argument("--all", action="store_true", dest="all_books",
                   help="add every address book of the account, each as its own source")
    _tls_arguments(c)
    c.add_argument("--no-check", action="store_true",
                   help="do not contact the server now (offline setup); the first sync "
                        "checks the login and finds the address book")
    c.set_defaults(handler=cmd_add_carddav)

    edit = ssub.add_parser("edit", help="change a source's name, delete policy or "
                                        "certificate trust")
    edit.add_argument("id", type=int, metavar="ID")
    edit.add_argument("--name", default="", help="display name")
    edit.add_argument("--delete-policy", choices=("archive", "mirror"), default=None)
    _tls_arguments(edit)
    edit.add_argument("--system-trust", action="store_true",
                      help="CardDAV: drop --ca-cert/--trust-fingerprint, trust the system's "
                           "certificate authorities only")
    edit.set_defaults(handler=cmd_edit)

    pw = ssub.add_parser("password", help="re-enter a CardDAV source's password")
    pw.add_argument("id", type=int, metavar="ID")
    pw.add_argument("--no-check", action="store_true",
                    help="store it without trying it on the server")
    pw.set_defaults(handler=cmd_password)

    lst = ssub.add_parser("list", help="list sources")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    rm = ssub.add_parser("remove", help="remove a source")
    rm.add_argument("id", type=int, metavar="ID")
    rm.add_argument("--keep-contacts", action="store_true",
                    help="keep its contacts in Kith (archived records) instead of removing them")
    rm.set_defaults(handler=cmd_remove)


def _add(args: argparse.Namespace, provider: str, account: str, settings: dict,
         display: str) -> int:
    from app.cli import CommandError
    from core.sync.sources import add_new_source

    db = database(args)
    try:
        with session_scope(db) as s:
            outcome = add_new_source(s, provider, account, settings, args.name or display,
                                     args.delete_policy)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if outcome.existed:
        print(f"Source {outcome.account_id} ({outcome.display_name}) already exists; nothing "
              f"changed. Change it with `kith sources edit {outcome.account_id} ...`.")
        return 0
    verb = "Re-added" if outcome.revived else "Added"
    print(f"{verb} {provider} source {outcome.account_id}: {outcome.display_name}. "
          f"Run `kith sync {outcome.account_id}` to read it.")
    return 0


def cmd_add_vcard(args: argparse.Namespace) -> int:
    from app.cli import CommandError

    target = Path(args.path).expanduser().resolve()
    if not target.exists():
        raise CommandError(f"{args.path}: no such file or folder", code=1)
    return _add(args, "vcard", str(target), {"path": str(target)}, target.name)


def _tls_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ca-cert", default=None, metavar="FILE",
                        help="trust the certificate authority in FILE for this source "
                             "(self-hosted servers)")
    parser.add_argument("--trust-fingerprint", default=None, metavar="SHA256",
                        help="trust exactly the server certificate with this SHA-256 "
                             "fingerprint (shown when a certificate is refused)")


def cmd_add_csv(args: argparse.Namespace) -> int:
    from app.commands.csv_import import csv_source_settings

    target, settings = csv_source_settings(args)
    return _add(args, "csv", str(target), settings, target.name)


def _carddav_password() -> str:
    from app.cli import CommandError

    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise CommandError(f"no password: set {PASSWORD_ENV} or run from a terminal")
    import getpass

    return getpass.getpass("CardDAV password: ")


def _choose_books(books: list) -> list:
    """On a terminal: list the account's address books and ask which to add."""
    from app.cli import CommandError
    from core.sync.providers.carddav.accounts import book_name

    books = sorted(books, key=lambda b: (book_name(b).casefold(), b.href))
    print("This account has several address books:")
    for number, book in enumerate(books, 1):
        print(f"  {number}. {book_name(book)}  ({book.href})")
    answer = input("Add which? Number(s) separated by commas, or 'all': ").strip().lower()
    if answer == "all":
        return list(books)
    try:
        picked = [books[int(part) - 1] for part in answer.replace(" ", "").split(",") if part]
    except (ValueError, IndexError):
        raise CommandError(f"{answer!r} is not one of the numbers shown") from None
    if not picked:
        raise CommandError("no address book chosen; nothing was added")
    return picked


def cmd_add_carddav(args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from core.sync.carddav_setup import plan_carddav, save_carddav
    from core.sync.contract import ProviderError
    from core.sync.providers.carddav.credentials import forget_password

    password = _carddav_password()
    try:
        plans, books = plan_carddav(
            args.url, args.user, password, addressbook=args.addressbook or None,
            all_books=args.all_books, ca_cert=args.ca_cert,
            trust_fingerprint=args.trust_fingerprint, check=not args.no_check,
            display_name=args.name, choose=_choose_books if sys.stdin.isatty() else None)
    except (ValueError, ProviderError) as exc:
        raise CommandError(f"nothing was added: {exc}") from None
    db = database(args)
    try:
        with session_scope(db) as s:
            outcomes = save_carddav(s, plans, password, books=books,
                                    delete_policy=args.delete_policy)
    except ProviderError as exc:  # the keyring refused
        raise CommandError(f"nothing was added: {exc}") from None
    except BaseException:
        for plan in plans:
            forget_password(plan.settings)
        raise
    for outcome, plan in zip(outcomes, plans, strict=True):
        book = plan.settings.get("addressbook", "")
        where = f" (address book {book})" if book else ""
        if outcome.existed:
            print(f"Source {outcome.account_id} ({outcome.display_name}) already exists; "
                  "nothing changed. Change it with `kith sources edit "
                  f"{outcome.account_id} ...` or its password with `kith sources password "
                  f"{outcome.account_id}`.")
        else:
            verb = "Re-added" if outcome.revived else "Added"
            print(f"{verb} carddav source {outcome.account_id}: {outcome.display_name}{where}. "
                  f"Run `kith sync {outcome.account_id}` to read it.")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from core.sync.providers.carddav.accounts import tls_settings
    from core.sync.sources import edit_source

    try:
        tls = tls_settings(args.ca_cert, args.trust_fingerprint)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    drop: tuple[str, ...] = ()
    if args.system_trust or tls:
        drop = ("ca_cert", "trust_fingerprint")
    db = database(args)
    try:
        with session_scope(db) as s:
            account = edit_source(s, args.id, display_name=args.name or None,
                                  delete_policy=args.delete_policy, settings=tls,
                                  drop_settings=drop)
            name = account.display_name
            if tls or drop:
                _wake(s, args.id)
    except LookupError as exc:
        raise CommandError(str(exc), code=1) from None
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(f"Changed source {args.id}: {name}.")
    return 0


def _wake(session, account_id: int) -> None:
    """A source waiting for the owner (login, certificate) runs at the next chance."""
    from sqlalchemy import update

    from core.db.base import utcnow
    from core.db.models import SyncState

    session.execute(update(SyncState).where(SyncState.account_id == account_id,
                                            SyncState.health == "error")
                    .values(next_run_at=utcnow()))


def cmd_password(args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from core.db.models import SourceAccount
    from core.sync.contract import ProviderError
    from core.sync.providers.carddav.accounts import find_addressbooks
    from core.sync.providers.carddav.credentials import store_password
    from core.sync.sources import is_removed

    db = database(args)
    with session_scope(db) as s:
        account = s.get(SourceAccount, args.id)
        if account is None or is_removed(account):
            raise CommandError(f"No source with id {args.id}", code=1)
        if account.provider != "carddav":
            raise CommandError(f"source {args.id} is a {account.provider} source; only "
                               "CardDAV sources have a password here", code=1)
        settings = dict(account.settings or {})
        name = account.display_name
    password = _carddav_password()
    try:
        if not args.no_check:
            find_addressbooks(settings["url"], settings.get("username", ""), password,
                              ca_cert=settings.get("ca_cert"),
                              trust_fingerprint=settings.get("trust_fingerprint"))
        store_password(settings, password)
    except ProviderError as exc:
        raise CommandError(f"the password was not changed: {exc}") from None
    with session_scope(db) as s:
        _wake(s, args.id)
    print(f"Stored the new password for source {args.id} ({name}).")
    return 0


def cmd_add_google(args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from core.sync.contract import AuthError
    from core.sync.providers.google.auth import KeyringTokenStore, authorize_account

    if not Path(args.client_secrets).is_file():
        raise CommandError(f"{args.client_secrets}: no such file", code=1)
    account = args.account or "default"

    def show(url: str) -> None:
        print(f"Open this URL in your browser to connect Kith to Google:\n{url}",
              file=sys.stderr)

    try:
        authorize_account(args.client_secrets, account, KeyringTokenStore(),
                          other_contacts=args.other_contacts,
                          open_browser=not args.no_browser,
                          on_url=show if args.no_browser else None)
    except AuthError as exc:
        raise CommandError(str(exc)) from None
    settings: dict = {"other_contacts": bool(args.other_contacts)}
    if args.api_endpoint:
        settings["api_endpoint"] = args.api_endpoint
    return _add(args, "google", account, settings, args.account or "Google")


def cmd_list(args: argparse.Namespace) -> int:
    from app.cli import print_json
    from app.source_words import health_text, kind_text
    from core.sync.status import source_statuses

    db = database(args)
    with session_scope(db) as s:
        rows = source_statuses(s)
    if args.json:
        print_json([{"id": r.id, "provider": r.provider, "account": r.account,
                     "display_name": r.display_name, "delete_policy": r.delete_policy,
                     "health": r.health, "live_records": r.live_records,
                     "addressbook": r.addressbook, "held_deletes": r.held_deletes}
                    for r in rows])
        return 0
    if not rows:
        print("No sources. Add one with `kith sources add vcard|csv|google|carddav ...`.")
        return 0
    for r in rows:
        print(f"{r.id:>4}  {kind_text(r.provider):<10} {health_text(r.health):<18} "
              f"{r.live_records:>7,} contacts  {r.display_name}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from core.db.models import SourceAccount
    from core.sync.sources import forget_credentials, remove_source

    db = database(args)
    try:
        with session_scope(db) as s:
            account = s.get(SourceAccount, args.id)
            settings = dict(account.settings or {}) if account is not None else {}
            removed = remove_source(s, args.id, keep_contacts=args.keep_contacts)
    except LookupError as exc:
        raise CommandError(str(exc), code=1) from None
    forget_credentials(removed.provider, removed.account, settings)
    if removed.kept_contacts:
        print(f"Removed source {removed.account_id}; its {removed.records} contact(s) were "
              "kept.")
    else:
        print(f"Removed source {removed.account_id} and its {removed.records} record(s); "
              f"{removed.deleted_parties} contact(s) deleted, contacts with local edits or "
              "other sources kept.")
    return 0

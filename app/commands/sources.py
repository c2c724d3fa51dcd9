"""``kith sources add | list | remove``: connect and disconnect contact sources.

Credentials never reach the database or the terminal: the CardDAV password is read from
``KITH_CARDDAV_PASSWORD`` or prompted without echo and stored in the OS keyring; Google
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

    c = kinds.add_parser("carddav", parents=[policy], help="a CardDAV address book")
    c.add_argument("url", metavar="URL")
    c.add_argument("--user", required=True, metavar="USER")
    c.add_argument("--addressbook", default="", metavar="NAME",
                   help="address book href or name (default: the first one found)")
    c.set_defaults(handler=cmd_add_carddav)

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
    from core.sync.sources import add_source

    db = database(args)
    try:
        with session_scope(db) as s:
            account_id = add_source(s, provider, account, settings, args.name or display,
                                    args.delete_policy)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(f"Added {provider} source {account_id}: {args.name or display}. "
          f"Run `kith sync {account_id}` to read it.")
    return 0


def cmd_add_vcard(args: argparse.Namespace) -> int:
    from app.cli import CommandError

    target = Path(args.path).expanduser().resolve()
    if not target.exists():
        raise CommandError(f"{args.path}: no such file or folder", code=1)
    return _add(args, "vcard", str(target), {"path": str(target)}, target.name)


def cmd_add_csv(args: argparse.Namespace) -> int:
    from app.commands.csv_import import csv_source_settings

    target, settings = csv_source_settings(args)
    return _add(args, "csv", str(target), settings, target.name)


def _store_secret(user: str, secret: str) -> None:
    """Keyring write with a message that says what to do when there is no keyring."""
    import keyring
    import keyring.errors
    from keyring.backends import fail

    from app.cli import CommandError

    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise CommandError("No usable OS keyring was found, so Kith cannot store the password "
                           "safely. Install or unlock a keyring service and try again.")
    try:
        keyring.set_password("kith", user, secret)
    except keyring.errors.KeyringError as exc:
        raise CommandError(f"The OS keyring refused the password ({type(exc).__name__}); "
                           "unlock it and try again.") from None


def _carddav_password() -> str:
    from app.cli import CommandError

    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise CommandError(f"no password: set {PASSWORD_ENV} or run from a terminal")
    import getpass

    return getpass.getpass("CardDAV password: ")


def cmd_add_carddav(args: argparse.Namespace) -> int:
    from app.cli import CommandError

    url = args.url.strip()
    if not url.startswith(("http://", "https://")):
        raise CommandError("the CardDAV address must start with https:// (or http://)")
    settings = {"url": url, "username": args.user}
    if args.addressbook:
        settings["addressbook"] = args.addressbook
    password = _carddav_password()
    if password:
        _store_secret(f"carddav:{args.user}@{url}", password)
    return _add(args, "carddav", f"{args.user}@{url}", settings, f"{args.user} @ {url}")


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
    from core.sync.status import source_statuses

    db = database(args)
    with session_scope(db) as s:
        rows = source_statuses(s)
    if args.json:
        print_json([{"id": r.id, "provider": r.provider, "account": r.account,
                     "display_name": r.display_name, "delete_policy": r.delete_policy,
                     "health": r.health, "live_records": r.live_records} for r in rows])
        return 0
    if not rows:
        print("No sources. Add one with `kith sources add vcard|csv|google|carddav ...`.")
        return 0
    for r in rows:
        print(f"{r.id:>4}  {r.provider:<8} {r.health:<18} {r.live_records:>7} contacts  "
              f"{r.display_name}")
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

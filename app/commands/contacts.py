"""``kith import | export | list | show | stats | resolve``: the address book from a terminal."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from app.context import database, session_scope


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import vCard files or folders, or CSV files")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--map", action="append", metavar="COLUMN=FIELD",
                   help="CSV: import COLUMN as FIELD (e.g. 'Mail=email:work'); repeatable")
    p.add_argument("--account", metavar="NAME", help="source account name (default: the path)")
    p.add_argument("--region", metavar="CC", default="",
                   help="default phone region, ISO country code (e.g. US, DE)")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="export every contact to a vCard file")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--version", choices=("3.0", "4.0"), default="4.0")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("list", help="list contacts")
    p.add_argument("--search", metavar="TEXT", default="")
    p.add_argument("--filter", choices=("all", "needs_review", "archived"), default="all")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="show one contact with provenance")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--include-secured", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("stats", help="counts of parties, records, handles, links")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("resolve", help="reverse lookup: who is behind an email/phone/username")
    p.add_argument("type", metavar="TYPE", help="email, phone, telegram, ...")
    p.add_argument("value", metavar="VALUE")
    p.add_argument("--region", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_resolve)


def _after_ingest():
    """Keep duplicate suggestions current after each batch, when the review engine is here."""
    try:
        from core.match.hooks import after_ingest
    except ImportError:  # pragma: no cover - engine not installed
        return None
    return after_ingest


def cmd_import(args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from core.sync.vcard_import import import_vcards

    missing = [p for p in args.paths if not Path(p).exists()]
    for p in missing:
        print(f"kith: {p}: no such file or folder", file=sys.stderr)
    present = [p for p in args.paths if p not in missing]
    if not present:
        raise CommandError("nothing could be read", code=1)
    from app.commands.csv_import import import_csv_files, is_csv

    if csv_paths := [p for p in present if is_csv(p)]:
        csv_code = import_csv_files(args, csv_paths, _after_ingest())
        if not (present := [p for p in present if p not in csv_paths]):
            _say_if_retrain_due(database(args))
            return csv_code
    db = database(args)
    try:
        report = import_vcards(db, present, account=args.account, region=args.region,
                               after_ingest=_after_ingest())
    except FileNotFoundError as exc:
        raise CommandError(str(exc), code=1) from None
    for problem in report.problems:
        print(f"kith: skipped {problem}", file=sys.stderr)
    for warning in report.warnings:
        print(f"kith: warning: {warning}", file=sys.stderr)
    for error in report.stats.errors:
        print(f"kith: {error}", file=sys.stderr)
    print(report.summary())
    _say_if_retrain_due(db)
    if report.cards_read == 0 and report.problems:
        return 1
    return 0


def _say_if_retrain_due(db) -> None:  # noqa: ANN001 - a Database
    """One line after a big import (the suggestions are stored by then): the duplicate
    model is due to learn from the book again, and how to do it now. Not done here: it takes
    minutes on a big book, and the app does it by itself on a worker."""
    from core.match.retrain_due import retrain_due

    with session_scope(db) as session:
        due = retrain_due(session)
    if due is not None:
        print(f"{due.sentence()} Run `kith duplicates --retrain` to do it now "
              "(a few minutes; the app does it by itself when it next runs).")


def cmd_export(args: argparse.Namespace) -> int:
    from core.sync.providers.vcard.export import write_vcards
    from core.views.export import iter_contacts

    db = database(args)
    with session_scope(db) as s:
        contacts = list(iter_contacts(s))
    text = write_vcards(contacts, version=args.version)
    Path(args.path).write_text(text, encoding="utf-8", newline="")
    print(f"{len(contacts)} contact(s) written to {args.path} (vCard {args.version})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.cli import print_json
    from core.views.party import list_party_ids, party_rows

    db = database(args)
    with session_scope(db) as s:
        rows = party_rows(s, list_party_ids(s, args.search, filter_name=args.filter))
    if args.json:
        print_json([asdict(r) for r in rows])
        return 0
    for r in rows:
        flag = " [review]" if r.needs_review else ""
        print(f"{r.id:>7}  {r.display_name:<32.32} {r.primary_email:<32.32} "
              f"{r.primary_phone:<16} {','.join(r.sources)}{flag}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from app.cli import CommandError, print_json
    from core.views.party import party_detail

    db = database(args)
    with session_scope(db) as s:
        try:
            detail = party_detail(s, args.id, include_secured=args.include_secured)
        except LookupError as exc:
            raise CommandError(str(exc), code=1) from None
    data = detail.to_json()
    if args.json:
        print_json(data)
        return 0
    print(f"{detail.display_name}  (id {detail.id})")
    for f in detail.fields:
        print(f"  {f.name:<14} {str(f.value):<40.40} from {f.source or '?'}")
    for h in detail.handles:
        state = "confirmed" if h.confirmed else "dismissed" if h.dismissed else ""
        print(f"  {h.platform:<8} {h.display_value or h.value:<36} {h.confidence:.2f} {state} "
              f"owner={h.resolved_owner}")
    for line in detail.extra_lines:
        print(f"  {line.section}: {line.label}: {line.value}")
    for r in detail.records:
        print(f"  record {r.provider}:{r.account} {r.external_id}"
              + (" (deleted at source)" if r.deleted_at else ""))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from app.cli import print_json
    from core.views.party import stats

    db = database(args)
    with session_scope(db) as s:
        data = stats(s)
    if args.json:
        print_json(data)
    else:
        for key, value in data.items():
            print(f"{key:<20} {value}")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from app.cli import print_json
    from core.identity.lookup import resolve_contact_by_channel

    db = database(args)
    with session_scope(db) as s:
        found = resolve_contact_by_channel(s, args.type, args.value, region=args.region)
    data = asdict(found) if found else None
    if args.json:
        print_json({"found": found is not None, "contact": data})
    elif found:
        print(f"{found.display_name} (contact_id {found.party_id}, handle {found.handle_id})")
    else:
        print("unknown")
    return 0 if found else 1

"""``kith sync [SOURCE] [--full]`` and ``kith status``: run syncs and show their health.

``kith sync --apply-deletes ID`` / ``--keep-deletes ID`` answer a sync whose removals the
mass-delete guard held (``core.ingest.deletes``); ``kith status`` shows what is held.

On a terminal ``kith sync`` keeps one status line updated in place (``\\r``); piped, it prints
only the per-source summary, so logs stay clean. Exit status 0 when every source synced, 1
when one failed (the reason is printed and kept in ``kith status``), 2 when one is busy.
"""

from __future__ import annotations

import argparse
import sys

from app.context import database, session_scope


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="sync one source or all of them now")
    p.add_argument("source", nargs="?", default=None, metavar="SOURCE",
                   help="source id, provider (vcard/google/carddav) or account; default all")
    p.add_argument("--full", action="store_true", help="full listing instead of changes only")
    p.add_argument("--confirm-empty", action="store_true",
                   help="allow an empty listing to remove every contact of the source "
                        "(and a removal of more than 50 and a third of them at once)")
    p.add_argument("--apply-deletes", type=int, default=None, metavar="ID",
                   help="apply the removals a sync of source ID held for your decision")
    p.add_argument("--keep-deletes", type=int, default=None, metavar="ID",
                   help="keep the contacts a sync of source ID would have removed")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("status", help="sync health of every source")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)


def _select(statuses: list, wanted: str | None) -> list:
    from app.cli import CommandError

    if wanted is None:
        return statuses
    if wanted.isdigit():
        chosen = [s for s in statuses if s.id == int(wanted)]
    else:
        chosen = [s for s in statuses if wanted in (s.provider, s.account, s.display_name)]
    if not chosen:
        raise CommandError(f"no source matches {wanted!r}; see `kith sources list`", code=1)
    return chosen


class _Progress:
    """One line rewritten in place on a terminal; silent otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stdout.isatty()
        self.width = 0

    def __call__(self, fraction: float, text: str) -> None:
        if not self.tty:
            return
        line = f"{self.label}: {text}"
        sys.stdout.write("\r" + line.ljust(self.width))
        sys.stdout.flush()
        self.width = max(self.width, len(line))

    def done(self) -> None:
        if self.tty and self.width:
            sys.stdout.write("\r" + " " * self.width + "\r")
            sys.stdout.flush()


def _decide_held(args: argparse.Namespace) -> int:
    """``--apply-deletes ID`` / ``--keep-deletes ID``: the owner's answer to a held sync."""
    from app.cli import CommandError, print_json
    from core.db.models import SourceAccount
    from core.ingest.deletes import apply_held_deletes, keep_held_deletes

    apply = args.apply_deletes is not None
    source_id = args.apply_deletes if apply else args.keep_deletes
    db = database(args)
    try:
        with session_scope(db) as s:
            account = s.get(SourceAccount, source_id)
            name = account.display_name if account is not None else str(source_id)
            if apply:
                count = apply_held_deletes(s, source_id).deleted
            else:
                count = keep_held_deletes(s, source_id)
    except LookupError as exc:
        raise CommandError(str(exc), code=1) from None
    if args.json:
        print_json({"id": source_id, "applied" if apply else "kept": count})
    elif apply:
        print(f"{name}: removed {count:,} contacts the source no longer has.")
    else:
        print(f"{name}: kept {count:,} contacts; they will not be proposed for removal again "
              "unless the source lists them again and then drops them.")
    return 0


def _quiet_sync_log(args: argparse.Namespace) -> None:
    """Each failure is printed once, by this command: without ``--verbose`` the runtime's
    log line (Python's last-resort handler would print it too) goes nowhere."""
    import logging

    if not getattr(args, "verbose", False):
        logger = logging.getLogger("kith.sync")
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def cmd_sync(args: argparse.Namespace) -> int:
    from app.cli import CommandError, print_json
    from app.source_words import health_text
    from core.sync.runtime import SyncAlreadyRunningError, run_source
    from core.sync.status import source_statuses
    from core.tasks import TaskCancelled, TaskState

    if args.apply_deletes is not None or args.keep_deletes is not None:
        if args.apply_deletes is not None and args.keep_deletes is not None:
            raise CommandError("use --apply-deletes or --keep-deletes, not both")
        return _decide_held(args)
    _quiet_sync_log(args)
    db = database(args)
    with session_scope(db) as s:
        targets = _select(source_statuses(s), args.source)
    if not targets:
        raise CommandError("no sources to sync; add one with `kith sources add`", code=1)
    outcomes: list[dict] = []
    code = 0
    for target in targets:
        progress = _Progress(target.display_name)
        try:
            result = run_source(db, target.id, full=args.full, state=TaskState(progress),
                                confirm_empty=args.confirm_empty, after_ingest=_after_ingest())
        except SyncAlreadyRunningError:
            progress.done()
            outcomes.append({"id": target.id, "ok": False, "health": "syncing",
                             "error": "a sync of this source is already running"})
            code = max(code, 2)
            continue
        except TaskCancelled:  # pragma: no cover - no cancel source in the CLI
            progress.done()
            raise
        progress.done()
        outcomes.append({"id": target.id, "source": target.display_name,
                         "provider": target.provider, "ok": result.ok, "mode": result.mode,
                         "health": result.health, "counts": result.counts,
                         "error": result.error, "problems": len(result.problems),
                         "held_deletes": result.held_deletes})
        if not result.ok:
            code = max(code, 1)
    if args.json:
        print_json(outcomes)
        return code
    for o in outcomes:
        if o["ok"]:
            c = o["counts"]
            print(f"{o['source']}: {o['mode']} sync: {c['added']} added, {c['updated']} "
                  f"updated, {c['unchanged']} unchanged, {c['deleted']} deleted")
            if o["held_deletes"]:
                print(_held_advice(o["id"], o["source"], o["held_deletes"]))
        else:
            print(f"kith: {o.get('source', o['id'])}: {health_text(o['health'])}: "
                  f"{o['error']}", file=sys.stderr)
            if o["health"] == "needs_confirmation":
                print("kith: run again with --confirm-empty to remove them", file=sys.stderr)
    return code


def _held_advice(source_id: int, name: str, count: int) -> str:
    return (f"  This sync would remove {count:,} contacts from {name}; nothing was removed. "
            f"Apply with `kith sync --apply-deletes {source_id}`, or keep them with "
            f"`kith sync --keep-deletes {source_id}`.")


def _after_ingest():
    """Keep duplicate suggestions current after each batch, when the review engine is here."""
    try:
        from core.match.hooks import after_ingest
    except ImportError:  # pragma: no cover - engine not installed
        return None
    return after_ingest


def cmd_status(args: argparse.Namespace) -> int:
    from app.cli import print_json
    from app.local_times import when
    from app.source_words import health_text, kind_text
    from core.sync.status import source_statuses

    db = database(args)
    with session_scope(db) as s:
        rows = source_statuses(s)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    if not rows:
        print("No sources.")
        return 0
    lasts = [when(r.last_success) for r in rows]
    nexts = [when(r.next_run) if r.next_run else (
        "waits for you" if r.waits_for_owner else "now") for r in rows]
    last_width, next_width = max(map(len, lasts)), max(map(len, nexts))
    for r, last, nxt in zip(rows, lasts, nexts, strict=True):
        print(f"{r.id:>4}  {kind_text(r.provider):<10} {health_text(r.health):<18} "
              f"last ok {last:<{last_width}}  next {nxt:<{next_width}}  {r.display_name}")
        if r.last_error:
            print(f"      {r.last_error}")
        if r.held_deletes:
            print("    " + _held_advice(r.id, r.display_name, r.held_deletes))
    return 0

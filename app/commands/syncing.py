"""``kith sync [SOURCE] [--full]`` and ``kith status``: run syncs and show their health.

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
                   help="allow an empty listing to remove every contact of the source")
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


def cmd_sync(args: argparse.Namespace) -> int:
    from app.cli import CommandError, print_json
    from core.sync.runtime import SyncAlreadyRunningError, run_source
    from core.sync.status import source_statuses
    from core.tasks import TaskCancelled, TaskState

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
                         "error": result.error, "problems": len(result.problems)})
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
        else:
            print(f"kith: {o.get('source', o['id'])}: {o['health']}: {o['error']}",
                  file=sys.stderr)
            if o["health"] == "needs_confirmation":
                print("kith: run again with --confirm-empty to remove them", file=sys.stderr)
    return code


def _after_ingest():
    """Keep duplicate suggestions current after each batch, when the review engine is here."""
    try:
        from core.match.hooks import after_ingest
    except ImportError:  # pragma: no cover - engine not installed
        return None
    return after_ingest


def cmd_status(args: argparse.Namespace) -> int:
    from app.cli import print_json
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
    for r in rows:
        last = r.last_success.strftime("%Y-%m-%d %H:%M") if r.last_success else "never"
        nxt = r.next_run.strftime("%H:%M") if r.next_run else (
            "waits for you" if r.waits_for_owner else "now")
        print(f"{r.id:>4}  {r.provider:<8} {r.health:<18} last ok {last}  next {nxt}  "
              f"{r.display_name}")
        if r.last_error:
            print(f"      {r.last_error}")
    return 0

"""The ``kith`` command line (also ``python -m app``).

Global ``--database URL`` (or ``KITH_DATABASE_URL``) picks the store; every sub-command lives in
``app/commands`` and registers itself.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any

from app import commands
from app.local_times import use_the_users_time_locale

# Nothing heavy at module level (core.db.migrate pulls in alembic and SQLAlchemy, ~0.3 CPU-s):
# the ``kith`` script imports this module, and multiprocessing's spawn re-runs the parent's
# main script in every child process, so each parser process of an import paid for it.
# Commands import what they need when they run.


class CommandError(Exception):
    """A user-facing error: printed without a traceback, exit status 2 (or ``code``)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kith", description="Kith address book")
    parser.add_argument(
        "--database", metavar="URL",
        help="database URL or SQLite file (default: KITH_DATABASE_URL or the user data dir)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def main(argv: Sequence[str] | None = None) -> int:
    from core.db.migrate import DatabaseOpenError, DatabaseTooNewError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    use_the_users_time_locale()  # times print in the user's formats (app.local_times)
    handler = getattr(args, "handler", None)
    if handler is None:
        from app.gui import main as gui_main

        return gui_main([] if args.database is None else ["--database", args.database])
    try:
        return int(handler(args) or 0)
    except CommandError as exc:
        print(f"kith: {exc}", file=sys.stderr)
        return exc.code
    except (DatabaseTooNewError, DatabaseOpenError) as exc:
        print(f"kith: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `kith list | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

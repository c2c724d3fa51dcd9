"""``kith import FILE.csv [--map COLUMN=FIELD]...``: the CSV half of ``kith import``.

``app/commands/contacts.py`` hands ``.csv`` paths here. A summary per file on stdout; every
bad row on stderr with file, line and reason; the rows that are fine are imported anyway.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from app.context import database


def is_csv(path: str) -> bool:
    """Paths ``kith import`` reads as CSV (anything else is a vCard file or folder)."""
    return path.lower().endswith((".csv", ".tsv"))


def import_csv_files(args: argparse.Namespace, paths: list[str],
                     after_ingest: Callable[..., None] | None = None) -> int:
    """Import each CSV file; 1 when one could not be imported at all, else 0."""
    from app.cli import CommandError
    from core.sync.providers.csvfile.columns import MappingError, parse_map_options
    from core.sync.providers.csvfile.detect import CsvFileError
    from core.sync.providers.csvfile.importer import import_csv

    try:
        mapping = parse_map_options(getattr(args, "map", None) or [])
    except MappingError as exc:
        raise CommandError(str(exc)) from None
    db = database(args)
    code = 0
    for path in paths:
        try:
            report = import_csv(db, path, mapping=mapping or None, region=args.region,
                                account=args.account if len(paths) == 1 else None,
                                after_ingest=after_ingest)
        except (CsvFileError, MappingError) as exc:
            print(f"kith: {exc}", file=sys.stderr)
            code = 1
            continue
        for problem in report.problems:
            print(f"kith: {problem}", file=sys.stderr)
        for error in report.stats.errors:
            print(f"kith: {error}", file=sys.stderr)
        s = report.stats
        print(f"{path} ({report.format_title}): {report.rows} row(s): {s.added} added, "
              f"{s.updated} updated, {s.unchanged} unchanged, {report.rows_skipped} skipped, "
              f"{report.rows_with_warnings} imported with warnings")
        if report.unmapped:
            print("  not imported (no field chosen; use --map COLUMN=FIELD): "
                  + ", ".join(report.unmapped))
    return code


def csv_source_settings(args: argparse.Namespace) -> tuple[Path, dict]:
    """``kith sources add csv PATH [--map ...]``: the file checked now (it must read as CSV
    with a usable mapping), and the settings the CSV provider reads."""
    from app.cli import CommandError
    from core.sync.providers.csvfile.columns import (
        MappingError,
        has_identity,
        mapping_of,
        parse_map_options,
        resolve_targets,
    )
    from core.sync.providers.csvfile.detect import CsvFileError, inspect_csv

    target = Path(args.path).expanduser().resolve()
    if not target.is_file():
        raise CommandError(f"{args.path}: no such file", code=1)
    try:
        layout = inspect_csv(target)
        targets = resolve_targets(layout, parse_map_options(args.map or []))
    except (CsvFileError, MappingError) as exc:
        raise CommandError(str(exc)) from None
    if not has_identity(targets):
        raise CommandError(f"{target.name}: no column is known to hold a name, email, phone "
                           "or company; say which with --map COLUMN=FIELD")
    # "import": False: a file imported before becomes a real (scheduled, listed) source
    return target, {"path": str(target), "mapping": mapping_of(layout, targets),
                    "import": False}

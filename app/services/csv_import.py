"""CSV import for the GUI: a preview to choose the column mapping from, then the import.

Both are tasks (``fn(db, ..., state=...)``) for the task runner; they return plain dataclasses
so the dialog never touches the engine, the provider code or the database. The mapping chosen
in the dialog is remembered with the file's import account (see core ``importer``), so the
next preview of the same file starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.services import read_session
from core.db.engine import Database
from core.tasks import TaskState

PREVIEW_ROWS = 20
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16",
                  "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "cp1252": "Windows-1252"}


@dataclass(frozen=True, slots=True)
class FieldChoice:
    """One entry of a column's field list: the stored text and the words the owner reads."""

    text: str
    words: str


@dataclass(slots=True)
class CsvPreview:
    path: str
    file_name: str
    format_title: str
    #: e.g. "UTF-8, comma-separated"
    reading: str
    headers: list[str]
    #: The first data rows as read (each as long as ``headers``).
    rows: list[list[str]]
    #: The field chosen for each column (target text), remembered or detected.
    chosen: list[str]
    #: Fields every column may take, plus any detected one that is not among them.
    choices: list[FieldChoice]
    remembered: bool
    #: Target texts that can name a contact (Import needs one of them).
    identity: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CsvImportSummary:
    file_name: str
    format_title: str
    rows: int
    added: int
    updated: int
    unchanged: int
    skipped: int
    with_warnings: int
    #: "line 8: no name, email, phone or company in this row; row skipped", first 100.
    problems: list[str]
    unmapped: list[str]


def preview(db: Database, path: str, *, state: TaskState) -> CsvPreview:
    """Read how ``path`` is laid out and its first rows; CsvFileError if it is not CSV."""
    from core.sync.providers.csvfile.columns import has_identity, resolve_targets
    from core.sync.providers.csvfile.detect import inspect_csv
    from core.sync.providers.csvfile.importer import account_name, remembered_mapping
    from core.sync.providers.csvfile.reader import first_rows
    from core.sync.providers.csvfile.targets import COMMON, describe, parse_target

    layout = inspect_csv(path)
    with read_session(db) as session:
        remembered = remembered_mapping(session, account_name(path))
    targets = resolve_targets(layout, remembered, strict=False)
    rows = first_rows(layout, PREVIEW_ROWS)
    choices = [FieldChoice(t.text(), describe(t)) for t in COMMON]
    known = {c.text for c in choices}
    for t in targets:
        if t.text() not in known:
            known.add(t.text())
            choices.append(FieldChoice(t.text(), describe(t)))
    identity = [c.text for c in choices if has_identity([parse_target(c.text)])]
    reading = (f"{ENCODING_NAMES.get(layout.encoding, layout.encoding)}, "
               f"{DELIMITER_NAMES.get(layout.delimiter, repr(layout.delimiter))}-separated")
    return CsvPreview(str(Path(path).resolve()), Path(path).name, layout.format.title, reading,
                      list(layout.headers), rows, [t.text() for t in targets], choices,
                      remembered is not None, identity)


def import_file(db: Database, path: str, mapping: dict[str, str], region: str = "",
                as_source: bool = False, *, state: TaskState) -> CsvImportSummary:
    """Import with the mapping chosen in the dialog (and remember it for this file). With
    ``as_source`` the file also becomes a source that Kith re-reads when it changes."""
    from core.sync.providers.csvfile.importer import account_name, import_csv

    if as_source:
        from app.services import write_session
        from core.sync.sources import add_source

        name = account_name(path)
        with write_session(db) as session:
            add_source(session, "csv", name, {"path": name, "import": False}, Path(name).name,
                       default_region=region)

    try:
        from core.match.hooks import after_ingest
    except ImportError:  # pragma: no cover - review engine not installed
        after_ingest = None
    report = import_csv(db, path, mapping=mapping, region=region, state=state,
                        after_ingest=after_ingest)
    s = report.stats
    problems = [f"line {p.line}: {p.reason}" for p in report.problems[:100]]
    problems += [str(e) for e in s.errors[: max(0, 100 - len(problems))]]
    return CsvImportSummary(Path(path).name, report.format_title, report.rows, s.added,
                            s.updated, s.unchanged, report.rows_skipped,
                            report.rows_with_warnings, problems, report.unmapped)

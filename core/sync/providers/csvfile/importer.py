"""One-shot import of a CSV file (``kith import FILE.csv``, the GUI's CSV import dialog).

Like the vCard import it only adds and updates, through the one write path, into an import
account named after the file (``provider="csv"``); rows are keyed by a hash of their
identifying values, so importing the same file again changes nothing. The column mapping
used is remembered in that account: the next import of the file (from the CLI or the GUI)
starts from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import SourceAccount
from core.ingest.engine import ingest_contacts
from core.ingest.parsed import ParsedContact
from core.ingest.sqlutil import optimize
from core.ingest.stats import IngestStats
from core.sync.providers.csvfile.columns import (
    MappingError,
    has_identity,
    mapping_of,
    mapping_signature,
    resolve_targets,
)
from core.sync.providers.csvfile.detect import CsvLayout, inspect_csv
from core.sync.providers.csvfile.formats import norm
from core.sync.providers.csvfile.reader import RowProblem, iter_rows
from core.sync.providers.csvfile.targets import Target
from core.sync.registry import stored_etags
from core.sync.vcard_import import ensure_account
from core.tasks import TaskState

AfterIngest = Callable[[Session, set[int]], None]
PROVIDER = "csv"
BATCH = 1000


@dataclass(slots=True)
class CsvImportReport:
    """What an import did: counts, the recognised format, and every bad row by line."""

    account_id: int
    format_title: str
    rows: int = 0
    stats: IngestStats = field(default_factory=IngestStats)
    problems: list[RowProblem] = field(default_factory=list)
    #: Columns with values that went nowhere (no home in Kith yet, or no mapping chosen);
    #: their values are kept in each record's raw snapshot.
    unmapped: list[str] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped) + len(self.stats.errors)

    @property
    def rows_with_warnings(self) -> int:
        return len({p.line for p in self.problems if not p.skipped})


def account_name(path: str | Path) -> str:
    """The import account of a file: its absolute path (the same file = the same account)."""
    return str(Path(path).expanduser().resolve())


def remembered_mapping(session: Session, name: str) -> dict[str, str] | None:
    """The mapping last used with the CSV account ``name`` (for a file: ``account_name``)."""
    settings = session.scalars(select(SourceAccount.settings).where(
        SourceAccount.provider == PROVIDER, SourceAccount.account_id == name)).first()
    mapping = (settings or {}).get("mapping")
    return dict(mapping) if isinstance(mapping, dict) else None


def import_csv(
    db: Database,
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    account: str | None = None,
    region: str = "",
    state: TaskState | None = None,
    after_ingest: AfterIngest | None = None,
    layout: CsvLayout | None = None,
) -> CsvImportReport:
    """Import ``path``. ``mapping`` ({column: field}) overrides the detected meaning of
    columns and is remembered; without it the remembered mapping (else the detected one) is
    used; both together: ``mapping`` wins column by column. Raises CsvFileError (not a CSV
    file) or MappingError (bad or useless mapping)."""
    state = state or TaskState()
    layout = layout or inspect_csv(path)
    name = account or account_name(path)
    with db.session() as s:
        targets = resolve_targets(layout, remembered_mapping(s, name), strict=False)
        if mapping:
            targets = _override(layout, targets, mapping)
        if not has_identity(targets):
            raise MappingError(
                f"{Path(path).name}: no column is known to hold a name, email, phone or "
                "company; say which with --map COLUMN=FIELD (e.g. --map 'Member=name.full')")
        account_id = ensure_account(s, PROVIDER, name, Path(name).name or name, region=region,
                                    settings={"import": True})
        row = s.get(SourceAccount, account_id)
        row.settings = {**(row.settings or {}), "mapping": mapping_of(layout, targets),
                        "path": str(Path(path).expanduser().resolve())}
        region = region or row.default_region or ""
        s.commit()
    report = CsvImportReport(account_id, layout.format.title)
    unmapped = {h for h, t in zip(layout.headers, targets, strict=True) if h and t.skipped}
    used: set[str] = set()
    # Rows whose change marker the account already holds are unchanged: counted here without
    # a trip through the write path (which would load each stored record to find that out).
    known = stored_etags(db, account_id)
    batch: list[ParsedContact] = []
    for csv_row in iter_rows(layout, targets, signature=mapping_signature(targets)):
        report.rows += 1
        report.problems.extend(csv_row.problems)
        contact = csv_row.contact
        if contact is not None:
            if unmapped and contact.raw:
                used.update(unmapped.intersection(contact.raw))
            if known.get(contact.external_id or "") == contact.etag:
                report.stats.unchanged += 1
            else:
                batch.append(contact)
        if len(batch) >= BATCH:
            state.check()
            _write(db, account_id, batch, region, after_ingest, report)
            state.progress(None, f"{report.rows} rows read")
            batch = []
    if batch:
        _write(db, account_id, batch, region, after_ingest, report)
    state.progress(1.0, f"{report.rows} rows read")
    report.unmapped = [h for h in layout.headers if h in used]
    with db.session() as s:
        optimize(s)
    return report


def _override(layout: CsvLayout, targets: list[Target], mapping: Mapping[str, str]
              ) -> list[Target]:
    """``targets`` with the columns ``mapping`` names set to its fields (strictly checked)."""
    chosen = resolve_targets(layout, mapping)
    named = {norm(c) for c in mapping}
    return [chosen[i] if norm(h) in named else t
            for i, (h, t) in enumerate(zip(layout.headers, targets, strict=True))]


def _write(db: Database, account_id: int, batch: list[ParsedContact], region: str,
           after_ingest: AfterIngest | None, report: CsvImportReport) -> None:
    with db.session() as s:
        stats = ingest_contacts(s, account_id, batch, region=region)
        if after_ingest is not None and stats.touched_party_ids:
            after_ingest(s, stats.touched_party_ids)
        s.commit()
    stats.touched_party_ids = set()
    stats.seen_external_ids = set()
    report.stats.merge(stats)

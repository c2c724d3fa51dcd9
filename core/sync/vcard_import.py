"""One-shot import of vCard files and folders (``kith import``, "Import vCard..." in the GUI).

Unlike a vCard *source* (which syncs and applies deletions), an import only adds and updates:
it is additive, idempotent on (account, UID), and reports bad cards with file, card number,
line and reason while every other card goes through.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import SourceAccount
from core.gcpause import cyclic_gc_paused
from core.ingest.engine import ingest_contacts
from core.ingest.import_memory import ImportMemory
from core.ingest.search_index import DeferredIndex, search_index_deferred
from core.ingest.sqlutil import optimize
from core.ingest.stats import IngestStats
from core.sync.bulk_refresh import DeferredRefresh
from core.sync.providers.vcard.reader import (
    ParsedBatch,
    estimate_cards,
    expand_paths,
    parse_paths,
)
from core.sync.providers.vcard.textio import CardProblem
from core.tasks import TaskState

log = logging.getLogger("kith.sync")

#: Batches between two sweeps of the young generations while the importer runs with the
#: cyclic collector paused. With the collector on, unpickling and writing a batch (~100
#: objects per card) set off full collections that walked every live object: a quarter of
#: the importing process's CPU at 20,000 cards. A batch leaves only ~400 objects in cycles
#: (its session's), but a sweep walks the objects of the batch in hand (15-70 ms per 1,000
#: cards), so it runs every 16,000 cards or so, not after each batch.
SWEEP_EVERY = 4

#: Contacts per batch (one transaction each). Bigger batches than a sync's pages: each
#: commit writes the index pages its batch touched, and 4,000 cards per commit cost the
#: writer a tenth less than 1,000 (the parser processes work two batches ahead meanwhile).
BATCH_SIZE = 4000

#: An import remembers which handle keys and record ids the book holds (and so skips looking up
#: the others) when it holds at most this many of them per card to import: a fresh or small
#: book. Reading one costs about half as much as looking one up, but a book that holds many
#: already (a re-import) would be read for nothing: its keys are mostly there, so looked up
#: anyway (core.ingest.import_memory).
KEYS_LOADED_PER_CARD = 0.25

#: Called once after the last batch with every party the import touched (None: all).
AfterIngest = Callable[[Session, set[int] | None], object]


@dataclass(slots=True)
class ImportReport:
    account_id: int
    files: int
    stats: IngestStats
    problems: list[str] = field(default_factory=list)

    #: Problems with single values of cards that were imported all the same.
    warnings: list[str] = field(default_factory=list)
    #: (file, card number) of every card with at least one warning.
    warned_cards: set[tuple[str, int]] = field(default_factory=set)
    #: Cards (or stray text) that could not be read at all: nothing of them was imported.
    unreadable: int = 0

    @property
    def cards_read(self) -> int:
        s = self.stats
        return s.added + s.updated + s.unchanged + s.skipped + len(s.errors)

    @property
    def cards_skipped(self) -> int:
        """Cards nothing was imported from: unreadable, without id, or failed to write."""
        return self.unreadable + self.stats.skipped + len(self.stats.errors)

    @property
    def cards_with_warnings(self) -> int:
        return len(self.warned_cards)

    def summary(self) -> str:
        """One line for the owner: what was imported, skipped, and warned about."""
        s = self.stats
        text = (f"{self.files} file(s): {s.added} added, {s.updated} updated, "
                f"{s.unchanged} unchanged, {self.cards_skipped} skipped")
        if self.warnings:
            text += (f"; {self.cards_with_warnings} card(s) imported with "
                     f"{len(self.warnings)} warning(s)")
        return text

    def add_problem(self, problem: CardProblem) -> None:
        if problem.is_warning:
            self.warnings.append(str(problem))
            if problem.card_number is not None:
                self.warned_cards.add((problem.path, problem.card_number))
        else:
            self.problems.append(str(problem))
            self.unreadable += problem.card_number is not None


def ensure_account(session: Session, provider: str, account_id: str, display_name: str = "",
                   *, region: str = "", settings: dict | None = None) -> int:
    account = session.scalar(select(SourceAccount).where(
        SourceAccount.provider == provider, SourceAccount.account_id == account_id))
    if account is None:
        account = SourceAccount(provider=provider, account_id=account_id,
                                display_name=display_name or account_id,
                                default_region=region.upper(), settings=settings or {})
        session.add(account)
        session.flush()
    elif region and not account.default_region:
        account.default_region = region.upper()
    return account.id


def import_vcards(
    db: Database,
    paths: Sequence[str | Path],
    *,
    account: str | None = None,
    region: str = "",
    state: TaskState | None = None,
    workers: int | None = None,
    after_ingest: AfterIngest | None = None,
) -> ImportReport:
    """Import cards from files/folders into the account named ``account`` (default: the
    first path). Raises FileNotFoundError when no path exists or holds vCards."""
    state = state or TaskState()
    files = expand_paths(paths)
    if not files:
        raise FileNotFoundError("No vCard files found in: " + ", ".join(map(str, paths)))
    name = account or str(Path(paths[0]).expanduser().resolve())
    with db.session() as s:
        account_id = ensure_account(s, "vcard", name, Path(name).name or name, region=region,
                                    settings={"import": True})
        region = region or s.get(SourceAccount, account_id).default_region or ""
        s.commit()
    report = ImportReport(account_id, len(files), IngestStats())
    cards = estimate_cards(files)
    # Suggestions: once, after the last batch (a big import's parties followed meanwhile).
    refresh = DeferredRefresh(db, after_ingest, expected=cards)
    try:
        _import(db, files, region, state, workers, report, refresh, cards)
    finally:
        refresh.close()
    return report


def _import(db: Database, files: list[Path], region: str, state: TaskState,
            workers: int | None, report: ImportReport, refresh: DeferredRefresh,
            cards: int) -> None:
    """The batches, then the one refresh beside the search index's fill."""
    # The parser processes also prepare each contact (normalise, serialise, hash, child rows)
    # and hand over only what the write path reads (lean), so this process only writes: the
    # import is as fast as the two halves running side by side.
    # A big import fills the search index in one pass at the end (core.db.fts), beside the
    # duplicate refresh: the fill is SQLite C code on a thread of its own, the refresh gets
    # its blocks meanwhile (from the process that followed the import, or by loading every
    # party's features) and writes only once the fill committed.
    memory = ImportMemory(report.account_id, load_limit=int(KEYS_LOADED_PER_CARD * cards))
    with cyclic_gc_paused(), search_index_deferred(db, cards, background=True) as index:
        for count, batch in enumerate(parse_paths(files, workers, prepare_region=region,
                                                  lean=True, batch_size=BATCH_SIZE), 1):
            state.check()
            _take_batch(db, batch, report.account_id, region, report, refresh, memory)
            done = batch.file_index + (1 if batch.file_done else 0.5)
            state.progress(done / len(files), f"{report.cards_read} cards read")
            if count % SWEEP_EVERY == 0:
                gc.collect(1)
        del memory  # its keys are not needed by the refresh
        # Before the fill takes the write lock (PRAGMA optimize may write statistics).
        with db.session() as s:
            optimize(s)
            refresh.last_look(s)
    _refresh_beside_fill(db, state, report, refresh, index)


def _refresh_beside_fill(db: Database, state: TaskState, report: ImportReport,
                         refresh: DeferredRefresh, index: DeferredIndex) -> None:
    """The one duplicate refresh while the search index is filled (``index`` may be
    filling on its own thread). Whatever happens, the fill is waited for
    before this returns: its error is the import's error (as when it ran before the
    refresh), unless the refresh failed first (that error wins; the fill's is logged, and
    an index it left suspended is filled at the next open)."""
    try:
        if refresh.hook is not None:
            state.progress(1.0, f"{report.cards_read} cards read; "
                                "updating duplicate suggestions")
            refresh.finish(before_write=index.wait)
    except BaseException:
        try:
            index.wait()
        except Exception:  # noqa: BLE001 - the refresh's own error is raised
            log.exception("filling the search index failed")
        raise
    index.wait()


def _take_batch(db: Database, batch: ParsedBatch, account_id: int, region: str,
                report: ImportReport, refresh: DeferredRefresh,
                memory: ImportMemory | None = None) -> None:
    """Record one parsed batch's problems and write its contacts in one transaction."""
    for problem in batch.problems:
        report.add_problem(problem)
    if not batch.prepared:
        return
    with db.session() as s:
        stats = ingest_contacts(s, account_id, batch.prepared, region=region,
                                memory=memory)
        refresh.note(s, stats.touched_party_ids)
        s.commit()
    stats.touched_party_ids = set()
    stats.seen_external_ids = set()
    report.stats.merge(stats)

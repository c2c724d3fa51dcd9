"""A bulk import or sync refreshes duplicate suggestions once, after its last batch, and ends
exactly where a full rebuild would; a run that stopped before its refresh is caught up by the
next one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import Party
from core.match.hooks import after_ingest
from core.match.suggest import refresh_suggestions
from core.sync.bulk_refresh import DeferredRefresh
from core.sync.runtime import run_source
from core.sync.sources import add_source
from core.sync.vcard_import import import_vcards
from tests.match.corruption.households import generate, write_books
from tests.match.rebuild_check import assert_run_same_as_rebuild, book_state
from tests.sync.runtime_support import rt_db  # noqa: F401 - fixture


class CountingHook:
    """The real hook, counting its calls and what they covered."""

    def __init__(self) -> None:
        self.calls: list[set[int] | None] = []

    def __call__(self, session: Session, touched: set[int] | None) -> int:
        self.calls.append(None if touched is None else set(touched))
        return after_ingest(session, touched)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # ~1,300 cards per book: two write batches each (BATCH_SIZE 1,000).
    return write_books(generate(420, seed=8), tmp_path_factory.mktemp("books"))


def test_an_import_refreshes_once_and_ends_where_a_rebuild_does(
        db: Database, books: dict[str, Path]) -> None:
    """On SQLite and PostgreSQL."""
    hook = CountingHook()
    report = import_vcards(db, [books["a"]], account="a", after_ingest=hook, workers=1)
    assert report.stats.added > 1000  # more than one batch
    assert len(hook.calls) == 1 and len(hook.calls[0] or ()) == report.stats.added
    assert_run_same_as_rebuild(db)
    # The second book joins a populated book: an incremental plan over what changed.
    report = import_vcards(db, [books["b"]], account="b", after_ingest=hook, workers=1)
    assert len(hook.calls) == 2
    with db.session() as s:
        parties = s.scalar(select(func.count()).select_from(Party))
    assert 1000 < len(hook.calls[1] or ()) < parties
    suggested = assert_run_same_as_rebuild(db)
    assert suggested  # the households corpus has people split over two parties
    # Importing the same file again changes nothing and refreshes nothing.
    import_vcards(db, [books["b"]], account="b", after_ingest=hook, workers=1)
    assert len(hook.calls) == 2


def test_a_sync_refreshes_once_per_run(rt_db: Database, books: dict[str, Path],  # noqa: F811
                                       tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.vcf").write_bytes(books["a"].read_bytes())
    with rt_db.session() as s:
        account_id = add_source(s, "vcard", str(folder), {"path": str(folder)})
        s.commit()
    hook = CountingHook()
    result = run_source(rt_db, account_id, after_ingest=hook)
    assert result.ok and result.pages >= 2, result
    assert len(hook.calls) == 1
    assert_run_same_as_rebuild(rt_db)


def test_a_run_stopped_before_its_refresh_is_caught_up_by_the_next(
        db: Database, books: dict[str, Path]) -> None:
    """On SQLite and PostgreSQL."""
    import_vcards(db, [books["a"]], account="a", after_ingest=after_ingest, workers=1)
    # A run that wrote a batch and died: its pending row stays, nothing was refreshed.
    hook = CountingHook()
    stopped = DeferredRefresh(db, hook)
    killed = import_vcards(db, [books["b"]], account="b", after_ingest=None, workers=1)
    with db.session() as s:
        stopped.note(s, {1})
        s.commit()
    assert killed.stats.added > 0
    with db.session() as s:
        stale = book_state(s)
        refresh_suggestions(s)
        assert book_state(s) != stale  # book b's parties were never scored
        s.rollback()
    # The next run (nothing new in it) sees the leftover row and rebuilds everything.
    import_vcards(db, [books["b"]], account="b", after_ingest=hook, workers=1)
    assert hook.calls == [None]
    assert_run_same_as_rebuild(db)

"""A big import's parties are followed while it writes (core.match.feature_tail), and its
one rebuild then stores exactly what a rebuild from scratch stores; when something else wrote
meanwhile, or the tail died, the rebuild loads everything itself and is right all the same.

The households corpus (shared landlines and addresses, twins, namesakes) is written in small
batches so that later batches attach records to parties of earlier ones (reloads) and shared
numbers become household numbers only once all their holders are in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db.engine import Database
from core.db.models import MergeSuggestion, Party
from core.match import feature_tail, hooks, parallel, suggest
from core.match.hooks import after_ingest
from core.sync import vcard_import
from core.sync.bulk_refresh import DeferredRefresh
from core.sync.vcard_import import import_vcards
from tests.match.corruption.households import generate, write_books
from tests.match.rebuild_check import assert_run_same_as_rebuild


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_books(generate(300, seed=21), tmp_path_factory.mktemp("books"))


@pytest.fixture
def followed(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Every import is followed (small batches); returns what each rebuild from the tail
    wrote (None: it fell back to loading everything itself)."""
    monkeypatch.setattr(feature_tail, "MIN_PARTIES", 0)
    monkeypatch.setattr(vcard_import, "BATCH_SIZE", 150)
    results: list[int | None] = []
    real = suggest._rebuild_from_tail

    def recording(*args, **kwargs) -> int | None:  # noqa: ANN002, ANN003
        results.append(real(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(suggest, "_rebuild_from_tail", recording)
    return results


def test_a_followed_import_stores_what_a_rebuild_does(
        sqlite_db: Database, books: dict[str, Path], followed: list[int | None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    report = import_vcards(sqlite_db, [books["a"]], account="a", after_ingest=after_ingest,
                           workers=1)
    assert report.stats.added > 600  # several batches
    assert len(followed) == 1 and followed[0] is not None  # the tail's features were used
    rows = assert_run_same_as_rebuild(sqlite_db)
    assert rows and followed[0] == len(rows)
    # The second book joins a book about as big as itself (a run touching a third of the
    # book rebuilds here): followed too, starting from a full load of the first book, with
    # pairs across both books.
    monkeypatch.setattr(hooks, "FULL_REBUILD_SHARE", 0.3)
    import_vcards(sqlite_db, [books["b"]], account="b", after_ingest=after_ingest, workers=1)
    assert len(followed) == 2 and followed[1] is not None
    assert len(assert_run_same_as_rebuild(sqlite_db)) > len(rows)


def test_two_processes_share_the_scoring_left_at_the_end(
        sqlite_db: Database, books: dict[str, Path], followed: list[int | None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Where processes fork, the tail and its copy answer chunks through one pipe, taking
    turns: every chunk arrives whole (none left to the rebuild) and the rows are right."""
    monkeypatch.setattr(feature_tail, "TWO_SCORERS_MIN", 0)
    monkeypatch.setattr(feature_tail, "_CHUNK", 40)
    monkeypatch.setattr(parallel, "_CHUNK", 40)
    import_vcards(sqlite_db, [books["a"]], account="a", after_ingest=after_ingest, workers=1)
    assert followed and followed[0] is not None
    assert parallel.last_run.pairs > 400 and parallel.last_run.left == 0
    assert assert_run_same_as_rebuild(sqlite_db)


def test_another_writer_during_the_import_means_a_full_load(
        sqlite_db: Database, books: dict[str, Path], followed: list[int | None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A contact renamed by another connection mid-import (the window, another command):
    the tail never reloads it, so its copy is not used and the new name is compared."""
    path = sqlite_db.url.removeprefix("sqlite:///")
    real = vcard_import._take_batch
    batches: list[int] = []

    def batch_then_rename(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
        real(*args, **kwargs)
        batches.append(1)
        if len(batches) == 2:  # two parties of batch one become namesakes
            other = sqlite3.connect(path)
            with other:
                first, second = (row[0] for row in other.execute(
                    "SELECT id FROM party WHERE kind != 'system' ORDER BY id LIMIT 2"))
                other.execute(
                    "UPDATE party SET given_name = 'Quirinus', family_name = 'Zwetschke', "
                    "display_name = 'Quirinus Zwetschke', birthday = '1961-03-04' "
                    "WHERE id IN (?, ?)", (first, second))
            other.close()
            renamed.extend((first, second))

    renamed: list[int] = []
    monkeypatch.setattr(vcard_import, "_take_batch", batch_then_rename)
    import_vcards(sqlite_db, [books["a"]], account="a", after_ingest=after_ingest, workers=1)
    assert followed == []  # not offered: the rebuild loaded everything itself
    assert_run_same_as_rebuild(sqlite_db)
    with sqlite_db.session() as s:
        pair = s.scalar(select(func.count()).select_from(MergeSuggestion).where(
            MergeSuggestion.party_a_id == min(renamed),
            MergeSuggestion.party_b_id == max(renamed)))
    assert pair == 1  # the two renamed parties are suggested


def test_a_tail_that_dies_costs_time_not_results(
        sqlite_db: Database, books: dict[str, Path], followed: list[int | None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = vcard_import._take_batch
    killed: list[bool] = []

    def batch_then_kill(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
        real(*args, **kwargs)
        refresh = next(a for a in args if isinstance(a, DeferredRefresh))
        if not killed and refresh.tail is not None:
            refresh.tail.procs[0].kill()
            killed.append(True)

    monkeypatch.setattr(vcard_import, "_take_batch", batch_then_kill)
    report = import_vcards(sqlite_db, [books["a"]], account="a", after_ingest=after_ingest,
                           workers=1)
    assert killed and followed == [None]  # offered, failed, loaded everything itself
    assert report.stats.added > 600
    assert assert_run_same_as_rebuild(sqlite_db)
    with sqlite_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Party)) > 600


def test_a_small_import_is_not_followed(sqlite_db: Database, books: dict[str, Path],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple] = []

    class Recorded(feature_tail.FeatureTail):
        def __init__(self, *args: object) -> None:
            started.append(args)
            raise OSError("not in this test")

    monkeypatch.setattr(feature_tail, "FeatureTail", Recorded)
    import_vcards(sqlite_db, [books["a"]], account="a", after_ingest=after_ingest, workers=1)
    assert started == []  # under MIN_PARTIES: nothing started
    monkeypatch.setattr(feature_tail, "MIN_PARTIES", 0)
    monkeypatch.setattr(hooks, "FULL_REBUILD_SHARE", 0.3)
    import_vcards(sqlite_db, [books["b"]], account="b", after_ingest=after_ingest, workers=1)
    assert len(started) == 1  # big enough against the book: it would have been followed

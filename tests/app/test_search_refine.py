"""Search-as-you-type refinement gives exactly the page the full SQL search gives.

For each keystroke of several queries, the first page computed from the rows shown for the
previous keystroke (core.views.refine, FTS5 over only those rows) must equal the first page
the real FTS5 query returns, with small pages so the "not enough rows left" fallback and the
"complete" flag are exercised too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services import contacts
from app.services.contacts import ListQuery, Shown
from core.db.engine import Database, open_database
from core.db.models import Party, SourceAccount, SourceRecord
from core.tasks import TaskState
from core.views.refine import refines
from tests.ui.helpers import seed

QUERIES = ["müller", "anna", "example.com", "+4930", "chloé d", "jo", "globex", "li sm",
           "exa mple"]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'kith.sqlite'}")
    seed(database)
    yield database
    database.dispose()


def sql_page(db: Database, text: str, limit: int) -> contacts.FirstPage:
    return contacts.first_page(db, ListQuery(text), limit, state=TaskState())


@pytest.mark.parametrize("limit", [1, 2, 80])
@pytest.mark.parametrize("budget", [1, 10**9])  # narrowing the whole result: never / always
def test_refined_pages_equal_sql_pages(db: Database, limit: int, budget: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from core.views import refine

    monkeypatch.setattr(refine, "MATCH_STEPS", budget)
    whole_result_used = []
    narrow = refine.first_matching
    monkeypatch.setattr(refine, "first_matching", lambda *args: whole_result_used.append(
        args[1]) or narrow(*args))
    refined_count = 0
    for query in QUERIES:
        previous = ""
        for end in range(1, len(query) + 1):
            text = query[:end].strip()
            full = contacts.search_ids(db, ListQuery(previous), state=TaskState())
            half = max(1, len(full) // 2)
            # The list shows: all of the result; its top only; its top, having all of it.
            for shown_count, result in ((len(full), None), (half, None), (half, full)):
                shown = Shown(ListQuery(previous), tuple(full[:shown_count]),
                              shown_count == len(full), result)
                page = contacts.first_page(db, ListQuery(text), limit, shown,
                                           state=TaskState())
                expected = sql_page(db, text, limit)
                assert page.ids == expected.ids, (previous, text, shown_count)
                assert [r.id for r in page.rows] == expected.ids
                if page.refined:
                    refined_count += 1
                    # Never "complete" wrongly; from a partial view it may not know (then the
                    # full search runs and confirms).
                    assert expected.complete or not page.complete, (previous, text)
                    if shown.complete:
                        assert page.complete == expected.complete, (previous, text)
            previous = text
    assert refined_count > 0
    assert whole_result_used  # the "too few among the top" case was met


def test_only_narrowing_queries_refine() -> None:
    assert refines("ann", "anna") and refines("", "a") and refines("zoë", "zoë n")
    assert not refines("anna", "ann") and not refines("anna", "bob")


def test_other_filters_do_not_refine(db: Database) -> None:
    full = contacts.search_ids(db, ListQuery(""), state=TaskState())
    shown = Shown(ListQuery("", "needs_review"), tuple(full), True)
    page = contacts.first_page(db, ListQuery("a"), 80, shown, state=TaskState())
    assert not page.refined


def test_list_rows_on_sqlite_equal_the_orm_rows(db: Database) -> None:
    """The list's raw-SQL row fetch (SQLite) returns what the portable ORM query returns."""
    from core.views.party import party_rows
    from core.views.party_list import _party_rows_orm

    ids = list(contacts.search_ids(db, ListQuery(""), state=TaskState()))[::-1] + [999_999]
    with db.session() as session:
        # Rows of every kind: two sources on one party, an archived one, a review flag.
        with_source = list(session.scalars(select(SourceRecord.party_id).distinct()))
        two, archived = (session.get(Party, i) for i in with_source[:2])
        held = set(session.scalars(select(SourceRecord.account_id)
                                   .where(SourceRecord.party_id == two.id)))
        other = next(a for a in session.scalars(select(SourceAccount)) if a.id not in held)
        session.add(SourceRecord(account_id=other.id, external_id="second-source",
                                 party_id=two.id, data={}, content_hash="x"))
        archived.archived_at = datetime.now(UTC)
        session.commit()
        rows = party_rows(session, ids)
        assert rows == _party_rows_orm(session, ids)
        assert [r.id for r in rows] == ids[:-1]
        assert any(len(r.sources) == 2 for r in rows)
        assert any(r.archived for r in rows) and any(r.needs_review for r in rows)


@pytest.mark.parametrize("search", ["", "a", "example", "zzz-none"])
def test_id_array_on_sqlite_keeps_the_list_order(db: Database, search: str) -> None:
    """The packed id list (one value from SQLite) is the list statement's rows in order."""
    from core.ingest.engine import ingest_contacts
    from core.views.party import list_party_id_array, list_party_ids
    from tests.benchmarks.corpus import contacts as corpus
    from tests.ui.helpers import add_account

    account = add_account(db, "vcard", "more.vcf")
    with db.session() as session:  # names in random order: list order is not id order
        ingest_contacts(session, account, list(corpus(300)), region="US")
        session.commit()
    with db.session() as session:
        expected = list_party_ids(session, search)
        assert list(list_party_id_array(session, search)) == expected
        assert (search == "zzz-none") == (not expected)
        if search == "":
            assert expected != sorted(expected)


@pytest.mark.parametrize("budget", [1, 10**9])  # matches-first gives way at once / never
@pytest.mark.parametrize("query", [ListQuery("a"), ListQuery("anna"), ListQuery("example com"),
                                   ListQuery("unk", "needs_review"), ListQuery("zz"),
                                   ListQuery("an", "archived")])
def test_first_page_is_the_top_of_the_full_result(db: Database, query: ListQuery, budget: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Whichever plan answers a search's first page, it is the top of the full result."""
    from core.ingest.engine import ingest_contacts
    from core.views import party_list
    from tests.benchmarks.corpus import contacts as corpus
    from tests.ui.helpers import add_account

    account = add_account(db, "vcard", "more.vcf")
    with db.session() as session:
        ingest_contacts(session, account, list(corpus(400)), region="US")
        for party in session.scalars(select(Party).limit(40)):
            party.archived_at = datetime.now(UTC)
        session.commit()
    monkeypatch.setattr(party_list, "MATCHES_FIRST_STEPS", budget)
    full = list(contacts.search_ids(db, query, state=TaskState()))
    for limit in (1, 5, 80):
        page = contacts.first_page(db, query, limit, state=TaskState())
        assert page.ids == full[:limit] and page.complete == (len(full) <= limit)
    assert full or query.search == "zz"


def test_narrowing_the_whole_result_gives_the_sql_page(db: Database,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With only the top 10 rows shown but the whole previous result at hand, each keystroke's
    page (from that result and the FTS5 matches) equals the SQL page, on 400 contacts."""
    from core.ingest.engine import ingest_contacts
    from core.views import refine
    from tests.benchmarks.corpus import contacts as corpus
    from tests.ui.helpers import add_account

    account = add_account(db, "vcard", "more.vcf")
    with db.session() as session:
        ingest_contacts(session, account, list(corpus(400)), region="US")
        session.commit()
    narrowed = []
    narrow = refine.first_matching
    monkeypatch.setattr(refine, "first_matching",
                        lambda *args: narrowed.append(args[1]) or narrow(*args))
    for query in ["rossi", "müller", "zoë n", "anna", "+1202"]:
        previous = ""
        for end in range(1, len(query) + 1):
            text = query[:end].strip()
            full = contacts.search_ids(db, ListQuery(previous), state=TaskState())
            shown = Shown(ListQuery(previous), tuple(full[:10]), len(full) <= 10, full)
            for limit in (5, 80):
                page = contacts.first_page(db, ListQuery(text), limit, shown,
                                           state=TaskState())
                expected = sql_page(db, text, limit)
                assert page.ids == expected.ids, (previous, text, limit)
                assert page.complete == expected.complete or not page.complete
            previous = text
    assert len(narrowed) > 10

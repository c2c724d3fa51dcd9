"""A search's first page from the top rows of the list (core.views.list_top) is the top of
the full result, follows every change of those rows, and commits nothing but its own table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from core.db.models import Party
from core.ingest.engine import ingest_contacts
from core.views import party_list
from core.views.list_top import TOP_ROWS
from core.views.party import list_party_ids
from tests.benchmarks.corpus import contacts as corpus
from tests.ui.helpers import add_account

#: Words most of the corpus matches (every contact has +1 202 2..., mail at example.com),
#: some that few match, and none.
QUERIES = ["2", "20", "202 200", "+1202", "example", "e", "a", "anna", "rossi", "zoë n",
           "3018681", "zzz"]


@pytest.fixture
def corpus_db(db):
    account = add_account(db, "vcard", "corpus.vcf")
    with db.session() as session:
        ingest_contacts(session, account, list(corpus(2 * TOP_ROWS + 50)), region="US")
        for party in session.scalars(select(Party).order_by(Party.id).limit(30)):
            party.archived_at = datetime.now(UTC)
        session.commit()
    return db


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each first page asked, whether the top rows answered it."""
    seen: list[bool] = []
    real = party_list.first_from_top
    monkeypatch.setattr(party_list, "first_from_top",
                        lambda *args: seen.append(real(*args) is not None)
                        or real(*args))
    return seen


@pytest.mark.parametrize("filter_name", ["all", "archived", "needs_review"])
def test_the_top_rows_give_the_top_of_the_result(corpus_db, answered, filter_name) -> None:
    with corpus_db.session() as s:
        for query in QUERIES:
            full = list_party_ids(s, query, filter_name=filter_name)
            for limit in (1, 5, 81):
                assert list_party_ids(s, query, filter_name=filter_name,
                                      limit=limit) == full[:limit], (query, limit)
    if corpus_db.engine.dialect.name != "sqlite":
        assert not answered  # FTS5 only: PostgreSQL's LIKE plan answers
    elif filter_name == "all":
        # Most contacts match these: their pages come from the top rows, never SQL over
        # all; rarer words go on to the other plans.
        assert all(answered[:3 * 3])  # "2", "20", "202 200", three limits each
        assert not all(answered)
    else:
        assert all(answered)  # fewer rows than TOP_ROWS: the top rows are the whole list


def test_the_top_rows_follow_changes_on_the_same_connection(corpus_db, answered) -> None:
    """The table of top rows is kept between searches: a change of those rows' search text,
    by another connection or by this one (uncommitted, then rolled back), is seen at once."""
    with corpus_db.session() as s:

        def top_of(query: str) -> list[int]:
            page = list_party_ids(s, query, limit=1)
            assert page == list_party_ids(s, query)[:1], query
            return page

        first = list_party_ids(s, "", limit=1)[0]
        family = s.get(Party, first).family_name.lower()
        assert top_of(family) == [first]
        with corpus_db.session() as other:  # another connection commits
            other.execute(update(Party).where(Party.id == first)
                          .values(search_text="quux"))
            other.commit()
        assert top_of(family) != [first]  # a kept table would still say "first"
        assert top_of("quux") == [first]
        s.execute(update(Party).where(Party.id == first).values(search_text="zed"))
        assert top_of("zed") == [first]  # this session's own change, not committed
        assert top_of("quux") == []
        s.rollback()
        assert top_of("quux") == [first]
        assert top_of("zed") == []
    if corpus_db.engine.dialect.name == "sqlite":
        assert sum(answered) >= 5  # those pages came from the top rows
    else:
        assert not answered


def test_a_search_inside_a_write_commits_nothing_of_it(corpus_db) -> None:
    """Its temporary table is committed only when no transaction was open: a search in the
    middle of a write leaves that write to its owner (rolled back here)."""
    with corpus_db.session() as s:
        first = list_party_ids(s, "", limit=1)[0]
        s.execute(update(Party).where(Party.id == first).values(display_name="Changed"))
        assert list_party_ids(s, "anna", limit=5)
        s.rollback()
    with corpus_db.session() as s:
        assert s.get(Party, first).display_name != "Changed"


def test_the_default_lists_top_rows_are_the_list_statements(corpus_db) -> None:
    """The hand-written statement for "All contacts" reads the rows the list statement
    builds (ids in list order, their search text)."""
    if corpus_db.engine.dialect.name != "sqlite":
        pytest.skip("the top-rows plan is SQLite's (FTS5)")
    from core.views.list_top import TOP_SQL

    with corpus_db.session() as s:
        built = s.execute(
            select(Party.id, Party.search_text)
            .where(Party.merged_into_id.is_(None), Party.archived_at.is_(None))
            .order_by(Party.sort_name, Party.id).limit(TOP_ROWS)).all()
        raw = s.connection().connection.driver_connection
        assert raw.execute(TOP_SQL, [TOP_ROWS]).fetchall() == [tuple(r) for r in built]
        assert [r[0] for r in built] == list_party_ids(s)[:TOP_ROWS]

"""Search-as-you-type refinement: the next keystroke's first page from the current one.

Typing one more letter can only narrow a search: every match of ``"exam"`` is a match of
``"exa"`` (each query token is a prefix of a word, and a longer prefix or one more token
matches fewer rows). So when the list already shows the top of ``"exa"``'s result in list
order, the top of ``"exam"``'s result is the rows among those that still match, in the same
order, as long as at least a page of them do.

Which of those few hundred rows still match is decided by SQLite's own FTS5, with the same
tokenizer and the same MATCH expression as the real search, in a small temporary FTS table
holding only their search text. On 100,000 contacts that costs a few milliseconds, where the
full-text query over every contact costs 30-60 ms for words most contacts share
("example.com"). The full result (:func:`core.views.party.list_party_id_array`) still comes
from the real query afterwards and is authoritative: the list replaces the page if they differ
(a concurrent import, say).

When too few of those rows still match ("ros" shows the Rosas first, "ross" wants the
Rossis), the previous *whole* result, when the list has it, still narrows the search:
:func:`first_matching` reads only the new search's matches from the FTS5 index (no table
rows, no sorting) and keeps the previous result's order. That answers "ross" after "ros" in
a few ms, where SQL over every contact took 20-30 ms.
"""

from __future__ import annotations

import re
import sqlite3
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session

from core.ingest.search_index import fts_match, index_searchable, query_words
from core.views import packed_ids
from core.views.step_budget import OverBudget, step_budget

#: SQLite steps reading a refined search's matches from FTS5 alone may take (see
#: :func:`first_matching`): about 40,000 matches, 5-10 ms on this machine.
MATCH_STEPS = 200_000
_MATCH_IDS_SQL = (f"SELECT {packed_ids.packed('rowid')} FROM party_fts "
                  "WHERE party_fts MATCH ?")
_TOKENIZE = re.compile(r"tokenize\s*=\s*(\"[^\"]*\"|'[^']*')")
_TEMP_TABLE = "temp.kith_refine"


def refines(previous: str, new: str) -> bool:
    """True when ``new`` can only match a subset of what ``previous`` matches: each word of
    ``previous`` is still there, the last one possibly longer, and more words may follow.

    Compared on the words the search matches, not the typed text: a number typed in pieces
    is one word ("0151 3" searches "01513"), and typing on can also shorten it ("+49 (0" is
    "490", "+49 (0)" is "49" again, which matches more)."""
    if not new.startswith(previous):
        return False
    before, after = query_words(previous), query_words(new)
    if not before:
        return True
    if len(after) < len(before) or after[:len(before) - 1] != before[:-1]:
        return False
    return after[len(before) - 1].startswith(before[-1])


def match_expression(session: Session, search: str) -> str | None:
    """The FTS5 MATCH expression the real search uses for ``search`` ("" for no filter);
    None when the database has no FTS5 search (PostgreSQL)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    return fts_match(search)


def ensure_table(raw: sqlite3.Connection, name: str = _TEMP_TABLE) -> None:
    """A temporary FTS5 table ``name`` (in ``temp.``) with the search index's tokenizer."""
    sql = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'party_fts'").fetchone()
    tokenize = _TOKENIZE.search(sql[0] if sql else "")
    options = f", tokenize={tokenize.group(1)}" if tokenize else ""
    raw.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5(search_text{options})")


@contextmanager
def temp_work(raw: sqlite3.Connection) -> Iterator[None]:
    """Writes to temporary tables, committed at once when no transaction was open before
    (a read session): pysqlite opens one for them, and the session's rollback at its end
    would otherwise undo them (and leave a write transaction open meanwhile)."""
    outside = not raw.in_transaction
    yield
    if outside and raw.in_transaction:
        raw.commit()


def matching_among(session: Session, search: str, ids: Sequence[int]) -> list[int] | None:
    """The ids (in the given order) whose party matches ``search``, decided by FTS5 over only
    these rows; None when that cannot be done here (not SQLite)."""
    expression = match_expression(session, search)
    if expression is None:
        return None
    wanted = list(ids)
    if not expression or not wanted:
        return wanted
    raw = session.connection().connection.driver_connection
    with temp_work(raw):
        ensure_table(raw)
        raw.execute(f"DELETE FROM {_TEMP_TABLE}")
        marks = ",".join("?" * len(wanted))
        raw.execute(f"INSERT INTO {_TEMP_TABLE}(rowid, search_text) "
                    f"SELECT id, search_text FROM party WHERE id IN ({marks})", wanted)
        hits = {row[0] for row in raw.execute(
            f"SELECT rowid FROM {_TEMP_TABLE} WHERE {_TEMP_TABLE.split('.')[1]} MATCH ?",
            (expression,))}
        raw.execute(f"DELETE FROM {_TEMP_TABLE}")
    return [pid for pid in wanted if pid in hits]


def first_matching(session: Session, search: str, ordered: Sequence[int] | array,
                   limit: int) -> list[int] | None:
    """The first ``limit`` ids of ``ordered`` (a search's whole result, in list order) that
    match ``search``, which :func:`refines` that search; None when that cannot be done here
    (not SQLite) or costs more than MATCH_STEPS (a search that still matches most contacts,
    where SQL finds a page sooner).

    Correct because a refining search matches a subset of the previous one: its result is
    the previous result (same filters) less the rows its full-text match drops."""
    expression = match_expression(session, search)
    if expression is None or (expression and not index_searchable(session)):
        return None
    if not expression:
        return list(ordered[:limit])
    raw = session.connection().connection.driver_connection
    try:
        with step_budget(raw, MATCH_STEPS):
            (packed,) = raw.execute(_MATCH_IDS_SQL, (expression,)).fetchone()
    except OverBudget:
        return None
    hits = set(packed_ids.unpack(packed))
    found: list[int] = []
    for pid in ordered:
        if pid in hits:
            found.append(pid)
            if len(found) == limit:
                break
    return found

"""A search's first page read from the top of the unsearched list (SQLite).

When most contacts match a search ("2", "20", "example", "+1": every contact of a corpus with
numbers +1 202 ... and addresses at example.com), both SQL plans for its first page are slow,
each for its own reason: the list-order plan first collects every match from FTS5 into a set
(15-30 ms for 100,000 matches), and the matches-first plan sorts them (it gives up at its step
budget, 5-15 ms in). Yet the answer is right there: the first rows of the list, nearly all of
which match. This plan takes the top TOP_ROWS rows of the list under the same filters and lets
FTS5 decide which of them match, in a small temporary FTS table of their search text, and
answers when at least a page of them do, or when they are the whole list.

Correct because the matches among the top rows, in list order, are the top of the full result
as long as there are ``limit`` of them. The temporary table is kept (per connection) while the
top rows and their search text stay the same, so asking costs 0.3 ms (building it, 2 ms): it
is tried first for every search the list cannot narrow from what it shows (a letter typed over
a selected search, Backspace: "202" to "20" widens the result, another filter).
"""

from __future__ import annotations

import json
import sqlite3

from core.views.refine import ensure_table, temp_work

#: Rows read from the top of the list (as many as a refinement offers, ui.contact_list): a
#: page of 81 needs at least 40 % of them to match.
TOP_ROWS = 200
#: The top rows of the default list ("All contacts"), as core.views.party builds them for any
#: filter; a test pins the two to the same rows.
TOP_SQL = ("SELECT id, search_text FROM party WHERE merged_into_id IS NULL AND archived_at IS NULL"
           " ORDER BY sort_name, id LIMIT ?")
_TABLE = "temp.kith_top"
_KEY = "temp.kith_top_key"
#: The top rows (id and search text, in list order) as one value: what the table holds.
_TOP_JSON = "SELECT json_group_array(json_array(id, search_text)) FROM ({statement})"
_FILL = (f"INSERT INTO {_TABLE}(rowid, search_text) SELECT json_extract(value, '$[0]'), "
         "json_extract(value, '$[1]') FROM json_each(?)")


def first_from_top(raw: sqlite3.Connection, expression: str, top_sql: str,
                   params: list[object], limit: int) -> list[int] | None:
    """The first ``limit`` ids matching the FTS5 ``expression``, from ``top_sql`` (the list
    without a search, same filters, in list order: id and search_text, LIMIT TOP_ROWS); None
    when too few of those rows match to tell."""
    (content,) = raw.execute(_TOP_JSON.format(statement=top_sql), params).fetchone()
    top = json.loads(content)
    with temp_work(raw):
        ensure_table(raw, _TABLE)
        raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_KEY.split('.')[1]}(content TEXT)")
        held = raw.execute(f"SELECT content FROM {_KEY}").fetchone()
        if held is None or held[0] != content:
            raw.execute(f"DELETE FROM {_TABLE}")
            raw.execute(_FILL, (content,))
            raw.execute(f"DELETE FROM {_KEY}")
            raw.execute(f"INSERT INTO {_KEY}(content) VALUES (?)", (content,))
    hits = {row[0] for row in raw.execute(
        f"SELECT rowid FROM {_TABLE} WHERE {_TABLE.split('.')[1]} MATCH ?", (expression,))}
    matched = [pid for pid, _text in top if pid in hits]
    if len(matched) < limit and len(top) >= TOP_ROWS:
        return None
    return matched[:limit]

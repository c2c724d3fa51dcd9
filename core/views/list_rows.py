"""The contact list's rows read straight from a SQLite connection (stdlib sqlite3 only).

Two readers use this: core.views.party, on the session's DB-API connection (the ORM's per-row
work was too slow for windows of a thousand rows), and the GUI's first look at its database
(app.first_look), which paints the list before SQLAlchemy and the models are even imported.
So this module must not import SQLAlchemy.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from core.views.phone_display import format_phone, warm_up

#: Windows of at most this many rows come with their phones formatted for reading (the
#: first page, search pages, the rows on screen). Bigger windows are rows read ahead of the
#: scrolling: formatting 1,000 phones is 20-30 ms of Python on the worker, which the GUI
#: thread then waits for (the GIL) while it paints; the list formats those rows when it
#: first paints them (ui.contact_model), with the same function.
FORMAT_ROWS = 200
#: Rows asked for in one statement at most (SQLite's JSON argument has no practical limit;
#: this bounds the one value the statement returns).
ROWS_PER_STATEMENT = 5000


@dataclass(slots=True)
class PartyRow:
    """One line of the contact list."""

    id: int
    display_name: str
    primary_email: str
    primary_phone: str
    organization: str
    sources: list[str]
    needs_review: bool
    archived: bool
    #: ``primary_phone`` formatted for reading (core.views.phone_display), as the card shows it.
    phone_display: str = ""

    @property
    def initials(self) -> str:
        words = [w for w in self.display_name.replace(",", " ").split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper() or "?"


#: The whole window in one statement and one value (a JSON array of rows). Why one value: the
#: sqlite3 module releases the GIL around every step, and while the GUI thread is busy painting
#: a scroll each re-take of the GIL waits for it; a window of 500 rows stepped row by row (two
#: queries) took 120 ms under a continuous scroll instead of 2 ms, and its rows came too late.
ROWS_JSON_SQL = (
    "SELECT json_group_array(json_array(p.id, p.display_name, p.primary_email, p.primary_phone,"
    " p.organization, p.needs_disambiguation OR p.needs_archival_review,"
    " p.archived_at IS NOT NULL,"
    " (SELECT group_concat(provider, ' ') FROM (SELECT DISTINCT a.provider"
    "  FROM source_record r JOIN source_account a ON a.id = r.account_id"
    "  WHERE r.party_id = p.id AND r.deleted_at IS NULL)))) "
    "FROM party p WHERE p.id IN (SELECT value FROM json_each(?))")

#: The top of the list with no search and the default filter ("All contacts": not merged
#: away, not archived), in list order. core.views.party builds the same statement with
#: SQLAlchemy for every query; a test pins the two to the same ids.
FIRST_IDS_SQL = ("SELECT id FROM party WHERE merged_into_id IS NULL AND archived_at IS NULL "
                 "ORDER BY sort_name, id LIMIT ?")


def rows_on_sqlite(raw: sqlite3.Connection, ids: Sequence[int]) -> list[PartyRow]:
    """The rows of ``ids`` in that order (ids with no party are left out)."""
    wanted = list(ids)
    shown = len(wanted) <= FORMAT_ROWS
    rows: dict[int, PartyRow] = {}
    for start in range(0, len(wanted), ROWS_PER_STATEMENT):
        chunk = wanted[start:start + ROWS_PER_STATEMENT]
        (packed,) = raw.execute(ROWS_JSON_SQL, (json.dumps(chunk),)).fetchone()
        for pid, name, email, phone, org, review, archived, sources in json.loads(packed):
            rows[pid] = PartyRow(pid, name or "", email or "", phone or "", org or "",
                                 sorted(sources.split(" ")) if sources else [],
                                 bool(review), bool(archived),
                                 format_phone(phone) if phone and shown else "")
    if not shown:
        warm_up([row.primary_phone for row in rows.values() if row.primary_phone])
    return [rows[i] for i in wanted if i in rows]


def first_ids_on_sqlite(raw: sqlite3.Connection, limit: int) -> list[int]:
    """The first ``limit`` ids of the default list (see FIRST_IDS_SQL)."""
    return [row[0] for row in raw.execute(FIRST_IDS_SQL, (limit,))]

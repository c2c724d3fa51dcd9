"""The contact list's first page, read before the real database layer is loaded.

Importing SQLAlchemy, the models and the services is about three quarters of Kith's start-up
(0.6-1.0 s of 0.9-1.6 s on the 2-core benchmark machine). The first thing the owner sees
needs none of it: the top of "All contacts". So, when the database is a SQLite file already
at this code's schema (app.db_open, the same check that skips Alembic), a worker reads that
page with the stdlib ``sqlite3`` module (core.views.list_rows) and the window paints it;
only then does the database open for real (app.gui) and every view load as before. Any other
case (PostgreSQL, a first run, a migration due, an unreadable file) returns None, and the
start-up takes the normal path, which reports errors.
"""

from __future__ import annotations

import sqlite3

from app.db_open import is_current, open_read_only
from app.services.list_query import FIRST_PAGE, FirstPage, ListQuery
from core.db.location import resolve_database_url, sqlite_file
from core.views.list_rows import first_ids_on_sqlite, rows_on_sqlite
from core.views.phone_display import set_owner_region


def first_look(url: str | None, region: str = "", *, state: object) -> FirstPage | None:
    """The default list's first page straight from the SQLite file, or None (see above).

    ``region`` is the owner's (settings): its phone numbers show in national form, here and
    in every later row and card (core.views.phone_display)."""
    set_owner_region(region)
    resolved = resolve_database_url(url)
    path = sqlite_file(resolved)
    if path is None or not is_current(resolved):
        return None
    raw = open_read_only(path)
    if raw is None:
        return None
    try:
        ids = first_ids_on_sqlite(raw, FIRST_PAGE + 1)
        rows = rows_on_sqlite(raw, ids[:FIRST_PAGE])
    except sqlite3.Error:
        return None  # the real opening says what is wrong
    finally:
        raw.close()
    return FirstPage(ListQuery(), ids[:FIRST_PAGE], rows, len(ids) <= FIRST_PAGE)

"""The contact list's queries: which parties it shows, in what order, and their rows.

Filters ("all", "needs review", "archived", a label, a source), a search (FTS5 on SQLite), and
for a search's first page the fastest of three plans (the top rows of the list, the matches
first, or list order). On SQLite the big answers run on the DB-API connection, since the
ORM's per-row work was most of the time; ``cancelled`` stops a search the owner has typed past.
Callers import these from core.views.party.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, column, select, table, text
from sqlalchemy.orm import Session

from core.db.models import Label, LabelMembership, Party, SourceAccount, SourceRecord
from core.ingest.search_index import fts_match, index_searchable, search_filter
from core.ingest.sqlutil import chunked
from core.views import packed_ids
from core.views.list_rows import FORMAT_ROWS, PartyRow, rows_on_sqlite
from core.views.list_top import TOP_ROWS, TOP_SQL, first_from_top
from core.views.phone_display import format_phone
from core.views.step_budget import OverBudget, step_budget

#: List filters the GUI and CLI offer.
FILTERS = ("all", "needs_review", "archived")
#: SQLite virtual-machine steps between two looks at a query's cancel flag.
PROGRESS_STEPS = 20_000


class QueryCancelled(Exception):
    """A list query was interrupted because its caller no longer wants the result."""


def _filtered(stmt: Select, filter_name: str, label: str | None, account_id: int | None) -> Select:
    if filter_name == "needs_review":
        stmt = stmt.where(
            (Party.needs_disambiguation.is_(True)) | (Party.needs_archival_review.is_(True))
        )
    elif filter_name == "archived":
        stmt = stmt.where(Party.archived_at.is_not(None))
    else:
        stmt = stmt.where(Party.archived_at.is_(None))
    if label:
        stmt = stmt.where(
            Party.id.in_(
                select(LabelMembership.party_id)
                .join(Label, Label.id == LabelMembership.label_id)
                .where(Label.name == label)
            )
        )
    if account_id is not None:
        stmt = stmt.where(
            Party.id.in_(
                select(SourceRecord.party_id).where(
                    SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None)
                )
            )
        )
    return stmt


def _list_statement(session: Session, search: str, filter_name: str, label: str | None,
                    account_id: int | None) -> Select:
    stmt = select(Party.id).where(Party.merged_into_id.is_(None))
    stmt = _filtered(stmt, filter_name, label, account_id)
    return search_filter(session, stmt, search).order_by(Party.sort_name, Party.id)


def list_party_ids(
    session: Session,
    search: str = "",
    *,
    filter_name: str = "all",
    label: str | None = None,
    account_id: int | None = None,
    limit: int | None = None,
) -> list[int]:
    """Ids of visible parties in list order (sort name), narrowed in SQL."""
    if limit and session.get_bind().dialect.name == "sqlite":
        first = _first_ids_from_top(session, search, filter_name, label, account_id, limit)
        if first is None:
            first = _first_ids_matches_first(session, search, filter_name, label, account_id,
                                             limit)
        if first is not None:
            return first
    stmt = _list_statement(session, search, filter_name, label, account_id)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def _on_driver(session: Session, stmt: Select) -> tuple[sqlite3.Connection, str, list[Any]]:
    """The session's DB-API connection, with ``stmt`` as SQL text and positional parameters:
    for list queries run on the driver (SQLite), where the ORM's per-row work is too slow."""
    compiled = stmt.compile(bind=session.get_bind())
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    return session.connection().connection.driver_connection, str(compiled), params


#: SQLite virtual-machine steps the matches-first plan may take (see below): about 10,000
#: matches' worth (12 steps per match, measured), 5-15 ms on 100,000 contacts.
MATCHES_FIRST_STEPS = 120_000
#: A search whose longest word is shorter than this matches too much for that plan to pay.
MATCHES_FIRST_MIN_WORD = 2
_PARTY_FTS = table("party_fts", column("rowid"))


def _first_ids_from_top(session: Session, search: str, filter_name: str, label: str | None,
                        account_id: int | None, limit: int) -> list[int] | None:
    """The top ``limit`` ids of a search from the top rows of the list (core.views.list_top),
    or None when too few of them match."""
    match = fts_match(search)
    if not match:
        return None
    if (filter_name, label, account_id) == ("all", None, None):  # compiling: 0.7 ms a search
        raw = session.connection().connection.driver_connection
        return first_from_top(raw, match, TOP_SQL, [TOP_ROWS], limit)
    top = select(Party.id, Party.search_text).where(Party.merged_into_id.is_(None))
    top = _filtered(top, filter_name, label, account_id).order_by(Party.sort_name, Party.id)
    raw, sql, params = _on_driver(session, top.limit(TOP_ROWS))
    return first_from_top(raw, match, sql, params, limit)


def _first_ids_matches_first(session: Session, search: str, filter_name: str,
                             label: str | None, account_id: int | None,
                             limit: int) -> list[int] | None:
    """The top ``limit`` ids of a search from its matches (SQLite), or None to use the
    list-order plan.

    Two plans answer "the first page of a search", and each is slow where the other is fast.
    The list-order plan walks the list index until it has a page of matches: quick for a
    prefix most contacts share ("m": 3 ms on 100,000 contacts), but it walks most of the
    list for a rare word or one that sorts late ("rossi": 28-32 ms, "zoë n": 17 ms). This
    plan reads the matches from FTS5 and sorts only them (7-16 ms and 1-4 ms for those), but
    costs about 1.5 µs per match (35 ms for a word in every contact). So it is tried when the
    search has a word of two letters or more, under a step budget, and gives way to the
    list-order plan when the matches turn out to be too many.
    """
    match = fts_match(search)
    if (not match or max(map(len, search.split())) < MATCHES_FIRST_MIN_WORD
            or not index_searchable(session)):
        return None
    stmt = (select(Party.id).select_from(_PARTY_FTS)
            .join(Party, Party.id == _PARTY_FTS.c.rowid)
            .where(Party.merged_into_id.is_(None),
                   text("party_fts MATCH :match").bindparams(match=match)))
    # "+": sort the matches, never walk the list index (that is the other plan).
    stmt = _filtered(stmt, filter_name, label, account_id).order_by(
        text("+party.sort_name"), Party.id).limit(limit)
    raw, sql, params = _on_driver(session, stmt)
    try:
        with step_budget(raw, MATCHES_FIRST_STEPS):
            return [row[0] for row in raw.execute(sql, params).fetchall()]
    except OverBudget:
        return None  # too many matches: the list-order plan finds a page of them sooner


def list_party_id_array(
    session: Session,
    search: str = "",
    *,
    filter_name: str = "all",
    label: str | None = None,
    account_id: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> array:
    """Like :func:`list_party_ids`, as a compact ``array('q')``, fast enough for 100,000 ids.

    On SQLite the statement runs on the raw DB-API cursor (the ORM's per-row work was most of
    the time), and ``cancelled`` is polled while SQLite works, so a search the owner has
    already typed past stops at once (``QueryCancelled``) instead of running to the end.
    """
    stmt = _list_statement(session, search, filter_name, label, account_id)
    if session.get_bind().dialect.name != "sqlite":
        return array("q", session.scalars(stmt))
    raw, sql, params = _on_driver(session, stmt)
    if cancelled is not None:
        raw.set_progress_handler(lambda: 1 if cancelled() else 0, PROGRESS_STEPS)
    try:
        (packed,) = raw.execute(_PACKED_IDS_SQL.format(statement=sql), params).fetchone()
    except sqlite3.OperationalError as exc:
        if cancelled is not None and cancelled():
            raise QueryCancelled() from exc
        raise
    finally:
        if cancelled is not None:
            raw.set_progress_handler(None, 0)
    return packed_ids.unpack(packed)


#: All ids of a list statement as one value, in the statement's order (see packed_ids).
_PACKED_IDS_SQL = f"SELECT {packed_ids.packed('id')} FROM ({{statement}})"


def party_rows(session: Session, ids: Sequence[int]) -> list[PartyRow]:
    """Rows for these ids, in the given order (the list model asks for a window at a time)."""
    if session.get_bind().dialect.name == "sqlite":
        return _party_rows_sqlite(session, ids)
    return _party_rows_orm(session, ids)


def _party_rows_orm(session: Session, ids: Sequence[int]) -> list[PartyRow]:
    rows: dict[int, PartyRow] = {}
    for chunk in chunked(list(ids), 500):
        for p in session.execute(
            select(
                Party.id, Party.display_name, Party.primary_email, Party.primary_phone,
                Party.organization, Party.needs_disambiguation, Party.needs_archival_review,
                Party.archived_at,
            ).where(Party.id.in_(chunk))
        ):
            rows[p[0]] = PartyRow(p[0], p[1], p[2], p[3], p[4], [], bool(p[5] or p[6]),
                                  p[7] is not None,
                                  format_phone(p[3]) if p[3] and len(ids) <= FORMAT_ROWS
                                  else "")
        for pid, provider in session.execute(
            select(SourceRecord.party_id, SourceAccount.provider)
            .join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
            .where(SourceRecord.party_id.in_(chunk), SourceRecord.deleted_at.is_(None))
            .distinct()
        ):
            if pid in rows:
                rows[pid].sources.append(provider)
    for row in rows.values():
        row.sources.sort()
    return [rows[i] for i in ids if i in rows]


def _party_rows_sqlite(session: Session, ids: Sequence[int]) -> list[PartyRow]:
    """The same rows as the ORM path, from one statement on the DB-API cursor (the list asks
    for a window of rows ahead of the owner's scrolling; see core.views.list_rows)."""
    return rows_on_sqlite(session.connection().connection.driver_connection, ids)


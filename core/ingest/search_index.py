"""Keeps ``party.search_text`` current and answers search queries in SQL.

On SQLite the FTS5 table ``party_fts`` indexes ``search_text`` through triggers (created by the
first migration) and queries use prefix matching per token; on PostgreSQL each token is a
``LIKE`` on the folded text. Either way the GUI never filters 100,000 rows in Python.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Select, and_, func, select, text
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.fts import (
    resume_search_index,
    search_index_in_step,
    suspend_search_index,
    write_lock,
)
from core.db.models import Handle, Party, PartyFact, PartyHandleLink
from core.ingest.facts import SEARCHED_KINDS, fact_search_words
from core.ingest.normalize import fold
from core.ingest.phone_search import join_phone_words
from core.ingest.prepare import search_text
from core.ingest.sqlutil import chunked, in_values, update_many

_FIELDS = ("display_name", "given_name", "family_name", "nickname", "organization")

log = logging.getLogger("kith.ingest")

#: A bulk write fills SQLite's full-text index in one pass at the end (core.db.fts) when it
#: brings at least this many contacts...
DEFER_MIN_CONTACTS = 2000
#: ...and the book does not hold more than this many times as many already: the one pass
#: re-indexes every contact, which costs about a third of indexing the same rows one by one.
DEFER_MAX_EXISTING_RATIO = 2


#: SQLite page cache (KiB) of the connection that fills the index beside the refresh.
FILL_CACHE_KIB = 2000


class DeferredIndex:
    """What ``search_index_deferred`` yields: whether the index is suspended, and (after a
    ``background`` exit) the fill running on a thread of its own, to ``wait`` for."""

    def __init__(self, db: Database, suspended: bool) -> None:
        self.db = db
        self.suspended = suspended
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def __bool__(self) -> bool:
        return self.suspended

    def fill(self) -> None:
        """Resume the index now, on this thread, in one transaction."""
        with self.db.session() as s:
            resume_search_index(s.connection())
            s.commit()

    def fill_in_background(self) -> None:
        """Start the fill on its own thread and connection, and return once it holds the
        write lock: the one pass is SQLite C code that releases the GIL, so it runs beside a
        refresh's reads (features, blocks) on the other core. Taking the lock before
        returning keeps the order of today: no write of the caller lands before the fill,
        and each waits for its commit (``wait``, or SQLite's busy timeout)."""
        locked = threading.Event()

        def run() -> None:
            try:
                with self.db.session() as s:
                    connection = s.connection()
                    cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
                    # The pool opens a second connection for it: with the import's page
                    # cache (32 MB, kept while pooled) it added that to the refresh's peak
                    # memory; the one pass reads and appends, ~0.1 s slower with 2 MB.
                    connection.exec_driver_sql(f"PRAGMA cache_size=-{FILL_CACHE_KIB}")
                    write_lock(connection)
                    locked.set()
                    resume_search_index(connection)
                    connection.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")  # as pooled
                    s.commit()
            except BaseException as exc:  # noqa: BLE001 - raised again by wait()
                self._error = exc
            finally:
                locked.set()

        self._thread = threading.Thread(target=run, name="kith-search-index")
        self._thread.start()
        locked.wait()

    def wait(self) -> None:
        """Wait for a background fill to be committed; raise what stopped it (the index then
        stays suspended: searches read ``search_text`` and the next open fills it). Safe to
        call more than once, and without a fill."""
        if self._thread is not None:
            self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error


@contextmanager
def search_index_deferred(db: Database, expected_contacts: int, *, background: bool = False
                          ) -> Iterator[DeferredIndex]:
    """Around a bulk write: suspend the SQLite search index when that pays (what it yields
    is then true), and on the way out rebuild it in one transaction. Left by an exception it
    is filled at once; left normally with ``background`` the fill runs on its own thread
    and the caller must ``wait`` for it (it overlaps the duplicate refresh that follows).
    A process killed before the fill commits leaves the index suspended, which the next
    open of the database repairs."""
    if db.dialect != "sqlite" or expected_contacts < DEFER_MIN_CONTACTS:
        yield DeferredIndex(db, False)
        return
    with db.session() as s:
        existing = s.scalar(select(func.count()).select_from(Party)) or 0
        suspended = existing <= DEFER_MAX_EXISTING_RATIO * expected_contacts and (
            suspend_search_index(s.connection()))
        s.commit()
    index = DeferredIndex(db, suspended)
    try:
        yield index
    except BaseException:
        if suspended:
            index.fill()
        raise
    if suspended:
        if background:
            index.fill_in_background()
        else:
            index.fill()


def refresh_search_text(session: Session, party_ids: Iterable[int]) -> None:
    """Recompute search text for these parties from their fields and live handles."""
    ids = sorted(set(party_ids))
    for chunk in chunked(ids, 500):
        handles: dict[int, list[str]] = {pid: [] for pid in chunk}
        rows = session.execute(
            select(PartyHandleLink.party_id, Handle.value)
            .join(Handle, Handle.id == PartyHandleLink.handle_id)
            .where(
                in_values(session, PartyHandleLink.party_id, chunk),
                PartyHandleLink.is_dismissed.is_(False),
                Handle.is_secured.is_(False),
            )
        )
        for pid, value in rows:
            handles[pid].append(value)
        extra: dict[int, list[str]] = {}
        for pid, kind, value, data in session.execute(
            select(PartyFact.party_id, PartyFact.kind, PartyFact.value, PartyFact.data)
            .where(in_values(session, PartyFact.party_id, chunk),
                   PartyFact.kind.in_(SEARCHED_KINDS))
            .order_by(PartyFact.id)
        ):
            for word in fact_search_words(kind, data, value):
                if word not in extra.setdefault(pid, []):
                    extra[pid].append(word)
        parties = session.execute(
            select(Party.id, Party.search_text, *(getattr(Party, f) for f in _FIELDS)).where(
                in_values(session, Party.id, chunk)
            )
        )
        changes = []
        for row in parties:
            fields = dict(zip(_FIELDS, row[2:], strict=True))
            new = search_text(fields, sorted(handles.get(row[0], [])), extra.get(row[0], []))
            if new != row[1]:
                changes.append({"_key": row[0], "search_text": new})
        update_many(session, Party, "id", changes)


def _tokens(query: str) -> list[str]:
    """The words of a query; a number typed in pieces ("0151 301 86 81") is one word."""
    return join_phone_words([t for t in fold(query).replace('"', " ").split() if t])


def query_words(query: str) -> list[str]:
    """The words a search matches, each as a word prefix (for core.views.refine)."""
    return [t.replace("+", "") for t in _tokens(query) if t.strip("+")]


def fts_match(query: str) -> str:
    """The FTS5 MATCH expression for ``query`` (every token as a word prefix); "" for none."""
    return " AND ".join('"' + t + '"*' for t in query_words(query))


def index_searchable(session: Session) -> bool:
    """True when searches may read SQLite's full-text index: it exists and is being kept in
    step. While a big import has it suspended (core.db.fts) it lacks the contacts that import
    has written so far, and holds the old words of those it changed; searches then read
    ``search_text`` itself, as on PostgreSQL (slower, but they find what is there)."""
    return (session.get_bind().dialect.name == "sqlite"
            and search_index_in_step(session.connection().connection.driver_connection))


def search_filter(session: Session, stmt: Select, query: str) -> Select:
    """Narrow a ``select(... Party ...)`` to parties matching every token of ``query``."""
    tokens = _tokens(query)
    if not tokens:
        return stmt
    if index_searchable(session):
        match = fts_match(query)
        if not match:
            return stmt
        return stmt.where(
            Party.id.in_(
                select(text("rowid"))
                .select_from(text("party_fts"))
                .where(text("party_fts MATCH :match").bindparams(match=match))
            )
        )
    conditions = [Party.search_text.like(f"%{_escape_like(t)}%", escape="\\") for t in tokens]
    return stmt.where(and_(*conditions))


def _escape_like(token: str) -> str:
    return token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

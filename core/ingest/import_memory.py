"""Which handle keys and record ids a bulk import may find in the book, so that its batches
skip looking up keys that cannot be there.

Every batch of the write path asks which of its handle keys (platform, value) exist
(``resolve.lookup_handle_ids``) and which of its records the account already holds
(``engine._load_existing``): a 100,000-card import into a fresh book looked up 300,000 handle
keys and 100,000 record ids in 500-key queries, all of them missing, about a tenth of its
writer's CPU. An importer holds one :class:`ImportMemory` for all its batches. At the first
batch, when the table holds few rows, a :class:`KeyMemory` reads every key of it, and then
adds each key the import inserts: it holds (the hashes of) a *superset* of the table's keys.
A key whose hash it does not hold is missing, without a query; the others are looked up as
before (a hash collision or a key of a rolled-back batch costs a lookup, never a wrong answer).

The superset only holds while nobody else inserts rows. On SQLite, ``PRAGMA data_version`` of
a connection changes exactly when another connection commits (``core.db.other_writers``),
and the memory is given up (every later batch looks all its keys up) when another connection
committed or the batch came on a connection it never saw, or when the table's highest id
passed every id the memory knows (an insert on the import's own connection). The handles are
checked by the first statement of the batch's transaction, which starts its read snapshot,
so nothing can slip in between; records are checked where the engine reads them, before
that transaction, as it always did. Rows
deleted meanwhile do no harm: their keys are looked up. On PostgreSQL there is no such signal,
and every batch looks its keys up as before.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import Handle, SourceRecord
from core.db.other_writers import OtherWriters


class KeyMemory:
    """The hashes of every key one table may hold, for the batches of one import.

    ``load_limit``: the memory is used only when the table holds at most this many rows (of
    ``where``) at the first batch (reading a row costs about half as much as looking up a key).
    """

    def __init__(self, model: type, columns: tuple[Any, ...], load_limit: int,
                 where: Any = None) -> None:
        self.model = model
        self.columns = columns  # the key's columns
        self.where = where
        self.load_limit = load_limit
        #: Hashes of every key the table may hold; None: not known (look keys up).
        self._keys: set[int] | None = None
        self._tried = False
        self._others = OtherWriters()
        self._top = 0  # the highest id the memory knows of
        #: Times another writer made the memory give up.
        self.resets = 0

    @property
    def in_use(self) -> bool:
        return self._keys is not None

    def maybe_present(self, session: Session, keys: list[Hashable]) -> list[Hashable]:
        """The ``keys`` that may exist (all of them when the memory is not in use)."""
        if not self._holds(session):
            return keys
        present = self._keys
        return [key for key in keys if hash(key) in present]

    def remember(self, keys: Iterable[Hashable], top: int) -> None:
        """Rows the batch inserted or found (``top``: their highest id): the table may hold
        them from now on."""
        if self._keys is not None:
            self._keys.update(map(hash, keys))
            self._top = max(self._top, top)

    def _holds(self, session: Session) -> bool:
        """Whether the memory still holds every key of the table (gives it up if not)."""
        connection = session.connection()
        if connection.dialect.name != "sqlite" or (self._tried and self._keys is None):
            return False
        self._others.look(session)
        if not self._tried:
            self._tried = True
            return self._load(session)
        top = session.scalar(select(func.max(self.model.id))) or 0
        if not self._others.seen and top <= self._top:
            return True
        self._keys = None
        self.resets += 1
        return False

    def _load(self, session: Session) -> bool:
        """Every key of the table, when it holds at most ``load_limit`` rows."""
        count_query = select(func.count()).select_from(self.model)
        if self.where is not None:
            count_query = count_query.where(self.where)
        if (session.scalar(count_query) or 0) > self.load_limit:
            return False
        query = select(*self.columns)
        if self.where is not None:
            query = query.where(self.where)
        single = len(self.columns) == 1
        self._keys = {hash(row[0] if single else tuple(row)) for row in session.execute(query)}
        self._top = session.scalar(select(func.max(self.model.id))) or 0
        return True


class ImportMemory:
    """The memories one import's batches share: its account's record ids and the book's
    handle keys (``load_limit``: see :class:`KeyMemory`)."""

    def __init__(self, account_id: int, load_limit: int) -> None:
        self.account_id = account_id
        self.handles = KeyMemory(Handle, (Handle.platform, Handle.value), load_limit)
        self.records = KeyMemory(SourceRecord, (SourceRecord.external_id,), load_limit,
                                 SourceRecord.account_id == account_id)

    def all(self) -> Iterator[KeyMemory]:
        yield self.handles
        yield self.records

"""Which handle keys a bulk import may find in the book, so that its batches skip looking up
keys that cannot be there.

Every batch of the write path asks which of its handle keys (platform, value) exist and with
which ids (``resolve.lookup_handle_ids``): a 100,000-card import into a fresh book looked up
300,000 keys in 500-key queries, all of them missing, about a tenth of its writer's CPU. An
importer holds one :class:`HandleMemory` for all its batches. At the first batch, when the
book holds few handles, it reads every key of the handle table, and then adds each key the
import inserts: it holds (the hashes of) a *superset* of the table's keys. A key whose hash it
does not hold is missing, without a query; the others are looked up as before (a hash
collision or a key of a rolled-back batch costs a lookup, never a wrong answer).

The superset only holds while nobody else inserts handles. On SQLite, ``PRAGMA data_version``
of a connection changes exactly when another connection commits; it is read as the first
statement of each batch's transaction (which starts the batch's read snapshot, so nothing can
slip in between), and the memory is given up (every later batch looks all its keys up) when
the value or the connection differs from the previous batch's, or when the table's highest id
passed every id the memory knows (an insert on the import's own connection). Handles deleted
meanwhile do no harm: their keys are looked up. On PostgreSQL there is no such signal, and
every batch looks its keys up as before.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import Handle
from core.ingest.resolve import lookup_handle_ids

HandleKey = tuple[str, str]


class HandleMemory:
    """The hashes of every handle key the book may hold, for the batches of one import.

    ``load_limit``: the memory is used only when the handle table holds at most this many
    rows at the first batch (reading a row costs about half as much as looking up a key).
    """

    def __init__(self, load_limit: int = 0) -> None:
        self.load_limit = load_limit
        #: Hashes of every key the handle table may hold; None: not known (look keys up).
        self._keys: set[int] | None = None
        self._tried = False
        self._connection: object | None = None  # the DB-API connection it was checked on
        self._version: int | None = None
        self._top = 0  # the highest handle id the memory knows of
        #: Times another writer made the memory give up.
        self.resets = 0

    @property
    def in_use(self) -> bool:
        return self._keys is not None

    def existing_ids(self, session: Session,
                     keys: Iterable[HandleKey]) -> dict[HandleKey, int]:
        """The ids of the ``keys`` that exist (what ``lookup_handle_ids`` returns). Must be
        the first statement of the batch's transaction (a savepoint, as the engine's)."""
        keys = list(keys)
        if not self._holds(session):
            return lookup_handle_ids(session, keys)
        present = self._keys
        maybe = [key for key in keys if hash(key) in present]
        return lookup_handle_ids(session, maybe) if maybe else {}

    def remember(self, ids: dict[HandleKey, int]) -> None:
        """Handles the batch inserted or found: the table may hold them from now on."""
        if self._keys is not None and ids:
            self._keys.update(map(hash, ids))
            self._top = max(self._top, max(ids.values()))

    def _holds(self, session: Session) -> bool:
        """Whether the memory still holds every key of the table (gives it up if not)."""
        connection = session.connection()
        if connection.dialect.name != "sqlite" or (self._tried and self._keys is None):
            return False
        raw = connection.connection.dbapi_connection
        version = connection.exec_driver_sql("PRAGMA data_version").scalar_one()
        if not self._tried:
            self._tried = True
            self._connection, self._version = raw, version
            return self._load(session)
        top = session.scalar(select(func.max(Handle.id))) or 0
        if raw is self._connection and version == self._version and top <= self._top:
            return True
        self._keys = None
        self.resets += 1
        return False

    def _load(self, session: Session) -> bool:
        """Every key of the handle table, when it holds at most ``load_limit`` rows."""
        count = session.scalar(select(func.count()).select_from(Handle)) or 0
        if count > self.load_limit:
            return False
        rows = session.execute(select(Handle.platform, Handle.value, Handle.id))
        keys: set[int] = set()
        top = 0
        for platform, value, hid in rows:
            keys.add(hash((platform, value)))
            top = max(top, hid)
        self._keys, self._top = keys, top
        return True

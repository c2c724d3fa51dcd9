"""A JSON column's value already serialised, in a module of its own so parser processes can
make one without loading SQLAlchemy (core.ingest.sqlutil stores it as it is)."""

from __future__ import annotations


class JSONText(str):
    """A JSON column's value already serialised (``json.dumps`` with default settings, as
    SQLAlchemy's JSON type would): the bulk writers store it as it is. Parser processes
    serialise ``source_record.data`` this way, which spares the writer a dict per contact to
    unpickle and to serialise again."""

    __slots__ = ()

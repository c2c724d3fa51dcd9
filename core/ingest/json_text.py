"""A JSON column's value already serialised, in a module of its own so parser processes can
make one without loading SQLAlchemy (core.ingest.sqlutil stores it as it is)."""

from __future__ import annotations


class JSONText(str):
    """A JSON column's value already serialised (text ``json.loads`` reads back to the value;
    key order and non-ASCII escaping as the producer chose): the bulk writers store it as it
    is. Parser processes serialise ``source_record.data`` this way
    (``core.ingest.serialize.stored_text_and_hash``), which spares the writer a dict per
    contact to unpickle and to serialise again."""

    __slots__ = ()

"""Plain strings in a JSON column (field provenance values) are written by the bulk path
(core.ingest.sqlutil) with the C function ``json.dumps`` itself uses, and the stored text is
byte for byte what the ORM stores for the same value, on SQLite and PostgreSQL."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import String, cast, select
from sqlalchemy.dialects import sqlite

from core.db.base import utcnow
from core.db.models import FieldProvenance, Party
from core.ingest.engine import ingest_contacts
from core.ingest.sqlutil import _parameters, _processors, insert_tuples
from tests.factories import add_account, contact

_COLUMNS = ("party_id", "field", "source_record_id", "is_local", "value", "updated_at")
_ODD = ["plain", "Ångström Tanaka", 'say "hi"\\', "tab\tnew\nline\x01", "😀 emoji", "",
        "<>&'"]


def _as_bulk(values: list) -> list:
    """The value column as the bulk path binds it on SQLite."""
    now = utcnow()
    rows = [(1, "notes", None, False, value, now) for value in values]
    return [row[4] for row in _parameters(rows, _COLUMNS, FieldProvenance.__table__,
                                          sqlite.dialect(), None)]


def _as_orm(values: list) -> list:
    column = FieldProvenance.__table__.c.value
    processor = column.type._cached_bind_processor(sqlite.dialect())
    return [processor(value) for value in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=20))
def test_strings_are_bound_as_the_json_type_binds_them(values: list[str]) -> None:
    assert _as_bulk(values) == _as_orm(values)


def test_a_column_with_other_values_than_strings_takes_the_processor() -> None:
    values = ["text", None, 3, True, {"a": ["b"]}, "Ångström"]
    assert _as_bulk(values) == _as_orm(values)
    assert _as_bulk([*_ODD, "\ud83d lone surrogate"]) == _as_orm([*_ODD, "\ud83d lone surrogate"])
    processors = _processors(FieldProvenance.__table__, _COLUMNS, sqlite.dialect(), None)
    assert type(processors[4]).__name__ == "_JSONBind"  # the fast path is the one tested


def test_stored_text_is_what_the_orm_stores(db) -> None:
    with db.session() as s:
        account = add_account(s)
        ingest_contacts(s, account, [contact("p", "Pat")])
        s.commit()
        party_id = s.scalar(select(Party.id))
        now = utcnow()
        for i, value in enumerate(_ODD):  # one row by the ORM, one by the bulk path
            s.add(FieldProvenance(party_id=party_id, field=f"orm{i}", value=value,
                                  updated_at=now))
        s.flush()
        insert_tuples(s, FieldProvenance, _COLUMNS, [
            (party_id, f"bulk{i}", None, False, value, now) for i, value in enumerate(_ODD)])
        s.commit()
        stored = dict(s.execute(select(FieldProvenance.field,
                                       cast(FieldProvenance.value, String))).all())
        loaded = dict(s.execute(select(FieldProvenance.field, FieldProvenance.value)).all())
    for i, value in enumerate(_ODD):
        assert stored[f"bulk{i}"] == stored[f"orm{i}"]
        assert loaded[f"bulk{i}"] == value

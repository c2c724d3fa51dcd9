"""The first look at the database (stdlib sqlite3, before SQLAlchemy loads) shows exactly the
first page the real list shows, and steps aside whenever it cannot be sure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.first_look import first_look
from app.services import contacts
from app.services.contacts import ListQuery
from core.db.engine import open_database
from core.db.models import Party, SourceAccount, SourceRecord
from core.tasks import TaskState
from tests.ui.helpers import add_account, seed


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """100 contacts and the seed people, with archived, merged-away and two-source parties."""
    from core.ingest.engine import ingest_contacts
    from tests.benchmarks.corpus import contacts as corpus

    file = tmp_path / "kith.sqlite"
    db = open_database(f"sqlite:///{file}")
    seed(db)
    account = add_account(db, "vcard", "more.vcf")
    with db.session() as session:
        ingest_contacts(session, account, list(corpus(100)), region="US")
        session.commit()
    with db.session() as session:
        parties = list(session.scalars(select(Party).order_by(Party.sort_name).limit(9)))
        parties[0].archived_at = datetime.now(UTC)
        parties[1].merged_into_id = parties[2].id
        other = next(a for a in session.scalars(select(SourceAccount))
                     if a.provider == "carddav")
        session.add(SourceRecord(account_id=other.id, external_id="second", data={},
                                 party_id=parties[3].id, content_hash="x"))
        session.commit()
    db.dispose()
    return file


@pytest.mark.parametrize("limit", [1, 80])
def test_first_look_is_the_lists_first_page(path: Path, limit: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.first_look.FIRST_PAGE", limit)
    look = first_look(str(path), state=TaskState())
    db = open_database(f"sqlite:///{path}")
    try:
        real = contacts.first_page(db, ListQuery(), limit, state=TaskState())
    finally:
        db.dispose()
    assert look is not None and look.query == ListQuery()
    assert look.ids == real.ids and look.rows == real.rows
    assert look.complete == real.complete
    assert any(len(r.sources) == 2 for r in look.rows) or limit == 1


def test_no_first_look_when_it_cannot_be_sure(tmp_path: Path) -> None:
    assert first_look(str(tmp_path / "missing.sqlite"), state=TaskState()) is None
    not_a_db = tmp_path / "garbage.sqlite"
    not_a_db.write_bytes(b"not a database" * 100)
    assert first_look(str(not_a_db), state=TaskState()) is None
    assert first_look("postgresql://kith@localhost/kith", state=TaskState()) is None

"""Owner bootstrap: idempotent, one owner enforced by the database, safe when concurrent."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.db.models import Party
from core.identity.owner import ensure_owner, get_owner_id
from core.ingest.search_index import refresh_search_text


def test_bootstrap_is_idempotent(session: Session) -> None:
    assert get_owner_id(session) is None
    first = ensure_owner(session, "Ada")
    assert ensure_owner(session, "Someone else") == first
    session.commit()
    owner = session.get(Party, first)
    assert (owner.role, owner.display_name) == ("owner", "Ada")


def test_owner_search_text_is_the_canonical_folded_text(session: Session) -> None:
    """Created text equals what a refresh computes: searchable without diacritics, and a
    later refresh (or a merge round trip comparing columns) sees no difference."""
    owner_id = ensure_owner(session, "Zoë Ørsted")
    session.flush()
    created = session.get(Party, owner_id).search_text
    assert created == "zoe ørsted"
    refresh_search_text(session, [owner_id])
    session.flush()
    session.expire_all()
    assert session.get(Party, owner_id).search_text == created


def test_database_refuses_a_second_owner(session: Session) -> None:
    ensure_owner(session)
    session.commit()
    session.add(Party(role="owner", display_name="Impostor"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_concurrent_startups_make_one_owner(db: Database) -> None:
    workers = 6
    barrier = threading.Barrier(workers)
    results: list[int] = []
    errors: list[BaseException] = []

    def start_up() -> None:
        try:
            with db.session() as session:
                barrier.wait(timeout=30)
                owner = ensure_owner(session)
                session.commit()
                results.append(owner)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start_up) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(results) == workers and len(set(results)) == 1
    with db.session() as session:
        count = session.scalar(select(func.count()).select_from(Party)
                               .where(Party.role == "owner"))
    assert count == 1

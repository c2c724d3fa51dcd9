"""The owner: the one party that is "me", created on first start.

Exactly one owner is enforced by the database (partial unique index ``uq_party_owner`` on
``role = 'owner'``); the bootstrap inserts with ON CONFLICT DO NOTHING against that index and
then reads, so concurrent start-ups (two app instances, the GUI and a CLI) end with one owner
and each gets its id.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import Party
from core.ingest.normalize import sort_key
from core.ingest.prepare import search_text

DEFAULT_OWNER_NAME = "Me"


def get_owner_id(session: Session) -> int | None:
    return session.scalar(select(Party.id).where(Party.role == "owner"))


def ensure_owner(session: Session, display_name: str = DEFAULT_OWNER_NAME) -> int:
    """Return the owner's party id, creating the owner if there is none (idempotent)."""
    existing = get_owner_id(session)
    if existing is not None:
        return existing
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    stmt = builder(Party).values(
        kind="person", role="owner", display_name=display_name,
        sort_name=sort_key("", "", display_name),
        # The same text refresh_search_text computes (folded, diacritics stripped), so "zoe"
        # finds "Zoë" on PostgreSQL too and a later refresh changes nothing.
        search_text=search_text({"display_name": display_name}, []),
        created_at=now, updated_at=now,
    ).on_conflict_do_nothing(index_elements=["role"], index_where=text("role = 'owner'"))
    session.execute(stmt)
    owner = get_owner_id(session)
    if owner is None:  # pragma: no cover - the index guarantees one row exists now
        raise RuntimeError("The owner could not be created")
    return owner

"""phone search in any form: re-index the search text of every contact with a phone number.

``party.search_text`` now holds each phone's national form and its digit suffixes
(core.ingest.phone_search), so "0151 3018681", "3018681" and "1513018" find +491513018681.
Only the text changes (no schema change); on SQLite the FTS5 triggers re-index each updated
row. Downgrade leaves the longer text in place: it is a superset of what older code wrote
(older code only ever matched more words against it).

Revision ID: 0008
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import select
from sqlalchemy.orm import Session

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from core.db.models import Handle, PartyHandleLink
    from core.ingest.search_index import refresh_search_text

    session = Session(bind=op.get_bind())
    party_ids = session.scalars(
        select(PartyHandleLink.party_id).distinct()
        .join(Handle, Handle.id == PartyHandleLink.handle_id)
        .where(Handle.platform == "phone")
    ).all()
    refresh_search_text(session, party_ids)
    session.flush()


def downgrade() -> None:
    pass

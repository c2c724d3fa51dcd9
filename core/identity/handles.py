"""Reading a party's handles with secured ones hidden by default.

Secured handles hold credentials (bot tokens, API keys): every default read path (list,
show, export, JSON) leaves them out; only an explicit ``include_secured=True`` shows them.
``visible_handles_clause`` is the one filter other read paths should add to their queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from core.db.models import Handle, PartyHandleLink
from core.ingest.search_index import refresh_search_text


def visible_handles_clause(include_secured: bool = False) -> ColumnElement[bool]:
    """``WHERE`` clause for queries over ``handle``: hides secured handles by default."""
    return true() if include_secured else Handle.is_secured.is_(False)


@dataclass(frozen=True, slots=True)
class HandleView:
    id: int
    platform: str
    value: str
    display_value: str
    label: str
    is_primary: bool
    is_confirmed: bool
    is_dismissed: bool
    is_shared: bool
    is_secured: bool
    is_owner_resolved: bool


def list_party_handles(session: Session, party_id: int, *, include_secured: bool = False,
                       include_dismissed: bool = False) -> list[HandleView]:
    stmt = (
        select(Handle, PartyHandleLink)
        .join(PartyHandleLink, PartyHandleLink.handle_id == Handle.id)
        .where(PartyHandleLink.party_id == party_id, visible_handles_clause(include_secured))
        .order_by(Handle.platform, PartyHandleLink.is_primary.desc(), PartyHandleLink.id)
    )
    if not include_dismissed:
        stmt = stmt.where(PartyHandleLink.is_dismissed.is_(False))
    return [
        HandleView(h.id, h.platform, h.value, h.display_value or h.value, link.label,
                   link.is_primary, link.is_confirmed, link.is_dismissed, h.is_shared,
                   h.is_secured, h.party_id == party_id)
        for h, link in session.execute(stmt)
    ]


def mark_handle_secured(session: Session, handle_id: int, secured: bool = True) -> None:
    handle = session.get(Handle, handle_id)
    if handle is None:
        raise LookupError(f"No handle with id {handle_id}")
    handle.is_secured = secured
    session.flush()
    # Search text must not hold a credential: recompute it for every linked party.
    parties = session.scalars(select(PartyHandleLink.party_id).where(
        PartyHandleLink.handle_id == handle_id)).all()
    refresh_search_text(session, parties)

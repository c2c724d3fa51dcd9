"""Read models for the handle-links view: one handle's candidate owners, contested and shared
handles. Plain dataclasses only; secured handles (credentials) never appear here."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import Handle, Party, PartyHandleLink
from core.views.history import readable_handle


@dataclass(slots=True)
class LinkView:
    """One candidate party for a handle."""

    party_id: int
    party_name: str
    confidence: float
    source: str
    confirmed: bool
    dismissed: bool
    is_owner: bool


@dataclass(slots=True)
class HandleInfo:
    id: int
    platform: str
    value: str
    display_value: str
    is_valid: bool
    is_shared: bool
    owner_id: int | None
    owner_name: str
    links: list[LinkView] = field(default_factory=list)


@dataclass(slots=True)
class HandleSummary:
    """A row of the contested / shared lists."""

    id: int
    platform: str
    value: str
    owner_name: str
    live_links: int
    is_shared: bool


def handle_info(session: Session, handle_id: int) -> HandleInfo:
    """Every link of a handle, best candidate first (the order resolution uses)."""
    handle = session.get(Handle, handle_id)
    if handle is None or handle.is_secured:
        raise LookupError(f"No handle with id {handle_id}")
    owner_name = ""
    if handle.party_id is not None:
        owner_name = session.scalar(
            select(Party.display_name).where(Party.id == handle.party_id)
        ) or ""
    info = HandleInfo(handle.id, handle.platform, handle.value,
                      handle.display_value or readable_handle(handle.platform, handle.value),
                      handle.is_valid, handle.is_shared, handle.party_id, owner_name)
    rows = session.execute(
        select(PartyHandleLink, Party.display_name)
        .join(Party, Party.id == PartyHandleLink.party_id)
        .where(PartyHandleLink.handle_id == handle_id)
        .order_by(PartyHandleLink.is_dismissed, PartyHandleLink.is_confirmed.desc(),
                  PartyHandleLink.confidence.desc(), PartyHandleLink.created_at,
                  PartyHandleLink.id)
    )
    for link, name in rows:
        info.links.append(LinkView(link.party_id, name or f"#{link.party_id}", link.confidence,
                                   link.source, link.is_confirmed, link.is_dismissed,
                                   link.party_id == handle.party_id))
    return info


def _summaries(session: Session, stmt) -> list[HandleSummary]:  # noqa: ANN001 - Select
    live = (
        select(PartyHandleLink.handle_id, func.count().label("n"))
        .where(PartyHandleLink.is_dismissed.is_(False))
        .group_by(PartyHandleLink.handle_id)
        .subquery()
    )
    query = (
        stmt.add_columns(func.coalesce(live.c.n, 0), Party.display_name)
        .outerjoin(live, live.c.handle_id == Handle.id)
        .outerjoin(Party, Party.id == Handle.party_id)
        .where(Handle.is_secured.is_(False))
        .order_by(Handle.platform, Handle.value)
    )
    return [
        HandleSummary(h.id, h.platform, h.display_value or readable_handle(h.platform, h.value),
                      name or "", int(n or 0),
                      h.is_shared)
        for h, n, name in session.execute(query)
    ]


def contested_handles(session: Session, limit: int = 1000) -> list[HandleSummary]:
    """Handles with two or more live (non-dismissed) links that the owner has not settled
    yet: once the owner confirms one of the links, the handle is no longer contested."""
    contested = (
        select(PartyHandleLink.handle_id)
        .where(PartyHandleLink.is_dismissed.is_(False))
        .group_by(PartyHandleLink.handle_id)
        .having(func.count() > 1)
    )
    settled = (
        select(PartyHandleLink.handle_id)
        .where(PartyHandleLink.is_confirmed.is_(True), PartyHandleLink.is_dismissed.is_(False))
    )
    return _summaries(session, select(Handle).where(Handle.id.in_(contested),
                                                    Handle.id.not_in(settled)).limit(limit))


def shared_handles(session: Session, limit: int = 1000) -> list[HandleSummary]:
    """Handles marked shared (family landline, info@): they never merge parties."""
    return _summaries(session, select(Handle).where(Handle.is_shared.is_(True)).limit(limit))

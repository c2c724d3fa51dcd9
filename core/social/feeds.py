"""Feeds: a followable stream on a platform (a channel, a page, an account's timeline)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models.social import Feed
from core.social._sql import dialect_insert

_FEED = Feed.__table__


def ensure_feed(session: Session, platform: str, external_id: str, title: str = "") -> int:
    """Id of the feed (platform, external_id), creating it on first sight.

    Idempotent and race-safe: the insert is ``ON CONFLICT DO NOTHING`` so two concurrent
    callers end up with the same row instead of one of them failing on the unique key. A
    non-blank ``title`` replaces the stored one (feeds get renamed); a blank title never
    erases a known one. The caller commits.
    """
    if not platform or not external_id:
        raise ValueError("a feed needs a platform and an external id")
    stmt = dialect_insert(session, _FEED).values(
        platform=platform, external_id=external_id, title=title, created_at=utcnow()
    ).on_conflict_do_nothing(index_elements=["platform", "external_id"])
    session.execute(stmt)
    feed_id = session.execute(
        select(_FEED.c.id).where(_FEED.c.platform == platform,
                                 _FEED.c.external_id == external_id)
    ).scalar_one()
    if title:
        session.execute(
            update(_FEED).where(_FEED.c.id == feed_id, _FEED.c.title != title).values(title=title)
        )
    return feed_id

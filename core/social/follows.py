"""Follows: a handle follows a feed. One row per (feed, handle), closed and re-opened in place.

Re-open choice: following again after an unfollow sets ``closed_at`` back to NULL and
*refreshes* ``followed_at`` to the re-follow time, so an open row always reads as "following
continuously since followed_at". Keeping the original date would make an open follow claim
years of following across a gap. Following while already following changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db.models.social import Follow
from core.social._sql import aware_utc, dialect_insert

_FOLLOW = Follow.__table__


def follow(session: Session, feed_id: int, handle_id: int, now: datetime | None = None) -> int:
    """Open (or re-open) the follow of ``feed_id`` by ``handle_id``; returns the follow id.

    Idempotent and race-safe: ``INSERT ... ON CONFLICT DO NOTHING`` then a conditional
    re-open that only touches a closed row. The caller commits.
    """
    moment = aware_utc(now)
    session.execute(
        dialect_insert(session, _FOLLOW)
        .values(feed_id=feed_id, handle_id=handle_id, followed_at=moment, closed_at=None)
        .on_conflict_do_nothing(index_elements=["feed_id", "handle_id"])
    )
    session.execute(
        update(_FOLLOW)
        .where(_FOLLOW.c.feed_id == feed_id, _FOLLOW.c.handle_id == handle_id,
               _FOLLOW.c.closed_at.is_not(None))
        .values(closed_at=None, followed_at=moment)
    )
    return session.execute(
        select(_FOLLOW.c.id).where(_FOLLOW.c.feed_id == feed_id,
                                   _FOLLOW.c.handle_id == handle_id)
    ).scalar_one()


def unfollow(session: Session, feed_id: int, handle_id: int, now: datetime | None = None) -> bool:
    """Close an open follow. True when a follow was closed now; False when there was none open
    (never followed, or already unfollowed), so repeating it is harmless. The caller commits."""
    result = session.execute(
        update(_FOLLOW)
        .where(_FOLLOW.c.feed_id == feed_id, _FOLLOW.c.handle_id == handle_id,
               _FOLLOW.c.closed_at.is_(None))
        .values(closed_at=aware_utc(now))
    )
    return result.rowcount == 1


def followers(session: Session, feed_id: int, open_only: bool = True) -> list[Follow]:
    """Follow rows of ``feed_id`` (handle_id, followed_at, closed_at), oldest follow first."""
    stmt = select(Follow).where(Follow.feed_id == feed_id)
    if open_only:
        stmt = stmt.where(Follow.closed_at.is_(None))
    return list(session.scalars(stmt.order_by(Follow.followed_at, Follow.id)))


def following(session: Session, handle_id: int, open_only: bool = True) -> list[Follow]:
    """The inverse view: what ``handle_id`` follows, oldest follow first."""
    stmt = select(Follow).where(Follow.handle_id == handle_id)
    if open_only:
        stmt = stmt.where(Follow.closed_at.is_(None))
    return list(session.scalars(stmt.order_by(Follow.followed_at, Follow.id)))

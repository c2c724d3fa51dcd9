"""Post engagement metrics: one snapshot row per (platform, post_id), overwritten in place.

Kith keeps the latest picture, not a time series: a new snapshot replaces the counters with
one ``INSERT ... ON CONFLICT DO UPDATE`` (same statement on SQLite and PostgreSQL), so two
writers racing on the same post never fail on the unique key; the last one wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.db.models.social import PostMetric
from core.social._sql import aware_utc, dialect_insert

_METRIC = PostMetric.__table__
_COUNTERS = ("likes", "shares", "comments", "views")


def record_post_metrics(
    session: Session,
    platform: str,
    post_id: str,
    *,
    likes: int | None = None,
    shares: int | None = None,
    comments: int | None = None,
    views: int | None = None,
    feed_id: int | None = None,
    captured_at: datetime | None = None,
) -> int:
    """Store the snapshot and return the post_metric id.

    Every counter given overwrites the stored value (lower values included: platforms do
    retract likes). A counter left as None means "this platform did not report it": a new row
    stores 0, an existing row keeps its value. ``feed_id`` None keeps a known feed.
    ``captured_at`` defaults to now and is always overwritten. The caller commits.
    """
    if not platform or not post_id:
        raise ValueError("a post metric needs a platform and a post id")
    given: dict[str, int] = {
        name: value
        for name, value in zip(_COUNTERS, (likes, shares, comments, views), strict=True)
        if value is not None
    }
    for name, value in given.items():
        if value < 0:
            raise ValueError(f"{name} cannot be negative ({value})")
    row: dict[str, Any] = {name: given.get(name, 0) for name in _COUNTERS}
    row.update(platform=platform, post_id=post_id, feed_id=feed_id,
               captured_at=aware_utc(captured_at))
    stmt = dialect_insert(session, _METRIC).values(**row)
    changes: dict[str, Any] = {name: stmt.excluded[name] for name in given}
    changes["captured_at"] = stmt.excluded.captured_at
    if feed_id is not None:
        changes["feed_id"] = stmt.excluded.feed_id
    stmt = stmt.on_conflict_do_update(index_elements=["platform", "post_id"], set_=changes)
    return session.execute(stmt.returning(_METRIC.c.id)).scalar_one()

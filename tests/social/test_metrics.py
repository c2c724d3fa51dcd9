"""Post metrics: a snapshot upsert that overwrites, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db.models.social import PostMetric
from core.social import ensure_feed, record_post_metrics
from tests.social.helpers import T0


def _row(s, metric_id: int) -> tuple:
    s.expire_all()
    m = s.get(PostMetric, metric_id)
    return (m.feed_id, m.likes, m.shares, m.comments, m.views, m.captured_at)


def test_new_snapshot_overwrites_previous_values(db):
    with db.session() as s:
        feed = ensure_feed(s, "youtube", "UC1")
        first = record_post_metrics(s, "youtube", "v1", likes=10, shares=2, comments=3, views=100,
                                    feed_id=feed, captured_at=T0)
        s.commit()
        assert _row(s, first) == (feed, 10, 2, 3, 100, T0)

        later = T0 + timedelta(hours=1)
        second = record_post_metrics(s, "youtube", "v1", likes=8, shares=5, comments=4,
                                     views=250, captured_at=later)
        s.commit()
        assert second == first
        # Counters overwritten (a drop in likes too), captured_at moved, known feed kept.
        assert _row(s, first) == (feed, 8, 5, 4, 250, later)
        assert s.scalar(select(func.count()).select_from(PostMetric)) == 1


def test_unreported_counters_keep_their_value_and_start_at_zero(db):
    with db.session() as s:
        metric = record_post_metrics(s, "telegram", "p1", views=7, captured_at=T0)
        s.commit()
        assert _row(s, metric) == (None, 0, 0, 0, 7, T0)
        record_post_metrics(s, "telegram", "p1", likes=3, captured_at=T0 + timedelta(1))
        s.commit()
        assert _row(s, metric)[1:5] == (3, 0, 0, 7)


def test_same_post_id_on_two_platforms_are_two_rows(db):
    with db.session() as s:
        a = record_post_metrics(s, "youtube", "x", likes=1)
        b = record_post_metrics(s, "telegram", "x", likes=2)
        s.commit()
        assert a != b


def test_negative_counter_is_rejected(db):
    with db.session() as s, pytest.raises(ValueError):
        record_post_metrics(s, "youtube", "v1", likes=-1)

"""Feeds and follows on SQLite and PostgreSQL: idempotent writes, close and re-open in place."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from core.db.models.social import Feed, Follow
from core.social import ensure_feed, follow, followers, following, unfollow
from tests.social.helpers import T0, add_handle


def test_ensure_feed_is_idempotent_and_keeps_one_row(db):
    with db.session() as s:
        first = ensure_feed(s, "youtube", "UC123", "Channel")
        again = ensure_feed(s, "youtube", "UC123")
        other = ensure_feed(s, "youtube", "UC999", "Other")
        s.commit()
        assert first == again != other
        assert s.scalar(select(func.count()).select_from(Feed)) == 2
        # A blank title never erases the known one; a new title replaces it.
        assert s.get(Feed, first).title == "Channel"
        ensure_feed(s, "youtube", "UC123", "Renamed")
        s.commit()
        s.expire_all()
        assert s.get(Feed, first).title == "Renamed"


def test_ensure_feed_concurrent_callers_get_one_row(db):
    barrier = threading.Barrier(6)
    ids: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with db.session() as s:
                barrier.wait()
                ids.append(ensure_feed(s, "rss", "https://example.org/feed"))
                s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(ids)) == 1 and len(ids) == 6
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Feed)) == 1


def test_follow_is_idempotent(db):
    with db.session() as s:
        feed = ensure_feed(s, "telegram", "@news")
        handle = add_handle(s, "@alice")
        first = follow(s, feed, handle, now=T0)
        again = follow(s, feed, handle, now=T0 + timedelta(days=1))
        s.commit()
        assert first == again
        rows = followers(s, feed)
        assert [(r.handle_id, r.followed_at, r.closed_at) for r in rows] == [(handle, T0, None)]


def test_unfollow_closes_and_refollow_reopens_the_same_row(db):
    with db.session() as s:
        feed = ensure_feed(s, "telegram", "@news")
        alice, bob = add_handle(s, "@alice"), add_handle(s, "@bob")
        follow_id = follow(s, feed, alice, now=T0)
        follow(s, feed, bob, now=T0 + timedelta(minutes=1))
        s.commit()

        assert unfollow(s, feed, alice, now=T0 + timedelta(days=1)) is True
        assert unfollow(s, feed, alice, now=T0 + timedelta(days=2)) is False  # already closed
        assert unfollow(s, feed, add_handle(s, "@carol")) is False  # never followed
        s.commit()
        assert [r.handle_id for r in followers(s, feed)] == [bob]
        closed = {r.handle_id: r for r in followers(s, feed, open_only=False)}
        assert closed[alice].closed_at == T0 + timedelta(days=1)

        reopened_at = T0 + timedelta(days=3)
        assert follow(s, feed, alice, now=reopened_at) == follow_id
        s.commit()
        s.expire_all()
        row = s.get(Follow, follow_id)
        # Documented choice: re-opening refreshes followed_at to the start of the new follow.
        assert (row.closed_at, row.followed_at) == (None, reopened_at)
        assert [r.handle_id for r in followers(s, feed)] == [bob, alice]
        assert s.scalar(select(func.count()).select_from(Follow)) == 2
        assert [r.feed_id for r in following(s, alice)] == [feed]

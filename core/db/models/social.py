"""Social layer: feeds, follows, post metrics and the API quota ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow


class Feed(Base):
    __tablename__ = "feed"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(String(512), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Follow(Base):
    """A handle follows a feed; unfollow closes it, a new follow re-opens the same row."""

    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("feed_id", "handle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed.id", ondelete="CASCADE"))
    handle_id: Mapped[int] = mapped_column(ForeignKey("handle.id", ondelete="CASCADE"))
    followed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PostMetric(Base):
    """Engagement snapshot of one post; a new snapshot overwrites the previous one."""

    __tablename__ = "post_metric"
    __table_args__ = (UniqueConstraint("platform", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feed.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[str] = mapped_column(String(512))
    likes: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    views: Mapped[int] = mapped_column(Integer, default=0)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuotaLedger(Base):
    """API calls spent per (subject, platform, period); ``consume`` is one atomic UPDATE."""

    __tablename__ = "quota_ledger"
    __table_args__ = (UniqueConstraint("subject", "platform", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "account:<id>" or "handle:<id>".
    subject: Mapped[str] = mapped_column(String(128))
    platform: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    budget: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)

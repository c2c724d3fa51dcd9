"""Source accounts, the records they hold, and per-account sync state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, JSONType, UTCDateTime, utcnow


class SourceAccount(Base):
    """One connected source: a Google account, a CardDAV address book, a vCard file or folder."""

    __tablename__ = "source_account"
    __table_args__ = (UniqueConstraint("provider", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(512))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    #: "archive" (default: mark deleted, never hard-delete) or "mirror" (remove stale records).
    delete_policy: Mapped[str] = mapped_column(String(16), default="archive")
    #: Provider settings (path, url, username, flags). Never credentials: those go to the keyring.
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    default_region: Mapped[str] = mapped_column(String(2), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    records: Mapped[list[SourceRecord]] = relationship(back_populates="account")


class SourceRecord(Base):
    """A contact exactly as one source holds it (a "persona")."""

    __tablename__ = "source_record"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        Index("ix_source_record_party_id", "party_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("source_account.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(1024))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    etag: Mapped[str] = mapped_column(String(255), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    #: Canonical fields (ParsedContact.canonical()) as last ingested.
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: The source's own representation (vCard text, People API JSON), for audit and re-parse.
    raw: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[SourceAccount] = relationship(back_populates="records")


class SyncState(Base):
    """Per-account sync bookkeeping: cursor, health, last run, and the run lease."""

    __tablename__ = "sync_state"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("source_account.id", ondelete="CASCADE"), primary_key=True
    )
    cursor: Mapped[str | None] = mapped_column(Text)
    cursor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_full_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: "ok", "syncing", "degraded", "error", "needs_confirmation", "never".
    health: Mapped[str] = mapped_column(String(32), default="never")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_counts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: Run lease: a run holds it until ``lease_until``; two runs of one source never overlap.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Deletions the mass-delete guard held back until the owner decides (Apply / Keep):
    #: ``{"ids": [...], "count": n, "live": m, "at": iso, "kept": [...]}``; see
    #: ``core.ingest.deletes``. None when nothing is held.
    held_deletes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

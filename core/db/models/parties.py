"""Parties (the people the owner sees), handles and the links between them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from core.db.base import Base, UTCDateTime, utcnow


class Party(Base):
    """A person, organisation or system actor; derived from source records plus local edits."""

    __tablename__ = "party"
    __table_args__ = (
        # Exactly one owner, enforced by the database (partial unique index on both engines).
        Index(
            "uq_party_owner",
            "role",
            unique=True,
            sqlite_where=text("role = 'owner'"),
            postgresql_where=text("role = 'owner'"),
        ),
        Index("ix_party_sort_name", "sort_name"),
        # The contact list's order over visible parties, covering: the list walks it without
        # touching the table.
        Index("ix_party_list_order", "merged_into_id", "archived_at", "sort_name", "id"),
        Index("ix_party_needs_disambiguation", "needs_disambiguation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "person", "organization" or "system".
    kind: Mapped[str] = mapped_column(String(16), default="person")
    #: "contact" or "owner" (singleton).
    role: Mapped[str] = mapped_column(String(16), default="contact")
    display_name: Mapped[str] = mapped_column(String(512), default="")
    #: Case- and accent-folded "family given" key for ordering the big list.
    sort_name: Mapped[str] = mapped_column(String(512), default="")
    given_name: Mapped[str] = mapped_column(String(255), default="")
    family_name: Mapped[str] = mapped_column(String(255), default="")
    middle_name: Mapped[str] = mapped_column(String(255), default="")
    name_prefix: Mapped[str] = mapped_column(String(64), default="")
    name_suffix: Mapped[str] = mapped_column(String(64), default="")
    nickname: Mapped[str] = mapped_column(String(255), default="")
    organization: Mapped[str] = mapped_column(String(512), default="")
    title: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    birthday: Mapped[str] = mapped_column(String(16), default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_mime: Mapped[str] = mapped_column(String(64), default="")
    photo_uri: Mapped[str] = mapped_column(String(1024), default="")
    primary_email: Mapped[str] = mapped_column(String(512), default="")
    primary_phone: Mapped[str] = mapped_column(String(64), default="")
    #: Accent- and case-folded names, emails, phones and organisation for search (FTS5 on
    #: SQLite indexes this column through triggers; PostgreSQL searches it with LIKE).
    search_text: Mapped[str] = mapped_column(Text, default="")
    needs_disambiguation: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_archival_review: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when a merge folded this party into another (kept for exact unmerge).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    handle_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Handle(Base):
    """A contact point (email, phone, telegram, url, username...); ``value`` is normalised."""

    __tablename__ = "handle"
    __table_args__ = (
        UniqueConstraint("platform", "value"),
        Index("ix_handle_party_id", "party_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(512))
    #: As the source wrote it, for display ("+1 (555) 010-2000").
    display_value: Mapped[str] = mapped_column(String(512), default="")
    #: False when the value could not be normalised (impossible phone kept as cleaned text).
    is_valid: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Family landline, info@...: never merges parties by itself.
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Credentials (bot tokens...): hidden from every default read path, never logged.
    is_secured: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The resolved owner (derived from links; see core.ingest.resolve).
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartyHandleLink(Base):
    """"This handle belongs to this party", with a confidence and the owner's verdict."""

    __tablename__ = "party_handle_link"
    __table_args__ = (
        UniqueConstraint("party_id", "handle_id"),
        Index("ix_party_handle_link_handle_id", "handle_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    handle_id: Mapped[int] = mapped_column(ForeignKey("handle.id", ondelete="CASCADE"))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    #: What created the link: "source:<provider>", "manual", "temp_contact", "merge"...
    source: Mapped[str] = mapped_column(String(64), default="")
    is_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    is_dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordHandle(Base):
    """Which source record holds which handle: provenance for handles, and what a removed
    record takes away when the mirror policy deletes it."""

    __tablename__ = "record_handle"
    __table_args__ = (
        UniqueConstraint("source_record_id", "handle_id"),
        Index("ix_record_handle_handle_id", "handle_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE")
    )
    handle_id: Mapped[int] = mapped_column(ForeignKey("handle.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(64), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


def joined_party_is_live(party: type[Party] | Any = Party) -> ColumnElement[bool]:
    """``party`` has not been merged into another, phrased for joins driven from links.

    Written as ``coalesce(merged_into_id, 0) = 0`` rather than ``IS NULL`` so that SQLite's
    planner (before ANALYZE has run) does not scan the contact-list index on
    ``merged_into_id`` and probe the links for every live party: that plan made
    handle resolution 30x slower on a fresh 10,000-contact database.
    """
    return func.coalesce(party.merged_into_id, 0) == 0

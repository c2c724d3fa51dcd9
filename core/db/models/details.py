"""Multi-valued party details (addresses, dates, urls, labels) and per-field provenance.

Each row carries the source record it came from (NULL = the owner's local edit), so the detail
view can show where every value came from and a merge/unmerge can move rows exactly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, JSONType, UTCDateTime, utcnow


class Address(Base):
    __tablename__ = "address"
    __table_args__ = (Index("ix_address_party_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    source_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE")
    )
    label: Mapped[str] = mapped_column(String(64), default="")
    po_box: Mapped[str] = mapped_column(String(128), default="")
    extended: Mapped[str] = mapped_column(String(255), default="")
    street: Mapped[str] = mapped_column(String(512), default="")
    locality: Mapped[str] = mapped_column(String(255), default="")
    region: Mapped[str] = mapped_column(String(255), default="")
    postal_code: Mapped[str] = mapped_column(String(64), default="")
    country: Mapped[str] = mapped_column(String(128), default="")


class ImportantDate(Base):
    """Birthday, anniversary or other date; ``year`` is NULL when the source omits it."""

    __tablename__ = "important_date"
    __table_args__ = (
        Index("ix_important_date_party_id", "party_id"),
        CheckConstraint("month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31", name="valid_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    source_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(64), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)


class PartyUrl(Base):
    __tablename__ = "party_url"
    __table_args__ = (Index("ix_party_url_party_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    source_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE")
    )
    url: Mapped[str] = mapped_column(String(2048))
    label: Mapped[str] = mapped_column(String(64), default="")


class PartyFact(Base):
    """One more thing a source says about a party, beyond the single-valued party columns:
    an organisation (with department, title, role, current), a related person, gender,
    phonetic name parts, time zone, geo, language, file-as.

    Like addresses, each row belongs to the source record that said it (NULL = the owner's
    own), so it moves with merges and unmerges and goes when the record goes. ``value`` is the
    readable form (searched for organisations, departments, roles and related names);
    ``data`` holds the structure where there is one (an organisation's parts).
    """

    __tablename__ = "party_fact"
    __table_args__ = (
        Index("ix_party_fact_party_id", "party_id"),
        Index("ix_party_fact_source_record_id", "source_record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    source_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE")
    )
    #: "organization", "related", "gender", "phonetic_given", "phonetic_middle",
    #: "phonetic_family", "time_zone", "geo", "language", "file_as".
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[Any] = mapped_column(JSONType, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Label(Base):
    """A group/label; labels of the same name from different sources are one label."""

    __tablename__ = "label"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LabelMembership(Base):
    __tablename__ = "label_membership"
    __table_args__ = (
        UniqueConstraint("label_id", "party_id", "source_record_id"),
        Index("ix_label_membership_party_id", "party_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    source_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE")
    )


class FieldProvenance(Base):
    """Where a party's single-valued field came from: a source record, or a local edit.

    ``is_local`` rows win over every source until the owner takes the source value back.
    """

    __tablename__ = "field_provenance"
    __table_args__ = (UniqueConstraint("party_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_record.id", ondelete="SET NULL")
    )
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActivityEvent(Base):
    """An append-only activity log: syncs, conflicts, deletions, merges, link decisions."""

    __tablename__ = "activity_event"
    __table_args__ = (
        Index("ix_activity_event_created_at", "created_at"),
        Index("ix_activity_event_party_id", "party_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    source_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_record.id", ondelete="SET NULL")
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_account.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(String(1024), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

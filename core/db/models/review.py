"""Review state: merge suggestions, the owner's decision log, and identity bookkeeping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, JSONType, UTCDateTime, utcnow


class MergeSuggestion(Base):
    """"These two parties may be the same person", with the score's explanation."""

    __tablename__ = "merge_suggestion"
    __table_args__ = (
        UniqueConstraint("party_a_id", "party_b_id"),
        Index("ix_merge_suggestion_score", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Always party_a_id < party_b_id, so a pair has one row.
    party_a_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    party_b_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    probability: Mapped[float] = mapped_column(Float)
    blocking_rule: Mapped[str] = mapped_column(String(128), default="")
    explanation: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    #: "open", "later", "merged", "rejected".
    status: Mapped[str] = mapped_column(String(16), default="open")
    model_version: Mapped[str] = mapped_column(String(32), default="")
    #: Key of the levels the pair reached (``core.match.labels.pattern_key``): the owner's
    #: decisions on one pair re-weigh the open pairs with the same pattern.
    pattern: Mapped[str] = mapped_column(String(32), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(Base):
    """One owner decision (merge, unmerge, not-same, link confirm/dismiss, shared, disambiguate).

    ``subject`` holds stable keys (provider/account/external ids, handle platform/value) rather
    than row ids, so a decision survives re-syncs and re-imports; ``snapshot`` holds what undo
    needs to restore the exact prior state.
    """

    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_kind", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), default="owner")
    summary: Mapped[str] = mapped_column(String(1024), default="")
    subject: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64))


class SenderNotice(Base):
    """"The owner was notified about this unknown sender" (once per handle)."""

    __tablename__ = "sender_notice"
    __table_args__ = (UniqueConstraint("handle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handle_id: Mapped[int] = mapped_column(ForeignKey("handle.id", ondelete="CASCADE"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingAction(Base):
    """Something Kith could not do without the owner (e.g. notify a contact with no handle)."""

    __tablename__ = "pending_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    detail: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MatchBlock(Base):
    """One blocking key ("em:ann@x.org", "fi:smith|j"...) with every party holding it.

    Stored so an incremental re-score after a sync finds the candidates of the changed
    parties with one primary-key look-up per key instead of recomputing every party's keys.
    One row per distinct key (its holders packed, ``core.match.key_store``), not one per
    (party, key): a 100,000-party book has ~1.7 million of those but ~390,000 keys, and the
    row count was what writing them cost. No ROWID on SQLite: the key is the table's b-tree.
    """

    __tablename__ = "match_block"
    __table_args__ = {"sqlite_with_rowid": False}

    #: "<rule>:<value>"; the rule prefix names the blocking rule that paired two parties.
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: The holders' party ids, 8-byte little-endian integers (the block size is length / 8).
    members: Mapped[bytes] = mapped_column(LargeBinary)


class MatchPartyKeys(Base):
    """The blocking keys one party holds (what re-keying it removes from ``match_block``).

    No foreign key to ``party`` on purpose: when a party row is deleted this row stays
    behind as the record of which blocks still list it, and the next incremental refresh
    takes such parties out of their blocks (``key_store.gone_parties``). A cascade would
    delete the only copy of that list.
    """

    __tablename__ = "match_party_keys"

    party_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The keys, newline-separated (JSON list if a key itself holds a newline).
    keys: Mapped[str] = mapped_column(Text)


class TempContactClaim(Base):
    """One temporary party per unknown handle: the unique ``handle_id`` makes two concurrent
    ``create_temp_contact`` calls for the same sender end with one party."""

    __tablename__ = "temp_contact_claim"
    __table_args__ = (UniqueConstraint("handle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handle_id: Mapped[int] = mapped_column(ForeignKey("handle.id", ondelete="CASCADE"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MatchModel(Base):
    """One estimate of the duplicate model's weights from the owner's own data (``core.match
    .train``): u from random pairs, m by EM over blocked pairs, with the owner's decisions as
    labels. The newest row is the model in use; suggestions name it in ``model_version``."""

    __tablename__ = "match_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What suggestions store in ``model_version`` ("est-<id>-<parties>").
    version: Mapped[str] = mapped_column(String(32), unique=True)
    #: {"prior": log2 odds, "levels": [[field, level, m, u, weight], ...], ...}.
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    parties: Mapped[int] = mapped_column(default=0)
    pairs: Mapped[int] = mapped_column(default=0)
    labels: Mapped[int] = mapped_column(default=0)
    iterations: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

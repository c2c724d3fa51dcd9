"""Plain dataclasses the GUI and CLI read (never ORM objects), and the queries that fill them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core.db.models import Decision, MergeSuggestion, Party
from core.match.blocking import rule_sentences
from core.match.compare import ExplanationItem
from core.match.weights import DEFAULT_MIN_SCORE

#: Orders of the review queue: best score first, or most useful to answer first.
ORDERS = ("score", "useful")
_USEFUL = (func.abs(MergeSuggestion.score), MergeSuggestion.score.desc())


@dataclass(frozen=True, slots=True)
class SuggestionView:
    id: int
    party_a_id: int
    party_b_id: int
    name_a: str
    name_b: str
    score: float
    probability: float
    #: The first (strongest) blocking rule that paired the two; all of them below.
    blocking_rule: str
    blocking_rules: tuple[str, ...]
    explanation: tuple[ExplanationItem, ...]
    status: str
    model_version: str
    #: Why the two were compared, one plain sentence per blocking rule.
    blocking_sentences: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["blocking_rules"] = list(self.blocking_rules)
        data["blocking_sentences"] = list(self.blocking_sentences)
        data["explanation"] = [item.as_dict() for item in self.explanation]
        return data


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: int
    kind: str
    actor: str
    summary: str
    created_at: datetime
    revoked_at: datetime | None
    subject: dict[str, Any] = field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["revoked_at"] = self.revoked_at.isoformat() if self.revoked_at else None
        data["is_active"] = self.is_active
        return data


def list_suggestions(
    session: Session,
    min_score: float | None = None,
    limit: int | None = None,
    status: str | None = "open",
    order: str = "score",
) -> list[SuggestionView]:
    """Suggestions ordered by score (highest first), ties by pair; ``min_score`` defaults to
    the review threshold (``weights.DEFAULT_MIN_SCORE``).

    ``order="useful"`` puts the pairs the model is least sure of first (probability closest
    to one half, i.e. score closest to 0): the answers that teach the model most (dedupe's
    active learning), since each decision is a label (``labels``)."""
    if order not in ORDERS:
        raise ValueError(f"Unknown order {order!r}: use one of {', '.join(ORDERS)}")
    pa, pb = aliased(Party), aliased(Party)
    stmt = (
        select(MergeSuggestion, pa.display_name, pb.display_name)
        .join(pa, pa.id == MergeSuggestion.party_a_id)
        .join(pb, pb.id == MergeSuggestion.party_b_id)
        .where(MergeSuggestion.score >= (DEFAULT_MIN_SCORE if min_score is None else min_score),
               pa.merged_into_id.is_(None), pb.merged_into_id.is_(None))
        .order_by(*(_USEFUL if order == "useful" else (MergeSuggestion.score.desc(),)),
                  MergeSuggestion.party_a_id, MergeSuggestion.party_b_id)
    )
    if status is not None:
        stmt = stmt.where(MergeSuggestion.status == status)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_view(row, a, b) for row, a, b in session.execute(stmt)]


def get_suggestion(session: Session, suggestion_id: int) -> SuggestionView:
    row = session.get(MergeSuggestion, suggestion_id)
    if row is None:
        raise LookupError(f"No suggestion with id {suggestion_id}")
    a = session.get(Party, row.party_a_id)
    b = session.get(Party, row.party_b_id)
    return _view(row, a.display_name if a else "", b.display_name if b else "")


def _view(row: MergeSuggestion, name_a: str, name_b: str) -> SuggestionView:
    rules = tuple(r for r in (row.blocking_rule or "").split(",") if r)
    return SuggestionView(
        id=row.id, party_a_id=row.party_a_id, party_b_id=row.party_b_id,
        name_a=name_a or "", name_b=name_b or "", score=row.score,
        probability=row.probability, blocking_rule=rules[0] if rules else "",
        blocking_rules=rules,
        explanation=tuple(_item(item) for item in row.explanation or []),
        status=row.status, model_version=row.model_version,
        blocking_sentences=tuple(rule_sentences(rules)),
    )


def _item(row: dict[str, Any]) -> ExplanationItem:
    # Rows stored by older versions may lack a sentence.
    return ExplanationItem(row["field"], row["level"], row.get("left", ""),
                           row.get("right", ""), row["weight"], row.get("sentence", ""))


def list_decisions(session: Session, include_revoked: bool = True) -> list[DecisionView]:
    """The decision log, newest first."""
    stmt = select(Decision).order_by(Decision.created_at.desc(), Decision.id.desc())
    if not include_revoked:
        stmt = stmt.where(Decision.revoked_at.is_(None))
    return [
        DecisionView(d.id, d.kind, d.actor, d.summary, d.created_at, d.revoked_at,
                     dict(d.subject or {}))
        for d in session.scalars(stmt)
    ]

"""Writing rows of the owner's decision log.

Every review action (merge, unmerge, not-duplicate, link confirm/dismiss, shared-handle mark,
split, disambiguation) is one ``decision`` row: who, when, what (``subject``, in stable keys)
and what undo needs (``snapshot``). Reading and revoking live in core.match.decisions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import Decision

KINDS = (
    "merge", "unmerge", "not_duplicate", "link_confirm", "link_dismiss", "handle_shared",
    "split", "disambiguate_attach", "disambiguate_promote",
    # core.ingest.contact_lifecycle: archiving and deleting a contact
    "contact_archive", "contact_delete",
)


def log_decision(
    session: Session,
    kind: str,
    summary: str,
    subject: dict[str, Any],
    snapshot: dict[str, Any] | None = None,
    *,
    actor: str = "owner",
) -> int:
    """Append one decision; return its id."""
    if kind not in KINDS:
        raise ValueError(f"Unknown decision kind {kind!r}")
    row = Decision(kind=kind, actor=actor, summary=summary[:1024], subject=subject,
                   snapshot=snapshot or {}, created_at=utcnow())
    session.add(row)
    session.flush()
    return row.id


def mark_revoked(session: Session, decision: Decision, actor: str = "owner") -> None:
    decision.revoked_at = utcnow()
    decision.revoked_by = actor
    session.flush()

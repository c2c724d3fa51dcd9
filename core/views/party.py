"""Read models for parties: plain dataclasses for the CLI, the GUI and JSON.

Only these cross to the GUI thread (never ORM objects). Secured handles (credentials) are
left out unless ``include_secured`` is asked for explicitly.

This is where callers import the party read models from. They live by what they answer:
the contact list's queries (ids in list order, their rows) in core.views.party_list, one
party's card in core.views.party_detail (its extra lines in core.views.detail_lines); this
module holds the counts for ``kith stats``.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import Handle, Party, PartyHandleLink, SourceRecord
from core.views.detail_lines import DetailLine
from core.views.list_rows import PartyRow
from core.views.party_detail import (
    FieldView,
    HandleView,
    PartyDetail,
    RecordView,
    party_detail,
)
from core.views.party_list import (
    FILTERS,
    PROGRESS_STEPS,
    QueryCancelled,
    list_party_id_array,
    list_party_ids,
    party_rows,
)

__all__ = [
    "FILTERS", "PROGRESS_STEPS", "DetailLine", "FieldView", "HandleView", "PartyDetail",
    "PartyRow", "QueryCancelled", "RecordView", "list_party_id_array", "list_party_ids",
    "party_detail", "party_rows", "stats",
]


def stats(session: Session) -> dict[str, int]:
    """Counts for ``kith stats``: contested = handles with two or more live links."""
    contested = select(PartyHandleLink.handle_id).where(
        PartyHandleLink.is_dismissed.is_(False)
    ).group_by(PartyHandleLink.handle_id).having(func.count() > 1).subquery()
    return {
        "parties": session.scalar(
            select(func.count()).select_from(Party).where(Party.merged_into_id.is_(None))
        ) or 0,
        "source_records": session.scalar(select(func.count()).select_from(SourceRecord)) or 0,
        "live_source_records": session.scalar(
            select(func.count()).select_from(SourceRecord).where(SourceRecord.deleted_at.is_(None))
        ) or 0,
        "handles": session.scalar(select(func.count()).select_from(Handle)) or 0,
        "links": session.scalar(select(func.count()).select_from(PartyHandleLink)) or 0,
        "contested_handles": session.scalar(select(func.count()).select_from(contested)) or 0,
        "unowned_handles": session.scalar(
            select(func.count()).select_from(Handle).where(Handle.party_id.is_(None))
        ) or 0,
    }

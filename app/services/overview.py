"""The sidebar's live counts: what needs the owner in each section.

One small read after every change notice (ui.main_window debounces them); each figure is a
COUNT in SQL, a few milliseconds at 100,000 contacts. The review queue's size comes from the
review view itself (it reads it anyway), so it is not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.services import read_session
from core.db.engine import Database
from core.db.models import PartyHandleLink, SyncState
from core.tasks import TaskState

#: Source health values the sidebar counts as "needs attention".
FAILING = ("error", "degraded", "needs_confirmation")


@dataclass(frozen=True, slots=True)
class SidebarCounts:
    #: Handles linked to two or more contacts that the owner has not settled yet.
    contested_handles: int
    #: Sources whose last sync failed, degraded, or waits for a confirmation.
    sources_failing: int


def sidebar_counts(db: Database, *, state: TaskState) -> SidebarCounts:
    with read_session(db) as session:
        contested = (select(PartyHandleLink.handle_id)
                     .where(PartyHandleLink.is_dismissed.is_(False))
                     .group_by(PartyHandleLink.handle_id)
                     .having(func.count() > 1)
                     .subquery())
        # Settled by the owner (a confirmed link): no longer contested, as the Handles view
        # lists them (core.views.handles.contested_handles).
        settled = (select(PartyHandleLink.handle_id)
                   .where(PartyHandleLink.is_confirmed.is_(True),
                          PartyHandleLink.is_dismissed.is_(False)))
        handles = session.scalar(select(func.count()).select_from(contested)
                                 .where(contested.c.handle_id.not_in(settled))) or 0
        failing = session.scalar(select(func.count()).select_from(SyncState)
                                 .where(SyncState.health.in_(FAILING))) or 0
    return SidebarCounts(int(handles), int(failing))

"""Handle-link services: inspect a handle's candidates, confirm, dismiss, mark shared."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import read_session, write_session
from core.db.base import utcnow
from core.db.engine import Database
from core.db.models import ActivityEvent, Decision, Handle, Party
from core.ingest import resolve
from core.tasks import TaskState
from core.views import handles as handle_views
from core.views.handles import HandleInfo, HandleSummary

try:  # the review engine logs link verdicts as undoable decisions
    from core.match import decisions as _decisions
except ImportError:  # pragma: no cover - engine not in this build
    _decisions = None


def info(db: Database, handle_id: int, *, state: TaskState) -> HandleInfo:
    with read_session(db) as session:
        return handle_views.handle_info(session, handle_id)


def contested(db: Database, limit: int = 1000, *, state: TaskState) -> list[HandleSummary]:
    with read_session(db) as session:
        return handle_views.contested_handles(session, limit)


def shared(db: Database, limit: int = 1000, *, state: TaskState) -> list[HandleSummary]:
    with read_session(db) as session:
        return handle_views.shared_handles(session, limit)


def _owner(session: Session, handle_id: int) -> int | None:
    return session.scalar(select(Handle.party_id).where(Handle.id == handle_id))


@dataclass(frozen=True, slots=True)
class OwnerChange:
    """What a verdict did to a handle's owner, for the message the owner reads."""

    before_id: int | None
    before_name: str
    after_id: int | None
    after_name: str

    @property
    def changed(self) -> bool:
        return self.before_id != self.after_id

    def message(self, verb: str) -> str:
        """"Confirmed. Owner changed from Lars Rossi to Łukasz Rossi." / "... Owner unchanged
        (Lars Rossi)."""
        if not self.changed:
            return f"{verb}. Owner unchanged ({self.after_name or 'nobody'})."
        if self.before_id is None:
            return f"{verb}. {self.after_name} is now the owner."
        if self.after_id is None:
            return f"{verb}. {self.before_name} is no longer the owner; nobody owns it now."
        return f"{verb}. Owner changed from {self.before_name} to {self.after_name}."


def _name(session: Session, party_id: int | None) -> str:
    if party_id is None:
        return ""
    return session.scalar(select(Party.display_name).where(Party.id == party_id)) or "a contact"


def _verdict(db: Database, handle_id: int, party_id: int, confirm_it: bool) -> OwnerChange:
    with write_session(db) as session:
        before = _owner(session, handle_id)
        before_name = _name(session, before)
        if _decisions is not None:
            action = (_decisions.confirm_handle_link if confirm_it
                      else _decisions.dismiss_handle_link)
            action(session, handle_id, party_id)
        else:
            (resolve.confirm_link if confirm_it else resolve.dismiss_link)(
                session, handle_id, party_id)
        session.flush()
        after = _owner(session, handle_id)
        return OwnerChange(before, before_name, after, _name(session, after))


def confirm(db: Database, handle_id: int, party_id: int, *, state: TaskState) -> OwnerChange:
    """Confirm the link (a logged, undoable decision); returns the owner before and after."""
    return _verdict(db, handle_id, party_id, True)


def dismiss(db: Database, handle_id: int, party_id: int, *, state: TaskState) -> OwnerChange:
    """Dismiss the link (remembered across re-syncs); returns the owner before and after."""
    return _verdict(db, handle_id, party_id, False)


def set_shared(db: Database, handle_id: int, is_shared: bool, *, state: TaskState) -> None:
    """Mark a handle shared (or not): a shared handle never merges parties by itself.

    The decision is logged with the handle's stable key so it can be read and revoked.
    """
    with write_session(db) as session:
        handle = session.get(Handle, handle_id)
        if handle is None or handle.is_secured:
            raise LookupError(f"No handle with id {handle_id}")
        if _decisions is not None:
            _decisions.mark_handle_shared(session, handle_id, is_shared)
            return
        before = handle.is_shared
        handle.is_shared = is_shared
        verb = "shared" if is_shared else "not shared"
        session.add(Decision(
            kind="handle_shared", summary=f"{handle.platform} {handle.value} marked {verb}",
            subject={"platform": handle.platform, "value": handle.value},
            snapshot={"is_shared": before}, created_at=utcnow(),
        ))
        session.add(ActivityEvent(kind="handle_shared", party_id=handle.party_id,
                                  message=f"{handle.value} marked {verb}",
                                  payload={"handle_id": handle_id, "shared": is_shared}))

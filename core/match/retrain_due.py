"""When the duplicate model should be learnt again from the book: after a big import.

Nothing is flagged anywhere: the newest estimate (``match_model``) remembers how many
contacts it was learnt from, so a book that has grown by ``BIG_IMPORT`` contacts since (or
has reached ``train.MIN_PARTIES`` without any estimate) is due. An import, a sync, a start-up
of the app all ask the same question and get the same answer, and a re-estimate answers it
for good (its row counts today's contacts). The app runs the re-estimate on a worker after an
import or sync ends and at start-up (``app.model_upkeep``); ``kith import`` says it is due and
how to run it (``kith duplicates --retrain``), outside the import's own timing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import MatchModel, Party
from core.match.train import MIN_PARTIES

#: Contacts added since the last estimate that make the book worth learning from again.
BIG_IMPORT = 1000


@dataclass(frozen=True, slots=True)
class RetrainDue:
    """Why a re-estimate is due: the book's contacts now and how many came since."""

    parties: int
    added: int
    #: The book has never been learnt from (it runs on the hand-set table).
    first: bool

    def sentence(self) -> str:
        if self.first:
            return (f"The duplicate finder can now learn from your {self.parties:,} contacts "
                    "(it has used its built-in settings so far).")
        return (f"The duplicate finder is due to learn again: {self.added:,} contacts came "
                f"in since it last learnt from your book ({self.parties:,} now).")


def comparable_parties(session: Session) -> int:
    """Contacts the duplicate model compares (not merged away, not system actors)."""
    return session.scalar(select(func.count(Party.id)).where(
        Party.merged_into_id.is_(None), Party.kind != "system")) or 0


def retrain_due(session: Session) -> RetrainDue | None:
    """A re-estimate is due (see the module docstring), or None."""
    parties = comparable_parties(session)
    if parties < MIN_PARTIES:
        return None
    learnt = session.scalar(select(MatchModel.parties).order_by(MatchModel.id.desc()).limit(1))
    added = parties - (learnt or 0)
    if added < BIG_IMPORT:
        return None
    return RetrainDue(parties, added, learnt is None)

"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from core.db.base import Base
from core.db.models.details import (
    ActivityEvent,
    Address,
    FieldProvenance,
    ImportantDate,
    Label,
    LabelMembership,
    PartyFact,
    PartyUrl,
)
from core.db.models.parties import Handle, Party, PartyHandleLink, RecordHandle
from core.db.models.review import (
    Decision,
    MatchBlock,
    MatchModel,
    MatchPartyKeys,
    MergeSuggestion,
    PendingAction,
    SenderNotice,
    TempContactClaim,
)
from core.db.models.social import Feed, Follow, PostMetric, QuotaLedger
from core.db.models.sources import SourceAccount, SourceRecord, SyncState

__all__ = [
    "ActivityEvent",
    "Address",
    "Base",
    "Decision",
    "Feed",
    "FieldProvenance",
    "Follow",
    "Handle",
    "ImportantDate",
    "Label",
    "LabelMembership",
    "MatchBlock",
    "MatchModel",
    "MatchPartyKeys",
    "MergeSuggestion",
    "Party",
    "PartyFact",
    "PartyHandleLink",
    "PartyUrl",
    "PendingAction",
    "PostMetric",
    "QuotaLedger",
    "RecordHandle",
    "SenderNotice",
    "SourceAccount",
    "SourceRecord",
    "SyncState",
    "TempContactClaim",
]

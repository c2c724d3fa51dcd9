"""Social layer: feeds, follows, post engagement metrics and the API quota ledger.

Plain functions over a SQLAlchemy Session; every write is one race-safe statement
(``ON CONFLICT`` or a conditional ``UPDATE``) that behaves the same on SQLite and PostgreSQL.
"""

from core.social.feeds import ensure_feed
from core.social.follows import follow, followers, following, unfollow
from core.social.metrics import record_post_metrics
from core.social.quota import (
    ConsumeResult,
    NoOpenPeriodError,
    Period,
    PeriodRule,
    account_subject,
    consume,
    current_period,
    handle_subject,
    open_period,
    remaining,
    try_consume,
)

__all__ = [
    "ConsumeResult",
    "NoOpenPeriodError",
    "Period",
    "PeriodRule",
    "account_subject",
    "consume",
    "current_period",
    "ensure_feed",
    "follow",
    "followers",
    "following",
    "handle_subject",
    "open_period",
    "record_post_metrics",
    "remaining",
    "try_consume",
    "unfollow",
]

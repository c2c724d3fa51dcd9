"""API quota ledger: how much of a budget a subject spent on a platform in a period.

A subject is ``"account:<id>"`` (a source account) or ``"handle:<id>"`` (a handle acting on a
platform). A period is a half-open window ``[period_start, period_end)`` with a ``budget`` and a
``used`` counter; the period that applies at a moment is the row whose window contains it.

Why one conditional UPDATE: ``consume`` must be right with several threads and processes
spending the same budget. ``UPDATE ... SET used = used + :cost WHERE id = :id AND used + :cost
<= budget`` is atomic on both engines: SQLite runs one writer at a time, and PostgreSQL
re-checks the WHERE clause against the newest row version after waiting for a concurrent
updater (READ COMMITTED). So an increment is never lost, the budget is never exceeded,
spending exactly up to the budget is allowed, and a refusal changes nothing (zero rows match).

No open period: ``consume`` raises :class:`NoOpenPeriodError` unless the caller passes an
``auto_open`` :class:`PeriodRule` ("per minute, budget 60"); then the window containing the
moment is opened on the fly (race-safe ``INSERT ... ON CONFLICT DO NOTHING``) and spent from.

Transactions: given a Session (or Connection) these functions run inside the caller's
transaction and the caller commits; on SQLite that keeps the write lock until the commit, so
hot paths should pass an Engine (or a ``Database``): each call then runs and commits in its
own short transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import Session

from core.db.models.social import QuotaLedger
from core.social._sql import Executor, as_engine, aware_utc, dialect_insert

_LEDGER = QuotaLedger.__table__
_SUBJECT = re.compile(r"^(account|handle):\S+$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: A Session or Connection (caller's transaction), or an Engine / Database (own transaction).
Target = Session | Connection | Engine | Any


class NoOpenPeriodError(LookupError):
    """No ledger period covers the moment and no auto-open rule was given."""


def account_subject(account_id: int) -> str:
    return f"account:{account_id}"


def handle_subject(handle_id: int) -> str:
    return f"handle:{handle_id}"


def _check_subject(subject: str) -> None:
    if not _SUBJECT.match(subject):
        raise ValueError(f"quota subject must be 'account:<id>' or 'handle:<id>', got {subject!r}")


@dataclass(frozen=True, slots=True)
class PeriodRule:
    """How to open a period on demand: fixed-length windows aligned on ``anchor``.

    ``PeriodRule.per_minute(60)`` gives windows [hh:mm:00, hh:mm+1:00) with budget 60 each,
    which is how Google meters the People API.
    """

    budget: int
    length: timedelta
    anchor: datetime = EPOCH

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise ValueError("a quota budget cannot be negative")
        if self.length <= timedelta(0):
            raise ValueError("a quota period must have a positive length")

    @classmethod
    def per_minute(cls, budget: int) -> PeriodRule:
        return cls(budget=budget, length=timedelta(minutes=1))

    def window(self, moment: datetime) -> tuple[datetime, datetime]:
        """The [start, end) window of this rule that contains ``moment``."""
        anchor = aware_utc(self.anchor)
        index = (aware_utc(moment) - anchor) // self.length
        start = anchor + index * self.length
        return start, start + self.length


@dataclass(frozen=True, slots=True)
class Period:
    """A ledger row as read at one instant (``used`` may move right after under concurrency)."""

    id: int
    subject: str
    platform: str
    period_start: datetime
    period_end: datetime
    budget: int
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.budget - self.used)


@dataclass(frozen=True, slots=True)
class ConsumeResult:
    """Outcome of :func:`try_consume`; ``period`` is the row as read *before* the update."""

    granted: bool
    period: Period


@contextmanager
def _executor(target: Target) -> Iterator[Executor]:
    """The caller's Session/Connection as is, or a fresh committed transaction on an Engine."""
    if isinstance(target, Session | Connection):
        yield target
        return
    engine = as_engine(target)
    if engine is None:
        raise TypeError(f"expected a Session, Connection, Engine or Database, got {target!r}")
    with engine.begin() as connection:
        yield connection


def _open(executor: Executor, subject: str, platform: str, budget: int,
          period_start: datetime, period_end: datetime) -> int:
    _check_subject(subject)
    start, end = aware_utc(period_start), aware_utc(period_end)
    if end <= start:
        raise ValueError("period_end must be after period_start")
    if budget < 0:
        raise ValueError("a quota budget cannot be negative")
    executor.execute(
        dialect_insert(executor, _LEDGER)
        .values(subject=subject, platform=platform, period_start=start, period_end=end,
                budget=budget, used=0)
        .on_conflict_do_nothing(index_elements=["subject", "platform", "period_start"])
    )
    return executor.execute(
        select(_LEDGER.c.id).where(_LEDGER.c.subject == subject, _LEDGER.c.platform == platform,
                                   _LEDGER.c.period_start == start)
    ).scalar_one()


def open_period(target: Target, subject: str, platform: str, budget: int,
                period_start: datetime, period_end: datetime) -> int:
    """Open the period (subject, platform, period_start) and return its id.

    Idempotent: when the row exists its budget, end and ``used`` are kept as they are (a second
    caller must not reset what was already spent). Overlapping periods are allowed; the one
    with the latest start that contains the moment applies.
    """
    with _executor(target) as executor:
        return _open(executor, subject, platform, budget, period_start, period_end)


def _lookup(executor: Executor, subject: str, platform: str, moment: datetime) -> Period | None:
    row = executor.execute(
        select(_LEDGER)
        .where(_LEDGER.c.subject == subject, _LEDGER.c.platform == platform,
               _LEDGER.c.period_start <= moment, _LEDGER.c.period_end > moment)
        .order_by(_LEDGER.c.period_start.desc(), _LEDGER.c.id.desc())
        .limit(1)
    ).mappings().first()
    return Period(**row) if row is not None else None


def current_period(target: Target, subject: str, platform: str,
                   now: datetime | None = None) -> Period | None:
    """The period that applies at ``now`` (default: the current time), or None."""
    _check_subject(subject)
    with _executor(target) as executor:
        return _lookup(executor, subject, platform, aware_utc(now))


def try_consume(target: Target, subject: str, platform: str, cost: int = 1,
                now: datetime | None = None, auto_open: PeriodRule | None = None) -> ConsumeResult:
    """Spend ``cost`` from the period containing ``now``; see :func:`consume`."""
    _check_subject(subject)
    if cost < 1:
        raise ValueError(f"quota cost must be a positive integer, got {cost}")
    moment = aware_utc(now)
    with _executor(target) as executor:
        period = _lookup(executor, subject, platform, moment)
        if period is None and auto_open is not None:
            start, end = auto_open.window(moment)
            _open(executor, subject, platform, auto_open.budget, start, end)
            period = _lookup(executor, subject, platform, moment)
        if period is None:
            raise NoOpenPeriodError(
                f"no quota period open for {subject} on {platform} at {moment.isoformat()}: "
                "open one with open_period() or pass an auto_open rule"
            )
        result = executor.execute(
            update(_LEDGER)
            .where(_LEDGER.c.id == period.id, _LEDGER.c.used + cost <= _LEDGER.c.budget)
            .values(used=_LEDGER.c.used + cost)
        )
        return ConsumeResult(granted=result.rowcount == 1, period=period)


def consume(target: Target, subject: str, platform: str, cost: int = 1,
            now: datetime | None = None, auto_open: PeriodRule | None = None) -> bool:
    """Atomically spend ``cost`` units; True when granted, False when it would overspend.

    A refusal leaves the ledger untouched; spending exactly up to the budget is granted.
    Raises :class:`NoOpenPeriodError` when no period covers ``now`` and ``auto_open`` is None.
    With an Engine/Database the spend is committed before returning; with a Session the
    caller commits (and a rollback gives the units back).
    """
    return try_consume(target, subject, platform, cost, now, auto_open).granted


def remaining(target: Target, subject: str, platform: str,
              now: datetime | None = None) -> int | None:
    """Units left in the period containing ``now``; None when no period is open then."""
    period = current_period(target, subject, platform, now)
    return period.remaining if period is not None else None

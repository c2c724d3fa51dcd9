"""Quota ledger semantics on SQLite and PostgreSQL (single caller; races are in another file)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db.models.social import QuotaLedger
from core.social import (
    NoOpenPeriodError,
    PeriodRule,
    account_subject,
    consume,
    current_period,
    handle_subject,
    open_period,
    remaining,
)
from tests.social.helpers import T0

SUBJECT = account_subject(7)
HOUR = timedelta(hours=1)


def _snapshot(db, period_id: int) -> dict:
    with db.session() as s:
        row = s.get(QuotaLedger, period_id)
        return {c.name: getattr(row, c.name) for c in QuotaLedger.__table__.columns}


def test_open_period_is_idempotent_and_keeps_spending(db):
    with db.session() as s:
        pid = open_period(s, SUBJECT, "google", 5, T0, T0 + HOUR)
        assert consume(s, SUBJECT, "google", 2, now=T0)
        # Opening again (even with another budget) returns the same row and resets nothing.
        assert open_period(s, SUBJECT, "google", 99, T0, T0 + HOUR) == pid
        s.commit()
        assert s.scalar(select(func.count()).select_from(QuotaLedger)) == 1
    assert _snapshot(db, pid)["used"] == 2
    assert _snapshot(db, pid)["budget"] == 5


def test_spending_exactly_up_to_the_budget_is_allowed(db):
    with db.session() as s:
        pid = open_period(s, SUBJECT, "google", 5, T0, T0 + HOUR)
        s.commit()
    assert consume(db.engine, SUBJECT, "google", 3, now=T0)
    assert consume(db.engine, SUBJECT, "google", 2, now=T0)  # 3 + 2 == 5: allowed
    assert remaining(db.engine, SUBJECT, "google", now=T0) == 0
    assert _snapshot(db, pid)["used"] == 5
    assert not consume(db.engine, SUBJECT, "google", 1, now=T0)


def test_refused_consume_leaves_the_row_untouched(db):
    with db.session() as s:
        pid = open_period(s, SUBJECT, "google", 5, T0, T0 + HOUR)
        s.commit()
    assert consume(db, SUBJECT, "google", 4, now=T0)
    before = _snapshot(db, pid)
    assert consume(db, SUBJECT, "google", 2, now=T0 + timedelta(minutes=5)) is False
    assert consume(db, SUBJECT, "google", 6, now=T0) is False
    assert _snapshot(db, pid) == before
    assert consume(db, SUBJECT, "google", 1, now=T0)  # the remaining unit is still there


def test_the_period_containing_now_applies_half_open(db):
    with db.session() as s:
        first = open_period(s, SUBJECT, "google", 1, T0, T0 + HOUR)
        second = open_period(s, SUBJECT, "google", 1, T0 + HOUR, T0 + 2 * HOUR)
        s.commit()
    assert consume(db.engine, SUBJECT, "google", now=T0 + HOUR - timedelta(microseconds=1))
    assert consume(db.engine, SUBJECT, "google", now=T0 + HOUR)  # end is exclusive
    assert _snapshot(db, first)["used"] == 1 and _snapshot(db, second)["used"] == 1
    assert current_period(db.engine, SUBJECT, "google", now=T0 + HOUR).id == second
    assert remaining(db.engine, SUBJECT, "google", now=T0 + 3 * HOUR) is None


def test_subjects_and_platforms_are_separate_budgets(db):
    other = handle_subject(7)
    with db.session() as s:
        open_period(s, SUBJECT, "google", 1, T0, T0 + HOUR)
        open_period(s, other, "google", 1, T0, T0 + HOUR)
        open_period(s, SUBJECT, "telegram", 1, T0, T0 + HOUR)
        s.commit()
    assert consume(db.engine, SUBJECT, "google", now=T0)
    assert consume(db.engine, other, "google", now=T0)
    assert consume(db.engine, SUBJECT, "telegram", now=T0)
    assert not consume(db.engine, SUBJECT, "google", now=T0)


def test_no_open_period_is_a_clear_error_without_a_rule(db):
    with pytest.raises(NoOpenPeriodError, match="no quota period open for account:7"):
        consume(db.engine, SUBJECT, "google", now=T0)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(QuotaLedger)) == 0


def test_auto_open_rule_opens_the_aligned_window(db):
    rule = PeriodRule.per_minute(2)
    moment = T0 + timedelta(seconds=42.5)
    assert consume(db.engine, SUBJECT, "google", now=moment, auto_open=rule)
    assert consume(db.engine, SUBJECT, "google", now=moment, auto_open=rule)
    assert not consume(db.engine, SUBJECT, "google", now=moment, auto_open=rule)
    period = current_period(db.engine, SUBJECT, "google", now=moment)
    assert (period.period_start, period.period_end) == (T0, T0 + timedelta(minutes=1))
    assert (period.budget, period.used) == (2, 2)
    assert consume(db.engine, SUBJECT, "google", now=T0 + timedelta(minutes=1), auto_open=rule)


def test_session_path_is_the_callers_transaction(db):
    with db.session() as s:
        open_period(s, SUBJECT, "google", 3, T0, T0 + HOUR)
        s.commit()
        assert consume(s, SUBJECT, "google", 2, now=T0)
        s.rollback()  # the caller did not commit: the units come back
    assert remaining(db.engine, SUBJECT, "google", now=T0) == 3


@pytest.mark.parametrize("bad", ["7", "account:", "user:1", "account: 7"])
def test_malformed_subject_is_rejected(db, bad):
    with pytest.raises(ValueError):
        consume(db.engine, bad, "google", now=T0)


def test_cost_must_be_positive(db):
    with pytest.raises(ValueError):
        consume(db.engine, SUBJECT, "google", cost=0, now=T0)

"""Running one Google API call: quota gate, bounded retries with jitter, error classification.

Why here and not in the runtime: a 429 or a dropped connection in the middle of a 50-page chain
should cost one short pause, not a failed run; only when the bounded budget is spent does the
runtime see a :class:`TransientError` (and keep its last good cursor). Errors are turned into
the contract's exception types with messages that never carry tokens or response bodies.
"""

from __future__ import annotations

import http.client
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httplib2
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

from core.sync.contract import AuthError, CursorExpiredError, ProviderError, TransientError

T = TypeVar("T")

AUTH_MESSAGE = (
    "Google access was revoked or expired: reconnect the account in Kith (Sources -> Reconnect)"
)
API_DISABLED_MESSAGE = (
    "The Google People API is not enabled for the OAuth client's Cloud project: enable it in "
    "the Google Cloud console (APIs & Services -> Library -> People API), then sync again"
)
EXPIRED_SYNC_REASON = "EXPIRED_SYNC_TOKEN"


class QuotaGate(Protocol):
    """Admission control before each API call; ``acquire`` blocks until ``cost`` is allowed."""

    def acquire(self, cost: int = 1) -> None: ...


class UnlimitedQuota:
    """The default gate: every call is allowed at once."""

    def acquire(self, cost: int = 1) -> None:
        return None


class PollingQuotaGate:
    """Adapts an ``allow(cost) -> bool`` hook (e.g. a quota ledger) into a blocking gate.

    When the hook refuses, wait one ``period`` (the ledger's window) and ask again, instead of
    spending a request that Google would answer with 429.
    """

    def __init__(self, allow: Callable[[int], bool], period: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._allow = allow
        self._period = period
        self._sleep = sleep
        self.waits = 0

    def acquire(self, cost: int = 1) -> None:
        while not self._allow(cost):
            self.waits += 1
            self._sleep(self._period)


@dataclass(slots=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter; ``sleep``/``jitter`` are injectable for tests."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Delay before retry ``attempt`` (0-based): half fixed, half random ("equal jitter")."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** attempt))
        wait = ceiling / 2 + (ceiling / 2) * self.jitter()
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


@dataclass(slots=True)
class CallStats:
    """Counters a caller (or a test) can read to see how much a sync cost."""

    calls: int = 0
    retries: int = 0
    delays: list[float] = field(default_factory=list)


def _error_details(exc: HttpError) -> tuple[str, str, str]:
    """(status text, reason, message) from Google's JSON error body, tolerant of non-JSON."""
    try:
        error = json.loads(exc.content.decode("utf-8", "replace")).get("error", {})
    except (ValueError, AttributeError):
        return "", "", ""
    if not isinstance(error, dict):
        return "", "", str(error)
    reasons = [d.get("reason", "") for d in error.get("details", []) if isinstance(d, dict)]
    reasons += [e.get("reason", "") for e in error.get("errors", []) if isinstance(e, dict)]
    return str(error.get("status", "")), next((r for r in reasons if r), ""), \
        str(error.get("message", ""))


def _retry_after(exc: HttpError) -> float | None:
    value = exc.resp.get("retry-after") if exc.resp is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def classify_http_error(exc: HttpError) -> ProviderError:
    """Map an HTTP error from Google to the contract's error types."""
    status_code = int(exc.resp.status)
    status, reason, message = _error_details(exc)
    if status_code in (400, 410) and (
        reason == EXPIRED_SYNC_REASON or "sync token is expired" in message.lower()
    ):
        return CursorExpiredError("Google sync token expired: a full sync is needed")
    if status_code == 403 and reason in ("SERVICE_DISABLED", "accessNotConfigured"):
        return AuthError(API_DISABLED_MESSAGE)
    if status_code in (401, 403):
        return AuthError(AUTH_MESSAGE)
    if status_code in (408, 429) or status_code >= 500:
        label = status or http.client.responses.get(status_code, "")
        return TransientError(f"Google People API answered HTTP {status_code} {label}".strip(),
                              retry_after=_retry_after(exc))
    return ProviderError(f"Google People API rejected the request: HTTP {status_code} "
                         f"{status} {message[:200]}".strip())


def _classify(exc: BaseException) -> ProviderError | None:
    """The contract error for ``exc``, or None when it is not something we know how to map."""
    if isinstance(exc, HttpError):
        return classify_http_error(exc)
    if isinstance(exc, auth_exceptions.RefreshError):
        if getattr(exc, "retryable", False):
            return TransientError("Google token endpoint is temporarily unavailable")
        return AuthError(AUTH_MESSAGE)
    if isinstance(exc, auth_exceptions.TransportError | OSError | http.client.HTTPException
                  | httplib2.HttpLib2Error):
        return TransientError(f"Network error talking to Google ({type(exc).__name__})")
    return None


def run_call(call: Callable[[], T], *, quota: QuotaGate, retry: RetryPolicy,
             stats: CallStats | None = None, quota_cost: int = 1, what: str = "request") -> T:
    """Run ``call`` with quota admission and bounded retries; raise contract errors only.

    Non-transient failures (auth, expired cursor, bad request) are raised at once; transient
    ones are retried ``retry.attempts`` times in total, then raised as :class:`TransientError`.
    """
    stats = stats if stats is not None else CallStats()
    last: TransientError | None = None
    for attempt in range(retry.attempts):
        if quota_cost:
            quota.acquire(quota_cost)
        stats.calls += 1
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - classified below, unknown ones re-raised
            error = _classify(exc)
            if error is None:
                raise
            if not isinstance(error, TransientError):
                raise error from None
            last = error
        if attempt + 1 < retry.attempts:
            wait = retry.delay(attempt, last.retry_after)
            stats.retries += 1
            stats.delays.append(wait)
            retry.sleep(wait)
    assert last is not None
    raise TransientError(f"Google {what} failed after {retry.attempts} attempts: {last}",
                         retry_after=last.retry_after)


def as_json(value: Any) -> dict[str, Any]:
    """Responses are dicts; guard against a proxy answering something else with 200."""
    if not isinstance(value, dict):
        raise ProviderError("Google People API returned an unexpected response shape")
    return value

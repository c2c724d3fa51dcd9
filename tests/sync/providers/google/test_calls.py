"""Error classification and backoff arithmetic of a single Google call."""

from __future__ import annotations

import json

import httplib2
import pytest
from googleapiclient.errors import HttpError

from core.sync.contract import AuthError, CursorExpiredError, ProviderError, TransientError
from core.sync.providers.google.calls import (
    API_DISABLED_MESSAGE,
    RetryPolicy,
    UnlimitedQuota,
    classify_http_error,
    run_call,
)


def _http_error(status: int, error: dict[str, object] | None = None,
                headers: dict[str, str] | None = None) -> HttpError:
    resp = httplib2.Response({"status": str(status), **(headers or {})})
    content = json.dumps({"error": error}).encode() if error is not None else b"<html>"
    return HttpError(resp, content, uri="https://people.googleapis.com/v1/x?syncToken=s3cr3t")


@pytest.mark.parametrize("status", [400, 410])
def test_expired_sync_token_by_reason_or_message(status: int) -> None:
    by_reason = _http_error(status, {"code": status, "message": "x", "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "EXPIRED_SYNC_TOKEN"}]})
    by_message = _http_error(status, {"code": status, "message":
                                      "Sync token is expired. Clear local cache and retry."})
    assert isinstance(classify_http_error(by_reason), CursorExpiredError)
    assert isinstance(classify_http_error(by_message), CursorExpiredError)


def test_other_classifications() -> None:
    assert isinstance(classify_http_error(_http_error(401, {"code": 401})), AuthError)
    disabled = classify_http_error(_http_error(403, {"code": 403, "details": [
        {"reason": "SERVICE_DISABLED"}]}))
    assert str(disabled) == API_DISABLED_MESSAGE
    limited = classify_http_error(_http_error(429, {"code": 429}, {"retry-after": "12"}))
    assert isinstance(limited, TransientError) and limited.retry_after == 12.0
    assert isinstance(classify_http_error(_http_error(502)), TransientError)  # non-JSON body
    bad = classify_http_error(_http_error(400, {"code": 400, "message": "bad field"}))
    assert type(bad) is ProviderError and "s3cr3t" not in str(bad)


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=lambda: 1.0)
    assert [policy.delay(n) for n in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    low = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=lambda: 0.0)
    assert [low.delay(n) for n in range(3)] == [0.5, 1.0, 2.0]
    assert low.delay(0, retry_after=30) == 8.0  # Retry-After honoured up to the cap


def test_run_call_gives_up_after_the_budget() -> None:
    sleeps: list[float] = []
    calls = 0

    def flaky() -> None:
        nonlocal calls
        calls += 1
        raise ConnectionResetError("peer reset")

    with pytest.raises(TransientError, match="3 attempts"):
        run_call(flaky, quota=UnlimitedQuota(),
                 retry=RetryPolicy(attempts=3, sleep=sleeps.append, jitter=lambda: 0.0))
    assert calls == 3 and len(sleeps) == 2


def test_unknown_exceptions_are_not_swallowed() -> None:
    def broken() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_call(broken, quota=UnlimitedQuota(), retry=RetryPolicy(sleep=lambda s: None))

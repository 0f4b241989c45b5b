"""When to retry a failed call and how long to wait: small pure functions, tested alone.

The client's retry loop asks ``should_retry`` and ``retry_delay`` and nothing else, so the whole
policy can be read (and tested) here without any I/O.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ._errors import NetworkError, QuickBooksError, ServerError, ThrottledError

__all__ = [
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "add_jitter",
    "backoff_seconds",
    "parse_retry_after",
    "retry_delay",
    "should_retry",
]

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retry limits for one logical call.

    ``budget_seconds`` bounds the whole call, waits included, so one stuck company cannot hold
    a worker forever. ``throttle_seconds`` is the least wait after a 429 without ``Retry-After``;
    Intuit advises about 60 s, which is what a client pacing with the default 60 s window needs.
    """

    max_attempts: int = 8
    base_seconds: float = 0.5
    cap_seconds: float = 30.0
    budget_seconds: float = 300.0
    throttle_seconds: float = 60.0


def should_retry(
    error: QuickBooksError, attempt: int, *, replay_safe: bool, max_attempts: int
) -> bool:
    """Whether attempt number ``attempt`` (1-based) that failed with ``error`` may be repeated.

    A throttled call was refused before QBO did anything, and a connection that was never made
    sent nothing, so both are always safe to repeat. Other transient failures may have changed
    data, so they are repeated only for reads and for writes that carry a ``requestid`` (which
    QBO replays instead of performing twice). Validation, staleness and auth faults are never
    retried here: they go back to the caller.
    """
    if attempt >= max_attempts:
        return False
    if isinstance(error, ThrottledError):
        return True
    if isinstance(error, NetworkError):
        return replay_safe or not error.sent
    if isinstance(error, ServerError):
        return replay_safe and (
            error.http_status in RETRYABLE_STATUSES or error.code in ("10000", "150")
        )
    return False


def backoff_seconds(attempt: int, *, base: float = 0.5, cap: float = 30.0) -> float:
    """Exponential wait before attempt ``attempt + 1``: base, 2·base, 4·base …, at most cap."""
    return float(min(cap, base * (2 ** max(0, attempt - 1))))


def add_jitter(seconds: float, rand: Callable[[], float] = random.random) -> float:
    """Spread retries of many workers: a wait between half and all of ``seconds``."""
    return seconds / 2 + rand() * seconds / 2


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Read ``Retry-After`` as seconds or as an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_delay(
    error: QuickBooksError,
    attempt: int,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> float:
    """How long to wait after ``error`` on attempt ``attempt``.

    The server's ``Retry-After`` wins when present. A 429 without it waits at least
    ``throttle_seconds``; everything else backs off exponentially with jitter.
    """
    if error.retry_after is not None:
        return error.retry_after
    wait = add_jitter(
        backoff_seconds(attempt, base=policy.base_seconds, cap=policy.cap_seconds), rand
    )
    if isinstance(error, ThrottledError):
        return max(wait, policy.throttle_seconds)
    return wait

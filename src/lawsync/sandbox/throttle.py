"""Per-company request limits: requests per window, concurrent requests, batch calls per window."""

from __future__ import annotations

import threading
from collections import deque

from .company import Limits
from .faults import throttle_exceeded


class Throttle:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[str, deque[float]] = {}
        self._batches: dict[tuple[str, str], deque[float]] = {}
        self._inflight: dict[tuple[str, str], int] = {}

    @staticmethod
    def _admit(window: deque[float], now: float, limits: Limits, cap: int) -> bool:
        horizon = now - limits.window_seconds
        while window and window[0] <= horizon:
            window.popleft()
        if len(window) >= cap:
            return False
        window.append(now)
        return True

    def enter(self, realm: str, client: str, limits: Limits, now: float, batch: bool) -> None:
        """Count a request in, or raise the 429 gateway fault."""
        with self._lock:
            key = (realm, client)
            if self._inflight.get(key, 0) >= limits.concurrent:
                raise throttle_exceeded()
            if not self._admit(
                self._requests.setdefault(realm, deque()), now, limits, limits.per_window
            ):
                raise throttle_exceeded()
            if batch and not self._admit(
                self._batches.setdefault(key, deque()), now, limits, limits.batches_per_window
            ):
                raise throttle_exceeded()
            self._inflight[key] = self._inflight.get(key, 0) + 1

    def leave(self, realm: str, client: str) -> None:
        with self._lock:
            key = (realm, client)
            self._inflight[key] = max(0, self._inflight.get(key, 0) - 1)

    def reset(self, realm: str) -> None:
        with self._lock:
            self._requests.pop(realm, None)
            for key in [k for k in self._batches if k[0] == realm]:
                del self._batches[key]

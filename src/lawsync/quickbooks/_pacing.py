"""Per-company pacing: stay under QBO's limits instead of learning them from 429s.

QBO counts requests per company in a rolling minute (500), requests in flight per company and
app (10) and batch calls per minute (40). A request holds its window slot from the moment it is
sent and is stamped with the time its answer arrived, which is never earlier than the moment the
server counted it; so a client that keeps to the same numbers as the server cannot be refused,
whatever the latency.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

__all__ = ["Pacer", "Pacing", "RollingWindow"]


@dataclass(frozen=True, slots=True)
class Pacing:
    """Limits per company; ``enabled=False`` switches pacing off (benchmarks, tests)."""

    per_window: int = 500
    concurrent: int = 10
    batches_per_window: int = 40
    window_seconds: float = 60.0
    enabled: bool = True


class RollingWindow:
    """At most ``cap`` uses in any ``seconds``-long window, counting uses still in progress."""

    def __init__(
        self, cap: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.cap = cap
        self.seconds = seconds
        self._clock = clock
        self._stamps: deque[float] = deque()
        self._pending = 0
        self._changed = asyncio.Event()

    def _prune(self, now: float) -> None:
        horizon = now - self.seconds
        stamps = self._stamps
        while stamps and stamps[0] <= horizon:
            stamps.popleft()

    async def acquire(self, not_before: Callable[[], float] | None = None) -> None:
        """Wait until a use fits in the window, then reserve it."""
        while True:
            now = self._clock()
            wait = not_before() - now if not_before is not None else 0.0
            if wait <= 0:
                self._prune(now)
                if len(self._stamps) + self._pending < self.cap:
                    self._pending += 1
                    return
                wait = self._stamps[0] + self.seconds - now if self._stamps else self.seconds
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=max(wait, 0.001))

    def try_acquire(self) -> float:
        """Reserve a use now and return 0, or return how many seconds until one may fit
        (a short poll when every use in the window is still in progress)."""
        now = self._clock()
        self._prune(now)
        if len(self._stamps) + self._pending < self.cap:
            self._pending += 1
            return 0.0
        return max(self._stamps[0] + self.seconds - now, 0.001) if self._stamps else 0.05

    def release(self) -> None:
        """The use is over: stamp it now, so it leaves the window ``seconds`` from now."""
        self._pending -= 1
        self._stamps.append(self._clock())
        self._changed.set()

    def cancel(self) -> None:
        """The use never happened (the caller gave up before sending)."""
        self._pending -= 1
        self._changed.set()


class _RealmPacer:
    __slots__ = ("batches", "in_flight", "paused_until", "requests")

    def __init__(self, pacing: Pacing, clock: Callable[[], float]) -> None:
        self.in_flight = asyncio.Semaphore(pacing.concurrent)
        self.requests = RollingWindow(pacing.per_window, pacing.window_seconds, clock)
        self.batches = RollingWindow(pacing.batches_per_window, pacing.window_seconds, clock)
        self.paused_until = 0.0


class Pacer:
    """One set of limits per company (realm), created on first use."""

    def __init__(self, pacing: Pacing, clock: Callable[[], float] = time.monotonic) -> None:
        self.pacing = pacing
        self._clock = clock
        self._realms: dict[str, _RealmPacer] = {}

    def _realm(self, realm: str) -> _RealmPacer:
        pacer = self._realms.get(realm)
        if pacer is None:
            pacer = self._realms[realm] = _RealmPacer(self.pacing, self._clock)
        return pacer

    def pause(self, realm: str, seconds: float) -> None:
        """Hold every new request to ``realm`` for ``seconds`` (after a 429)."""
        if self.pacing.enabled:
            pacer = self._realm(realm)
            pacer.paused_until = max(pacer.paused_until, self._clock() + seconds)

    @asynccontextmanager
    async def slot(self, realm: str, *, batch: bool = False) -> AsyncIterator[None]:
        """Hold one request's place in the company's limits while it is sent and answered."""
        if not self.pacing.enabled:
            yield
            return
        pacer = self._realm(realm)
        async with pacer.in_flight:
            if batch:
                await pacer.batches.acquire(lambda: pacer.paused_until)
            try:
                await pacer.requests.acquire(lambda: pacer.paused_until)
            except BaseException:
                if batch:
                    pacer.batches.cancel()
                raise
            try:
                yield
            finally:
                pacer.requests.release()
                if batch:
                    pacer.batches.release()

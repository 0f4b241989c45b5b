"""The sandbox's clock: real time plus an offset that the control API can move."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def set(self, epoch: float) -> None:
        with self._lock:
            self._offset = epoch - time.time()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def iso(self) -> str:
        return datetime.fromtimestamp(self.now(), UTC).isoformat()

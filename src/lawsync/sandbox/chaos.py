"""Injected faults, for testing a client's retries and idempotency.

A company can be told to fail a share of its ``/v3`` calls.  Faults *before* the
work (429, 503, gateway 500) change nothing; faults *after* it (``error_after_commit``,
``timeout_after_commit``) store the change and then answer 500 or answer late, which
is the case a client cannot tell from a lost request and must resolve with
``requestid`` or a look-up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

KINDS = (
    "throttle",
    "unavailable",
    "gateway_error",
    "error_after_commit",
    "timeout_after_commit",
)
BEFORE = ("throttle", "unavailable", "gateway_error")


@dataclass
class Chaos:
    rate: float = 0.0
    kinds: tuple[str, ...] = KINDS
    delay_seconds: float = 5.0
    rng: random.Random = field(default_factory=random.Random)

    def pick(self) -> str | None:
        if self.rate <= 0 or not self.kinds:
            return None
        if self.rng.random() >= self.rate:
            return None
        return self.rng.choice(self.kinds)


def configure(spec: dict[str, object]) -> Chaos:
    """Build the injection settings from the control API's ``chaos`` object."""
    kinds = tuple(str(k) for k in spec.get("kinds") or KINDS)  # type: ignore[attr-defined]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown fault kinds: {', '.join(unknown)}; use {', '.join(KINDS)}")
    rate = float(spec.get("rate", 0.0))  # type: ignore[arg-type]
    if not 0.0 <= rate <= 1.0:
        raise ValueError("rate must be between 0 and 1")
    seed = spec.get("seed")
    return Chaos(
        rate=rate,
        kinds=kinds,
        delay_seconds=float(spec.get("delay_seconds", 5.0)),  # type: ignore[arg-type]
        rng=random.Random(seed),  # type: ignore[arg-type]
    )

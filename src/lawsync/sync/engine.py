"""One sync pass for a firm: push every dirty record, in dependency order, idempotently.

Contract used by the worker, the API and the CLI:

    report = await run_pass(ledger, firm_id, qb, progress=callback)
    counts = status_counts(ledger, firm_id)

`qb` is an `AsyncQuickBooks` whose token store serves the firm's active connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import AsyncQuickBooks

ProgressFn = Callable[[str, int, int], None]  # (kind, done, total)

KINDS = ("contact", "bill", "interest_charge", "credit_note", "payment")


@dataclass
class KindReport:
    synced: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class PassReport:
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    kinds: dict[str, KindReport] = field(default_factory=lambda: {k: KindReport() for k in KINDS})
    requests: int = 0
    reconnect_needed: bool = False
    note: str = ""


async def run_pass(
    ledger: Ledger, firm_id: int, qb: AsyncQuickBooks, *, progress: ProgressFn | None = None
) -> PassReport:
    raise NotImplementedError("being written")


def status_counts(ledger: Ledger, firm_id: int) -> dict[str, dict[str, int]]:
    raise NotImplementedError("being written")

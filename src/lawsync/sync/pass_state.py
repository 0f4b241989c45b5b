"""Is a pass for the firm waiting or running? For the status the API and pages show.

In the queued mode the answer is the firm's jobs (waiting: `todo`, running: `doing`); in the
embedded mode no pass waits in a table, and one runs while the firm's pass lease is held.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from lawsync.config import SyncMode
from lawsync.practice.services.context import Ledger
from lawsync.sync.jobs import firm_lock
from lawsync.sync.lease import holder


@dataclass(frozen=True)
class PassState:
    mode: SyncMode
    queued: int
    running: int


def pass_state(ledger: Ledger, firm_id: int, mode: SyncMode) -> PassState:
    if mode == "embedded":
        return PassState(mode, 0, int(holder(ledger, firm_id) is not None))
    with ledger.uow(firm_id) as uow:
        counts: dict[str, int] = dict(
            uow.session.execute(
                text(
                    "SELECT status::text, count(*) FROM procrastinate_jobs"
                    " WHERE queueing_lock = :lock AND status IN ('todo', 'doing') GROUP BY status"
                ),
                {"lock": firm_lock(firm_id)},
            ).all()
        )
    return PassState(mode, int(counts.get("todo", 0)), int(counts.get("doing", 0)))
